/**
 * Gap analysis of one container process: places every file-backed mapping, fd and process link
 * (see placement.ts), ties CRIU's mount lookup errors to them, groups what lies outside the
 * container into gaps with owner and advice, and lists mount-id sequence gaps.
 */
import type { Analysis } from '../types';
import { type Advice, adviceFor, type GapOwner, ownerOf } from './advice';
import { parseFdinfo, parseLinkListing } from './fdinfo';
import { findIdGaps, type IdGap } from './idGaps';
import { findMountLookupErrors, MAPPING_FD, type MountLookupError } from './logLink';
import { MappingPlacer, rangeKey } from './mappingPlacement';
import { type MapsEntry, visitMaps } from './maps';
import type { ParseIssue } from './mountinfo';
import { findContainerMountByPath, type MountTable, type MountTables, readMountTable } from './mountTables';
import { NO_MOUNT_NEEDED, type Placement, placeDetachedRoot, placeMountId, type Where } from './placement';
import type { Snapshot } from './snapshot';

export interface MountReport {
  table: string;
  mountId: number;
  parentId: number;
  device: string;
  root: string;
  mountPoint: string;
  fsType: string;
  source: string;
  isBindMount: boolean;
}

export interface MappingReport extends Omit<MapsEntry, 'line'> {
  /** Shared by the mappings of one file, so replace it rather than change its fields. */
  placement: Placement;
}

export type FdTargetKind = 'path' | 'pipe' | 'socket' | 'anon_inode' | 'other' | 'unknown';

export interface FdReport {
  /** The fd number, or null for a single fdinfo file without a header. */
  fd: number | null;
  /** Link target from the fd listing, or null when no listing was given. */
  target: string | null;
  targetKind: FdTargetKind;
  path: string | null;
  deleted: boolean;
  pos: string | null;
  flags: string | null;
  mntId: number | null;
  ino: string | null;
  placement: Placement;
}

export type GapKind = 'mapping' | 'fd' | 'exe' | 'cwd';

export interface Gap {
  kind: GapKind;
  pid: number | null;
  path: string | null;
  mntId: number | null;
  mntIdSource: Placement['mntIdSource'];
  where: Exclude<Where, 'none' | 'container'>;
  /** True when the mount was guessed from device and path because no mount id was known. */
  fallback: boolean;
  deleted: boolean;
  fd?: number | null;
  /** Address ranges `start-end` of the mappings of this file, in address order. */
  ranges?: string[];
  device?: string;
  inode?: string;
  owner: GapOwner;
  ownerText: string;
  reason: string;
  /** Line of CRIU's `Can't lookup mount=…` error about this file, when a log was given. */
  logLine?: number;
  logMessage?: string;
  advice: Advice[];
  /** Set when the gap cannot be closed without changing how the container is run. */
  verdict: string | null;
  /** True when the gap comes from the log alone: the snapshot has no such mapping or fd. */
  fromLogOnly?: boolean;
}

export interface InputIssue extends ParseIssue {
  /** Name of the input the line is from: `mountinfo`, `runtime mountinfo`, `maps`, `fdinfo`, … */
  input: string;
}

export interface GapReport {
  pid: number | null;
  mounts: MountReport[];
  mappings: MappingReport[];
  fds: FdReport[];
  gaps: Gap[];
  idGaps: IdGap[];
  /** Lines of the inputs that could not be parsed. */
  issues: InputIssue[];
  /** Warnings about the inputs as a whole, e.g. a log of another process. */
  notes: string[];
}

export interface GapLog {
  analysis: Analysis;
  /** The log text; with it, VMA ranges and task pids are read from lines the analysis does not keep. */
  text?: string;
}

const RUNTIME_HANDLER = /^\[libcrun:([^\]\s]+)\]/;

function mountReports(table: MountTable): MountReport[] {
  return table.mounts.map((mount) => ({
    table: table.name,
    mountId: mount.mountId,
    parentId: mount.parentId,
    device: `${mount.major}:${mount.minor}`,
    root: mount.root,
    mountPoint: mount.mountPoint,
    fsType: mount.fsType,
    source: mount.source,
    isBindMount: mount.isBindMount,
  }));
}

/** Builds the report of a mapping field by field: object rest and spread are slow for 100,000 of them. */
function mappingReport(entry: MapsEntry, placement: Placement): MappingReport {
  return {
    start: entry.start,
    end: entry.end,
    perms: entry.perms,
    offset: entry.offset,
    device: entry.device,
    major: entry.major,
    minor: entry.minor,
    inode: entry.inode,
    path: entry.path,
    deleted: entry.deleted,
    kind: entry.kind,
    placement,
  };
}

function targetKind(target: string | null): FdTargetKind {
  if (target === null) return 'unknown';
  if (target.startsWith('/')) return 'path';
  if (target.startsWith('pipe:')) return 'pipe';
  if (target.startsWith('socket:')) return 'socket';
  if (target.startsWith('anon_inode:')) return 'anon_inode';
  return 'other';
}

function placeFd(tables: MountTables, kind: FdTargetKind, path: string | null, mntId: number | null): Placement {
  if (kind !== 'path' && kind !== 'unknown') return NO_MOUNT_NEEDED;
  if (mntId !== null) {
    const placement = placeMountId(tables, mntId, 'fdinfo', path, false);
    if (kind === 'unknown' && placement.where !== 'container') {
      placement.reason += '; the fd target is unknown (no fd listing), and if it is a pipe, socket or anon inode it needs no mount';
    }
    return placement;
  }
  if (path === null) return { ...NO_MOUNT_NEEDED, where: 'unknown', reason: 'neither the fd target nor its mount id is known' };
  const hit = findContainerMountByPath(tables, path);
  if (hit) {
    return {
      where: 'container',
      mntId: hit.mount.mountId,
      mntIdSource: 'path',
      fallback: true,
      mount: { table: 'container', mountPoint: hit.mount.mountPoint, root: hit.mount.root, fsType: hit.mount.fsType, source: hit.mount.source },
      reason: `no mount id is known (no fdinfo); the path lies under mount ${hit.mount.mountId} (${hit.mount.mountPoint}), which may not be the file's real mount`,
    };
  }
  return { ...NO_MOUNT_NEEDED, where: 'unknown', fallback: true, reason: 'no mount id is known (no fdinfo), and no container mount point is above the path' };
}

function stripDeleted(target: string): { path: string; deleted: boolean } {
  return target.endsWith(' (deleted)') ? { path: target.slice(0, -' (deleted)'.length), deleted: true } : { path: target, deleted: false };
}

function collectFds(snapshot: Snapshot, tables: MountTables, issues: InputIssue[]): { fds: FdReport[]; mapFileIds: Map<string, number>; pid: number | null } {
  const targets = new Map<number, string>();
  if (snapshot.fds !== undefined) {
    const listing = parseLinkListing(snapshot.fds);
    for (const entry of listing.entries) if (/^\d+$/.test(entry.name)) targets.set(Number(entry.name), entry.target);
    issues.push(...listing.issues.map((issue) => ({ ...issue, input: 'fd listing' })));
  }

  const mapFileIds = new Map<string, number>();
  for (const entry of snapshot.mapFiles ?? []) mapFileIds.set(entry.range, entry.mntId);

  const parsed = snapshot.fdinfo === undefined ? { blocks: [], issues: [] } : parseFdinfo(snapshot.fdinfo);
  const blocks = parsed.blocks;
  issues.push(...parsed.issues.map((issue) => ({ ...issue, input: 'fdinfo' })));
  let pid: number | null = null;
  const infoByFd = new Map<number, (typeof blocks)[number]>();
  let headerless: (typeof blocks)[number] | null = null;
  for (const block of blocks) {
    pid ??= block.pid;
    if (block.mapRange !== null && block.mntId !== null) mapFileIds.set(block.mapRange, block.mntId);
    else if (block.fd !== null) infoByFd.set(block.fd, block);
    else if (block.mapRange === null) headerless = block;
  }

  const fdNumbers = [...new Set([...targets.keys(), ...infoByFd.keys()])].sort((a, b) => a - b);
  const fds: FdReport[] = [];
  const report = (fd: number | null, target: string | null, info: (typeof blocks)[number] | undefined | null): void => {
    const kind = targetKind(target);
    const { path, deleted } = kind === 'path' ? stripDeleted(target!) : { path: null, deleted: false };
    const mntId = info?.mntId ?? null;
    fds.push({ fd, target, targetKind: kind, path, deleted, pos: info?.pos ?? null, flags: info?.flags ?? null, mntId, ino: info?.ino ?? null, placement: placeFd(tables, kind, path, mntId) });
  };
  for (const fd of fdNumbers) report(fd, targets.get(fd) ?? null, infoByFd.get(fd));
  if (headerless !== null) report(null, null, headerless);
  return { fds, mapFileIds, pid };
}

/**
 * Reports whether a log error's path names `path`. CRIU prints paths raw, so a newline in a file
 * name ends the log line, and the error holds only the text before the first newline.
 */
function logPathMatches(errorPath: string, path: string | null): boolean {
  if (path === null) return false;
  return path === errorPath || (path.length > errorPath.length && path.charCodeAt(errorPath.length) === 10 && path.startsWith(errorPath));
}

/** Applies a log error's mount id to the mappings or fd it is about; returns whether any matched. */
function applyLogError(error: MountLookupError, tables: MountTables, mappings: MappingReport[], fds: FdReport[], logLines: Map<object, MountLookupError>): boolean {
  if (error.fd === MAPPING_FD) {
    const exactFiles = mappings.filter((mapping) => mapping.kind === 'file' && mapping.path === error.path);
    const files = exactFiles.length > 0 ? exactFiles : mappings.filter((mapping) => mapping.kind === 'file' && logPathMatches(error.path, mapping.path));
    const exact = error.vmaRange === null ? undefined : files.find((mapping) => rangeKey(`${mapping.start}-${mapping.end}`) === rangeKey(error.vmaRange!));
    const anchor = exact ?? files[0];
    if (!anchor) return false;
    // Every mapping of the same file shares its mount, so the log's id applies to all of them.
    for (const mapping of files) {
      if (mapping.device !== anchor.device || mapping.inode !== anchor.inode) continue;
      if (mapping.placement.fallback || mapping.placement.mntId === null) mapping.placement = placeMountId(tables, error.mntId, 'log', mapping.path, true);
      if (mapping === anchor) logLines.set(mapping, error);
    }
    return true;
  }
  const fd = fds.find((candidate) => candidate.fd === error.fd && (candidate.path === null || logPathMatches(error.path, candidate.path)));
  if (!fd) return false;
  if (fd.placement.fallback || fd.mntId === null) fd.placement = placeMountId(tables, error.mntId, 'log', fd.path ?? error.path, false);
  logLines.set(fd, error);
  return true;
}

/**
 * Gives the mappings whose mount was guessed the known placement of another mapping of the same
 * file (path, device and inode), e.g. when map_files could be opened for one range only. All
 * mappings of one file are on one mount, and without this they would be split into two gaps.
 */
function shareKnownMounts(mappings: MappingReport[]): void {
  let known: Map<string, Placement> | undefined;
  let guessed = false;
  for (const mapping of mappings) {
    if (mapping.kind !== 'file') continue;
    if (mapping.placement.fallback || mapping.placement.mntId === null) {
      guessed = true;
      continue;
    }
    known ??= new Map();
    const key = `${mapping.path}|${mapping.device}|${mapping.inode}`;
    if (!known.has(key)) known.set(key, mapping.placement);
  }
  if (!guessed || known === undefined) return;
  for (const mapping of mappings) {
    if (mapping.kind !== 'file' || !(mapping.placement.fallback || mapping.placement.mntId === null)) continue;
    const placement = known.get(`${mapping.path}|${mapping.device}|${mapping.inode}`);
    if (placement !== undefined) mapping.placement = placement;
  }
}

interface GapGroup {
  gap: Gap;
  key: string;
}

function buildGap(base: Omit<Gap, 'owner' | 'ownerText' | 'advice' | 'verdict'>, inode: string | null, runtimeHandler: string | null): Gap {
  const facts = { kind: base.kind, where: base.where, path: base.path, fd: base.fd ?? null, mntId: base.mntId, inode, deleted: base.deleted, runtimeHandler };
  const { owner, ownerText } = ownerOf(facts);
  const { advice, verdict } = adviceFor(facts, owner);
  return { ...base, owner, ownerText, advice, verdict };
}

function isGap(placement: Placement): placement is Placement & { where: Gap['where'] } {
  return placement.where !== 'container' && placement.where !== 'none';
}

function logFields(error: MountLookupError | undefined): Pick<Gap, 'logLine' | 'logMessage'> {
  return error ? { logLine: error.line, logMessage: `Can't lookup mount=${error.mntId} for fd=${error.fd} path=${error.path}` } : {};
}

/**
 * Analyses a snapshot, and a CRIU dump log when given. Never throws on malformed content: bad
 * lines end up in `issues`, and a snapshot of one file kind alone still gives a report.
 */
export function analyzeGaps(snapshot: Snapshot, log?: GapLog): GapReport {
  const issues: InputIssue[] = [];
  const notes: string[] = [];
  const tables: MountTables = { container: readMountTable('container', snapshot.mountinfo) };
  if (snapshot.runtimeMountinfo !== undefined) tables.runtime = readMountTable('runtime', snapshot.runtimeMountinfo);
  if (snapshot.hostMountinfo !== undefined) tables.host = readMountTable('host', snapshot.hostMountinfo);
  for (const [input, table] of [['mountinfo', tables.container], ['runtime mountinfo', tables.runtime], ['host mountinfo', tables.host]] as const) {
    if (!table) continue;
    issues.push(...table.issues.map((issue) => ({ ...issue, input })));
    for (const cycle of table.tree.cycles) notes.push(`The ${input} has a parent cycle through mounts ${cycle.join(' → ')}; those mounts are kept but have no root.`);
  }

  // Mappings are placed after the fds, because fdinfo can give their mount ids, but the issues
  // of maps are listed before those of the fd inputs.
  const fdIssues: InputIssue[] = [];
  const { fds, mapFileIds, pid: fdinfoPid } = collectFds(snapshot, tables, fdIssues);
  const pid = snapshot.pid ?? fdinfoPid;
  const runtimeHandler = RUNTIME_HANDLER.exec(snapshot.cmdline ?? '')?.[1] ?? null;

  const placer = new MappingPlacer(tables, mapFileIds);
  const mappings: MappingReport[] = [];
  const mapsIssues = visitMaps(snapshot.maps, (entry) => mappings.push(mappingReport(entry, placer.place(entry))));
  for (const issue of mapsIssues) issues.push({ ...issue, input: 'maps' });
  issues.push(...fdIssues);

  const logLines = new Map<object, MountLookupError>();
  const unmatched: MountLookupError[] = [];
  const errors = log ? findMountLookupErrors(log.analysis, log.text) : [];
  for (const error of errors) {
    if (pid !== null && error.pid !== null && error.pid !== pid) notes.push(`Log line ${error.line} is about pid ${error.pid}, but the snapshot is of pid ${pid}; it was matched by fd and path only.`);
    if (!applyLogError(error, tables, mappings, fds, logLines)) unmatched.push(error);
  }

  shareKnownMounts(mappings);
  if (mappings.length === 0 && mapsIssues.length === 0) {
    notes.push('The maps are empty: either they were not given, or the process has no user memory (a kernel thread or a zombie), and CRIU cannot checkpoint it.');
  }

  const groups: GapGroup[] = [];
  const groupsByKey = new Map<string, GapGroup>();
  for (const mapping of mappings) {
    if (!isGap(mapping.placement)) continue;
    const key = `mapping|${mapping.path}|${mapping.device}|${mapping.inode}|${mapping.placement.mntId}|${mapping.placement.where}`;
    const existing = groupsByKey.get(key);
    const error = logLines.get(mapping);
    if (existing) {
      existing.gap.ranges!.push(`${mapping.start}-${mapping.end}`);
      if (error && existing.gap.logLine === undefined) Object.assign(existing.gap, logFields(error));
      continue;
    }
    const gap = buildGap(
      {
        kind: 'mapping',
        pid,
        path: mapping.path,
        mntId: mapping.placement.mntId,
        mntIdSource: mapping.placement.mntIdSource,
        where: mapping.placement.where,
        fallback: mapping.placement.fallback,
        deleted: mapping.deleted,
        ranges: [`${mapping.start}-${mapping.end}`],
        device: mapping.device,
        inode: mapping.inode,
        reason: mapping.placement.reason,
        ...logFields(error),
      },
      mapping.inode,
      runtimeHandler,
    );
    const group = { gap, key };
    groups.push(group);
    groupsByKey.set(key, group);
  }

  for (const fd of fds) {
    if (!isGap(fd.placement)) continue;
    const gap = buildGap(
      {
        kind: 'fd',
        pid,
        path: fd.path,
        mntId: fd.placement.mntId,
        mntIdSource: fd.placement.mntIdSource,
        where: fd.placement.where,
        fallback: fd.placement.fallback,
        deleted: fd.deleted,
        fd: fd.fd,
        reason: fd.placement.reason,
        ...logFields(logLines.get(fd)),
      },
      fd.ino,
      runtimeHandler,
    );
    groups.push({ gap, key: `fd|${fd.fd ?? 'unknown'}` });
  }

  for (const kind of ['exe', 'cwd'] as const) {
    const link = snapshot[kind];
    if (!link) continue;
    // An exe that reads "/" is the binary mapped at "/"; that mapping may have a known mount id.
    const binary = kind === 'exe' && link.path === '/' ? mappings.find((mapping) => mapping.kind === 'file' && mapping.path === '/' && mapping.placement.mntId !== null) : undefined;
    const placement =
      link.mntId !== undefined
        ? placeMountId(tables, link.mntId, 'link', link.path, kind === 'exe')
        : binary
          ? binary.placement
          : kind === 'exe' && link.path === '/'
            ? placeDetachedRoot()
            : NO_MOUNT_NEEDED;
    if (!isGap(placement)) continue;
    const base = { kind, pid, path: link.path, mntId: placement.mntId, mntIdSource: placement.mntIdSource, where: placement.where, fallback: placement.fallback, deleted: false, reason: placement.reason };
    groups.push({ gap: buildGap(base, null, runtimeHandler), key: kind });
  }

  for (const error of unmatched) {
    const kind: GapKind = error.fd === MAPPING_FD ? 'mapping' : 'fd';
    const placement = placeMountId(tables, error.mntId, 'log', error.path, kind === 'mapping');
    if (!isGap(placement)) {
      notes.push(`Log line ${error.line} names mount ${error.mntId}, which is in the container's mountinfo given; the snapshot may be from another run.`);
      continue;
    }
    const base = {
      kind,
      pid: error.pid,
      path: error.path,
      mntId: error.mntId,
      mntIdSource: placement.mntIdSource,
      where: placement.where,
      fallback: false,
      deleted: false,
      ...(kind === 'fd' ? { fd: error.fd } : {}),
      ...(error.vmaRange ? { ranges: [error.vmaRange] } : {}),
      reason: `${placement.reason}; the snapshot has no ${kind === 'fd' ? `fd ${error.fd}` : 'mapping'} of this path`,
      fromLogOnly: true,
      ...logFields(error),
    };
    groups.push({ gap: buildGap(base, null, runtimeHandler), key: `log|${error.line}` });
  }

  const referenced = new Set<number>();
  for (const mapping of mappings) {
    if (!mapping.placement.fallback && mapping.placement.mntId !== null) referenced.add(mapping.placement.mntId);
  }
  for (const fd of fds) {
    if ((fd.targetKind === 'path' || fd.targetKind === 'unknown') && fd.mntId !== null) referenced.add(fd.mntId);
  }
  for (const error of errors) referenced.add(error.mntId);

  return {
    pid,
    mounts: [tables.container, tables.runtime, tables.host].flatMap((table) => (table ? mountReports(table) : [])),
    mappings,
    fds,
    gaps: groups.map((group) => group.gap),
    idGaps: findIdGaps(tables, referenced),
    issues,
    notes,
  };
}
