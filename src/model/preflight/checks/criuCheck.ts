/** `criu check`: CRIU's own test of the kernel features a dump needs. */
import type { Check } from '../finding';
import { makeFinding } from '../finding';

export const criuCheckCheck: Check = {
  name: 'criu-check',
  run(ctx) {
    const { host } = ctx.input;
    if (host.criuCheck === undefined) {
      ctx.skip('criu-check', '`criu check` was not run');
      return [];
    }
    if (host.criuCheck.ok) return [];
    const errors = host.criuCheck.errors.length > 0 ? host.criuCheck.errors : ['criu check failed without an Error line'];
    return [
      makeFinding(ctx, 'criu-check', {
        category: 'kernel-feature',
        verdict: 'blocks',
        title: '`criu check` failed',
        detail: '`criu check` tests the kernel features that every dump needs, and it reported missing ones, so a checkpoint on this host fails before or while CRIU dumps the first task.',
        evidence: errors.map((text) => ({ text, source: { file: 'criu check' } })),
        fixes: [{ description: 'Run `criu check` as root and fix the features it names: usually a kernel without CONFIG_CHECKPOINT_RESTORE, or CRIU running without CAP_SYS_ADMIN.', command: 'criu check' }],
      }),
    ];
  },
};
