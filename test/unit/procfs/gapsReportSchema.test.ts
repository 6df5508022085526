import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { z } from 'zod';

import type { GapReport } from '../../../src/model/procfs/analyzeGaps';
import { gapsReportSchema } from '../../../src/model/procfs/gapsReportSchema';
import { assembleSnapshot, type Snapshot } from '../../../src/model/procfs/snapshot';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'main.ts');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'procfs');
const STACK_FOLDERS = ['gap-fd', 'gap-map', 'gap-map-runc', 'wasm-crun-wasmedge'];

function read(folder: string, name: string): string {
  return readFileSync(join(FIXTURES, folder, name), 'utf8');
}

/** Snapshot of a stack folder, assembled from its plain files as `gaps --mountinfo …` does. */
function folderSnapshot(folder: string): Snapshot {
  return assembleSnapshot({
    mountinfo: read(folder, 'mountinfo.txt'),
    maps: read(folder, 'maps.txt'),
    fdinfo: read(folder, 'fdinfo.txt'),
    fds: read(folder, 'fd.txt'),
    runtimeMountinfo: read(folder, 'conmon-mountinfo.txt'),
    hostMountinfo: read(folder, 'host-mountinfo.txt'),
    cmdline: read(folder, 'cmdline.txt'),
  });
}

/** Runs `gaps --json` and returns its parsed output. Exit status 0 (no gap) and 1 (gaps found) both print a report. */
function gapsJson(args: string[]): unknown {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'gaps', ...args, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.ok(result.status === 0 || result.status === 1, `gaps ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Validates the output. The GapReport return type makes tsc check that the schema's type is a GapReport. */
function assertValid(output: unknown, name: string): GapReport & { otherProcesses?: GapReport[] } {
  const result = gapsReportSchema.safeParse(output);
  assert.ok(result.success, `${name}: ${result.success ? '' : z.prettifyError(result.error)}`);
  return result.data;
}

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'checkpoint-lens-gaps-schema-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

function writeSnapshot(name: string, snapshot: Snapshot): string {
  const path = join(scratch, name);
  writeFileSync(path, JSON.stringify(snapshot));
  return path;
}

describe('gaps --json schema', () => {
  test('wasm snapshot with and without log', () => {
    const snapshot = join(FIXTURES, 'wasm-crun-wasmedge', 'snapshot.json');
    const withLog = assertValid(gapsJson(['--snapshot', snapshot, '--log', join(FIXTURES, 'wasm-crun-wasmedge', 'dump.log')]), 'with log');
    assert.ok(withLog.gaps.some((gap) => gap.logLine === 338), 'no gap tied to log line 338');
    assert.ok(withLog.mappings.length > 0, 'no mappings');
    assertValid(gapsJson(['--snapshot', snapshot]), 'without log');
  });

  for (const folder of STACK_FOLDERS) {
    test(`${folder} as snapshot and plain files`, () => {
      const log = join(FIXTURES, folder, 'dump.log');
      const fromSnapshot = assertValid(gapsJson(['--snapshot', writeSnapshot(`${folder}.json`, folderSnapshot(folder)), '--log', log]), `${folder} snapshot`);
      assert.ok(fromSnapshot.gaps.length > 0, `${folder}: no gap found`);
      assert.ok(fromSnapshot.mounts.some((mount) => mount.table === 'runtime'), `${folder}: no runtime mount`);

      const file = (name: string): string => join(FIXTURES, folder, name);
      const plain = gapsJson([
        '--mountinfo', file('mountinfo.txt'),
        '--maps', file('maps.txt'),
        '--fdinfo', file('fdinfo.txt'),
        '--fds', file('fd.txt'),
        '--runtime-mountinfo', file('conmon-mountinfo.txt'),
        '--host-mountinfo', file('host-mountinfo.txt'),
        '--cmdline', file('cmdline.txt'),
        '--log', log,
      ]);
      assertValid(plain, `${folder} plain files`);
    });
  }

  test('docker fdinfo without header or maps', () => {
    const snapshot = assembleSnapshot({ mountinfo: read('docker-ghost-067', 'mountinfo.txt'), maps: '', fdinfo: read('docker-ghost-067', 'fdinfo.txt') });
    const report = assertValid(gapsJson(['--snapshot', writeSnapshot('docker-ghost-067.json', snapshot)]), 'docker-ghost-067');
    assert.equal(report.fds.length, 1);
    assert.equal(report.fds[0].fd, null);
  });

  test('several processes and bad lines', () => {
    const first = folderSnapshot('wasm-crun-wasmedge');
    const second = folderSnapshot('gap-map');
    const snapshot: Snapshot = {
      ...first,
      pid: 100,
      maps: `${first.maps}not a maps line\n`,
      processes: [{ pid: 101, mountinfo: `${second.mountinfo}bad mountinfo line\n`, maps: second.maps, fdinfo: second.fdinfo, fds: second.fds }],
    };
    const report = assertValid(gapsJson(['--snapshot', writeSnapshot('processes.json', snapshot)]), 'two processes');
    assert.equal(report.otherProcesses?.length, 1);
    assert.equal(report.otherProcesses?.[0].pid, 101);
    assert.ok(report.issues.some((issue) => issue.input === 'maps'), 'maps issue missing');
    assert.ok(report.otherProcesses?.[0].issues.some((issue) => issue.input === 'mountinfo'), 'mountinfo issue missing');
  });

  test('rejects unknown field or value', () => {
    const output = gapsJson(['--snapshot', join(FIXTURES, 'wasm-crun-wasmedge', 'snapshot.json')]) as Record<string, unknown>;
    assert.equal(gapsReportSchema.safeParse({ ...output, extra: true }).success, false);
    const [gap] = (output as unknown as GapReport).gaps;
    assert.equal(gapsReportSchema.safeParse({ ...output, gaps: [{ ...gap, where: 'container' }] }).success, false);
  });

  test('published JSON Schema is up to date', () => {
    const published = JSON.parse(readFileSync(join(ROOT, 'docs', 'gaps-report.schema.json'), 'utf8')) as Record<string, unknown>;
    const generated = { title: published.title, ...z.toJSONSchema(gapsReportSchema) };
    assert.deepEqual(published, generated, 'run: node --import tsx scripts/write-report-schema.mjs');
  });
});
