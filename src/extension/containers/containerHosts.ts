import * as vscode from 'vscode';

import type { Host } from '../../engine/hosts';
import type { CommandRunner } from '../../engine/runner';
import { CONTAINERS_STATE_KEY } from './commandIds';
import type { ContainerSettings } from './containerSettings';
import { HostMonitor } from './hostMonitor';
import type { CheckpointRecord, ContainerView, HostSnapshot } from './model';
import { welcomeState } from './treeRows';

/** A checkpoint or restore in progress on one container. */
export interface RunningOperation {
  /** Shown in the row's description, e.g. `Checkpointing`. */
  label: string;
  abort: AbortController;
}

/** Tree refreshes wait this long after the last change, so an events burst redraws once. */
const VIEW_DEBOUNCE_MS = 150;

/**
 * The hosts of the Containers view: one HostMonitor per configured host, the operations in
 * progress and the last checkpoint the extension made of each container.
 */
export class ContainerHosts implements vscode.Disposable {
  private monitors = new Map<string, HostMonitor>();
  private readonly operations = new Map<string, RunningOperation>();
  private readonly checkpoints = new Map<string, CheckpointRecord>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private settingProblems: string[] = [];
  private firstRefresh: Promise<void> | undefined;

  /** Fires, debounced, after any host, operation or checkpoint record changed. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly runner: CommandRunner,
    private readonly log: vscode.LogOutputChannel,
    private readonly pollIntervalMs: () => number,
  ) {}

  /**
   * Starts monitoring on first use, so activating the extension for a CRIU log starts no podman
   * process. Resolves when every host has been probed and listed once.
   */
  ensureStarted(readSettings: () => ContainerSettings): Promise<void> {
    this.firstRefresh ??= this.configure(readSettings());
    return this.firstRefresh;
  }

  /** Reports whether monitoring has started, so a settings change only reconfigures a running view. */
  get started(): boolean {
    return this.firstRefresh !== undefined;
  }

  /** Replaces the monitors with one per host in `settings` and refreshes them all. */
  configure(settings: ContainerSettings): Promise<void> {
    for (const monitor of this.monitors.values()) monitor.dispose();
    this.monitors = new Map(
      settings.hosts.map((host) => [
        host.name,
        new HostMonitor(host, { runner: this.runner, logger: this.log, pollIntervalMs: this.pollIntervalMs, onDidChange: () => this.changed() }),
      ]),
    );
    this.settingProblems = settings.hostProblems;
    for (const problem of settings.hostProblems) this.log.warn(`Ignoring an invalid host: ${problem}`);
    this.changed();
    return this.refresh();
  }

  /** Probes and lists one host again, or every host. */
  async refresh(hostName?: string): Promise<void> {
    const monitors = hostName === undefined ? [...this.monitors.values()] : [this.monitors.get(hostName)].filter((monitor) => monitor !== undefined);
    await Promise.all(monitors.map((monitor) => monitor.refresh()));
  }

  /** Lists the containers of a host again without probing, e.g. after an operation. */
  async relist(hostName: string): Promise<void> {
    await this.monitors.get(hostName)?.list();
  }

  hosts(): Host[] {
    return [...this.monitors.values()].map((monitor) => monitor.host);
  }

  host(name: string): Host | undefined {
    return this.monitors.get(name)?.host;
  }

  snapshots(): HostSnapshot[] {
    return [...this.monitors.values()].map((monitor) => monitor.snapshot);
  }

  snapshot(hostName: string): HostSnapshot | undefined {
    return this.monitors.get(hostName)?.snapshot;
  }

  /** Invalid entries of the hosts setting, one sentence each. */
  invalidSettings(): string[] {
    return this.settingProblems;
  }

  container(hostName: string, id: string): ContainerView | undefined {
    return this.snapshot(hostName)?.containers.find((container) => container.id === id);
  }

  operation(hostName: string, id: string): RunningOperation | undefined {
    return this.operations.get(key(hostName, id));
  }

  /** Marks a container busy until the returned function is called. */
  startOperation(hostName: string, id: string, operation: RunningOperation): () => void {
    const operationKey = key(hostName, id);
    this.operations.set(operationKey, operation);
    this.changed();
    void vscode.commands.executeCommand('setContext', 'checkpointLens.containers.busy', true);
    return () => {
      this.operations.delete(operationKey);
      void vscode.commands.executeCommand('setContext', 'checkpointLens.containers.busy', this.operations.size > 0);
      this.changed();
    };
  }

  runningOperations(): Array<{ hostName: string; id: string; operation: RunningOperation }> {
    return [...this.operations.entries()].map(([operationKey, operation]) => {
      const [hostName, id] = operationKey.split('\0');
      return { hostName, id, operation };
    });
  }

  lastCheckpoint(hostName: string, id: string): CheckpointRecord | undefined {
    return this.checkpoints.get(key(hostName, id));
  }

  recordCheckpoint(hostName: string, id: string, record: CheckpointRecord): void {
    this.checkpoints.set(key(hostName, id), record);
    this.changed();
  }

  private changed(): void {
    clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => {
      void vscode.commands.executeCommand('setContext', CONTAINERS_STATE_KEY, welcomeState(this.snapshots()));
      this.changeEmitter.fire();
    }, VIEW_DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.changeTimer);
    for (const monitor of this.monitors.values()) monitor.dispose();
    for (const operation of this.operations.values()) operation.abort.abort();
    this.monitors.clear();
    this.changeEmitter.dispose();
  }
}

function key(hostName: string, id: string): string {
  return `${hostName}\0${id}`;
}
