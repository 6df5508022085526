import * as vscode from 'vscode';

import { ContainerOperations } from '../../engine/operations';
import { ProcessRunner } from '../../engine/runner';
import { registerCapabilitiesDocuments } from './capabilitiesDocument';
import { CONTAINERS_VIEW } from './commandIds';
import { registerContainerCommands } from './containerCommands';
import { ContainerHosts } from './containerHosts';
import { readContainerSettings } from './containerSettings';
import { ContainersTreeProvider } from './containersView';
import { HostLogFileSystem, LOG_SCHEME } from './logDocuments';

/**
 * Registers the Containers view, its commands, the read-only host logs and the capabilities
 * documents. Every podman, crun and CRIU command runs through one ProcessRunner that logs its
 * command line and exit status to `log`.
 */
export function registerContainers(log: vscode.LogOutputChannel): vscode.Disposable {
  const runner = new ProcessRunner(log);
  const operations = new ContainerOperations(runner, log);
  const hosts = new ContainerHosts(runner, log, () => readContainerSettings().pollIntervalMs);
  const logs = new HostLogFileSystem(runner, (name) => hosts.host(name));
  const capabilities = registerCapabilitiesDocuments((name) => hosts.snapshot(name));
  const tree = new ContainersTreeProvider(hosts);
  const view = vscode.window.createTreeView(CONTAINERS_VIEW, { treeDataProvider: tree, showCollapseAll: true });

  const start = (): void => void hosts.ensureStarted(readContainerSettings);
  if (view.visible) start();
  const refreshCapabilities = hosts.onDidChange(() => {
    for (const host of hosts.hosts()) capabilities.refresh(host.name);
  });

  return vscode.Disposable.from(
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
    registerContainerCommands({ hosts, operations, runner, logs, refreshCapabilities: (name) => capabilities.refresh(name), ensureStarted: () => hosts.ensureStarted(readContainerSettings), log }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('checkpointLens.hosts') && hosts.started) void hosts.configure(readContainerSettings());
    }),
  );
}
