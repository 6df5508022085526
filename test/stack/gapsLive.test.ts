/**
 * Live gap analysis on the trixie stack (scripts/stack/setup.sh): snapshots collected through the
 * stack's prefix must reach the same conclusions as the recorded snapshots in
 * test/fixtures/procfs, and CRIU's `Can't lookup mount=N` must name the mount id they found.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { type TestContext } from 'node:test';

import { collectContainerSnapshot } from '../../src/engine/collect';
import { CriuFailureError } from '../../src/engine/errors';
import { analyzeText } from '../../src/model/analyze';
import { analyzeGaps, type GapReport } from '../../src/model/procfs/analyzeGaps';
import { readSnapshot, type Snapshot } from '../../src/model/procfs/snapshot';
import { runner, StackSession, requireStack, runHoldfd } from './harness';

const testOptions = { timeout: 180_000 };

async function openSession(t: TestContext): Promise<StackSession | undefined> {
  const stack = await requireStack(t, 'trixie');
  if (!stack) return undefined;
  const session = new StackSession(stack);
  t.after(() => session.cleanup());
  return session;
}

/** Collects the container, writes and re-reads the snapshot JSON, as `snapshot -o` and `gaps --snapshot` would. */
async function collect(session: StackSession, name: string): Promise<Snapshot> {
  const snapshot = await collectContainerSnapshot(runner, session.stack.host, name, { timeoutMs: 60_000 });
  return readSnapshot(JSON.stringify(snapshot), name);
}

/** Checkpoints a container that must fail, and returns its dump.log. */
async function failedDumpLog(session: StackSession, name: string): Promise<string> {
  const error = await session.podmanFailure(['container', 'checkpoint', '--keep', '--', name]);
  assert.ok(error instanceof CriuFailureError, `expected a CRIU failure, got ${error.name}: ${error.message}`);
  const { StaticDir } = await session.inspect(name);
  return session.readFile(`${StaticDir}/dump.log`);
}

function reportWithLog(snapshot: Snapshot, log: string): GapReport {
  return analyzeGaps(snapshot, { analysis: analyzeText(log), text: log });
}

function lookupMountId(log: string, fd: string, file: string): number {
  const line = log.split('\n').find((entry) => entry.includes(`Can't lookup mount=`) && entry.includes(` for fd=${fd} path=${file}`));
  assert.ok(line, `no "Can't lookup mount=N for fd=${fd} path=${file}" line in dump.log`);
  return Number(/mount=(\d+)/.exec(line)![1]);
}

test('trixie crun: live wasm snapshot finds runtime mounts', testOptions, async (t) => {
  const session = await openSession(t);
  if (!session) return;
  const name = session.containerName('gaps-wasm');
  await session.podman([...session.runArgs(name, 'crun'), '--annotation', 'module.wasm.image/variant=compat-smart', session.stack.images.wasmTick]);
  await session.waitForOutput(name, /^wasm tick$/m);

  const snapshot = await collect(session, name);
  assert.equal(snapshot.mapFilesFallback, undefined);
  assert.equal(snapshot.container?.name, name);
  assert.ok(snapshot.runtimeMountinfo, 'no runtime mountinfo from conmon');
  assert.ok(snapshot.hostMountinfo, 'no host mountinfo');
  assert.match(snapshot.cmdline ?? '', /^\[libcrun:wasmedge\]/);
  const report = analyzeGaps(snapshot);

  // crun's binary is mapped from a detached mount: its map_files mnt_id is in no mountinfo.
  const binary = report.gaps.find((gap) => gap.kind === 'mapping' && gap.path === '/');
  assert.ok(binary, 'no gap for the mappings of "/"');
  assert.equal(binary.where, 'detached');
  assert.equal(binary.mntIdSource, 'map_files');
  assert.equal(binary.ranges?.length, 5);
  assert.ok(!report.mounts.some((mount) => mount.mountId === binary.mntId), `mount ${binary.mntId} is in a mountinfo`);

  const wasmedge = report.gaps.find((gap) => gap.kind === 'mapping' && /\/libwasmedge\.so/.test(gap.path ?? ''));
  assert.ok(wasmedge, 'no gap for libwasmedge');
  assert.equal(wasmedge.where, 'runtime');
  assert.equal(wasmedge.mntIdSource, 'map_files');
  const tables = report.mounts.filter((mount) => mount.mountId === wasmedge.mntId).map((mount) => mount.table);
  assert.ok(tables.includes('runtime'), `mount ${wasmedge.mntId} is in ${tables.join(', ') || 'no table'}`);
  assert.ok(!tables.includes('container'));

  const log = await failedDumpLog(session, name);
  const logged = lookupMountId(log, '-3', '/');
  assert.equal(logged, binary.mntId);
  const tied = reportWithLog(snapshot, log).gaps.find((gap) => gap.kind === 'mapping' && gap.path === '/');
  assert.equal(tied?.mntId, logged);
  assert.match(tied?.logMessage ?? '', new RegExp(`^Can't lookup mount=${logged} for fd=-3 path=/$`));
  assert.equal(typeof tied?.logLine, 'number');
  assert.ok((tied?.logLine ?? 0) > 0);
});


for (const mode of ['map', 'open'] as const) {
  test(`trixie crun: live preserved fd held by ${mode}`, testOptions, async (t) => {
    const session = await openSession(t);
    if (!session) return;
    const directory = mkdtempSync(path.join(os.tmpdir(), 'clens-gaps-'));
    t.after(() => rmSync(directory, { recursive: true, force: true }));
    const hostFile = path.join(directory, 'hostfile.txt');
    writeFileSync(hostFile, 'a file outside the container\n');
    const name = session.containerName(`gaps-holdfd-${mode}`);
    await runHoldfd(session, name, 'crun', mode, hostFile);
    await session.waitForOutput(name, /^tick 1$/m);

    const snapshot = await collect(session, name);
    const report = analyzeGaps(snapshot);
    const gap = report.gaps.find((candidate) => candidate.path === hostFile);
    assert.ok(gap, `no gap for ${hostFile}: ${report.gaps.map((candidate) => `${candidate.kind} ${candidate.path}`).join(', ')}`);
    assert.equal(gap.kind, mode === 'map' ? 'mapping' : 'fd');
    assert.notEqual(gap.where, 'container');
    assert.equal(gap.mntIdSource, mode === 'map' ? 'map_files' : 'fdinfo');
    if (mode === 'open') assert.equal(gap.fd, 3);

    const log = await failedDumpLog(session, name);
    const logged = lookupMountId(log, mode === 'map' ? '-3' : '3', hostFile);
    assert.equal(logged, gap.mntId);
    const tied = reportWithLog(snapshot, log).gaps.find((candidate) => candidate.path === hostFile);
    assert.equal(tied?.mntId, logged);
    assert.match(tied?.logMessage ?? '', new RegExp(`for fd=${mode === 'map' ? '-3' : '3'} path=`));
  });
}

test('trixie crun: odd mount points stay intact', testOptions, async (t) => {
  const session = await openSession(t);
  if (!session) return;
  const name = session.containerName('gaps-odd');
  // A directory, which the `rm -f` of StackSession.tempPath cannot remove. This hook runs after cleanup.
  const source = `/tmp/${name}-source`;
  await session.hostRun('mkdir', ['--', source]);
  t.after(() => session.hostRun('rmdir', ['--', source]));
  const spaced = '/mnt/a b\tc\nd';
  const markup = '/mnt/<img src=x onerror=alert(1)>';
  // `--mount` splits its value as CSV, which a newline breaks, so these use `-v`.
  await session.podman([...session.runArgs(name, 'crun'), '-v', `${source}:${spaced}`, '-v', `${source}:${markup}`, session.stack.images.busybox]);
  await session.waitForOutput(name, /^tick 1$/m);

  const report = analyzeGaps(await collect(session, name));
  const mountPoints = report.mounts.filter((mount) => mount.table === 'container').map((mount) => mount.mountPoint);
  assert.ok(mountPoints.includes(spaced), `no ${JSON.stringify(spaced)} in ${JSON.stringify(mountPoints)}`);
  assert.ok(mountPoints.includes(markup), `no ${JSON.stringify(markup)} in ${JSON.stringify(mountPoints)}`);
  assert.deepEqual(report.issues, []);
});
