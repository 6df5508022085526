/**
 * Parser for /proc/PID/maps (proc(5)):
 *
 *     55f3893d8000-55f3893e0000 r--p 00000000 fe:00 2200394                    /usr/bin/crun
 *     start-end                 perm offset   dev   inode                      pathname
 *
 * Addresses, offsets and inodes stay strings, because they can exceed 2^53: the vsyscall page sits
 * at ffffffffff600000. `addressOf` turns an address into a BigInt for arithmetic.
 */
import type { ParseIssue } from './mountinfo';

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
// Addresses are at most 64 bits (16 hex digits). The kernel pads the path to a column with spaces,
// so the path starts after the run of spaces that follows the inode.
const MAPS_LINE = /^([0-9a-f]{1,16})-([0-9a-f]{1,16}) ([r-][w-][x-][ps]) ([0-9a-f]{1,16}) ([0-9a-f]{1,8}):([0-9a-f]{1,8}) (0|[1-9][0-9]{0,19})(?: +(.*))?$/;

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

/** Parses one maps line, or returns the reason it is invalid. */
export function parseMapsLine(text: string, line: number): MapsEntry | string {
  const match = MAPS_LINE.exec(text);
  if (!match) return 'not a maps record: expected "start-end perms offset major:minor inode [path]"';
  const [, start, end, perms, offset, major, minor, inode, rawPath = ''] = match;
  if (addressOf(start) > addressOf(end)) return `start address ${start} is above end address ${end}`;

  const deleted = rawPath.endsWith(DELETED);
  const path = (deleted ? rawPath.slice(0, -DELETED.length) : rawPath).replace(/\\012/g, '\n');
  // `/dev/zero (deleted)` is shared anonymous memory, not a deleted file.
  const isShmem = path === '/dev/zero' || path.startsWith('/SYSV');
  return {
    line,
    start,
    end,
    perms,
    offset,
    device: `${major}:${minor}`,
    major: Number.parseInt(major, 16),
    minor: Number.parseInt(minor, 16),
    inode,
    path,
    deleted: deleted && !isShmem,
    kind: kindOf(path, inode),
  };
}

/** Parses a whole maps (or smaps header-only) file; bad lines become issues with line numbers. */
export function parseMaps(text: string): MapsParse {
  const entries: MapsEntry[] = [];
  const issues: ParseIssue[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index].endsWith('\r') ? lines[index].slice(0, -1) : lines[index];
    if (raw.trim() === '') continue;
    const parsed = parseMapsLine(raw, index + 1);
    if (typeof parsed === 'string') issues.push({ line: index + 1, reason: parsed, text: raw.length > MAX_TEXT ? `${raw.slice(0, MAX_TEXT)}…` : raw });
    else entries.push(parsed);
  }
  return { entries, issues };
}
