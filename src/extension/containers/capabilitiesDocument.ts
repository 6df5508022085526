import * as vscode from 'vscode';

import type { HostSnapshot } from './model';
import { capabilitiesMarkdown } from './treeRows';

/** Scheme of the read-only Markdown documents with a host's capability probe. */
export const CAPABILITIES_SCHEME = 'checkpoint-lens-capabilities';

export function capabilitiesUri(hostName: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CAPABILITIES_SCHEME, path: `/${encodeURIComponent(hostName)}.md` });
}

/**
 * Registers the capabilities documents. Each request renders the host's current snapshot, and
 * `refresh` re-renders the open ones after a new probe.
 */
export function registerCapabilitiesDocuments(snapshotOf: (hostName: string) => HostSnapshot | undefined): vscode.Disposable & { refresh(hostName: string): void } {
  const changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  const registration = vscode.workspace.registerTextDocumentContentProvider(CAPABILITIES_SCHEME, {
    onDidChange: changeEmitter.event,
    provideTextDocumentContent(uri) {
      const hostName = decodeURIComponent(uri.path.replace(/^\//, '').replace(/\.md$/, ''));
      const snapshot = snapshotOf(hostName);
      if (!snapshot) return `# Host not found\n\nNo host named "${hostName}" is in the checkpointLens.hosts setting.\n`;
      return capabilitiesMarkdown(snapshot);
    },
  });
  return {
    refresh(hostName: string) {
      changeEmitter.fire(capabilitiesUri(hostName));
    },
    dispose() {
      registration.dispose();
      changeEmitter.dispose();
    },
  };
}

/** Opens the capabilities of a host as a Markdown preview, or as read-only Markdown text where the preview is missing. */
export async function showCapabilities(hostName: string, log: vscode.LogOutputChannel): Promise<void> {
  const uri = capabilitiesUri(hostName);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return;
  } catch (error) {
    log.warn(`Markdown preview unavailable, opening the capabilities as text: ${String(error)}`);
  }
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
}
