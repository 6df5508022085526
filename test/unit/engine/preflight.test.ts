import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import { type HostCapabilities } from '../../../src/engine/capabilities';
import { parseRecords } from '../../../src/engine/collect';
import { CancelledError, NotFoundError, RuntimeRefusalError } from '../../../src/engine/errors';
import {
  collectPreflight,
  extrasCommand,
  extrasRequests,
  groupExtrasRecords,
  parseDirtyTrackCheck,
  parseNamespaceListing,
  PREFLIGHT_EXTRAS_SCRIPT,
  preflightContainerFrom,
  preflightHostFrom,
  splitBatchOutput,
} from '../../../src/engine/preflight';
import { parseInspect } from '../../../src/engine/podmanJson';
import type { PreflightInput } from '../../../src/model/preflight/types';
import { FakeRunner } from './fakeRunner';
import { readFixture } from './fixtures';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'preflight', 'trixie');
const LOCAL = { name: 'local', prefix: [] };

function record(tag: string, key: string, content: string, status = 0): string {
  return `${tag}\0${key}\0${content}\0${status}\0`;
}

function readInput(name: string): PreflightInput {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.input.json`), 'utf8')) as PreflightInput;
}

describe('preflight extras command', () => {
  test('arguments are positional words', () => {
    const command = extrasCommand({ name: 'h', prefix: ['sudo', '-n'] }, [
      { kind: 'pid', pid: 42 },
      { kind: 'fd', pid: 42, fd: 0 },
      { kind: 'map', pid: 43, range: '7f00-7f10' },
    ]);
    assert.deepEqual(command, ['sudo', '-n', 'sh', '-c', PREFLIGHT_EXTRAS_SCRIPT, 'sh', 'pid:42', 'fd:42/0', 'map:43/7f00-7f10=7f00-7f10']);
  });

  test('invalid PIDs, fds and ranges are rejected', () => {
    assert.throws(() => extrasCommand(LOCAL, [{ kind: 'pid', pid: 0 }]), /PID must be a positive integer, got 0/);
    assert.throws(() => extrasCommand(LOCAL, [{ kind: 'fd', pid: 1, fd: -1 }]), /fd must be a non-negative integer, got -1/);
    assert.throws(() => extrasCommand(LOCAL, [{ kind: 'map', pid: 1, range: '1-2;rm' }]), /invalid map range "1-2;rm"/);
  });

  test('requests name deleted fds per process', () => {
    const requests = extrasRequests(readInput('ghost').snapshot);
    assert.deepEqual(requests, [
      { kind: 'pid', pid: 31076 },
      { kind: 'fd', pid: 31076, fd: 3 },
      { kind: 'pid', pid: 31883 },
      { kind: 'fd', pid: 31883, fd: 3 },
    ]);
  });

  test('requests name deleted file mappings', () => {
    const snapshot = {
      version: 1 as const,
      pid: 7,
      mountinfo: '',
      maps: '00400000-00401000 r-xp 00000000 fe:00 1234 /usr/bin/app (deleted)\n7f00-7f10 rw-s 00000000 00:01 99 /dev/zero (deleted)\n',
      fds: 'fd 4 -> /memfd:x (deleted)\nfd 5 -> /data/log\n',
    };
    assert.deepEqual(extrasRequests(snapshot), [
      { kind: 'pid', pid: 7 },
      { kind: 'fd', pid: 7, fd: 4 },
      { kind: 'map', pid: 7, range: '00400000-00401000' },
    ]);
  });
});

describe('preflight extras records', () => {
  test('namespace listing parses links', () => {
    const links = parseNamespaceListing('total 0\nlrwxrwxrwx 1 root root 0 Dec  4 22:47 net -> net:[4026532179]\nlrwxrwxrwx 1 root root 0 Dec  4 22:47 pid_for_children -> pid:[4026532178]\n');
    assert.deepEqual(links, { net: 'net:[4026532179]', pid_for_children: 'pid:[4026532178]' });
  });

  test('recorded ghost output groups by process', () => {
    const records = parseRecords(readFileSync(path.join(FIXTURES, 'ghost.extras.out'), 'utf8'));
    const readout = groupExtrasRecords(records, [31076, 1081]);

    assert.equal(readout.kernel, '6.18.44-fc-v1272');
    assert.match(readout.locks ?? '', /^1: FLOCK {2}ADVISORY {2}WRITE 27180 /);
    // The sandbox's /proc/1/ns cannot be read, so the host's links are missing with the reason.
    assert.equal(readout.hostNs, undefined);
    assert.deepEqual(readout.problems, ["/proc/1/ns: ls: cannot read symbolic link '/proc/1/ns/net': Permission denied"]);

    const [first, second] = readout.processes;
    assert.equal(first.pid, 31076);
    assert.match(first.status ?? '', /^NSpid:\t31076\t1$/m);
    assert.equal(first.ns?.net, 'net:[4026532386]');
    assert.deepEqual(first.deletedFdSizes, { 3: 2097152 });
    assert.deepEqual(first.deletedFdAllocated, { 3: 2097152 });
    assert.equal(first.unreadable, undefined);
    assert.equal(second.pid, 1081);
    assert.deepEqual(second.deletedFdSizes, { 3: 2097152 });

    // Both processes share one network namespace, so its tables are read once.
    assert.equal(readout.net.length, 1);
    assert.equal(readout.net[0].pid, 31076);
    assert.equal(readout.net[0].ns, 'net:[4026532386]');
    assert.match(readout.net[0].tcp ?? '', /^ {2}sl {2}local_address/);
    assert.equal(readout.net[0].unix, 'Num       RefCount Protocol Flags    Type St Inode Path\n');
    assert.equal(readout.net[0].ssUnix, '');
  });

  test('recorded batched output groups by process', () => {
    const records = parseRecords(readFileSync(path.join(FIXTURES, 'ghost-batch.extras.out'), 'utf8'));
    const readout = groupExtrasRecords(records, [11042, 11165]);

    const [shell, sleep] = readout.processes;
    assert.match(shell.status ?? '', /^Name:\tbusybox\n/);
    assert.match(shell.status ?? '', /^NSpid:\t11042\t1$/m);
    assert.doesNotMatch(shell.status ?? '', /==>/);
    assert.match(sleep.status ?? '', /^Pid:\t11165$/m);
    assert.equal(shell.ns?.net, 'net:[4026532179]');
    assert.equal(sleep.ns?.net, 'net:[4026532179]');
    assert.equal(Object.keys(sleep.ns ?? {}).length, 10);
    assert.deepEqual(shell.deletedFdAllocated, { 3: 2097152 });
    assert.equal(shell.unreadable, undefined);
    assert.equal(sleep.unreadable, undefined);
    assert.equal(readout.net.length, 1);
    assert.equal(readout.net[0].pid, 11042);
    assert.equal(readout.net[0].ns, 'net:[4026532179]');
  });

  test('batched output splits by PID', () => {
    const status = '==> /proc/5/status <==\nName:\ta\nPid:\t5\n\n==> /proc/6/status <==\nName:\tb\n';
    assert.deepEqual([...splitBatchOutput(status, 'status', new Set([5, 6]))], [
      [5, 'Name:\ta\nPid:\t5\n'],
      [6, 'Name:\tb\n'],
    ]);
    // A header of a PID that was not requested does not start a section.
    assert.deepEqual([...splitBatchOutput(status, 'status', new Set([5]))], [[5, 'Name:\ta\nPid:\t5\n\n==> /proc/6/status <==\nName:\tb\n']]);

    const single = 'total 0\nlrwxrwxrwx 1 root root 0 Dec  4 23:06 net -> net:[1]\n';
    assert.deepEqual([...splitBatchOutput(single, 'ns', new Set([5]))], [[5, single]]);
    assert.deepEqual([...splitBatchOutput(single, 'ns', new Set([5, 6]))], []);
  });

  test('process missing from a batch is unreadable', () => {
    const text = [
      record('status-all', '0', '==> /proc/5/status <==\nName:\ta\n', 1),
      record('ns-all', '0', '/proc/5/ns:\nlrwxrwxrwx 1 root root 0 Dec  4 23:06 net -> net:[1]\n', 2),
    ].join('');
    const [alive, gone] = groupExtrasRecords(parseRecords(text), [5, 6]).processes;
    assert.equal(alive.status, 'Name:\ta\n');
    assert.deepEqual(alive.ns, { net: 'net:[1]' });
    assert.equal(alive.unreadable, undefined);
    assert.equal(gone.status, undefined);
    assert.deepEqual(gone.unreadable, {
      status: '/proc/6/status could not be read (exit status 1); the process may have exited',
      ns: '/proc/6/ns could not be read (exit status 2); the process may have exited',
    });
  });

  test('failed reads go to unreadable', () => {
    const text = [
      record('kernel', '0', '6.1.0\n'),
      record('ns', '1', 'lrwxrwxrwx 1 root root 0 Dec  4 22:47 net -> net:[4026531840]\n'),
      record('criu-config', '/etc/criu/runc.conf', 'ghost-limit 16M\n'),
      record('status', '9', 'cat: /proc/9/status: No such file or directory\n', 1),
      record('ns', '9', 'lrwxrwxrwx 1 root root 0 Dec  4 22:47 net -> net:[4026532000]\n'),
      record('net-tcp', '9', 'cat: /proc/9/net/tcp: Permission denied\n', 1),
      record('ss-unix', '9', 'nsenter: failed to execute ss: No such file or directory\n', 127),
      record('fd-size', '9/4', '1048577 2056 512\n'),
      record('map-size', '9/7f00-7f10', "stat: cannot stat '/proc/9/map_files/7f00-7f10': Operation not permitted\n", 1),
    ].join('');
    const readout = groupExtrasRecords(parseRecords(text), [9]);

    assert.deepEqual(readout.hostNs, { net: 'net:[4026531840]' });
    assert.deepEqual(readout.criuConfigs, { '/etc/criu/runc.conf': 'ghost-limit 16M\n' });
    const [process] = readout.processes;
    assert.equal(process.status, undefined);
    assert.deepEqual(process.unreadable, {
      status: 'cat: /proc/9/status: No such file or directory',
      'map_files/7f00-7f10': "stat: cannot stat '/proc/9/map_files/7f00-7f10': Operation not permitted",
    });
    assert.deepEqual(process.deletedFdSizes, { 4: 1048577 });
    assert.deepEqual(process.deletedFdAllocated, { 4: 2056 * 512 });
    assert.equal(readout.net[0].ns, 'net:[4026532000]');
    assert.deepEqual(readout.net[0].unreadable, {
      tcp: 'cat: /proc/9/net/tcp: Permission denied',
      'ss -x': 'nsenter: failed to execute ss: No such file or directory',
    });
  });

  test('record of another process is a problem', () => {
    const readout = groupExtrasRecords(parseRecords(record('status', '77', 'Name:\tx\n')), [9]);
    assert.deepEqual(readout.problems, ['record "status" for 77, which is no process of the snapshot']);
  });

  test('script reads a deleted file of this process', { skip: process.platform !== 'linux' && 'needs Linux /proc' }, () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'preflight-extras-'));
    const file = path.join(directory, 'deleted.bin');
    writeFileSync(file, Buffer.alloc(3 * 4096 + 5, 1));
    const fd = openSync(file, 'r');
    try {
      unlinkSync(file);
      const [program, ...args] = extrasCommand(LOCAL, [{ kind: 'pid', pid: process.pid }, { kind: 'fd', pid: process.pid, fd }]);
      const result = spawnSync(program, args, { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      const readout = groupExtrasRecords(parseRecords(result.stdout), [process.pid]);
      const [self] = readout.processes;
      assert.equal(self.deletedFdSizes?.[String(fd)], 3 * 4096 + 5);
      assert.ok((self.deletedFdAllocated?.[String(fd)] ?? 0) >= 3 * 4096, `allocated ${self.deletedFdAllocated?.[String(fd)]}`);
      assert.match(self.status ?? '', new RegExp(`^Pid:\\t${process.pid}$`, 'm'));
      assert.match(self.ns?.net ?? '', /^net:\[\d+\]$/);
      assert.equal(readout.net.length, 1);
      assert.equal(readout.net[0].ns, self.ns?.net);
      assert.match(readout.net[0].tcp ?? '', /local_address/);
      assert.match(readout.kernel ?? '', /^\d+\.\d+/);
    } finally {
      closeSync(fd);
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('preflight extras of a low mapping', () => {
  test('map word names map_files without padding', () => {
    const command = extrasCommand(LOCAL, [{ kind: 'map', pid: 43, range: '00400000-00401000' }]);
    assert.equal(command.at(-1), 'map:43/00400000-00401000=400000-401000');
  });

  const gcc = spawnSync('gcc', ['--version']).status === 0;
  test('script reads map_files of a non-PIE binary', { skip: (process.platform !== 'linux' || process.getuid?.() !== 0 || !gcc) && 'needs Linux, root for map_files, and gcc' }, async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'preflight-nopie-'));
    const source = path.join(directory, 'pause.c');
    const binary = path.join(directory, 'pause');
    writeFileSync(source, '#include <unistd.h>\nint main(void) { pause(); return 0; }\n');
    const built = spawnSync('gcc', ['-static', '-no-pie', '-o', binary, source], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const child = spawn(binary, [], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const pid = child.pid!;
      const first = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')[0];
      const range = first.split(' ')[0];
      // A non-PIE x86-64 binary starts at 0x400000, which maps pads to eight digits.
      assert.match(range, /^00400000-/);
      const [program, ...args] = extrasCommand(LOCAL, [{ kind: 'pid', pid }, { kind: 'map', pid, range }]);
      const result = spawnSync(program, args, { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      const [self] = groupExtrasRecords(parseRecords(result.stdout), [pid]).processes;
      assert.equal(self.unreadable?.[`map_files/${range}`], undefined);
      assert.equal(self.deletedMapSizes?.[range], statSync(binary).size);
    } finally {
      child.kill('SIGKILL');
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('preflight facts', () => {
  test('dirty tracking output', () => {
    assert.equal(parseDirtyTrackCheck('mem_dirty_track is supported\n'), true);
    assert.equal(parseDirtyTrackCheck('Warn  (criu/cr-check.c:824): Dirty tracking is OFF. Memory snapshot will not work.\n'), false);
    assert.equal(parseDirtyTrackCheck('Error (criu/kerndat.c:1870): kerndat_init failed\n'), undefined);
  });

  test('inspect gives tty and namespace modes', () => {
    const [details] = parseInspect(readFixture('podman5/inspect-t-crun.json')).items;
    assert.equal(details.tty, false);
    assert.equal(details.namespaceModes.pid, 'private');
    assert.equal(details.namespaceModes.net, 'none');
    assert.equal(details.namespaceModes.user, undefined);

    const container = preflightContainerFrom(details, { name: 'crun', version: '1.21', supportsCheckpoint: true });
    assert.equal(container.name, details.name);
    assert.equal(container.pid, details.pid);
    assert.equal(container.sharedNamespaces, undefined);
    assert.equal(container.runtime?.supportsCheckpoint, true);
  });

  test('pod namespaces become shared', () => {
    const record = {
      Id: 'abc',
      Name: 'member',
      OCIRuntime: 'crun',
      Pod: 'pod1',
      State: { Status: 'running', Running: true, Pid: 42 },
      Config: { Tty: true },
      HostConfig: { PidMode: 'container:infra1', IpcMode: 'container:infra1', NetworkMode: 'bridge', UTSMode: 'private' },
    };
    const [details] = parseInspect(JSON.stringify([record])).items;
    const container = preflightContainerFrom(details, undefined);
    assert.equal(container.tty, true);
    assert.equal(container.pod, 'pod1');
    assert.deepEqual(container.sharedNamespaces, { pid: 'container:infra1', ipc: 'container:infra1' });
  });

  test('host facts from the probe', () => {
    const capabilities = {
      host: { name: 'trixie', prefix: [] },
      podmanVersion: { major: 5, minor: 4, patch: 2, text: '5.4.2' },
      info: { rootless: false, kernel: '6.18.0' },
      criuVersion: '4.1.1',
      criuCheck: { ok: false, errors: ['Error (criu/cr-check.c:1): x'], warnings: [] },
      findings: [],
      canCheckpoint: true,
    } as unknown as HostCapabilities;
    assert.deepEqual(preflightHostFrom(capabilities, '6.18.44-fc', false), {
      name: 'trixie',
      rootful: true,
      podmanVersion: '5.4.2',
      kernel: '6.18.44-fc',
      criuVersion: '4.1.1',
      criuCheck: { ok: false, errors: ['Error (criu/cr-check.c:1): x'] },
      dirtyTracking: false,
    });
    assert.equal(preflightHostFrom(capabilities, undefined, undefined).kernel, '6.18.0');
  });
});

describe('collectPreflight errors', () => {
  const capabilities = { host: LOCAL, findings: [], canCheckpoint: true } as unknown as HostCapabilities;

  test('stopped container names itself', async () => {
    const inspect = JSON.stringify([{ Id: 'abc', Name: 'web', State: { Status: 'exited', Running: false, Pid: 0 } }]);
    const runner = new FakeRunner((command) => (command.includes('inspect') ? { stdout: inspect } : undefined));
    const error = await collectPreflight(runner, LOCAL, 'web', { capabilities }).then(
      () => assert.fail('expected a rejection'),
      (reason: unknown) => reason,
    );
    assert.ok(error instanceof RuntimeRefusalError, `got ${String(error)}`);
    assert.equal(error.reason, 'state-improper');
    assert.match(error.message, /^Container web is exited/);
    assert.match(error.hint ?? '', /podman start web/);
  });

  for (const [name, message, hint] of [
    ['paused', /^paused is paused/, /podman unpause paused/],
    ['checkpointed', /^Container checkpointed is exited/, /restore it with "podman container restore checkpointed"/],
  ] as const) {
    test(`${name} container is refused`, async () => {
      const inspect = readFileSync(path.join(__dirname, `../../fixtures/preflight/trixie/${name}.inspect.json`), 'utf8');
      const runner = new FakeRunner((command) => (command.includes('inspect') ? { stdout: inspect } : undefined));
      const error = await collectPreflight(runner, LOCAL, name, { capabilities }).then(
        () => assert.fail('expected a rejection'),
        (reason: unknown) => reason,
      );
      assert.ok(error instanceof RuntimeRefusalError, `got ${String(error)}`);
      assert.equal(error.reason, 'state-improper');
      assert.match(error.message, message);
      assert.match(error.hint ?? '', hint);
    });
  }

  test('unknown container is not found', async () => {
    const runner = new FakeRunner(() => ({ exitCode: 125, stderr: 'Error: no such container nope\n' }));
    await assert.rejects(collectPreflight(runner, LOCAL, 'nope', { capabilities }), (error: unknown) => error instanceof NotFoundError && error.missing === 'container');
  });

  test('aborted signal cancels before any command', async () => {
    const runner = new FakeRunner(() => undefined);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(collectPreflight(runner, LOCAL, 'web', { capabilities, signal: controller.signal }), CancelledError);
    assert.deepEqual(runner.commands, []);
  });

  test('abort during collection cancels', async () => {
    const controller = new AbortController();
    const inspect = JSON.stringify([{ Id: 'abc', Name: 'web', OCIRuntime: 'crun', State: { Status: 'running', Running: true, Pid: 42, ConmonPid: 40 } }]);
    const runner = new FakeRunner((command) => {
      if (command.includes('inspect')) return { stdout: inspect };
      controller.abort();
      return { cancelled: true };
    });
    await assert.rejects(collectPreflight(runner, LOCAL, 'web', { capabilities, signal: controller.signal }), CancelledError);
  });
});
