/**
 * Seccomp filters (`Seccomp: 2` in /proc/PID/status). podman's default profile gives every
 * container one, and CRIU dumps it: it suspends the filter with PTRACE_O_SUSPEND_SECCOMP to run its
 * parasite code and saves the filters with PTRACE_SECCOMP_GET_FILTER. Both need CAP_SYS_ADMIN, and
 * the suspension is refused when CRIU runs under a seccomp filter itself, which /proc of the
 * container does not show.
 */
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import { parseStatus } from '../proc/status';
import type { Evidence } from '../types';

const MODES: Record<number, string> = { 0: 'disabled', 1: 'strict', 2: 'filter' };

export const seccompCheck: Check = {
  name: 'seccomp',
  run(ctx) {
    const evidence: Evidence[] = [];
    for (const process of ctx.processes) {
      const text = process.extras?.status;
      if (text === undefined) {
        const reason = process.extras?.unreadable?.status;
        ctx.skip('seccomp', `/proc/${process.pid}/status was not read${reason ? `: ${reason}` : ''}`);
        continue;
      }
      const status = parseStatus(text);
      ctx.reportIssues(`/proc/${process.pid}/status`, status.issues);
      if (status.seccomp === undefined || status.seccomp === 0) continue;
      const filters = status.seccompFilters === undefined ? '' : `, ${plural(status.seccompFilters, 'filter')}`;
      evidence.push({ text: `pid ${process.pid}: Seccomp ${status.seccomp} (${MODES[status.seccomp] ?? 'unknown'})${filters}`, pid: process.pid, source: { file: `/proc/${process.pid}/status`, line: status.lines.Seccomp } });
    }
    if (evidence.length === 0) return [];
    return [
      makeFinding(ctx, 'seccomp', {
        category: 'seccomp',
        verdict: 'fine',
        title: `${evidence.length} process${evidence.length === 1 ? '' : 'es'} under seccomp`,
        detail: 'CRIU suspends the seccomp filter while its parasite code runs and saves the filters with the checkpoint. That fails only when CRIU lacks CAP_SYS_ADMIN or runs under a seccomp filter itself ("suspending seccomp failed"), which the container\'s /proc does not show.',
        evidence,
      }),
    ];
  },
};
