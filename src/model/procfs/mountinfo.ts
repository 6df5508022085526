/**
 * Parser for /proc/PID/mountinfo, in the format of proc(5):
 *
 *     36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *     id pa dev  root  point options [optional fields] - fstype source super-options
 *
 * Mount ids are per mount copy: the same directory has a different id in every mount namespace,
 * so an id from fdinfo can only be looked up in the mountinfo of a process in the same namespace.
 */

/** A line that could not be parsed, kept so that callers can report it instead of losing it. */
export interface ParseIssue {
  /** 1-based line number in the input. */
  line: number;
  reason: string;
  /** The line as read, cut to 200 characters. */
  text: string;
}

/** Propagation state from the optional fields before the `-` separator. */
export interface Propagation {
  /** Peer group of a shared mount (`shared:N`). */
  shared?: number;
  /** Peer group this slave mount receives events from (`master:N`). */
  master?: number;
  /** Nearest dominant peer group under the same root (`propagate_from:N`), only with `master`. */
  propagateFrom?: number;
  unbindable: boolean;
  /** Optional fields this parser does not know; proc(5) asks parsers to ignore them. */
  unknown: string[];
}

/** One mount of a mountinfo file, with octal escapes already decoded. */
export interface MountEntry {
  line: number;
  mountId: number;
  parentId: number;
  major: number;
  minor: number;
  /** Directory (or file) of the filesystem that forms the root of this mount. */
  root: string;
  /** Mount point relative to the reading process's root directory. */
  mountPoint: string;
  mountOptions: string;
  propagation: Propagation;
  fsType: string;
  source: string;
  superOptions: string;
  /**
   * True when `root` is not `/`: a bind mount of a directory or file below the filesystem's root.
   * A btrfs subvolume mount looks the same, and a bind mount of a whole filesystem does not show.
   */
  isBindMount: boolean;
}

export interface MountinfoParse {
  mounts: MountEntry[];
  issues: ParseIssue[];
}

const OCTAL_ESCAPE = /\\([0-3][0-7]{2})/g;
const DECIMAL = /^(0|[1-9][0-9]{0,9})$/;
const DEVICE = /^(0|[1-9][0-9]{0,9}):(0|[1-9][0-9]{0,9})$/;
const TAGGED_FIELD = /^(shared|master|propagate_from):(0|[1-9][0-9]{0,9})$/;
const MAX_TEXT = 200;
const CARRIAGE_RETURN = 0x0d;
const DASH = 0x2d;
const SLASH = 0x2f;
const ZERO = 0x30;
const NINE = 0x39;

/** Decodes the `\ooo` escapes the kernel writes for space, tab, newline and backslash. */
export function unescapeMountinfoField(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(OCTAL_ESCAPE, (_match, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Encodes a path the way the kernel does in mountinfo (seq_path with " \t\n\\"). */
export function escapeMountinfoField(field: string): string {
  return field.replace(/[ \t\n\\]/g, (character) => `\\${character.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** Returns whether a line is empty or only white space; most lines are decided by their first character. */
export function isBlankLine(line: string): boolean {
  const first = line.charCodeAt(0);
  // Printable ASCII other than the space is not white space, so trimming cannot remove it.
  if (first > 0x20 && first < 0x7f) return false;
  return line.trim() === '';
}

/** Returns whether text[start, end) is empty or only white space, cutting it out only when unsure. */
export function isBlankRange(text: string, start: number, end: number): boolean {
  if (start === end) return true;
  const first = text.charCodeAt(start);
  if (first > 0x20 && first < 0x7f) return false;
  return isBlankLine(text.slice(start, end));
}

function issue(line: number, reason: string, text: string): ParseIssue {
  return { line, reason, text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text };
}

/** Reads the optional fields fields[first, end). */
function parsePropagation(fields: string[], first: number, end: number): Propagation {
  const propagation: Propagation = { unbindable: false, unknown: [] };
  for (let index = first; index < end; index++) readOptionalField(propagation, fields[index]);
  return propagation;
}

/** Adds one optional field to `propagation`. */
function readOptionalField(propagation: Propagation, field: string): void {
  const tagged = TAGGED_FIELD.exec(field);
  if (tagged?.[1] === 'shared') propagation.shared = Number(tagged[2]);
  else if (tagged?.[1] === 'master') propagation.master = Number(tagged[2]);
  else if (tagged?.[1] === 'propagate_from') propagation.propagateFrom = Number(tagged[2]);
  else if (field === 'unbindable') propagation.unbindable = true;
  else propagation.unknown.push(field);
}

/** Parses one line, or returns the reason it is invalid. */
export function parseMountinfoLine(text: string, line: number): MountEntry | string {
  const fields = text.split(' ');
  const separator = fields.indexOf('-', 6);
  if (fields.length < 10) return `expected at least 10 space-separated fields, got ${fields.length}`;
  if (separator < 0) return 'missing the " - " separator before the filesystem type';
  if (fields.length - separator - 1 !== 3) return `expected 3 fields after " - " (type, source, super options), got ${fields.length - separator - 1}`;

  const [id, parent, device, root, mountPoint, mountOptions] = fields;
  if (!DECIMAL.test(id)) return `invalid mount id "${id}"`;
  if (!DECIMAL.test(parent)) return `invalid parent id "${parent}"`;
  const deviceMatch = DEVICE.exec(device);
  if (!deviceMatch) return `invalid major:minor "${device}"`;
  if (root === '') return 'empty root field';
  if (!mountPoint.startsWith('/')) return `mount point "${mountPoint}" does not start with "/"`;
  if (mountOptions === '') return 'empty mount options';
  const fsType = fields[separator + 1];
  const source = fields[separator + 2];
  const superOptions = fields[separator + 3];
  if (fsType === '') return 'empty filesystem type';

  const decodedRoot = unescapeMountinfoField(root);
  return {
    line,
    mountId: Number(id),
    parentId: Number(parent),
    major: Number(deviceMatch[1]),
    minor: Number(deviceMatch[2]),
    root: decodedRoot,
    mountPoint: unescapeMountinfoField(mountPoint),
    mountOptions,
    propagation: parsePropagation(fields, 6, separator),
    fsType: unescapeMountinfoField(fsType),
    source: unescapeMountinfoField(source),
    superOptions: unescapeMountinfoField(superOptions),
    isBindMount: decodedRoot !== '/',
  };
}

/**
 * Parses a whole mountinfo file. Empty lines are skipped; every other line that is not a valid
 * record becomes an issue with its line number. A repeated mount id is an issue too, and only its
 * first record is kept, because ids are unique within one read of one namespace.
 */
export function parseMountinfo(text: string): MountinfoParse {
  const mounts: MountEntry[] = [];
  const issues: ParseIssue[] = [];
  const seen = new Set<number>();
  let lineStart = 0;
  for (let lineNumber = 1; lineStart <= text.length; lineNumber++) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const contentEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === CARRIAGE_RETURN ? lineEnd - 1 : lineEnd;
    const start = lineStart;
    lineStart = lineEnd + 1;
    if (isBlankRange(text, start, contentEnd)) continue;

    // The field reader takes the usual lines; parseMountinfoLine decides the rest and words the reason.
    const parsed = readMountinfoLine(text, start, contentEnd, lineNumber) ?? parseMountinfoLine(text.slice(start, contentEnd), lineNumber);
    if (typeof parsed === 'string') {
      issues.push(issue(lineNumber, parsed, text.slice(start, contentEnd)));
      continue;
    }
    if (seen.has(parsed.mountId)) {
      issues.push(issue(lineNumber, `mount id ${parsed.mountId} appears twice; the first record is kept`, text.slice(start, contentEnd)));
      continue;
    }
    seen.add(parsed.mountId);
    mounts.push(parsed);
  }
  return { mounts, issues };
}

/**
 * Reads the line text[start, end) like parseMountinfoLine, from field to field without splitting
 * it, or returns null for a line it does not take. Each line of 10,000 mounts then costs no array
 * of fields, no regular expression match and no string for the numbers. Null does not mean
 * invalid: it takes only lines that parseMountinfoLine accepts, and leaves the rest to it.
 */
export function readMountinfoLine(text: string, start: number, end: number, line: number): MountEntry | null {
  const idEnd = fieldEnd(text, start, end);
  const mountId = decimalIn(text, start, idEnd);
  if (mountId < 0 || idEnd === end) return null;
  const parentEnd = fieldEnd(text, idEnd + 1, end);
  const parentId = decimalIn(text, idEnd + 1, parentEnd);
  if (parentId < 0 || parentEnd === end) return null;
  const deviceEnd = fieldEnd(text, parentEnd + 1, end);
  const colon = text.indexOf(':', parentEnd + 1);
  if (colon < 0 || colon >= deviceEnd) return null;
  const major = decimalIn(text, parentEnd + 1, colon);
  const minor = decimalIn(text, colon + 1, deviceEnd);
  if (major < 0 || minor < 0 || deviceEnd === end) return null;
  const rootEnd = fieldEnd(text, deviceEnd + 1, end);
  if (rootEnd === deviceEnd + 1 || rootEnd === end) return null;
  const mountPointEnd = fieldEnd(text, rootEnd + 1, end);
  if (text.charCodeAt(rootEnd + 1) !== SLASH || mountPointEnd === end) return null;
  const optionsEnd = fieldEnd(text, mountPointEnd + 1, end);
  if (optionsEnd === mountPointEnd + 1 || optionsEnd === end) return null;

  // Optional fields up to the first field that is `-`.
  const propagation: Propagation = { unbindable: false, unknown: [] };
  let fieldStart = optionsEnd + 1;
  let fieldStop = fieldEnd(text, fieldStart, end);
  while (!(fieldStop === fieldStart + 1 && text.charCodeAt(fieldStart) === DASH)) {
    if (fieldStop === end) return null;
    readOptionalField(propagation, text.slice(fieldStart, fieldStop));
    fieldStart = fieldStop + 1;
    fieldStop = fieldEnd(text, fieldStart, end);
  }

  // Exactly three fields after the separator, and the type not empty.
  if (fieldStop === end) return null;
  const fsTypeEnd = fieldEnd(text, fieldStop + 1, end);
  if (fsTypeEnd === fieldStop + 1 || fsTypeEnd === end) return null;
  const sourceEnd = fieldEnd(text, fsTypeEnd + 1, end);
  if (sourceEnd === end || fieldEnd(text, sourceEnd + 1, end) !== end) return null;

  const root = unescapeMountinfoField(text.slice(deviceEnd + 1, rootEnd));
  return {
    line,
    mountId,
    parentId,
    major,
    minor,
    root,
    mountPoint: unescapeMountinfoField(text.slice(rootEnd + 1, mountPointEnd)),
    mountOptions: text.slice(mountPointEnd + 1, optionsEnd),
    propagation,
    fsType: unescapeMountinfoField(text.slice(fieldStop + 1, fsTypeEnd)),
    source: unescapeMountinfoField(text.slice(fsTypeEnd + 1, sourceEnd)),
    superOptions: unescapeMountinfoField(text.slice(sourceEnd + 1, end)),
    isBindMount: root !== '/',
  };
}

/** Returns the index of the space that ends the field starting at `from`, or `end` for the last field. */
function fieldEnd(text: string, from: number, end: number): number {
  const space = text.indexOf(' ', from);
  return space < 0 || space > end ? end : space;
}

/** Returns the value of text[from, to) when it matches DECIMAL, else -1. */
function decimalIn(text: string, from: number, to: number): number {
  const digits = to - from;
  if (digits < 1 || digits > 10 || (digits > 1 && text.charCodeAt(from) === ZERO)) return -1;
  let value = 0;
  for (let index = from; index < to; index++) {
    const code = text.charCodeAt(index);
    if (code < ZERO || code > NINE) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

/** Mounts arranged by parent id. */
export interface MountTree {
  byId: Map<number, MountEntry>;
  children: Map<number, number[]>;
  /** Mounts whose parent is not in this mountinfo: normal for the namespace's root mount. */
  roots: number[];
  /** Mounts that reach themselves through parent links; only hostile or corrupt input has them. */
  cycles: number[][];
}

/**
 * Builds the parent/child tree in time linear in the number of mounts. Each mount is walked
 * towards its root once; a walk that meets a mount of its own walk has found a cycle.
 */
export function buildMountTree(mounts: readonly MountEntry[]): MountTree {
  const byId = new Map<number, MountEntry>();
  for (const mount of mounts) if (!byId.has(mount.mountId)) byId.set(mount.mountId, mount);

  const children = new Map<number, number[]>();
  const roots: number[] = [];
  for (const mount of byId.values()) {
    const parent = byId.get(mount.parentId);
    if (parent === undefined) {
      roots.push(mount.mountId);
      continue;
    }
    const siblings = children.get(parent.mountId);
    if (siblings) siblings.push(mount.mountId);
    else children.set(parent.mountId, [mount.mountId]);
  }

  // 0 = not visited, 1 = on the current walk, 2 = done.
  const state = new Map<number, number>();
  const cycles: number[][] = [];
  for (const start of byId.keys()) {
    if (state.get(start)) continue;
    const walk: number[] = [];
    let current: number | undefined = start;
    while (current !== undefined && byId.has(current) && !state.get(current)) {
      state.set(current, 1);
      walk.push(current);
      current = byId.get(current)!.parentId;
    }
    if (current !== undefined && state.get(current) === 1) cycles.push(walk.slice(walk.indexOf(current)));
    for (const id of walk) state.set(id, 2);
  }
  return { byId, children, roots, cycles };
}

/** Returns the ids from `mountId` up to its tree's root, stopping at the first repeated id. */
export function ancestorsOf(tree: MountTree, mountId: number): number[] {
  const path: number[] = [];
  const seen = new Set<number>();
  let current: number | undefined = mountId;
  while (current !== undefined && !seen.has(current)) {
    const mount = tree.byId.get(current);
    if (!mount) break;
    seen.add(current);
    path.push(current);
    current = mount.parentId;
  }
  return path;
}
