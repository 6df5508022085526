import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { CommandFailedError } from '../../../src/engine/errors';
import { criuLogPathFor, diagnoseFailure } from '../../../src/engine/failure';
import type { Host } from '../../../src/engine/hosts';
import { parseInspect } from '../../../src/engine/podmanJson';
import { FakeRunner } from './fakeRunner';
import { readFixture } from './fixtures';

const gapMapDir = '/var/lib/containers/storage/overlay-containers/592f9884531551fdf80e49771132799ed9affcdc26c935e43fcb25be7b651ed9/userdata';
const nsHost: Host = { name: 'trixie', prefix: ['nsenter', '--mount=/run/ns/mnt', '--'] };
const fileLocksLog = readFileSync(path.resolve(__dirname, '../../fixtures/criu-logs/public/021-file-locks-openj9/log.txt'), 'utf8');

describe('criuLogPathFor', () => {
  test('crun names the log on stderr', () => {
    assert.equal(criuLogPathFor('checkpoint', readFixture('stderr/p5-crun-checkpoint-gap-map.txt')), `${gapMapDir}/dump.log`);
  });

  test('runc names restore.log on stderr', () => {
    assert.equal(
      criuLogPathFor('restore', readFixture('stderr/p4-runc-restore-import-criu-failed.txt')),
      '/var/lib/containers/storage/overlay-containers/013781a6585da297b2961b106994fa55874fe7fc30458aae7f3e06ea4c68ce31/userdata/restore.log',
    );
  });

  test('StaticDir when stderr names nothing', () => {
    const details = parseInspect(readFixture('podman5/inspect-gap-map.json')).items[0];
    const apiStderr = 'Error: `/usr/bin/crun checkpoint --image-path x 592f` failed: exit status 1';
    assert.equal(criuLogPathFor('checkpoint', apiStderr, details), `${gapMapDir}/dump.log`);
    assert.equal(criuLogPathFor('restore', apiStderr, details), `${gapMapDir}/restore.log`);
    assert.equal(criuLogPathFor('restore', apiStderr), undefined);
  });
});

describe('diagnoseFailure', () => {
  test('gap-map log read through the prefix', async () => {
    const runner = new FakeRunner((command) => (command.at(-1) === `${gapMapDir}/dump.log` ? { stdout: readFixture('logs/gap-map-dump.log') } : undefined));
    const diagnosis = await diagnoseFailure(runner, nsHost, { operation: 'checkpoint', stderr: readFixture('stderr/p5-crun-checkpoint-gap-map.txt') });

    assert.deepEqual(runner.commands, [['nsenter', '--mount=/run/ns/mnt', '--', 'cat', '--', `${gapMapDir}/dump.log`]]);
    assert.equal(diagnosis.logPath, `${gapMapDir}/dump.log`);
    assert.equal(diagnosis.logText, readFixture('logs/gap-map-dump.log'));
    assert.equal(diagnosis.analysis.outcome, 'failed');
    assert.equal(diagnosis.analysis.rootCause?.code, 'mount-lookup.mapping-mount-not-in-namespace');
    assert.equal(diagnosis.retryFlag, undefined);
    assert.equal(diagnosis.readError, undefined);
  });

  test('file locks give a retry flag', async () => {
    const stderr = 'CRIU checkpointing failed -52.  Please check CRIU logfile /var/lib/c/userdata/dump.log: Invalid exchange\nError: `/usr/bin/crun checkpoint c` failed: exit status 1\n';
    const runner = new FakeRunner(() => ({ stdout: fileLocksLog }));
    const diagnosis = await diagnoseFailure(runner, nsHost, { operation: 'checkpoint', stderr });
    assert.equal(diagnosis.analysis.rootCause?.code, 'file-locks.option-required');
    assert.equal(diagnosis.retryFlag, '--file-locks');
    assert.equal(diagnosis.retryOption, 'fileLocks');
  });

  test('unreadable log falls back to stderr', async () => {
    const runner = new FakeRunner(() => ({ exitCode: 1, stderr: `cat: ${gapMapDir}/dump.log: No such file or directory\n` }));
    const diagnosis = await diagnoseFailure(runner, nsHost, { operation: 'checkpoint', stderr: readFixture('stderr/p5-crun-checkpoint-gap-map.txt') });
    assert.ok(diagnosis.readError instanceof CommandFailedError);
    assert.equal(diagnosis.logText, undefined);
    assert.equal(diagnosis.analysis.facts.logKind, 'terminal');
    assert.equal(diagnosis.analysis.facts.referencedLog, `${gapMapDir}/dump.log`);
  });
});
