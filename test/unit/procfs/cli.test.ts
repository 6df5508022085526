import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { GapReport } from '../../../src/model/procfs/analyzeGaps';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'main.ts');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'procfs');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runGaps(args: string[]): Run {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'gaps', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function plainArgs(folder: string): string[] {
  const file = (name: string): string => join(FIXTURES, folder, name);
  return [
    '--mountinfo',
    file('mountinfo.txt'),
    '--maps',
    file('maps.txt'),
    '--fdinfo',
    file('fdinfo.txt'),
    '--fds',
    file('fd.txt'),
    '--runtime-mountinfo',
    file('conmon-mountinfo.txt'),
    '--host-mountinfo',
    file('host-mountinfo.txt'),
    '--cmdline',
    file('cmdline.txt'),
    '--log',
    file('dump.log'),
  ];
}

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'checkpoint-lens-gaps-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('checkpoint-lens gaps', () => {
  test('wasm snapshot as JSON', () => {
    const run = runGaps(['--snapshot', join(FIXTURES, 'wasm-crun-wasmedge', 'snapshot.json'), '--log', join(FIXTURES, 'wasm-crun-wasmedge', 'dump.log'), '--json']);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as GapReport;
    for (const key of ['mounts', 'mappings', 'fds', 'gaps', 'idGaps'] as const) assert.ok(Array.isArray(report[key]), key);
    const [first] = report.gaps;
    assert.equal(first.kind, 'mapping');
    assert.equal(first.pid, 23349);
    assert.equal(first.path, '/');
    assert.equal(first.mntId, 174);
    assert.equal(first.where, 'detached');
    assert.equal(first.owner, 'runtime-binary');
    assert.equal(first.logLine, 338);
    assert.ok(first.advice.length > 0);
    assert.equal(report.idGaps[0].from, 174);
  });

  test('gap-fd plain files as text', () => {
    const run = runGaps(plainArgs('gap-fd'));
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /1 gap /);
    assert.match(run.stdout, /fd 3 \/root\/hostfile\.txt/);
    assert.match(run.stdout, /where: runtime, mount 128 \(from fdinfo\)/);
    assert.match(run.stdout, /log line 431: Can't lookup mount=128 for fd=3/);
  });

  test('gap-map plain files as JSON', () => {
    const run = runGaps([...plainArgs('gap-map'), '--json']);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as GapReport;
    assert.equal(report.gaps.length, 1);
    assert.equal(report.gaps[0].kind, 'mapping');
    assert.equal(report.gaps[0].mntId, 128);
    assert.equal(report.gaps[0].logLine, 351);
  });

  test('no gaps exits 0', () => {
    const mountinfo = join(scratch, 'mountinfo');
    const maps = join(scratch, 'maps');
    writeFileSync(mountinfo, '20 1 0:50 / / rw - overlay overlay rw\n');
    writeFileSync(maps, '00400000-00401000 r-xp 00000000 00:32 7                          /app\n7ffcfb6a1000-7ffcfb6c2000 rw-p 00000000 00:00 0                          [stack]\n');
    const run = runGaps(['--mountinfo', mountinfo, '--maps', maps, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as GapReport;
    assert.deepEqual(report.gaps, []);
    assert.equal(report.mappings[0].placement.where, 'container');
  });

  test('usage errors exit 2', () => {
    const cases: [string[], RegExp][] = [
      [[], /missing --mountinfo and --maps/],
      [['--mountinfo', join(FIXTURES, 'gap-fd', 'mountinfo.txt')], /missing --maps/],
      [['--container', 'web', '--pid', '1'], /give either --container or --pid, not both/],
      [['--pid', '12x'], /--pid must be a positive decimal process ID, got "12x"/],
      [['--container', 'web', '--maps', 'x'], /collect the files themselves; leave out --maps/],
      [['--pid', '1', '--host-prefix-json', '["sudo" "-n"]'], /--host-prefix-json is not valid JSON/],
      [['--snapshot', join(scratch, 'absent.json')], /cannot read --snapshot .*absent\.json: no such file/],
      [['--snapshot', join(FIXTURES, 'wasm-crun-wasmedge', 'snapshot.json'), '--maps', 'x'], /--snapshot cannot be combined with --maps/],
      [['--bogus'], /^checkpoint-lens gaps: unknown option --bogus\nRun "checkpoint-lens gaps --help"/],
      [['--pid', '-5'], /--pid needs a value; to give a value that starts with "-", write --pid=VALUE/],
      [['--pid'], /^checkpoint-lens gaps: --pid needs a value\n/],
      [['stray'], /unexpected argument "stray"/],
    ];
    for (const [args, message] of cases) {
      const run = runGaps(args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
      assert.equal(run.stdout, '', args.join(' '));
    }
  });

  test('unreadable inputs exit 2', () => {
    const badJson = join(scratch, 'bad.json');
    writeFileSync(badJson, '{"version": 2}');
    const run = runGaps(['--snapshot', badJson]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /snapshot version 2; this checkpoint-lens reads version 1 only/);

    const notMountinfo = join(scratch, 'not-mountinfo');
    writeFileSync(notMountinfo, 'hello\n');
    const noMounts = runGaps(['--mountinfo', notMountinfo, '--maps', notMountinfo]);
    assert.equal(noMounts.status, 2);
    assert.match(noMounts.stderr, /no valid line \(line 1: expected at least 10/);

    const notLog = runGaps([...plainArgs('gap-fd').slice(0, -2), '--log', notMountinfo]);
    assert.equal(notLog.status, 2);
    assert.match(notLog.stderr, /contains no line of CRIU/);
  });

  test('help exits 0', () => {
    const run = runGaps(['--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /Usage: checkpoint-lens gaps --snapshot FILE/);
  });
});

describe('gaps text output and exit status', () => {
  const mountinfo = join(FIXTURES, 'gap-map', 'mountinfo.txt');

  test('control characters in paths escaped', () => {
    // Two file names: one with an escape sequence that clears the screen and retitles the
    // terminal, one with a newline (\012 in maps) that would start a fake line of output.
    const maps = join(scratch, 'hostile-maps');
    writeFileSync(
      maps,
      '7fc000005000-7fc000006000 r--p 00000000 01:2e 15 /esc\u001b[2J\u001b]0;PWNED\u0007/x\n7fc000006000-7fc000007000 r--p 00000000 01:2f 16 /nl\\012FAKE: no gaps/x\n',
    );
    const run = runGaps(['--mountinfo', mountinfo, '--maps', maps]);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(run.stdout), false);
    assert.match(run.stdout, /^mapping of \/esc\\x1b\[2J\\x1b\]0;PWNED\\x07\/x \(1 range/m);
    assert.match(run.stdout, /^mapping of \/nl\\nFAKE: no gaps\/x \(1 range/m);
    assert.equal(/^FAKE/m.test(run.stdout), false);
  });

  test('empty maps exit 2', () => {
    const empty = join(scratch, 'empty-maps');
    writeFileSync(empty, '');
    const run = runGaps(['--mountinfo', mountinfo, '--maps', empty]);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, new RegExp(`^checkpoint-lens gaps: ${empty}: the maps of the process are empty, so it has no user memory: it is a kernel thread or a zombie, and CRIU cannot checkpoint it`));
  });

  test('garbage maps named', () => {
    const garbage = join(scratch, 'garbage-maps');
    writeFileSync(garbage, 'not maps\n');
    const run = runGaps(['--mountinfo', mountinfo, '--maps', garbage]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, new RegExp(`^checkpoint-lens gaps: ${garbage}: the maps file has no valid line`));
  });

  test('kernel threads summarised in one note', () => {
    const snapshot = JSON.parse(readFileSync(join(FIXTURES, 'wasm-crun-wasmedge', 'snapshot.json'), 'utf8')) as { processes?: unknown[]; mountinfo: string };
    snapshot.processes = [3, 4, 5].map((pid) => ({ pid, mountinfo: snapshot.mountinfo, maps: '' }));
    const file = join(scratch, 'kernel-threads.json');
    writeFileSync(file, JSON.stringify(snapshot));
    const run = runGaps(['--snapshot', file]);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stdout.match(/^note: 3 other processes have empty maps, so no user memory \(kernel threads or zombies\), and are not analysed: pid 3, 4, 5\.$/gm)?.length, 1);
    assert.equal(/, pid [345]:/.test(run.stdout), false);
  });

  test('full disk exits 4 without stack', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'gaps', '--snapshot', join(FIXTURES, 'wasm-crun-wasmedge', 'snapshot.json'), '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'],
    });
    assert.equal(result.status, 4);
    assert.equal(result.stderr, 'checkpoint-lens: cannot write standard output: ENOSPC: no space left on device, write\n');
  });

  test('closed pipe exits 4 quietly', () => {
    // The JSON report is about 170 kB, more than a pipe buffer, so the write fails after head exits.
    const command = `"${process.execPath}" --import tsx "${CLI}" gaps --snapshot "${join(FIXTURES, 'wasm-crun-wasmedge', 'snapshot.json')}" --json 2>"${join(scratch, 'epipe.err')}"; echo $? >"${join(scratch, 'epipe.status')}"`;
    spawnSync('sh', ['-c', `{ ${command}; } | head -c 10 >/dev/null`], { cwd: ROOT });
    assert.equal(readFileSync(join(scratch, 'epipe.status'), 'utf8'), '4\n');
    assert.equal(readFileSync(join(scratch, 'epipe.err'), 'utf8'), '');
  });
});
