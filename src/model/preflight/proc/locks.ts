/**
 * Parser for /proc/locks and the `lock:` lines of /proc/PID/fdinfo/N (proc(5)):
 *
 *     1: FLOCK  ADVISORY  WRITE 4242 00:2f:1234 0 EOF
 *     2: POSIX  ADVISORY  READ 4243 fe:01:5555 0 99
 *     2: -> POSIX  ADVISORY  WRITE 4250 fe:01:5555 0 99      a waiter blocked on lock 2
 *     3: OFDLCK ADVISORY  WRITE -1 fe:01:7777 0 EOF            OFD locks have no owner pid
 *
 * CRIU 4.1.1 parses the kinds FLOCK, POSIX, OFDLCK and LEASE (criu/proc_parse.c) and fails on
 * any other kind with "Unknown file lock".
 */
import { eachLine, issue, type TableIssue } from './lines';

export interface FileLock {
  line: number;
  id: number;
  /** `FLOCK`, `POSIX`, `OFDLCK`, `LEASE`, or what the kernel printed. */
  kind: string;
  /** `ADVISORY`, `MANDATORY`, `ACTIVE`, `BREAKING`, `BREAKER`, ... */
  mode: string;
  /** `READ`, `WRITE`, `UNLCK`, ... */
  access: string;
  /** Owner PID in the reader's PID namespace, or -1 for OFD locks. */
  pid: number;
  /** `MAJ:MIN:INODE` with hex device numbers, e.g. `00:2f:1234`. */
  file: string;
  inode: string;
  start: string;
  end: string;
  /** A waiter (`->`), not a held lock. */
  blocked: boolean;
}

export interface LockTable {
  locks: FileLock[];
  issues: TableIssue[];
}

const LOCK_LINE = /^(?:lock:\s*)?(\d{1,10}):\s*(->\s*)?(\S+)\s+(\S+)\s+(\S+)\s+(-?\d{1,10})\s+([0-9a-f]{1,8}:[0-9a-f]{1,8}:(\d{1,20}))\s+(\d{1,20})\s+(\d{1,20}|EOF)\s*$/i;

/** Parses one line; returns the lock, or a reason when the line is not a lock line. */
export function parseLockLine(raw: string, lineNumber: number): FileLock | string {
  const match = LOCK_LINE.exec(raw.trim());
  if (!match) return 'not a lock line: expected "ID: KIND MODE ACCESS PID MAJ:MIN:INODE START END"';
  return {
    line: lineNumber,
    id: Number(match[1]),
    blocked: match[2] !== undefined,
    kind: match[3],
    mode: match[4],
    access: match[5],
    pid: Number(match[6]),
    file: match[7],
    inode: match[8],
    start: match[9],
    end: match[10],
  };
}

/** Parses /proc/locks; malformed lines are left out and listed in `issues`. Never throws. */
export function parseLocks(text: string): LockTable {
  const locks: FileLock[] = [];
  const issues: TableIssue[] = [];
  eachLine(text, (raw, lineNumber) => {
    const parsed = parseLockLine(raw, lineNumber);
    if (typeof parsed === 'string') issues.push(issue(lineNumber, parsed, raw));
    else locks.push(parsed);
  });
  return { locks, issues };
}
