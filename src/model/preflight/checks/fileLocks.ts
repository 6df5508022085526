/**
 * File locks and leases held by the container's processes, from /proc/locks (owner PIDs in the
 * host's PID namespace) and from the `lock:` lines of their fdinfo, which also show OFD locks (owner -1).
 * CRIU 4.1.1 (criu/file-lock.c) dumps FLOCK, POSIX, OFDLCK and LEASE entries only with --file-locks
 * ("Some file locks are hold by dumping tasks!"), and fails on any other kind ("Unknown file lock").
 */
import type { CheckContext } from '../context';
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import { type FileLock, parseLockLine, parseLocks } from '../proc/locks';
import type { Evidence, PreflightFinding } from '../types';

const KNOWN_KINDS = new Set(['FLOCK', 'POSIX', 'OFDLCK', 'LEASE']);

interface HeldLock {
  lock: FileLock;
  evidence: Evidence;
}

function describe(lock: FileLock): string {
  return `${lock.kind} ${lock.mode} ${lock.access} on ${lock.file}`;
}

/** Locks from the `lock:` lines of each process's fdinfo, with the fd they are on. */
function fdinfoLocks(ctx: CheckContext): HeldLock[] {
  const held: HeldLock[] = [];
  for (const process of ctx.processes) {
    const text = process.snapshot.fdinfo;
    if (text === undefined || !text.includes('lock:')) continue;
    const lines = text.split('\n');
    let fd: number | null = null;
    let pid = process.pid;
    for (let index = 0; index < lines.length; index++) {
      const raw = lines[index];
      const header = /^==\s+\/proc\/(\d{1,10})\/fdinfo\/(\d{1,10})/.exec(raw);
      if (header) {
        pid = Number(header[1]);
        fd = Number(header[2]);
        continue;
      }
      if (!raw.startsWith('lock:')) continue;
      const lock = parseLockLine(raw, index + 1);
      if (typeof lock === 'string') {
        ctx.reportIssues(`/proc/${pid}/fdinfo`, [{ line: index + 1, reason: lock, text: raw.slice(0, 200) }]);
        continue;
      }
      if (lock.blocked) continue;
      const evidence: Evidence = { text: `pid ${pid}${fd === null ? '' : ` fd ${fd}`}: ${describe(lock)}`, pid, inode: lock.inode, source: { file: fd === null ? `/proc/${pid}/fdinfo` : `/proc/${pid}/fdinfo/${fd}`, line: index + 1 } };
      if (fd !== null) evidence.fd = fd;
      held.push({ lock, evidence });
    }
  }
  return held;
}

export const fileLocksCheck: Check = {
  name: 'file-locks',
  run(ctx) {
    const held: HeldLock[] = [];
    if (ctx.input.locks === undefined) {
      ctx.skip('file-locks', '/proc/locks was not read; only the fdinfo lock lines were checked');
    } else {
      const table = parseLocks(ctx.input.locks);
      ctx.reportIssues('/proc/locks', table.issues);
      for (const lock of table.locks) {
        if (lock.blocked || !ctx.pids.has(lock.pid)) continue;
        held.push({ lock, evidence: { text: `pid ${lock.pid}: ${describe(lock)}`, pid: lock.pid, inode: lock.inode, source: { file: '/proc/locks', line: lock.line } } });
      }
    }
    // The same lock can appear in /proc/locks and in fdinfo; fdinfo adds OFD locks and the fd.
    const seen = new Set(held.map((item) => `${item.lock.kind}|${item.lock.file}|${item.lock.start}|${item.lock.end}|${item.lock.pid}`));
    for (const item of fdinfoLocks(ctx)) {
      const key = `${item.lock.kind}|${item.lock.file}|${item.lock.start}|${item.lock.end}|${item.lock.pid}`;
      if (seen.has(key)) continue;
      seen.add(key);
      held.push(item);
    }
    if (held.length === 0) return [];

    const findings: PreflightFinding[] = [];
    const unknown = held.filter((item) => !KNOWN_KINDS.has(item.lock.kind));
    const known = held.filter((item) => KNOWN_KINDS.has(item.lock.kind));
    if (unknown.length > 0) {
      findings.push(
        makeFinding(ctx, 'file-locks', {
          category: 'file-locks',
          verdict: 'blocks',
          title: `${plural(unknown.length, 'lock')} of a kind CRIU does not know`,
          detail: `CRIU 4.1.1 knows FLOCK, POSIX, OFDLCK and LEASE entries and fails on others ("Unknown file lock"): ${[...new Set(unknown.map((item) => item.lock.kind))].join(', ')}.`,
          evidence: unknown.map((item) => item.evidence),
        }),
      );
    }
    if (known.length > 0) {
      const leases = known.filter((item) => item.lock.kind === 'LEASE').length;
      findings.push(
        makeFinding(ctx, 'file-locks', {
          category: 'file-locks',
          verdict: 'needs-flag',
          flag: 'fileLocks',
          title: `${plural(known.length, 'file lock')}${leases > 0 ? ` (${plural(leases, 'lease')})` : ''} held`,
          detail: `CRIU dumps file locks${leases > 0 ? ' and leases' : ''} only with --file-locks and otherwise fails with "Some file locks are hold by dumping tasks!". On restore the locks are taken again, which fails when another process holds a conflicting lock on the same file by then.`,
          evidence: known.map((item) => item.evidence),
          kbCode: 'file-locks.option-required',
          kbMessage: 'Some file locks are hold by dumping tasks! You can try --file-locks to dump them',
        }),
      );
    }
    return findings;
  },
};
