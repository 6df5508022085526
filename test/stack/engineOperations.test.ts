/**
 * The engine's host probe and checkpoint/restore operations (src/engine/) on the real stacks of
 * scripts/stack/setup.sh: what the extension shows must match what podman and CRIU did.
 */
import assert from 'node:assert/strict';
import test from 'node:test';

import { probeHost } from '../../src/engine/capabilities';
import { ContainerOperations, type OperationResult } from '../../src/engine/operations';
import { assertSucceeded, openEngineSession, requireStack, runner } from './harness';

const testOptions = { timeout: 180_000 };
const operations = new ContainerOperations(runner);



function assertFailed(result: OperationResult): asserts result is Extract<OperationResult, { status: 'failed' }> {
  assert.equal(result.status, 'failed');
}

test('probe: trixie can checkpoint', testOptions, async (t) => {
  const stack = await requireStack(t, 'trixie');
  if (!stack) return;

  const capabilities = await probeHost(runner, stack.host, { timeoutMs: 60_000 });
  const blocking = capabilities.findings.filter((finding) => finding.severity === 'blocking');
  assert.deepEqual(blocking, []);
  assert.equal(capabilities.canCheckpoint, true);
  assert.equal(capabilities.podmanVersion?.major, 5);
  assert.equal(capabilities.criuVersion, '4.1.1');
});

test('probe: bookworm runtime and CRIU fail', testOptions, async (t) => {
  const stack = await requireStack(t, 'bookworm');
  if (!stack) return;

  const capabilities = await probeHost(runner, stack.host, { timeoutMs: 60_000 });
  assert.equal(capabilities.podmanVersion?.major, 4);
  assert.equal(capabilities.criuVersion, '3.17.1');
  assert.equal(capabilities.runtime?.name, 'crun');
  assert.equal(capabilities.runtime?.supportsCheckpoint, false);
  assert.equal(capabilities.criuCheck?.ok, false);
  assert.ok(capabilities.criuCheck?.errors.some((line) => line.includes('vdso: Unexpected rt vDSO area bounds')));
  const codes = capabilities.findings.map((finding) => finding.code);
  assert.ok(codes.includes('runtime-without-criu'), `findings: ${codes.join(', ')}`);
  assert.ok(codes.includes('criu-check-failed'), `findings: ${codes.join(', ')}`);
});

// Every checkpoint on this host fails: crun 1.8 is rejected by podman, and CRIU 3.17 stops at
// kerndat initialization on the vDSO, so runc fails too (see checkpointRestore.test.ts).
test('probe: bookworm cannot checkpoint', testOptions, async (t) => {
  const stack = await requireStack(t, 'bookworm');
  if (!stack) return;

  const capabilities = await probeHost(runner, stack.host, { timeoutMs: 60_000 });
  assert.equal(capabilities.canCheckpoint, false);
  assert.equal(capabilities.findings.find((finding) => finding.code === 'criu-check-failed')?.severity, 'blocking');
});

test('operations: flock failure suggests --file-locks', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const host = session.stack.host;
  const name = session.containerName('engine-flock');
  await session.podman([...session.runArgs(name, 'crun'), session.stack.images.probes, '/flock']);
  await session.waitForOutput(name, /^flock: holding \/flock\.lock$/m);
  const { StaticDir } = await session.inspect(name);

  const failed = await operations.checkpoint({ host, podmanVersion, container: name, options: { keep: true } });
  assertFailed(failed);
  assert.equal(failed.diagnosis?.logPath, `${StaticDir}/dump.log`);
  assert.match(failed.diagnosis?.logText ?? '', /Some file locks are hold by dumping tasks!/);
  assert.equal(failed.diagnosis?.retryFlag, '--file-locks');
  assert.equal(failed.diagnosis?.retryOption, 'fileLocks');

  const checkpointed = await operations.checkpoint({ host, podmanVersion, container: name, options: { keep: true, fileLocks: true, printStats: true }, inspectAfter: true });
  assertSucceeded(checkpointed);
  assert.equal(checkpointed.container?.checkpointed, true);
  assert.ok(checkpointed.statistics, 'no statistics parsed from --print-stats');

  const restored = await operations.restore({ host, podmanVersion, source: { container: name }, options: { keep: true, fileLocks: true } });
  assertSucceeded(restored);
  // The engine reports a running container that was restored as `restored`.
  assert.equal(restored.container?.state, 'restored');
});

test('operations: wasm failure names the mount', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const name = session.containerName('engine-wasm');
  const run = session.runArgs(name, 'crun');
  await session.podman([...run, '--annotation', 'module.wasm.image/variant=compat-smart', session.stack.images.wasmTick]);
  await session.waitForOutput(name, /^wasm tick$/m);

  const result = await operations.checkpoint({ host: session.stack.host, podmanVersion, container: name, options: { keep: true } });
  assertFailed(result);
  const rootCause = result.diagnosis?.analysis.rootCause;
  assert.ok(rootCause, 'the diagnosis has no root cause');
  assert.match(JSON.stringify(rootCause), /Can't lookup mount=\d+ for fd=-3 path=\//);
  assert.equal((await session.inspect(name)).State.Running, true);
});

test('operations: export, then import as copy', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const host = session.stack.host;
  const name = session.containerName('engine-export');
  const copyName = session.containerName('engine-import');
  const archive = session.tempPath('engine-export.tar.zst');
  await session.podman([...session.runArgs(name, 'runc'), session.stack.images.busybox]);
  await session.waitForOutput(name, /^tick 2$/m);

  const exported = await operations.checkpoint({ host, podmanVersion, container: name, options: { export: archive } });
  assertSucceeded(exported);
  assert.equal(exported.exportPath, archive);
  assert.ok((await session.fileSize(archive)) > 0);

  // The archive exists now, so a second export to it must be refused without overwrite.
  await session.podman(['container', 'restore', '--', name]);
  const again = await operations.checkpoint({ host, podmanVersion, container: name, options: { export: archive } });
  assertFailed(again);
  assert.match(again.error.message, /exists/);

  const imported = await operations.restore({ host, podmanVersion, source: { importPath: archive }, options: { name: copyName } });
  assertSucceeded(imported);
  assert.equal(imported.container?.name, copyName);
  assert.equal(imported.container?.state, 'restored');
});
