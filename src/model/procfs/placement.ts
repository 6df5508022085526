/**
 * Placement: where the file behind a mapping, fd or process link lives relative to the
 * container's mount namespace. CRIU dumps only files whose mount it finds among the mounts of the
 * dumped namespace, so every placement other than `container` is a gap that fails the dump with
 * `Can't lookup mount=N for fd=F path=P` (criu/files-reg.c in CRIU 4.1.1).
 */
import { findMountByDevice, findMountById, type MountHit, type MountTables } from './mountTables';

/**
 * - `container`: on a mount of the container's mountinfo;
 * - `runtime`: on a mount that only the runtime side's mountinfo (e.g. conmon's) has;
 * - `host`: on a mount that only the host's mountinfo has;
 * - `detached`: on a mount in no mountinfo, e.g. a bind mount opened and then unmounted, or one
 *   made with open_tree(OPEN_TREE_CLONE) and never attached;
 * - `unknown`: not in the container, but the mountinfo files needed to say where were not given;
 * - `none`: needs no mount (anonymous memory, pipes, sockets, kernel-named areas).
 */
export type Where = 'container' | 'runtime' | 'host' | 'detached' | 'unknown' | 'none';

/**
 * Source of a mount id:
 * - `fdinfo`: fdinfo of the fd;
 * - `map_files`: fdinfo of an fd opened on the mapping's map_files entry;
 * - `log`: CRIU's `Can't lookup mount=N` message;
 * - `link`: given with the exe or cwd link in the snapshot;
 * - `device`, `path`: no id was known, so the mount was chosen by device and path prefix (mappings)
 *   or by path prefix alone (fds). Both are guesses and set `Placement.fallback`.
 */
export type MountIdSource = 'fdinfo' | 'map_files' | 'log' | 'device' | 'path' | 'link';

export interface Placement {
  where: Where;
  mntId: number | null;
  mntIdSource: MountIdSource | null;
  /** True when no real mount id was known and the mount was guessed from device or path. */
  fallback: boolean;
  /** The mount found, with its mount point in the table it was found in. */
  mount: { table: string; mountPoint: string; root: string; fsType: string; source: string } | null;
  /** Reason for this placement, in one or two sentences. */
  reason: string;
}

export const NO_MOUNT_NEEDED: Placement = { where: 'none', mntId: null, mntIdSource: null, fallback: false, mount: null, reason: 'needs no mount' };

function describeHit(hit: MountHit): Placement['mount'] {
  return { table: hit.table, mountPoint: hit.mount.mountPoint, root: hit.mount.root, fsType: hit.mount.fsType, source: hit.mount.source };
}

function missingTables(tables: MountTables): string {
  const missing = [tables.runtime ? null : 'the runtime side (--runtime-mountinfo, e.g. /proc/<conmon PID>/mountinfo)', tables.host ? null : 'the host (--host-mountinfo, /proc/1/mountinfo)'].filter(
    (text): text is string => text !== null,
  );
  return missing.join(' and ');
}

/**
 * Places a real mount id that may be in no table. A regular file whose path reads `/` is the root
 * of its own mount, and a mount with no mount point is detached: d_path() stops at the root of
 * the detached mount, so the path has nothing left but `/`.
 */
export function placeMountId(tables: MountTables, mntId: number, source: MountIdSource, path: string | null, isRegularFile: boolean): Placement {
  const hit = findMountById(tables, mntId);
  if (hit) {
    const reason =
      hit.table === 'container' ? `mount ${mntId} is in the container's mountinfo` : `mount ${mntId} is in the ${hit.table === 'runtime' ? "runtime side's" : "host's"} mountinfo but not in the container's`;
    return { where: hit.table, mntId, mntIdSource: source, fallback: false, mount: describeHit(hit), reason };
  }
  if (isRegularFile && path === '/') {
    return {
      where: 'detached',
      mntId,
      mntIdSource: source,
      fallback: false,
      mount: null,
      reason: `mount ${mntId} is in no mountinfo given, and the file's path is "/": the file is the root of a mount that has no mount point, i.e. a detached mount`,
    };
  }
  if (tables.runtime && tables.host) {
    return { where: 'detached', mntId, mntIdSource: source, fallback: false, mount: null, reason: `mount ${mntId} is in none of the container's, the runtime side's and the host's mountinfo` };
  }
  return {
    where: 'unknown',
    mntId,
    mntIdSource: source,
    fallback: false,
    mount: null,
    reason: `mount ${mntId} is not in the container's mountinfo; to tell where it is, also give the mountinfo of ${missingTables(tables)}`,
  };
}

/** Places a regular file whose path is `/` when no mount id is known: see placeMountId. */
export function placeDetachedRoot(): Placement {
  return {
    where: 'detached',
    mntId: null,
    mntIdSource: null,
    fallback: true,
    mount: null,
    reason: 'no mount id is known, but a regular file whose path is "/" is the root of a mount without a mount point, i.e. a detached mount',
  };
}

/** Places a file by device and path when no mount id is known; the result is marked as a fallback. */
export function placeByDevice(tables: MountTables, major: number, minor: number, path: string): Placement {
  if (path === '/') return placeDetachedRoot();
  const hit = findMountByDevice(tables, major, minor, path);
  if (hit) {
    return {
      where: hit.table,
      mntId: hit.mount.mountId,
      mntIdSource: 'device',
      fallback: true,
      mount: describeHit(hit),
      reason: `no mount id is known; device ${major}:${minor} and the path match mount ${hit.mount.mountId} (${hit.mount.mountPoint}) of the ${hit.table}'s mountinfo`,
    };
  }
  const where = tables.runtime && tables.host ? 'detached' : 'unknown';
  return {
    where,
    mntId: null,
    mntIdSource: null,
    fallback: true,
    mount: null,
    reason:
      where === 'detached'
        ? `no mount id is known, and no mount of device ${major}:${minor} has a mount point above the path in any mountinfo given`
        : `no mount id is known, and no mount of device ${major}:${minor} in the mountinfo given has a mount point above the path; also give the mountinfo of ${missingTables(tables)}`,
  };
}
