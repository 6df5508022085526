import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { InputFileError, MAX_INPUT_BYTES, readInputFile } from '../../../src/cli/inputFile';

const scratch = mkdtempSync(join(tmpdir(), 'checkpoint-lens-input-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const EXPECTED = '/proc/PID/maps of the container process';

describe('CLI input files', () => {
  test('regular file reads', () => {
    const file = join(scratch, 'maps');
    writeFileSync(file, '00400000-00401000 r-xp 00000000 fe:00 12 /bin/app\n');
    assert.equal(readInputFile(file, '--maps', EXPECTED), '00400000-00401000 r-xp 00000000 fe:00 12 /bin/app\n');
  });

  test('/proc file of size 0 reads', () => {
    assert.match(readInputFile('/proc/self/maps', '--maps', EXPECTED), /^[0-9a-f]+-[0-9a-f]+ /);
  });

  test('FIFO rejected without blocking', () => {
    const fifo = join(scratch, 'fifo');
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => readInputFile(fifo, '--maps', EXPECTED), (error: Error) => error instanceof InputFileError && error.message === `cannot read --maps ${fifo}: it is a FIFO, not a regular file; save ${EXPECTED} to a file and give its path`);
  });

  test('device rejected', () => {
    assert.throws(() => readInputFile('/dev/zero', '--mountinfo', EXPECTED), /cannot read --mountinfo \/dev\/zero: it is a character device, not a regular file/);
  });

  test('standard input rejected', () => {
    assert.throws(() => readInputFile('-', '--maps', EXPECTED), /--maps does not read standard input; save \/proc\/PID\/maps of the container process to a file/);
  });

  test('file over the limit', () => {
    const file = join(scratch, 'large');
    writeFileSync(file, 'x'.repeat(3 * 1024 * 1024));
    assert.throws(() => readInputFile(file, '--maps', EXPECTED, 1024 * 1024), new RegExp(`^InputFileError: --maps ${file} is too large: 3\\.0 MiB, and the limit is 1\\.0 MiB\\. Give ${EXPECTED.replace(/[/]/g, '\\/')}, not another file\\.$`));
  });

  test('size 0 file over the limit', () => {
    // /proc files report size 0, so the limit also applies to the bytes read.
    assert.throws(() => readInputFile('/proc/self/maps', '--maps', EXPECTED, 16), /--maps \/proc\/self\/maps is too large: more than 0\.0 MiB/);
  });

  test('limit below V8 string length', () => {
    // Decoding UTF-8 never gives more UTF-16 units than bytes.
    assert.ok(MAX_INPUT_BYTES < 0x1fffffe8);
  });

  test('missing file named', () => {
    assert.throws(() => readInputFile(join(scratch, 'absent'), '--fdinfo', EXPECTED), /cannot read --fdinfo .*absent: no such file/);
  });
});
