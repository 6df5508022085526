/**
 * Mount-id sequence gaps: ranges of mount ids that appear in no mountinfo given, between the
 * runtime side's (or host's) ids and the container's first id, and ids that a process or CRIU
 * refers to but no mountinfo has.
 *
 * The ids that mountinfo prints come from one system-wide IDA (`mnt_id_ida` in Linux's
 * fs/namespace.c), so a range missing between the runtime's last mount and the container's first
 * was taken by mounts made in between: mounts that were unmounted or detached during set-up, or
 * mounts of other namespaces (other containers). Freed ids are handed out again, so a gap is a hint
 * about where a missing mount came from, not proof.
 */
import type { MountTables, TableName } from './mountTables';

export interface IdGap {
  /** First missing id. */
  from: number;
  /** Last missing id (inclusive). */
  to: number;
  /** The nearest known id below the gap and its table, or null when none is below. */
  below: { id: number; table: TableName } | null;
  /** The nearest known id above the gap and its table, or null when none is above. */
  above: { id: number; table: TableName } | null;
  /** Ids in this range that an fd, a mapping or CRIU's log refers to. */
  referencedIds: number[];
  note: string;
}

function knownIds(tables: MountTables): Map<number, TableName> {
  const ids = new Map<number, TableName>();
  for (const table of [tables.host, tables.runtime, tables.container]) {
    if (!table) continue;
    for (const id of table.tree.byId.keys()) ids.set(id, table.name);
  }
  return ids;
}

function neighbours(sorted: number[], owners: Map<number, TableName>, id: number): Pick<IdGap, 'below' | 'above'> {
  let below: IdGap['below'] = null;
  let above: IdGap['above'] = null;
  for (const known of sorted) {
    if (known < id) below = { id: known, table: owners.get(known)! };
    else if (known > id) {
      above = { id: known, table: owners.get(known)! };
      break;
    }
  }
  return { below, above };
}

/**
 * Finds the gap between the outer tables' last id below the container's first id and that first
 * id, and one entry for each referenced id outside every table and outside that gap.
 */
export function findIdGaps(tables: MountTables, referencedIds: Iterable<number>): IdGap[] {
  const owners = knownIds(tables);
  const sorted = [...owners.keys()].sort((a, b) => a - b);
  const containerIds = [...tables.container.tree.byId.keys()];
  const missingReferences = [...new Set(referencedIds)].filter((id) => !owners.has(id)).sort((a, b) => a - b);
  const gaps: IdGap[] = [];

  if (containerIds.length > 0) {
    const first = Math.min(...containerIds);
    let outerBelow: number | null = null;
    for (const table of [tables.runtime, tables.host]) {
      if (!table) continue;
      for (const id of table.tree.byId.keys()) if (id < first && (outerBelow === null || id > outerBelow)) outerBelow = id;
    }
    if (outerBelow !== null && first - outerBelow > 1) {
      const inside = missingReferences.filter((id) => id > outerBelow! && id < first);
      const outerTable = owners.get(outerBelow)!;
      const count = first - outerBelow - 1;
      gaps.push({
        from: outerBelow + 1,
        to: first - 1,
        below: { id: outerBelow, table: outerTable },
        above: { id: first, table: 'container' },
        referencedIds: inside,
        note:
          `The ${outerTable} side's last mount id is ${outerBelow} and the container's first is ${first}: ${count === 1 ? `id ${outerBelow + 1} is` : `ids ${outerBelow + 1}–${first - 1} are`} in no mountinfo given. ` +
          `${count === 1 ? 'It' : 'They'} went to mounts made in between: unmounted or detached during the container's set-up, or in other mount namespaces.` +
          (inside.length > 0 ? ` The process or CRIU refers to ${inside.join(', ')} from this range, so at least that mount still exists outside every namespace given.` : ''),
      });
    }
  }

  for (const id of missingReferences) {
    if (gaps.some((gap) => id >= gap.from && id <= gap.to)) continue;
    const { below, above } = neighbours(sorted, owners, id);
    const nearest = [below ? `below is ${below.id} (${below.table})` : null, above ? `above is ${above.id} (${above.table})` : null].filter(Boolean);
    gaps.push({
      from: id,
      to: id,
      below,
      above,
      referencedIds: [id],
      note: `Mount ${id} is referred to but is in no mountinfo given${nearest.length > 0 ? `; the nearest known id ${nearest.join(', ')}` : ''}.`,
    });
  }
  return gaps;
}
