/**
 * Device nodes bind-mounted from the host's devtmpfs into the container's /dev. crun 1.21 does so
 * in a user namespace, where it cannot create device nodes (`create_missing_devs` with binds in
 * src/libcrun/linux.c), but it declares only the spec's mounts and masked paths external to CRIU
 * (src/libcrun/criu.c, unchanged up to crun 1.29.1). CRIU 4.1.1 then fails with
 * "N:./dev/null doesn't have a proper root mount". runc 1.1.15 bind-mounts them too and declares
 * every device of the spec as an external mount, so it is not affected.
 */
import { parseMountinfo } from '../../procfs/mountinfo';
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import type { Evidence } from '../types';

export const deviceBindMountsCheck: Check = {
  name: 'device-bind-mounts',
  run(ctx) {
    const runtime = ctx.input.container.runtime?.name;
    const process = ctx.processes[0];
    if (runtime !== 'crun' || process === undefined || process.snapshot.mountinfo === undefined) return [];
    const evidence: Evidence[] = [];
    let last: { mountId: number; mountPoint: string } | undefined;
    for (const mount of parseMountinfo(process.snapshot.mountinfo).mounts) {
      if (mount.fsType !== 'devtmpfs' || mount.root === '/' || !mount.mountPoint.startsWith('/dev/')) continue;
      last = mount;
      evidence.push({ text: `mount ${mount.mountId} at ${mount.mountPoint}: ${mount.root} of the host's devtmpfs (${mount.major}:${mount.minor})`, pid: process.pid, mntId: mount.mountId, path: mount.mountPoint, source: { file: `/proc/${process.pid}/mountinfo`, line: mount.line } });
    }
    if (last === undefined) return [];
    return [
      makeFinding(ctx, 'device-bind-mounts', {
        category: 'external-mount',
        verdict: 'blocks',
        title: `${plural(evidence.length, 'device node')} bind-mounted from the host's /dev`,
        detail: `crun bind-mounts host device nodes into /dev when the container has a user namespace (--uidmap, --userns), and it does not declare these mounts external to CRIU, so the dump fails with "${last.mountId}:.${last.mountPoint} doesn't have a proper root mount". runc declares them, so the same container under runc (podman run --runtime runc) can be checkpointed; so can one without a user namespace.`,
        evidence,
        fixes: [
          { description: `Create the container with runc: podman run --runtime runc with the same options, then checkpoint ${ctx.input.container.name} there.`, podmanFlag: '--runtime runc' },
          { description: 'Create the container without a user namespace (without --uidmap, --gidmap and --userns), so crun creates the device nodes instead of bind-mounting them.' },
        ],
        kbCode: 'external-mount.no-proper-root-mount',
        kbMessage: `${last.mountId}:.${last.mountPoint} doesn't have a proper root mount`,
      }),
    ];
  },
};
