import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { type PreflightInput, runChecks } from '../../../src/model/preflight';

const FIXTURES = path.join(__dirname, '../../fixtures/preflight/trixie');

function load(name: string): PreflightInput {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.input.json`), 'utf8')) as PreflightInput;
}

describe('user namespace device mounts', () => {
  test('crun with uidmap blocks', () => {
    const report = runChecks(load('userns-crun'));
    assert.equal(report.verdict, 'will-fail');
    const finding = report.findings.find((candidate) => candidate.check === 'device-bind-mounts');
    assert.ok(finding);
    assert.equal(finding.verdict, 'blocks');
    assert.equal(finding.category, 'external-mount');
    assert.equal(finding.kbCode, 'external-mount.no-proper-root-mount');
    assert.deepEqual(
      finding.evidence.map((item) => item.path),
      ['/dev/null', '/dev/zero', '/dev/full', '/dev/tty', '/dev/random', '/dev/urandom'],
    );
    assert.match(finding.detail, /192:\.\/dev\/urandom doesn't have a proper root mount/);
  });

  test('runc with uidmap should work', () => {
    const report = runChecks(load('userns-runc'));
    assert.equal(report.findings.some((candidate) => candidate.check === 'device-bind-mounts'), false);
    assert.equal(report.verdict, 'should-work');
  });
});

describe('unix stream socket without a peer', () => {
  test('dangling connection blocks', () => {
    const report = runChecks(load('unix-dangling'));
    assert.equal(report.verdict, 'will-fail');
    const finding = report.findings.find((candidate) => candidate.kbCode === 'unix-socket.dangling-connection');
    assert.ok(finding);
    assert.equal(finding.verdict, 'blocks');
    assert.equal(finding.evidence.length, 1);
    assert.equal(finding.evidence[0].inode, '1365567');
    assert.equal(finding.evidence[0].fd, 3);
    assert.equal(finding.evidence[0].source?.line, 1);
    assert.match(finding.detail, /Dangling connection 1365567/);
  });

  test('own listener with a queue is unknown', () => {
    const input = load('unix-dangling');
    const tables = input.net[0];
    const listener = '1365999';
    tables.ssUnix = `${tables.ssUnix}u_str LISTEN 1 8 /run/app.sock ${listener} * 0\n`;
    input.snapshot.fds = `${input.snapshot.fds}\nfd 9 -> socket:[${listener}]`;
    const report = runChecks(input);
    assert.equal(report.findings.some((candidate) => candidate.kbCode === 'unix-socket.dangling-connection'), false);
    assert.ok(report.skipped.some((item) => item.check === 'unix-sockets' && /1365567/.test(item.reason)));
  });
});

describe('unix sockets without ss output', () => {
  test('skip reason counts in singular', () => {
    const input = load('unix-dangling');
    delete input.net[0].ssUnix;
    const report = runChecks(input);
    const reason = report.skipped.find((item) => item.check === 'unix-sockets')?.reason ?? '';
    assert.match(reason, /\. 1 connected unix socket of the container was not checked/);
  });
});

describe('unix sockets when ss is missing', () => {
  function withoutSs(message: string): PreflightInput {
    const input = load('unix-dangling');
    delete input.net[0].ssUnix;
    input.net[0].unreadable = { 'ss -x': message };
    return input;
  }

  test('skip reason names iproute2', () => {
    const report = runChecks(withoutSs('nsenter: failed to execute ss: No such file or directory'));
    const reason = report.skipped.find((item) => item.check === 'unix-sockets')?.reason ?? '';
    assert.match(reason, /^ss was not found on the host: install iproute2\. /);
  });

  test('skip reason names util-linux', () => {
    const report = runChecks(withoutSs('sh: 1: nsenter: not found'));
    const reason = report.skipped.find((item) => item.check === 'unix-sockets')?.reason ?? '';
    assert.match(reason, /^nsenter was not found on the host: install util-linux\. /);
  });

  test('skip reason quotes other failures', () => {
    const report = runChecks(withoutSs('nsenter: reassociate to namespaces failed: Operation not permitted'));
    const reason = report.skipped.find((item) => item.check === 'unix-sockets')?.reason ?? '';
    assert.match(reason, /^ss -x failed: nsenter: reassociate to namespaces failed: Operation not permitted\. /);
  });

  test('report is incomplete', () => {
    const report = runChecks(withoutSs('nsenter: failed to execute ss: No such file or directory'));
    assert.equal(report.complete, false);
  });

  test('report with ss is complete', () => {
    const report = runChecks(load('plain'));
    assert.deepEqual(report.skipped, []);
    assert.equal(report.complete, true);
  });
});

describe('ghost file near the limit', () => {
  function ghostOf(bytes: number): PreflightInput {
    const input = load('ghost');
    for (const process of input.processes) {
      process.deletedFdSizes = { '3': bytes };
      process.deletedFdAllocated = { '3': bytes };
    }
    return input;
  }

  test('detail gives exact bytes', () => {
    const finding = runChecks(ghostOf(1_049_000)).findings.find((candidate) => candidate.check === 'ghost-files');
    assert.ok(finding);
    assert.equal(finding.verdict, 'blocks');
    assert.match(finding.detail, /ghost limit of 1\.0 MiB \(1,048,576 bytes, CRIU default\)/);
    assert.match(finding.detail, /at 1\.0 MiB \(1,049,000 bytes\)/);
    assert.match(finding.evidence[0].text, /, 1\.0 MiB \(1,049,000 bytes\)$/);
  });

  test('fine file near the limit gives bytes', () => {
    const finding = runChecks(ghostOf(1_048_000)).findings.find((candidate) => candidate.check === 'ghost-files');
    assert.ok(finding);
    assert.equal(finding.verdict, 'fine');
    assert.match(finding.evidence[0].text, /\(1,048,000 bytes\)$/);
  });

  test('far from the limit stays rounded', () => {
    const finding = runChecks(ghostOf(2_097_152)).findings.find((candidate) => candidate.check === 'ghost-files');
    assert.ok(finding);
    assert.doesNotMatch(finding.detail, /bytes/);
    assert.match(finding.evidence[0].text, /, 2\.0 MiB$/);
  });
});

describe('fix order for the known set-up', () => {
  test('crun 1.21 fixes come first', () => {
    const finding = runChecks(load('ghost')).findings.find((candidate) => candidate.check === 'ghost-files');
    assert.ok(finding);
    const descriptions = finding.fixes.map((fix) => fix.description);
    assert.equal(descriptions.length, 5);
    assert.match(descriptions[0], /^Podman has no flag for this limit/);
    assert.match(descriptions[1], /^crun before 1\.26, or crun with a libcriu older than 4\.2: /);
    assert.match(descriptions[2], /^For other set-ups: runc \(/);
    assert.match(descriptions[3], /^For other set-ups: crun 1\.26 or later with libcriu 4\.2 or later: /);
    assert.match(descriptions[4], /^For other set-ups: Plain criu: /);
  });

  test('runc fixes come first under runc', () => {
    const input = load('ghost');
    input.container.runtime = { name: 'runc', version: '1.1.15' };
    const finding = runChecks(input).findings.find((candidate) => candidate.check === 'ghost-files');
    assert.ok(finding);
    assert.match(finding.fixes[1].description, /^runc \(/);
    assert.equal(finding.fixes.filter((fix) => fix.description.startsWith('For other set-ups: ')).length, 3);
  });

  test('unknown runtime keeps every fix unlabelled but plain criu', () => {
    const input = load('ghost');
    delete input.container.runtime;
    const finding = runChecks(input).findings.find((candidate) => candidate.check === 'ghost-files');
    assert.ok(finding);
    assert.deepEqual(
      finding.fixes.map((fix) => fix.description.startsWith('For other set-ups: ')),
      [false, false, false, false, true],
    );
  });
});
