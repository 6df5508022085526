/**
 * Gap analysis of every process of a snapshot for the panel, with the same rules as the
 * `gaps` command: the same input checks, and the log matched to the process it is about.
 * No `vscode` import, so the unit tests run it in plain Node.
 */
import { analyzeGaps, type GapLog } from '../../model/procfs/analyzeGaps';
import { findMountLookupErrors } from '../../model/procfs/logLink';
import { parseMaps } from '../../model/procfs/maps';
import { parseMountinfo } from '../../model/procfs/mountinfo';
import { type Snapshot, splitByProcess } from '../../model/procfs/snapshot';
import type { ProcessAnalysis } from '../../../webview/viewModel';

/** An input the panel cannot show, with a message naming the file and what to give instead. */
export class PanelInputError extends Error {
  override name = 'PanelInputError';
}

/**
 * Throws a PanelInputError when the first process's mountinfo has no valid line, or its maps has
 * lines but none valid, as `checkpoint-lens gaps` does. `mountinfoName` and `mapsName` name the
 * files in the message; for a snapshot both are the snapshot's name.
 */
export function checkParsable(snapshot: Snapshot, mountinfoName: string, mapsName: string): void {
  const mountinfo = parseMountinfo(snapshot.mountinfo);
  if (mountinfo.mounts.length === 0) {
    const first = mountinfo.issues[0];
    throw new PanelInputError(
      `${mountinfoName}: the container's mountinfo has no valid line${first ? ` (line ${first.line}: ${first.reason})` : ' (it is empty)'}. Give /proc/PID/mountinfo of the container process.`,
    );
  }
  const maps = parseMaps(snapshot.maps);
  if (maps.entries.length === 0 && maps.issues.length > 0) {
    const first = maps.issues[0];
    throw new PanelInputError(`${mapsName}: the maps file has no valid line (line ${first.line}: ${first.reason}). Give /proc/PID/maps of the container process.`);
  }
}

/**
 * Analyses every process of the snapshot, first process first. The log goes to the process whose
 * PID its mount lookup errors name, or else to the first process, so its errors are matched once.
 */
export function analyzeProcesses(snapshot: Snapshot, log: GapLog | undefined): ProcessAnalysis[] {
  const processes = splitByProcess(snapshot);
  const logPids = new Set(log ? findMountLookupErrors(log.analysis, log.text).map((error) => error.pid) : []);
  const logIndex = Math.max(0, processes.findIndex((process) => process.pid !== undefined && logPids.has(process.pid)));
  return processes.map((process, index) => {
    const report = analyzeGaps(process, index === logIndex ? log : undefined);
    if (process.mapFilesFallback) {
      report.notes.push(
        `The mount ids of pid ${process.pid ?? '?'}'s mappings are guessed from device and inode, because /proc/PID/map_files could not be opened (${process.mapFilesFallback.reason}). Collect as root or with CAP_CHECKPOINT_RESTORE for the real ids.`,
      );
    }
    return { snapshot: process, report };
  });
}
