/**
 * `--pre-checkpoint` needs the kernel's soft-dirty memory tracking. podman 5.4.2 queries CRIU first
 * (cmd/podman/containers/checkpoint.go) and stops with "system (architecture/kernel/CRIU) does not
 * support memory tracking" when CRIU says no. When that check passes, the runtime queries CRIU again
 * over RPC and stops: crun 1.21 with "memory tracking not supported. Please check CRIU logfile
 * DIR/dump.log" (src/libcrun/criu.c), runc 1.1.15 with "CRIU is missing features"
 * (libcontainer/container_linux.go).
 */
import type { Check } from '../finding';
import { makeFinding } from '../finding';

/** Says which message stops the pre-checkpoint: podman's own check, else the runtime's. */
function runtimeMessage(runtime: string | undefined): string {
  const podman = 'podman 5.4.2 may stop first with "system (architecture/kernel/CRIU) does not support memory tracking"';
  if (runtime === 'crun') return `${podman}. When its check passes, crun stops with "memory tracking not supported. Please check CRIU logfile …/dump.log" (crun 1.21).`;
  if (runtime === 'runc') return `${podman}. When its check passes, runc stops with "CRIU is missing features" (runc 1.1.15).`;
  return `${podman}. When its check passes, the runtime stops: crun 1.21 with "memory tracking not supported", and runc 1.1.15 with "CRIU is missing features".`;
}

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
        detail: `A pre-checkpoint copies memory while the container runs and later copies only the pages written since, which needs soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY). This kernel does not have it, so the pre-checkpoint stops before CRIU dumps anything. ${runtimeMessage(ctx.input.container.runtime?.name)}`,
        evidence: [{ text: `host ${host.name}: dirty memory tracking is off`, source: { file: 'criu check --feature mem_dirty_track' } }],
        kbCode: 'kernel-feature.memory-tracking-off',
        kbMessage: 'Dirty tracking is OFF. Memory snapshot will not work',
      }),
    ];
  },
};
