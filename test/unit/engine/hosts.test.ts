import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { CommandFailedError, PermissionError } from '../../../src/engine/errors';
import {
  canRunPrograms,
  HeadTailBuffer,
  HostCommandError,
  hostCommand,
  isMissingFileError,
  LOCAL_HOST,
  parseHostSettings,
  podmanCommand,
  readHostFile,
  type Host,
} from '../../../src/engine/hosts';
import { ProcessRunner } from '../../../src/engine/runner';

const sudoHost: Host = { name: 'root', prefix: ['sudo', '-n'] };
const sshHost: Host = { name: 'remote', prefix: ['ssh', '-o', 'BatchMode=yes', 'build-host'] };
const nsenterHost: Host = {
  name: 'trixie',
  prefix: ['nsenter', '--mount=/run/stack/ns/mnt', '--', 'env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'],
};
const connectionHost: Host = { name: 'machine', prefix: ['podman', '--connection', 'podman-machine-default'] };

describe('podmanCommand', () => {
  test('local host runs podman directly', () => {
    assert.deepEqual(podmanCommand(LOCAL_HOST, ['ps', '-a']), ['podman', 'ps', '-a']);
  });

  test('sudo prefix goes first', () => {
    assert.deepEqual(podmanCommand(sudoHost, ['info']), ['sudo', '-n', 'podman', 'info']);
  });

  test('nsenter prefix keeps its own words', () => {
    assert.deepEqual(podmanCommand(nsenterHost, ['version']), [...nsenterHost.prefix, 'podman', 'version']);
  });

  test('prefix that runs podman is not doubled', () => {
    assert.deepEqual(podmanCommand(connectionHost, ['ps']), ['podman', '--connection', 'podman-machine-default', 'ps']);
  });

  test('ssh prefix quotes each argument', () => {
    assert.deepEqual(podmanCommand(sshHost, ['container', 'inspect', '--', "my 'ctr'"]), [
      'ssh',
      '-o',
      'BatchMode=yes',
      'build-host',
      'podman',
      'container',
      'inspect',
      '--',
      `'my '\\''ctr'\\'''`,
    ]);
  });

  test('ssh quoting survives a remote shell', () => {
    // Stand in for ssh: join the words after the destination as ssh does and run them with sh.
    const command = podmanCommand(sshHost, ['--format', '{{.State}} $HOME', '--', 'a b;c']);
    const remoteString = command.slice(4).join(' ');
    const output = execFileSync('sh', ['-c', `podman() { printf '%s\\n' "$@"; }; ${remoteString}`], { encoding: 'utf8' });
    assert.deepEqual(output.split('\n').slice(0, -1), ['--format', '{{.State}} $HOME', '--', 'a b;c']);
  });
});

describe('hostCommand', () => {
  test('runs a program through the prefix', () => {
    assert.deepEqual(hostCommand(sudoHost, 'cat', ['--', '/proc/1/maps']), ['sudo', '-n', 'cat', '--', '/proc/1/maps']);
  });

  test('reuses the words before podman', () => {
    const host: Host = { name: 'alt', prefix: ['sudo', '-n', 'podman', '--root', '/srv/storage'] };
    assert.deepEqual(hostCommand(host, 'criu', ['--version']), ['sudo', '-n', 'criu', '--version']);
    assert.deepEqual(podmanCommand(host, ['ps']), ['sudo', '-n', 'podman', '--root', '/srv/storage', 'ps']);
  });

  test('remote podman connection cannot run programs', () => {
    assert.throws(() => hostCommand(connectionHost, 'cat', ['--', '/x']), HostCommandError);
    assert.equal(canRunPrograms(connectionHost), false);
    assert.equal(canRunPrograms(sshHost), true);
  });
});

describe('parseHostSettings', () => {
  test('missing setting gives the local host', () => {
    assert.deepEqual(parseHostSettings(undefined), { hosts: [LOCAL_HOST], problems: [] });
  });

  test('valid hosts follow the local host', () => {
    const result = parseHostSettings([{ name: 'root', prefix: ['sudo', '-n'] }]);
    assert.deepEqual(result.hosts, [LOCAL_HOST, sudoHost]);
    assert.deepEqual(result.problems, []);
  });

  test('a host named local replaces the default', () => {
    const result = parseHostSettings([{ name: 'local', prefix: ['sudo', '-n'] }]);
    assert.deepEqual(result.hosts, [{ name: 'local', prefix: ['sudo', '-n'] }]);
  });

  test('prefix default is empty', () => {
    const result = parseHostSettings([{ name: 'plain' }]);
    assert.deepEqual(result.hosts[1], { name: 'plain', prefix: [] });
  });

  test('shell string in prefix names the fix', () => {
    const result = parseHostSettings([{ name: 'root', prefix: ['sudo -n'] }], 'checkpointLens.hosts');
    assert.deepEqual(result.hosts, [LOCAL_HOST]);
    assert.deepEqual(result.problems, [
      'checkpointLens.hosts[0].prefix[0]: "sudo -n" contains a space, so it would run a program of that whole name. Give each argument its own element: ["sudo","-n"].',
    ]);
  });

  test('bad entry does not hide good ones', () => {
    const result = parseHostSettings([{ name: '', prefix: [] }, { name: 'root', prefix: ['sudo', '-n'] }, { name: 'root', prefix: [] }, { name: 'x', prefix: 'sudo' }, { name: 'y', extra: 1 }]);
    assert.deepEqual(result.hosts, [LOCAL_HOST, sudoHost]);
    assert.equal(result.problems.length, 4);
    assert.match(result.problems[0], /^hosts\[0\]\.name: must not be empty\. /);
    assert.match(result.problems[1], /^hosts\[2\]\.name: "root" is used by an earlier host\./);
    assert.match(result.problems[2], /^hosts\[3\]\.prefix: /);
    assert.match(result.problems[3], /^hosts\[4\]: .*extra/);
  });

  test('empty and NUL prefix words are rejected', () => {
    const result = parseHostSettings([{ name: 'a', prefix: ['sudo', ''] }, { name: 'b', prefix: ['x\0y'] }]);
    assert.match(result.problems[0], /^hosts\[0\]\.prefix\[1\]: an empty string/);
    assert.match(result.problems[1], /^hosts\[1\]\.prefix\[0\]: contains a NUL/);
  });

  test('non-list setting is described', () => {
    const result = parseHostSettings({ name: 'root' });
    assert.deepEqual(result.hosts, [LOCAL_HOST]);
    assert.match(result.problems[0], /^hosts: expected a list .* got an object\.$/);
  });
});

describe('HeadTailBuffer', () => {
  test('short stream is kept whole', () => {
    const buffer = new HeadTailBuffer(100);
    buffer.push('a\nb\n');
    buffer.push('c\n');
    assert.deepEqual(buffer.result(), { text: 'a\nb\nc\n', omittedChars: 0 });
  });

  test('long stream keeps whole lines at both ends', () => {
    const lines = Array.from({ length: 100 }, (_, index) => `line ${String(index).padStart(3, '0')}\n`);
    const buffer = new HeadTailBuffer(200);
    for (const line of lines) buffer.push(line);
    const { text, omittedChars } = buffer.result();

    const kept = text.split('\n');
    assert.equal(kept[0], 'line 000');
    assert.equal(kept.at(-2), 'line 099');
    assert.ok(text.length <= 200 + 40, `kept ${text.length} characters`);
    assert.match(text, new RegExp(`\\[${omittedChars} characters omitted\\]\\n`));
    for (const line of kept.slice(0, -1)) assert.match(line, /^line \d{3}$|^\[\d+ characters omitted\]$/);
  });
});

describe('readHostFile', () => {
  let directory: string;
  const runner = new ProcessRunner();

  before(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'checkpoint-lens-hosts-'));
  });

  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('reads a local file with cat', async () => {
    const file = path.join(directory, 'dump.log');
    await writeFile(file, '(00.000000) Version: 4.1.1\nDumping FAILED.\n');
    const result = await readHostFile(runner, LOCAL_HOST, file);
    assert.equal(result.text, '(00.000000) Version: 4.1.1\nDumping FAILED.\n');
    assert.equal(result.omittedChars, 0);
  });

  test('path starting with a dash is safe', async () => {
    const file = path.join(directory, '-n');
    await writeFile(file, 'dash\n');
    const result = await readHostFile(runner, LOCAL_HOST, file);
    assert.equal(result.text, 'dash\n');
  });

  test('proc files with size 0 are read', async () => {
    const result = await readHostFile(runner, LOCAL_HOST, `/proc/${process.pid}/status`);
    assert.match(result.text, /^Name:/);
  });

  test('large file is cut to the cap', async () => {
    const file = path.join(directory, 'big.log');
    await writeFile(file, 'x'.repeat(99) + '\n'.repeat(1) + 'y'.repeat(10_000) + '\nlast line\n');
    const result = await readHostFile(runner, LOCAL_HOST, file, { maxChars: 400 });
    assert.ok(result.text.startsWith('x'.repeat(99) + '\n'));
    assert.ok(result.text.endsWith('last line\n'));
    assert.equal(result.totalChars, 10_111);
    assert.ok(result.omittedChars > 9_000);
  });

  test('missing file is a CommandFailedError', async () => {
    const error = await readHostFile(runner, LOCAL_HOST, path.join(directory, 'nope.log')).catch((caught: unknown) => caught);
    assert.ok(error instanceof CommandFailedError);
    assert.equal(isMissingFileError(error), true);
  });

  test('unreadable file is a PermissionError', { skip: process.getuid?.() === 0 ? 'root reads any file' : false }, async () => {
    const file = path.join(directory, 'secret.log');
    await writeFile(file, 'secret\n');
    await chmod(file, 0o000);
    const error = await readHostFile(runner, LOCAL_HOST, file).catch((caught: unknown) => caught);
    assert.ok(error instanceof PermissionError);
  });

  test('relative path is rejected', async () => {
    await assert.rejects(readHostFile(runner, LOCAL_HOST, 'dump.log'), RangeError);
  });
});
