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

function isUnder(path: string, mountPoint: string): boolean {
  if (mountPoint === '/') return path.startsWith('/');
  return path === mountPoint || path.startsWith(`${mountPoint}/`);
}

/**
 * Finds the mount of a file from its device and path: among mounts of that device, the one whose
 * mount point is the longest prefix of the path. This is a guess, because the path in maps and in
 * fd links is relative to the root of the process that read them, and one device can be mounted in
 * several places (bind mounts of the same filesystem share its device number).
 */
export function findMountByDevice(tables: MountTables, major: number, minor: number, path: string): MountHit | null {
  for (const table of tablesInOrder(tables)) {
    let best: MountEntry | null = null;
    for (const mount of mountsByDevice(table).get(`${major}:${minor}`) ?? []) {
      if (!isUnder(path, mount.mountPoint)) continue;
      if (best === null || mount.mountPoint.length > best.mountPoint.length) best = mount;
    }
    if (best) return { table: table.name, mount: best };
  }
  return null;
}

/**
 * Mounts of a table grouped by `major:minor`, built once per table: a snapshot with 10,000 mounts
 * and 100,000 mappings would otherwise scan every mount for every mapping.
 */
const deviceIndexes = new WeakMap<MountTable, Map<string, MountEntry[]>>();

function mountsByDevice(table: MountTable): Map<string, MountEntry[]> {
  let index = deviceIndexes.get(table);
  if (!index) {
    index = new Map();
    for (const mount of table.mounts) {
      const key = `${mount.major}:${mount.minor}`;
      const list = index.get(key);
      if (list) list.push(mount);
      else index.set(key, [mount]);
    }
    deviceIndexes.set(table, index);
  }
  return index;
}

/** Finds the container mount a path lies under (no device known, so only for fd paths). */
export function findContainerMountByPath(tables: MountTables, path: string): MountHit | null {
  let best: MountEntry | null = null;
  for (const mount of tables.container.mounts) {
    if (!isUnder(path, mount.mountPoint)) continue;
    if (best === null || mount.mountPoint.length > best.mountPoint.length) best = mount;
  }
  return best ? { table: 'container', mount: best } : null;
}
