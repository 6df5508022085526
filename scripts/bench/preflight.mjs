// Preflight benchmark of `npm run bench` on the trixie stack of scripts/stack/setup.sh.
//
// One busybox container with BENCH_PREFLIGHT_PROCESSES (default 100) processes, each a `tail -f`
// of BENCH_PREFLIGHT_FILES (default 100) files, so with stdin, stdout and stderr it has about
// 10,300 open fds. Timed, alternating, BENCH_RUNS times (default 5):
//
// - runPreflight (src/engine/preflight.ts): inspect, gap snapshot, extras script and the checks,
//   once with the host probe that an earlier probeHost returned (as the Containers view passes
//   it) and once probing the host again;
// - the baseline: one `sh -c` through the same prefix that finds the same processes and reads
//   the same /proc files with `cat` (mountinfo, maps, cmdline, status and every fdinfo file of
//   each process, the network tables once, /proc/locks) and lists the fd and ns links with `ls -l`.
//
// Each run also times the gap snapshot, the extras script and the checks alone, to show where the
// time goes. Medians are compared. Run alone with `node scripts/bench/preflight.mjs`; `npm run bench` calls
// it after the container benchmarks. The container is named clens-bench-<hex>-preflight and is
// removed at the end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { median, readStack } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const processCount = Number(process.env.BENCH_PREFLIGHT_PROCESSES ?? 100);
const fileCount = Number(process.env.BENCH_PREFLIGHT_FILES ?? 100);

/** Spawns an argument vector without the engine and resolves with its wall time in milliseconds and its stdout. */
function spawnTimed(command) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const milliseconds = performance.now() - started;
      if (code === 0) resolve({ milliseconds, stdout });
      else reject(new Error(`${command.slice(0, 3).join(' ')}... exited ${code}: ${stderr.trim().slice(0, 400)}`));
    });
  });
}

/** Loads the TypeScript engine, the gap snapshot and the checks through tsx, as the unit tests do. */
async function loadEngine() {
  // The sources are CommonJS TypeScript, which tsx's ESM import fails on under Node 20.
  const { require: tsxRequire } = await import('tsx/cjs/api');
  const load = (file) => tsxRequire(join(root, file), import.meta.url);
  const { collectContainerSnapshot, parseRecords } = load('src/engine/collect.ts');
  const { runChecks } = load('src/model/preflight/index.ts');
  return { ...load('src/engine/index.ts'), collectContainerSnapshot, parseRecords, runChecks };
}

/**
 * Returns the container's shell script: create the files, start `processCount - 1` background
 * `tail -f` of all of them, print a line, and replace the shell by the last one.
 */
function holderScript() {
  return [
    'B=/bin/busybox',
    '$B mkdir -p /f',
    `i=0; while [ $i -lt ${fileCount} ]; do : > /f/$i; i=$((i+1)); done`,
    'files=$(cd /f && $B ls | $B sed "s#^#/f/#")',
    `i=1; while [ $i -lt ${processCount} ]; do $B tail -f $files >/dev/null 2>&1 & i=$((i+1)); done`,
    'echo preflight bench ready',
    'exec $B tail -f $files >/dev/null 2>&1',
  ].join('\n');
}

/**
 * The baseline: reads the same /proc files with cat in one shell. $1 is the container's first
 * process; its descendants come from /proc/PID/task/*\/children, as in the gap snapshot.
 */
const BASELINE_SCRIPT = `first=$1
pids=$first queue=$first
while [ -n "$queue" ]; do
  set --
  for p in $queue; do set -- "$@" /proc/$p/task/*/children; done
  queue=$(cat "$@" 2>/dev/null)
  pids="$pids $queue"
done
set --
for p in $pids; do set -- "$@" /proc/$p/mountinfo /proc/$p/maps /proc/$p/cmdline /proc/$p/status /proc/$p/fdinfo/*; done
for t in tcp tcp6 udp udp6 unix netlink; do set -- "$@" /proc/$first/net/$t; done
cat "$@" /proc/locks | wc -c
set --
for p in $pids; do set -- "$@" /proc/$p/fd /proc/$p/ns /proc/$p/exe /proc/$p/cwd /proc/$p/root; done
ls -l "$@" | wc -l`;

async function waitForHolder(podman, name) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { stdout, stderr } = await podman(['logs', '--', name]);
    if (`${stdout}${stderr}`.includes('preflight bench ready')) return;
    if (Date.now() > deadline) throw new Error(`${name} printed no "preflight bench ready" within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function benchPreflight() {
  const stack = readStack("reading other processes' /proc files and map_files does");
  if (stack.skip) {
    console.log(`\nPreflight benchmark skipped: ${stack.skip}`);
    return undefined;
  }
  const engine = await loadEngine();
  const runner = new engine.ProcessRunner(engine.silentLogger);
  const podman = (args) => runner.run(engine.podmanCommand(stack.host, args), { timeoutMs: 120_000 });
  const name = `clens-bench-${randomBytes(3).toString('hex')}-preflight`;
  console.log(`\nPreflight on the trixie stack (${stack.versions}), container ${name}`);

  await podman(['run', '-d', '--pull=never', '--network', 'none', '--label', stack.label, '--runtime', 'crun', '--name', name, stack.busybox, '/bin/busybox', 'sh', '-c', holderScript()]);
  try {
    await waitForHolder(podman, name);
    const { pid } = await new engine.PodmanClient(runner, stack.host).inspectContainer(name);
    const baselineCommand = engine.hostCommand(stack.host, 'sh', ['-c', BASELINE_SCRIPT, 'sh', String(pid)]);
    const capabilities = await engine.probeHost(runner, stack.host, { timeoutMs: 120_000 });

    // Warm-up, which also checks that the container is what the benchmark claims.
    const input = await engine.collectPreflight(runner, stack.host, name, { capabilities, timeoutMs: 300_000 });
    const processes = [input.snapshot, ...(input.snapshot.processes ?? [])];
    const fds = processes.reduce((sum, process) => sum + (process.fds ?? '').split('\n').filter(Boolean).length, 0);
    if (processes.length !== processCount) throw new Error(`the snapshot has ${processes.length} processes, expected ${processCount}`);
    const report = engine.runChecks(input);
    await spawnTimed(baselineCommand);

    const cachedTimes = [];
    const probedTimes = [];
    const baselineTimes = [];
    // The parts of one collection, to show where the time goes.
    const snapshotTimes = [];
    const extrasTimes = [];
    const checksTimes = [];
    const timed = async (times, work) => {
      const started = performance.now();
      const result = await work();
      times.push(performance.now() - started);
      return result;
    };
    for (let index = 0; index < runs; index++) {
      await timed(cachedTimes, () => engine.runPreflight(runner, stack.host, name, {}, { capabilities, timeoutMs: 300_000 }));
      baselineTimes.push((await spawnTimed(baselineCommand)).milliseconds);
      await timed(probedTimes, () => engine.runPreflight(runner, stack.host, name, {}, { timeoutMs: 300_000 }));
      const snapshot = await timed(snapshotTimes, () => engine.collectContainerSnapshot(runner, stack.host, name, { timeoutMs: 300_000 }));
      await timed(extrasTimes, () => runner.run(engine.extrasCommand(stack.host, engine.extrasRequests(snapshot)), { timeoutMs: 300_000 }));
      await timed(checksTimes, async () => engine.runChecks(input));
    }

    const baselineMs = median(baselineTimes);
    const cachedMs = median(cachedTimes);
    const probedMs = median(probedTimes);
    console.log(`  ${processes.length} processes, ${fds} fds, verdict ${report.verdict}; median of ${runs} runs`);
    console.log(`  cat and ls -l of the same /proc files:    ${baselineMs.toFixed(0)} ms`);
    console.log(`  runPreflight, host probe given:          ${cachedMs.toFixed(0)} ms`);
    console.log(`    the gap snapshot alone:                ${median(snapshotTimes).toFixed(0)} ms`);
    console.log(`    the extras script alone:               ${median(extrasTimes).toFixed(0)} ms`);
    console.log(`    the checks alone:                      ${median(checksTimes).toFixed(0)} ms`);
    console.log(`  runPreflight, probing the host too:      ${probedMs.toFixed(0)} ms`);
    console.log(`  ratio, probe given (target <= 2):        ${(cachedMs / baselineMs).toFixed(2)}`);
    console.log(`  ratio, probing too:                      ${(probedMs / baselineMs).toFixed(2)}`);
    return { baselineMs, cachedMs, probedMs, ratio: cachedMs / baselineMs };
  } finally {
    await podman(['rm', '-f', '-t', '0', '--', name]);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchPreflight();
}
