/** Reads a panel's input files and builds its view with the pure gap analysis. */
import * as vscode from 'vscode';

import { analyzeText } from '../../model/analyze';
import { analyzeGaps, type GapLog } from '../../model/procfs/analyzeGaps';
import { assembleSnapshot, readSnapshot, type Snapshot } from '../../model/procfs/snapshot';
import type { PanelSource } from '../../../webview/protocol';
import { buildGapView, type GapView } from '../../../webview/viewModel';
import { summaryTitle } from '../summary';

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

async function readSource(source: PanelSource): Promise<{ snapshot: Snapshot; label: string }> {
  if (source.kind === 'snapshot') {
    const snapshot = readSnapshot(await readText(source.snapshot), fileName(source.snapshot));
    const label = source.live ? `/proc read at ${snapshot.collectedAt ?? 'an unknown time'}` : fileName(source.snapshot);
    return { snapshot, label };
  }
  const [mountinfo, maps, fdinfo] = await Promise.all([readText(source.mountinfo), readText(source.maps), source.fdinfo === undefined ? undefined : readText(source.fdinfo)]);
  const snapshot = assembleSnapshot({ mountinfo, maps, ...(fdinfo === undefined ? {} : { fdinfo }) });
  return { snapshot, label: `${fileName(source.mountinfo)} + ${fileName(source.maps)}` };
}

/**
 * Reads the snapshot (or plain files) and the optional log of `source`, and returns the view.
 * Throws an Error whose message names the file and the problem, e.g. a SnapshotError.
 */
export async function loadView(source: PanelSource): Promise<GapView> {
  const { snapshot, label } = await readSource(source);

  let log: GapLog | undefined;
  if (source.log !== undefined) {
    const text = await readText(source.log);
    log = { analysis: analyzeText(text), text };
  }

  const report = analyzeGaps(snapshot, log);
  const live = source.kind === 'snapshot' ? source.live : undefined;
  return buildGapView(snapshot, report, {
    source: label,
    ...(live ? { host: live.host, ...(live.container ? { container: live.container } : {}), ...(live.runtime ? { runtime: live.runtime } : {}) } : {}),
    ...(log ? { logVerdict: summaryTitle(log.analysis) } : {}),
  });
}
