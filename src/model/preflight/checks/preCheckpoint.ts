/**
 * `--pre-checkpoint` needs the kernel's soft-dirty memory tracking. podman 5.4.2 queries CRIU before it
 * starts (cmd/podman/containers/checkpoint.go) and stops with "system (architecture/kernel/CRIU) does
 * not support memory tracking".
 */
import type { Check } from '../finding';
import { makeFinding } from '../finding';

export const preCheckpointCheck: Check = {
  name: 'pre-checkpoint',
  run(ctx) {
    if (!ctx.input.intent?.preCheckpoint) return [];
    const { host } = ctx.input;
    if (host.dirtyTracking === undefined) {
      ctx.skip('pre-checkpoint', 'whether the kernel tracks dirty memory is unknown');
      return [];
    }
    if (host.dirtyTracking) return [];
    return [
      makeFinding(ctx, 'pre-checkpoint', {
        category: 'kernel-feature',
        verdict: 'blocks',
        title: 'pre-checkpoint requested, but the kernel does not track dirty memory',
        detail: 'A pre-checkpoint copies memory while the container runs and later copies only the pages written since, which needs soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY). This kernel does not have it, so podman stops before the checkpoint with "system (architecture/kernel/CRIU) does not support memory tracking".',
        evidence: [{ text: `host ${host.name}: dirty memory tracking is off`, source: { file: 'criu check --feature mem_dirty_track' } }],
        kbCode: 'kernel-feature.memory-tracking-off',
        kbMessage: 'Dirty tracking is OFF. Memory snapshot will not work',
      }),
    ];
  },
};
