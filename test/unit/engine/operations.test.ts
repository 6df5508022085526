import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { CriuFailureError, NotFoundError } from '../../../src/engine/errors';
import type { Host } from '../../../src/engine/hosts';
import { ContainerOperations, OperationRefusedError, temporaryNameFor, type OperationResult } from '../../../src/engine/operations';
import { parsePodmanVersion } from '../../../src/engine/podmanArgs';
import { FakeRunner, type FakeReply } from './fakeRunner';
import { readFixture } from './fixtures';

const host: Host = { name: 'root', prefix: ['sudo', '-n'] };
const podman5 = parsePodmanVersion('5.4.2')!;
const tCrunId = '1b0496601c3c5e891b0512322a0f2e77318438a342149d08f992f27358e17ba6';
const gapMapDir = '/var/lib/containers/storage/overlay-containers/592f9884531551fdf80e49771132799ed9affcdc26c935e43fcb25be7b651ed9/userdata';

const missing: FakeReply = { exitCode: 1 };
const noSuchContainer = (name: string): FakeReply => ({ exitCode: 125, stderr: `Error: no container with name or ID "${name}" found: no such container\n` });

/** Replies for inspect of the recorded containers by name or ID. */
function inspectReply(command: readonly string[]): FakeReply | undefined {
  if (!command.includes('inspect')) return undefined;
  const target = command.at(-1);
  const byName: Record<string, string> = {
    't-crun': 'podman5/inspect-t-crun.json',
    [tCrunId]: 'podman5/inspect-t-crun.json',
    't-crun-clone': 'podman5/inspect-t-crun-clone.json',
    '0b6f2956c191d2f86975f588c800ef820cd667b5384187f413f71f61b264de3d': 'podman5/inspect-t-crun-clone.json',
    'gap-map': 'podman5/inspect-gap-map.json',
    '592f9884531551fdf80e49771132799ed9affcdc26c935e43fcb25be7b651ed9': 'podman5/inspect-gap-map.json',
    't-created': 'podman5/inspect-t-created.json',
    't-runc': 'podman5/inspect-t-runc.json',
  };
  const file = target ? byName[target] : undefined;
  return file ? { stdout: readFixture(file) } : noSuchContainer(target ?? '');
}

/**
 * Reply to `test -e`/`test -d` on the host: folders named in `folders` exist as folders, files in
 * `files` as files, and nothing else exists.
 */
function pathTest(command: readonly string[], files: string[] = [], folders = ['/', '/srv', '/srv/ckpt']): FakeReply | undefined {
  const at = command.indexOf('test');
  if (at < 0) return undefined;
  const [flag, path] = command.slice(at + 1);
  if (flag === '-d') return folders.includes(path) ? {} : missing;
  return files.includes(path) || folders.includes(path) ? {} : missing;
}

function assertRefused(result: OperationResult, code: string): void {
  assert.equal(result.status, 'failed');
  if (result.status !== 'failed') return;
  assert.ok(result.error instanceof OperationRefusedError, `expected a refusal, got ${result.error}`);
  assert.equal(result.error.code, code);
}

function podmanCalls(runner: FakeRunner, subcommand: string): string[][] {
  return runner.commands.filter((command) => command.includes(subcommand) && command.includes('container'));
}

describe('ContainerOperations.checkpoint', () => {
  test('export goes to a temporary name first', async () => {
    const runner = new FakeRunner((command) => {
      if (command.includes('test')) return pathTest(command);
      if (command.includes('checkpoint')) return { stdout: 't-crun\n', stderr: 'time="x" level=warning msg="cgroups v1"\n' };
      if (command.includes('ln') || command.includes('rm')) return {};
      return inspectReply(command);
    });
    const result = await new ContainerOperations(runner).checkpoint({ host, podmanVersion: podman5, container: 't-crun', options: { export: '/srv/ckpt/t-crun.tar.zst', keep: true }, inspectAfter: true });

    assert.equal(result.status, 'succeeded');
    if (result.status !== 'succeeded') return;
    assert.equal(result.exportPath, '/srv/ckpt/t-crun.tar.zst');
    assert.equal(result.container?.id, tCrunId);
    assert.match(result.stderr, /cgroups v1/);

    const [checkpoint] = podmanCalls(runner, 'checkpoint');
    const exportArgument = checkpoint.find((word) => word.startsWith('--export='))!;
    const temporary = exportArgument.slice('--export='.length);
    assert.match(temporary, /^\/srv\/ckpt\/\.t-crun\.tar\.zst\.[0-9a-f]{12}\.partial$/);
    assert.deepEqual(checkpoint, ['sudo', '-n', 'podman', 'container', 'checkpoint', '--keep', exportArgument, '--', 't-crun']);

    const afterCheckpoint = runner.commands.slice(runner.commands.indexOf(checkpoint) + 1).map((command) => command.join(' '));
    assert.deepEqual(afterCheckpoint, [
      `sudo -n ln -- ${temporary} /srv/ckpt/t-crun.tar.zst`,
      `sudo -n rm -f -- ${temporary}`,
      `sudo -n podman container inspect -- ${tCrunId}`,
    ]);
  });

  test('existing export file is never overwritten', async () => {
    const runner = new FakeRunner((command) => pathTest(command, ['/srv/ckpt/a.tar']) ?? inspectReply(command));
    const result = await new ContainerOperations(runner).checkpoint({ host, podmanVersion: podman5, container: 't-crun', options: { export: '/srv/ckpt/a.tar' } });
    assertRefused(result, 'file-exists');
    assert.equal(podmanCalls(runner, 'checkpoint').length, 0);
  });

  test('overwrite replaces with mv -f', async () => {
    const runner = new FakeRunner((command) => pathTest(command) ?? (command.includes('checkpoint') || command.includes('mv') ? {} : inspectReply(command)));
    const result = await new ContainerOperations(runner).checkpoint({ host, podmanVersion: podman5, container: 't-crun', options: { export: '/srv/a.tar' }, overwrite: true });
    assert.equal(result.status, 'succeeded');
    const move = runner.commands.find((command) => command.includes('mv'));
    assert.deepEqual(move?.slice(0, 5), ['sudo', '-n', 'mv', '-f', '--']);
    assert.equal(move?.at(-1), '/srv/a.tar');
    assert.equal(runner.commands.some((command) => command.includes('test') && command.includes('-e')), false, 'no existence check with overwrite');
  });

  test('failed checkpoint removes the partial export and diagnoses', async () => {
    const runner = new FakeRunner((command) => {
      if (command.includes('test')) return pathTest(command);
      if (command.includes('checkpoint')) return { exitCode: 125, stderr: readFixture('stderr/p5-crun-checkpoint-gap-map.txt') };
      if (command.includes('rm')) return {};
      if (command.includes('cat')) return { stdout: readFixture('logs/gap-map-dump.log') };
      return inspectReply(command);
    });
    const result = await new ContainerOperations(runner).checkpoint({ host, podmanVersion: podman5, container: 'gap-map', options: { export: '/srv/gap.tar', keep: true } });

    assert.equal(result.status, 'failed');
    if (result.status !== 'failed') return;
    assert.ok(result.error instanceof CriuFailureError);
    assert.equal(result.diagnosis?.logPath, `${gapMapDir}/dump.log`);
    assert.equal(result.diagnosis?.analysis.rootCause?.code, 'mount-lookup.mapping-mount-not-in-namespace');
    const removed = runner.commands.find((command) => command.includes('rm'));
    assert.match(removed?.at(-1) ?? '', /^\/srv\/\.gap\.tar\.[0-9a-f]{12}\.partial$/);
    assert.equal(runner.commands.some((command) => command.includes('ln')), false);
  });

  test('print-stats output is parsed', async () => {
    const report = JSON.parse(readFixture('stats/rest-checkpoint-t-crun-keep.json'));
    const stdout = JSON.stringify({ podman_checkpoint_duration: 402113, container_statistics: [report] }, null, 4);
    const runner = new FakeRunner((command) => (command.includes('checkpoint') ? { stdout } : inspectReply(command)));
    const result = await new ContainerOperations(runner).checkpoint({ host, podmanVersion: podman5, container: 't-crun', options: { printStats: true } });
    assert.equal(result.status, 'succeeded');
    if (result.status !== 'succeeded') return;
    assert.equal(result.statistics?.podmanDurationUs, 402113);
    assert.equal(result.statistics?.containers[0].criu?.frozenTimeUs, 199000);
    assert.equal(result.statistics?.containers[0].criu?.pagesWritten, 36);
  });

  test('second operation on one container is refused', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runner = new FakeRunner(async (command) => {
      if (command.includes('checkpoint')) {
        await gate;
        return {};
      }
      return inspectReply(command);
    });
    const operations = new ContainerOperations(runner);

    const first = operations.checkpoint({ host, podmanVersion: podman5, container: 't-crun' });
    await new Promise((resolve) => setImmediate(resolve));
    const byName = await operations.checkpoint({ host, podmanVersion: podman5, container: 't-crun' });
    const byId = await operations.checkpoint({ host, podmanVersion: podman5, container: tCrunId });
    const restore = await operations.restore({ host, podmanVersion: podman5, source: { container: 't-crun' } });
    release();

    assertRefused(byName, 'busy');
    assertRefused(byId, 'busy');
    assertRefused(restore, 'busy');
    assert.equal((await first).status, 'succeeded');
    assert.equal(podmanCalls(runner, 'checkpoint').length, 1);

    const later = await operations.checkpoint({ host, podmanVersion: podman5, container: 't-crun' });
    assert.equal(later.status, 'succeeded', 'the lock is released after the first operation');
  });

  test('checkpoint by full container ID', async () => {
    const runner = new FakeRunner((command) => {
      if (command.includes('checkpoint')) return { stdout: `${tCrunId}\n` };
      return inspectReply(command);
    });
    const result = await new ContainerOperations(runner).checkpoint({ host, podmanVersion: podman5, container: tCrunId, options: { keep: true } });
    assert.equal(result.status, 'succeeded');
    assert.equal(podmanCalls(runner, 'checkpoint').length, 1);
    assert.equal(result.status === 'succeeded' ? result.container : 'x', undefined, 'no inspect after unless requested');
  });

  test('export into a missing folder is refused before podman', async () => {
    const runner = new FakeRunner((command) => pathTest(command) ?? inspectReply(command));
    const result = await new ContainerOperations(runner).checkpoint({ host, podmanVersion: podman5, container: 't-crun', options: { export: '/nodir/x.tar.zst' } });
    assertRefused(result, 'export-folder-missing');
    assert.match(result.status === 'failed' ? result.error.message : '', /The folder \/nodir does not exist on host root/);
    assert.equal(podmanCalls(runner, 'checkpoint').length, 0);
  });

  test('export to a folder is refused before podman', async () => {
    const runner = new FakeRunner((command) => pathTest(command) ?? inspectReply(command));
    for (const target of ['/srv/ckpt', '/srv/ckpt/']) {
      const result = await new ContainerOperations(runner).checkpoint({ host, podmanVersion: podman5, container: 't-crun', options: { export: target }, overwrite: true });
      assertRefused(result, 'export-is-folder');
    }
    assert.equal(podmanCalls(runner, 'checkpoint').length, 0);
  });

  test('relative export path names the given path', async () => {
    const result = await new ContainerOperations(new FakeRunner(inspectReply)).checkpoint({ host, podmanVersion: podman5, container: 't-crun', options: { export: 'rel.tar.zst' } });
    assertRefused(result, 'invalid-options');
    assert.match(result.status === 'failed' ? result.error.message : '', /got "rel\.tar\.zst"/);
  });

  test('created container is not checkpointed', async () => {
    const runner = new FakeRunner(inspectReply);
    assertRefused(await new ContainerOperations(runner).checkpoint({ host, podmanVersion: podman5, container: 't-created' }), 'not-running');
    assert.equal(podmanCalls(runner, 'checkpoint').length, 0);
  });

  test('invalid options run nothing', async () => {
    const runner = new FakeRunner(() => undefined);
    const result = await new ContainerOperations(runner).checkpoint({ host, podmanVersion: parsePodmanVersion('3.4.4')!, container: 't-crun', options: { fileLocks: true } });
    assertRefused(result, 'invalid-options');
    assert.equal(runner.commands.length, 0);
  });

  test('missing container is NotFoundError', async () => {
    const result = await new ContainerOperations(new FakeRunner(inspectReply)).checkpoint({ host, podmanVersion: podman5, container: 'nosuch' });
    assert.equal(result.status, 'failed');
    if (result.status !== 'failed') return;
    assert.ok(result.error instanceof NotFoundError);
  });

  test('cancellation removes the partial export', async () => {
    const controller = new AbortController();
    const runner = new FakeRunner((command) => {
      if (command.includes('test')) return pathTest(command);
      if (command.includes('checkpoint')) {
        controller.abort();
        return { cancelled: true };
      }
      if (command.includes('rm')) return {};
      return inspectReply(command);
    });
    const result = await new ContainerOperations(runner).checkpoint({ host, podmanVersion: podman5, container: 't-crun', options: { export: '/srv/x.tar' }, signal: controller.signal });
    assert.equal(result.status, 'cancelled');
    assert.ok(runner.commands.some((command) => command.includes('rm')));
    assert.equal(runner.commands.some((command) => command.includes('cat')), false, 'a cancelled checkpoint is not diagnosed');
  });

  test('abort before start is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await new ContainerOperations(new FakeRunner(inspectReply)).checkpoint({ host, podmanVersion: podman5, container: 't-crun', signal: controller.signal });
    assert.equal(result.status, 'cancelled');
  });
});

describe('ContainerOperations.restore', () => {
  test('running container is refused before podman restore', async () => {
    const runner = new FakeRunner(inspectReply);
    const result = await new ContainerOperations(runner).restore({ host, podmanVersion: podman5, source: { container: 't-runc' } });
    assertRefused(result, 'running');
    assert.equal(podmanCalls(runner, 'restore').length, 0);
  });

  test('checkpointed container is restored in place', async () => {
    const runner = new FakeRunner((command) => (command.includes('restore') ? { stdout: 't-crun-clone\n' } : inspectReply(command)));
    const result = await new ContainerOperations(runner).restore({ host, podmanVersion: podman5, source: { container: 't-crun-clone' }, options: { keep: true } });
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(podmanCalls(runner, 'restore')[0], ['sudo', '-n', 'podman', 'container', 'restore', '--keep', '--', 't-crun-clone']);
  });

  test('failed import keeps the archive', async () => {
    const archive = '/srv/ckpt/t-runc.tar.zst';
    const restoreLog = '/var/lib/containers/storage/overlay-containers/013781a6585da297b2961b106994fa55874fe7fc30458aae7f3e06ea4c68ce31/userdata/restore.log';
    const runner = new FakeRunner((command) => {
      if (command.includes('test')) return {};
      if (command.includes('restore')) return { exitCode: 125, stderr: readFixture('stderr/p4-runc-restore-import-criu-failed.txt') };
      if (command.includes('cat')) return { stdout: '(00.000000) Version: 3.17.1\n(00.010000) Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds\n(00.020000) Error (criu/cr-restore.c:2397): Restoring FAILED.\n' };
      return inspectReply(command);
    });
    const result = await new ContainerOperations(runner).restore({ host, podmanVersion: podman5, source: { importPath: archive }, options: { name: 'bb-import-runc' } });

    assert.equal(result.status, 'failed');
    if (result.status !== 'failed') return;
    assert.equal(result.diagnosis?.logPath, restoreLog);
    assert.equal(result.diagnosis?.analysis.outcome, 'failed');
    const touchingArchive = runner.commands.filter((command) => command.includes(archive) && !command.includes('test'));
    assert.equal(touchingArchive.length, 0, 'only podman restore --import=<archive> and test -e may name the archive');
    assert.deepEqual(podmanCalls(runner, 'restore')[0], ['sudo', '-n', 'podman', 'container', 'restore', `--import=${archive}`, '--name=bb-import-runc']);
  });

  test('import of a missing archive is refused', async () => {
    const runner = new FakeRunner((command) => (command.includes('test') ? missing : inspectReply(command)));
    assertRefused(await new ContainerOperations(runner).restore({ host, podmanVersion: podman5, source: { importPath: '/srv/none.tar' } }), 'file-missing');
  });

  test('import name already used is refused', async () => {
    const runner = new FakeRunner((command) => (command.includes('test') ? {} : inspectReply(command)));
    const result = await new ContainerOperations(runner).restore({ host, podmanVersion: podman5, source: { importPath: '/srv/a.tar' }, options: { name: 't-crun' } });
    assertRefused(result, 'name-in-use');
    assert.equal(podmanCalls(runner, 'restore').length, 0);
  });

  test('sudo failure in file check is not a missing file', async () => {
    const runner = new FakeRunner((command) => (command.includes('test') ? { exitCode: 1, stderr: 'sudo: a password is required\n' } : inspectReply(command)));
    const result = await new ContainerOperations(runner).restore({ host, podmanVersion: podman5, source: { importPath: '/srv/a.tar' } });
    assert.equal(result.status, 'failed');
    assert.equal(result.status === 'failed' && result.error.name, 'PermissionError');
  });
});

describe('temporaryNameFor', () => {
  test('hidden sibling with a random part', () => {
    assert.match(temporaryNameFor('/a/b/c.tar.gz'), /^\/a\/b\/\.c\.tar\.gz\.[0-9a-f]{12}\.partial$/);
    assert.notEqual(temporaryNameFor('/x'), temporaryNameFor('/x'));
  });
});
