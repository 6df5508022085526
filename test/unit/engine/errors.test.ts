import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  CancelledError,
  classifyFailure,
  CommandFailedError,
  CriuFailureError,
  NotFoundError,
  PermissionError,
  RuntimeRefusalError,
  summarizeStderr,
} from '../../../src/engine/errors';
import { readFixture } from './fixtures';

const checkpoint = ['podman', 'container', 'checkpoint', '--keep', '--', 'bb-runc'];

function classify(stderr: string, exitCode = 125) {
  return classifyFailure({ command: checkpoint, exitCode, stderr });
}

describe('classifyFailure', () => {
  test('runc CRIU failure on podman 4', () => {
    const error = classify(readFixture('stderr/p4-runc-checkpoint-criu-failed.txt'));
    assert.ok(error instanceof CriuFailureError);
    assert.equal(error.logPath, '/var/lib/containers/storage/overlay-containers/2085bd05cf273a914a72884d9c9281d9ded92ee969c08326a4106b2f6b8904e2/userdata/dump.log');
    assert.equal(error.runtime, 'runc');
    assert.match(error.message, /^`\/usr\/bin\/runc checkpoint .*` failed: exit status 1$/);
    assert.equal(error.commandLine, 'podman container checkpoint --keep -- bb-runc');
    assert.equal(error.exitCode, 125);
  });

  test('runc restore failure names restore.log', () => {
    const error = classify(readFixture('stderr/p4-runc-restore-import-criu-failed.txt'));
    assert.ok(error instanceof CriuFailureError);
    assert.equal(error.logPath, '/var/lib/containers/storage/overlay-containers/013781a6585da297b2961b106994fa55874fe7fc30458aae7f3e06ea4c68ce31/userdata/restore.log');
  });

  test('crun CRIU failure on podman 5', () => {
    for (const file of ['stderr/p5-crun-checkpoint-criu-failed.txt', 'stderr/p5-crun-checkpoint-gap-map.txt']) {
      const error = classify(readFixture(file));
      assert.ok(error instanceof CriuFailureError, file);
      assert.equal(error.runtime, 'crun', file);
      assert.match(error.logPath ?? '', /^\/var\/lib\/containers\/storage\/overlay-containers\/[0-9a-f]{64}\/userdata\/dump\.log$/, file);
    }
  });

  test('crun API error with quoted log path', () => {
    const error = classify('Error: crun: CRIU restoring failed -52.  Please check CRIU logfile `/var/lib/x/userdata/restore.log`: OCI runtime error');
    assert.ok(error instanceof CriuFailureError);
    assert.equal(error.logPath, '/var/lib/x/userdata/restore.log');
  });

  test('runtime refusals by reason', () => {
    const cases: Array<[string, string]> = [
      [readFixture('stderr/p4-crun-checkpoint-no-criu-support.txt'), 'runtime-without-criu'],
      [readFixture('stderr/p5-crun-checkpoint-libcriu-missing.txt'), 'criu-library-missing'],
      [readFixture('stderr/p5-checkpoint-state-improper.txt'), 'state-improper'],
      [readFixture('stderr/p5-restore-import-id-in-use.txt'), 'id-in-use'],
      ["Error: cannot checkpoint containers that have been started with '--rm' unless '--export' is used", 'autoremove-without-export'],
      ['Error: checkpoint/restore requires at least CRIU 31100, current version is 30900', 'criu-too-old'],
      [
        'Error: a complete checkpoint for this container cannot be found, cannot restore: stat /var/lib/containers/storage/overlay-containers/b35d/userdata/checkpoint/inventory.img: no such file or directory',
        'no-checkpoint-found',
      ],
      ['Error: container 2943a63ddbdf is running or paused, cannot restore: container state improper', 'state-improper'],
    ];
    for (const [stderr, reason] of cases) {
      const error = classify(stderr);
      assert.ok(error instanceof RuntimeRefusalError, stderr);
      assert.equal(error.reason, reason, stderr);
      assert.ok(error.hint, `${reason} has a hint`);
    }
  });

  test('refusal message is the Error line', () => {
    const error = classify(readFixture('stderr/p5-checkpoint-state-improper.txt'));
    assert.equal(error.message, '"created" is not running, cannot checkpoint: container state improper');
  });

  test('rootless podman is a permission error', () => {
    const error = classify('Error: checkpointing a container requires root');
    assert.ok(error instanceof PermissionError);
    assert.equal(error.reason, 'rootless');
    assert.match(error.hint ?? '', /\["sudo", "-n"\]/);
    assert.equal((classify('Error: restoring a container requires root') as PermissionError).reason, 'rootless');
  });

  test('sudo password prompt is a permission error', () => {
    const error = classifyFailure({ command: ['sudo', '-n', 'podman', 'ps'], exitCode: 1, stderr: 'sudo: a password is required\n' });
    assert.ok(error instanceof PermissionError);
    assert.equal(error.reason, 'sudo-password');
  });

  test('missing container is NotFoundError', () => {
    const error = classify('Error: no container with name or ID "nosuch" found: no such container');
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.missing, 'container');
  });

  test('spawn errors and exit 127', () => {
    assert.equal((classifyFailure({ command: ['podman'], spawnErrorCode: 'ENOENT' }) as NotFoundError).missing, 'program');
    assert.equal((classifyFailure({ command: ['podman'], spawnErrorCode: 'EACCES' }) as PermissionError).reason, 'access-denied');
    const viaEnv = classifyFailure({ command: ['env', '-i', 'podman'], exitCode: 127, stderr: "env: 'podman': No such file or directory\n" });
    assert.ok(viaEnv instanceof NotFoundError);
  });

  test('cancellation wins over any exit status', () => {
    assert.ok(classifyFailure({ command: checkpoint, exitCode: 125, stderr: 'Error: checkpointing a container requires root', cancelled: true }) instanceof CancelledError);
  });

  test('unknown failure keeps the Error line', () => {
    const error = classify('WARN[0000] something\nError: unexpected thing\n');
    assert.ok(error instanceof CommandFailedError);
    assert.equal(error.message, 'unexpected thing');
    assert.equal(error.kind, 'failed');
  });

  test('cat permission denied is a permission error', () => {
    const error = classifyFailure({ command: ['cat', '--', '/root/x'], exitCode: 1, stderr: 'cat: /root/x: Permission denied\n' });
    assert.ok(error instanceof PermissionError);
    assert.equal(error.reason, 'access-denied');
  });
});

describe('summarizeStderr', () => {
  test('last Error line wins over warnings', () => {
    assert.equal(summarizeStderr('time="x" level=warning msg="a"\nError: first\nError: second\nnoise\n'), 'second');
  });

  test('last non-empty line without Error', () => {
    assert.equal(summarizeStderr('one\ntwo\n\n'), 'two');
    assert.equal(summarizeStderr(''), '');
  });
});
