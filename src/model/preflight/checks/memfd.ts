/**
 * memfd files open or mapped in the container (`/memfd:NAME (deleted)`). CRIU dumps them since
 * 3.14 (commit "memfd: add file support"); older releases treat them as deleted files.
 */
import { parseMaps } from '../../procfs/maps';
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import type { Evidence } from '../types';
import { olderThan } from '../versions';

const CRIU_WITH_MEMFD = '3.14';

export const memfdCheck: Check = {
  name: 'memfd',
  run(ctx) {
    const evidence: Evidence[] = [];
    for (const process of ctx.processes) {
      for (const entry of process.fds) {
        if (!entry.target.startsWith('/memfd:')) continue;
        evidence.push({ text: `pid ${process.pid} fd ${entry.fd} -> ${entry.target}`, pid: process.pid, fd: entry.fd, source: { file: `/proc/${process.pid}/fd/${entry.fd}` } });
      }
      if (!process.snapshot.maps.includes('/memfd:')) continue;
      for (const mapping of parseMaps(process.snapshot.maps).entries) {
        if (mapping.kind !== 'memfd') continue;
        const range = `${mapping.start}-${mapping.end}`;
        evidence.push({ text: `pid ${process.pid} maps ${mapping.path} at ${range}`, pid: process.pid, range, source: { file: `/proc/${process.pid}/maps`, line: mapping.line } });
      }
    }
    if (evidence.length === 0) return [];
    const tooOld = olderThan(ctx.input.host.criuVersion, CRIU_WITH_MEMFD);
    return [
      makeFinding(ctx, 'memfd', {
        category: 'memfd',
        verdict: tooOld ? 'blocks' : 'fine',
        title: `${plural(evidence.length, 'memfd file')} open or mapped`,
        detail: tooOld
          ? `CRIU ${ctx.input.host.criuVersion} predates memfd support (CRIU ${CRIU_WITH_MEMFD}) and handles a memfd as a deleted file, which fails for one larger than the ghost file limit.`
          : 'CRIU saves memfd contents and seals in the checkpoint and creates them again on restore.',
        evidence,
        fixes: tooOld ? [{ description: `Upgrade CRIU to ${CRIU_WITH_MEMFD} or later, which dumps memfd files with their seals.` }] : [],
      }),
    ];
  },
};
