/**
 * A container started with `-t`. Its processes use a pseudo-terminal whose master end conmon holds,
 * outside the container. crun 1.21 and runc 1.1.15 always ask CRIU to accept such a terminal
 * (orphan-pts-master), and podman hands the master back to conmon on restore.
 */
import type { Check } from '../finding';
import { makeFinding } from '../finding';

export const ttyCheck: Check = {
  name: 'tty',
  run(ctx) {
    const { container } = ctx.input;
    if (container.tty === undefined) {
      ctx.skip('tty', 'whether the container has a terminal (-t) is unknown');
      return [];
    }
    if (!container.tty) return [];
    return [
      makeFinding(ctx, 'tty', {
        category: 'tty',
        verdict: 'fine',
        title: 'a terminal is attached (-t)',
        detail:
          'The container runs on a pseudo-terminal whose master end conmon holds. crun and runc set orphan-pts-master for CRIU, so CRIU dumps the terminal without its master and the runtime passes a new master to conmon on restore.',
        evidence: [{ text: `container ${container.name}: Config.Tty is true` }],
      }),
    ];
  },
};
