/**
 * The context every check reads: the input, one view per container process with its parsed fd listing,
 * and the sinks for skipped checks and unparsable input lines.
 */
import { parseLinkListing } from '../procfs/fdinfo';
import { type Snapshot, splitByProcess } from '../procfs/snapshot';
import type { LogFacts } from '../types';
import type { TableIssue } from './proc/lines';
import type { PreflightInput, ProcessExtras } from './types';

export interface FdEntry {
  fd: number;
  target: string;
}

export interface ProcessView {
  pid: number;
  /** The single-process snapshot (mountinfo, maps, fds, fdinfo) of this process. */
  snapshot: Snapshot;
  extras?: ProcessExtras;
  /** Open fds by number, from the snapshot's fd listing. */
  fds: FdEntry[];
}

/** A process and fd that refer to a socket inode. */
export interface SocketOwner {
  pid: number;
  fd: number;
}

export interface CheckContext {
  input: PreflightInput;
  processes: ProcessView[];
  /** Host PIDs of the container's processes. */
  pids: Set<number>;
  /** Socket inodes of all fds of the container's processes. */
  socketOwners: Map<string, SocketOwner[]>;
  /** Log facts as the diagnosis would read them from this host's dump.log, for knowledge-base text. */
  facts: LogFacts;
  skip(check: string, reason: string): void;
  /** Records lines of `file` that a parser left out. */
  reportIssues(file: string, issues: TableIssue[]): void;
}

export interface ContextSinks {
  skipped: { check: string; reason: string }[];
  inputIssues: { file: string; line: number; reason: string }[];
}

const SOCKET_TARGET = /^socket:\[(\d{1,20})\]$/;

/** Returns the socket inode of an fd target such as `socket:[4711]`, or null. */
export function socketInode(target: string): string | null {
  return SOCKET_TARGET.exec(target)?.[1] ?? null;
}

/** Builds the context; input lines that cannot be parsed go to `sinks.inputIssues`. */
export function buildContext(input: PreflightInput, sinks: ContextSinks): CheckContext {
  const reportIssues = (file: string, issues: TableIssue[]): void => {
    for (const item of issues) sinks.inputIssues.push({ file, line: item.line, reason: item.reason });
  };
  const processes: ProcessView[] = [];
  const snapshots = splitByProcess(input.snapshot);
  for (let index = 0; index < snapshots.length; index++) {
    const snapshot = snapshots[index];
    const fdinfoPid = /^==\s+\/proc\/(\d{1,10})\//m.exec(snapshot.fdinfo ?? '')?.[1];
    const pid = snapshot.pid ?? input.processes[index]?.pid ?? (fdinfoPid === undefined ? undefined : Number(fdinfoPid)) ?? input.container.pid ?? 0;
    const extras = input.processes.find((candidate) => candidate.pid === pid) ?? input.processes[index];
    const fds: FdEntry[] = [];
    if (snapshot.fds !== undefined) {
      const listing = parseLinkListing(snapshot.fds);
      for (const entry of listing.entries) if (/^\d+$/.test(entry.name)) fds.push({ fd: Number(entry.name), target: entry.target });
      reportIssues(`/proc/${pid}/fd`, listing.issues);
    }
    processes.push({ pid, snapshot, extras, fds });
  }

  const socketOwners = new Map<string, SocketOwner[]>();
  for (const process of processes) {
    for (const entry of process.fds) {
      const inode = socketInode(entry.target);
      if (inode === null) continue;
      const owners = socketOwners.get(inode) ?? [];
      owners.push({ pid: process.pid, fd: entry.fd });
      socketOwners.set(inode, owners);
    }
  }

  const facts: LogFacts = { logKind: 'dump' };
  if (input.host.criuVersion !== undefined) facts.criuVersion = input.host.criuVersion;
  if (input.host.kernel !== undefined) facts.kernel = input.host.kernel;

  return {
    input,
    processes,
    pids: new Set(processes.map((process) => process.pid)),
    socketOwners,
    facts,
    skip: (check, reason) => sinks.skipped.push({ check, reason }),
    reportIssues,
  };
}
