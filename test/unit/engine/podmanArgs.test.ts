import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  checkpointArgs,
  eventsArgs,
  InvalidOptionsError,
  inspectArgs,
  parsePodmanVersion,
  psArgs,
  restoreArgs,
  retryOptionForFlag,
  supportedCheckpointOptions,
  supportedRestoreOptions,
  type PodmanVersion,
} from '../../../src/engine/podmanArgs';

const podman4 = parsePodmanVersion('4.3.1')!;
const podman5 = parsePodmanVersion('5.4.2')!;
const podman3 = parsePodmanVersion('3.4.4')!;
const podman40 = parsePodmanVersion('4.0.2')!;

function problemsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (error) {
    assert.ok(error instanceof InvalidOptionsError, `expected InvalidOptionsError, got ${String(error)}`);
    return error.problems;
  }
  return assert.fail('expected InvalidOptionsError');
}

describe('parsePodmanVersion', () => {
  test('plain and decorated versions', () => {
    assert.deepEqual(parsePodmanVersion('5.4.2'), { major: 5, minor: 4, patch: 2, text: '5.4.2' });
    assert.deepEqual(parsePodmanVersion('podman version 4.3.1'), { major: 4, minor: 3, patch: 1, text: '4.3.1' });
    assert.deepEqual(parsePodmanVersion('4.9.0-dev'), { major: 4, minor: 9, patch: 0, text: '4.9.0' });
    assert.equal(parsePodmanVersion('unknown'), undefined);
  });
});

describe('query builders', () => {
  test('ps lists all containers as JSON', () => {
    assert.deepEqual(psArgs(), ['ps', '--all', '--format', 'json']);
  });

  test('inspect puts -- before names', () => {
    assert.deepEqual(inspectArgs(['-weird', 't-crun']), ['container', 'inspect', '--', '-weird', 't-crun']);
    assert.throws(() => inspectArgs([]), InvalidOptionsError);
  });

  test('events stream with since and filters', () => {
    assert.deepEqual(eventsArgs({ since: '5m', filters: ['type=container'] }), ['events', '--format', 'json', '--since=5m', '--filter=type=container']);
    assert.deepEqual(eventsArgs({ since: '30m', stream: false }), ['events', '--format', 'json', '--since=30m', '--stream=false']);
  });
});

describe('checkpointArgs', () => {
  test('plain checkpoint ends with -- and the name', () => {
    assert.deepEqual(checkpointArgs('t-crun', {}, podman5), ['container', 'checkpoint', '--', 't-crun']);
  });

  test('every flag in podman 5.4.2', () => {
    const args = checkpointArgs(
      '-ctr',
      {
        keep: true,
        leaveRunning: true,
        tcpEstablished: true,
        fileLocks: true,
        export: '/tmp/-x.tar.zst',
        compress: 'gzip',
        ignoreRootfs: true,
        ignoreVolumes: true,
        createImage: 'localhost/ckpt:1',
        printStats: true,
      },
      podman5,
    );
    assert.deepEqual(args, [
      'container',
      'checkpoint',
      '--keep',
      '--leave-running',
      '--tcp-established',
      '--file-locks',
      '--export=/tmp/-x.tar.zst',
      '--compress=gzip',
      '--ignore-rootfs',
      '--ignore-volumes',
      '--create-image=localhost/ckpt:1',
      '--print-stats',
      '--',
      '-ctr',
    ]);
  });

  test('podman 4.3.1 and 5.4.2 accept the same flags', () => {
    assert.deepEqual(supportedCheckpointOptions(podman4), supportedCheckpointOptions(podman5));
    assert.deepEqual(supportedRestoreOptions(podman4), supportedRestoreOptions(podman5));
    assert.equal(supportedCheckpointOptions(podman5).length, 12);
  });

  test('older podman lacks newer flags', () => {
    const podman3Options = supportedCheckpointOptions(podman3);
    assert.equal(podman3Options.includes('fileLocks'), false);
    assert.equal(podman3Options.includes('printStats'), false);
    assert.equal(podman3Options.includes('createImage'), false);
    assert.equal(podman3Options.includes('compress'), true);
    assert.equal(supportedCheckpointOptions(podman40).includes('createImage'), false);
    assert.equal(supportedCheckpointOptions(podman40).includes('fileLocks'), true);
  });

  test('unsupported flag names version and flag', () => {
    assert.deepEqual(problemsOf(() => checkpointArgs('c', { fileLocks: true }, podman3)), [
      '--file-locks needs podman 4.0 or later, but the host has podman 3.4.4.',
    ]);
  });

  test('export-only flags need export', () => {
    const problems = problemsOf(() => checkpointArgs('c', { compress: 'none', ignoreRootfs: true, ignoreVolumes: true }, podman5));
    assert.equal(problems.length, 3);
    assert.match(problems[0], /^--compress needs --export/);
    assert.match(problems[1], /^--ignore-rootfs needs --export/);
    assert.match(problems[2], /^--ignore-volumes needs --export/);
  });

  test('pre-checkpoint excludes with-previous', () => {
    assert.match(problemsOf(() => checkpointArgs('c', { preCheckpoint: true, withPrevious: true }, podman5))[0], /exclude each other/);
  });

  test('relative export path is rejected', () => {
    assert.match(problemsOf(() => checkpointArgs('c', { export: 'ckpt.tar' }, podman5))[0], /absolute path/);
  });

  test('false and empty options add nothing', () => {
    assert.deepEqual(checkpointArgs('c', { keep: false, export: '', createImage: '' }, podman3), ['container', 'checkpoint', '--', 'c']);
  });
});

describe('restoreArgs', () => {
  test('in-place restore ends with -- and the name', () => {
    assert.deepEqual(restoreArgs({ container: 't-crun' }, { keep: true, tcpEstablished: true, fileLocks: true, printStats: true }, podman4), [
      'container',
      'restore',
      '--keep',
      '--tcp-established',
      '--file-locks',
      '--print-stats',
      '--',
      't-crun',
    ]);
  });

  test('import takes no positional argument', () => {
    const args = restoreArgs(
      { importPath: '/srv/ckpt/t-runc.tar.zst' },
      { name: 't-runc-clone', ignoreRootfs: true, ignoreVolumes: true, ignoreStaticIp: true, ignoreStaticMac: true, pod: 'p1', publish: ['8080:80'] },
      podman5,
    );
    assert.deepEqual(args, [
      'container',
      'restore',
      '--import=/srv/ckpt/t-runc.tar.zst',
      '--name=t-runc-clone',
      '--pod=p1',
      '--ignore-rootfs',
      '--ignore-volumes',
      '--ignore-static-ip',
      '--ignore-static-mac',
      '--publish=8080:80',
    ]);
  });

  test('checkpoint image is positional', () => {
    assert.deepEqual(restoreArgs({ image: 'localhost/ckpt:1' }, { name: 'copy' }, podman5), ['container', 'restore', '--name=copy', '--', 'localhost/ckpt:1']);
    assert.match(problemsOf(() => restoreArgs({ image: 'localhost/ckpt:1' }, {}, podman40))[0], /needs podman 4\.1 or later/);
  });

  test('import-only options need an import', () => {
    const problems = problemsOf(() => restoreArgs({ container: 'c' }, { name: 'n', pod: 'p', ignoreRootfs: true, ignoreVolumes: true, importPrevious: '/x' }, podman5));
    assert.equal(problems.length, 5);
    assert.match(problems[0], /^--name needs an imported archive/);
  });

  test('tcp-established excludes a new name', () => {
    assert.deepEqual(problemsOf(() => restoreArgs({ importPath: '/a.tar' }, { name: 'n', tcpEstablished: true }, podman5)), [
      '--tcp-established cannot be used with --name: established connections need the original container identity.',
    ]);
  });

  test('relative import path is rejected', () => {
    assert.match(problemsOf(() => restoreArgs({ importPath: 'a.tar' }, {}, podman5))[0], /^--import needs an absolute path/);
  });

  test('print-stats needs podman 4.0', () => {
    assert.deepEqual(problemsOf(() => restoreArgs({ container: 'c' }, { printStats: true }, podman3 as PodmanVersion)), [
      '--print-stats needs podman 4.0 or later, but the host has podman 3.4.4.',
    ]);
  });
});

describe('retryOptionForFlag', () => {
  test('boolean flags map to options', () => {
    assert.equal(retryOptionForFlag('--file-locks'), 'fileLocks');
    assert.equal(retryOptionForFlag('--tcp-established'), 'tcpEstablished');
    assert.equal(retryOptionForFlag('--keep'), 'keep');
  });

  test('valued flags do not map', () => {
    assert.equal(retryOptionForFlag('--export'), undefined);
    assert.equal(retryOptionForFlag('--import'), undefined);
  });
});
