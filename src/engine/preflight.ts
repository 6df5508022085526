/**
 * Collects what the preflight checks read from a live container (PreflightInput) and runs them:
 * the gap snapshot of collect.ts, one extras script for the /proc files the snapshot does not hold,
 * the host's capabilities and the container's inspect record. Every read goes through the host's
 * command prefix, and nothing here changes the container.
 */
import { runChecks } from '../model/preflight';
import type {
  NetNamespaceTables,
  PreflightContainer,
  PreflightHost,
  PreflightInput,
  PreflightIntent,
  PreflightReport,
  ProcessExtras,
} from '../model/preflight/types';
import { parseMaps } from '../model/procfs/maps';
import { inodesToScan, IRMAP_FOLDERS } from '../model/preflight/checks/fsnotify';
import { type Snapshot, splitByProcess } from '../model/procfs/snapshot';
import { type HostCapabilities, parseOciRuntimeVersion, probeHost } from './capabilities';
import { collectProcessSnapshot, mapFilesName, parseRecords, type CollectOptions, type ProcRecord } from './collect';
import { CancelledError, CommandError, RuntimeRefusalError } from './errors';
import { canRunPrograms, hostCommand, podmanCommand, type Host } from './hosts';
import { PodmanClient } from './podman';
import { inspectArgs } from './podmanArgs';
import type { ContainerDetails, NamespaceKind } from './podmanJson';
import type { CommandRunner, RunOptions } from './runner';

/**
 * Reads, once, the kernel release, /proc/locks, /proc/1/ns and the CRIU configuration files that
 * exist, then:
 * - `fd:PID/FD`: size, allocated blocks and block unit of the file behind /proc/PID/fd/FD;
 * - `map:PID/RANGE=NAME`: the same for the file behind /proc/PID/map_files/NAME, which needs root
 *   or CAP_CHECKPOINT_RESTORE. RANGE is maps' range and keys the record, NAME is the same range
 *   without maps' zero padding, as map_files names it;
 * - `pid:PID`: /proc/PID/status and the /proc/PID/ns links, read for all PIDs by one `head -v`
 *   (one `cat` per PID where head has no -v) and one `ls -l`. Then for each network namespace,
 *   from its first PID, the /proc/PID/net files and `ss -x` inside it (through nsenter) for the
 *   unix sockets' peers. `test -ef` compares the namespace inodes without starting a command.
 * - `irmap:PID/INODE`: CRIU's folder scan for a watched inode whose file handle CRIU cannot open
 *   (IRMAP_FOLDERS of the fsnotify check, recursively, and the root folder), through
 *   /proc/PID/root: `DEV INODE PATH` for each file with that inode number.
 * Records have the format of collect.ts. Single reads put their errors into the record's content
 * (`2>&1`); the batched ones drop them, and a PID missing from their output was not readable.
 */
export const PREFLIGHT_EXTRAS_SCRIPT = `rec() { printf '%s\\0%s\\0' "$1" "$2"; }
end() { printf '\\0%s\\0' "$1"; }
rec kernel 0; uname -r 2>&1; end $?
rec locks 0; cat /proc/locks 2>&1; end $?
rec ns 1; ls -l /proc/1/ns 2>&1; end $?
for f in /etc/criu/default.conf /etc/criu/runc.conf /etc/criu/crun.conf; do
  [ -e "$f" ] || continue
  rec criu-config "$f"; cat "$f" 2>&1; end $?
done
pids= nets=
for e; do
  case $e in
  pid:*)
    p=\${e#pid:}
    pids="$pids $p"
    [ -e "/proc/$p/ns/net" ] || continue
    seen=0
    for q in $nets; do
      if [ "/proc/$p/ns/net" -ef "/proc/$q/ns/net" ]; then seen=1; break; fi
    done
    [ $seen = 0 ] && nets="$nets $p";;
  fd:*)
    k=\${e#fd:}
    rec fd-size "$k"; stat -L -c '%s %b %B' "/proc/\${k%%/*}/fd/\${k#*/}" 2>&1; end $?;;
  irmap:*)
    k=\${e#irmap:} p=\${e#irmap:}; p=\${p%%/*}; r=/proc/$p/root
    rec irmap "$k"
    stat -c '%d %i /' "$r/" 2>/dev/null
    for d in ${IRMAP_FOLDERS.join(' ')}; do
      [ -d "$r$d" ] && find "$r$d" -inum "\${k#*/}" -exec stat -c '%d %i %n' {} + 2>/dev/null
    done
    end 0;;
  map:*)
    k=\${e#map:} n=\${e#*=}; k=\${k%%=*}
    rec map-size "$k"; stat -L -c '%s %b %B' "/proc/\${k%%/*}/map_files/$n" 2>&1; end $?;;
  esac
done
[ -z "$pids" ] && exit 0
if head -v -n 1 /proc/self/status >/dev/null 2>&1; then
  set --
  for p in $pids; do set -- "$@" "/proc/$p/status"; done
  rec status-all 0; head -v -n 100000 -- "$@" 2>/dev/null; end $?
else
  for p in $pids; do rec status "$p"; cat "/proc/$p/status" 2>&1; end $?; done
fi
set --
for p in $pids; do set -- "$@" "/proc/$p/ns"; done
rec ns-all 0; ls -l -- "$@" 2>/dev/null; end $?
for p in $nets; do
  for t in tcp tcp6 udp udp6 unix netlink; do
    rec "net-$t" "$p"; cat "/proc/$p/net/$t" 2>&1; end $?
  done
  rec ss-unix "$p"; nsenter -t "$p" -n ss -x -a -n -H 2>&1; end $?
done`;

/** The files of /proc/PID/net that the extras script reads, in its order. */
export const NET_TABLES = ['tcp', 'tcp6', 'udp', 'udp6', 'unix', 'netlink'] as const;

/** CRIU configuration files that `criu` (default.conf) and the runtimes read, e.g. `/etc/criu/runc.conf`. */
export const CRIU_CONFIG_FILES = ['/etc/criu/default.conf', '/etc/criu/runc.conf', '/etc/criu/crun.conf'] as const;

const DECIMAL = /^[1-9][0-9]{0,9}$/;
const FD_NUMBER = /^(?:0|[1-9][0-9]{0,9})$/;
const RANGE = /^[0-9a-f]{1,16}-[0-9a-f]{1,16}$/;

/** One request of the extras script. */
export type ExtrasRequest = { kind: 'pid'; pid: number } | { kind: 'irmap'; pid: number; inode: number } | { kind: 'fd'; pid: number; fd: number } | { kind: 'map'; pid: number; range: string };

/** Builds the extras command. Throws RangeError for a PID, fd or range the script would not read safely. */
export function extrasCommand(host: Host, requests: readonly ExtrasRequest[]): string[] {
  const words = requests.map((request) => {
    const pid = String(request.pid);
    if (!DECIMAL.test(pid)) throw new RangeError(`PID must be a positive integer, got ${pid}`);
    if (request.kind === 'pid') return `pid:${pid}`;
    if (request.kind === 'irmap') {
      if (!DECIMAL.test(String(request.inode))) throw new RangeError(`inode must be a positive integer, got ${request.inode}`);
      return `irmap:${pid}/${request.inode}`;
    }
    if (request.kind === 'fd') {
      if (!FD_NUMBER.test(String(request.fd))) throw new RangeError(`fd must be a non-negative integer, got ${request.fd}`);
      return `fd:${pid}/${request.fd}`;
    }
    if (!RANGE.test(request.range)) throw new RangeError(`invalid map range "${request.range}", expected start-end in lower-case hex`);
    // The record keeps maps' range as its key; map_files names the entry without maps' padding.
    return `map:${pid}/${request.range}=${mapFilesName(request.range)}`;
  });
  return hostCommand(host, 'sh', ['-c', PREFLIGHT_EXTRAS_SCRIPT, 'sh', ...words]);
}

const DELETED = ' (deleted)';

/**
 * Returns the extras requests for a snapshot: every process, each fd whose target ends in
 * ` (deleted)`, each range of a deleted file mapping, and each watched inode that CRIU looks up
 * by its folder scan.
 */
export function extrasRequests(snapshot: Snapshot): ExtrasRequest[] {
  const requests: ExtrasRequest[] = [];
  const views = splitByProcess(snapshot);
  for (const process of snapshotProcesses(snapshot)) {
    requests.push({ kind: 'pid', pid: process.pid });
    const view = views.find((candidate) => candidate.pid === process.pid);
    for (const inode of view ? inodesToScan(view) : []) requests.push({ kind: 'irmap', pid: process.pid, inode });
    for (const line of (process.fds ?? '').split('\n')) {
      const match = /^fd (\d+) -> (.*)$/.exec(line);
      if (match && match[2].endsWith(DELETED)) requests.push({ kind: 'fd', pid: process.pid, fd: Number(match[1]) });
    }
    for (const entry of parseMaps(process.maps).entries) {
      if (entry.deleted && entry.kind === 'file') requests.push({ kind: 'map', pid: process.pid, range: `${entry.start}-${entry.end}` });
    }
  }
  return requests;
}

/** Lists the snapshot's processes that have a PID, top process first, in the order of PreflightInput.processes. */
function snapshotProcesses(snapshot: Snapshot): { pid: number; maps: string; fds?: string }[] {
  const all = [snapshot, ...(snapshot.processes ?? [])];
  return all.filter((process): process is typeof process & { pid: number } => process.pid !== undefined);
}

/** Parses `ls -l /proc/PID/ns` into link name and target, e.g. `net` to `net:[4026532301]`. */
export function parseNamespaceListing(text: string): Record<string, string> {
  const links: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = / ([a-z_]+) -> ([a-z_]+:\[\d+\])$/.exec(line);
    if (match) links[match[1]] = match[2];
  }
  return links;
}

/**
 * Returns the reader's message of a failed record, e.g. `cat: /proc/12/status: No such file or
 * directory`: the first line in the `program: ` form, else the last non-empty line, because the
 * content mixes partial output with the message.
 */
function failureMessage(record: ProcRecord): string {
  const lines = record.content.split('\n').filter((line) => line.trim() !== '');
  const message = lines.find((line) => /^(?:ls|cat|stat|uname|nsenter|ss|sh): /.test(line)) ?? lines.at(-1);
  return message?.trim() || `exit status ${record.status}`;
}

/** Parses `stat -c '%s %b %B'`: size, and allocated bytes (blocks times the block unit). */
function parseSizes(record: ProcRecord): { size: number; allocated: number } | undefined {
  const match = /^(\d{1,20}) (\d{1,20}) (\d{1,10})$/.exec(record.content.trim());
  if (record.status !== 0 || !match) return undefined;
  return { size: Number(match[1]), allocated: Number(match[2]) * Number(match[3]) };
}

/** Output of the extras script, grouped but not yet tied to the snapshot's processes. */
export interface ExtrasReadout {
  kernel?: string;
  locks?: string;
  hostNs?: Record<string, string>;
  /** Texts of the CRIU configuration files that exist, by path. */
  criuConfigs: Record<string, string>;
  processes: ProcessExtras[];
  net: NetNamespaceTables[];
  /** Host-wide reads that failed, e.g. `/proc/locks: Permission denied`. */
  problems: string[];
}

/**
 * Groups the extras records by process, in the order of `pids`. Per-process reads that failed go
 * to the process's `unreadable`; host-wide ones to `problems`.
 */
export function groupExtrasRecords(records: readonly ProcRecord[], pids: readonly number[]): ExtrasReadout {
  const readout: ExtrasReadout = { criuConfigs: {}, processes: pids.map((pid) => ({ pid })), net: [], problems: [] };
  const byPid = new Map(readout.processes.map((process) => [process.pid, process]));
  const netByPid = new Map<number, NetNamespaceTables>();
  const unreadable = (process: ProcessExtras, file: string, record: ProcRecord): void => {
    process.unreadable = { ...process.unreadable, [file]: failureMessage(record) };
  };

  for (const record of records) {
    if (record.tag === 'status-all' || record.tag === 'ns-all') {
      assignBatch(record, readout.processes);
      continue;
    }
    const [pidText, item] = record.key.split('/');
    const pid = Number(pidText);
    const process = byPid.get(pid);
    const ok = record.status === 0;
    if (record.tag === 'kernel') {
      if (ok) readout.kernel = record.content.trim();
      else readout.problems.push(`uname -r: ${failureMessage(record)}`);
    } else if (record.tag === 'locks') {
      if (ok) readout.locks = record.content;
      else readout.problems.push(`/proc/locks: ${failureMessage(record)}`);
    } else if (record.tag === 'criu-config') {
      if (ok) readout.criuConfigs[record.key] = record.content;
      else readout.problems.push(`${record.key}: ${failureMessage(record)}`);
    } else if (record.tag === 'ns' && pid === 1) {
      if (ok) readout.hostNs = parseNamespaceListing(record.content);
      else readout.problems.push(`/proc/1/ns: ${failureMessage(record)}`);
    } else if (!process) {
      readout.problems.push(`record "${record.tag.slice(0, 40)}" for ${record.key.slice(0, 40)}, which is no process of the snapshot`);
    } else if (record.tag === 'status') {
      if (ok) process.status = record.content;
      else unreadable(process, 'status', record);
    } else if (record.tag === 'ns' && pid !== 1) {
      if (ok) process.ns = parseNamespaceListing(record.content);
      else unreadable(process, 'ns', record);
    } else if (record.tag === 'fd-size') {
      const sizes = parseSizes(record);
      if (sizes === undefined) {
        unreadable(process, `fd/${item}`, record);
      } else {
        process.deletedFdSizes = { ...process.deletedFdSizes, [item]: sizes.size };
        process.deletedFdAllocated = { ...process.deletedFdAllocated, [item]: sizes.allocated };
      }
    } else if (record.tag === 'irmap') {
      const scan = process.irmapScan ?? { inodes: [], found: [] };
      scan.inodes.push(Number(item));
      for (const line of record.content.split('\n')) {
        const match = /^(\d{1,20}) (\d{1,20}) (.+)$/.exec(line);
        if (match) scan.found.push({ dev: Number(match[1]), ino: Number(match[2]), path: match[3].startsWith(`/proc/${pid}/root/`) ? match[3].slice(`/proc/${pid}/root`.length) : match[3] });
      }
      process.irmapScan = scan;
    } else if (record.tag === 'map-size') {
      const sizes = parseSizes(record);
      if (sizes === undefined) {
        unreadable(process, `map_files/${item}`, record);
      } else {
        process.deletedMapSizes = { ...process.deletedMapSizes, [item]: sizes.size };
        process.deletedMapAllocated = { ...process.deletedMapAllocated, [item]: sizes.allocated };
      }
    } else if (record.tag.startsWith('net-') || record.tag === 'ss-unix') {
      const table = record.tag === 'ss-unix' ? 'ssUnix' : (record.tag.slice('net-'.length) as (typeof NET_TABLES)[number]);
      if (table !== 'ssUnix' && !(NET_TABLES as readonly string[]).includes(table)) {
        readout.problems.push(`unknown record "${record.tag.slice(0, 40)}" in the extras script's output`);
        continue;
      }
      let tables = netByPid.get(pid);
      if (!tables) {
        tables = { ns: '', pid };
        netByPid.set(pid, tables);
        readout.net.push(tables);
      }
      if (ok) tables[table] = record.content;
      else tables.unreadable = { ...tables.unreadable, [table === 'ssUnix' ? 'ss -x' : table]: failureMessage(record) };
    } else {
      readout.problems.push(`unknown record "${record.tag.slice(0, 40)}" in the extras script's output`);
    }
  }

  for (const tables of readout.net) tables.ns = byPid.get(tables.pid)?.ns?.net ?? `net of pid ${tables.pid}`;
  // pid 1 of the host is a process of the snapshot only when the container shares the host's PID namespace.
  readout.hostNs ??= byPid.get(1)?.ns;
  return readout;
}

/**
 * Splits the output of `head -v` (`==> /proc/PID/status <==` before each file) or of `ls -l` on
 * several folders (`/proc/PID/ns:` before each) into texts by PID. Only headers that name one of
 * `pids` split, so a status line cannot start a section (the kernel escapes newlines in `Name:`).
 */
export function splitBatchOutput(content: string, kind: 'status' | 'ns', pids: ReadonlySet<number>): Map<number, string> {
  const header = kind === 'status' ? /^==> \/proc\/(\d+)\/status <==\n/gm : /^\/proc\/(\d+)\/ns:\n/gm;
  const starts = [...content.matchAll(header)].filter((match) => pids.has(Number(match[1])));
  const sections = new Map<number, string>();
  starts.forEach((match, index) => {
    const to = index + 1 < starts.length ? starts[index + 1].index : content.length;
    let text = content.slice(match.index + match[0].length, to);
    // head and ls write one newline before every header but the first.
    if (index + 1 < starts.length && text.endsWith('\n')) text = text.slice(0, -1);
    sections.set(Number(match[1]), text);
  });
  // ls -l prints no header for a single folder.
  if (kind === 'ns' && starts.length === 0 && pids.size === 1 && / -> /.test(content)) sections.set([...pids][0], content);
  return sections;
}

/** Assigns a batched status or ns record to the processes; a process missing from it was not readable. */
function assignBatch(record: ProcRecord, processes: ProcessExtras[]): void {
  const kind = record.tag === 'status-all' ? 'status' : 'ns';
  const sections = splitBatchOutput(record.content, kind, new Set(processes.map((process) => process.pid)));
  for (const process of processes) {
    const text = sections.get(process.pid);
    if (text === undefined) {
      const file = kind === 'status' ? `/proc/${process.pid}/status` : `/proc/${process.pid}/ns`;
      process.unreadable = { ...process.unreadable, [kind]: `${file} could not be read (exit status ${record.status}); the process may have exited` };
    } else if (kind === 'status') {
      process.status = text;
    } else {
      process.ns = parseNamespaceListing(text);
    }
  }
}

// --- host and container facts -------------------------------------------------

/** Maps the capability probe to the preflight's host facts; `kernel` is `uname -r` from the extras script when it ran. */
export function preflightHostFrom(capabilities: HostCapabilities, kernel: string | undefined, dirtyTracking: boolean | undefined): PreflightHost {
  const host: PreflightHost = { name: capabilities.host.name };
  if (capabilities.info) host.rootful = !capabilities.info.rootless;
  const podmanVersion = capabilities.podmanVersion?.text ?? capabilities.info?.podmanVersion;
  if (podmanVersion) host.podmanVersion = podmanVersion;
  const release = kernel ?? capabilities.info?.kernel;
  if (release) host.kernel = release;
  if (capabilities.criuVersion) host.criuVersion = capabilities.criuVersion;
  if (capabilities.criuCheck) host.criuCheck = { ok: capabilities.criuCheck.ok, errors: capabilities.criuCheck.errors };
  if (dirtyTracking !== undefined) host.dirtyTracking = dirtyTracking;
  return host;
}

const SHARED_MODE = /^container:/;

/** Maps the inspect record and the runtime's `--version` facts to the preflight's container facts. */
export function preflightContainerFrom(details: ContainerDetails, runtime: PreflightContainer['runtime']): PreflightContainer {
  const container: PreflightContainer = { name: details.name, id: details.id, autoRemove: details.autoRemove, tty: details.tty };
  if (runtime) container.runtime = runtime;
  if (details.podId) container.pod = details.podId;
  if (details.pid !== undefined) container.pid = details.pid;
  const shared: NonNullable<PreflightContainer['sharedNamespaces']> = {};
  for (const [kind, mode] of Object.entries(details.namespaceModes) as [NamespaceKind, string][]) {
    if (SHARED_MODE.test(mode)) shared[kind] = mode;
  }
  if (Object.keys(shared).length > 0) container.sharedNamespaces = shared;
  return container;
}

/**
 * Parses `criu check --feature mem_dirty_track`: CRIU 3.17 and 4.1 print `mem_dirty_track is
 * supported` and exit 0, or warn `Dirty tracking is OFF` and exit 1. Undefined when the output
 * shows neither, e.g. when CRIU failed before the check.
 */
export function parseDirtyTrackCheck(output: string): boolean | undefined {
  if (/^mem_dirty_track is supported/m.test(output)) return true;
  if (/Dirty tracking is OFF/.test(output)) return false;
  return undefined;
}

async function probeDirtyTracking(runner: CommandRunner, host: Host, runOptions: RunOptions): Promise<boolean | undefined> {
  if (!canRunPrograms(host)) return undefined;
  try {
    const result = await runner.run(hostCommand(host, 'criu', ['check', '--feature', 'mem_dirty_track']), runOptions);
    return parseDirtyTrackCheck(`${result.stdout}\n${result.stderr}`);
  } catch (error) {
    if (error instanceof CommandError && error.kind === 'cancelled') throw error;
    if (error instanceof CommandError && error.exitCode !== undefined) return parseDirtyTrackCheck(`${error.stdout}\n${error.stderr}`);
    return undefined;
  }
}

/**
 * Returns the facts of the container's own runtime. The probe reads only the default runtime's
 * `--version`, so another runtime (a container created with `--runtime runc`) runs its own.
 */
async function runtimeFacts(runner: CommandRunner, host: Host, details: ContainerDetails, capabilities: HostCapabilities, runOptions: RunOptions): Promise<PreflightContainer['runtime']> {
  const name = details.ociRuntime;
  if (!name) return undefined;
  let facts = capabilities.runtime?.name === name ? capabilities.runtime : undefined;
  if (!facts && canRunPrograms(host) && /^[A-Za-z0-9._-]+$/.test(name)) {
    try {
      facts = parseOciRuntimeVersion(name, (await runner.run(hostCommand(host, name, ['--version']), runOptions)).stdout);
    } catch (error) {
      if (error instanceof CommandError && error.kind === 'cancelled') throw error;
    }
  }
  if (!facts) return { name };
  const runtime: NonNullable<PreflightContainer['runtime']> = { name };
  if (facts.version) runtime.version = facts.version;
  if (facts.supportsCheckpoint !== undefined) runtime.supportsCheckpoint = facts.supportsCheckpoint;
  if (facts.wasmHandlers.length > 0) runtime.wasmHandlers = facts.wasmHandlers;
  return runtime;
}

// --- collection ---------------------------------------------------------------

export interface PreflightOptions extends CollectOptions {
  /** The planned checkpoint; `preCheckpoint` adds the dirty-tracking probe. */
  intent?: PreflightIntent;
  /** A probe of this host from earlier, e.g. the Containers view's; probed again when missing. */
  capabilities?: HostCapabilities;
}

function throwIfCancelled(signal: AbortSignal | undefined, containerName: string): void {
  if (signal?.aborted) throw new CancelledError(`Cancelled: preflight of container ${containerName}`, { command: [] });
}

/**
 * Collects the preflight input of a running container: inspect, host probe, gap snapshot, then
 * the extras script. Rejects with NotFoundError for an unknown container, RuntimeRefusalError
 * (`state-improper`) for one that does not run, CancelledError after an abort, CollectError when
 * /proc output is cut off, HostCommandError when the host reaches podman only through a remote
 * connection, and the runner's CommandError when a read fails as a whole.
 */
export async function collectPreflight(runner: CommandRunner, host: Host, containerName: string, options: PreflightOptions = {}): Promise<PreflightInput> {
  const runOptions: RunOptions = { signal: options.signal, timeoutMs: options.timeoutMs };
  throwIfCancelled(options.signal, containerName);
  const collectedAt = new Date().toISOString();

  const [details, capabilities] = await Promise.all([
    new PodmanClient(runner, host).inspectContainer(containerName, runOptions),
    options.capabilities ?? probeHost(runner, host, runOptions),
  ]);
  const inspectCommand = podmanCommand(host, inspectArgs([containerName]));
  if (details.podmanState === 'paused') {
    // podman refuses to checkpoint a paused container ("container state improper").
    throw new RuntimeRefusalError(`${details.name} is paused, and podman checkpoints only running containers.`, { command: inspectCommand, hint: `Run "podman unpause ${details.name}", then run the preflight again.` }, 'state-improper');
  }
  if (details.pid === undefined) {
    const hint = details.checkpointed
      ? `It was checkpointed: restore it with "podman container restore ${details.name}", then run the preflight again.`
      : `Start it with "podman start ${details.name}", then run the preflight again.`;
    throw new RuntimeRefusalError(`Container ${details.name} is ${details.podmanState}, so there is nothing to checkpoint and no process to read.`, { command: inspectCommand, hint }, 'state-improper');
  }
  throwIfCancelled(options.signal, containerName);

  const meta = {
    description: `collected by checkpoint-lens preflight from container ${details.name} on host ${host.name}`,
    container: { name: details.name, id: details.id, ...(details.conmonPid === undefined ? {} : { conmonPid: details.conmonPid }) },
    collectedAt,
  };
  const [snapshot, runtime, dirtyTracking] = await Promise.all([
    collectProcessSnapshot(runner, host, details.pid, { ...options, hostPid: 1, conmonPid: details.conmonPid, meta }),
    runtimeFacts(runner, host, details, capabilities, runOptions),
    options.intent?.preCheckpoint ? probeDirtyTracking(runner, host, runOptions) : Promise.resolve(undefined),
  ]);
  throwIfCancelled(options.signal, containerName);

  const pids = snapshotProcesses(snapshot).map((process) => process.pid);
  const output = await runner.run(extrasCommand(host, extrasRequests(snapshot)), runOptions);
  const extras = groupExtrasRecords(parseRecords(output.stdout), pids);

  const input: PreflightInput = {
    host: preflightHostFrom(capabilities, extras.kernel, dirtyTracking),
    container: preflightContainerFrom(details, runtime),
    snapshot,
    processes: extras.processes,
    net: extras.net,
    collectedAt,
  };
  if (options.intent) input.intent = options.intent;
  if (extras.locks !== undefined) input.locks = extras.locks;
  if (extras.hostNs) input.hostNs = extras.hostNs;
  if (Object.keys(extras.criuConfigs).length > 0) input.criuConfigs = extras.criuConfigs;
  return input;
}

/** Collects the preflight input of a running container and runs the checks on it; see collectPreflight for the errors. */
export async function runPreflight(runner: CommandRunner, host: Host, containerName: string, intent: PreflightIntent = {}, options: Omit<PreflightOptions, 'intent'> = {}): Promise<PreflightReport> {
  const input = await collectPreflight(runner, host, containerName, { ...options, intent });
  return runChecks(input);
}
