/**
 * `checkpoint-lens gaps`: which mappings and fds of a container process lie on mounts outside its
 * mount namespace, from a snapshot JSON or from plain /proc files, optionally tied to a dump.log.
 */
import { parseArgs } from 'node:util';

import { analyzeText } from '../model/analyze';
import { analyzeGaps, type Gap, type GapLog, type GapReport } from '../model/procfs/analyzeGaps';
import { parseMaps } from '../model/procfs/maps';
import { parseMountinfo } from '../model/procfs/mountinfo';
import { findMountLookupErrors } from '../model/procfs/logLink';
import { assembleSnapshot, readSnapshot, type Snapshot, SnapshotError, splitByProcess } from '../model/procfs/snapshot';
import { HOST_OPTIONS_HELP, hasHostOption } from './hosts';
import { InputFileError, MAX_INPUT_BYTES, readInputFile } from './inputFile';
import { describeParseArgsError, isParseArgsError } from './parseArgsError';
import { collectLive, hasLiveSource, LIVE_OPTIONS, LiveInputError } from './snapshot';
import { escapeControls, escapeLines } from './terminalText';

export const GAPS_USAGE = `Usage: checkpoint-lens gaps --snapshot FILE [--log FILE] [--json]
       checkpoint-lens gaps --container NAME [--host NAME | --host-prefix-json JSON] [--log FILE]
                            [--json]
       checkpoint-lens gaps --pid PID [--host NAME | --host-prefix-json JSON] [--log FILE] [--json]
       checkpoint-lens gaps --mountinfo FILE --maps FILE [--fdinfo FILE] [--fds FILE]
                            [--runtime-mountinfo FILE] [--host-mountinfo FILE]
                            [--cmdline FILE] [--log FILE] [--json]

Finds the files a container process maps or holds open that lie on mounts outside its mount
namespace. CRIU cannot dump such a process ("Can't lookup mount=N for fd=F path=P").

Options:
  --snapshot FILE           a version 1 snapshot JSON holding the files below
  --container NAME          collect the snapshot now from a running podman container
  --pid PID                 collect it from a process and its descendants
${HOST_OPTIONS_HELP}
  --mountinfo FILE          /proc/PID/mountinfo of the container process
  --maps FILE               /proc/PID/maps of the container process
  --fdinfo FILE             /proc/PID/fdinfo/*, each after a "== /proc/PID/fdinfo/N" line;
                            "== /proc/PID/map_files/START-END" blocks give mappings' mount ids
  --fds FILE                "ls -l /proc/PID/fd", to tell files from pipes and sockets
  --runtime-mountinfo FILE  mountinfo of the runtime side, e.g. /proc/<conmon PID>/mountinfo
  --host-mountinfo FILE     mountinfo of the host, e.g. /proc/1/mountinfo
  --cmdline FILE            /proc/PID/cmdline, to recognise crun running a Wasm module
  --log FILE                the failed dump.log, to tie each "Can't lookup mount" line to its file
  --json                    print one JSON object instead of text
  -h, --help                show this help

Input files must be regular files of at most ${MAX_INPUT_BYTES / (1024 * 1024)} MiB; standard input, FIFOs and
devices are rejected.

Exit status: 0 when no gap was found, 1 when gaps were found, 2 for a usage error, input
that cannot be read, or a first process whose maps are empty (a kernel thread or a zombie, which
CRIU cannot checkpoint), 4 when standard output cannot be written (nothing is printed for a
closed pipe).
`;

/** A problem with the command line or the input files; the CLI prints it and exits with 2. */
export class GapsInputError extends Error {
  override name = 'GapsInputError';
}

const FILE_OPTIONS = ['snapshot', 'mountinfo', 'maps', 'fdinfo', 'fds', 'runtime-mountinfo', 'host-mountinfo', 'cmdline', 'log'] as const;

/** Description of the file each option expects, for the messages about a file that cannot be read. */
const EXPECTED: Record<(typeof FILE_OPTIONS)[number], string> = {
  snapshot: 'a snapshot JSON written by "checkpoint-lens snapshot"',
  mountinfo: '/proc/PID/mountinfo of the container process',
  maps: '/proc/PID/maps of the container process',
  fdinfo: 'the /proc/PID/fdinfo/* files, each after a "== /proc/PID/fdinfo/N" line',
  fds: 'the output of "ls -l /proc/PID/fd"',
  'runtime-mountinfo': '/proc/<conmon PID>/mountinfo',
  'host-mountinfo': "the host's /proc/1/mountinfo",
  cmdline: '/proc/PID/cmdline of the container process',
  log: 'the dump.log of the failed checkpoint',
};

function readInput(path: string, option: (typeof FILE_OPTIONS)[number]): string {
  try {
    return readInputFile(path, `--${option}`, EXPECTED[option]);
  } catch (error) {
    if (error instanceof InputFileError) throw new GapsInputError(error.message);
    throw error;
  }
}

/** Names of the inputs in messages: the snapshot file, or the mountinfo and maps files. */
interface InputNames {
  mountinfo: string;
  maps: string;
}

function checkParsable(snapshot: Snapshot, names: InputNames): void {
  const mountinfo = parseMountinfo(snapshot.mountinfo);
  if (mountinfo.mounts.length === 0) {
    const first = mountinfo.issues[0];
    throw new GapsInputError(`${names.mountinfo}: the container's mountinfo has no valid line${first ? ` (line ${first.line}: ${first.reason})` : ' (it is empty)'}. Give /proc/PID/mountinfo of the container process.`);
  }
  const maps = parseMaps(snapshot.maps);
  if (maps.entries.length === 0 && maps.issues.length > 0) {
    const first = maps.issues[0];
    throw new GapsInputError(`${names.maps}: the maps file has no valid line (line ${first.line}: ${first.reason}). Give /proc/PID/maps of the container process.`);
  }
  // A snapshot may contain fdinfo alone (maps ""), which analyzeGaps still reads. With no fd input
  // either, empty maps are those of a process without user memory.
  if (maps.entries.length === 0 && !snapshot.fdinfo?.trim() && !snapshot.fds?.trim()) {
    const who = snapshot.pid === undefined ? 'the process' : `pid ${snapshot.pid}`;
    throw new GapsInputError(`${names.maps}: the maps of ${who} are empty, so it has no user memory: it is a kernel thread or a zombie, and CRIU cannot checkpoint it. Give the maps of a container process.`);
  }
}

function loadSnapshot(values: Partial<Record<(typeof FILE_OPTIONS)[number], string>>): { snapshot: Snapshot; name: string; inputNames: InputNames } {
  const plain = FILE_OPTIONS.filter((option) => option !== 'snapshot' && option !== 'log' && values[option] !== undefined);
  if (values.snapshot !== undefined) {
    if (plain.length > 0) throw new GapsInputError(`--snapshot cannot be combined with ${plain.map((option) => `--${option}`).join(', ')}; give either a snapshot or the plain files`);
    try {
      const snapshot = readSnapshot(readInput(values.snapshot, 'snapshot'), values.snapshot);
      return { snapshot, name: values.snapshot, inputNames: { mountinfo: values.snapshot, maps: values.snapshot } };
    } catch (error) {
      if (error instanceof SnapshotError) throw new GapsInputError(error.message);
      throw error;
    }
  }
  if (values.mountinfo === undefined || values.maps === undefined) {
    const missing = [values.mountinfo === undefined ? '--mountinfo' : null, values.maps === undefined ? '--maps' : null].filter(Boolean).join(' and ');
    throw new GapsInputError(`missing ${missing}; give --snapshot FILE, or at least --mountinfo FILE and --maps FILE`);
  }
  const optional = (option: (typeof FILE_OPTIONS)[number]): string | undefined => (values[option] === undefined ? undefined : readInput(values[option]!, option));
  const snapshot = assembleSnapshot({
    mountinfo: readInput(values.mountinfo, 'mountinfo'),
    maps: readInput(values.maps, 'maps'),
    fdinfo: optional('fdinfo'),
    fds: optional('fds'),
    runtimeMountinfo: optional('runtime-mountinfo'),
    hostMountinfo: optional('host-mountinfo'),
    cmdline: optional('cmdline'),
  });
  return { snapshot, name: values.mountinfo, inputNames: { mountinfo: values.mountinfo, maps: values.maps } };
}

function loadLog(path: string): GapLog {
  const text = readInput(path, 'log');
  const analysis = analyzeText(text);
  if (analysis.recognizedLineCount === 0) throw new GapsInputError(`--log ${path} contains no line of CRIU (${analysis.lineCount} lines read); give the dump.log of the failed checkpoint`);
  return { analysis, text };
}

function describeGap(gap: Gap): string {
  const path = gap.path === null ? null : escapeControls(gap.path);
  let subject = `${gap.kind} ${path}`;
  if (gap.kind === 'fd') subject = `fd ${gap.fd ?? '?'} ${path ?? '(target unknown)'}`;
  if (gap.kind === 'mapping') subject = `mapping of ${path}`;
  const ranges = gap.ranges && gap.ranges.length > 0 ? ` (${gap.ranges.length} ${gap.ranges.length === 1 ? 'range' : 'ranges'}, first ${gap.ranges[0]})` : '';
  const mount = gap.mntId === null ? 'mount id unknown' : `mount ${gap.mntId}${gap.fallback ? ' (guessed from device and path)' : ` (from ${gap.mntIdSource})`}`;
  const lines = [`${subject}${ranges}`, `  where: ${gap.where}, ${mount}${gap.deleted ? ', file deleted' : ''}`, `  why: ${escapeControls(gap.reason)}`, `  owner: ${escapeControls(gap.ownerText)}`];
  if (gap.logLine !== undefined) lines.push(`  log line ${gap.logLine}: ${escapeControls(gap.logMessage ?? '')}`);
  for (const advice of gap.advice) lines.push(`  - [${advice.status}] ${escapeControls(advice.action)}`);
  if (gap.verdict) lines.push(`  ${escapeControls(gap.verdict)}`);
  return lines.join('\n');
}

/**
 * Renders the report as text for a terminal. Control characters in paths, log lines and names
 * are escaped (a newline as `\n`), so one line of output is one line of text.
 */
export function renderGapsText(report: GapReport, name: string): string {
  const files = report.mappings.filter((mapping) => mapping.kind === 'file').length;
  const out = [`${escapeControls(name)}: ${report.gaps.length === 0 ? 'no gaps' : `${report.gaps.length} ${report.gaps.length === 1 ? 'gap' : 'gaps'}`} (${files} file mappings, ${report.fds.length} fds${report.pid === null ? '' : `, pid ${report.pid}`})`];
  const rootCause = report.gaps.find((gap) => gap.logLine !== undefined);
  if (rootCause) out.push(`CRIU failed on: ${escapeControls(rootCause.logMessage ?? '')} (log line ${rootCause.logLine})`);
  for (const gap of report.gaps) out.push('', describeGap(gap));
  if (report.idGaps.length > 0) out.push('', 'Mount-id sequence gaps:', ...report.idGaps.map((gap) => `  ${gap.from === gap.to ? gap.from : `${gap.from}–${gap.to}`}: ${escapeControls(gap.note)}`));
  if (report.notes.length > 0) out.push('', ...report.notes.map((note) => `note: ${escapeControls(note)}`));
  if (report.issues.length > 0) {
    out.push('', `${report.issues.length} input ${report.issues.length === 1 ? 'line was' : 'lines were'} not understood:`);
    for (const issue of report.issues.slice(0, 10)) out.push(`  ${issue.input} line ${issue.line}: ${escapeControls(issue.reason)}`);
    if (report.issues.length > 10) out.push(`  … and ${report.issues.length - 10} more (see --json)`);
  }
  return `${escapeLines(out.join('\n'))}\n`;
}

function parseGapsArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...Object.fromEntries(FILE_OPTIONS.map((option) => [option, { type: 'string' as const }])),
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
        ...LIVE_OPTIONS,
      },
    });
  } catch (error) {
    if (isParseArgsError(error)) throw new GapsInputError(describeParseArgsError(error));
    throw error;
  }
}

/** Runs `gaps` with the arguments after the command name; returns the exit status. */
export async function runGaps(args: string[], write: (text: string) => void): Promise<number> {
  const { values, positionals } = parseGapsArgs(args);
  if (values.help) {
    write(GAPS_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new GapsInputError(`unexpected argument "${positionals[0]}"; every input is named by an option, e.g. --mountinfo FILE`);

  const fileValues = values as Partial<Record<(typeof FILE_OPTIONS)[number], string>>;
  if (!hasLiveSource(values) && hasHostOption(values)) {
    throw new GapsInputError('--host, --hosts-file and --host-prefix-json apply to --container and --pid only; the files of --snapshot, --mountinfo and --maps are read on this machine, so leave the host options out');
  }
  const { snapshot, name, inputNames } = hasLiveSource(values) ? await loadLive(values, fileValues) : loadSnapshot(fileValues);
  checkParsable(snapshot, inputNames);
  const log = fileValues.log === undefined ? undefined : loadLog(fileValues.log);
  const reports = analyzeProcesses(snapshot, log);

  if (values.json) {
    const [first, ...others] = reports;
    write(`${JSON.stringify(others.length === 0 ? first.report : { ...first.report, otherProcesses: others.map((entry) => entry.report) }, null, 2)}\n`);
  } else {
    write(reports.map((entry, index) => renderGapsText(entry.report, index === 0 ? name : `${name}, pid ${entry.report.pid ?? '?'}`)).join('\n'));
  }
  return reports.some((entry) => entry.report.gaps.length > 0) ? 1 : 0;
}

async function loadLive(
  values: Parameters<typeof collectLive>[0],
  fileValues: Partial<Record<(typeof FILE_OPTIONS)[number], string>>,
): Promise<{ snapshot: Snapshot; name: string; inputNames: InputNames }> {
  const given = FILE_OPTIONS.filter((option) => option !== 'log' && fileValues[option] !== undefined);
  if (given.length > 0) throw new GapsInputError(`--container and --pid collect the files themselves; leave out ${given.map((option) => `--${option}`).join(', ')}`);
  try {
    const { snapshot, name } = await collectLive(values);
    return { snapshot, name, inputNames: { mountinfo: name, maps: name } };
  } catch (error) {
    if (error instanceof LiveInputError) throw new GapsInputError(error.message);
    throw error;
  }
}

/**
 * Analyses every process of the snapshot, first process first. The log goes to the process whose
 * PID its mount lookup errors name, or to the first process, so its errors are matched once.
 * Other processes with empty maps (zombies, or the kernel threads below kthreadd) get no report
 * of their own but one note on the first report, because they have no file to check.
 */
function analyzeProcesses(snapshot: Snapshot, log: GapLog | undefined): { report: GapReport }[] {
  const [firstProcess, ...otherProcesses] = splitByProcess(snapshot);
  const withoutMemory = otherProcesses.filter((process) => process.maps.trim() === '');
  const processes = [firstProcess, ...otherProcesses.filter((process) => process.maps.trim() !== '')];
  const logPids = new Set(log ? findMountLookupErrors(log.analysis, log.text).map((error) => error.pid) : []);
  const logIndex = Math.max(0, processes.findIndex((process) => process.pid !== undefined && logPids.has(process.pid)));
  const reports = processes.map((process, index) => {
    const report = analyzeGaps(process, index === logIndex ? log : undefined);
    if (process.mapFilesFallback) {
      report.notes.push(
        `The mount ids of pid ${process.pid ?? '?'}'s mappings are guessed from device and inode, because /proc/PID/map_files could not be opened (${process.mapFilesFallback.reason}). Collect as root or with CAP_CHECKPOINT_RESTORE for the real ids.`,
      );
    }
    return { report };
  });
  if (withoutMemory.length > 0) {
    const pids = withoutMemory.map((process) => process.pid ?? '?');
    const shown = pids.length > 20 ? `${pids.slice(0, 20).join(', ')} and ${pids.length - 20} more` : pids.join(', ');
    reports[0].report.notes.push(
      `${pids.length} other ${pids.length === 1 ? 'process has' : 'processes have'} empty maps, so no user memory (kernel threads or zombies), and ${pids.length === 1 ? 'is' : 'are'} not analysed: pid ${shown}.`,
    );
  }
  return reports;
}
