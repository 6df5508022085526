import { open, type FileHandle } from 'node:fs/promises';

import { LogAnalyzer } from '../model/analyze';
import type { Analysis } from '../model/types';
import { createNewlineCounter, type NewlineCounter } from './newlineCounter';
import { BINARY_SNIFF_BYTES, binaryError, binaryOffset, checkLogFile, emptyError, LogFileError, readFailed, unreadable, type LogFileStats, type ReadLogFileOptions } from './logFile';

export { countNewlines } from './newlineCounter';

/**
 * Byte strings that every error and warning record contains, banners such as `Dumping FAILED.`
 * included, wherever CRIU or a wrapper put them on the line, plus `CRIU` for crun's failure line and
 * excerpt header. Each starts with a byte that is rare in `-v4` progress output, so `Buffer.indexOf`
 * skips through the text at memchr speed.
 *
 * NOTE: runc's logrus lines (`level=error msg="criu failed: ..."`) carry no marker, so in the middle of
 * a large file they are skipped. Pasted terminal output is short, so it falls in the head that is parsed whole.
 */
const MARKERS = ['Error', 'Warn', 'FAILED', 'CRIU'].map((marker) => Buffer.from(marker, 'latin1'));

/** Lines at the top that are always parsed whole: the header with version, kernel and root task. */
const HEAD_LINES = 400;
/**
 * Bytes at the end that are always parsed whole. Success banners (`Dumping finished successfully`)
 * are info lines without a marker, and CRIU prints them within the last few hundred lines.
 */
const TAIL_BYTES = 256 * 1024;
const CHUNK_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const TRUNCATED_LINES_KEPT = 10;

export interface LogFileAnalysis {
  analysis: Analysis;
  stats: LogFileStats;
}

export interface AnalyzeLogFileOptions extends ReadLogFileOptions {
  /** Lines at the top parsed whole; default 400. Tests lower it to exercise the marker path. */
  headLines?: number;
  /** Bytes at the end parsed whole; default 256 KiB. */
  tailBytes?: number;
}

/** Start offsets of the lines in `block[start, end)` that contain a marker, ascending and unique. */
function markedLineStarts(block: Buffer, start: number, end: number): number[] {
  const region = block.subarray(start, end);
  const starts: number[] = [];
  for (const marker of MARKERS) {
    let at = region.indexOf(marker);
    while (at >= 0) {
      starts.push(start + region.lastIndexOf(NEWLINE, at) + 1);
      const lineEnd = region.indexOf(NEWLINE, at);
      if (lineEnd < 0) break;
      at = region.indexOf(marker, lineEnd + 1);
    }
  }
  starts.sort((a, b) => a - b);
  return starts.filter((value, index) => index === 0 || value !== starts[index - 1]);
}

/**
 * Feeds a file's lines to a `LogAnalyzer` in order, with exact line numbers, decoding only the lines
 * that can matter: the head, the tail, every line with a marker and the line after it (which may
 * continue a multi-line message). The other lines are counted, not decoded.
 */
class LineScanner {
  lineCount = 0;
  crlfLines = 0;
  truncatedLineCount = 0;
  readonly truncatedLines: number[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingOverflow = false;

  constructor(
    private readonly analyzer: LogAnalyzer,
    private readonly maxLineBytes: number,
    private readonly headLines: number,
    /** File offset from which every line is parsed. */
    private readonly wholeFrom: number,
    private readonly newlines: NewlineCounter,
  ) {}

  /** Take the next chunk of the file; `fileOffset` is the offset of its first byte. */
  push(chunk: Buffer, fileOffset: number): void {
    let position = 0;
    if (this.pendingBytes > 0 || this.pendingOverflow) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) {
        this.keepPending(chunk);
        return;
      }
      this.keepPending(chunk.subarray(0, newline));
      this.flushPending();
      position = newline + 1;
    }
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline >= position) {
      this.scanLines(chunk, position, lastNewline + 1, fileOffset);
      position = lastNewline + 1;
    }
    if (position < chunk.length) this.keepPending(chunk.subarray(position));
  }

  /** Deliver a last line that has no line terminator. */
  end(): void {
    if (this.pendingBytes > 0 || this.pendingOverflow) this.flushPending();
  }

  /** Scan whole lines `block[start, end)`; `end` is just after a newline. */
  private scanLines(block: Buffer, start: number, end: number, fileOffset: number): void {
    let position = start;
    while (position < end && this.lineCount < this.headLines) position = this.decodeLine(block, position);
    if (position >= end) return;

    // Lines from the first one that starts at or after `wholeFrom` are parsed whole.
    let fastEnd = end;
    if (fileOffset + end > this.wholeFrom) {
      const boundary = Math.max(position, this.wholeFrom - fileOffset);
      fastEnd = boundary === position ? position : block.indexOf(NEWLINE, boundary - 1) + 1;
    }

    const marked = markedLineStarts(block, position, fastEnd);
    let decodedUntil = position;
    let next = 0;
    while (next < marked.length) {
      const lineStart = marked[next++];
      if (lineStart < decodedUntil) continue;
      this.skipLines(this.newlines.countIn(block, decodedUntil, lineStart));
      decodedUntil = this.decodeLine(block, lineStart);
      // Decode the lines that follow a marked line, since the first unmarked one may continue its message.
      while (decodedUntil < fastEnd) {
        const followerMarked = next < marked.length && marked[next] === decodedUntil;
        decodedUntil = this.decodeLine(block, decodedUntil);
        if (!followerMarked) break;
        next++;
      }
    }
    this.skipLines(this.newlines.countIn(block, decodedUntil, fastEnd));

    position = fastEnd;
    while (position < end) position = this.decodeLine(block, position);
  }

  private skipLines(count: number): void {
    if (count === 0) return;
    this.lineCount += count;
    this.analyzer.skipLines(count);
  }

  /** Decode the line starting at `start` and return the offset after its newline. */
  private decodeLine(block: Buffer, start: number): number {
    let end = block.indexOf(NEWLINE, start);
    if (end < 0) end = block.length;
    this.deliver(block, start, end, false);
    return end + 1;
  }

  private deliver(bytes: Buffer, start: number, end: number, overflowed: boolean): void {
    this.lineCount++;
    let stop = end;
    if (stop > start && bytes[stop - 1] === CARRIAGE_RETURN && !overflowed) {
      stop--;
      this.crlfLines++;
    }
    if (overflowed || stop - start > this.maxLineBytes) {
      stop = Math.min(stop, start + this.maxLineBytes);
      this.truncatedLineCount++;
      if (this.truncatedLines.length < TRUNCATED_LINES_KEPT) this.truncatedLines.push(this.lineCount);
    }
    const text = bytes.toString('utf8', start, stop);
    // A crash can pad a log with NUL bytes; they carry no text and would split CRIU's patterns.
    this.analyzer.pushLine(text.includes('\0') ? text.replace(/\0/g, '') : text);
  }

  /** Keep part of a line that continues in the next chunk, at most `maxLineBytes` of it. */
  private keepPending(part: Buffer): void {
    const room = this.maxLineBytes + 1 - this.pendingBytes;
    if (part.length > room) this.pendingOverflow = true;
    const kept = part.subarray(0, Math.max(0, Math.min(part.length, room)));
    if (kept.length === 0) return;
    // Copy, because the chunk buffer is reused for the next read.
    this.pending.push(Buffer.from(kept));
    this.pendingBytes += kept.length;
  }

  private flushPending(): void {
    const line = Buffer.concat(this.pending, this.pendingBytes);
    this.deliver(line, 0, line.length, this.pendingOverflow);
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingOverflow = false;
  }
}

/** Reads up to `target.length` bytes into `target` and returns the count, 0 at the end of the input. */
type ChunkReader = (target: Buffer) => Promise<number>;

interface ScanInput {
  read: ChunkReader;
  /** Size in bytes, or 0 when unknown (a pipe, a socket, a /proc file). */
  totalBytes: number;
  displayName: string;
  fileName?: string;
}

/**
 * Analyse a CRIU log of any size in bounded memory: two chunk buffers and the kept records. `path`
 * may be a regular file, a pipe or a /proc file. Rejects with `LogFileError` for a missing path, a
 * directory, an unreadable, empty or binary input, and with an `AbortError` when `signal` aborts.
 */
export async function analyzeLogFile(path: string, options: AnalyzeLogFileOptions = {}): Promise<LogFileAnalysis> {
  const displayName = options.displayName ?? path;
  const totalBytes = await checkLogFile(path, displayName);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw unreadable(displayName, error);
  }
  const read: ChunkReader = async (target) => {
    try {
      return (await handle.read(target, 0, target.length, null)).bytesRead;
    } catch (error) {
      throw readFailed(displayName, error);
    }
  };
  try {
    return await scanInput({ read, totalBytes, displayName, fileName: path }, options);
  } finally {
    await handle.close();
  }
}

/**
 * Analyse a CRIU log from a stream, such as standard input, which can be a socket that cannot be
 * opened again by path. Errors are those of `analyzeLogFile`.
 */
export async function analyzeLogStream(stream: AsyncIterable<Buffer | string>, options: AnalyzeLogFileOptions = {}): Promise<LogFileAnalysis> {
  const iterator = stream[Symbol.asyncIterator]();
  let pending: Buffer = Buffer.alloc(0);
  const displayName = options.displayName ?? 'standard input';
  const read: ChunkReader = async (target) => {
    if (pending.length === 0) {
      let next;
      try {
        next = await iterator.next();
      } catch (error) {
        throw readFailed(displayName, error);
      }
      if (next.done) return 0;
      pending = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
    const count = pending.copy(target, 0, 0, Math.min(pending.length, target.length));
    pending = pending.subarray(count);
    return count;
  };
  return scanInput({ read, totalBytes: 0, displayName }, options);
}

async function scanInput(input: ScanInput, options: AnalyzeLogFileOptions): Promise<LogFileAnalysis> {
  const { read, totalBytes, displayName } = input;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const analyzer = new LogAnalyzer({ fileName: input.fileName });
  // Input of unknown size counts as tail throughout and is parsed whole.
  const wholeFrom = totalBytes === 0 ? 0 : Math.max(0, totalBytes - (options.tailBytes ?? TAIL_BYTES));
  // Two halves: the next read fills one while the scanner works on the other.
  const newlines = createNewlineCounter(2 * CHUNK_BYTES);
  const halves = [newlines.buffer.subarray(0, CHUNK_BYTES), newlines.buffer.subarray(CHUNK_BYTES)];
  const scanner = new LineScanner(analyzer, maxLineBytes, options.headLines ?? HEAD_LINES, wholeFrom, newlines);

  // Reads go straight into the counter's buffer (WebAssembly memory where the engine runs it), so counting copies nothing.
  let current = 0;
  let nextRead = read(halves[current]);
  try {
    let bytesRead = 0;
    for (;;) {
      const count = await nextRead;
      if (count === 0) break;
      const chunk = halves[current].subarray(0, count);
      current = 1 - current;
      options.signal?.throwIfAborted();
      nextRead = read(halves[current]);

      if (bytesRead === 0) {
        // A pipe may deliver less than a chunk at first; the start of the input decides either way.
        const offset = binaryOffset(chunk.subarray(0, BINARY_SNIFF_BYTES));
        if (offset >= 0) throw binaryError(displayName, offset);
      }
      scanner.push(chunk, bytesRead);
      bytesRead += count;
      options.onProgress?.(bytesRead, totalBytes);
    }
    scanner.end();
    if (bytesRead === 0) throw emptyError(displayName);

    const stats: LogFileStats = {
      path: input.fileName ?? displayName,
      totalBytes: bytesRead,
      lineCount: scanner.lineCount,
      crlfLines: scanner.crlfLines,
      truncatedLines: scanner.truncatedLines,
      truncatedLineCount: scanner.truncatedLineCount,
      maxLineBytes,
    };
    return { analysis: analyzer.finish(), stats };
  } finally {
    // A read may still be under way after an error or an abort; it must end before the input closes.
    await nextRead.catch(() => 0);
  }
}

export { LogFileError };
