/**
 * The OCI runtime and CRIU that podman needs: podman 5.4.2 checks the CRIU version (at least
 * 3.11, pkg/criu/criu.go) and queries the runtime for checkpoint support (`+CRIU` in
 * `crun --version`) before anything else.
 */
import type { Check } from '../finding';
import { makeFinding } from '../finding';
import type { PreflightFinding } from '../types';
import { olderThan } from '../versions';

/** The oldest CRIU podman accepts for a checkpoint (MinCriuVersion 31100 in podman's pkg/criu). */
const PODMAN_MIN_CRIU = '3.11';

export const runtimeSupportCheck: Check = {
  name: 'runtime-support',
  run(ctx) {
    const findings: PreflightFinding[] = [];
    const { container, host } = ctx.input;
    const runtime = container.runtime;
    if (runtime?.supportsCheckpoint === undefined) {
      ctx.skip('runtime-support', 'whether the OCI runtime supports checkpoint is unknown');
    } else if (!runtime.supportsCheckpoint) {
      findings.push(
        makeFinding(ctx, 'runtime-support', {
          category: 'runtime-support',
          verdict: 'blocks',
          title: `${runtime.name} has no checkpoint support`,
          detail: `podman asks the runtime before it checkpoints, and ${runtime.name}${runtime.version ? ` ${runtime.version}` : ''} reports no CRIU support (no "+CRIU" in its version output, or libcriu is missing).`,
          evidence: [{ text: `container ${container.name}: runtime ${runtime.name}${runtime.version ? ` ${runtime.version}` : ''} without checkpoint support` }],
          kbCode: 'runtime-support.runtime-without-criu',
          kbMessage: 'configured runtime does not support checkpoint/restore',
        }),
      );
    }

    if (host.criuVersion === undefined) {
      ctx.skip('runtime-support', 'the CRIU version is unknown (criu --version failed or CRIU is missing)');
    } else if (olderThan(host.criuVersion, PODMAN_MIN_CRIU)) {
      findings.push(
        makeFinding(ctx, 'runtime-support', {
          category: 'runtime-support',
          verdict: 'blocks',
          title: `CRIU ${host.criuVersion} is older than podman accepts`,
          detail: `podman needs CRIU ${PODMAN_MIN_CRIU} or later for a checkpoint; this host has ${host.criuVersion}.`,
          evidence: [{ text: `host ${host.name}: criu --version ${host.criuVersion}` }],
          kbCode: 'runtime-support.criu-too-old-for-podman',
          kbMessage: 'checkpoint/restore requires at least CRIU 31100',
        }),
      );
    }
    return findings;
  },
};
