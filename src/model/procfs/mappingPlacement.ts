/**
 * Placement of file-backed mappings. All mappings of one file get the same placement, and 100,000
 * maps lines name a few thousand files at most, so each file is placed once and its Placement
 * object is shared by its mappings.
 */
import { canonicalHex, type MapsEntry } from './maps';
import type { MountTables } from './mountTables';
import { NO_MOUNT_NEEDED, type Placement, placeByDevice, placeMountId } from './placement';

/** Key of an address range that ignores leading zeros: `0055f3-0056a0` and `55f3-56a0` match. */
export function rangeKey(range: string): string {
  const [start, end] = range.split('-');
  return `${canonicalHex(start)}-${canonicalHex(end ?? '0')}`;
}

export class MappingPlacer {
  /** map_files mount ids by rangeKey, indexed once so that placing 100,000 mappings stays linear. */
  private readonly mountIdsByRange = new Map<string, number>();
  /** Placements by mount id, then path. */
  private readonly byMountId = new Map<number, Map<string, Placement>>();
  /** Placements by device as maps prints it (`fe:00`), then path. */
  private readonly byDevice = new Map<string, Map<string, Placement>>();
  /** The last mapping placed by device, because the mappings of one file are neighbours in maps. */
  private last: { device: string; path: string; placement: Placement } | null = null;

  constructor(
    private readonly tables: MountTables,
    mapFileIds: Map<string, number>,
  ) {
    for (const [range, mntId] of mapFileIds) this.mountIdsByRange.set(rangeKey(range), mntId);
  }

  /** Places a mapping by its map_files mount id when one is known, else by device and path. */
  place(entry: Omit<MapsEntry, 'line'>): Placement {
    if (entry.kind !== 'file') return NO_MOUNT_NEEDED;
    const mntId = this.mountIdsByRange.size === 0 ? undefined : this.mountIdsByRange.get(rangeKey(`${entry.start}-${entry.end}`));
    if (mntId !== undefined) {
      const byPath = cacheFor(this.byMountId, mntId);
      let placement = byPath.get(entry.path);
      if (!placement) {
        placement = placeMountId(this.tables, mntId, 'map_files', entry.path, true);
        byPath.set(entry.path, placement);
      }
      return placement;
    }

    if (this.last !== null && this.last.path === entry.path && this.last.device === entry.device) return this.last.placement;
    const byPath = cacheFor(this.byDevice, entry.device);
    let placement = byPath.get(entry.path);
    if (!placement) {
      placement = placeByDevice(this.tables, entry.major, entry.minor, entry.path);
      byPath.set(entry.path, placement);
    }
    this.last = { device: entry.device, path: entry.path, placement };
    return placement;
  }
}

function cacheFor<K>(caches: Map<K, Map<string, Placement>>, key: K): Map<string, Placement> {
  let cache = caches.get(key);
  if (!cache) {
    cache = new Map();
    caches.set(key, cache);
  }
  return cache;
}
