/**
 * Parsers for the per-fd files of /proc/PID: fdinfo (proc(5): `pos`, `flags`, `mnt_id`, `ino` and
 * type-specific lines), `ls -l` listings of `fd/` and `map_files/`, and readlink output of `root`,
 * `cwd` and `exe`.
 *
 * Several fdinfo files can be concatenated with a header line before each, as the capture script
 * of the recorded snapshots writes them:
 *
 *     == /proc/21853/fdinfo/3          an open fd
 *     == /proc/23349/map_files/55f3893d8000-55f3893e0000
 *                                      fdinfo of an fd opened on a map_files entry, which gives a
 *                                      mapping's mnt_id (maps itself has none)
 *
 * A file without headers is one fdinfo block of an unknown fd.
 */
import type { ParseIssue } from './mountinfo';

export interface FdinfoBlock {
  /** Line of the header, or of the first field when there is no header. */
  line: number;
  pid: number | null;
  /** The fd number, or null for a map_files block or a headerless file. */
  fd: number | null;
  /** Address range `start-end` (hex) of a map_files block. */
  mapRange: string | null;
  /** File position in decimal. */
  pos: string | null;
  /** Open flags in octal as printed, e.g. `0100002`. */
  flags: string | null;
  mntId: number | null;
  /** Inode number in decimal (Linux 5.10 and later print it). */
  ino: string | null;
  /** Other `key: value` lines, e.g. `clockid` of a timerfd; a repeated key keeps the last value. */
  extra: Record<string, string>;
  /** Lines without a `key:` (eventpoll's `tfd: …` lines have one, so they land in `extra`). */
  rawLines: string[];
}

export interface FdinfoParse {
  blocks: FdinfoBlock[];
  issues: ParseIssue[];
}

const HEADER = /^==\s+(?:\/proc\/(\d{1,10})\/)?(fdinfo|map_files)\/([^\s]+)\s*(?:==)?\s*$/;
const FIELD = /^([A-Za-z_][A-Za-z0-9_ -]*?):\s*(.*)$/;
const MAP_RANGE = /^[0-9a-f]{1,16}-[0-9a-f]{1,16}$/;
// Control characters other than tab, and U+FFFD (what invalid UTF-8 decodes to): the kernel writes
// fdinfo as text, so such a line is binary data.
const NOT_TEXT = /[\u0000-\u0008\u000a-\u001f\u007f\ufffd]/;

function emptyBlock(line: number, pid: number | null, fd: number | null, mapRange: string | null): FdinfoBlock {
  return { line, pid, fd, mapRange, pos: null, flags: null, mntId: null, ino: null, extra: {}, rawLines: [] };
}

function applyField(block: FdinfoBlock, key: string, value: string, line: number, issues: ParseIssue[]): void {
  const trimmed = value.trim();
  if (key === 'pos') {
    if (/^\d{1,20}$/.test(trimmed)) block.pos = trimmed;
    else issues.push({ line, reason: `invalid pos "${trimmed}"`, text: `${key}: ${value}` });
  } else if (key === 'flags') {
    if (/^[0-7]{1,12}$/.test(trimmed)) block.flags = trimmed;
    else issues.push({ line, reason: `invalid flags "${trimmed}", expected octal digits`, text: `${key}: ${value}` });
  } else if (key === 'mnt_id') {
    if (/^\d{1,10}$/.test(trimmed)) block.mntId = Number(trimmed);
    else issues.push({ line, reason: `invalid mnt_id "${trimmed}"`, text: `${key}: ${value}` });
  } else if (key === 'ino') {
    if (/^\d{1,20}$/.test(trimmed)) block.ino = trimmed;
    else issues.push({ line, reason: `invalid ino "${trimmed}"`, text: `${key}: ${value}` });
  } else {
    block.extra[key] = trimmed;
  }
}

/** Parses one or more fdinfo files; see the file comment for the header format. */
export function parseFdinfo(text: string): FdinfoParse {
  const blocks: FdinfoBlock[] = [];
  const issues: ParseIssue[] = [];
  let current: FdinfoBlock | null = null;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index].endsWith('\r') ? lines[index].slice(0, -1) : lines[index];
    const lineNumber = index + 1;
    if (raw.trim() === '') continue;
    if (NOT_TEXT.test(raw)) {
      issues.push({ line: lineNumber, reason: 'not understood: it holds control characters or invalid UTF-8, so it is not text from /proc/PID/fdinfo', text: raw.slice(0, 200) });
      continue;
    }

    if (raw.startsWith('==')) {
      const header = HEADER.exec(raw);
      if (!header) {
        issues.push({ line: lineNumber, reason: 'invalid header, expected "== /proc/PID/fdinfo/FD" or "== /proc/PID/map_files/START-END"', text: raw.slice(0, 200) });
        current = null;
        continue;
      }
      const pid = header[1] === undefined ? null : Number(header[1]);
      if (header[2] === 'fdinfo') {
        if (!/^\d{1,10}$/.test(header[3])) {
          issues.push({ line: lineNumber, reason: `invalid fd number "${header[3]}"`, text: raw.slice(0, 200) });
          current = null;
          continue;
        }
        current = emptyBlock(lineNumber, pid, Number(header[3]), null);
      } else {
        if (!MAP_RANGE.test(header[3])) {
          issues.push({ line: lineNumber, reason: `invalid map_files range "${header[3]}"`, text: raw.slice(0, 200) });
          current = null;
          continue;
        }
        current = emptyBlock(lineNumber, pid, null, header[3]);
      }
      blocks.push(current);
      continue;
    }

    const field = FIELD.exec(raw);
    if (current === null) {
      if (blocks.length > 0 || issues.length > 0 || field === null) {
        // Lines after an invalid header belong to no fd, and a headerless file starts with a
        // field such as "pos:"; skip such lines with one issue each.
        issues.push({ line: lineNumber, reason: `not understood: ${field === null ? 'expected "key: value" or a "== /proc/PID/fdinfo/N" header' : 'a field outside a valid fdinfo block'}`, text: raw.slice(0, 200) });
        continue;
      }
      current = emptyBlock(lineNumber, null, null, null);
      blocks.push(current);
    }
    if (field) applyField(current, field[1].trim(), field[2], lineNumber, issues);
    else current.rawLines.push(raw);
  }
  return { blocks, issues };
}

/** One entry of `ls -l /proc/PID/fd` or `ls -l /proc/PID/map_files`. */
export interface LinkEntry {
  line: number;
  /** The fd number, or the `start-end` range of a map_files entry. */
  name: string;
  /** Link target as `ls` prints it: a path, `pipe:[N]`, `socket:[N]`, `anon_inode:[…]`, … */
  target: string;
}

/**
 * Parses `ls -l` output of /proc/PID/fd or /proc/PID/map_files (the `name -> target` part of each
 * line; `total N` is skipped). Lines without ` -> ` become issues.
 */
export function parseLinkListing(text: string): { entries: LinkEntry[]; issues: ParseIssue[] } {
  const entries: LinkEntry[] = [];
  const issues: ParseIssue[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index].endsWith('\r') ? lines[index].slice(0, -1) : lines[index];
    if (raw.trim() === '' || /^total \d+$/.test(raw.trim())) continue;
    const match = / ([0-9]{1,10}|[0-9a-f]{1,16}-[0-9a-f]{1,16}) -> (.*)$/.exec(raw);
    if (match) entries.push({ line: index + 1, name: match[1], target: match[2] });
    else issues.push({ line: index + 1, reason: 'not an "ls -l" line with "name -> target"', text: raw.slice(0, 200) });
  }
  return { entries, issues };
}

/** `root`, `cwd` and `exe` link targets from lines like `readlink /proc/23349/cwd: /`. */
export interface ProcessLinks {
  pid: number | null;
  root: string | null;
  cwd: string | null;
  exe: string | null;
}

/** Reads the `readlink /proc/PID/{root,cwd,exe}: target` lines of a root-and-ns.txt capture. */
export function parseProcessLinks(text: string): ProcessLinks {
  const links: ProcessLinks = { pid: null, root: null, cwd: null, exe: null };
  for (const raw of text.split('\n')) {
    const match = /^readlink \/proc\/(\d{1,10})\/(root|cwd|exe): (.*)$/.exec(raw.replace(/\r$/, ''));
    if (!match) continue;
    links.pid = Number(match[1]);
    links[match[2] as 'root' | 'cwd' | 'exe'] = match[3];
  }
  return links;
}
