import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

/** Reason a log file cannot be read. Each value has one user-facing message in `LogFileError`. */
export type LogFileErrorReason = 'not-found' | 'is-directory' | 'not-a-file' | 'unreadable' | 'empty' | 'binary' | 'read-failed';

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
  /** Called after each chunk with the bytes read so far and the file size in bytes. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Maximum line length in bytes passed to `onLine`. Longer lines are cut to this length.
   * Default 65,536. CRIU's own lines are far shorter, so a longer line is usually pasted or foreign text.
   */
  maxLineBytes?: number;
}

export interface LogFileStats {
  path: string;
  totalBytes: number;
  lineCount: number;
  /** Lines that ended in CR LF. The CR is removed before the line is passed to `onLine`. */
  crlfLines: number;
  /** 1-based numbers of the first lines cut to `maxLineBytes` (at most 10 are kept). */
  truncatedLines: number[];
  truncatedLineCount: number;
  maxLineBytes: number;
}

const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
const TRUNCATED_LINES_KEPT = 10;
/** Bytes at the start of the file checked for NUL bytes; text logs never contain one. */
const BINARY_SNIFF_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Streams a text file line by line without loading it whole, so it works on logs of any size.
 *
 * Lines reach `onLine` in order without their LF or CR LF terminator. A final line without a
 * terminator is delivered too. Rejects with `LogFileError` for a missing path, a directory, an
 * unreadable or empty file, and a file whose first 64 KiB contain a NUL byte (binary content).
 */
export async function readLogFile(
  path: string,
  onLine: (line: string) => void,
  options: ReadLogFileOptions = {},
): Promise<LogFileStats> {
  const totalBytes = await checkLogFile(path);
  options.signal?.throwIfAborted();

  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const splitter = new LineSplitter(maxLineBytes, onLine);
  let bytesRead = 0;

  const stream = createReadStream(path, { signal: options.signal, highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (bytesRead < BINARY_SNIFF_BYTES) rejectBinary(path, chunk, bytesRead);
      bytesRead += chunk.length;
      splitter.push(chunk);
      options.onProgress?.(bytesRead, totalBytes);
    }
  } catch (error) {
    if (error instanceof LogFileError || isAbortError(error)) throw error;
    throw readFailed(path, error);
  }
  splitter.end();

  return {
    path,
    totalBytes: bytesRead,
    lineCount: splitter.lineCount,
    crlfLines: splitter.crlfLines,
    truncatedLines: splitter.truncatedLines,
    truncatedLineCount: splitter.truncatedLineCount,
    maxLineBytes,
  };
}

/** Returns the size of the file at `path`, or rejects with a `LogFileError` saying why it cannot be read as a log. */
export async function checkLogFile(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new LogFileError('not-found', path, `Log file not found: ${path}. Check the path; podman writes dump.log into the checkpoint work directory.`, code);
    }
    throw unreadable(path, error);
  }

  if (info.isDirectory()) {
    throw new LogFileError('is-directory', path, `${path} is a directory, not a log file. Pick the dump.log or restore.log inside it.`);
  }
  if (!info.isFile()) {
    throw new LogFileError('not-a-file', path, `${path} is not a regular file (a device, socket or pipe). Copy the log into a file and analyze that.`);
  }
  if (info.size === 0) {
    throw new LogFileError('empty', path, `Log file is empty: ${path}. CRIU writes its log while it runs. Check that the checkpoint or restore was started with this log path.`);
  }
  return info.size;
}

function rejectBinary(path: string, chunk: Buffer, offset: number): void {
  const sniffed = chunk.subarray(0, BINARY_SNIFF_BYTES - offset);
  const nul = sniffed.indexOf(0);
  if (nul < 0) return;
  throw new LogFileError(
    'binary',
    path,
    `${path} contains binary data (a NUL byte at offset ${offset + nul}), so it is not a CRIU log. Pick the text log, e.g. dump.log, not an image file such as pages-1.img.`,
  );
}

function unreadable(path: string, error: unknown): LogFileError {
  const code = errorCode(error);
  const hint = code === 'EACCES' || code === 'EPERM' ? ' CRIU logs are often owned by root; copy the file or change its permissions.' : '';
  return new LogFileError('unreadable', path, `Cannot read ${path}: ${describeError(error)}.${hint}`, code);
}

function readFailed(path: string, error: unknown): LogFileError {
  const code = errorCode(error);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') return unreadable(path, error);
  return new LogFileError('read-failed', path, `Reading ${path} failed: ${describeError(error)}.`, code);
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * Splits byte chunks into lines at LF. Works on bytes, not strings, so a multi-byte UTF-8
 * character is never split between chunks, and a line longer than the limit is cut without
 * ever holding more than `maxLineBytes` of it in memory.
 */
class LineSplitter {
  lineCount = 0;
  crlfLines = 0;
  truncatedLineCount = 0;
  readonly truncatedLines: number[] = [];

  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private truncating = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline < 0) {
        this.keep(chunk.subarray(start));
        return;
      }
      this.keep(chunk.subarray(start, newline));
      this.emit(true);
      start = newline + 1;
    }
  }

  end(): void {
    if (this.pendingBytes > 0 || this.truncating) this.emit(false);
  }

  private keep(part: Buffer): void {
    const room = this.maxLineBytes - this.pendingBytes;
    if (part.length > room) this.truncating = true;
    const kept = part.length > room ? part.subarray(0, room) : part;
    if (kept.length === 0) return;
    // Copy, so that a short pending piece does not keep the whole 256 KiB chunk in memory.
    this.pending.push(Buffer.from(kept));
    this.pendingBytes += kept.length;
  }

  private emit(terminated: boolean): void {
    let bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.lineCount++;

    if (terminated && !this.truncating && bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) {
      bytes = bytes.subarray(0, bytes.length - 1);
      this.crlfLines++;
    }
    if (this.truncating) {
      this.truncatedLineCount++;
      if (this.truncatedLines.length < TRUNCATED_LINES_KEPT) this.truncatedLines.push(this.lineCount);
    }

    // A fresh decoder per line: a cut line may end inside a character, which becomes U+FFFD.
    this.onLine(new StringDecoder('utf8').end(bytes));
    this.pending = [];
    this.pendingBytes = 0;
    this.truncating = false;
  }
}
