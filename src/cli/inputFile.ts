/**
 * Reading of the CLI's input files (mountinfo, maps, fdinfo, snapshots, logs for `gaps`): regular
 * files only, with a size limit, so that /dev/zero, a FIFO without a writer or a huge file gives an
 * error instead of a hang or an out-of-memory crash.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Largest input file read, in bytes: 256 MiB. It is far above real /proc files and snapshots
 * (a process with 100,000 mappings has about 10 MB of maps) and below V8's maximum string length
 * (0x1fffffe8 UTF-16 units in Node 20), which UTF-8 text of this size cannot reach.
 */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** An input file that cannot be read; the message names the option, the file and what to give instead. */
export class InputFileError extends Error {
  override name = 'InputFileError';
}

const READ_ERRORS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a directory', ENXIO: 'no such device' };

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function describeFileType(stats: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isDirectory(): boolean }): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/**
 * Reads a regular file as UTF-8. `option` names the command-line option in messages, `expected`
 * describes what the file should be, e.g. "/proc/PID/maps of the container process". Files in /proc
 * report size 0, so the limit is checked on the bytes read, not on the size from stat.
 */
export function readInputFile(path: string, option: string, expected: string, maxBytes = MAX_INPUT_BYTES): string {
  if (path === '-') throw new InputFileError(`${option} does not read standard input; save ${expected} to a file and give its path`);
  let fd: number;
  try {
    // O_NONBLOCK, so that opening a FIFO without a writer returns at once; fstat then rejects it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(`cannot read ${option} ${path}: ${(code && READ_ERRORS[code]) ?? (error as Error).message}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InputFileError(`cannot read ${option} ${path}: it is ${describeFileType(stats)}, not a regular file; save ${expected} to a file and give its path`);
    if (stats.size > maxBytes) throw tooLarge(path, option, expected, stats.size, maxBytes);

    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, maxBytes + 1 - total));
      const count = readSync(fd, chunk, 0, chunk.length, null);
      if (count === 0) break;
      chunks.push(count === chunk.length ? chunk : chunk.subarray(0, count));
      total += count;
      if (total > maxBytes) throw tooLarge(path, option, expected, total, maxBytes);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(`cannot read ${option} ${path}: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, option: string, expected: string, size: number, maxBytes: number): InputFileError {
  return new InputFileError(`${option} ${path} is too large: ${size === maxBytes + 1 ? `more than ${mebibytes(maxBytes)}` : mebibytes(size)}, and the limit is ${mebibytes(maxBytes)}. Give ${expected}, not another file.`);
}
