import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { analyzeLogFile } from '../../../src/node/analyzeLogFile';
import { binaryOffset, LogFileError } from '../../../src/node/logFile';

let directory: string;

before(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'checkpoint-lens-read-'));
});

after(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function fileWith(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(directory, name);
  await writeFile(file, content);
  return file;
}

async function rejection(promise: Promise<unknown>): Promise<LogFileError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof LogFileError, `expected LogFileError, got ${String(error)}`);
  return error;
}

const ERROR_LINE = "(00.1) Error (criu/file-lock.c:112): Some file locks are hold by dumping tasks!You can try --file-locks to dump them.";

describe('analyzeLogFile input handling', () => {
  it('counts LF lines', async () => {
    const { stats, analysis } = await analyzeLogFile(await fileWith('lf.log', 'a\nb\n\nc\n'));
    assert.equal(stats.lineCount, 4);
    assert.equal(analysis.lineCount, 4);
    assert.equal(stats.crlfLines, 0);
  });

  it('strips CR of CRLF lines', async () => {
    const { stats, analysis } = await analyzeLogFile(await fileWith('crlf.log', `(00.000071) Version: 4.1.1 (gitid 0)\r\n${ERROR_LINE}\r\n(00.2) c`));
    assert.equal(stats.crlfLines, 2);
    assert.equal(analysis.facts.criuVersion, '4.1.1');
    assert.match(analysis.rootCause?.record.message ?? '', /dump them\.$/);
  });

  it('reads a last line without terminator', async () => {
    const { analysis } = await analyzeLogFile(await fileWith('tail.log', `a\n${ERROR_LINE}`));
    assert.equal(analysis.lineCount, 2);
    assert.equal(analysis.rootCause?.record.line, 2);
  });

  it('keeps characters split between chunks', async () => {
    // The scanner reads 4 MiB chunks; put a three-byte character across the first boundary.
    const start = '(00.1) Error (criu/x.c:1): ab';
    const filler = 'x'.repeat(4 * 1024 * 1024 - 1 - start.length - 1) + '\n';
    const { analysis } = await analyzeLogFile(await fileWith('utf8.log', `${filler}${start}€cd\n(00.2) next\n`));
    assert.equal(analysis.rootCause?.record.message, 'ab€cd');
    assert.equal(analysis.rootCause?.record.line, 2);
  });

  it('cuts a 10 MB single line', async () => {
    const file = await fileWith('long.log', Buffer.alloc(10 * 1024 * 1024, 'y'));
    const { stats } = await analyzeLogFile(file);
    assert.equal(stats.lineCount, 1);
    assert.equal(stats.truncatedLineCount, 1);
    assert.deepEqual(stats.truncatedLines, [1]);
    assert.equal(stats.totalBytes, 10 * 1024 * 1024);
  });

  it('cuts only the long lines', async () => {
    const file = await fileWith('mixed.log', `short\n${'z'.repeat(100)}\r\nafter\n`);
    const { stats } = await analyzeLogFile(file, { maxLineBytes: 10 });
    assert.deepEqual(stats.truncatedLines, [2]);
    assert.equal(stats.lineCount, 3);
  });

  it('reports progress up to the file size', async () => {
    const file = await fileWith('progress.log', '(00.1) line\n'.repeat(1_000_000));
    const reports: number[] = [];
    await analyzeLogFile(file, { onProgress: (bytesRead, totalBytes) => reports.push(bytesRead / totalBytes) });
    assert.ok(reports.length > 1, `expected several progress reports, got ${reports.length}`);
    assert.equal(reports.at(-1), 1);
  });

  it('rejects a missing file', async () => {
    const error = await rejection(analyzeLogFile(path.join(directory, 'missing.log')));
    assert.equal(error.reason, 'not-found');
    assert.match(error.message, /missing\.log/);
  });

  it('rejects a directory', async () => {
    const folder = path.join(directory, 'checkpoint');
    await mkdir(folder);
    const error = await rejection(analyzeLogFile(folder));
    assert.equal(error.reason, 'is-directory');
    assert.match(error.message, /is a directory.*dump\.log/);
  });

  it('rejects an empty file', async () => {
    const error = await rejection(analyzeLogFile(await fileWith('empty.log', '')));
    assert.equal(error.reason, 'empty');
    assert.match(error.message, /empty\.log/);
  });

  it('rejects a CRIU image', async () => {
    // The magic number at the start of a CRIU image contains NUL bytes.
    const error = await rejection(analyzeLogFile(await fileWith('pages-1.img', Buffer.from([0x43, 0x52, 0x00, 0x01, 0x0a]))));
    assert.equal(error.reason, 'binary');
    assert.match(error.message, /offset 2/);
  });

  it('reads a log with stray NUL bytes', async () => {
    const file = await fileWith('nul.log', Buffer.concat([Buffer.from(`${'(00.1) line\n'.repeat(100)}(00.2) Err\0or (criu/x.c:1): half\n`), Buffer.from(ERROR_LINE + '\n'), Buffer.alloc(200)]));
    const { analysis } = await analyzeLogFile(file);
    assert.equal(analysis.rootCause?.category, 'unknown');
    assert.equal(analysis.rootCause?.record.line, 101);
    assert.equal(analysis.findings.some((finding) => finding.category === 'file-locks'), true);
  });

  it('reads a FIFO', async () => {
    const fifo = path.join(directory, 'pipe.log');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf '%s\\n' "$1" > "$2"`, 'sh', ERROR_LINE, fifo]);
    const { analysis } = await analyzeLogFile(fifo);
    writer.kill();
    assert.equal(analysis.rootCause?.category, 'file-locks');
  });

  it('reads a /proc file that reports size 0', async () => {
    const { analysis, stats } = await analyzeLogFile('/proc/self/status');
    assert.ok(stats.totalBytes > 0);
    assert.ok(analysis.lineCount > 5);
  });

  it('rejects a file whose read fails', async () => {
    // Reading /proc/self/mem from offset 0 fails with EIO, for root too.
    const error = await rejection(analyzeLogFile('/proc/self/mem'));
    assert.equal(error.reason, 'read-failed');
    assert.match(error.message, /\/proc\/self\/mem/);
  });

  it('rejects an unreadable file', { skip: process.getuid?.() === 0 ? 'root reads any file' : false }, async () => {
    const file = await fileWith('secret.log', 'a\n');
    await chmod(file, 0o000);
    const error = await rejection(analyzeLogFile(file));
    assert.equal(error.reason, 'unreadable');
    assert.match(error.message, /secret\.log/);
  });

  it('names the input as told', async () => {
    const error = await rejection(analyzeLogFile(await fileWith('empty2.log', ''), { displayName: 'standard input' }));
    assert.match(error.message, /^standard input is empty/);
  });

  it('stops on abort', async () => {
    const file = await fileWith('abort.log', '(00.1) line\n'.repeat(2_000_000));
    const controller = new AbortController();
    let reports = 0;
    const reading = analyzeLogFile(file, {
      signal: controller.signal,
      onProgress: () => {
        if (++reports === 1) controller.abort();
      },
    });
    await assert.rejects(reading, { name: 'AbortError' });
    assert.equal(reports, 1);
  });
});

describe('binaryOffset', () => {
  it('finds NUL in an image header', () => {
    assert.equal(binaryOffset(Buffer.from([0x54, 0x4e, 0x00, 0x01])), 2);
  });

  it('accepts text with a few control bytes', () => {
    const text = Buffer.from(`${'(00.1) a line of text\n'.repeat(100)}\x07\x00`);
    assert.equal(binaryOffset(text), -1);
  });

  it('accepts a NUL padding run', () => {
    assert.equal(binaryOffset(Buffer.concat([Buffer.from('(00.1) text\n'.repeat(10)), Buffer.alloc(4096)])), -1);
  });

  it('rejects mostly control bytes', () => {
    const bytes = Buffer.concat([Buffer.from('(00.1) text at the start\n'), Buffer.alloc(1000, 1)]);
    assert.equal(binaryOffset(bytes), 25);
  });
});
