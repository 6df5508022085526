// Container benchmarks of `npm run bench` on the trixie stack of scripts/stack/setup.sh. Each
// figure is a ratio against a baseline timed in the same run:
//
// - Tree listing: the Containers view's refresh (HostMonitor.list: `podman ps --all`, then one
//   `podman container inspect` of the containers whose state changed since their last inspect) with
//   BENCH_CONTAINERS (default 200) created busybox containers, against `podman ps -a --format json`
//   alone. The first listing, which inspects every container, is printed beside it.
// - Checkpoint: ContainerOperations.checkpoint with `--keep` against the same
//   `podman container checkpoint --keep` spawned directly, alternating, each restored after.
// - Event latency: time from spawning `podman start` to PodmanClient.watchEvents delivering that
//   container's `start` event.
//
// Both sides of each ratio run through the stack's command prefix. Runs: BENCH_RUNS (default 5)
// for the ratios, BENCH_EVENT_RUNS (default 10) for the latency. Run alone with
// `node scripts/bench/containers.mjs`; `npm run bench` calls it after the log benchmarks.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { median, readStack } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const eventRuns = Number(process.env.BENCH_EVENT_RUNS ?? 10);
const containerCount = Number(process.env.BENCH_CONTAINERS ?? 200);

/** Spawns an argument vector without the engine and resolves with its wall time in milliseconds. */
function spawnTimed(command) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const milliseconds = performance.now() - started;
      if (code === 0) resolve(milliseconds);
      else reject(new Error(`${command.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

/** Loads the TypeScript engine and the view's host monitor through tsx, as the unit tests do. */
async function loadEngine() {
  // The sources are CommonJS TypeScript, which tsx's ESM import fails on under Node 20.
  const { require: tsxRequire } = await import('tsx/cjs/api');
  const load = (file) => tsxRequire(join(root, file), import.meta.url);
  const engine = load('src/engine/index.ts');
  const { HostMonitor } = load('src/extension/containers/hostMonitor.ts');
  return { ...engine, HostMonitor };
}

async function benchTreeListing(engine, stack, podman, prefix) {
  const { HostMonitor, ProcessRunner, silentLogger } = engine;
  const runner = new ProcessRunner(silentLogger);
  const names = Array.from({ length: containerCount }, (_, index) => `${prefix}-list-${String(index).padStart(3, '0')}`);
  const created = performance.now();
  for (const name of names) {
    await podman(['create', '--pull=never', '--network', 'none', '--label', stack.label, '--name', name, stack.busybox]);
  }
  console.log(`  created ${containerCount} containers in ${((performance.now() - created) / 1000).toFixed(1)} s`);

  const monitor = new HostMonitor(stack.host, { runner, logger: silentLogger, pollIntervalMs: () => 60_000, onDidChange: () => undefined });
  const psCommand = engine.podmanCommand(stack.host, ['ps', '-a', '--format', 'json']);
  try {
    // Warm-up: the first podman calls after the creates read a colder database. The first listing
    // also inspects every container, which later refreshes skip for unchanged ones.
    const firstStarted = performance.now();
    await monitor.list();
    const firstListMs = performance.now() - firstStarted;
    await spawnTimed(psCommand);

    const ids = monitor.snapshot.containers.map((container) => container.id);
    const inspectCommand = engine.podmanCommand(stack.host, ['container', 'inspect', '--', ...ids]);
    const listTimes = [];
    const psTimes = [];
    const inspectTimes = [];
    for (let index = 0; index < runs; index++) {
      const started = performance.now();
      await monitor.list();
      listTimes.push(performance.now() - started);
      psTimes.push(await spawnTimed(psCommand));
      inspectTimes.push(await spawnTimed(inspectCommand));
    }
    const shown = monitor.snapshot.containers.filter((container) => container.name.startsWith(`${prefix}-list-`)).length;
    if (monitor.snapshot.status !== 'ready' || shown !== containerCount) {
      throw new Error(`the listing shows ${shown} of ${containerCount} benchmark containers (status ${monitor.snapshot.status})`);
    }
    const total = monitor.snapshot.containers.length;
    const listMs = median(listTimes);
    const psMs = median(psTimes);
    console.log(`\nTree listing, ${total} containers (${containerCount} created for this run), median of ${runs} runs`);
    console.log(`  podman ps -a --format json:              ${psMs.toFixed(0)} ms`);
    console.log(`  podman container inspect of all IDs:     ${median(inspectTimes).toFixed(0)} ms  (spawned alone, for the breakdown)`);
    console.log(`  HostMonitor.list, first (inspects all):  ${firstListMs.toFixed(0)} ms`);
    console.log(`  HostMonitor.list, refresh:               ${listMs.toFixed(0)} ms`);
    console.log(`  ratio (target <= 1.2):                   ${(listMs / psMs).toFixed(2)}`);
    return { total, psMs, inspectMs: median(inspectTimes), firstListMs, listMs, ratio: listMs / psMs };
  } finally {
    monitor.dispose();
    for (let index = 0; index < names.length; index += 50) {
      await podman(['rm', '-f', '-t', '0', '--', ...names.slice(index, index + 50)]);
    }
  }
}

async function benchCheckpoint(engine, stack, podman, prefix, podmanVersion) {
  const { ContainerOperations, ProcessRunner, silentLogger } = engine;
  const operations = new ContainerOperations(new ProcessRunner(silentLogger));
  const name = `${prefix}-checkpoint`;
  const directCommand = engine.podmanCommand(stack.host, ['container', 'checkpoint', '--keep', '--', name]);
  await podman(['run', '-d', '--pull=never', '--network', 'none', '--label', stack.label, '--runtime', 'crun', '--name', name, stack.busybox]);
  try {
    const engineTimes = [];
    const directTimes = [];
    for (let index = 0; index < runs; index++) {
      const started = performance.now();
      const result = await operations.checkpoint({ host: stack.host, podmanVersion, container: name, options: { keep: true } });
      engineTimes.push(performance.now() - started);
      if (result.status !== 'succeeded') throw new Error(`ContainerOperations.checkpoint ${result.status}: ${result.error?.message ?? ''}`);
      await podman(['container', 'restore', '--keep', '--', name]);

      directTimes.push(await spawnTimed(directCommand));
      await podman(['container', 'restore', '--keep', '--', name]);
    }
    const engineMs = median(engineTimes);
    const directMs = median(directTimes);
    console.log(`\nCheckpoint --keep of a busybox container (crun), alternating, median of ${runs} runs`);
    console.log(`  podman container checkpoint --keep:      ${directMs.toFixed(0)} ms`);
    console.log(`  ContainerOperations.checkpoint:          ${engineMs.toFixed(0)} ms`);
    console.log(`  ratio (target <= 1.05):                  ${(engineMs / directMs).toFixed(2)}`);
    return { directMs, engineMs, ratio: engineMs / directMs };
  } finally {
    await podman(['rm', '-f', '-t', '0', '--', name]);
  }
}

async function benchEventLatency(engine, stack, podman, prefix) {
  const { PodmanClient, ProcessRunner, silentLogger } = engine;
  const runner = new ProcessRunner(silentLogger);
  const name = `${prefix}-events`;
  await podman(['create', '--pull=never', '--network', 'none', '--label', stack.label, '--runtime', 'crun', '--name', name, stack.busybox]);

  let waiting;
  const stop = new AbortController();
  // The same stream and filter as the Containers view's HostMonitor.
  const stream = new PodmanClient(runner, stack.host)
    .watchEvents({
      signal: stop.signal,
      filters: ['type=container'],
      onEvent: (event) => {
        if (waiting && event.name === name && event.status === 'start') waiting({ at: performance.now(), sinceEventMs: Date.now() - event.time.getTime() });
      },
    })
    .catch((error) => {
      if (error?.kind !== 'cancelled') throw error;
    });
  try {
    // podman events prints nothing until the first event, so give it time to subscribe first.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const latencies = [];
    const startTimes = [];
    const sinceEventTimes = [];
    for (let index = 0; index < eventRuns; index++) {
      const delivered = new Promise((resolve, reject) => {
        waiting = resolve;
        setTimeout(() => reject(new Error(`no start event for ${name} within 10 s`)), 10_000).unref();
      });
      const started = performance.now();
      await podman(['start', '--', name]);
      startTimes.push(performance.now() - started);
      const delivery = await delivered;
      latencies.push(delivery.at - started);
      sinceEventTimes.push(delivery.sinceEventMs);
      waiting = undefined;
      await podman(['stop', '-t', '0', '--', name]);
    }
    const latencyMs = median(latencies);
    console.log(`\nEvent latency, podman start to the engine's events stream, median of ${eventRuns}`);
    console.log(`  podman start to delivery (target < 500 ms): ${latencyMs.toFixed(0)} ms  (min ${Math.min(...latencies).toFixed(0)}, max ${Math.max(...latencies).toFixed(0)})`);
    console.log(`  podman start command alone:              ${median(startTimes).toFixed(0)} ms`);
    // podman 5 stamps events in nanoseconds, but the engine keeps milliseconds.
    console.log(`  event's own timestamp to delivery:       ${median(sinceEventTimes).toFixed(0)} ms`);
    return { latencyMs, startMs: median(startTimes), sinceEventMs: median(sinceEventTimes) };
  } finally {
    stop.abort();
    await stream;
    await podman(['rm', '-f', '-t', '0', '--', name]);
  }
}

/** Runs the container benchmarks, or prints why they are skipped. Returns the figures or undefined. */
export async function benchContainers() {
  const stack = readStack('podman checkpoint does');
  if (stack.skip) {
    console.log(`\nContainer benchmarks skipped: ${stack.skip}`);
    return undefined;
  }
  const engine = await loadEngine();
  const queryRunner = new engine.ProcessRunner(engine.silentLogger);
  const podman = (args) => queryRunner.run(engine.podmanCommand(stack.host, args), { timeoutMs: 120_000 });
  const podmanVersion = engine.parsePodmanVersion((await podman(['version', '--format', '{{.Client.Version}}'])).stdout);
  const prefix = `clens-bench-${randomBytes(3).toString('hex')}`;
  console.log(`\nContainer benchmarks on the trixie stack (${stack.versions}), containers named ${prefix}-*`);

  const listing = await benchTreeListing(engine, stack, podman, prefix);
  const checkpoint = await benchCheckpoint(engine, stack, podman, prefix, podmanVersion);
  const events = await benchEventLatency(engine, stack, podman, prefix);
  return { listing, checkpoint, events };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchContainers();
}
