/**
 * "Show Mounts and Mappings" on a running container: collects its /proc through the host, stores
 * the snapshot in the extension's storage and opens the Mounts and Mappings panel on it, together
 * with the container's dump.log when its static folder has one.
 */
import * as vscode from 'vscode';

import { collectContainerSnapshot } from '../../engine/collect';
import { CancelledError } from '../../engine/errors';
import type { Host } from '../../engine/hosts';
import type { CommandRunner } from '../../engine/runner';
import { GAPS_COMMANDS, type SnapshotArgument } from '../gaps/registerGaps';
import { hostLogUri, type HostLogFileSystem } from './logDocuments';
import { logPathOf, type ContainerView } from './model';

export interface LiveGapsServices {
  runner: CommandRunner;
  logs: HostLogFileSystem;
  /** Folder for collected snapshots. Each container's file is replaced on the next collection. */
  storageUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}

/** Timeout in milliseconds of each command that reads /proc: a guess with room for containers with many processes. */
const COLLECT_TIMEOUT_MS = 120_000;

/** Returns the URI of the container's dump.log on its host, or undefined when the host has none. */
async function dumpLogOf(services: LiveGapsServices, host: Host, container: ContainerView): Promise<vscode.Uri | undefined> {
  const path = logPathOf(container, 'dump');
  if (!path) return undefined;
  const uri = hostLogUri(host.name, path);
  // Read it again: a checkpoint since the last read may have rewritten it.
  services.logs.forget(uri);
  try {
    await vscode.workspace.fs.stat(uri);
    return uri;
  } catch (error) {
    if (!(error instanceof vscode.FileSystemError && error.code === 'FileNotFound')) {
      services.log.warn(`Showing the mounts of ${container.name} without ${path}, because reading it on host ${host.name} failed: ${(error as Error).message}`);
    }
    return undefined;
  }
}

/**
 * Collects the snapshot of a running container with a cancellable progress notification and
 * opens the panel on it. Reports a failed collection in an error message; a cancelled one ends quietly.
 */
export async function showLiveGaps(services: LiveGapsServices, host: Host, container: ContainerView): Promise<void> {
  const title = `Reading /proc of ${container.name} on ${host.name}`;
  let collected: { snapshot: vscode.Uri; log: vscode.Uri | undefined } | undefined;
  try {
    collected = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        const snapshot = await collectContainerSnapshot(services.runner, host, container.id, { signal: abort.signal, timeoutMs: COLLECT_TIMEOUT_MS });
        const folder = vscode.Uri.joinPath(services.storageUri, 'live', encodeURIComponent(host.name), container.id);
        await vscode.workspace.fs.createDirectory(folder);
        const file = vscode.Uri.joinPath(folder, 'snapshot.json');
        await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(snapshot, null, 2)));
        return { snapshot: file, log: await dumpLogOf(services, host, container) };
      } finally {
        subscription.dispose();
      }
    });
  } catch (error) {
    if (error instanceof CancelledError) {
      services.log.info(`${title}: cancelled`);
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    services.log.error(`${title} failed: ${reason}`);
    void vscode.window.showErrorMessage(`Reading /proc of ${container.name} on host "${host.name}" failed: ${reason}`);
    return;
  }

  services.log.info(`Collected /proc of ${container.name} on host ${host.name} into ${collected.snapshot.fsPath}${collected.log ? `, with ${collected.log.path}` : ', no dump.log found'}`);
  const argument: SnapshotArgument = {
    snapshot: collected.snapshot,
    ...(collected.log ? { log: collected.log } : {}),
    live: { container: container.name, host: host.name, ...(container.runtime ? { runtime: container.runtime } : {}) },
  };
  await vscode.commands.executeCommand(GAPS_COMMANDS.showFromSnapshot, argument);
}
