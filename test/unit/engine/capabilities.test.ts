import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  assessCapabilities,
  criuVersionNumber,
  parseCriuCheck,
  parseCriuVersion,
  parseOciRuntimeVersion,
  probeHost,
} from '../../../src/engine/capabilities';
import { CancelledError } from '../../../src/engine/errors';
import { LOCAL_HOST, type Host } from '../../../src/engine/hosts';
import { parseInfo } from '../../../src/engine/podmanJson';
import { FakeRunner, type FakeReply } from './fakeRunner';
import { readFixture } from './fixtures';

describe('parseOciRuntimeVersion', () => {
  test('crun 1.21 with CRIU and wasmedge', () => {
    const runtime = parseOciRuntimeVersion('crun', readFixture('probe/crun-version-1.21.txt'));
    assert.equal(runtime.version, '1.21');
    assert.equal(runtime.supportsCheckpoint, true);
    assert.deepEqual(runtime.wasmHandlers, ['wasmedge']);
    assert.ok(runtime.features.includes('SECCOMP'));
  });

  test('crun 1.8.1 without CRIU', () => {
    const runtime = parseOciRuntimeVersion('crun', readFixture('probe/crun-version-1.8.1.txt'));
    assert.equal(runtime.version, '1.8.1');
    assert.equal(runtime.supportsCheckpoint, false);
    assert.deepEqual(runtime.wasmHandlers, []);
  });

  test('runc always supports checkpoint', () => {
    const runtime = parseOciRuntimeVersion('runc', readFixture('probe/runc-version-1.1.15.txt'));
    assert.equal(runtime.version, '1.1.15+ds1');
    assert.equal(runtime.supportsCheckpoint, true);
    assert.deepEqual(runtime.features, []);
  });

  test('other runtimes are undecided', () => {
    assert.equal(parseOciRuntimeVersion('youki', 'youki version 0.3.0').supportsCheckpoint, undefined);
  });
});

describe('CRIU parsers', () => {
  test('version line', () => {
    assert.equal(parseCriuVersion(readFixture('probe/criu-version-4.1.1.txt')), '4.1.1');
    assert.equal(parseCriuVersion('Version: 3.17.1\nGitID: v3.17.1\n'), '3.17.1');
    assert.equal(parseCriuVersion('nothing'), undefined);
  });

  test('version numbers in podman form', () => {
    assert.equal(criuVersionNumber('4.1.1'), 40101);
    assert.equal(criuVersionNumber('3.11'), 31100);
    assert.equal(criuVersionNumber('3.17.1'), 31701);
  });

  test('check results', () => {
    assert.deepEqual(parseCriuCheck(readFixture('probe/criu-check-ok.txt')), { ok: true, errors: [], warnings: [] });
    const failed = parseCriuCheck(readFixture('probe/criu-check-vdso-fail.txt'));
    assert.equal(failed.ok, false);
    assert.equal(failed.errors.length, 4);
    assert.match(failed.errors[0], /vdso: Unexpected rt vDSO area bounds/);
  });
});

describe('assessCapabilities', () => {
  const info5 = parseInfo(readFixture('podman5/info.json'));
  const info4 = parseInfo(readFixture('podman4/info.json'));

  test('rootless podman is blocking with a fix', () => {
    const findings = assessCapabilities({ info: { ...info5, rootless: true } });
    assert.equal(findings[0].code, 'rootless');
    assert.equal(findings[0].severity, 'blocking');
    assert.match(findings[0].fix ?? '', /\["sudo", "-n"\]/);
  });

  test('crun without CRIU is a warning', () => {
    const findings = assessCapabilities({ info: info4, runtime: parseOciRuntimeVersion('crun', info4.ociRuntime.version), criuVersion: '3.17.1' });
    const runtime = findings.find((finding) => finding.code === 'runtime-without-criu');
    assert.equal(runtime?.severity, 'warning');
    assert.match(runtime?.message ?? '', /crun 1\.8\.1 was built without CRIU/);
  });

  test('old CRIU vDSO failure suggests CRIU 4.1', () => {
    const findings = assessCapabilities({ criuVersion: '3.17.1', criuCheck: parseCriuCheck(readFixture('probe/criu-check-vdso-fail.txt')) });
    const check = findings.find((finding) => finding.code === 'criu-check-failed');
    assert.match(check?.message ?? '', /^criu check failed: Error \(criu\/vdso\.c:381\)/);
    assert.match(check?.fix ?? '', /CRIU 4\.1 or later/);
    assert.equal(check?.severity, 'blocking');
  });

  test('failed criu check of one feature is a warning', () => {
    const findings = assessCapabilities({ criuVersion: '4.1.1', criuCheck: { ok: false, errors: ['Error (criu/cr-check.c:1007): failed to mount autofs: No such device'], warnings: [] } });
    assert.equal(findings.find((finding) => finding.code === 'criu-check-failed')?.severity, 'warning');
  });

  test('CRIU below 3.11 is blocking', () => {
    assert.equal(assessCapabilities({ criuVersion: '3.10' })[0].code, 'criu-too-old');
  });

  test('healthy podman 5 host has only info', () => {
    const findings = assessCapabilities({ info: info5, runtime: parseOciRuntimeVersion('crun', info5.ociRuntime.version), criuVersion: '4.1.1', criuCheck: { ok: true, errors: [], warnings: [] } });
    assert.deepEqual(findings.map((finding) => finding.code), ['cgroup-v1']);
  });
});

/** Replies of the trixie stack (podman 5.4.2, crun 1.21, CRIU 4.1.1) to the probe's commands. */
function trixieReplies(command: readonly string[]): FakeReply | undefined {
  const line = command.join(' ');
  if (line.endsWith(' version --format json')) return { stdout: readFixture('podman5/version.json') };
  if (line.endsWith(' info --format json')) return { stdout: readFixture('podman5/info.json'), stderr: 'time="x" level=warning msg="cgroups v1 is deprecated"\n' };
  if (line.endsWith('criu --version')) return { stdout: readFixture('probe/criu-version-4.1.1.txt') };
  if (line.endsWith('criu check')) return { stdout: readFixture('probe/criu-check-ok.txt') };
  return undefined;
}

describe('probeHost', () => {
  const sudoHost: Host = { name: 'root', prefix: ['sudo', '-n'] };

  test('healthy host through sudo', async () => {
    const runner = new FakeRunner(trixieReplies);
    const capabilities = await probeHost(runner, sudoHost);
    assert.equal(capabilities.canCheckpoint, true);
    assert.equal(capabilities.podmanVersion?.text, '5.4.2');
    assert.equal(capabilities.runtime?.supportsCheckpoint, true);
    assert.equal(capabilities.criuVersion, '4.1.1');
    assert.equal(capabilities.criuCheck?.ok, true);
    assert.equal(capabilities.info?.kernel, '6.18.44-fc-v1252');
    assert.deepEqual(runner.commandLines.sort(), [
      'sudo -n criu --version',
      'sudo -n criu check',
      'sudo -n podman info --format json',
      'sudo -n podman version --format json',
    ].sort());
  });

  test('rootless host cannot checkpoint', async () => {
    const rootlessInfo = JSON.parse(readFixture('podman5/info.json'));
    rootlessInfo.host.security.rootless = true;
    const runner = new FakeRunner((command) => {
      if (command.join(' ') === 'podman info --format json') return { stdout: JSON.stringify(rootlessInfo) };
      if (command.join(' ') === 'criu check') return { exitCode: 1, stderr: 'Error (criu/crtools.c:224): CRIU needs to have the CAP_SYS_ADMIN or the CAP_CHECKPOINT_RESTORE capability: \n' };
      return trixieReplies(command);
    });
    const capabilities = await probeHost(runner, LOCAL_HOST);
    assert.equal(capabilities.canCheckpoint, false);
    assert.equal(capabilities.findings[0].code, 'rootless');
    assert.equal(capabilities.criuCheck?.ok, false);
  });

  test('missing podman is a blocking finding', async () => {
    const runner = new FakeRunner(() => ({ exitCode: 127, stderr: 'sh: podman: command not found\n' }));
    const capabilities = await probeHost(runner, LOCAL_HOST);
    assert.equal(capabilities.canCheckpoint, false);
    assert.equal(capabilities.findings[0].code, 'podman-missing');
  });

  test('sudo password prompt is reported', async () => {
    const runner = new FakeRunner(() => ({ exitCode: 1, stderr: 'sudo: a password is required\n' }));
    const capabilities = await probeHost(runner, sudoHost);
    assert.equal(capabilities.findings[0].code, 'podman-permission');
    assert.match(capabilities.findings[0].fix ?? '', /NOPASSWD/);
  });

  test('missing criu is blocking', async () => {
    const runner = new FakeRunner((command) => (command.includes('criu') ? { exitCode: 127, stderr: 'sudo: criu: command not found\n' } : trixieReplies(command)));
    const capabilities = await probeHost(runner, sudoHost);
    assert.equal(capabilities.canCheckpoint, false);
    assert.equal(capabilities.findings[0].code, 'criu-missing');
  });

  test('remote connection skips CRIU', async () => {
    const runner = new FakeRunner(trixieReplies);
    const capabilities = await probeHost(runner, { name: 'machine', prefix: ['podman', '--connection', 'm'] });
    assert.equal(capabilities.canCheckpoint, true);
    assert.ok(capabilities.findings.some((finding) => finding.code === 'criu-unknown'));
    assert.equal(runner.commands.length, 2);
  });

  test('cancellation rejects', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(probeHost(new FakeRunner(trixieReplies), LOCAL_HOST, { signal: controller.signal }), CancelledError);
  });
});
