/** Podman checkpoints only as root: `checkpointing a container requires root` (libpod, podman 4 and 5). */
import type { Check } from '../finding';
import { makeFinding } from '../finding';

export const rootfulCheck: Check = {
  name: 'rootful',
  run(ctx) {
    const { host } = ctx.input;
    if (host.rootful === undefined) {
      ctx.skip('rootful', 'whether podman runs as root is unknown');
      return [];
    }
    if (host.rootful) return [];
    return [
      makeFinding(ctx, 'rootful', {
        category: 'permission',
        verdict: 'blocks',
        title: 'podman runs rootless',
        detail: 'podman refuses to checkpoint in rootless mode before it calls the runtime, because CRIU needs privileges that a rootless user namespace does not give.',
        evidence: [{ text: `host ${host.name}: podman is rootless` }],
        kbCode: 'permission.podman-rootless',
        kbMessage: 'checkpointing a container requires root',
      }),
    ];
  },
};
