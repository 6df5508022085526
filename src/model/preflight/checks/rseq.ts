/**
 * Restartable sequences (rseq). glibc 2.35 and later register an rseq area for every thread. CRIU
 * 3.17 and later save it with PTRACE_GET_RSEQ_CONFIGURATION, which Linux 5.13 added, and fail
 * without it ("has rseq but kernel lacks get_rseq_conf feature"). /proc does not show whether a
 * thread registered rseq, so this check can only name the risky kernel and CRIU combination.
 */
import type { Check } from '../finding';
import { atLeast, kernelRelease, olderThan } from '../versions';

export const rseqCheck: Check = {
  name: 'rseq',
  run(ctx) {
    const { host } = ctx.input;
    const release = kernelRelease(host.kernel);
    if (release === undefined || host.criuVersion === undefined) return [];
    if (atLeast(host.criuVersion, '3.17') && olderThan(release, '5.13')) {
      ctx.skip('rseq', `kernel ${host.kernel} lacks PTRACE_GET_RSEQ_CONFIGURATION (Linux 5.13), so CRIU ${host.criuVersion} fails on a thread that registered rseq (glibc 2.35 and later do), and /proc does not show rseq registration`);
    }
    return [];
  },
};
