/**
 * Collects a live snapshot of a container's processes for gap analysis: their mountinfo, maps, fds
 * with fdinfo, exe/cwd/root links, and the real mount id of every file-backed mapping, plus the
 * runtime side's and the host's mountinfo. Everything is read through the host's command prefix.
 *
 * Each read is a fixed `sh -c SCRIPT sh ARG...` whose arguments are positional parameters, so no
 * value is ever spliced into shell text. The scripts print NUL-separated records, because /proc text
 * files contain no NUL while paths may contain newlines:
 *
 *     TAG \0 KEY \0 CONTENT \0 EXIT-STATUS \0
 */
import { parseMaps } from '../model/procfs/maps';
import { type ProcessSnapshot, type Snapshot, SNAPSHOT_VERSION } from '../model/procfs/snapshot';
import { BATCH_WALK_SCRIPT, expandBatchRecords } from './collectBatch';
import { type Host, hostCommand } from './hosts';
import { PodmanClient } from './podman';
import type { CommandRunner } from './runner';

/**
 * Reads the host's mountinfo ($2 = 1 unless 0), the runtime side's ($3, 0 for none), then each
 * process from $1 down through /proc/PID/task/TID/children. Opening a link on fd 3 and reading
 * /proc/self/fdinfo/3 from `cat` gives the real mount id of the file behind it.
 *
 * With GNU find and a head that takes -v, the batched walk of collectBatch.ts reads the processes
 * instead. Otherwise each process costs about a dozen commands and each fd two (readlink and cat),
 * which takes seconds for thousands of fds.
 */
export const PROCESS_SCRIPT = `rec() { printf '%s\\0%s\\0' "$1" "$2"; }
end() { printf '\\0%s\\0' "$1"; }
first=$1 host=$2 conmon=$3
if [ "$host" != 0 ]; then rec host-mountinfo "$host"; cat "/proc/$host/mountinfo"; end $?; fi
if [ "$conmon" != 0 ]; then rec runtime-mountinfo "$conmon"; cat "/proc/$conmon/mountinfo"; end $?; fi
if find /proc/self/fd -maxdepth 0 -printf '' 2>/dev/null && head -v -n 1 /proc/self/stat >/dev/null 2>&1; then
${BATCH_WALK_SCRIPT}
  exit 0
fi
queue=$first
while :; do
  set -- $queue
  [ $# -eq 0 ] && break
  p=$1; shift; queue=$*
  rec mountinfo "$p"; cat "/proc/$p/mountinfo"; end $?
  rec maps "$p"; cat "/proc/$p/maps"; end $?
  rec cmdline "$p"; tr '\\0' ' ' < "/proc/$p/cmdline"; end $?
  for link in exe cwd root; do
    rec "$link" "$p"; readlink -n "/proc/$p/$link"; end $?
    rec "$link-fdinfo" "$p"; cat /proc/self/fdinfo/3 3<"/proc/$p/$link"; end $?
  done
  for f in "/proc/$p/fd/"*; do
    n=\${f##*/}
    [ "$n" = '*' ] && continue
    rec fd "$p/$n"; readlink -n "$f"; end $?
    rec fdinfo "$p/$n"; cat "/proc/$p/fdinfo/$n"; end $?
  done
  queue="$queue $(cat "/proc/$p/task/"*/children 2>/dev/null)"
done`;

/**
 * Opens /proc/PID/map_files/RANGE for each `PID/RANGE` argument and prints the fdinfo of that fd.
 * The open needs root or CAP_CHECKPOINT_RESTORE (Linux 5.9+). `2>&1` comes before `3<`, so the
 * shell's "cannot open" message lands in the record's content.
 */
export const MAP_FILES_SCRIPT = `for e; do
  p=\${e%%/*} r=\${e#*/}
  printf 'map_files\\0%s\\0' "$e"
  cat /proc/self/fdinfo/3 2>&1 3<"/proc/$p/map_files/$r"
  printf '\\0%s\\0' $?
done`;

/** One record of the scripts' output. */
export interface ProcRecord {
  tag: string;
  /** The PID, `PID/FD`, or `PID/RANGE` the record is about. */
  key: string;
  content: string;
  /** Exit status of the command that printed `content`. 0 means it was read completely. */
  status: number;
}

/** Output of a collect script that is not a whole record, or a read that failed. */
export class CollectError extends Error {
  override name = 'CollectError';
}

export interface CollectOptions {
  signal?: AbortSignal;
  /** Per command run, in milliseconds. */
  timeoutMs?: number;
  /** `PID/RANGE` arguments per map_files command, which keeps each command line well below ARG_MAX. */
  mapFilesBatchSize?: number;
}

const DEFAULT_MAP_FILES_BATCH = 1000;
const DECIMAL = /^[1-9][0-9]{0,9}$/;

function checkPid(pid: number, what: string): string {
  const text = String(pid);
  if (!DECIMAL.test(text)) throw new RangeError(`${what} must be a positive integer, got ${text}`);
  return text;
}

/** Builds the command that reads all processes from `pid` down, and the host's and runtime's mountinfo. */
export function processScriptCommand(host: Host, pid: number, sides: { hostPid?: number; conmonPid?: number } = {}): string[] {
  const hostPid = sides.hostPid === undefined ? '0' : checkPid(sides.hostPid, 'host PID');
  const conmonPid = sides.conmonPid === undefined ? '0' : checkPid(sides.conmonPid, 'conmon PID');
  return hostCommand(host, 'sh', ['-c', PROCESS_SCRIPT, 'sh', checkPid(pid, 'PID'), hostPid, conmonPid]);
}

/**
 * Returns the name of a mapping's entry in /proc/PID/map_files. maps pads addresses to eight hex
 * digits (`00400000-00401000`), but map_files names them without padding (`400000-401000`), as
 * seen on Linux 6.18 for a static non-PIE binary.
 */
export function mapFilesName(range: string): string {
  return range
    .split('-')
    .map((address) => address.replace(/^0+(?=[0-9a-f])/, ''))
    .join('-');
}

/** Builds the map_files commands for `PID/RANGE` requests, `batchSize` requests per command. */
export function mapFilesCommands(host: Host, requests: readonly { pid: number; range: string }[], batchSize = DEFAULT_MAP_FILES_BATCH): string[][] {
  const words = requests.map(({ pid, range }) => {
    if (!/^[0-9a-f]{1,16}-[0-9a-f]{1,16}$/.test(range)) throw new RangeError(`invalid map range "${range}", expected start-end in lower-case hex`);
    return `${checkPid(pid, 'PID')}/${mapFilesName(range)}`;
  });
  const commands: string[][] = [];
  for (let index = 0; index < words.length; index += batchSize) {
    commands.push(hostCommand(host, 'sh', ['-c', MAP_FILES_SCRIPT, 'sh', ...words.slice(index, index + batchSize)]));
  }
  return commands;
}

/** Splits script output into records. Throws CollectError when the output ends inside a record. */
export function parseRecords(stdout: string): ProcRecord[] {
  const fields = stdout.split('\0');
  const trailing = fields.pop();
  if (trailing !== '' || fields.length % 4 !== 0) {
    throw new CollectError(`the collect script's output ends inside a record (${fields.length} fields, last "${(trailing ?? '').slice(0, 80)}"); the process may have been killed`);
  }
  const records: ProcRecord[] = [];
  for (let index = 0; index < fields.length; index += 4) {
    const status = fields[index + 3];
    if (!/^\d{1,3}$/.test(status)) throw new CollectError(`invalid exit status "${status.slice(0, 80)}" in record ${index / 4 + 1} (${fields[index]} ${fields[index + 1]})`);
    records.push({ tag: fields[index], key: fields[index + 1], content: fields[index + 2], status: Number(status) });
  }
  return records;
}

/** Returns the `start-end` ranges of the file-backed mappings in a maps text. */
export function fileMappingRanges(maps: string): string[] {
  return parseMaps(maps)
    .entries.filter((entry) => entry.kind === 'file')
    .map((entry) => `${entry.start}-${entry.end}`);
}

function fdinfoField(content: string, key: string): string | undefined {
  return new RegExp(`^${key}:\\s*(\\S+)\\s*$`, 'm').exec(content)?.[1];
}

/** Reads mount id and inode from map_files records. Failures are returned apart, with the shell's message. */
export function parseMapFilesRecords(records: readonly ProcRecord[]): {
  entries: Map<number, NonNullable<ProcessSnapshot['mapFiles']>>;
  failures: Map<number, string[]>;
} {
  const entries = new Map<number, NonNullable<ProcessSnapshot['mapFiles']>>();
  const failures = new Map<number, string[]>();
  for (const record of records) {
    if (record.tag !== 'map_files') continue;
    const [pidText, range] = record.key.split('/');
    const pid = Number(pidText);
    const mntId = fdinfoField(record.content, 'mnt_id');
    if (record.status !== 0 || mntId === undefined || !/^\d{1,10}$/.test(mntId)) {
      const list = failures.get(pid) ?? [];
      list.push(record.content.trim() || `exit status ${record.status}`);
      failures.set(pid, list);
      continue;
    }
    const ino = fdinfoField(record.content, 'ino');
    const list = entries.get(pid) ?? [];
    list.push({ range, mntId: Number(mntId), ...(ino !== undefined && /^\d{1,20}$/.test(ino) ? { ino } : {}) });
    entries.set(pid, list);
  }
  return { entries, failures };
}

interface ProcessParts {
  pid: number;
  mountinfo?: string;
  maps?: string;
  cmdline?: string;
  links: Partial<Record<'exe' | 'cwd' | 'root', { path: string; mntId?: number }>>;
  fds: string[];
  fdinfo: string[];
}

/** Output of the process script, grouped by process in the order the script walked them. */
export interface ProcessReadout {
  hostMountinfo?: string;
  runtimeMountinfo?: string;
  processes: ProcessParts[];
  /** Reads that failed, e.g. a process that exited while it was read. */
  problems: string[];
}

/**
 * Groups process-script records by PID, after expanding the batched walk's combined records. A
 * failed read of a whole file is a problem. An fd that closed between listing and reading is
 * dropped silently, as ls would drop it.
 */
export function groupProcessRecords(scriptRecords: readonly ProcRecord[]): ProcessReadout {
  const records = expandBatchRecords(scriptRecords);
  const readout: ProcessReadout = { processes: [], problems: [] };
  const byPid = new Map<number, ProcessParts>();
  const partsOf = (pid: number): ProcessParts => {
    let parts = byPid.get(pid);
    if (!parts) {
      parts = { pid, links: {}, fds: [], fdinfo: [] };
      byPid.set(pid, parts);
      readout.processes.push(parts);
    }
    return parts;
  };

  for (const record of records) {
    const [pidText, fd] = record.key.split('/');
    const pid = Number(pidText);
    const ok = record.status === 0;
    switch (record.tag) {
      case 'host-mountinfo':
      case 'runtime-mountinfo':
        if (ok) readout[record.tag === 'host-mountinfo' ? 'hostMountinfo' : 'runtimeMountinfo'] = record.content;
        else readout.problems.push(`reading /proc/${pid}/mountinfo (${record.tag === 'host-mountinfo' ? 'host' : 'runtime side'}) failed with exit status ${record.status}`);
        break;
      case 'mountinfo':
      case 'maps':
      case 'cmdline': {
        // The process is registered even when the read failed, so that errors can name it.
        const parts = partsOf(pid);
        if (ok) parts[record.tag] = record.tag === 'cmdline' ? record.content.trimEnd() : record.content;
        else readout.problems.push(`reading /proc/${pid}/${record.tag} failed with exit status ${record.status}`);
        break;
      }
      case 'exe':
      case 'cwd':
      case 'root':
        if (ok) partsOf(pid).links[record.tag] = { path: record.content };
        break;
      case 'exe-fdinfo':
      case 'cwd-fdinfo':
      case 'root-fdinfo': {
        const link = partsOf(pid).links[record.tag.slice(0, -'-fdinfo'.length) as 'exe' | 'cwd' | 'root'];
        const mntId = fdinfoField(record.content, 'mnt_id');
        if (ok && link && mntId !== undefined && /^\d{1,10}$/.test(mntId)) link.mntId = Number(mntId);
        break;
      }
      case 'fd':
        // NOTE: a target with a newline is written with `\012`, because the listing is one line per fd.
        if (ok) partsOf(pid).fds.push(`fd ${fd} -> ${record.content.replace(/\n/g, '\\012')}`);
        break;
      case 'fdinfo':
        if (ok) partsOf(pid).fdinfo.push(`== /proc/${pid}/fdinfo/${fd}\n${record.content}`);
        break;
      default:
        readout.problems.push(`unknown record "${record.tag.slice(0, 40)}" in the collect script's output`);
    }
  }
  return readout;
}

/** Builds one process's part of a snapshot; undefined when its mountinfo or maps could not be read. */
function processSnapshot(parts: ProcessParts, mapFiles: ProcessSnapshot['mapFiles'], failures: string[] | undefined, fileRangeCount: number): ProcessSnapshot | undefined {
  if (parts.mountinfo === undefined || parts.maps === undefined) return undefined;
  const snapshot: ProcessSnapshot = { pid: parts.pid, mountinfo: parts.mountinfo, maps: parts.maps };
  if (parts.cmdline !== undefined) snapshot.cmdline = parts.cmdline;
  snapshot.fds = parts.fds.map((line) => `${line}\n`).join('');
  snapshot.fdinfo = parts.fdinfo.join('\n');
  if (mapFiles && mapFiles.length > 0) snapshot.mapFiles = mapFiles;
  // Only when no range could be opened at all is it a missing capability; a few failures are
  // mappings that went away between reading maps and opening map_files.
  if (fileRangeCount > 0 && (mapFiles?.length ?? 0) === 0) {
    snapshot.mapFilesFallback = { reason: failures?.[0] ?? 'no map_files entry could be read' };
  }
  for (const kind of ['exe', 'cwd', 'root'] as const) {
    const link = parts.links[kind];
    if (link) snapshot[kind] = link;
  }
  return snapshot;
}

/** The process a collection started from, and its host, for error messages. */
export interface CollectTarget {
  pid: number;
  hostName: string;
}

/**
 * Explains why the first process of the walk could not be read. mountinfo is readable for any
 * process that exists, while maps needs ptrace read access (PTRACE_MODE_READ), so which of the
 * two failed distinguishes a missing process from a protected one.
 */
function describeUnreadableFirst(parts: ProcessParts | undefined, problems: string[], target: CollectTarget | undefined): string {
  const pid = target?.pid ?? parts?.pid;
  const where = target ? ` on host ${target.hostName}` : '';
  if (parts === undefined || parts.mountinfo === undefined) {
    return `no process ${pid ?? '?'} runs${where}, or it exited while it was read (reading /proc/${pid ?? '?'}/mountinfo failed). Check the PID with "ps -p ${pid ?? 'PID'}"${where ? ' there' : ''}.`;
  }
  const detail = problems.find((problem) => problem.startsWith(`reading /proc/${parts.pid}/maps`)) ?? `reading /proc/${parts.pid}/maps failed`;
  return `${detail}, although its mountinfo could be read: reading maps needs ptrace read access to the process. Run as root or as the process's user; a root that is still denied is in another user namespace than the process, or an LSM such as Yama or AppArmor denies it.`;
}

/**
 * Assembles a snapshot from the two scripts' records. The first process walked is the top level,
 * so when it cannot be read the collection fails, rather than promoting one of its children.
 */
export function buildSnapshot(
  processRecords: readonly ProcRecord[],
  mapFilesRecords: readonly ProcRecord[],
  meta: Pick<Snapshot, 'description' | 'container' | 'collectedAt'> = {},
  target?: CollectTarget,
): Snapshot {
  const readout = groupProcessRecords(processRecords);
  const { entries, failures } = parseMapFilesRecords(mapFilesRecords);
  const processes = readout.processes
    .map((parts) => processSnapshot(parts, entries.get(parts.pid), failures.get(parts.pid), parts.maps === undefined ? 0 : fileMappingRanges(parts.maps).length))
    .filter((process): process is ProcessSnapshot => process !== undefined);

  const walkedFirst = readout.processes[0];
  const [first, ...others] = processes;
  if (!first || first.pid !== walkedFirst?.pid || (target !== undefined && first.pid !== target.pid)) {
    const parts = walkedFirst?.pid === (target?.pid ?? walkedFirst?.pid) ? walkedFirst : undefined;
    throw new CollectError(describeUnreadableFirst(parts, readout.problems, target));
  }
  const snapshot: Snapshot = { version: SNAPSHOT_VERSION, ...meta, ...first };
  if (readout.runtimeMountinfo !== undefined) snapshot.runtimeMountinfo = readout.runtimeMountinfo;
  if (readout.hostMountinfo !== undefined) snapshot.hostMountinfo = readout.hostMountinfo;
  if (others.length > 0) snapshot.processes = others;
  return snapshot;
}

/**
 * Collects a snapshot of process `pid` and its descendants on `host`. `hostPid` (normally 1) names
 * the process whose mountinfo is the host's, `conmonPid` the runtime side's.
 */
export async function collectProcessSnapshot(
  runner: CommandRunner,
  host: Host,
  pid: number,
  options: CollectOptions & { hostPid?: number; conmonPid?: number; meta?: Pick<Snapshot, 'description' | 'container' | 'collectedAt'> } = {},
): Promise<Snapshot> {
  const runOptions = { signal: options.signal, timeoutMs: options.timeoutMs };
  const collectedAt = new Date().toISOString();
  const processOutput = await runner.run(processScriptCommand(host, pid, { hostPid: options.hostPid, conmonPid: options.conmonPid }), runOptions);
  const processRecords = parseRecords(processOutput.stdout);

  const requests = groupProcessRecords(processRecords).processes.flatMap((parts) => (parts.maps === undefined ? [] : fileMappingRanges(parts.maps).map((range) => ({ pid: parts.pid, range }))));
  const mapFilesRecords: ProcRecord[] = [];
  for (const command of mapFilesCommands(host, requests, options.mapFilesBatchSize)) {
    mapFilesRecords.push(...parseRecords((await runner.run(command, runOptions)).stdout));
  }

  return buildSnapshot(processRecords, mapFilesRecords, { collectedAt, ...options.meta }, { pid, hostName: host.name });
}

/**
 * Collects a snapshot of a running container by name or ID: `podman container inspect` gives the
 * host PID of its first process and conmon's PID, and /proc/1 gives the host's mountinfo.
 * Rejects with CollectError when the container does not run.
 */
export async function collectContainerSnapshot(runner: CommandRunner, host: Host, container: string, options: CollectOptions = {}): Promise<Snapshot> {
  const details = await new PodmanClient(runner, host).inspectContainer(container, { signal: options.signal, timeoutMs: options.timeoutMs });
  if (details.pid === undefined) {
    throw new CollectError(`container ${details.name} is ${details.podmanState}, so it has no processes to read; start or restore it first`);
  }
  const meta = {
    description: `collected by checkpoint-lens from container ${details.name} on host ${host.name}`,
    container: { name: details.name, id: details.id, ...(details.conmonPid === undefined ? {} : { conmonPid: details.conmonPid }) },
  };
  return collectProcessSnapshot(runner, host, details.pid, { ...options, hostPid: 1, conmonPid: details.conmonPid, meta });
}
