/**
 * Reads CRIU's mount lookup errors from an analysed dump.log, so that gap analysis can tie each one
 * to the mapping or fd it is about:
 *
 *     Handling VMA with the following smaps entry: 55f3893d8000-55f3893e0000 r--p 00000000 fe:00 2200394    /
 *     Found regular file mapping, OK
 *     Error (criu/files-reg.c:1790): Can't lookup mount=174 for fd=-3 path=/
 *
 * CRIU 4.1.1 prints `fd=-3` for a file reached only through a mapping (the VMA line before it names
 * the range), and the fd number for an open fd.
 */
import type { Analysis } from '../types';
import { parseMapsLine } from './maps';

export interface MountLookupError {
  /** 1-based line of the error in the log. */
  line: number;
  mntId: number;
  /** -3 for a mapping, otherwise the fd number. */
  fd: number;
  path: string;
  /** Task being dumped, from the nearest `Dumping task (pid: N` line above, or the log's root task. */
  pid: number | null;
  /** Range `start-end` of the VMA CRIU was handling, from the nearest VMA line above (mappings only). */
  vmaRange: string | null;
  /** True when this error is the analysis's root cause. */
  isRootCause: boolean;
}

/** CRIU's `fd` value for a file it reached through a mapping rather than an fd. */
export const MAPPING_FD = -3;

const LOOKUP = /Can't lookup mount=(\d{1,10}) for fd=(-?\d{1,10}) path=(.*)$/;
const VMA = /Handling VMA with the following smaps entry: (.*)$/;
const TASK = /Dumping task \(pid: (\d{1,10})/;
// How far above an error to look for its VMA line; CRIU prints the VMA two lines above.
const VMA_LOOKBACK = 20;

/**
 * Collects mount lookup errors from the analysis's findings and, when the log text is given, from
 * every line (the analysis keeps a bounded number of records), adding VMA ranges and task pids.
 */
export function findMountLookupErrors(analysis: Analysis, logText?: string): MountLookupError[] {
  const byLine = new Map<number, MountLookupError>();
  const rootLine = analysis.rootCause?.record.line ?? null;
  for (const finding of analysis.findings) {
    const match = LOOKUP.exec(finding.record.message);
    if (!match) continue;
    byLine.set(finding.record.line, {
      line: finding.record.line,
      mntId: Number(match[1]),
      fd: Number(match[2]),
      path: match[3],
      pid: analysis.facts.pid ?? null,
      vmaRange: null,
      isRootCause: finding.record.line === rootLine,
    });
  }
  if (logText === undefined) return [...byLine.values()].sort((a, b) => a.line - b.line);

  const lines = logText.split('\n');
  let taskPid: number | null = null;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index].replace(/\r$/, '');
    const task = TASK.exec(text);
    if (task) taskPid = Number(task[1]);
    const match = LOOKUP.exec(text);
    if (!match) continue;

    const line = index + 1;
    const error: MountLookupError = byLine.get(line) ?? {
      line,
      mntId: Number(match[1]),
      fd: Number(match[2]),
      path: match[3],
      pid: null,
      vmaRange: null,
      isRootCause: line === rootLine,
    };
    error.pid = taskPid ?? error.pid;
    if (error.fd === MAPPING_FD) error.vmaRange = vmaAbove(lines, index);
    byLine.set(line, error);
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}

function vmaAbove(lines: string[], errorIndex: number): string | null {
  for (let index = errorIndex - 1; index >= 0 && index >= errorIndex - VMA_LOOKBACK; index--) {
    const vma = VMA.exec(lines[index].replace(/\r$/, ''));
    if (!vma) continue;
    const entry = parseMapsLine(vma[1].trimEnd(), index + 1);
    return typeof entry === 'string' ? null : `${entry.start}-${entry.end}`;
  }
  return null;
}
