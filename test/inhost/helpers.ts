// Shared helpers of the in-host tests. Not a test file: build.mjs bundles only *.test.ts as suites.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'checkpoint-lens.checkpoint-lens';

/** Activates the extension under test and returns it. */
export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} not found in the extension host`);
  await extension.activate();
  return extension;
}

/** Returns the URI of a file in the sample workspace that scripts/make-sample-workspace.mjs builds. */
export function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the in-host suite needs the sample workspace folder open');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

/** Returns our diagnostics of `uri` (other extensions' diagnostics are left out). */
export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Checkpoint Lens');
}

/**
 * Resolves with our diagnostics of `uri` once `predicate` accepts them, checking now and on each
 * `onDidChangeDiagnostics` event. Rejects after `timeoutMs` with the last diagnostics seen.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = 15_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diagnostics = ourDiagnostics(uri);
      if (!predicate(diagnostics)) return false;
      cleanup();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      const seen = ourDiagnostics(uri).map((diagnostic) => `${diagnostic.range.start.line}:${diagnostic.severity}:${diagnostic.message}`);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for diagnostics of ${uri.toString(true)}; last seen: ${JSON.stringify(seen)}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      subscription.dispose();
    };
    check();
  });
}

export function errorsOf(diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] {
  return diagnostics.filter((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error);
}

/** Returns the plain text of hover contents, whatever mix of strings and MarkdownStrings they are. */
export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : 'value' in content ? content.value : ''))
    .join('\n');
}
