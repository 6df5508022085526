/**
 * A container run with `--rm`: podman 5.4.2 (libpod/container_internal_common.go, checkpoint())
 * refuses it unless the checkpoint goes to a file with `--export`. The test reads the export target
 * before `--create-image` sets one, so `--create-image` alone is refused too.
 */
import type { Check } from '../finding';
import { makeFinding } from '../finding';

export const autoRemoveCheck: Check = {
  name: 'auto-remove',
  run(ctx) {
    const { container, intent } = ctx.input;
    if (container.autoRemove === undefined) {
      ctx.skip('auto-remove', 'whether the container was started with --rm is unknown');
      return [];
    }
    if (!container.autoRemove || intent?.export) return [];
    return [
      makeFinding(ctx, 'auto-remove', {
        category: 'process-tree',
        verdict: 'blocks',
        title: 'started with --rm and no --export',
        detail: 'A checkpoint stops the container, and podman removes a --rm container when it stops, so podman refuses the checkpoint unless it is written to a file with --export.',
        evidence: [{ text: `container ${container.name}: AutoRemove is true` }],
        kbCode: 'process-tree.podman-rm-without-export',
        kbMessage: "cannot checkpoint containers that have been started with '--rm' unless '--export' is used",
      }),
    ];
  },
};
