/**
 * Deleted files open or mapped in the container. CRIU copies a deleted file into the checkpoint as
 * a "ghost file", up to the ghost limit: 1 MiB unless set (DEFAULT_GHOST_LIMIT in CRIU 4.1.1's
 * criu/include/cr_options.h), else it fails with "Can't dump ghost file P of N size, increase
 * limit". podman has no flag for the limit, so it is raised in a CRIU configuration file.
 */
import { formatBytes } from '../../kb/helpers';
import { parseMaps } from '../../procfs/maps';
import { configFilesFor, configValue, parseCriuSize } from '../criuConfig';
import type { CheckContext } from '../context';
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import type { Evidence, PreflightFinding } from '../types';
import { olderThan } from '../versions';

export const DEFAULT_GHOST_LIMIT = 1 << 20;

/** One deleted file, which CRIU saves once however many fds and mappings of it there are. */
interface Ghost {
  path: string;
  size: number | undefined;
  evidence: Evidence[];
}

const DELETED = ' (deleted)';

/** Deleted files that are neither memfd nor shared anonymous memory (`/dev/zero`, `/SYSV…`). */
function isGhostPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('/memfd:') && !path.startsWith('/SYSV') && path !== '/dev/zero';
}

/** Returns the ghost limit CRIU uses for this container's runtime, and the file that sets it. */
export function ghostLimit(ctx: CheckContext): { limit: number; source: string } {
  const files = configFilesFor(ctx.input);
  const configs = ctx.input.criuConfigs ?? {};
  let limit = DEFAULT_GHOST_LIMIT;
  let source = 'CRIU default';
  for (const file of files) {
    const value = configValue([configs[file]], 'ghost-limit');
    const size = value === undefined ? undefined : parseCriuSize(value);
    if (size !== undefined) {
      limit = size;
      source = file;
    }
  }
  return { limit, source };
}

/**
 * Returns the bytes CRIU compares with the ghost limit: the blocks allocated on disk since CRIU 3.18,
 * the size before (`dump_ghost_remap` in criu/files-reg.c), so a sparse file may exceed the limit in size.
 */
function comparedBytes(ctx: CheckContext, size: number | undefined, allocated: number | undefined): number | undefined {
  return olderThan(ctx.input.host.criuVersion, '3.18') ? size : (allocated ?? size);
}

/** Formats a size, with the exact byte count when it is within 10% of the limit, where rounding to 0.1 MiB could hide which side it is on. */
function sizeText(bytes: number, limit: number): string {
  if (Math.abs(bytes - limit) > limit / 10) return formatBytes(bytes);
  return `${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes)`;
}

function collectGhosts(ctx: CheckContext, limit: number): Ghost[] {
  // Keyed by pid and path: an fd listing has no inode, and one file is open and mapped under one path.
  const ghosts = new Map<string, Ghost>();
  const add = (pid: number, path: string, size: number | undefined, evidence: Evidence): void => {
    const key = `${pid}|${path}`;
    const ghost = ghosts.get(key);
    if (ghost === undefined) {
      ghosts.set(key, { path, size, evidence: [evidence] });
      return;
    }
    ghost.evidence.push(evidence);
    ghost.size ??= size;
  };
  for (const process of ctx.processes) {
    const pid = process.pid;
    for (const entry of process.fds) {
      if (!entry.target.endsWith(DELETED)) continue;
      const path = entry.target.slice(0, -DELETED.length);
      if (!isGhostPath(path)) continue;
      const size = comparedBytes(ctx, process.extras?.deletedFdSizes?.[String(entry.fd)], process.extras?.deletedFdAllocated?.[String(entry.fd)]);
      add(pid, path, size, { text: `pid ${pid} fd ${entry.fd} -> ${entry.target}${size === undefined ? '' : `, ${sizeText(size, limit)}`}`, pid, fd: entry.fd, path, source: { file: `/proc/${pid}/fd/${entry.fd}` } });
    }
    if (!process.snapshot.maps.includes(DELETED)) continue;
    for (const mapping of parseMaps(process.snapshot.maps).entries) {
      if (mapping.kind !== 'file' || !mapping.deleted || !isGhostPath(mapping.path)) continue;
      const range = `${mapping.start}-${mapping.end}`;
      const size = comparedBytes(ctx, process.extras?.deletedMapSizes?.[range], process.extras?.deletedMapAllocated?.[range]);
      add(pid, mapping.path, size, { text: `pid ${pid} maps ${mapping.path}${DELETED} at ${range}${size === undefined ? '' : `, ${sizeText(size, limit)}`}`, pid, range, path: mapping.path, source: { file: `/proc/${pid}/maps`, line: mapping.line } });
    }
  }
  return [...ghosts.values()];
}

export const ghostFilesCheck: Check = {
  name: 'ghost-files',
  run(ctx) {
    const { limit, source } = ghostLimit(ctx);
    const ghosts = collectGhosts(ctx, limit);
    if (ghosts.length === 0) return [];
    const findings: PreflightFinding[] = [];
    for (const ghost of ghosts) {
      if (ghost.size === undefined) ctx.skip('ghost-files', `${ghost.evidence[0].text}: its size was not read, so it was not compared with the ghost limit`);
    }
    const large = ghosts.filter((ghost) => ghost.size !== undefined && ghost.size > limit);
    const small = ghosts.filter((ghost) => ghost.size !== undefined && ghost.size <= limit);
    const nearLimit = ghosts.some((ghost) => ghost.size !== undefined && sizeText(ghost.size, limit) !== formatBytes(ghost.size));
    const limitText = nearLimit ? `${formatBytes(limit)} (${limit.toLocaleString('en-US')} bytes, ${source})` : `${formatBytes(limit)} (${source})`;
    if (large.length > 0) {
      const largest = large.reduce((max, ghost) => (ghost.size! > max.size! ? ghost : max));
      findings.push(
        makeFinding(ctx, 'ghost-files', {
          category: 'ghost-file',
          verdict: 'blocks',
          title: `${plural(large.length, 'deleted file')} larger than the ghost limit`,
          detail: `CRIU copies deleted files that are still open or mapped into the checkpoint, up to the ghost limit of ${limitText}; the largest here is ${largest.path} at ${sizeText(largest.size!, limit)}. Raise ghost-limit in the CRIU configuration file the runtime reads, as the CRIU configuration section of this report shows, or close the file before the checkpoint.`,
          evidence: large.flatMap((ghost) => ghost.evidence),
          kbCode: 'ghost-file.size-over-limit',
          kbMessage: `Can't dump ghost file ${largest.path} of ${largest.size} size, increase limit`,
        }),
      );
    }
    if (small.length > 0) {
      findings.push(
        makeFinding(ctx, 'ghost-files', {
          category: 'ghost-file',
          verdict: 'fine',
          title: `${plural(small.length, 'deleted file')} within the ghost limit`,
          detail: `CRIU copies these deleted files into the checkpoint; each is within the ghost limit of ${limitText}.`,
          evidence: small.flatMap((ghost) => ghost.evidence),
        }),
      );
    }
    return findings;
  },
};
