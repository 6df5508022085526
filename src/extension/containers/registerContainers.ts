import * as vscode from 'vscode';

import { ContainerOperations } from '../../engine/operations';
import { ProcessRunner } from '../../engine/runner';
import { registerCapabilitiesDocuments } from './capabilitiesDocument';
import type { FlagChoice } from './checkpointChoices';
import { CONTAINERS_VIEW } from './commandIds';
import { registerContainerCommands } from './containerCommands';
import { ContainerHosts } from './containerHosts';
import { readContainerSettings } from './containerSettings';
import { ContainersTreeProvider, type ContainerNode } from './containersView';
import { HostLogFileSystem, LOG_SCHEME } from './logDocuments';
import { PreflightController } from './preflight';
import type { PreflightRecord } from './preflightText';

/** Read access to the Containers view for the in-host tests, returned by `activate`. */
export interface ContainersTestApi {
  /** Every node of the tree with its TreeItem, depth first. */
  treeItems(): Array<{ node: ContainerNode; item: vscode.TreeItem; depth: number }>;
  /** Resolves once `predicate` holds for the tree, checking after each change; rejects after `timeoutMs`. */
  waitForTree(predicate: (items: Array<{ node: ContainerNode; item: vscode.TreeItem }>) => boolean, timeoutMs?: number): Promise<void>;
  /** The choices of the last checkpoint flag multi-select that opened, or undefined before the first. */
  lastFlagChoices(): readonly FlagChoice[] | undefined;
  /** The last preflight result of a container, kept even after its state changed. */
  lastPreflight(hostName: string, id: string): PreflightRecord | undefined;
}

/**
 * Registers the Containers view, its commands, the read-only host logs and the capabilities
 * documents. Every podman, crun and CRIU command runs through one ProcessRunner that logs its
 * command line and exit status to `log`. Collected snapshots go under `storageUri`.
 */
export function registerContainers(log: vscode.LogOutputChannel, storageUri: vscode.Uri): { disposable: vscode.Disposable; testApi: ContainersTestApi } {
  const runner = new ProcessRunner(log);
  const operations = new ContainerOperations(runner, log);
  const hosts = new ContainerHosts(runner, log, () => readContainerSettings().pollIntervalMs);
  const logs = new HostLogFileSystem(runner, (name) => hosts.host(name));
  const capabilities = registerCapabilitiesDocuments((name) => hosts.snapshot(name));
  // Run This Checkpoint in a report calls into the commands, which are registered after the controller.
  let runReportCheckpoint: (hostName: string, id: string, record: PreflightRecord) => Promise<void> = async () => undefined;
  const preflight = new PreflightController({ hosts, runner, log, storageUri, runCheckpoint: (hostName, id, record) => runReportCheckpoint(hostName, id, record) });
  const tree = new ContainersTreeProvider(hosts, preflight);
  const view = vscode.window.createTreeView(CONTAINERS_VIEW, { treeDataProvider: tree, showCollapseAll: true });

  const start = (): void => void hosts.ensureStarted(readContainerSettings);
  if (view.visible) start();
  const refreshCapabilities = hosts.onDidChange(() => {
    for (const host of hosts.hosts()) capabilities.refresh(host.name);
  });

  const treeItems = (): Array<{ node: ContainerNode; item: vscode.TreeItem; depth: number }> => {
    const items: Array<{ node: ContainerNode; item: vscode.TreeItem; depth: number }> = [];
    const visit = (node: ContainerNode | undefined, depth: number): void => {
      for (const child of tree.getChildren(node)) {
        items.push({ node: child, item: tree.getTreeItem(child), depth });
        visit(child, depth + 1);
      }
    };
    visit(undefined, 0);
    return items;
  };
  const waitForTree: ContainersTestApi['waitForTree'] = (predicate, timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate(treeItems())) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      };
      const subscription = hosts.onDidChange(check);
      const timer = setTimeout(() => {
        subscription.dispose();
        const seen = treeItems().map(({ item }) => `${String(item.label)} [${item.contextValue}] ${String(item.description ?? '')}`);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for the Containers tree; it shows: ${JSON.stringify(seen)}`));
      }, timeoutMs);
      check();
    });

  let flagChoices: readonly FlagChoice[] | undefined;
  const commands = registerContainerCommands({
    hosts,
    operations,
    runner,
    logs,
    refreshCapabilities: (name) => capabilities.refresh(name),
    ensureStarted: () => hosts.ensureStarted(readContainerSettings),
    log,
    storageUri,
    preflight,
    onFlagChoices: (choices) => (flagChoices = choices),
  });
  runReportCheckpoint = (hostName, id, record) => commands.runReportCheckpoint(hostName, id, record);

  const disposable = vscode.Disposable.from(
    hosts,
    tree,
    view,
    view.onDidChangeVisibility((event) => {
      if (event.visible) start();
    }),
    capabilities,
    refreshCapabilities,
    vscode.workspace.registerFileSystemProvider(LOG_SCHEME, logs, { isReadonly: true, isCaseSensitive: true }),
    logs,
    preflight,
    commands,
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('checkpointLens.hosts') && hosts.started) void hosts.configure(readContainerSettings());
    }),
  );
  const testApi: ContainersTestApi = {
    treeItems,
    waitForTree,
    lastFlagChoices: () => flagChoices,
    lastPreflight: (hostName, id) => preflight.last(hostName, id),
  };
  return { disposable, testApi };
}
