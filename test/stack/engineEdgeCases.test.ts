/**
 * Edge cases of the engine's checkpoint and restore operations (src/engine/operations.ts) on the
 * trixie stack of scripts/stack/setup.sh: cancellation mid-dump, names and paths full of shell
 * metacharacters, a missing import archive, an export target that exists, and `--print-stats`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import test from 'node:test';

import { hostCommand } from '../../src/engine/hosts';
import { ContainerOperations, OperationRefusedError, type OperationResult } from '../../src/engine/operations';
import { type CommandResult, type CommandRunner, type RunOptions } from '../../src/engine/runner';
import { StackSession, assertSucceeded, escapeRegExp, namePrefix, openEngineSession, runner } from './harness';

const testOptions = { timeout: 240_000 };
const operations = new ContainerOperations(runner);

/** Page size in which CRIU counts `pages_written` on x86-64, the architecture of the stack. */
const PAGE_BYTES = 4096;



function assertRefused(result: OperationResult, code: OperationRefusedError['code']): OperationRefusedError {
  assert.equal(result.status, 'failed');
  if (result.status !== 'failed') throw new Error('unreachable');
  assert.ok(result.error instanceof OperationRefusedError, `expected a refusal, got ${result.error.name}: ${result.error.message}`);
  assert.equal(result.error.code, code);
  return result.error;
}

/** A runner that records every argument vector before running it, to show what reached the host. */
class RecordingRunner implements CommandRunner {
  readonly commands: Array<readonly string[]> = [];
  run(command: readonly string[], options?: RunOptions): Promise<CommandResult> {
    this.commands.push(command);
    return runner.run(command, options);
  }
}

// --- /proc ------------------------------------------------------------------

/** The fields of /proc/PID/stat that identify a process and its group. */
interface ProcessStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgid: number;
  /** Start time in clock ticks after boot, which distinguishes a reused PID from the original process. */
  startTime: string;
}

function readStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm is in brackets and may contain spaces, so the fields after it are split from the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: fields[19] };
}

function readCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function processIds(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** Sum of VmRSS in KiB over the process and its descendants. */
function treeRssKiB(rootPid: number): number {
  let total = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    try {
      total += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        pending.push(...readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
      }
    } catch {
      // The process exited while being read.
    }
  }
  return total;
}

/**
 * Records the processes of the command that this test process started for `marker`: the direct
 * child whose command line contains the marker leads a process group, because the runner starts
 * each command detached. Every process seen in that group, or below one of its members, is kept.
 */
class GroupWatch {
  leader: number | undefined;
  readonly seen = new Map<number, ProcessStat>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly marker: string) {
    this.timer = setInterval(() => this.sample(), 10);
  }

  sample(): void {
    const stats = processIds()
      .map(readStat)
      .filter((stat): stat is ProcessStat => stat !== undefined);
    if (this.leader === undefined) {
      const leader = stats.find((stat) => stat.ppid === process.pid && readCommandLine(stat.pid).includes(this.marker));
      if (!leader) return;
      this.leader = leader.pid;
    }
    for (const stat of stats) {
      if (stat.pgid === this.leader || this.seen.has(stat.ppid)) this.seen.set(stat.pid, stat);
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Processes seen before that still run: the same PID and start time, and not a zombie. */
  survivors(): ProcessStat[] {
    return [...this.seen.values()].filter((before) => {
      const now = readStat(before.pid);
      return now !== undefined && now.startTime === before.startTime && now.state !== 'Z';
    });
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/**
 * Starts a busybox container whose `dd` holds `megabytes` of written anonymous memory (its write
 * to `sleep`, which never reads, blocks with the buffer filled) next to the usual tick loop.
 * Returns once the container's processes have that much resident memory and the first tick is out.
 */
async function startLargeContainer(session: StackSession, name: string, megabytes: number): Promise<number> {
  const script = `/bin/busybox dd if=/dev/zero bs=${megabytes}M count=1 | /bin/busybox sleep 1000000 & i=0; while true; do i=$((i+1)); echo tick $i; /bin/busybox sleep 1; done`;
  await session.podman([...session.runArgs(name, 'crun'), session.stack.images.busybox, '/bin/busybox', 'sh', '-c', script]);
  const { State } = await session.inspect(name);
  const filled = await waitFor(() => treeRssKiB(State.Pid) >= megabytes * 1024 * 0.95, 60_000);
  assert.ok(filled, `${name}: resident memory stayed at ${treeRssKiB(State.Pid)} KiB, below ${megabytes} MiB`);
  await session.waitForOutput(name, /^tick 1$/m);
  return State.Pid;
}

// --- tests ------------------------------------------------------------------

test('cancel long checkpoint mid-dump', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const host = session.stack.host;
  const name = session.containerName('cancel');
  await startLargeContainer(session, name, 1024);

  const controller = new AbortController();
  const watch = new GroupWatch(`checkpoint --keep -- ${name}`);
  t.after(() => watch.stop());
  const operation = operations.checkpoint({ host, podmanVersion, container: name, options: { keep: true }, signal: controller.signal });
  let finished = false;
  void operation.finally(() => {
    finished = true;
  });

  // Abort once CRIU runs in the group, and a little later so that it is writing pages.
  const criuSeen = await waitFor(() => [...watch.seen.values()].some((stat) => stat.comm === 'criu') || finished, 30_000);
  assert.ok(criuSeen, 'no criu process appeared in the checkpoint command\'s process group within 30 s');
  assert.equal(finished, false, 'the checkpoint finished before criu was seen; it must take seconds for this test');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(finished, false, 'the checkpoint finished before the abort; it must take seconds for this test');
  controller.abort();
  const result = await operation;
  watch.sample();
  watch.stop();

  assert.equal(result.status, 'cancelled');
  assert.ok(watch.leader !== undefined, 'the runner\'s child was never seen');
  const names = [...watch.seen.values()].map((stat) => stat.comm);
  assert.ok(names.includes('criu'), `processes seen: ${names.join(', ')}`);

  // The runner sends SIGKILL to the group 2 s after SIGTERM, so all must be gone soon after.
  await waitFor(() => watch.survivors().length === 0, 10_000);
  const survivors = watch.survivors().map((stat) => `${stat.pid} ${stat.comm} (${stat.state}, group ${stat.pgid}): ${readCommandLine(stat.pid)}`);
  assert.deepEqual(survivors, []);

  const after = await session.inspect(name);
  assert.equal(after.State.Running, true);
  assert.notEqual(after.State.Checkpointed, true);
  // A cgroup left frozen by CRIU would keep the container "running" but stop its ticks.
  await session.waitForTickAbove(name, await session.lastTick(name));

  const again = await operations.checkpoint({ host, podmanVersion, container: name, options: { keep: true }, inspectAfter: true });
  assertSucceeded(again);
  assert.equal(again.container?.state, 'checkpointed');
});

test('metacharacter name and export path', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const host = session.stack.host;
  // podman allows [a-zA-Z0-9][a-zA-Z0-9_.-]* in names: dots, dashes and underscores in every position after the first.
  const name = session.containerName('m.e_t-a--x..y_.-');
  assert.match(name, /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
  // A shell would run the command substitution, split at the spaces and end the command at `;`.
  const marker = `${namePrefix}-injected`;
  const archive = session.tempPath(`export $(touch ${marker}); touch ${marker} 'q' "d" \`touch ${marker}\` & | * >.tar.zst`);
  await session.podman([...session.runArgs(name, 'runc'), session.stack.images.busybox]);
  await session.waitForOutput(name, /^tick 1$/m);

  const checkpointed = await operations.checkpoint({ host, podmanVersion, container: name, options: { export: archive, keep: true }, inspectAfter: true });
  assertSucceeded(checkpointed);
  assert.equal(checkpointed.container?.name, name);
  assert.equal(checkpointed.container?.state, 'checkpointed');
  assert.equal(checkpointed.exportPath, archive);
  assert.ok((await session.fileSize(archive)) > 0, `${archive} is empty`);
  const magic = await session.hostRun('od', ['-A', 'n', '-t', 'x1', '-N', '4', '--', archive]);
  assert.equal(magic.stdout.trim(), '28 b5 2f fd', 'the export is not a zstd archive');

  // The archive's literal name above already proves that no shell expanded the path. A shell
  // running the payload would also create the marker in its working directory, likely one of these.
  const listing = await session.hostRun('ls', ['-a', '--', '/', '/tmp', '/root', '/var/lib/containers']);
  assert.doesNotMatch(listing.stdout, new RegExp(`^${marker}$`, 'm'));
  const partial = (await session.hostRun('ls', ['-a', '--', '/tmp'])).stdout.split('\n').filter((entry) => entry.endsWith('.partial') && entry.includes(namePrefix));
  assert.deepEqual(partial, []);

  const restored = await operations.restore({ host, podmanVersion, source: { container: name }, options: { keep: true } });
  assertSucceeded(restored);
  assert.equal(restored.container?.name, name);
  assert.equal(restored.container?.state, 'restored');
});

test('restore refuses missing archive', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const recording = new RecordingRunner();
  const recordingOperations = new ContainerOperations(recording);
  const missing = session.tempPath('missing.tar.zst');
  const copyName = session.containerName('never-restored');

  const result = await recordingOperations.restore({ host: session.stack.host, podmanVersion, source: { importPath: missing }, options: { name: copyName } });
  const error = assertRefused(result, 'file-missing');
  assert.match(error.message, new RegExp(`${escapeRegExp(missing)} does not exist on host trixie`));

  const restores = recording.commands.filter((command) => command.includes('restore'));
  assert.deepEqual(restores, [], 'podman container restore ran although the archive is missing');
  assert.ok(recording.commands.length > 0, 'the existence check did not run');
  const listed = JSON.parse((await session.podman(['ps', '--all', '--format', 'json', '--filter', `name=^${copyName}$`])).stdout) as unknown[];
  assert.equal(listed.length, 0);
});

test('export keeps an existing file', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const host = session.stack.host;
  const name = session.containerName('existing-target');
  const target = session.tempPath('existing-target.tar.zst');
  const original = `bytes that must survive ${namePrefix}\n`;
  await runner.run(hostCommand(host, 'tee', ['--', target]), { input: original, timeoutMs: 60_000 });
  await session.podman([...session.runArgs(name, 'crun'), session.stack.images.busybox]);
  await session.waitForOutput(name, /^tick 1$/m);

  const refused = await operations.checkpoint({ host, podmanVersion, container: name, options: { export: target } });
  const error = assertRefused(refused, 'file-exists');
  assert.match(error.message, /exists on host trixie/);
  assert.equal(await session.readFile(target), original);
  assert.equal((await session.inspect(name)).State.Running, true, 'the refused checkpoint stopped the container');

  // overwrite: false is the same request spelled out.
  const refusedAgain = await operations.checkpoint({ host, podmanVersion, container: name, options: { export: target }, overwrite: false });
  assertRefused(refusedAgain, 'file-exists');
  assert.equal(await session.readFile(target), original);

  const overwritten = await operations.checkpoint({ host, podmanVersion, container: name, options: { export: target }, overwrite: true });
  assertSucceeded(overwritten);
  assert.equal(overwritten.exportPath, target);
  const magic = await session.hostRun('od', ['-A', 'n', '-t', 'x1', '-N', '4', '--', target]);
  assert.equal(magic.stdout.trim(), '28 b5 2f fd', 'the overwritten file is not a zstd archive');
  const partial = (await session.hostRun('ls', ['-a', '--', '/tmp'])).stdout.split('\n').filter((entry) => entry.endsWith('.partial') && entry.includes(namePrefix));
  assert.deepEqual(partial, []);
});

test('print-stats timings of real dump', testOptions, async (t) => {
  const opened = await openEngineSession(t, 'trixie');
  if (!opened) return;
  const { session, podmanVersion } = opened;
  const name = session.containerName('stats');
  const megabytes = 256;
  await startLargeContainer(session, name, megabytes);
  const { Id } = await session.inspect(name);

  const result = await operations.checkpoint({ host: session.stack.host, podmanVersion, container: name, options: { keep: true, printStats: true } });
  assertSucceeded(result);
  const statistics = result.statistics;
  assert.ok(statistics, 'no statistics parsed from --print-stats');
  assert.equal(statistics.containers.length, 1);
  const [container] = statistics.containers;
  assert.equal(container.id, Id);
  assert.ok(container.runtimeDurationUs > 0, `runtime duration ${container.runtimeDurationUs} µs`);
  assert.ok((statistics.podmanDurationUs ?? 0) >= container.runtimeDurationUs, `podman ${statistics.podmanDurationUs} µs < runtime ${container.runtimeDurationUs} µs`);

  const criu = container.criu;
  assert.ok(criu, 'criu_statistics missing');
  assert.ok((criu.freezingTimeUs ?? 0) > 0, `freezing time ${criu.freezingTimeUs} µs`);
  assert.ok((criu.frozenTimeUs ?? 0) >= (criu.freezingTimeUs ?? 0), `frozen ${criu.frozenTimeUs} µs < freezing ${criu.freezingTimeUs} µs`);
  assert.ok((criu.memdumpTimeUs ?? 0) > 0, `memdump time ${criu.memdumpTimeUs} µs`);
  // dd's buffer alone is `megabytes` of written pages, so CRIU must have written at least those.
  const minimumPages = (megabytes * 1024 * 1024) / PAGE_BYTES;
  assert.ok((criu.pagesWritten ?? 0) >= minimumPages, `pages written ${criu.pagesWritten} < ${minimumPages}`);
  assert.ok((criu.pagesScanned ?? 0) >= (criu.pagesWritten ?? 0), `pages scanned ${criu.pagesScanned} < written ${criu.pagesWritten}`);
});
