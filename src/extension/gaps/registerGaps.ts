/** Commands that open the "Mounts and Mappings" panel, and the serializer that restores it. */
import * as vscode from 'vscode';

import type { LiveOrigin, PanelSource, PanelState } from '../../../webview/protocol';
import { ProcessRunner } from '../../engine/runner';
import { GAPS_VIEW_TYPE, GapsPanel, type GapsPanelHandle, panelTitle } from './gapsPanel';
import { collectProcess, type ProcessArgument, ProcessGapsError } from './processGaps';

export const GAPS_COMMANDS = {
  showFromSnapshot: 'checkpointLens.gaps.showFromSnapshot',
  showFromFiles: 'checkpointLens.gaps.showFromFiles',
  showMappingGap: 'checkpointLens.gaps.showMappingGap',
  showForProcess: 'checkpointLens.gaps.showForProcess',
} as const;

/** Argument of the snapshot command when run from code or a test instead of the palette. */
export interface SnapshotArgument {
  snapshot: vscode.Uri | string;
  log?: vscode.Uri | string;
  focusLogLine?: number;
  /** A mapping's `start-end` range, as in maps: the panel selects its gap, or the mapping when it is no gap. */
  focusMapping?: string;
  /** Container the snapshot was just collected from. A panel already open on the same file is replaced, because the file was rewritten. */
  live?: LiveOrigin;
}

/** Argument of the files command when run from code or a test instead of the palette. */
export interface FilesArgument {
  mountinfo: vscode.Uri | string;
  maps: vscode.Uri | string;
  fdinfo?: vscode.Uri | string;
  /** `ls -l /proc/PID/fd`, to tell files from pipes and sockets. */
  fds?: vscode.Uri | string;
  runtimeMountinfo?: vscode.Uri | string;
  hostMountinfo?: vscode.Uri | string;
  cmdline?: vscode.Uri | string;
  log?: vscode.Uri | string;
}

/** Optional inputs of the files command, offered in one multi-select step after mountinfo and maps. */
const OPTIONAL_INPUTS = [
  { field: 'fdinfo', label: 'fdinfo', detail: 'every /proc/PID/fdinfo/N, each after a "== /proc/PID/fdinfo/N" line: the mount ids of open files' },
  { field: 'fds', label: 'fd listing', detail: '"ls -l /proc/PID/fd": tells files from pipes and sockets' },
  { field: 'runtimeMountinfo', label: "Runtime side's mountinfo", detail: '/proc/<conmon PID>/mountinfo: tells which gaps are on the runtime\'s mounts' },
  { field: 'hostMountinfo', label: "Host's mountinfo", detail: '/proc/1/mountinfo: tells which gaps are on host mounts' },
  { field: 'cmdline', label: 'cmdline', detail: '/proc/PID/cmdline: recognises crun running a WebAssembly module' },
  { field: 'log', label: 'CRIU dump.log', detail: 'the log of the failed checkpoint: ties each "Can\'t lookup mount" line to its file' },
] as const;

type OptionalField = (typeof OPTIONAL_INPUTS)[number]['field'];

function uriText(value: vscode.Uri | string): string {
  return typeof value === 'string' ? (/^[a-z][a-z0-9+.-]*:/i.test(value) ? value : vscode.Uri.file(value).toString()) : value.toString();
}

async function pickFile(title: string, openLabel: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: false, canSelectMany: false, title, openLabel, filters });
  return picked?.[0];
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Returns `dump.log` beside a snapshot when there is one: podman writes it there for a checkpoint. */
async function logBeside(snapshot: vscode.Uri): Promise<string | undefined> {
  const candidate = vscode.Uri.joinPath(snapshot, '..', 'dump.log');
  return (await exists(candidate)) ? candidate.toString() : undefined;
}

async function snapshotSourceFromDialog(): Promise<PanelSource | undefined> {
  const snapshot = await pickFile('Show Mounts and Mappings from Snapshot', 'Open Snapshot', { 'Snapshot JSON': ['json'], 'All files': ['*'] });
  if (!snapshot) return undefined;
  const log = await logBeside(snapshot);
  return { kind: 'snapshot', snapshot: snapshot.toString(), ...(log ? { log } : {}) };
}

/**
 * Asks for mountinfo and maps, then in one multi-select step for the optional inputs that the
 * `gaps` command also takes. Enter with nothing ticked opens the panel at once. A `log` given
 * already is not offered again.
 */
async function filesSourceFromDialog(log?: string): Promise<PanelSource | undefined> {
  const mountinfo = await pickFile('Step 1 of 3: mountinfo of the container process', 'Use as mountinfo', { 'All files': ['*'] });
  if (!mountinfo) return undefined;
  const maps = await pickFile('Step 2 of 3: maps of the container process', 'Use as maps', { 'All files': ['*'] });
  if (!maps) return undefined;

  const offered = OPTIONAL_INPUTS.filter((input) => input.field !== 'log' || log === undefined);
  const ticked = await vscode.window.showQuickPick(
    offered.map((input) => ({ label: input.label, detail: input.detail, field: input.field })),
    { title: 'Step 3 of 3 (optional): more inputs of the same process', placeHolder: 'Tick the files you have, or press Enter to open the panel with mountinfo and maps only', canPickMany: true },
  );
  if (ticked === undefined) return undefined;

  const optional: Partial<Record<OptionalField, string>> = log === undefined ? {} : { log };
  for (const input of ticked) {
    const filters: Record<string, string[]> = input.field === 'log' ? { 'CRIU logs': ['log', 'txt'], 'All files': ['*'] } : { 'All files': ['*'] };
    const file = await pickFile(`${input.label}: ${input.detail}`, `Use as ${input.label}`, filters);
    // Cancel skips this input and keeps the others.
    if (file) optional[input.field] = file.toString();
  }
  return { kind: 'files', mountinfo: mountinfo.toString(), maps: maps.toString(), ...optional };
}

/** Returns the snapshot beside a log, or asks the user for one or for plain files. */
async function sourceForLog(logUri: vscode.Uri): Promise<PanelSource | undefined> {
  const beside = vscode.Uri.joinPath(logUri, '..', 'snapshot.json');
  if (await exists(beside)) return { kind: 'snapshot', snapshot: beside.toString(), log: logUri.toString() };

  const pickSnapshot = 'Pick a Snapshot…';
  const pickFiles = 'Pick mountinfo and maps…';
  const choice = await vscode.window.showInformationMessage(
    'No snapshot.json was found beside this log. Pick a snapshot of the container process, or its mountinfo and maps files.',
    pickSnapshot,
    pickFiles,
  );
  if (choice === pickSnapshot) {
    const snapshot = await pickFile('Snapshot of the process this log is about', 'Open Snapshot', { 'Snapshot JSON': ['json'], 'All files': ['*'] });
    return snapshot ? { kind: 'snapshot', snapshot: snapshot.toString(), log: logUri.toString() } : undefined;
  }
  if (choice === pickFiles) return filesSourceFromDialog(logUri.toString());
  return undefined;
}

function isPanelSource(value: unknown): value is PanelSource {
  if (typeof value !== 'object' || value === null) return false;
  const source = value as Record<string, unknown>;
  if (source.kind === 'snapshot') return typeof source.snapshot === 'string';
  return source.kind === 'files' && typeof source.mountinfo === 'string' && typeof source.maps === 'string';
}

/** Result of the process command for code and tests: the panel, or the error message shown to the user. */
export type ProcessCommandResult = GapsPanelHandle | { error: string } | undefined;

/**
 * Registers the show commands and the panel serializer. Snapshots that the process command
 * collects go under `storageUri`.
 */
export function registerGaps(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, storageUri: vscode.Uri): vscode.Disposable {
  const runner = new ProcessRunner(log);
  const panels = new Map<string, GapsPanel>();

  const track = (panel: GapsPanel): GapsPanel => {
    const key = JSON.stringify(panel.source);
    panels.set(key, panel);
    panel.panel.onDidDispose(() => {
      if (panels.get(key) === panel) panels.delete(key);
    });
    return panel;
  };

  const show = (source: PanelSource, focusLogLine: number | null, replace = false, focusMapping: string | null = null): GapsPanelHandle => {
    const existing = panels.get(JSON.stringify(source));
    if (existing && replace) existing.panel.dispose();
    else if (existing) {
      existing.panel.reveal();
      if (focusLogLine !== null) existing.selectLogLine(focusLogLine);
      return { title: existing.panel.title, ready: existing.ready };
    }
    const title = panelTitle(source);
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const webviewPanel = vscode.window.createWebviewPanel(GAPS_VIEW_TYPE, title, column, {});
    const panel = track(new GapsPanel(webviewPanel, extensionUri, source, focusLogLine, log, focusMapping));
    return { title, ready: panel.ready };
  };

  return vscode.Disposable.from(
    vscode.commands.registerCommand(GAPS_COMMANDS.showFromSnapshot, async (argument?: SnapshotArgument) => {
      const source: PanelSource | undefined = argument?.snapshot
        ? {
            kind: 'snapshot',
            snapshot: uriText(argument.snapshot),
            ...(argument.log ? { log: uriText(argument.log) } : {}),
            ...(argument.live ? { live: argument.live } : {}),
          }
        : await snapshotSourceFromDialog();
      return source ? show(source, argument?.focusLogLine ?? null, argument?.live !== undefined, argument?.focusMapping ?? null) : undefined;
    }),
    vscode.commands.registerCommand(GAPS_COMMANDS.showFromFiles, async (argument?: FilesArgument) => {
      const source: PanelSource | undefined = argument?.mountinfo
        ? {
            kind: 'files',
            mountinfo: uriText(argument.mountinfo),
            maps: uriText(argument.maps),
            ...Object.fromEntries(OPTIONAL_INPUTS.flatMap(({ field }) => (argument[field] ? [[field, uriText(argument[field])]] : []))),
          }
        : await filesSourceFromDialog();
      return source ? show(source, null) : undefined;
    }),
    vscode.commands.registerCommand(GAPS_COMMANDS.showMappingGap, async (logUri?: vscode.Uri, line?: number) => {
      const uri = logUri ?? vscode.window.activeTextEditor?.document.uri;
      if (!uri) return undefined;
      const source = await sourceForLog(uri);
      return source ? show(source, typeof line === 'number' ? line : null) : undefined;
    }),
    vscode.commands.registerCommand(GAPS_COMMANDS.showForProcess, async (argument?: ProcessArgument): Promise<ProcessCommandResult> => {
      try {
        const collected = await collectProcess(runner, storageUri, log, argument);
        if (!collected) return undefined;
        const source: PanelSource = { kind: 'snapshot', snapshot: collected.snapshot.toString(), live: { pid: collected.pid, host: collected.host.name } };
        // The file was just rewritten, so a panel open on it is replaced.
        return show(source, null, true);
      } catch (error) {
        if (!(error instanceof ProcessGapsError)) throw error;
        log.error(error.message);
        void vscode.window.showErrorMessage(error.message);
        return { error: error.message };
      }
    }),
    vscode.window.registerWebviewPanelSerializer(GAPS_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel, state: unknown) {
        const source = (state as Partial<PanelState> | undefined)?.source;
        if (!isPanelSource(source)) {
          // A panel from before its view loaded has no state and nothing to show.
          webviewPanel.dispose();
          return;
        }
        track(new GapsPanel(webviewPanel, extensionUri, source, null, log));
      },
    }),
    { dispose: () => panels.forEach((panel) => panel.dispose()) },
  );
}
