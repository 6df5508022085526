/**
 * CRIU and the kernel's vDSO layout. Linux 6.13 added a separate `[vvar_vclock]` mapping, and CRIU
 * before 4.1 (commit "vdso: handle vvar_vclock vma-s", first released in v4.1) fails at start-up
 * with "Unexpected rt vDSO area bounds", whatever the container does.
 */
import type { Check } from '../finding';
import { makeFinding } from '../finding';
import { parseMaps } from '../../procfs/maps';
import type { Evidence } from '../types';
import { atLeast, kernelRelease, olderThan } from '../versions';

const CRIU_WITH_VVAR_VCLOCK = '4.1';
const KERNEL_WITH_VVAR_VCLOCK = '6.13';

export const vdsoCheck: Check = {
  name: 'vdso',
  run(ctx) {
    const { host } = ctx.input;
    const evidence: Evidence[] = [];
    for (const process of ctx.processes) {
      // A cheap substring test first, so that large maps files are parsed only when they matter.
      if (!process.snapshot.maps.includes('[vvar_vclock]')) continue;
      const entry = parseMaps(process.snapshot.maps).entries.find((candidate) => candidate.path === '[vvar_vclock]');
      if (!entry) continue;
      evidence.push({ text: `pid ${process.pid} maps [vvar_vclock] at ${entry.start}-${entry.end}`, pid: process.pid, range: `${entry.start}-${entry.end}`, source: { file: `/proc/${process.pid}/maps`, line: entry.line } });
      break;
    }
    // Without any maps, the kernel release is the only hint.
    // NOTE: not every architecture maps [vvar_vclock] on 6.13 and later, so this may over-report.
    const noMaps = ctx.processes.every((process) => process.snapshot.maps.trim() === '');
    if (evidence.length === 0 && noMaps && atLeast(kernelRelease(host.kernel), KERNEL_WITH_VVAR_VCLOCK)) {
      evidence.push({ text: `kernel ${host.kernel}: Linux ${KERNEL_WITH_VVAR_VCLOCK} and later map [vvar_vclock]`, source: { file: 'uname -r' } });
    }
    if (evidence.length === 0) return [];
    if (host.criuVersion === undefined) {
      ctx.skip('vdso', 'the kernel maps [vvar_vclock], but the CRIU version is unknown');
      return [];
    }
    if (!olderThan(host.criuVersion, CRIU_WITH_VVAR_VCLOCK)) return [];
    return [
      makeFinding(ctx, 'vdso', {
        category: 'vdso',
        verdict: 'blocks',
        title: `CRIU ${host.criuVersion} does not know the [vvar_vclock] mapping`,
        detail: `This kernel maps [vvar_vclock] next to [vvar] and [vdso]. CRIU before ${CRIU_WITH_VVAR_VCLOCK} inspects its own vDSO at start-up, finds bounds it does not expect and stops every dump, restore and check.`,
        evidence,
        kbCode: 'vdso.rt-bounds-vvar-vclock',
        kbMessage: 'Unexpected rt vDSO area bounds',
      }),
    ];
  },
};
