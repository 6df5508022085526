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

/** One process of the snapshot; its mapping rows are `[mappingStart, mappingStart + mappingCount)`. */
export interface ProcessItem {
  pid: number | null;
  /** cmdline with NUL bytes as spaces, or null when the snapshot has none. */
  command: string | null;
  gapCount: number;
  mappingStart: number;
  mappingCount: number;
  fdCount: number;
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
  /** Index into `GapView.processes` of the process that maps the file or has it open. */
  process: number;
  pid: number | null;
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
  /** Every process read, first process first; mapping rows are grouped by process in this order. */
  processes: ProcessItem[];
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
  return `${subject} of ${gap.path === null ? '(unknown path)' : visibleText(gap.path)} on ${mount}, ${WHERE_TEXT[gap.where] ?? gap.where}`;
}

/** Propagation badges by `table:mountId`, read again from the raw mountinfo because the report keeps none. */
function propagationByKey(snapshots: readonly Snapshot[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const snapshot of snapshots) {
    const texts: [MountTableName, string | undefined][] = [
      ['container', snapshot.mountinfo],
      ['runtime', snapshot.runtimeMountinfo],
      ['host', snapshot.hostMountinfo],
    ];
    for (const [table, text] of texts) {
      if (text === undefined) continue;
      for (const mount of parseMountinfo(text).mounts) {
        const key = `${table}:${mount.mountId}`;
        if (!byKey.has(key)) byKey.set(key, propagationBadges(mount.propagation));
      }
    }
  }
  return byKey;
}

/**
 * Orders the mounts of each table as a depth-first walk of their parent links, so that a row's
 * children follow it. A mount whose parent is not in its table is a root; a parent cycle is
 * broken at the first mount seen twice, which then becomes a root. The mounts of all reports are
 * merged by table and mount id: the kernel gives each mount an id unique across namespaces, so
 * processes that share a mount namespace add nothing and one in another namespace adds its mounts.
 */
function orderMounts(reports: readonly GapReport[], snapshots: readonly Snapshot[]): MountRow[] {
  const propagation = propagationByKey(snapshots);
  const rows: MountRow[] = [];
  for (const table of ['container', 'runtime', 'host'] as const) {
    const mounts: GapReport['mounts'] = [];
    const ids = new Set<number>();
    for (const report of reports) {
      for (const mount of report.mounts) {
        if (mount.table !== table || ids.has(mount.mountId)) continue;
        ids.add(mount.mountId);
        mounts.push(mount);
      }
    }
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

/** One analysed process: its single-process snapshot and the report `analyzeGaps` made of it. */
export interface ProcessAnalysis {
  snapshot: Snapshot;
  report: GapReport;
}

/** Builds the panel's rows from a single-process snapshot and the report `analyzeGaps` made of it. */
export function buildGapView(snapshot: Snapshot, report: GapReport, meta: ViewMeta): GapView {
  return buildProcessesView([{ snapshot, report }], meta);
}

/** Adds `text` to `list` unless it is there already; processes that share a namespace repeat the same notes. */
function pushOnce(list: string[], seen: Set<string>, text: string): void {
  if (seen.has(text)) return;
  seen.add(text);
  list.push(text);
}

/**
 * Builds the panel's rows from every process of a snapshot, first process first. Mapping rows
 * are grouped by process; gaps, notes and unparsed lines name their pid when there is more than
 * one process.
 */
export function buildProcessesView(analyses: readonly ProcessAnalysis[], meta: ViewMeta): GapView {
  if (analyses.length === 0) throw new RangeError('buildProcessesView needs at least one process');
  const several = analyses.length > 1;
  const mounts = orderMounts(
    analyses.map((analysis) => analysis.report),
    analyses.map((analysis) => analysis.snapshot),
  );
  const mountByKey = new Map(mounts.map((row) => [row.key, row]));
  const processes: ProcessItem[] = [];
  const mappings: MappingRow[] = [];
  const gaps: GapItem[] = [];
  const idGaps: GapView['idGaps'] = [];
  const notes: string[] = [];
  const issues: string[] = [];
  const seen = new Set<string>();

  analyses.forEach(({ snapshot, report }, processIndex) => {
    const pid = report.pid ?? snapshot.pid ?? null;
    const prefix = several ? `pid ${pid ?? '?'}: ` : '';
    const mappingStart = mappings.length;
    // Ranges repeat across processes (a forked child keeps its parent's layout), so each process has its own index.
    const rangeIndex = new Map<string, number>();
    for (const mapping of report.mappings) {
      rangeIndex.set(`${mapping.start}-${mapping.end}`, mappings.length);
      mappings.push({
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
      });
    }

    for (const gap of report.gaps) {
      const gapIndex = gaps.length;
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
            mountPoint: gap.where === 'detached' ? '(no mount point: detached)' : '(not in the mountinfo given)',
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

      gaps.push({
        kind: gap.kind,
        process: processIndex,
        pid,
        title: gapTitle(gap),
        path: gap.path,
        mntId: gap.mntId,
        where: gap.where,
        ownerText: gap.ownerText,
        reason: panelWording(gap.reason),
        advice: gap.advice.map((advice) => ({ action: panelWording(advice.action), status: advice.status })),
        verdict: gap.verdict,
        logLine: gap.logLine ?? null,
        logMessage: gap.logMessage ?? null,
        mappingRows,
        mountKey,
      });
    }

    for (const gap of report.idGaps) {
      const key = `id ${gap.from} ${gap.to} ${gap.note}`;
      if (seen.has(key)) continue;
      seen.add(key);
      idGaps.push({ from: gap.from, to: gap.to, note: gap.note });
    }
    for (const note of report.notes) pushOnce(notes, seen, panelWording(note.includes(`pid ${pid}`) ? note : `${prefix}${note}`));
    for (const issue of report.issues) pushOnce(issues, seen, `${prefix}${issue.input} line ${issue.line}: ${issue.reason}`);

    processes.push({
      pid,
      command: snapshot.cmdline ?? null,
      gapCount: report.gaps.length,
      mappingStart,
      mappingCount: mappings.length - mappingStart,
      fdCount: report.fds.length,
    });
  });

  const first = analyses[0];
  return {
    header: {
      source: meta.source,
      container: meta.container ?? null,
      host: meta.host ?? null,
      pid: first.report.pid,
      runtime: runtimeOf(first.snapshot.cmdline) ?? meta.runtime ?? null,
      logVerdict: meta.logVerdict ?? null,
      description: first.snapshot.description ?? null,
    },
    processes,
    gaps,
    mounts,
    mappings,
    idGaps,
    notes,
    issues,
  };
}

/** Names of the panel's optional inputs, by the `gaps` option that the model's advice quotes. */
const PANEL_INPUTS: Record<string, string> = {
  'runtime-mountinfo': "Runtime side's mountinfo",
  'host-mountinfo': "Host's mountinfo",
};

/**
 * Rewrites the `gaps` command's options quoted in advice, e.g. `(--runtime-mountinfo
 * /proc/<conmon PID>/mountinfo)`, into the optional input of the panel's files command that takes
 * the same file. Other text is returned unchanged.
 */
export function panelWording(text: string): string {
  return text.replace(/\(--(runtime-mountinfo|host-mountinfo),? ([^)]*)\)/g, (match, option: string, file: string) => {
    const input = PANEL_INPUTS[option];
    return input === undefined ? match : `(${file}, added as "${input}" in Show Mounts and Mappings from Files…)`;
  });
}

/** Returns the index into `processes` of the process that owns mapping row `row`, or -1. */
export function processOfMapping(processes: readonly ProcessItem[], row: number): number {
  let low = 0;
  let high = processes.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const process = processes[middle];
    if (row < process.mappingStart) high = middle - 1;
    else if (row >= process.mappingStart + process.mappingCount) low = middle + 1;
    else return middle;
  }
  return -1;
}

/** Reports whether a row's id, mount point, root, fs type or source contains `needle`, which is lower case. */
function mountMatches(row: MountRow, needle: string): boolean {
  const text = [String(row.mountId), row.mountPoint, row.root, row.fsType, row.source].join('\n');
  // The tree shows control characters escaped, so `\t` typed in the filter finds a tab too.
  const shown = visibleText(text.replace(/\n/g, ' '));
  return text.toLowerCase().includes(needle) || shown.toLowerCase().includes(needle);
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
 * Returns `text` with every character that would not show as itself made visible. Newline, tab
 * and carriage return become `\n`, `\t` and `\r`, other C0 and C1 controls and DEL `\xHH`. The
 * Unicode line separators and bidirectional controls become `\u{HHHH}`, because they break or
 * reorder the text around them. A backslash is doubled so that no escape is ambiguous. The maps
 * and mountinfo parsers decode the kernel's octal escapes, so a path may contain any of these.
 */
export function visibleText(text: string): string {
  if (!INVISIBLE.test(text)) return text;
  return text.replace(INVISIBLE_ALL, (char) => {
    const named = NAMED_ESCAPES[char];
    if (named !== undefined) return named;
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16).toUpperCase()}}`;
  });
}

const NAMED_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' };
const INVISIBLE = /[\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');

/**
 * Mapping rows as the host posts them: one line per row, fields separated by tabs, the class as
 * one digit (its index in MAPPING_CLASSES) first and the path last. Cloning one string is much
 * cheaper than cloning 100,000 objects, both in postMessage and in VS Code's webview transport.
 * Every field goes through escapeField, so a path holding a newline, a tab or a backslash (the
 * maps parser decodes `\012` into a newline) cannot split or shift a row.
 */
export interface PackedMappings {
  count: number;
  lines: string;
}

/** The view as the host posts it to the webview. */
export type WireGapView = Omit<GapView, 'mappings'> & { mappings: PackedMappings };

/** The view as the webview uses it: mapping rows are parsed from the packed text when drawn. */
export type ClientGapView = Omit<GapView, 'mappings'> & { mappings: MappingList };

/** Number of fields in a packed line. */
const PACKED_FIELDS = 10;

const PACK_SPECIAL = /[\\\t\n]/;
const PACK_SPECIAL_ALL = /[\\\t\n]/g;
const PACK_ESCAPE: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n' };
const PACK_UNESCAPE: Record<string, string> = { '\\': '\\', t: '\t', n: '\n' };

/** Escapes backslash, tab and newline in one packed field, so that tab and newline in the packed text are separators only. */
export function escapeField(text: string): string {
  return PACK_SPECIAL.test(text) ? text.replace(PACK_SPECIAL_ALL, (char) => PACK_ESCAPE[char]) : text;
}

/** Reverses escapeField. */
export function unescapeField(text: string): string {
  return text.includes('\\') ? text.replace(/\\([\\tn])/g, (_match, char: string) => PACK_UNESCAPE[char]) : text;
}

/** Packs the mapping rows of a view for postMessage; see PackedMappings. */
export function packGapView(view: GapView): WireGapView {
  const lines = view.mappings.map((row) =>
    [MAPPING_CLASSES.indexOf(row.mappingClass), row.gapIndex ?? '', row.start, row.end, row.perms, row.offset, row.device, row.inode, row.mntId ?? '', row.path]
      .map((field) => escapeField(String(field)))
      .join('\t'),
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
    const fields = line.split('\t', PACKED_FIELDS).map(unescapeField);
    const [classIndex, gapIndex, start, end, perms, mappingOffset, device, inode, mntId, path] = fields;
    return {
      start,
      end,
      perms,
      offset: mappingOffset,
      device,
      inode,
      path,
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
  /** Matching rows of each table, without the ancestors shown around them. */
  matchesByTable: Map<MountTableName, number>;
}

/**
 * Filters the mount rows as filterMounts does and picks the nodes to open. Only the paths to the
 * first `maxOpened` matches are opened, because opening the path to every match of a short text
 * such as `tmpfs` would put thousands of rows into the DOM; the other matches stay reachable by
 * opening their ancestors.
 */
export function filterMountTree(rows: readonly MountRow[], filter: string, maxOpened: number): MountFilterResult {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return { shown: null, opened: new Set(), matchCount: rows.length, matchesByTable: new Map() };

  const byKey = new Map(rows.map((row) => [row.key, row]));
  const shown = new Set<string>();
  const opened = new Set<string>();
  const matchesByTable = new Map<MountTableName, number>();
  let matchCount = 0;
  for (const row of rows) {
    if (!mountMatches(row, needle)) continue;
    matchCount++;
    matchesByTable.set(row.table, (matchesByTable.get(row.table) ?? 0) + 1);
    for (let key: string | null = row.key; key !== null && !shown.has(key); key = byKey.get(key)?.parentKey ?? null) shown.add(key);
    if (matchCount > maxOpened) continue;
    const path = mountPath(byKey, row.key);
    // Every node above the match opens; the match itself stays as it is.
    for (const key of path.slice(0, -1)) opened.add(key);
  }
  return { shown, opened, matchCount, matchesByTable };
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
