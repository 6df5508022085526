import { tmpdir } from 'node:os';
import * as vscode from 'vscode';

import { CommandError, PermissionError } from '../../engine/errors';
import type { Host } from '../../engine/hosts';
import { OperationRefusedError, type ContainerOperations, type OperationResult } from '../../engine/operations';
import type { CheckpointOptions, PodmanVersion, RestoreOptions } from '../../engine/podmanArgs';
import type { CommandRunner } from '../../engine/runner';
import type { PreflightIntent, PreflightReport } from '../../model/preflight/types';
import type { Analysis } from '../../model/types';
import { CRIU_LOG_LANGUAGE } from '../analysisStore';
import { showExplanation } from '../explanationDocument';
import { showCapabilities } from './capabilitiesDocument';
import {
  checkpointFlagChoices,
  failureMessage,
  inPlaceRestoreOptions,
  optionsFromChoices,
  parseCheckpointFlags,
  parseRestoreFlags,
  retryChoice,
  statisticsSummary,
  type FlagChoice,
  type Operation,
} from './checkpointChoices';
import { CONTAINER_COMMANDS, CONTAINERS_VIEW } from './commandIds';
import type { ContainerHosts } from './containerHosts';
import { HOSTS_SETTING, readContainerSettings } from './containerSettings';
import { isContainerNode, isHostNode } from './containersView';
import { hostFileExists, hostPathSize, sharesLocalFileSystem } from './hostFiles';
import { showLiveGaps } from './liveGaps';
import { hostLogUri, type HostLogFileSystem } from './logDocuments';
import { canCheckpoint, canRestore, logPathOf, type ContainerView, type LogKindName } from './model';
import type { PreflightController } from './preflight';
import { CHECKPOINT_ANYWAY_ACTION, choicesWithPreflight, missingPreflightFlags, preflightFailedLine, SHOW_REPORT_ACTION, willFailWarning, type PreflightRecord } from './preflightText';

export interface ContainerCommandServices {
  hosts: ContainerHosts;
  operations: ContainerOperations;
  runner: CommandRunner;
  logs: HostLogFileSystem;
  refreshCapabilities: (hostName: string) => void;
  /** Starts monitoring the hosts if the view has not, and waits for the first listing. */
  ensureStarted: () => Promise<void>;
  log: vscode.LogOutputChannel;
  /** Folder where Show Mounts and Mappings stores the snapshots it collects. */
  storageUri: vscode.Uri;
  preflight: PreflightController;
  /** Called with the choices of each flag multi-select as it opens; the in-host tests read them. */
  onFlagChoices?: (choices: readonly FlagChoice[]) => void;
}

interface Target {
  host: Host;
  container: ContainerView;
}

type CheckpointMode = 'choose' | 'defaults' | 'export';

/** The commands of the Containers view, and the checkpoint that a preflight report's Run This Checkpoint starts. */
export interface ContainerCommandsRegistration extends vscode.Disposable {
  runReportCheckpoint(hostName: string, id: string, record: PreflightRecord): Promise<void>;
}

/** Registers the commands of the Containers view. Each takes a tree node, or shows a quick pick when run from the palette. */
export function registerContainerCommands(services: ContainerCommandServices): ContainerCommandsRegistration {
  const commands = new ContainerCommands(services);
  const register = (id: string, handler: (argument?: unknown) => Promise<void> | void): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (argument?: unknown) => {
      try {
        await services.ensureStarted();
        await handler(argument);
      } catch (error) {
        // Failures of the operations are reported by the commands; this is for programming errors.
        services.log.error(`${id} failed`, error);
        void vscode.window.showErrorMessage(`Checkpoint Lens: ${id} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });

  const disposable = vscode.Disposable.from(
    register(CONTAINER_COMMANDS.refresh, (argument) => commands.refresh(argument)),
    register(CONTAINER_COMMANDS.checkBeforeCheckpoint, (argument) => commands.checkBeforeCheckpoint(argument)),
    register(CONTAINER_COMMANDS.checkpoint, (argument) => commands.checkpoint(argument, 'choose')),
    register(CONTAINER_COMMANDS.checkpointWithDefaults, (argument) => commands.checkpoint(argument, 'defaults')),
    register(CONTAINER_COMMANDS.checkpointAndExport, (argument) => commands.checkpoint(argument, 'export')),
    register(CONTAINER_COMMANDS.restore, (argument) => commands.restore(argument)),
    register(CONTAINER_COMMANDS.restoreFromArchive, (argument) => commands.restoreFromArchive(argument)),
    register(CONTAINER_COMMANDS.openCheckpointLog, (argument) => commands.openLog(argument, 'dump')),
    register(CONTAINER_COMMANDS.openRestoreLog, (argument) => commands.openLog(argument, 'restore')),
    register(CONTAINER_COMMANDS.showHostCapabilities, (argument) => commands.showHostCapabilities(argument)),
    register(CONTAINER_COMMANDS.showMountsAndMappings, (argument) => commands.showMountsAndMappings(argument)),
    register(CONTAINER_COMMANDS.cancelOperation, (argument) => commands.cancel(argument)),
    register(CONTAINER_COMMANDS.editHosts, async () => {
      await vscode.commands.executeCommand('workbench.action.openSettings', HOSTS_SETTING);
    }),
    register(CONTAINER_COMMANDS.showOutput, () => services.log.show(true)),
  );
  return {
    dispose: () => disposable.dispose(),
    runReportCheckpoint: (hostName, id, record) => commands.runReportCheckpoint(hostName, id, record),
  };
}

class ContainerCommands {
  constructor(private readonly services: ContainerCommandServices) {}

  private get hosts(): ContainerHosts {
    return this.services.hosts;
  }

  private get log(): vscode.LogOutputChannel {
    return this.services.log;
  }

  async refresh(argument: unknown): Promise<void> {
    const hostName = typeof argument === 'string' ? argument : isHostNode(argument) ? argument.hostName : undefined;
    await this.hosts.refresh(hostName);
  }

  // --- targets ---------------------------------------------------------------

  /** Returns the container of a tree node, or lets the user pick one of those that `accept` allows. */
  private async pickContainer(argument: unknown, accept: (container: ContainerView) => boolean, placeHolder: string): Promise<Target | undefined> {
    if (isContainerNode(argument)) {
      const host = this.hosts.host(argument.hostName);
      const container = this.hosts.container(argument.hostName, argument.id);
      if (host && container) return { host, container };
      void vscode.window.showWarningMessage('That container is no longer listed. Refresh the Containers view and try again.');
      return undefined;
    }

    const candidates = this.hosts.snapshots().flatMap((snapshot) =>
      snapshot.containers.filter(accept).map((container) => ({ host: snapshot.host, container })),
    );
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`No container fits: ${placeHolder.toLowerCase()} Refresh the Containers view if one was just created.`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((candidate) => ({
        label: candidate.container.name,
        description: `${candidate.host.name} · ${candidate.container.image} · ${candidate.container.state}`,
        candidate,
      })),
      { placeHolder, matchOnDescription: true },
    );
    return picked?.candidate;
  }

  private async pickHost(argument: unknown): Promise<Host | undefined> {
    const name = typeof argument === 'string' ? argument : isHostNode(argument) ? argument.hostName : undefined;
    if (name !== undefined) return this.hosts.host(name);
    const hosts = this.hosts.hosts();
    if (hosts.length <= 1) return hosts[0];
    const picked = await vscode.window.showQuickPick(
      hosts.map((host) => ({ label: host.name, description: host.prefix.join(' ') || 'podman on this machine', host })),
      { placeHolder: 'Host' },
    );
    return picked?.host;
  }

  private podmanVersion(host: Host): PodmanVersion | undefined {
    const version = this.hosts.snapshot(host.name)?.probe?.podmanVersion;
    if (!version) {
      void vscode.window.showErrorMessage(`The podman version of host "${host.name}" is not known yet, because its probe has not finished or failed. Refresh the host and try again.`);
    }
    return version;
  }

  // --- checkpoint ------------------------------------------------------------

  async checkpoint(argument: unknown, mode: CheckpointMode, retryOptions?: CheckpointOptions): Promise<void> {
    const target = await this.pickContainer(argument, canCheckpoint, 'Choose a running container to checkpoint.');
    if (!target) return;
    const version = this.podmanVersion(target.host);
    if (!version) return;

    let options: CheckpointOptions;
    let overwrite = false;
    if (retryOptions) {
      options = retryOptions;
    } else {
      const defaults = parseCheckpointFlags(readContainerSettings().checkpointDefaultFlags, version);
      for (const problem of defaults.problems) this.log.warn(`checkpointLens.checkpoint.defaultFlags: ${problem}`);

      if (mode === 'defaults') {
        options = defaults.options;
      } else {
        let exportPath: string | undefined;
        if (mode === 'export') {
          exportPath = await this.chooseExportPath(target);
          if (!exportPath) return;
        }
        const intent = intentOf(defaults.options, mode === 'export');
        const report = await this.preflightBeforeCheckpoint(target, intent);
        if (report === 'stop') return;
        let choices = checkpointFlagChoices(version, defaults.options, mode === 'export');
        if (report) {
          for (const flag of missingPreflightFlags(choices, report)) this.log.warn(`The preflight asks for ${flag}, which podman ${version.text} does not offer.`);
          choices = choicesWithPreflight(choices, report);
        }
        const picked = await this.chooseFlags(target, choices);
        if (!picked) return;
        options = { ...optionsFromChoices(picked, defaults.options), ...(exportPath ? { export: exportPath } : {}) };
        if (exportPath) {
          const confirmed = await this.confirmOverwrite(target.host, exportPath);
          if (confirmed === undefined) return;
          overwrite = confirmed;
        }
      }
    }

    const result = await this.runWithProgress(target, 'Checkpointing', (signal) =>
      this.services.operations.checkpoint({ host: target.host, podmanVersion: version, container: target.container.name, options, overwrite, signal, inspectAfter: true }),
    );
    await this.report('checkpoint', target, version, options, result);
  }

  // --- preflight -------------------------------------------------------------

  async checkBeforeCheckpoint(argument: unknown): Promise<void> {
    const target = await this.pickContainer(argument, canCheckpoint, 'Choose a running container to check before a checkpoint.');
    if (!target) return;
    const version = this.podmanVersion(target.host);
    if (!version) return;
    const defaults = parseCheckpointFlags(readContainerSettings().checkpointDefaultFlags, version).options;
    const outcome = await this.services.preflight.check(target.host, target.container, intentOf(defaults, false), `Checking ${target.container.name} before a checkpoint`);
    if (outcome.status === 'failed') {
      void vscode.window.showErrorMessage(`The preflight of ${target.container.name} on host "${target.host.name}" failed: ${outcome.reason}`);
      return;
    }
    if (outcome.status === 'done') this.services.preflight.showReport(target.host.name, target.container.id);
  }

  /**
   * Runs the preflight before Checkpoint Container…. Returns its report, undefined when it could
   * not run or was cancelled (the checkpoint goes on without it), or `stop` when the user chose
   * not to checkpoint after a will-fail warning.
   */
  private async preflightBeforeCheckpoint(target: Target, intent: PreflightIntent): Promise<PreflightReport | 'stop' | undefined> {
    const outcome = await this.services.preflight.check(target.host, target.container, intent, `Checking ${target.container.name} before the checkpoint`);
    if (outcome.status === 'cancelled') return undefined;
    if (outcome.status === 'failed') {
      void vscode.window.showWarningMessage(preflightFailedLine(target.container.name, outcome.reason));
      return undefined;
    }
    const { report } = outcome.record;
    if (report.verdict !== 'will-fail') return report;

    const warning = willFailWarning(target.container.name, report);
    const choice = await vscode.window.showWarningMessage(warning.message, { modal: true, detail: warning.detail }, ...warning.actions);
    if (choice === CHECKPOINT_ANYWAY_ACTION) return report;
    if (choice === SHOW_REPORT_ACTION) this.services.preflight.showReport(target.host.name, target.container.id);
    return 'stop';
  }

  /** Runs the checkpoint of a preflight report: the default flags and the flags the report requests. */
  async runReportCheckpoint(hostName: string, id: string, record: PreflightRecord): Promise<void> {
    const host = this.hosts.host(hostName);
    if (!host) return;
    const version = this.podmanVersion(host);
    if (!version) return;
    const options: CheckpointOptions = { ...parseCheckpointFlags(readContainerSettings().checkpointDefaultFlags, version).options };
    for (const flag of record.report.flags) options[flag] = true;
    await this.checkpoint({ kind: 'container', hostName, id }, 'defaults', options);
  }

  private async chooseFlags(target: Target, choices: FlagChoice[]): Promise<FlagChoice[] | undefined> {
    this.services.onFlagChoices?.(choices);
    const items = choices.map((choice) => ({ label: choice.flag, description: choice.description, picked: choice.picked, choice }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: `Checkpoint ${target.container.name} on ${target.host.name}`,
      placeHolder: `Flags for podman container checkpoint (podman ${this.hosts.snapshot(target.host.name)?.probe?.podmanVersion?.text ?? '?'})`,
    });
    return picked?.map((item) => item.choice);
  }

  /**
   * Shows a save dialog for the archive. On a host that may not share this machine's files, an
   * input box then requests the path on that host.
   */
  private async chooseExportPath(target: Target): Promise<string | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(tmpdir());
    const uri = await vscode.window.showSaveDialog({
      title: `Export the checkpoint of ${target.container.name}`,
      saveLabel: 'Export',
      defaultUri: vscode.Uri.joinPath(folder, `${target.container.name}-checkpoint.tar.zst`),
      filters: { 'Checkpoint archives': ['zst', 'gz', 'tar'] },
    });
    if (!uri) return undefined;
    return this.hostPathFor(target.host, uri.fsPath, 'Path of the archive to write on host');
  }

  private async hostPathFor(host: Host, localPath: string, prompt: string): Promise<string | undefined> {
    if (sharesLocalFileSystem(host)) return localPath;
    // NOTE: ssh, nsenter and remote podman hosts see their own files, so the dialog's path is only a suggestion.
    return vscode.window.showInputBox({
      title: `${prompt} "${host.name}"`,
      prompt: `Host "${host.name}" may not see this machine's files. Enter the absolute path on that host.`,
      value: localPath,
      validateInput: (value) => (value.startsWith('/') ? undefined : 'Enter an absolute path, starting with /.'),
    });
  }

  /** Returns true to overwrite, false when the file does not exist, undefined when the user keeps the file. */
  private async confirmOverwrite(host: Host, path: string): Promise<boolean | undefined> {
    let exists: boolean;
    try {
      exists = await hostFileExists(this.services.runner, host, path);
    } catch (error) {
      this.log.warn(`Could not check whether ${path} exists on host ${host.name}: ${String(error)}`);
      // The engine checks again and refuses to replace a file without overwrite.
      return false;
    }
    if (!exists) return false;
    const replace = 'Replace';
    const answer = await vscode.window.showWarningMessage(
      `${path} already exists on host "${host.name}". Replace it?`,
      { modal: true, detail: 'The existing archive is replaced only after the new checkpoint has been written completely.' },
      replace,
    );
    return answer === replace ? true : undefined;
  }

  // --- restore ---------------------------------------------------------------

  async restore(argument: unknown, retryOptions?: RestoreOptions): Promise<void> {
    const target = await this.pickContainer(argument, canRestore, 'Choose a checkpointed container to restore.');
    if (!target) return;
    const version = this.podmanVersion(target.host);
    if (!version) return;

    const options = retryOptions ?? inPlaceRestoreOptions(this.restoreDefaults(version));
    const result = await this.runWithProgress(target, 'Restoring', (signal) =>
      this.services.operations.restore({ host: target.host, podmanVersion: version, source: { container: target.container.id }, options, signal }),
    );
    await this.report('restore', target, version, options, result);
  }

  async restoreFromArchive(argument: unknown): Promise<void> {
    const host = await this.pickHost(argument);
    if (!host) return;
    const version = this.podmanVersion(host);
    if (!version) return;

    const picked = await vscode.window.showOpenDialog({
      title: `Restore a container on ${host.name} from a checkpoint archive`,
      openLabel: 'Restore',
      canSelectMany: false,
      filters: { 'Checkpoint archives': ['zst', 'gz', 'tar'], 'All files': ['*'] },
    });
    if (!picked?.[0]) return;
    const importPath = await this.hostPathFor(host, picked[0].fsPath, 'Path of the archive on host');
    if (!importPath) return;

    const name = await vscode.window.showInputBox({
      title: 'Name of the restored container',
      prompt: 'Leave empty to keep the name stored in the archive; a new name also gives the container a new ID.',
      validateInput: (value) => (value === '' || /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(value) ? undefined : 'Use letters, digits, _, . and -, starting with a letter or digit.'),
    });
    if (name === undefined) return;

    const options: RestoreOptions = { ...this.restoreDefaults(version), ...(name ? { name } : {}) };
    if (name && options.tcpEstablished) {
      this.log.info('Leaving --tcp-established out: podman rejects it together with --name.');
      options.tcpEstablished = false;
    }
    const label = name || importPath.slice(importPath.lastIndexOf('/') + 1);
    const result = await vscode.window.withProgress({ location: { viewId: CONTAINERS_VIEW }, title: `Restoring ${label}` }, () =>
      this.services.operations.restore({ host, podmanVersion: version, source: { importPath }, options }),
    );
    const container = result.status === 'succeeded' && result.container ? { name: result.container.name, id: result.container.id } : { name: label, id: '' };
    await this.report('restore', { host, container: { ...placeholderView(host.name), ...container } }, version, options, result);
  }

  private restoreDefaults(version: PodmanVersion): RestoreOptions {
    const defaults = parseRestoreFlags(readContainerSettings().restoreDefaultFlags, version);
    for (const problem of defaults.problems) this.log.warn(`checkpointLens.restore.defaultFlags: ${problem}`);
    return defaults.options;
  }

  // --- running and reporting -------------------------------------------------

  /**
   * Runs an operation with a progress bar in the view and a spinner on the container's row. The
   * row's Cancel button aborts the signal, which kills podman's process group.
   */
  private async runWithProgress(target: Target, label: string, work: (signal: AbortSignal) => Promise<OperationResult>): Promise<OperationResult> {
    const abort = new AbortController();
    const finish = this.hosts.startOperation(target.host.name, target.container.id, { label, abort });
    try {
      return await vscode.window.withProgress({ location: { viewId: CONTAINERS_VIEW }, title: `${label} ${target.container.name}` }, () => work(abort.signal));
    } finally {
      finish();
    }
  }

  private async report(operation: Operation, target: Target, version: PodmanVersion, used: CheckpointOptions | RestoreOptions, result: OperationResult): Promise<void> {
    const { host, container } = target;
    const operationTitle = operation === 'checkpoint' ? 'Checkpoint' : 'Restore';
    // inspect decides the state shown after any outcome: a failed checkpoint leaves the container running.
    const relisted = this.hosts.relist(host.name);
    // A checkpoint that podman ran outdates the preflight, whatever came of it.
    const ranPodman = result.status !== 'failed' || !(result.error instanceof OperationRefusedError);
    if (operation === 'checkpoint' && container.id && ranPodman) this.services.preflight.noteCheckpoint(host.name, container.id, result.status);

    if (result.status === 'cancelled') {
      this.log.info(`${operationTitle} of ${container.name} on host ${host.name} cancelled`);
      await relisted;
      return;
    }

    if (result.status === 'succeeded') {
      await this.reportSuccess(operation, target, result);
      await relisted;
      return;
    }

    const { error, diagnosis } = result;
    this.log.error(`${operationTitle} of ${container.name} on host ${host.name} failed: ${error.message}`);
    if (error instanceof OperationRefusedError) {
      void vscode.window.showWarningMessage(error.message);
      await relisted;
      return;
    }

    let logUri: vscode.Uri | undefined;
    if (diagnosis?.logPath && diagnosis.logText !== undefined) {
      logUri = hostLogUri(host.name, diagnosis.logPath);
      this.services.logs.put(logUri, diagnosis.logText);
      await this.openLogDocument(logUri, diagnosis.analysis.rootCause?.record.line);
    } else if (diagnosis?.readError) {
      this.log.warn(`The CRIU log ${diagnosis.logPath ?? '(no path)'} could not be read: ${diagnosis.readError.message}`);
    }

    const errorSummary = error instanceof CommandError && error.hint ? `${error.message.replace(/[.\s]*$/, '')}. ${error.hint}` : error.message;
    const analysis = logUri ? diagnosis?.analysis : undefined;
    this.notifyFailure(operation, target, version, used, analysis, logUri, errorSummary, error);
    await relisted;
  }

  /** Shows the one notification of a failed operation. Not awaited: the command ends while it is open. */
  private notifyFailure(
    operation: Operation,
    target: Target,
    version: PodmanVersion,
    used: CheckpointOptions | RestoreOptions,
    analysis: Analysis | undefined,
    logUri: vscode.Uri | undefined,
    errorSummary: string,
    error: Error,
  ): void {
    const exporting = 'export' in used && Boolean(used.export);
    // A restore from an archive has no listed container to retry on, so it gets no retry action.
    const retry = target.container.id ? retryChoice(analysis, operation, version, used, exporting) : undefined;
    const showExplanationAction = 'Show Explanation';
    const retryAction = retry ? `Retry with ${retry.flag}` : undefined;
    const editHostsAction = 'Edit Hosts Setting';
    const showOutputAction = 'Show Output';

    const actions: string[] = [];
    if (analysis?.rootCause && logUri) actions.push(showExplanationAction);
    if (retryAction) actions.push(retryAction);
    if (error instanceof PermissionError) actions.push(editHostsAction);
    if (!logUri) actions.push(showOutputAction);

    const message = failureMessage(operation, target.container.name, analysis, errorSummary);
    void vscode.window.showErrorMessage(message, ...actions).then(async (choice) => {
      if (choice === showExplanationAction && analysis?.rootCause && logUri) {
        await showExplanation(logUri, analysis.rootCause.record.line, analysis.rootCause.code, this.log);
      } else if (choice === retryAction && retry) {
        const retried = { ...used, [retry.option]: true };
        const node = { kind: 'container' as const, hostName: target.host.name, id: target.container.id };
        if (operation === 'checkpoint') await this.checkpoint(node, 'defaults', retried);
        else await this.restore(node, retried);
      } else if (choice === editHostsAction) {
        await vscode.commands.executeCommand(CONTAINER_COMMANDS.editHosts);
      } else if (choice === showOutputAction) {
        this.log.show(true);
      }
    });
  }

  private async reportSuccess(operation: Operation, target: Target, result: Extract<OperationResult, { status: 'succeeded' }>): Promise<void> {
    const { host, container } = target;
    const statistics = result.statistics?.containers[0];
    const statsText = statistics ? statisticsSummary(statistics) : undefined;
    const done = operation === 'checkpoint' ? `Checkpointed ${container.name}` : `Restored ${result.container?.name ?? container.name}`;
    this.log.info(`${done} on host ${host.name}${statsText ? `: ${statsText}` : ''}`);
    if (result.stderr.trim()) this.log.info(`podman stderr: ${result.stderr.trim()}`);

    if (operation === 'checkpoint') {
      const measured = result.exportPath ?? result.container?.checkpointPath;
      const sizeBytes = measured ? await hostPathSize(this.services.runner, host, measured) : undefined;
      this.hosts.recordCheckpoint(host.name, container.id, { at: new Date(), sizeBytes, archive: result.exportPath, statsText });
    }

    const exported = result.exportPath ? ` to ${result.exportPath}` : '';
    if (statsText) {
      void vscode.window.showInformationMessage(`${done}${exported}: ${statsText}.`);
    } else {
      vscode.window.setStatusBarMessage(`$(check) ${done}${exported}`, 10_000);
    }
  }

  // --- logs and capabilities -------------------------------------------------

  async openLog(argument: unknown, kind: LogKindName): Promise<void> {
    const target = await this.pickContainer(argument, (container) => container.staticDir !== undefined, `Choose a container to open its ${kind}.log.`);
    if (!target) return;
    const path = logPathOf(target.container, kind);
    if (!path) {
      void vscode.window.showWarningMessage(`The ${kind}.log path of ${target.container.name} is not known, because inspect did not report its static folder.`);
      return;
    }
    const uri = hostLogUri(target.host.name, path);
    // Read it again: the log may have changed since the last time it was opened.
    this.services.logs.forget(uri);
    try {
      await this.openLogDocument(uri, undefined);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      void vscode.window.showWarningMessage(`Cannot open ${kind}.log of ${target.container.name}: ${reason}`);
    }
  }

  /** Opens a host log read-only as a CRIU log and moves the cursor to `line` (1-based) when given. */
  private async openLogDocument(uri: vscode.Uri, line: number | undefined): Promise<void> {
    let document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== CRIU_LOG_LANGUAGE) document = await vscode.languages.setTextDocumentLanguage(document, CRIU_LOG_LANGUAGE);
    const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
    await vscode.window.showTextDocument(document, { preview: false, selection: new vscode.Range(position, position) });
  }

  async showMountsAndMappings(argument: unknown): Promise<void> {
    const target = await this.pickContainer(argument, canCheckpoint, 'Choose a running container to show its mounts and mappings.');
    if (!target) return;
    await showLiveGaps(this.services, target.host, target.container);
  }

  async showHostCapabilities(argument: unknown): Promise<void> {
    const host = await this.pickHost(argument);
    if (!host) return;
    this.services.refreshCapabilities(host.name);
    await showCapabilities(host.name, this.log);
  }

  async cancel(argument: unknown): Promise<void> {
    const running = this.hosts.runningOperations();
    let chosen = isContainerNode(argument) ? running.find((entry) => entry.hostName === argument.hostName && entry.id === argument.id) : undefined;
    if (!chosen && !isContainerNode(argument)) {
      if (running.length <= 1) chosen = running[0];
      else {
        const picked = await vscode.window.showQuickPick(
          running.map((entry) => ({ label: this.hosts.container(entry.hostName, entry.id)?.name ?? entry.id, description: `${entry.operation.label} on ${entry.hostName}`, entry })),
          { placeHolder: 'Operation to cancel' },
        );
        chosen = picked?.entry;
      }
    }
    chosen?.operation.abort.abort();
  }
}

/** Returns what the preflight checks for: the planned checkpoint's switches that change its findings. */
function intentOf(options: CheckpointOptions, exporting: boolean): PreflightIntent {
  const intent: PreflightIntent = {};
  if (exporting) intent.export = true;
  if (options.preCheckpoint) intent.preCheckpoint = true;
  if (options.leaveRunning) intent.leaveRunning = true;
  return intent;
}

/** Builds an empty container view for a restore from an archive, whose container is not listed yet. */
function placeholderView(hostName: string): ContainerView {
  return {
    hostName,
    id: '',
    name: '',
    image: '',
    state: 'unknown',
    podmanState: '',
    status: '',
    runtime: undefined,
    pid: undefined,
    ports: [],
    staticDir: undefined,
    checkpointedAt: undefined,
    restoredAt: undefined,
    checkpointLog: undefined,
    restoreLog: undefined,
    checkpointPath: undefined,
    autoRemove: false,
  };
}
