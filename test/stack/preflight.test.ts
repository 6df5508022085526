/**
 * The preflight on the trixie stack (podman 5.4.2, crun 1.21, runc 1.1.15, CRIU 4.1.1, kernel
 * 6.18): for each container, predict through the engine, then checkpoint through the engine, and
 * check that the prediction matched what CRIU did.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { type TestContext } from 'node:test';

import { runPreflightCli } from '../../src/cli/preflight';
import { CommandError, RuntimeRefusalError } from '../../src/engine/errors';
import { ContainerOperations, type OperationResult } from '../../src/engine/operations';
import type { CheckpointOptions, PodmanVersion } from '../../src/engine/podmanArgs';
import { runPreflight } from '../../src/engine/preflight';
import type { PreflightFinding, PreflightIntent, PreflightReport } from '../../src/model/preflight/types';
import { assertSucceeded, namePrefix, openEngineSession, parseStackEnv, runHoldfd, runner, type Runtime, stackEnvFile, type StackSession } from './harness';

const testOptions = { timeout: 240_000 };
const operations = new ContainerOperations(runner);

function preflight(session: StackSession, name: string, intent: PreflightIntent = {}): Promise<PreflightReport> {
  return runPreflight(runner, session.stack.host, name, intent, { timeoutMs: 120_000 });
}

function checkpoint(session: StackSession, podmanVersion: PodmanVersion, name: string, options: CheckpointOptions = {}): Promise<OperationResult> {
  return operations.checkpoint({ host: session.stack.host, podmanVersion, container: name, options: { keep: true, ...options } });
}

/** Lists the findings as `verdict category check: title`, for assert messages. */
function describeReport(report: PreflightReport): string {
  const findings = report.findings.map((finding) => `${finding.verdict} ${finding.category} ${finding.check}: ${finding.title}`);
  const skipped = report.skipped.map((entry) => `skipped ${entry.check}: ${entry.reason}`);
  return [`verdict ${report.verdict}`, ...findings, ...skipped].join('\n');
}

function blockingFinding(report: PreflightReport, category: string): PreflightFinding {
  const finding = report.findings.find((candidate) => candidate.verdict === 'blocks' && candidate.category === category);
  assert.ok(finding, `no blocking ${category} finding:\n${describeReport(report)}`);
  return finding;
}

/** Asserts that the checkpoint failed in CRIU, and returns the diagnosis with its log. */
function failedDiagnosis(result: OperationResult): NonNullable<Extract<OperationResult, { status: 'failed' }>['diagnosis']> {
  if (result.status !== 'failed') assert.fail(`expected the checkpoint to fail, got ${result.status}`);
  assert.ok(result.diagnosis, `no diagnosis: ${result.error.message}`);
  assert.ok(result.diagnosis.logText, `dump.log was not read: ${result.diagnosis.readError?.message}`);
  return result.diagnosis;
}

async function assertStillRunning(session: StackSession, name: string): Promise<void> {
  const { State } = await session.inspect(name);
  assert.equal(State.Running, true, `${name} should keep running after the failed checkpoint`);
}

for (const runtime of ['crun', 'runc'] as const satisfies readonly Runtime[]) {
  test(`preflight ${runtime}: plain busybox should work`, testOptions, async (t) => {
    const opened = await openEngineSession(t, 'trixie');
    if (!opened) return;
    const { session, podmanVersion } = opened;
    const name = session.containerName(`pf-plain-${runtime}`);
    await session.podman([...session.runArgs(name, runtime), session.stack.images.busybox]);
    await session.waitForOutput(name, /^tick 1$/m);

    const report = await preflight(session, name);
    assert.equal(report.verdict, 'should-work', describeReport(report));
    assert.deepEqual(report.flags, []);
    assert.equal(report.container.name, name);
    assert.equal(report.container.runtime, runtime);
    assert.equal(report.host.criuVersion, '4.1.1');
    assert.equal(report.command.at(-1), name);
    assert.ok(!report.command.some((word) => word.startsWith('--file-locks') || word.startsWith('--tcp-established')), report.command.join(' '));

    assertSucceeded(await checkpoint(session, podmanVersion, name));
  });

  // crun 1.21 and runc 1.1.15 set CRIU's orphan-pts-master, so a terminal does not stop the
  // checkpoint. On this stack both checkpoint and restore succeed with -t.
  test(`preflight ${runtime}: terminal container should work`, testOptions, async (t) => {
    const opened = await openEngineSession(t, 'trixie');
    if (!opened) return;
    const { session, podmanVersion } = opened;
    const name = session.containerName(`pf-tty-${runtime}`);
    await session.podman([...session.runArgs(name, runtime), '-t', session.stack.images.busybox]);
    await session.waitForOutput(name, /tick 1/);

    const report = await preflight(session, name);
    assert.equal(report.verdict, 'should-work', describeReport(report));
    const tty = report.findings.find((finding) => finding.category === 'tty');
    assert.ok(tty, `no tty finding:\n${describeReport(report)}`);
    assert.equal(tty.verdict, 'fine');

    assertSucceeded(await checkpoint(session, podmanVersion, name));
    const restored = await operations.restore({ host: session.stack.host, podmanVersion, source: { container: name }, options: { keep: true } });
    assertSucceeded(restored);
  });
}

for (const runtime of ['crun', 'runc'] as const satisfies readonly Runtime[]) {
  test(`preflight ${runtime}: loopback TCP will fail until CRIU 4.2`, testOptions, async (t) => {
    const opened = await openEngineSession(t, 'trixie');
    if (!opened) return;
    const { session, podmanVersion } = opened;
    const name = session.containerName(`pf-tcp-${runtime}`);
    await session.podman([...session.runArgs(name, runtime), session.stack.images.probes, '/tcp-loop']);
    await session.waitForOutput(name, /^tcp-loop: connected on 127\.0\.0\.1:\d+$/m);

    // NOTE: specific to CRIU 4.1.1 on kernel 6.18, which rejects SO_PASSCRED on inet sockets. CRIU
    // 4.2 reads that option only where the family supports it, so this changes with a newer root.
    const report = await preflight(session, name);
    assert.equal(report.verdict, 'will-fail', describeReport(report));
    const finding = blockingFinding(report, 'tcp');
    assert.equal(finding.kbCode, 'tcp.passcred-rejected-by-kernel');
    assert.match(`${finding.detail} ${JSON.stringify(finding.fixes)}`, /4\.2/);
    assert.ok(finding.evidence.some((evidence) => evidence.source?.file.endsWith('/net/tcp')), JSON.stringify(finding.evidence));
    assert.ok(finding.evidence.some((evidence) => / ESTABLISHED$/.test(evidence.text)), JSON.stringify(finding.evidence));

    for (const options of [{}, { tcpEstablished: true }]) {
      const diagnosis = failedDiagnosis(await checkpoint(session, podmanVersion, name, options));
      assert.match(diagnosis.logText!, /sockets: Can't get 1:16 opt/);
      assert.equal(diagnosis.analysis.rootCause?.code, finding.kbCode);
      assert.equal(diagnosis.analysis.rootCause?.category, finding.category);
      await assertStillRunning(session, name);
    }
  });
}

test('preflight crun: held flock needs --file-locks', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const name = session.containerName('pf-flock');
  await session.podman([...session.runArgs(name, 'crun'), session.stack.images.probes, '/flock']);
  await session.waitForOutput(name, /^flock: holding \/flock\.lock$/m);

  const report = await preflight(session, name);
  assert.equal(report.verdict, 'needs-flags', describeReport(report));
  assert.deepEqual(report.flags, ['fileLocks']);
  assert.ok(report.command.includes('--file-locks'), report.command.join(' '));
  const finding = report.findings.find((candidate) => candidate.verdict === 'needs-flag');
  assert.equal(finding?.category, 'file-locks');
  assert.equal(finding?.flag, 'fileLocks');

  // The CLI reaches the same verdict through the stack's prefix, named in a hosts file, and prints the command.
  const hostsDirectory = mkdtempSync(path.join(os.tmpdir(), 'clens-hosts-'));
  t.after(() => rmSync(hostsDirectory, { recursive: true, force: true }));
  const hostsFile = path.join(hostsDirectory, 'hosts.json');
  writeFileSync(hostsFile, JSON.stringify([{ name: 'trixie', prefix: session.stack.host.prefix }]));
  let stdout = '';
  let stderr = '';
  const status = await runPreflightCli(['--container', name, '--host', 'trixie', '--hosts-file', hostsFile], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  assert.equal(status, 1, stderr);
  assert.match(stdout, new RegExp(`^container ${name} on host trixie: checkpoint needs flags$`, 'm'));
  assert.match(stdout, new RegExp(`^ {2}\\$ podman container checkpoint --file-locks ${name}$`, 'm'));

  const diagnosis = failedDiagnosis(await checkpoint(session, podmanVersion, name));
  assert.equal(diagnosis.analysis.rootCause?.category, 'file-locks');
  assert.equal(diagnosis.retryOption, 'fileLocks');
  await assertStillRunning(session, name);

  assertSucceeded(await checkpoint(session, podmanVersion, name, { fileLocks: true }));
});

test('preflight crun: wasm container will fail on mounts', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const name = session.containerName('pf-wasm');
  await session.podman([...session.runArgs(name, 'crun'), '--annotation', 'module.wasm.image/variant=compat-smart', session.stack.images.wasmTick]);
  await session.waitForOutput(name, /^wasm tick$/m);

  const report = await preflight(session, name);
  assert.equal(report.verdict, 'will-fail', describeReport(report));
  const finding = blockingFinding(report, 'mount-lookup');

  const diagnosis = failedDiagnosis(await checkpoint(session, podmanVersion, name));
  assert.equal(diagnosis.analysis.rootCause?.category, finding.category);
  const logged = /Can't lookup mount=(\d+) for fd=-3 path=\//.exec(diagnosis.logText!);
  assert.ok(logged, 'no "Can\'t lookup mount=N for fd=-3 path=/" in dump.log');
  assert.ok(finding.evidence.some((evidence) => evidence.mntId === Number(logged[1])), `mount ${logged[1]} is not in the evidence: ${JSON.stringify(finding.evidence)}`);
  await assertStillRunning(session, name);
});

for (const mode of ['map', 'open'] as const) {
  test(`preflight crun: preserved fd held by ${mode} will fail`, testOptions, async (t) => {
    const opened = await openEngineSession(t, 'trixie');
    if (!opened) return;
    const { session, podmanVersion } = opened;
    const directory = mkdtempSync(path.join(os.tmpdir(), 'clens-preflight-'));
    t.after(() => rmSync(directory, { recursive: true, force: true }));
    const hostFile = path.join(directory, 'hostfile.txt');
    writeFileSync(hostFile, 'a file outside the container\n');
    const name = session.containerName(`pf-holdfd-${mode}`);
    await runHoldfd(session, name, 'crun', mode, hostFile);
    await session.waitForOutput(name, /^tick 1$/m);

    const report = await preflight(session, name);
    assert.equal(report.verdict, 'will-fail', describeReport(report));
    const finding = blockingFinding(report, 'mount-lookup');
    assert.ok(finding.evidence.some((evidence) => evidence.path === hostFile), `${hostFile} is not in the evidence: ${JSON.stringify(finding.evidence)}`);

    const diagnosis = failedDiagnosis(await checkpoint(session, podmanVersion, name));
    assert.equal(diagnosis.analysis.rootCause?.category, finding.category);
    assert.match(diagnosis.logText!, new RegExp(`Can't lookup mount=\\d+ for fd=${mode === 'map' ? '-3' : '3'} path=${hostFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await assertStillRunning(session, name);
  });
}

/** Starts busybox holding `/FILE` open on fd 3 after deleting it; `create` writes it. */
async function runDeletedFile(session: StackSession, name: string, file: string, create: string): Promise<void> {
  const script = `${create} && exec 3<${file} && /bin/busybox rm ${file} && echo holding && while :; do /bin/busybox sleep 1; done`;
  await session.podman([...session.runArgs(name, 'crun'), session.stack.images.busybox, '/bin/busybox', 'sh', '-c', script]);
  await session.waitForOutput(name, /^holding$/m);
}

test('preflight crun: deleted 2 MiB file will fail', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const name = session.containerName('pf-ghost');
  await runDeletedFile(session, name, '/ghost', '/bin/busybox dd if=/dev/zero of=/ghost bs=1024 count=2048 2>/dev/null');

  const report = await preflight(session, name);
  assert.equal(report.verdict, 'will-fail', describeReport(report));
  const finding = blockingFinding(report, 'ghost-file');
  assert.ok(finding.evidence.some((evidence) => evidence.fd === 3), JSON.stringify(finding.evidence));

  const diagnosis = failedDiagnosis(await checkpoint(session, podmanVersion, name));
  assert.match(diagnosis.logText!, /Can't dump ghost file \/ghost of 2097152 size, increase limit/);
  assert.equal(diagnosis.analysis.rootCause?.category, finding.category);
  await assertStillRunning(session, name);
});

// CRIU 3.18 and later compare the blocks a deleted file occupies with the ghost limit, not its
// size, so a sparse 4 MiB file fits under the 1 MiB default.
test('preflight crun: deleted sparse file should work', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const name = session.containerName('pf-sparse');
  await runDeletedFile(session, name, '/sparse', '/bin/busybox truncate -s 4M /sparse');

  const report = await preflight(session, name);
  assert.equal(report.verdict, 'should-work', describeReport(report));
  assert.ok(!report.findings.some((finding) => finding.category === 'ghost-file' && finding.verdict === 'blocks'), describeReport(report));

  assertSucceeded(await checkpoint(session, podmanVersion, name));
});

// The trixie kernel does not track dirty memory (`criu check --feature mem_dirty_track` warns that
// it is off), so a pre-checkpoint fails there while a plain checkpoint works.
test('preflight crun: pre-checkpoint without dirty tracking', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const name = session.containerName('pf-pre');
  await session.podman([...session.runArgs(name, 'crun'), session.stack.images.busybox]);
  await session.waitForOutput(name, /^tick 1$/m);
  const dirtyTrack = await session.hostRun('criu', ['check', '--feature', 'mem_dirty_track']).then(
    () => true,
    () => false,
  );
  if (dirtyTrack) {
    t.skip('this kernel tracks dirty memory, so a pre-checkpoint can work here');
    return;
  }

  const report = await preflight(session, name, { preCheckpoint: true });
  assert.equal(report.verdict, 'will-fail', describeReport(report));
  blockingFinding(report, 'kernel-feature');
  assert.equal((await preflight(session, name)).verdict, 'should-work');

  // crun 1.21 checks the feature through libcriu and fails with its own message before the dump.
  const result = await checkpoint(session, podmanVersion, name, { preCheckpoint: true, keep: false });
  if (result.status !== 'failed') assert.fail(`expected the pre-checkpoint to fail, got ${result.status}`);
  assert.ok(result.error instanceof CommandError, `got ${result.error.name}: ${result.error.message}`);
  assert.match(result.error.stderr, /memory tracking not supported/);
  await assertStillRunning(session, name);
});

// Debian 12's CRIU 3.17.1 does not know the [vvar_vclock] mapping of kernel 6.18, so every dump fails.
test('preflight bookworm runc: CRIU 3.17 will fail on the vDSO', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'bookworm');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const name = session.containerName('pf-vdso');
  await session.podman([...session.runArgs(name, 'runc'), session.stack.images.busybox]);
  await session.waitForOutput(name, /^tick 1$/m);

  const report = await preflight(session, name);
  assert.equal(report.verdict, 'will-fail', describeReport(report));
  assert.equal(report.host.criuVersion, '3.17.1');
  assert.equal(report.host.podmanVersion, '4.3.1');
  const finding = blockingFinding(report, 'vdso');
  assert.ok(finding.evidence.some((evidence) => evidence.text.includes('[vvar_vclock]')), JSON.stringify(finding.evidence));

  const diagnosis = failedDiagnosis(await checkpoint(session, podmanVersion, name));
  assert.match(diagnosis.logText!, /vdso: Unexpected rt vDSO area bounds/);
  assert.equal(diagnosis.analysis.rootCause?.category, finding.category);
  await assertStillRunning(session, name);
});

test('preflight: stopped container is named', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session } = opened;
  const name = session.containerName('pf-created');
  await session.podman(['create', '--pull=never', '--network', 'none', '--label', session.stack.label, '--name', name, session.stack.images.busybox]);

  const error = await preflight(session, name).then(
    () => assert.fail('expected the preflight of a created container to fail'),
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof RuntimeRefusalError, `got ${String(error)}`);
  assert.equal(error.reason, 'state-improper');
  assert.match(error.message, new RegExp(`^Container ${name} is created`));
  assert.match(error.hint ?? '', new RegExp(`podman start ${name}`));
});

const PROBE_SOURCE = path.join(__dirname, '..', 'fixtures', 'preflight', 'stack', 'probe.c');

/**
 * Builds the probe (test/fixtures/preflight/stack/probe.c) with gcc -static into a folder of the
 * trixie root's /tmp, which the stack sees as /tmp/FOLDER, and removes it after the test. Returns
 * that folder as the stack sees it, or undefined after skipping the test when gcc or the root is missing.
 */
function buildProbe(t: TestContext): string | undefined {
  const root = parseStackEnv(readFileSync(stackEnvFile, 'utf8')).get('TRIXIE_ROOT');
  if (root === undefined || spawnSync('gcc', ['--version']).status !== 0) {
    t.skip('needs TRIXIE_ROOT in stack.env and gcc to build the probe');
    return undefined;
  }
  const folder = `${namePrefix}-probe`;
  const hostFolder = path.join(root, 'tmp', folder);
  mkdirSync(hostFolder, { recursive: true });
  t.after(() => rmSync(hostFolder, { recursive: true, force: true }));
  const built = spawnSync('gcc', ['-static', '-O2', '-Wall', '-Werror', '-o', path.join(hostFolder, 'probe'), PROBE_SOURCE], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  return `/tmp/${folder}`;
}

/** Starts the probe in a crun busybox container with the probe folder at /probe, and waits for "ready". */
async function runProbe(session: StackSession, name: string, probeFolder: string, args: string[], extra: string[] = []): Promise<void> {
  await session.podman([...session.runArgs(name, 'crun'), '-v', `${probeFolder}:/probe:ro`, ...extra, session.stack.images.busybox, '/probe/probe', ...args]);
  await session.waitForOutput(name, /^ready$/m);
}

// CRIU 4.1.1 opens a watched inode by file handle, which fails on overlayfs without nfs_export,
// and then looks for the inode only in a few folders such as /etc.
test('preflight crun: inotify on the overlay root will fail', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const probeFolder = buildProbe(t);
  if (probeFolder === undefined) return;
  const { session, podmanVersion } = opened;
  const name = session.containerName('pf-inotify-overlay');
  await runProbe(session, name, probeFolder, ['inotify', '/bin/busybox']);

  const report = await preflight(session, name);
  assert.equal(report.verdict, 'will-fail', describeReport(report));
  const finding = blockingFinding(report, 'fsnotify');

  const diagnosis = failedDiagnosis(await checkpoint(session, podmanVersion, name));
  assert.match(diagnosis.logText!, /fsnotify:\s+Can't dump that handle/);
  assert.equal(diagnosis.analysis.rootCause?.category, finding.category);
  await assertStillRunning(session, name);
});

test('preflight crun: inotify on /etc should work', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const probeFolder = buildProbe(t);
  if (probeFolder === undefined) return;
  const { session, podmanVersion } = opened;
  const name = session.containerName('pf-inotify-etc');
  await runProbe(session, name, probeFolder, ['inotify', '/etc']);

  const report = await preflight(session, name);
  assert.equal(report.verdict, 'should-work', describeReport(report));
  assertSucceeded(await checkpoint(session, podmanVersion, name));
});

// crun 1.21 bind-mounts /dev/null and the other device nodes from the host in a user namespace
// without declaring them external to CRIU; runc declares them.
for (const [runtime, verdict] of [['crun', 'will-fail'], ['runc', 'should-work']] as const) {
  test(`preflight ${runtime}: user namespace ${verdict === 'will-fail' ? 'will fail' : 'should work'}`, testOptions, async (t) => {
    const opened = await openEngineSession(t, 'trixie');
    if (!opened) return;
    const { session, podmanVersion } = opened;
    const name = session.containerName(`pf-userns-${runtime}`);
    await session.podman([...session.runArgs(name, runtime), '--uidmap', '0:100000:65536', '--gidmap', '0:100000:65536', session.stack.images.busybox]);
    await session.waitForOutput(name, /^tick 1$/m);

    const report = await preflight(session, name);
    assert.equal(report.verdict, verdict, describeReport(report));
    const result = await checkpoint(session, podmanVersion, name);
    if (verdict === 'should-work') {
      assertSucceeded(result);
      return;
    }
    const finding = blockingFinding(report, 'external-mount');
    assert.equal(finding.kbCode, 'external-mount.no-proper-root-mount');
    const diagnosis = failedDiagnosis(result);
    assert.match(diagnosis.logText!, /\/dev\/[a-z]+ doesn't have a proper root mount/);
    assert.equal(diagnosis.analysis.rootCause?.category, finding.category);
    await assertStillRunning(session, name);
  });
}

// A stream socket connected to a listener that has not accepted it has no peer inode, and CRIU
// 4.1.1 fails on it with "Dangling connection" unless it is shut down both ways.
test('preflight crun: unaccepted unix connection will fail', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const probeFolder = buildProbe(t);
  if (probeFolder === undefined) return;
  const { session, podmanVersion } = opened;
  const socketFolder = `${probeFolder}/sock`;
  await session.hostRun('mkdir', ['-p', socketFolder]);
  const started = await session.hostRun('sh', ['-c', `${probeFolder}/probe unixlisten ${socketFolder}/s.sock >/dev/null 2>&1 & echo $!`]);
  const listenerPid = started.stdout.trim();
  assert.match(listenerPid, /^\d+$/);
  // The trixie root has no kill program, so the shell's builtin stops the listener.
  t.after(() => session.hostRun('sh', ['-c', `kill ${listenerPid}`]));
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = await session.hostRun('sh', ['-c', `test -S ${socketFolder}/s.sock && echo yes || echo no`]);
    if (probe.stdout.trim() === 'yes') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const name = session.containerName('pf-unix-dangling');
  await runProbe(session, name, probeFolder, ['unixconnect', '/sock/s.sock'], ['-v', `${socketFolder}:/sock`]);

  const report = await preflight(session, name);
  assert.equal(report.verdict, 'will-fail', describeReport(report));
  const finding = blockingFinding(report, 'unix-socket');
  assert.equal(finding.kbCode, 'unix-socket.dangling-connection');

  const diagnosis = failedDiagnosis(await checkpoint(session, podmanVersion, name));
  assert.match(diagnosis.logText!, /unix: Dangling connection \d+/);
  assert.equal(diagnosis.analysis.rootCause?.category, finding.category);
  await assertStillRunning(session, name);
});
