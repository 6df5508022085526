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
    const mountPoints = mountPointsOfDevice(table, `${major}:${minor}`);
    const best = mountPoints === undefined ? null : deepestMountAbove(mountPoints, path);
    if (best) return { table: table.name, mount: best };
  }
  return null;
}

/** Finds the container mount a path lies under (no device known, so only for fd paths). */
export function findContainerMountByPath(tables: MountTables, path: string): MountHit | null {
  const indexes = indexesOf(tables.container);
  indexes.all ??= indexByMountPoint(tables.container.mounts);
  const best = deepestMountAbove(indexes.all, path);
  return best ? { table: 'container', mount: best } : null;
}

/**
 * Indexes of one table, built once: a snapshot with 10,000 mounts and 100,000 mappings would
 * otherwise scan every mount for every mapping. The mount-point indexes are built on first use,
 * because a maps file names only a few devices.
 */
interface TableIndexes {
  /** Mounts per `major:minor`, in table order. */
  mountsByDevice: Map<string, MountEntry[]>;
  /** Mount-point index of each device looked up so far. */
  byDevice: Map<string, Map<string, MountEntry>>;
  /** Mount-point index of all mounts, or null before the first lookup by path alone. */
  all: Map<string, MountEntry> | null;
}

const tableIndexes = new WeakMap<MountTable, TableIndexes>();

function indexesOf(table: MountTable): TableIndexes {
  let indexes = tableIndexes.get(table);
  if (indexes) return indexes;

  indexes = { mountsByDevice: new Map(), byDevice: new Map(), all: null };
  for (const mount of table.mounts) {
    const key = `${mount.major}:${mount.minor}`;
    const mounts = indexes.mountsByDevice.get(key);
    if (mounts) mounts.push(mount);
    else indexes.mountsByDevice.set(key, [mount]);
  }
  tableIndexes.set(table, indexes);
  return indexes;
}

/** Returns the mount-point index of one device (`major:minor`), or undefined when no mount has it. */
function mountPointsOfDevice(table: MountTable, device: string): Map<string, MountEntry> | undefined {
  const indexes = indexesOf(table);
  let mountPoints = indexes.byDevice.get(device);
  if (mountPoints) return mountPoints;
  const mounts = indexes.mountsByDevice.get(device);
  if (!mounts) return undefined;
  mountPoints = indexByMountPoint(mounts);
  indexes.byDevice.set(device, mountPoints);
  return mountPoints;
}

/** Indexes mounts by mount point. Of several mounts on one point the first wins, as in a scan in order. */
function indexByMountPoint(mounts: readonly MountEntry[]): Map<string, MountEntry> {
  const index = new Map<string, MountEntry>();
  for (const mount of mounts) {
    if (!index.has(mount.mountPoint)) index.set(mount.mountPoint, mount);
  }
  return index;
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
