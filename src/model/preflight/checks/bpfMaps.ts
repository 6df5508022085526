/**
 * BPF map fds (`anon_inode:bpf-map`). CRIU 4.1.1 dumps them only when it was built with libbpf, and
 * only maps of type BPF_MAP_TYPE_HASH (1) and BPF_MAP_TYPE_ARRAY (2) (criu/bpfmap.c). Their fdinfo
 * shows the type as `map_type:`.
 */
import { type FdinfoBlock, parseFdinfo } from '../../procfs/fdinfo';
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import type { Evidence, PreflightFinding } from '../types';

const SUPPORTED_MAP_TYPES = new Set(['1', '2']);

export const bpfMapsCheck: Check = {
  name: 'bpf-maps',
  run(ctx) {
    const supported: Evidence[] = [];
    const unsupported: Evidence[] = [];
    let firstUnsupportedType = '';
    for (const process of ctx.processes) {
      const maps = process.fds.filter((entry) => entry.target === 'anon_inode:bpf-map');
      if (maps.length === 0) continue;
      const blocksByFd = new Map<number, FdinfoBlock>();
      for (const block of parseFdinfo(process.snapshot.fdinfo ?? '').blocks) if (block.fd !== null) blocksByFd.set(block.fd, block);
      for (const entry of maps) {
        const block = blocksByFd.get(entry.fd);
        const mapType = block?.extra.map_type;
        const item: Evidence = { text: `pid ${process.pid} fd ${entry.fd} -> ${entry.target} map_type ${mapType ?? 'unknown'}`, pid: process.pid, fd: entry.fd, source: { file: `/proc/${process.pid}/fdinfo/${entry.fd}` } };
        if (mapType !== undefined && SUPPORTED_MAP_TYPES.has(mapType)) {
          supported.push(item);
        } else {
          unsupported.push(item);
          firstUnsupportedType ||= mapType ?? '';
        }
      }
    }
    const findings: PreflightFinding[] = [];
    if (unsupported.length > 0) {
      findings.push(
        makeFinding(ctx, 'bpf-maps', {
          category: 'bpf',
          verdict: 'blocks',
          title: `${plural(unsupported.length, 'BPF map')} of a type CRIU cannot dump`,
          detail: 'CRIU dumps only hash and array BPF maps (map_type 1 and 2); for other types, or a map whose type is unknown here, it fails with "CRIU does not currently support dumping BPF map type".',
          evidence: unsupported,
          kbCode: 'bpf.unsupported-map-type',
          kbMessage: `CRIU does not currently support dumping BPF map type ${firstUnsupportedType || 0}!`,
        }),
      );
    }
    if (supported.length > 0) {
      findings.push(
        makeFinding(ctx, 'bpf-maps', {
          category: 'bpf',
          verdict: 'fine',
          title: `${plural(supported.length, 'hash or array BPF map')}`,
          detail: 'CRIU dumps hash and array BPF maps, but only when it was built with libbpf; a build without it fails with "Can\'t dump file N of that type (anon bpf-map)". The preflight cannot see how CRIU was built.',
          evidence: supported,
        }),
      );
    }
    return findings;
  },
};
