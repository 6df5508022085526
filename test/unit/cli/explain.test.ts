import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { ExplainReport } from '../../../src/model/report';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'main.ts');
const WASM_LOG = join(ROOT, 'test', 'fixtures', 'local', 'mapping-gap-wasm-crun-wasmedge', 'wasm-tick-dump.log');
const GOOD_DUMP = join(ROOT, 'test', 'fixtures', 'local', 'trixie-podman5-criu4-bringup', 'trixie-runc-dump-ok.log');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], input?: string | Buffer): Run {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'checkpoint-lens-cli-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('checkpoint-lens explain', () => {
  test('wasm seed log as JSON', () => {
    const run = runCli(['explain', WASM_LOG, '--json']);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as ExplainReport;
    assert.equal(report.logKind, 'dump');
    assert.equal(report.outcome, 'failed');
    assert.equal(report.criuVersion, '4.1.1');
    assert.equal(report.rootCause?.line, 338);
    assert.equal(report.rootCause?.category, 'mount-lookup');
    assert.deepEqual(report.rootCause?.related, [339, 344]);
    assert.equal(report.rootCause?.sourceLocation?.url, 'https://github.com/checkpoint-restore/criu/blob/v4.1.1/criu/files-reg.c#L1790');
    assert.ok(report.rootCause!.fixes.length > 0, 'fixes');
    const rlimit = report.diagnostics.find((diagnostic) => diagnostic.line === 17);
    assert.equal(rlimit?.role, 'benign');
    assert.equal(rlimit?.severity, 'hint');
  });

  test('wasm seed log as text', () => {
    const run = runCli(['explain', WASM_LOG]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /Dump failed: /);
    assert.match(run.stdout, /Root cause, line 338 \[mount-lookup/);
    assert.match(run.stdout, /follow-on errors: line 339 .*line 344/);
  });

  test('successful dump exits 0', () => {
    const run = runCli(['explain', GOOD_DUMP, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as ExplainReport;
    assert.equal(report.outcome, 'succeeded');
    assert.equal(report.rootCause, null);
  });

  test('standard input with -', () => {
    const run = runCli(['explain', '-', '--json'], readFileSync(WASM_LOG));
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as ExplainReport;
    assert.equal(report.file, '-');
    assert.equal(report.rootCause?.line, 338);
  });

  test('CRLF log gives the same lines', () => {
    const path = join(scratch, 'crlf-dump.log');
    writeFileSync(path, readFileSync(WASM_LOG, 'utf8').replace(/\n/g, '\r\n'));
    const report = JSON.parse(runCli(['explain', path, '--json']).stdout) as ExplainReport;
    assert.equal(report.rootCause?.line, 338);
    assert.equal(report.rootCause?.message, "Can't lookup mount=174 for fd=-3 path=/");
  });

  test('pasted podman output', () => {
    const run = runCli(['explain', '-', '--json'], 'Error: checkpointing a container requires root\n');
    assert.equal(run.status, 1);
    const report = JSON.parse(run.stdout) as ExplainReport;
    assert.equal(report.logKind, 'terminal');
    assert.equal(report.rootCause?.category, 'permission');
  });

  test('non-CRIU text exits 2 naming it', () => {
    const run = runCli(['explain', join(ROOT, 'package.json')]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /package\.json contains no line of CRIU, podman, crun or runc/);
    assert.equal(run.stdout, '');
  });

  test('10 MB single line', () => {
    const path = join(scratch, 'one-line.log');
    writeFileSync(path, '(00.1) Error (criu/file-lock.c:112): Some file locks are hold by dumping tasks!You can try --file-locks to dump them. ' + 'x'.repeat(10 * 1024 * 1024));
    const run = runCli(['explain', path, '--json']);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as ExplainReport;
    assert.equal(report.lineCount, 1);
    assert.equal(report.rootCause?.category, 'file-locks');
  });

  test('empty standard input exits 2', () => {
    const run = runCli(['explain', '-'], '');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /standard input is empty/);
  });

  test('binary standard input exits 2', () => {
    const run = runCli(['explain', '-'], Buffer.from([0x54, 0x4e, 0x00, 0x01, 0x0a]));
    assert.equal(run.status, 2);
    assert.match(run.stderr, /standard input contains binary data/);
  });

  test('missing file exits 2 naming it', () => {
    const run = runCli(['explain', join(scratch, 'nope.log')]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /nope\.log/);
    assert.equal(run.stdout, '');
  });

  test('directory exits 2', () => {
    const run = runCli(['explain', scratch]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /directory/i);
  });

  test('empty file exits 2', () => {
    const path = join(scratch, 'empty.log');
    writeFileSync(path, '');
    const run = runCli(['explain', path]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /empty/i);
  });

  test('binary file exits 2', () => {
    const path = join(scratch, 'inventory.img');
    writeFileSync(path, Buffer.from([0x54, 0x4e, 0x00, 0x01, 0x00, 0xff, 0x10]));
    const run = runCli(['explain', path]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /binary|NUL/i);
  });

  test('unreadable file exits 2', () => {
    // Root reads any mode-000 file, but reading /proc/self/mem from offset 0 fails with EIO for root too.
    let path = '/proc/self/mem';
    if (process.getuid?.() !== 0) {
      path = join(scratch, 'secret.log');
      writeFileSync(path, 'x');
      chmodSync(path, 0o000);
    }
    const run = runCli(['explain', path]);
    assert.equal(run.status, 2, run.stdout);
    assert.match(run.stderr, /secret\.log|\/proc\/self\/mem/);
  });

  test('usage errors exit 2', () => {
    assert.equal(runCli([]).status, 2);
    assert.equal(runCli(['explain']).status, 2);
    assert.equal(runCli(['explain', 'a', 'b']).status, 2);
    const unknownOption = runCli(['explain', WASM_LOG, '--jsn']);
    assert.equal(unknownOption.status, 2);
    assert.match(unknownOption.stderr, /--jsn/);
    const unknownCommand = runCli(['explian', WASM_LOG]);
    assert.equal(unknownCommand.status, 2);
    assert.match(unknownCommand.stderr, /explian/);
  });
});
