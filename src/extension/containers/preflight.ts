/**
 * The preflight in the Containers view. It runs on a container with progress and cancel, and the
 * last result per container feeds the tree rows and the report panel. The /proc text a finding's
 * evidence points at is served as read-only documents.
 */
import { randomBytes } from 'node:crypto';

import * as vscode from 'vscode';

import type { HostCapabilities } from '../../engine/capabilities';
import { CancelledError, CommandError } from '../../engine/errors';
import type { Host } from '../../engine/hosts';
import { collectPreflight } from '../../engine/preflight';
import type { CommandRunner } from '../../engine/runner';
import { runChecks } from '../../model/preflight';
import type { PreflightIntent } from '../../model/preflight/types';
import { GAPS_COMMANDS, type SnapshotArgument } from '../gaps/registerGaps';
import { CONTAINER_COMMANDS } from './commandIds';
import type { ContainerHosts } from './containerHosts';
import type { PreflightResults } from './containersView';
import type { ContainerView } from './model';
import { isReportAction, preflightReportHtml, type ReportAction } from './preflightReportHtml';
import {
  collectedText,
  containerStateKey,
  currentPreflight,
  evidenceTarget,
  preflightSummary,
  reportNotice,
  withCheckpointAfter,
  type CheckpointOutcome,
  type PreflightRecord,
} from './preflightText';

/** Scheme of the read-only documents with the /proc text a preflight collected. */
export const PREFLIGHT_PROC_SCHEME = 'checkpoint-lens-preflight';

const REPORT_VIEW_TYPE = 'checkpointLens.preflightReport';

/** Timeout in milliseconds of each command that reads /proc: a guess with room for containers with many processes. */
const COLLECT_TIMEOUT_MS = 120_000;

/** Outcome of a preflight; `failed` carries the reason as text. */
export type PreflightOutcome = { status: 'done'; record: PreflightRecord } | { status: 'cancelled' } | { status: 'failed'; reason: string };

export interface PreflightServices {
  hosts: ContainerHosts;
  runner: CommandRunner;
  log: vscode.LogOutputChannel;
  /** Folder for the snapshots the Mounts and Mappings panel reads. */
  storageUri: vscode.Uri;
  /** Runs the report's checkpoint on the container: Run This Checkpoint. */
  runCheckpoint: (hostName: string, id: string, record: PreflightRecord) => Promise<void>;
}

/** Argument of the command that opens a finding's evidence: the container and the indexes into its last report. */
export interface EvidenceArgument {
  hostName: string;
  id: string;
  finding: number;
  evidence: number;
}

function recordKey(hostName: string, id: string): string {
  return `${hostName}\0${id}`;
}

/** Returns the URI of a collected /proc file of a container, e.g. `checkpoint-lens-preflight:/trixie/abc123/proc/12/net/tcp`. */
export function collectedFileUri(hostName: string, id: string, file: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PREFLIGHT_PROC_SCHEME, path: `/${encodeURIComponent(hostName)}/${id}${file}` });
}

function parseCollectedFileUri(uri: vscode.Uri): { hostName: string; id: string; file: string } | undefined {
  const match = /^\/([^/]+)\/([0-9a-zA-Z_.-]+)(\/.+)$/.exec(uri.path);
  return match ? { hostName: decodeURIComponent(match[1]), id: match[2], file: match[3] } : undefined;
}

/** The preflight results of all containers, the report panels and the collected-file documents. */
export class PreflightController implements PreflightResults, vscode.Disposable {
  private readonly records = new Map<string, PreflightRecord>();
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];

  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly services: PreflightServices) {
    this.disposables.push(
      this.changeEmitter,
      vscode.workspace.registerTextDocumentContentProvider(PREFLIGHT_PROC_SCHEME, {
        provideTextDocumentContent: (uri) => this.collectedFileText(uri),
      }),
      // A state change drops a row's result, so open reports re-render with Run disabled or enabled.
      services.hosts.onDidChange(() => this.refreshPanels()),
      vscode.commands.registerCommand(CONTAINER_COMMANDS.openPreflightEvidence, (argument: EvidenceArgument) => {
        const record = this.records.get(recordKey(argument.hostName, argument.id));
        return record ? this.openEvidence(argument.hostName, argument.id, record, argument.finding, argument.evidence) : undefined;
      }),
    );
  }

  /** Returns the result taken in the container's current state, if any. */
  current(hostName: string, id: string): PreflightRecord | undefined {
    const container = this.services.hosts.container(hostName, id);
    return container ? currentPreflight(this.records.get(recordKey(hostName, id)), container) : undefined;
  }

  /**
   * Marks the container's result as outdated by a checkpoint that podman ran, so its row drops the
   * verdict and its report explains why. A failed dump leaves the container running in the
   * same state, which the state key alone does not notice.
   */
  noteCheckpoint(hostName: string, id: string, outcome: CheckpointOutcome): void {
    const key = recordKey(hostName, id);
    const record = this.records.get(key);
    if (!record) return;
    this.records.set(key, withCheckpointAfter(record, outcome, new Date()));
    this.changeEmitter.fire();
    this.refreshPanels();
  }

  /** Returns the last result of a container even when its state changed since, for an open report. */
  last(hostName: string, id: string): PreflightRecord | undefined {
    return this.records.get(recordKey(hostName, id));
  }

  /**
   * Runs the preflight on a container with a cancellable progress notification and a spinner on
   * its row. The row's Cancel button aborts it too. Collection and check errors are returned as
   * `failed`, not thrown.
   */
  async check(host: Host, container: ContainerView, intent: PreflightIntent, title: string): Promise<PreflightOutcome> {
    const abort = new AbortController();
    const finish = this.services.hosts.startOperation(host.name, container.id, { label: 'Checking', abort });
    const stateKey = containerStateKey(container);
    const capabilities: HostCapabilities | undefined = this.services.hosts.snapshot(host.name)?.probe;
    try {
      const record = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const subscription = token.onCancellationRequested(() => abort.abort());
        try {
          progress.report({ message: 'reading /proc' });
          const input = await collectPreflight(this.services.runner, host, container.id, {
            intent,
            signal: abort.signal,
            timeoutMs: COLLECT_TIMEOUT_MS,
            ...(capabilities ? { capabilities } : {}),
          });
          progress.report({ message: 'checking' });
          const report = runChecks(input);
          return { report, input, stateKey, checkedAt: new Date() };
        } finally {
          subscription.dispose();
        }
      });
      this.records.set(recordKey(host.name, container.id), record);
      this.services.log.info(`Preflight of ${container.name} on host ${host.name}: ${preflightSummary(record.report)}`);
      this.changeEmitter.fire();
      this.refreshPanels();
      return { status: 'done', record };
    } catch (error) {
      if (error instanceof CancelledError || (error instanceof CommandError && error.kind === 'cancelled') || abort.signal.aborted) {
        this.services.log.info(`Preflight of ${container.name} on host ${host.name} cancelled`);
        return { status: 'cancelled' };
      }
      const reason = error instanceof Error ? error.message : String(error);
      this.services.log.error(`Preflight of ${container.name} on host ${host.name} failed: ${reason}`);
      return { status: 'failed', reason };
    } finally {
      finish();
    }
  }

  /** Opens the report of a container's last preflight in a panel, or reveals the open one. */
  showReport(hostName: string, id: string): vscode.WebviewPanel | undefined {
    const key = recordKey(hostName, id);
    const record = this.records.get(key);
    if (!record) return undefined;
    const existing = this.panels.get(key);
    if (existing) {
      this.render(existing, hostName, id);
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, `Preflight: ${record.report.container.name}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [],
    });
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    panel.webview.onDidReceiveMessage((message: unknown) => {
      if (isReportAction(message)) void this.act(hostName, id, message);
    });
    this.render(panel, hostName, id);
    return panel;
  }

  private render(panel: vscode.WebviewPanel, hostName: string, id: string): void {
    const record = this.records.get(recordKey(hostName, id));
    if (!record) return;
    const container = this.services.hosts.container(hostName, id);
    const notice = reportNotice(record, hostName, container, this.services.hosts.operation(hostName, id)?.label);
    panel.title = `Preflight: ${record.report.container.name}`;
    panel.webview.html = preflightReportHtml(record.report, record.input, {
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      canRun: notice === undefined,
      ...(notice ? { notice } : {}),
    });
  }

  private refreshPanels(): void {
    for (const [key, panel] of this.panels) {
      const [hostName, id] = key.split('\0');
      this.render(panel, hostName, id);
    }
  }

  private async act(hostName: string, id: string, action: ReportAction): Promise<void> {
    const record = this.records.get(recordKey(hostName, id));
    if (!record) return;
    try {
      switch (action.type) {
        case 'copy':
          await vscode.env.clipboard.writeText(action.text);
          vscode.window.setStatusBarMessage('$(check) Copied to the clipboard', 3000);
          return;
        case 'run':
          await this.services.runCheckpoint(hostName, id, record);
          return;
        case 'recheck':
          await vscode.commands.executeCommand(CONTAINER_COMMANDS.checkBeforeCheckpoint, { kind: 'container', hostName, id });
          return;
        case 'evidence':
          await this.openEvidence(hostName, id, record, action.finding, action.evidence);
          return;
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.services.log.error(`Preflight report action ${action.type} on ${record.report.container.name} failed: ${reason}`);
      void vscode.window.showErrorMessage(`The preflight report's ${action.type} action failed for ${record.report.container.name}: ${reason}`);
    }
  }

  /** Opens what a finding's evidence points at: the Mounts and Mappings panel, or the collected /proc text at its line. */
  async openEvidence(hostName: string, id: string, record: PreflightRecord, findingIndex: number, evidenceIndex: number): Promise<void> {
    const finding = record.report.findings[findingIndex];
    const evidence = finding?.evidence[evidenceIndex];
    if (!finding || !evidence) return;
    const target = evidenceTarget(finding, evidence, record.input);
    if (target?.kind === 'proc') {
      await this.openCollectedFile(hostName, id, target.file, target.line);
    } else if (target?.kind === 'gap' && record.input) {
      await this.openGaps(hostName, id, record, target.focusMapping, target.fd);
    }
  }

  /** Opens a collected /proc file read-only, with the cursor and selection on `line` (1-based). */
  async openCollectedFile(hostName: string, id: string, file: string, line: number | undefined): Promise<vscode.TextEditor> {
    const document = await vscode.workspace.openTextDocument(collectedFileUri(hostName, id, file));
    const lineIndex = Math.min(Math.max(0, (line ?? 1) - 1), Math.max(0, document.lineCount - 1));
    const range = line !== undefined ? document.lineAt(lineIndex).range : new vscode.Range(0, 0, 0, 0);
    return vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true, selection: range });
  }

  private async openGaps(hostName: string, id: string, record: PreflightRecord, range: string | undefined, fd: number | undefined): Promise<void> {
    const input = record.input!;
    const folder = vscode.Uri.joinPath(this.services.storageUri, 'preflight', encodeURIComponent(hostName), id);
    await vscode.workspace.fs.createDirectory(folder);
    const file = vscode.Uri.joinPath(folder, 'snapshot.json');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(input.snapshot, null, 2)));
    const argument: SnapshotArgument = {
      snapshot: file,
      ...(range ? { focusMapping: range } : {}),
      live: { container: record.report.container.name, host: hostName, ...(record.report.container.runtime ? { runtime: record.report.container.runtime } : {}) },
    };
    let focus = 'a mount';
    if (fd !== undefined) focus = `fd ${fd}`;
    if (range !== undefined) focus = `the mapping ${range}`;
    this.services.log.info(`Opening Mounts and Mappings of ${record.report.container.name} for ${focus}`);
    await vscode.commands.executeCommand(GAPS_COMMANDS.showFromSnapshot, argument);
  }

  private collectedFileText(uri: vscode.Uri): string {
    const parsed = parseCollectedFileUri(uri);
    if (!parsed) return `The link ${uri.toString(true)} names no host, container and file.\n`;
    const record = this.records.get(recordKey(parsed.hostName, parsed.id));
    if (!record?.input) return `No preflight of container ${parsed.id} on host ${parsed.hostName} is kept. Run Check Before Checkpoint again.\n`;
    return collectedText(record.input, parsed.file) ?? `The preflight did not collect ${parsed.file}.\n`;
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
