import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { LogFileError, readLogFile, type ReadLogFileOptions } from '../../../src/node/readLogFile';

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

async function readLines(file: string, options?: ReadLogFileOptions) {
  const lines: string[] = [];
  const stats = await readLogFile(file, (line) => lines.push(line), options);
  return { lines, stats };
}

async function rejection(promise: Promise<unknown>): Promise<LogFileError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof LogFileError, `expected LogFileError, got ${String(error)}`);
  return error;
}

describe('readLogFile', () => {
  it('splits LF lines', async () => {
    const { lines, stats } = await readLines(await fileWith('lf.log', 'a\nb\n\nc\n'));
    assert.deepEqual(lines, ['a', 'b', '', 'c']);
    assert.equal(stats.lineCount, 4);
    assert.equal(stats.crlfLines, 0);
  });

  it('strips CR of CRLF lines', async () => {
    const { lines, stats } = await readLines(await fileWith('crlf.log', '(00.000071) Version: 4.1.1 (gitid 0)\r\nb\r\nc'));
    assert.deepEqual(lines, ['(00.000071) Version: 4.1.1 (gitid 0)', 'b', 'c']);
    assert.equal(stats.crlfLines, 2);
  });

  it('delivers a last line without terminator', async () => {
    const { lines } = await readLines(await fileWith('tail.log', 'a\nlast'));
    assert.deepEqual(lines, ['a', 'last']);
  });

  it('keeps characters split between chunks', async () => {
    // The stream reads 256 KiB chunks; put a three-byte character across the first boundary.
    const prefix = 'x'.repeat(256 * 1024 - 1);
    const { lines } = await readLines(await fileWith('utf8.log', `${prefix}€\nnext\n`), { maxLineBytes: 1024 * 1024 });
    assert.equal(lines[0]!.length, prefix.length + 1);
    assert.equal(lines[0]!.slice(-2), 'x€');
    assert.equal(lines[1], 'next');
  });

  it('cuts a 10 MB single line', async () => {
    const file = await fileWith('long.log', Buffer.alloc(10 * 1024 * 1024, 'y'));
    const { lines, stats } = await readLines(file);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.length, 64 * 1024);
    assert.equal(stats.truncatedLineCount, 1);
    assert.deepEqual(stats.truncatedLines, [1]);
    assert.equal(stats.totalBytes, 10 * 1024 * 1024);
  });

  it('cuts only the long lines', async () => {
    const file = await fileWith('mixed.log', `short\n${'z'.repeat(100)}\r\nafter\n`);
    const { lines, stats } = await readLines(file, { maxLineBytes: 10 });
    assert.deepEqual(lines, ['short', 'zzzzzzzzzz', 'after']);
    assert.deepEqual(stats.truncatedLines, [2]);
  });

  it('reports progress up to the file size', async () => {
    const file = await fileWith('progress.log', 'line\n'.repeat(200_000));
    const reports: number[] = [];
    await readLines(file, { onProgress: (bytesRead, totalBytes) => reports.push(bytesRead / totalBytes) });
    assert.ok(reports.length > 1, `expected several progress reports, got ${reports.length}`);
    assert.equal(reports.at(-1), 1);
  });

  it('rejects a missing file', async () => {
    const error = await rejection(readLines(path.join(directory, 'missing.log')));
    assert.equal(error.reason, 'not-found');
    assert.match(error.message, /missing\.log/);
  });

  it('rejects a directory', async () => {
    const folder = path.join(directory, 'checkpoint');
    await mkdir(folder);
    const error = await rejection(readLines(folder));
    assert.equal(error.reason, 'is-directory');
    assert.match(error.message, /is a directory.*dump\.log/);
  });

  it('rejects an empty file', async () => {
    const error = await rejection(readLines(await fileWith('empty.log', '')));
    assert.equal(error.reason, 'empty');
    assert.match(error.message, /empty\.log/);
  });

  it('rejects binary content', async () => {
    const error = await rejection(readLines(await fileWith('pages-1.img', Buffer.from([0x43, 0x52, 0x00, 0x01, 0x0a]))));
    assert.equal(error.reason, 'binary');
    assert.match(error.message, /NUL byte at offset 2/);
  });

  it('rejects a FIFO', async () => {
    const fifo = path.join(directory, 'pipe.log');
    execFileSync('mkfifo', [fifo]);
    const error = await rejection(readLines(fifo));
    assert.equal(error.reason, 'not-a-file');
  });

  it('rejects an unreadable file', { skip: process.getuid?.() === 0 ? 'root reads any file' : false }, async () => {
    const file = await fileWith('secret.log', 'a\n');
    await chmod(file, 0o000);
    const error = await rejection(readLines(file));
    assert.equal(error.reason, 'unreadable');
    assert.match(error.message, /secret\.log/);
  });

  it('stops on abort', async () => {
    const file = await fileWith('abort.log', 'line\n'.repeat(500_000));
    const controller = new AbortController();
    let seen = 0;
    const reading = readLogFile(file, () => {
      if (++seen === 10) controller.abort();
    }, { signal: controller.signal });
    await assert.rejects(reading, { name: 'AbortError' });
    assert.ok(seen < 500_000, `read all ${seen} lines despite the abort`);
  });
});
