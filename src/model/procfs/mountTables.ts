/**
 * The mountinfo files of one analysis, and the two ways to find the mount a file lives on: by a
 * real mount id (from fdinfo, map_files or CRIU's log), or by device number and path prefix when no
 * id is known.
 */
import { buildMountTree, type MountEntry, type MountTree, type ParseIssue, parseMountinfo } from './mountinfo';

/** Name of the mountinfo a mount was found in: the container process's, the runtime side's or the host's. */
export type TableName = 'container' | 'runtime' | 'host';

export interface MountTable {
  name: TableName;
  mounts: MountEntry[];
  tree: MountTree;
  issues: ParseIssue[];
}

export interface MountTables {
  container: MountTable;
  runtime?: MountTable;
  host?: MountTable;
}

/** A mount found for a file, and in which table. */
export interface MountHit {
  table: TableName;
  mount: MountEntry;
}

export function readMountTable(name: TableName, text: string): MountTable {
  const parsed = parseMountinfo(text);
  return { name, mounts: parsed.mounts, tree: buildMountTree(parsed.mounts), issues: parsed.issues };
}

/** Tables in lookup order: the container first, because a file found there is no gap. */
export function tablesInOrder(tables: MountTables): MountTable[] {
  return [tables.container, tables.runtime, tables.host].filter((table): table is MountTable => table !== undefined);
}

export function findMountById(tables: MountTables, mountId: number): MountHit | null {
  for (const table of tablesInOrder(tables)) {
    const mount = table.tree.byId.get(mountId);
    if (mount) return { table: table.name, mount };
  }
  return null;
}

/**
 * Finds the mount of a file from its device and path: among mounts of that device, the one whose
 * mount point is the longest prefix of the path. This is a guess, because the path in maps and in
 * fd links is relative to the root of the process that read them, and one device can be mounted in
 * several places (bind mounts of the same filesystem share its device number).
 */
export function findMountByDevice(tables: MountTables, major: number, minor: number, path: string): MountHit | null {
  for (const table of tablesInOrder(tables)) {
    const mountPoints = indexesOf(table).byDevice.get(`${major}:${minor}`);
    const best = mountPoints === undefined ? null : deepestMountAbove(mountPoints, path);
    if (best) return { table: table.name, mount: best };
  }
  return null;
}

/** Finds the container mount a path lies under (no device known, so only for fd paths). */
export function findContainerMountByPath(tables: MountTables, path: string): MountHit | null {
  const best = deepestMountAbove(indexesOf(tables.container).byMountPoint, path);
  return best ? { table: 'container', mount: best } : null;
}

/** Mounts of one table keyed by mount point, of all devices and per `major:minor`. Each key keeps the first mount in the table. */
interface MountPointIndexes {
  byMountPoint: Map<string, MountEntry>;
  byDevice: Map<string, Map<string, MountEntry>>;
}

/**
 * Indexes built once per table: a snapshot with 10,000 mounts and 100,000 mappings would otherwise
 * scan every mount for every mapping.
 */
const tableIndexes = new WeakMap<MountTable, MountPointIndexes>();

function indexesOf(table: MountTable): MountPointIndexes {
  let indexes = tableIndexes.get(table);
  if (indexes) return indexes;

  indexes = { byMountPoint: new Map(), byDevice: new Map() };
  for (const mount of table.mounts) {
    const key = `${mount.major}:${mount.minor}`;
    let mountPoints = indexes.byDevice.get(key);
    if (!mountPoints) {
      mountPoints = new Map();
      indexes.byDevice.set(key, mountPoints);
    }
    // Of several mounts on one mount point, the first in the table wins, as in a scan in order.
    if (!mountPoints.has(mount.mountPoint)) mountPoints.set(mount.mountPoint, mount);
    if (!indexes.byMountPoint.has(mount.mountPoint)) indexes.byMountPoint.set(mount.mountPoint, mount);
  }
  tableIndexes.set(table, indexes);
  return indexes;
}

/**
 * Returns the mount whose mount point is the longest one above `path`: the path itself, the path
 * cut before one of its slashes, or `/`. A mount point other than `/` is above a path when the path
 * equals it or continues it with `/`. The lookups try those prefixes from the longest, so the cost
 * grows with the number of slashes in the path, not with the number of mounts.
 */
function deepestMountAbove(mountPoints: Map<string, MountEntry>, path: string): MountEntry | null {
  if (!path.startsWith('/')) return null;
  const exact = mountPoints.get(path);
  if (exact) return exact;
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
    const mount = mountPoints.get(path.slice(0, slash));
    if (mount) return mount;
  }
  return mountPoints.get('/') ?? null;
}
