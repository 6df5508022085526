import { stat } from 'node:fs/promises';

/** Reason a log file cannot be read. Each value has one user-facing message in `LogFileError`. */
export type LogFileErrorReason = 'not-found' | 'is-directory' | 'not-a-file' | 'unreadable' | 'empty' | 'binary' | 'read-failed' | 'not-a-log';

/** Error for a log file that cannot be analyzed. The message names the path and the next step. */
export class LogFileError extends Error {
  override readonly name = 'LogFileError';

  constructor(
    readonly reason: LogFileErrorReason,
    readonly path: string,
    message: string,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

export interface ReadLogFileOptions {
  /** Aborting rejects the read with an `AbortError` and closes the file. */
  signal?: AbortSignal;
  /** Called after each chunk with the bytes read so far and the file size in bytes (0 for a pipe). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Maximum line length in bytes that is analysed; longer lines are cut to this length. Default
   * 65,536. CRIU's own lines are far shorter, so a longer line is usually pasted or foreign text.
   */
  maxLineBytes?: number;
  /** Name for the input in error messages, e.g. `standard input`; default the path. */
  displayName?: string;
}

export interface LogFileStats {
  path: string;
  totalBytes: number;
  lineCount: number;
  /** Lines that ended in CR LF; the CR is removed before analysis. */
  crlfLines: number;
  /** 1-based numbers of the first lines cut to `maxLineBytes` (at most 10 are kept). */
  truncatedLines: number[];
  truncatedLineCount: number;
  maxLineBytes: number;
}

/** Bytes at the start of a file that decide whether it is text. */
export const BINARY_SNIFF_BYTES = 64 * 1024;

/**
 * Return the offset of the first byte that marks `sniffed` (the start of a file) as binary, or -1 for
 * text. CRIU images start with a magic number that contains NUL bytes, and raw memory pages are full
 * of control bytes. A log that a crash padded with a run of NULs, or with a stray control byte, is
 * still text. So the input is binary with a NUL in its first 16 bytes. It is also binary when more
 * than a tenth of the sniffed bytes are control bytes, not counting tab, line ends, form feed, escape
 * and NUL runs of 64 bytes or more.
 */
export function binaryOffset(sniffed: Uint8Array): number {
  let controls = 0;
  let first = -1;
  let index = 0;
  while (index < sniffed.length) {
    const byte = sniffed[index];
    if (byte >= 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0c || byte === 0x1b) {
      index++;
      continue;
    }
    if (byte === 0 && index < 16) return index;
    let runEnd = index + 1;
    if (byte === 0) while (runEnd < sniffed.length && sniffed[runEnd] === 0) runEnd++;
    if (byte !== 0 || runEnd - index < 64) {
      if (first < 0) first = index;
      controls += runEnd - index;
    }
    index = runEnd;
  }
  return controls * 10 > sniffed.length ? first : -1;
}

export function binaryError(displayName: string, offset: number): LogFileError {
  return new LogFileError(
    'binary',
    displayName,
    `${displayName} contains binary data (a control byte at offset ${offset}), so it is not a CRIU log. Pick the text log, e.g. dump.log, not an image file such as pages-1.img.`,
  );
}

export function emptyError(displayName: string): LogFileError {
  return new LogFileError('empty', displayName, `${displayName} is empty. CRIU writes its log while it runs; check that the checkpoint or restore was started with this log path.`);
}

/**
 * Check that `path` can be read as a log: a regular file, a pipe, or a file that reports size 0 but
 * has content, as /proc files do. Returns the size (0 when unknown), or rejects with `LogFileError`.
 */
export async function checkLogFile(path: string, displayName = path): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new LogFileError('not-found', displayName, `Log file not found: ${displayName}. Check the path; podman writes dump.log into the container's StaticDir (podman inspect --format '{{.StaticDir}}').`, code);
    }
    throw unreadable(displayName, error);
  }

  if (info.isDirectory()) {
    throw new LogFileError('is-directory', displayName, `${displayName} is a directory, not a log file. Pick the dump.log or restore.log inside it.`);
  }
  if (!info.isFile() && !info.isFIFO()) {
    throw new LogFileError('not-a-file', displayName, `${displayName} is not a regular file or a pipe (a device or socket). Copy the log into a file, or pipe it into "checkpoint-lens explain -".`);
  }
  return info.isFile() ? info.size : 0;
}

export function unreadable(displayName: string, error: unknown): LogFileError {
  const code = errorCode(error);
  const hint = code === 'EACCES' || code === 'EPERM' ? ' CRIU logs are often owned by root; copy the file or change its permissions.' : '';
  return new LogFileError('unreadable', displayName, `Cannot read ${displayName}: ${describeError(error, displayName)}.${hint}`, code);
}

export function readFailed(displayName: string, error: unknown): LogFileError {
  const code = errorCode(error);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') return unreadable(displayName, error);
  return new LogFileError('read-failed', displayName, `Reading ${displayName} failed: ${describeError(error, displayName)}.`, code);
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** Node's message without the path it repeats, e.g. `ENAMETOOLONG: name too long, stat '<path>'`. */
function describeError(error: unknown, displayName: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(`, stat '${displayName}'`, '').replace(`, open '${displayName}'`, '').replace(` '${displayName}'`, '');
}
