import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { extrasRequests, groupExtrasRecords } from '../../../src/engine/preflight';
import { type PreflightInput, runChecks } from '../../../src/model/preflight';
import { inodesToScan, splitKernelDev, userDev } from '../../../src/model/preflight/checks/fsnotify';

const FIXTURES = path.join(__dirname, '../../fixtures/preflight/trixie');

function load(name: string): PreflightInput {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.input.json`), 'utf8')) as PreflightInput;
}

describe('fsnotify check on recorded crun containers', () => {
  test('watch on the overlay root blocks', () => {
    const report = runChecks(load('inotify-overlay'));
    assert.equal(report.verdict, 'will-fail');
    const finding = report.findings.find((candidate) => candidate.check === 'fsnotify');
    assert.ok(finding);
    assert.equal(finding.verdict, 'blocks');
    assert.equal(finding.category, 'fsnotify');
    assert.equal(finding.kbCode, 'fsnotify.handle-not-found');
    assert.match(finding.detail, /Handle 0x4d:0x1840d7 cannot be opened/);
    assert.equal(finding.evidence[0].fd, 3);
    assert.equal(finding.evidence[0].source?.file, `/proc/${finding.evidence[0].pid}/fdinfo/3`);
    assert.ok(finding.fixes.some((fix) => fix.criuOption === 'irmap-scan-path'));
  });

  for (const name of ['inotify-etc', 'inotify-dev', 'inotify-bind']) {
    test(`${name} should work`, () => {
      const report = runChecks(load(name));
      assert.equal(report.verdict, 'should-work');
      const finding = report.findings.find((candidate) => candidate.check === 'fsnotify');
      assert.equal(finding?.verdict, 'fine');
      assert.deepEqual(report.skipped, []);
    });
  }

  test('overlay watch without the folder scan is not silent', () => {
    const input = load('inotify-overlay');
    for (const process of input.processes) delete process.irmapScan;
    const report = runChecks(input);
    assert.equal(report.findings.find((candidate) => candidate.check === 'fsnotify')?.verdict, 'fine');
    assert.equal(report.skipped.length, 1);
    assert.equal(report.skipped[0].check, 'fsnotify');
    assert.match(report.skipped[0].reason, /overlayfs/);
  });
});

describe('fsnotify scan requests', () => {
  test('only overlay marks are scanned', () => {
    const overlay = load('inotify-overlay');
    assert.deepEqual(inodesToScan(overlay.snapshot), [0x1840d7]);
    assert.deepEqual(inodesToScan(load('inotify-dev').snapshot), []);
    assert.deepEqual(inodesToScan(load('inotify-bind').snapshot), []);
    const requests = extrasRequests(overlay.snapshot);
    assert.deepEqual(requests.filter((request) => request.kind === 'irmap'), [{ kind: 'irmap', pid: overlay.snapshot.pid, inode: 0x1840d7 }]);
  });

  test('scan record becomes irmapScan', () => {
    const readout = groupExtrasRecords([{ tag: 'irmap', key: '42/1703963', status: 0, content: '44 1703957 /\n44 1703963 /proc/42/root/etc\n' }], [42]);
    assert.deepEqual(readout.processes[0].irmapScan, {
      inodes: [1703963],
      found: [
        { dev: 44, ino: 1703957, path: '/' },
        { dev: 44, ino: 1703963, path: '/etc' },
      ],
    });
  });

  test('device numbers convert', () => {
    assert.deepEqual(splitKernelDev(0x800003), { major: 8, minor: 3 });
    assert.equal(userDev(8, 3), 0x803);
    assert.equal(userDev(0, 0x4d), 77);
    assert.equal(userDev(259, 0x123), 0x110323);
  });
});
