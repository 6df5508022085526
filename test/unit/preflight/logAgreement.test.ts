import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { analyzeText } from '../../../src/model/analyze';
import { runChecks } from '../../../src/model/preflight';
import { assembleSnapshot, readSnapshot, type Snapshot } from '../../../src/model/procfs/snapshot';

const PROCFS = join(__dirname, '..', '..', 'fixtures', 'procfs');

/** Folders recorded from real containers before a checkpoint that then failed, each with its dump.log. */
const CASES = ['wasm-crun-wasmedge', 'gap-map', 'gap-fd', 'gap-map-runc'];

function snapshotOf(folder: string): Snapshot {
  const read = (name: string): string => readFileSync(join(PROCFS, folder, name), 'utf8');
  if (readdirSync(join(PROCFS, folder)).includes('snapshot.json')) return readSnapshot(read('snapshot.json'), folder);
  return assembleSnapshot({
    mountinfo: read('mountinfo.txt'),
    maps: read('maps.txt'),
    fdinfo: read('fdinfo.txt'),
    fds: read('fd.txt'),
    runtimeMountinfo: read('conmon-mountinfo.txt'),
    hostMountinfo: read('host-mountinfo.txt'),
    cmdline: read('cmdline.txt'),
  });
}

describe('preflight agrees with the dump log', () => {
  for (const folder of CASES) {
    test(`${folder} predicts the log's cause`, () => {
      const log = analyzeText(readFileSync(join(PROCFS, folder, 'dump.log'), 'utf8'));
      const rootCause = log.findings.find((finding) => finding.role === 'root-cause');
      assert.ok(rootCause);
      const lookup = /Can't lookup mount=(\d+) for fd=-?\d+ path=(.*)/.exec(rootCause.record.message);
      assert.ok(lookup, rootCause.record.message);

      const report = runChecks({
        host: { name: 'trixie', rootful: true, kernel: '6.1.0-37-amd64', criuVersion: '4.1.1', criuCheck: { ok: true, errors: [] } },
        container: { name: folder, id: folder, runtime: { name: 'crun', version: '1.21', supportsCheckpoint: true }, autoRemove: false, tty: false },
        snapshot: snapshotOf(folder),
        processes: [],
        net: [],
      });
      assert.equal(report.verdict, 'will-fail');
      const blocking = report.findings.filter((finding) => finding.verdict === 'blocks');
      const predicted = blocking.find((finding) => finding.evidence.some((item) => item.mntId === Number(lookup[1]) && item.path === lookup[2]));
      assert.ok(predicted, `no blocking finding names mount ${lookup[1]} and ${lookup[2]}`);
      assert.equal(predicted.kbCode, rootCause.code);
      assert.equal(predicted.category, rootCause.category);
    });
  }

  test('wasm libraries form one finding', () => {
    const report = runChecks({ host: { name: 'trixie' }, container: { name: 'wasm', id: 'wasm' }, snapshot: snapshotOf('wasm-crun-wasmedge'), processes: [], net: [] });
    const gaps = report.findings.filter((finding) => finding.check === 'mapping-gaps');
    assert.equal(gaps.length, 2);
    const runtime = gaps.find((finding) => finding.title.endsWith("in the runtime's mount namespace"));
    assert.ok(runtime);
    assert.ok(runtime.evidence.length > 20);
    assert.ok(runtime.evidence.every((item) => item.mntId === 128));
    assert.equal(runtime.evidence[0].source?.line, 11);
  });
});
