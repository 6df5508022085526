/** Reads a panel's input files and builds its view with the pure gap analysis. */
import * as vscode from 'vscode';

import { analyzeText } from '../../model/analyze';
import type { GapLog } from '../../model/procfs/analyzeGaps';
import { assembleSnapshot, readSnapshot, type Snapshot, type SnapshotFiles } from '../../model/procfs/snapshot';
import type { PanelSource } from '../../../webview/protocol';
import { buildProcessesView, type GapView } from '../../../webview/viewModel';
import { summaryTitle } from '../summary';
import { analyzeProcesses, checkParsable } from './processAnalysis';

const decoder = new TextDecoder();

async function readText(uriText: string): Promise<string> {
  const uri = vscode.Uri.parse(uriText);
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    throw new Error(`Could not read ${uri.scheme === 'file' ? uri.fsPath : uri.toString(true)}: ${(error as Error).message}`);
  }
}

function fileName(uriText: string): string {
  const path = vscode.Uri.parse(uriText).path;
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Optional plain-file inputs of a `files` source, by the snapshot field each one fills. */
const OPTIONAL_FILES = ['fdinfo', 'fds', 'runtimeMountinfo', 'hostMountinfo', 'cmdline'] as const;

async function readSource(source: PanelSource): Promise<{ snapshot: Snapshot; label: string }> {
  if (source.kind === 'snapshot') {
    const name = fileName(source.snapshot);
    const snapshot = readSnapshot(await readText(source.snapshot), name);
    checkParsable(snapshot, name, name);
    const label = source.live ? `/proc read at ${snapshot.collectedAt ?? 'an unknown time'}` : name;
    return { snapshot, label };
  }
  const [mountinfo, maps, ...optional] = await Promise.all([
    readText(source.mountinfo),
    readText(source.maps),
    ...OPTIONAL_FILES.map((field) => (source[field] === undefined ? undefined : readText(source[field]))),
  ]);
  const files: SnapshotFiles = { mountinfo, maps };
  OPTIONAL_FILES.forEach((field, index) => {
    if (optional[index] !== undefined) files[field] = optional[index];
  });
  const snapshot = assembleSnapshot(files);
  checkParsable(snapshot, fileName(source.mountinfo), fileName(source.maps));
  return { snapshot, label: `${fileName(source.mountinfo)} + ${fileName(source.maps)}` };
}

/**
 * Reads the snapshot (or plain files) and the optional log of `source`, and returns the view of
 * every process in it. Throws an Error whose message names the file and the problem, e.g. a
 * SnapshotError or a PanelInputError.
 */
export async function loadView(source: PanelSource): Promise<GapView> {
  const { snapshot, label } = await readSource(source);

  let log: GapLog | undefined;
  if (source.log !== undefined) {
    const text = await readText(source.log);
    log = { analysis: analyzeText(text), text };
  }

  const live = source.kind === 'snapshot' ? source.live : undefined;
  return buildProcessesView(analyzeProcesses(snapshot, log), {
    source: label,
    ...(live ? { host: live.host, ...(live.container ? { container: live.container } : {}), ...(live.runtime ? { runtime: live.runtime } : {}) } : {}),
    ...(log ? { logVerdict: summaryTitle(log.analysis) } : {}),
  });
}
