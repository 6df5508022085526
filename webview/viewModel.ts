/**
 * View model of the "Mounts and Mappings" panel: plain rows built from a snapshot and its gap
 * report, plus the filter and virtual-scroll arithmetic the webview runs on them. No DOM and no
 * `vscode` import, so the unit tests run it in plain Node.
 */
import type { GapReport } from '../src/model/procfs/analyzeGaps';
import type { MappingKind } from '../src/model/procfs/maps';
import { parseMountinfo, type Propagation } from '../src/model/procfs/mountinfo';
import type { Snapshot } from '../src/model/procfs/snapshot';

/** Colour class of a mapping in the table and the address-space strip. */
export type MappingClass = 'gap' | 'file' | 'anonymous' | 'heap' | 'stack' | 'kernel' | 'shared' | 'other';

export const MAPPING_CLASSES: readonly MappingClass[] = ['gap', 'file', 'anonymous', 'heap', 'stack', 'kernel', 'shared', 'other'];

export interface MappingRow {
  start: string;
  end: string;
  perms: string;
  offset: string;
  device: string;
  inode: string;
  /** Path as maps prints it, ` (deleted)` included; attacker-controlled text. */
  path: string;
  mntId: number | null;
  mappingClass: MappingClass;
  /** Index into `GapView.gaps` of the gap this mapping belongs to, or null. */
  gapIndex: number | null;
}

/** Table a mount row comes from; `outside` contains mounts that a gap names but no mountinfo lists. */
export type MountTableName = 'container' | 'runtime' | 'host' | 'outside';

export interface MountRow {
  /** `table:mountId`, unique within the view. */
  key: string;
  table: MountTableName;
  mountId: number;
  parentId: number | null;
  parentKey: string | null;
  depth: number;
  hasChildren: boolean;
  mountPoint: string;
  root: string;
  fsType: string;
  source: string;
  /** Badges such as `shared:1`, `master:3`, `unbindable` or `private`. */
  propagation: string[];
  gapIndexes: number[];
}

export interface GapItem {
  kind: 'mapping' | 'fd' | 'exe' | 'cwd';
  /** One line naming the file, its mount and where that mount is. */
  title: string;
  path: string | null;
  mntId: number | null;
  where: string;
  ownerText: string;
  reason: string;
  advice: { action: string; status: string }[];
  verdict: string | null;
  logLine: number | null;
  logMessage: string | null;
  /** Indexes into `GapView.mappings` of this gap's mappings, in address order. */
  mappingRows: number[];
  /** Key of the gap's mount row, or null when no mount id is known. */
  mountKey: string | null;
}

export interface GapViewHeader {
  /** Snapshot file name or other label of the input. */
  source: string;
  container: string | null;
  host: string | null;
  pid: number | null;
  /** Runtime read from the cmdline, e.g. `crun (wasmedge handler)`. */
  runtime: string | null;
  /** Verdict of the CRIU log, e.g. `Dump failed: …`, or null without a log. */
  logVerdict: string | null;
  description: string | null;
}

export interface GapView {
  header: GapViewHeader;
  gaps: GapItem[];
  mounts: MountRow[];
  mappings: MappingRow[];
  idGaps: { from: number; to: number; note: string }[];
  notes: string[];
  /** Unparsed input lines, one sentence each. */
  issues: string[];
}

/** Facts about the input that the report does not contain. */
export interface ViewMeta {
  source: string;
  container?: string;
  host?: string;
  /** Runtime to show when the cmdline names no crun handler, e.g. `crun` from podman inspect. */
  runtime?: string;
  logVerdict?: string;
}

const KIND_CLASS: Record<MappingKind, MappingClass> = {
  file: 'file',
  anonymous: 'anonymous',
  'anon-named': 'anonymous',
  heap: 'heap',
  stack: 'stack',
  vdso: 'kernel',
  vvar: 'kernel',
  vsyscall: 'kernel',
  memfd: 'shared',
  shmem: 'shared',
  special: 'other',
};

const WHERE_TEXT: Record<string, string> = {
  runtime: "only in the runtime side's mountinfo",
  host: "only in the host's mountinfo",
  detached: 'detached: in no mountinfo',
  unknown: "not in the container's mountinfo",
};

const RUNTIME_HANDLER = /^\[libcrun:([^\]\s]+)\]/;

/** Returns the propagation badges of one mountinfo entry; `private` when it has none. */
export function propagationBadges(propagation: Propagation): string[] {
  const badges: string[] = [];
  if (propagation.shared !== undefined) badges.push(`shared:${propagation.shared}`);
  if (propagation.master !== undefined) badges.push(`master:${propagation.master}`);
  if (propagation.propagateFrom !== undefined) badges.push(`propagate_from:${propagation.propagateFrom}`);
  if (propagation.unbindable) badges.push('unbindable');
  return badges.length === 0 ? ['private'] : badges;
}

function runtimeOf(cmdline: string | undefined): string | null {
  if (cmdline === undefined) return null;
  const handler = RUNTIME_HANDLER.exec(cmdline)?.[1];
  return handler === undefined ? null : `crun (${handler} handler)`;
}

function gapTitle(gap: GapReport['gaps'][number]): string {
  const subject = gap.kind === 'mapping' ? 'Mapping' : gap.kind === 'fd' ? `fd ${gap.fd ?? '?'}` : gap.kind;
  const mount = gap.mntId === null ? 'an unknown mount' : `mount ${gap.mntId}`;
  return `${subject} of ${gap.path ?? '(unknown path)'} on ${mount}, ${WHERE_TEXT[gap.where] ?? gap.where}`;
}

/** Propagation badges by `table:mountId`, read again from the raw mountinfo because the report keeps none. */
function propagationByKey(snapshot: Snapshot): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  const texts: [MountTableName, string | undefined][] = [
    ['container', snapshot.mountinfo],
    ['runtime', snapshot.runtimeMountinfo],
    ['host', snapshot.hostMountinfo],
  ];
  for (const [table, text] of texts) {
    if (text === undefined) continue;
    for (const mount of parseMountinfo(text).mounts) byKey.set(`${table}:${mount.mountId}`, propagationBadges(mount.propagation));
  }
  return byKey;
}

/**
 * Orders the mounts of each table as a depth-first walk of their parent links, so that a row's
 * children follow it. A mount whose parent is not in its table is a root; a parent cycle is
 * broken at the first mount seen twice, which then becomes a root.
 */
function orderMounts(report: GapReport, snapshot: Snapshot): MountRow[] {
  const propagation = propagationByKey(snapshot);
  const rows: MountRow[] = [];
  for (const table of ['container', 'runtime', 'host'] as const) {
    const mounts = report.mounts.filter((mount) => mount.table === table);
    const ids = new Set(mounts.map((mount) => mount.mountId));
    const children = new Map<number, typeof mounts>();
    const roots: typeof mounts = [];
    for (const mount of mounts) {
      if (mount.parentId !== mount.mountId && ids.has(mount.parentId)) {
        const list = children.get(mount.parentId) ?? [];
        list.push(mount);
        children.set(mount.parentId, list);
      } else {
        roots.push(mount);
      }
    }

    const visited = new Set<number>();
    const visit = (mount: (typeof mounts)[number], depth: number, parentKey: string | null): void => {
      if (visited.has(mount.mountId)) return;
      visited.add(mount.mountId);
      const key = `${table}:${mount.mountId}`;
      const childMounts = children.get(mount.mountId) ?? [];
      rows.push({
        key,
        table,
        mountId: mount.mountId,
        parentId: mount.parentId,
        parentKey,
        depth,
        hasChildren: childMounts.length > 0,
        mountPoint: mount.mountPoint,
        root: mount.root,
        fsType: mount.fsType,
        source: mount.source,
        propagation: propagation.get(key) ?? [],
        gapIndexes: [],
      });
      for (const child of childMounts) visit(child, depth + 1, key);
    };
    for (const root of roots) visit(root, 0, null);
    // Mounts in a parent cycle are reached from no root.
    for (const mount of mounts) visit(mount, 0, null);
  }
  return rows;
}

function mappingClassOf(mapping: GapReport['mappings'][number]): MappingClass {
  const where = mapping.placement.where;
  if (where !== 'container' && where !== 'none') return 'gap';
  return KIND_CLASS[mapping.kind];
}

/** Builds the panel's rows from a snapshot and the report `analyzeGaps` made of it. */
export function buildGapView(snapshot: Snapshot, report: GapReport, meta: ViewMeta): GapView {
  const mounts = orderMounts(report, snapshot);
  const mountByKey = new Map(mounts.map((row) => [row.key, row]));

  const rangeIndex = new Map<string, number>();
  const mappings: MappingRow[] = report.mappings.map((mapping, index) => {
    rangeIndex.set(`${mapping.start}-${mapping.end}`, index);
    return {
      start: mapping.start,
      end: mapping.end,
      perms: mapping.perms,
      offset: mapping.offset,
      device: mapping.device,
      inode: mapping.inode,
      path: mapping.deleted ? `${mapping.path} (deleted)` : mapping.path,
      mntId: mapping.placement.mntId,
      mappingClass: mappingClassOf(mapping),
      gapIndex: null,
    };
  });

  const gaps: GapItem[] = report.gaps.map((gap, gapIndex) => {
    const mappingRows: number[] = [];
    for (const range of gap.kind === 'mapping' ? (gap.ranges ?? []) : []) {
      const row = rangeIndex.get(range);
      if (row === undefined) continue;
      mappingRows.push(row);
      mappings[row].gapIndex = gapIndex;
    }

    let mountKey: string | null = null;
    if (gap.mntId !== null) {
      const table: MountTableName = gap.where === 'runtime' || gap.where === 'host' ? gap.where : 'outside';
      mountKey = `${table}:${gap.mntId}`;
      if (!mountByKey.has(mountKey)) {
        // A detached mount or one of an unread table has no mountinfo line, so it gets a row of its own.
        const row: MountRow = {
          key: mountKey,
          table: 'outside',
          mountId: gap.mntId,
          parentId: null,
          parentKey: null,
          depth: 0,
          hasChildren: false,
          mountPoint: gap.where === 'detached' ? '(no mount point: detached)' : "(not in the mountinfo given)",
          root: gap.path ?? '',
          fsType: '',
          source: '',
          propagation: [],
          gapIndexes: [],
        };
        mounts.push(row);
        mountByKey.set(mountKey, row);
      }
      mountByKey.get(mountKey)!.gapIndexes.push(gapIndex);
    }

    return {
      kind: gap.kind,
      title: gapTitle(gap),
      path: gap.path,
      mntId: gap.mntId,
      where: gap.where,
      ownerText: gap.ownerText,
      reason: gap.reason,
      advice: gap.advice.map((advice) => ({ action: advice.action, status: advice.status })),
      verdict: gap.verdict,
      logLine: gap.logLine ?? null,
      logMessage: gap.logMessage ?? null,
      mappingRows,
      mountKey,
    };
  });

  return {
    header: {
      source: meta.source,
      container: meta.container ?? null,
      host: meta.host ?? null,
      pid: report.pid,
      runtime: runtimeOf(snapshot.cmdline) ?? meta.runtime ?? null,
      logVerdict: meta.logVerdict ?? null,
      description: snapshot.description ?? null,
    },
    gaps,
    mounts,
    mappings,
    idGaps: report.idGaps.map((gap) => ({ from: gap.from, to: gap.to, note: gap.note })),
    notes: report.notes,
    issues: report.issues.map((issue) => `${issue.input} line ${issue.line}: ${issue.reason}`),
  };
}

/** Reports whether a row's id, mount point, root, fs type or source contains `needle`, which is lower case. */
function mountMatches(row: MountRow, needle: string): boolean {
  return [String(row.mountId), row.mountPoint, row.root, row.fsType, row.source].join('\n').toLowerCase().includes(needle);
}

/**
 * Returns the keys of the mount rows to show for a filter text: rows whose id, mount point, root,
 * fs type or source contain it (case-insensitive), and every ancestor of those, so that a match
 * keeps its place in the tree. An empty filter shows every row.
 */
export function filterMounts(rows: readonly MountRow[], filter: string): Set<string> {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return new Set(rows.map((row) => row.key));

  const byKey = new Map(rows.map((row) => [row.key, row]));
  const shown = new Set<string>();
  for (const row of rows) {
    if (!mountMatches(row, needle)) continue;
    for (let key: string | null = row.key; key !== null && !shown.has(key); key = byKey.get(key)?.parentKey ?? null) shown.add(key);
  }
  return shown;
}

/**
 * Mapping rows as the host posts them: one line per row, fields separated by tabs, the class as
 * one digit (its index in MAPPING_CLASSES) first and the path last. Cloning one string is much
 * cheaper than cloning 100,000 objects, both in postMessage and in VS Code's webview transport.
 * A path may contain tabs, which is why it comes last. It contains no newline, because the maps
 * parser splits the file into lines.
 */
export interface PackedMappings {
  count: number;
  lines: string;
}

/** The view as the host posts it to the webview. */
export type WireGapView = Omit<GapView, 'mappings'> & { mappings: PackedMappings };

/** The view as the webview uses it: mapping rows are parsed from the packed text when drawn. */
export type ClientGapView = Omit<GapView, 'mappings'> & { mappings: MappingList };

/** Number of fields before the path in a packed line. */
const PACKED_FIELDS_BEFORE_PATH = 9;

/** Packs the mapping rows of a view for postMessage; see PackedMappings. */
export function packGapView(view: GapView): WireGapView {
  const lines = view.mappings.map((row) =>
    [MAPPING_CLASSES.indexOf(row.mappingClass), row.gapIndex ?? '', row.start, row.end, row.perms, row.offset, row.device, row.inode, row.mntId ?? '', row.path].join('\t'),
  );
  return { ...view, mappings: { count: lines.length, lines: lines.join('\n') } };
}

/** Mapping rows read from a PackedMappings text by index. */
export class MappingList {
  readonly length: number;
  /** Offset of each line in the text, plus one past the end of the text. */
  private readonly starts: Uint32Array;

  constructor(private readonly packed: PackedMappings) {
    this.length = packed.count;
    this.starts = new Uint32Array(packed.count + 1);
    let offset = 0;
    for (let index = 0; index < packed.count; index++) {
      this.starts[index] = offset;
      const end = packed.lines.indexOf('\n', offset);
      offset = end < 0 ? packed.lines.length + 1 : end + 1;
    }
    this.starts[packed.count] = packed.lines.length + 1;
  }

  /** Returns the class of row `index` without parsing the rest of the line. */
  mappingClass(index: number): MappingClass {
    return MAPPING_CLASSES[this.packed.lines.charCodeAt(this.starts[index]) - 48];
  }

  row(index: number): MappingRow {
    const line = this.packed.lines.slice(this.starts[index], this.starts[index + 1] - 1);
    const fields: string[] = [];
    let offset = 0;
    for (let field = 0; field < PACKED_FIELDS_BEFORE_PATH; field++) {
      const end = line.indexOf('\t', offset);
      fields.push(line.slice(offset, end));
      offset = end + 1;
    }
    const [classIndex, gapIndex, start, end, perms, mappingOffset, device, inode, mntId] = fields;
    return {
      start,
      end,
      perms,
      offset: mappingOffset,
      device,
      inode,
      path: line.slice(offset),
      mntId: mntId === '' ? null : Number(mntId),
      mappingClass: MAPPING_CLASSES[Number(classIndex)],
      gapIndex: gapIndex === '' ? null : Number(gapIndex),
    };
  }
}

/** Returns the view with its packed mapping rows wrapped for reading by index. */
export function unpackGapView(view: WireGapView): ClientGapView {
  return { ...view, mappings: new MappingList(view.mappings) };
}

/** Tables of the mount tree, in the order the tree lists them. */
export const MOUNT_TABLES: readonly MountTableName[] = ['container', 'runtime', 'host', 'outside'];

/** Returns the key of the tree node that groups the roots of one table, e.g. `group:container`. */
export function groupKey(table: MountTableName): string {
  return `group:${table}`;
}

/**
 * Returns the child rows of every tree node, in row order: the roots of each table under its
 * group key, and every other row under its parent's key. The webview renders a node's children
 * from this map only when the node is opened.
 */
export function mountChildren(rows: readonly MountRow[]): Map<string, MountRow[]> {
  const children = new Map<string, MountRow[]>();
  for (const row of rows) {
    const parent = row.parentKey ?? groupKey(row.table);
    const list = children.get(parent);
    if (list) list.push(row);
    else children.set(parent, [row]);
  }
  return children;
}

/** Returns the keys from the row's group down to the row itself, e.g. `group:container`, `container:1`, `container:7`. */
export function mountPath(rows: ReadonlyMap<string, MountRow>, key: string): string[] {
  const path: string[] = [];
  let row = rows.get(key);
  if (!row) return path;
  const seen = new Set<string>();
  for (; row && !seen.has(row.key); row = row.parentKey === null ? undefined : rows.get(row.parentKey)) {
    seen.add(row.key);
    path.push(row.key);
  }
  path.push(groupKey(rows.get(key)!.table));
  return path.reverse();
}

/** Rows that a filter text shows, and the nodes to open so that its first matches are in view. */
export interface MountFilterResult {
  /** Keys of the matching rows and their ancestors; null when the filter is empty. */
  shown: Set<string> | null;
  /** Keys of the nodes (groups included) to open: the ancestors of the first `maxOpened` matches. */
  opened: Set<string>;
  matchCount: number;
}

/**
 * Filters the mount rows as filterMounts does and picks the nodes to open. Only the paths to the
 * first `maxOpened` matches are opened, because opening the path to every match of a short text
 * such as `tmpfs` would put thousands of rows into the DOM; the other matches stay reachable by
 * opening their ancestors.
 */
export function filterMountTree(rows: readonly MountRow[], filter: string, maxOpened: number): MountFilterResult {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return { shown: null, opened: new Set(), matchCount: rows.length };

  const byKey = new Map(rows.map((row) => [row.key, row]));
  const shown = new Set<string>();
  const opened = new Set<string>();
  let matchCount = 0;
  for (const row of rows) {
    if (!mountMatches(row, needle)) continue;
    matchCount++;
    for (let key: string | null = row.key; key !== null && !shown.has(key); key = byKey.get(key)?.parentKey ?? null) shown.add(key);
    if (matchCount > maxOpened) continue;
    const path = mountPath(byKey, row.key);
    // Every node above the match opens; the match itself stays as it is.
    for (const key of path.slice(0, -1)) opened.add(key);
  }
  return { shown, opened, matchCount };
}

/** Rows of a virtual list to put in the DOM, and where to put them. */
export interface VirtualWindow {
  /** First row to render. */
  first: number;
  /** One past the last row to render. */
  end: number;
  /** Pixel offset of row `first` from the top of the scrolled content. */
  offsetTop: number;
  /** Pixel height of the whole list, which sizes the scrollbar. */
  totalHeight: number;
}

/**
 * Computes which rows of a list of `rowCount` rows, each `rowHeight` pixels high, are visible in a
 * viewport `viewportHeight` pixels high scrolled down by `scrollTop` pixels. Row i spans
 * [i·rowHeight, (i+1)·rowHeight), so the first visible row is floor(scrollTop / rowHeight) and the
 * viewport holds ceil(viewportHeight / rowHeight) + 1 rows (one more for a partly shown row at the
 * bottom). `overscan` extra rows on each side keep fast scrolling from showing blank space. Only
 * rows in [first, end) go into the DOM, translated down by `offsetTop`, inside a spacer of
 * `totalHeight`.
 */
export function virtualWindow(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number, overscan: number): VirtualWindow {
  const totalHeight = rowCount * rowHeight;
  if (rowCount === 0 || rowHeight <= 0) return { first: 0, end: 0, offsetTop: 0, totalHeight: Math.max(0, totalHeight) };

  const maxScroll = Math.max(0, totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxScroll);
  const firstVisible = Math.floor(top / rowHeight);
  const visibleCount = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const first = Math.max(0, firstVisible - overscan);
  const end = Math.min(rowCount, firstVisible + visibleCount + overscan);
  return { first, end, offsetTop: first * rowHeight, totalHeight };
}

/**
 * Returns the scrollTop that brings row `index` fully into view with the least movement, or the
 * current scrollTop when it is already visible.
 */
export function scrollTopFor(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const rowTop = index * rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowTop + rowHeight > scrollTop + viewportHeight) return rowTop + rowHeight - viewportHeight;
  return scrollTop;
}
