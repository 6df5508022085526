/**
 * Parser for /proc/PID/maps (proc(5)):
 *
 *     55f3893d8000-55f3893e0000 r--p 00000000 fe:00 2200394                    /usr/bin/crun
 *     start-end                 perm offset   dev   inode                      pathname
 *
 * Addresses, offsets and inodes stay strings, because they can exceed 2^53: the vsyscall page sits
 * at ffffffffff600000. `addressOf` turns an address into a BigInt for arithmetic.
 */
import { RecentString, StringPool } from './fieldStrings';
import { isBlankRange, type ParseIssue } from './mountinfo';

/**
 * Kind of memory behind a mapping, decided from its path and inode:
 * - `file`: a file on some mount, the only kind that needs a mount id;
 * - `anonymous`: no path, inode 0;
 * - `heap`, `stack`, `vdso`, `vvar` (also `vvar_vclock`), `vsyscall`: kernel-named areas;
 * - `anon-named`: `[anon:name]` or `[anon_shmem:name]` from PR_SET_VMA_ANON_NAME;
 * - `memfd`: `/memfd:name`, a file with no mount in any mountinfo;
 * - `shmem`: shared anonymous memory (`/dev/zero (deleted)`) or System V shared memory (`/SYSV…`);
 * - `special`: another bracketed name, or a path on inode 0.
 */
export type MappingKind =
  | 'file'
  | 'anonymous'
  | 'heap'
  | 'stack'
  | 'vdso'
  | 'vvar'
  | 'vsyscall'
  | 'anon-named'
  | 'memfd'
  | 'shmem'
  | 'special';

export interface MapsEntry {
  line: number;
  /** Start address in lower-case hex without `0x`, as the kernel prints it. */
  start: string;
  /** End address (exclusive), same format. */
  end: string;
  perms: string;
  /** File offset in hex. */
  offset: string;
  /** Device as printed: major and minor in hex, e.g. `fe:00` for 254:0. */
  device: string;
  major: number;
  minor: number;
  /** Inode number in decimal. */
  inode: string;
  /** Path with ` (deleted)` removed and `\012` decoded; empty for anonymous memory. */
  path: string;
  deleted: boolean;
  kind: MappingKind;
}

export interface MapsParse {
  entries: MapsEntry[];
  issues: ParseIssue[];
}

const MAX_TEXT = 200;
const DELETED = ' (deleted)';
const INVALID_LINE = 'not a maps record: expected "start-end perms offset major:minor inode [path]"';
// Line terminators, which `.` in the line grammar does not match, so a path cannot contain them.
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const LOWER_HEX = /^[0-9a-f]+$/;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const DASH = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const LOWER_A = 0x61;
const LOWER_F = 0x66;
const P = 0x70;
const R = 0x72;
const S = 0x73;
const W = 0x77;
const X = 0x78;

/** Returns the numeric value of a hex address or offset from maps. */
export function addressOf(hex: string): bigint {
  return BigInt(`0x${hex}`);
}

/**
 * Encodes a path as maps prints it: the kernel escapes only the newline (as `\012`), so after
 * printing, a path that itself contains the four characters `\012` reads the same as a newline.
 */
export function escapeMapsPath(path: string): string {
  return path.replace(/\n/g, '\\012');
}

function kindOf(path: string, inode: string): MappingKind {
  if (path === '') return inode === '0' ? 'anonymous' : 'special';
  if (path === '[heap]') return 'heap';
  if (path === '[stack]' || path.startsWith('[stack:')) return 'stack';
  if (path === '[vdso]') return 'vdso';
  if (path === '[vvar]' || path === '[vvar_vclock]') return 'vvar';
  if (path === '[vsyscall]') return 'vsyscall';
  if (path.startsWith('[anon:') || path.startsWith('[anon_shmem:')) return 'anon-named';
  if (path.startsWith('[')) return 'special';
  if (path.startsWith('/memfd:')) return 'memfd';
  if (path === '/dev/zero' || path.startsWith('/SYSV')) return 'shmem';
  if (inode === '0') return 'special';
  return 'file';
}

/**
 * Returns a hex address or offset the way `addressOf(hex).toString(16)` prints it (lower case, no
 * leading zeros), without the BigInt for the lower-case hex that maps and map_files contain.
 */
export function canonicalHex(hex: string): string {
  if (!LOWER_HEX.test(hex)) return addressOf(hex).toString(16);
  return hex.slice(firstSignificantDigit(hex));
}

/** Returns whether lower-case hex `start` is above `end`. */
function isAbove(start: string, end: string): boolean {
  // In ASCII the digits sort before a-f, so hex numbers of equal length sort as strings do.
  if (start.length === end.length) return start > end;
  return compareHex(start, end) > 0;
}

/** Compares two lower-case hex numbers without converting them: -1, 0 or 1. */
function compareHex(left: string, right: string): number {
  const leftFirst = firstSignificantDigit(left);
  const rightFirst = firstSignificantDigit(right);
  const leftDigits = left.length - leftFirst;
  const rightDigits = right.length - rightFirst;
  if (leftDigits !== rightDigits) return leftDigits < rightDigits ? -1 : 1;
  for (let index = 0; index < leftDigits; index++) {
    const difference = left.charCodeAt(leftFirst + index) - right.charCodeAt(rightFirst + index);
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  return 0;
}

/** Returns the index of the first digit that is not a leading zero; the last digit counts always. */
function firstSignificantDigit(hex: string): number {
  let index = 0;
  while (index < hex.length - 1 && hex.charCodeAt(index) === ZERO) index++;
  return index;
}

/**
 * Parses one maps line, or returns the reason it is invalid. The line must match
 *
 *     ^([0-9a-f]{1,16})-([0-9a-f]{1,16}) ([r-][w-][x-][ps]) ([0-9a-f]{1,16}) ([0-9a-f]{1,8}):([0-9a-f]{1,8}) (0|[1-9][0-9]{0,19})(?: +(.*))?$
 *
 * Addresses are at most 64 bits (16 hex digits). The kernel pads the path to a column with spaces,
 * so the path starts after the run of spaces that follows the inode.
 */
export function parseMapsLine(text: string, line: number): MapsEntry | string {
  const cursor = new LineCursor(text);
  cursor.select(0, text.length);
  const entry = emptyEntry();
  const invalid = readSelectedLine(cursor, line, entry);
  return invalid ?? entry;
}

function emptyEntry(): MapsEntry {
  return { line: 0, start: '', end: '', perms: '', offset: '', device: '', major: 0, minor: 0, inode: '', path: '', deleted: false, kind: 'anonymous' };
}

/**
 * Reads the line the cursor has selected into `entry`, or returns the reason it is invalid. The
 * fields are read with the cursor instead of the regular expression above, because a maps file
 * can have 100,000 lines, and the cursor allocates no match array and no string for the whole line.
 */
function readSelectedLine(cursor: LineCursor, line: number, entry: MapsEntry): string | null {
  const start = cursor.address(DASH);
  if (start === null) return INVALID_LINE;
  const end = cursor.address(SPACE);
  if (end === null) return INVALID_LINE;
  const perms = cursor.perms();
  if (perms === null) return INVALID_LINE;
  const offset = cursor.offset();
  if (offset === null) return INVALID_LINE;
  const device = cursor.device();
  if (device === null) return INVALID_LINE;
  const inode = cursor.inode();
  if (inode === null) return INVALID_LINE;
  const facts = cursor.pathFacts(cursor.rest(), inode);
  if (!facts.valid) return INVALID_LINE;
  if (isAbove(start, end)) return `start address ${start} is above end address ${end}`;

  entry.line = line;
  entry.start = start;
  entry.end = end;
  entry.perms = perms;
  entry.offset = offset;
  entry.device = device;
  entry.major = cursor.major;
  entry.minor = cursor.minor;
  entry.inode = inode;
  entry.path = facts.path;
  entry.deleted = facts.deleted;
  entry.kind = facts.kind;
  return null;
}

/** Mapping facts derived from the path column and the inode of a line. */
interface PathFacts {
  rawPath: string;
  inode: string;
  /** False when the path contains a line terminator, which makes the line invalid. */
  valid: boolean;
  path: string;
  deleted: boolean;
  kind: MappingKind;
}

function pathFactsOf(rawPath: string, inode: string): PathFacts {
  const valid = !LINE_TERMINATOR.test(rawPath);
  const deleted = rawPath.endsWith(DELETED);
  const undeleted = deleted ? rawPath.slice(0, -DELETED.length) : rawPath;
  const path = undeleted.includes('\\012') ? undeleted.replace(/\\012/g, '\n') : undeleted;
  // `/dev/zero (deleted)` is shared anonymous memory, not a deleted file.
  const isShmem = path === '/dev/zero' || path.startsWith('/SYSV');
  return { rawPath, inode, valid, path, deleted: deleted && !isShmem, kind: kindOf(path, inode) };
}

/**
 * Reads the fields of one line of `text`, from left to right, between the selected start and end.
 * Each method returns null on a mismatch. One cursor serves all lines of a file, so that a line
 * costs no string until its fields are cut out.
 *
 * Neighbouring lines repeat most fields: the mappings of a library share path, device and inode,
 * anonymous mappings share `00:00` and `0`, and a mapping often starts where the one before ends.
 * For an equal field the cursor returns a string it cut before (from the line before, or from a
 * pool of recent values), so that 100,000 entries hold far fewer strings for the garbage collector
 * to copy. The 16 possible permission strings are constants.
 */
class LineCursor {
  private position = 0;
  private end = 0;
  private lastPathFacts: PathFacts | null = null;
  /** Values of `major` and `minor` of the last `device()` call. */
  major = 0;
  minor = 0;
  private readonly recentAddresses = new RecentString();
  private readonly offsets = new StringPool();
  private readonly devices = new StringPool();
  private readonly inodes = new StringPool();
  /** The padding and path column of the last line that had to be scanned, and its path. */
  private lastTail = '';
  private lastPath = '';

  constructor(private readonly text: string) {}

  select(start: number, end: number): void {
    this.position = start;
    this.end = end;
  }

  /** Reads a start or end address: 1 to 16 hex digits followed by `terminator`. */
  address(terminator: number): string | null {
    return this.hex(16, terminator, this.recentAddresses);
  }

  /** Reads a file offset: 1 to 16 hex digits followed by a space. */
  offset(): string | null {
    return this.hex(16, SPACE, this.offsets);
  }

  /** Reads `major:minor`, each 1 to 8 hex digits, followed by a space, and sets `major` and `minor`. */
  device(): string | null {
    const first = this.position;
    const majorEnd = this.hexDigitsEnd();
    if (majorEnd - first < 1 || majorEnd - first > 8 || majorEnd >= this.end || this.text.charCodeAt(majorEnd) !== COLON) return null;
    this.position = majorEnd + 1;
    const minorEnd = this.hexDigitsEnd();
    if (minorEnd - this.position < 1 || minorEnd - this.position > 8 || minorEnd >= this.end || this.text.charCodeAt(minorEnd) !== SPACE) return null;
    this.major = this.hexValue(first, majorEnd);
    this.minor = this.hexValue(majorEnd + 1, minorEnd);
    this.position = minorEnd + 1;
    return this.devices.cut(this.text, first, minorEnd);
  }

  /** Reads `[r-][w-][x-][ps]` followed by a space. */
  perms(): string | null {
    const text = this.text;
    const at = this.position;
    if (at + 4 >= this.end || text.charCodeAt(at + 4) !== SPACE) return null;
    const read = text.charCodeAt(at);
    const write = text.charCodeAt(at + 1);
    const execute = text.charCodeAt(at + 2);
    const sharing = text.charCodeAt(at + 3);
    if (read !== R && read !== DASH) return null;
    if (write !== W && write !== DASH) return null;
    if (execute !== X && execute !== DASH) return null;
    if (sharing !== P && sharing !== S) return null;
    this.position = at + 5;
    return PERMS[(read === R ? 8 : 0) | (write === W ? 4 : 0) | (execute === X ? 2 : 0) | (sharing === S ? 1 : 0)];
  }

  /** Reads a decimal inode without leading zeros (at most 20 digits), followed by a space or the end. */
  inode(): string | null {
    const first = this.position;
    let index = first;
    while (index < this.end && isDigit(this.text.charCodeAt(index))) index++;
    const digits = index - first;
    if (digits < 1 || digits > 20 || (digits > 1 && this.text.charCodeAt(first) === ZERO)) return null;
    if (index < this.end && this.text.charCodeAt(index) !== SPACE) return null;
    this.position = index;
    return this.inodes.cut(this.text, first, index);
  }

  /** Returns what follows the spaces after the current position: the path, or '' at the end. */
  rest(): string {
    // The mappings of one library have equal padding and path, and comparing both with the line
    // before in native code is cheaper than skipping the padding character by character.
    const tail = this.text.slice(this.position, this.end);
    if (tail === this.lastTail) return this.lastPath;
    let index = this.position;
    while (index < this.end && this.text.charCodeAt(index) === SPACE) index++;
    this.lastTail = tail;
    this.lastPath = this.text.slice(index, this.end);
    return this.lastPath;
  }

  /** Returns the facts of a path column and inode, those of the line before when both are equal. */
  pathFacts(rawPath: string, inode: string): PathFacts {
    const last = this.lastPathFacts;
    if (last !== null && last.rawPath === rawPath && last.inode === inode) return last;
    this.lastPathFacts = pathFactsOf(rawPath, inode);
    return this.lastPathFacts;
  }

  private hex(maxDigits: number, terminator: number, recent: RecentString | StringPool): string | null {
    const first = this.position;
    const digitsEnd = this.hexDigitsEnd();
    const digits = digitsEnd - first;
    if (digits < 1 || digits > maxDigits || digitsEnd >= this.end || this.text.charCodeAt(digitsEnd) !== terminator) return null;
    this.position = digitsEnd + 1;
    return recent.cut(this.text, first, digitsEnd);
  }

  private hexDigitsEnd(): number {
    let index = this.position;
    while (index < this.end && isLowerHex(this.text.charCodeAt(index))) index++;
    return index;
  }

  /** Returns the value of at most 8 lower-case hex digits, which fits a double exactly. */
  private hexValue(first: number, end: number): number {
    let value = 0;
    for (let index = first; index < end; index++) {
      const code = this.text.charCodeAt(index);
      value = value * 16 + (code <= NINE ? code - ZERO : code - LOWER_A + 10);
    }
    return value;
  }
}

/** Permission strings by bits: r = 8, w = 4, x = 2, s (shared) = 1. */
const PERMS: readonly string[] = Array.from({ length: 16 }, (_, bits) => `${bits & 8 ? 'r' : '-'}${bits & 4 ? 'w' : '-'}${bits & 2 ? 'x' : '-'}${bits & 1 ? 's' : 'p'}`);

/** 1 at the ASCII codes of 0-9 and a-f. One table load per character is cheaper than four comparisons. */
const LOWER_HEX_CODES = new Uint8Array(128);
for (let code = 0; code < 128; code++) LOWER_HEX_CODES[code] = (code >= ZERO && code <= NINE) || (code >= LOWER_A && code <= LOWER_F) ? 1 : 0;

function isLowerHex(code: number): boolean {
  return code < 128 && LOWER_HEX_CODES[code] === 1;
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/** Parses a whole maps (or smaps header-only) file; bad lines become issues with line numbers. */
export function parseMaps(text: string): MapsParse {
  const entries: MapsEntry[] = [];
  const issues = visitMaps(text, (entry) => entries.push(copyEntry(entry)));
  return { entries, issues };
}

function copyEntry(entry: MapsEntry): MapsEntry {
  return {
    line: entry.line,
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
  };
}

/**
 * Parses a maps file like parseMaps, but hands each entry to `visit` instead of keeping it. The
 * entry object is reused for the next line, so `visit` must copy the fields it keeps: a caller
 * that turns entries into other objects then leaves the garbage collector no entry to collect.
 * Returns the lines that are not valid records.
 */
export function visitMaps(text: string, visit: (entry: Readonly<MapsEntry>) => void): ParseIssue[] {
  const issues: ParseIssue[] = [];
  const cursor = new LineCursor(text);
  const entry = emptyEntry();
  let lineStart = 0;
  for (let lineNumber = 1; lineStart <= text.length; lineNumber++) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const contentEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === CARRIAGE_RETURN ? lineEnd - 1 : lineEnd;
    const start = lineStart;
    lineStart = lineEnd + 1;
    if (isBlankRange(text, start, contentEnd)) continue;

    cursor.select(start, contentEnd);
    const invalid = readSelectedLine(cursor, lineNumber, entry);
    if (invalid === null) {
      visit(entry);
      continue;
    }
    const raw = text.slice(start, contentEnd);
    issues.push({ line: lineNumber, reason: invalid, text: raw.length > MAX_TEXT ? `${raw.slice(0, MAX_TEXT)}…` : raw });
  }
  return issues;
}
