// `npm run bench`: measures the CLI against a baseline timed in the same run, and prints ratios.
//
// Log analysis: a generated `-v4` dump log (200 MiB by default, BENCH_LOG_MB to change) with the wasm
// seed failure near its end. Baseline: `grep -c 'Error ('` on the same file, which reads every byte
// once. Both run BENCH_RUNS times (default 5) after one warm-up read, and the medians are compared.
// A preloaded probe reports the CLI's peak RSS (getrusage) and its time after Node's own start-up,
// which is printed beside the wall-clock ratio. Peak RSS is measured at several file sizes
// (BENCH_RSS_MB, default 20,200) to show that memory stays flat as the file grows.
//
// Mounts and mappings: scripts/bench/gaps.mjs, on a generated snapshot.
//
// Containers: scripts/bench/containers.mjs, on the trixie stack when its env file exists.
//
// Preflight: scripts/bench/preflight.mjs, on the same stack.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { benchContainers } from './containers.mjs';
import { benchGaps } from './gaps.mjs';
import { median } from './lib.mjs';
import { benchPreflight } from './preflight.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli.js');
const processProbe = join(root, 'scripts', 'bench', 'measure-process.cjs');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const logMegabytes = Number(process.env.BENCH_LOG_MB ?? 200);
const rssSizes = (process.env.BENCH_RSS_MB ?? '20,200').split(',').map(Number);
const workDir = process.env.BENCH_DIR ?? join(tmpdir(), 'checkpoint-lens-bench');

function run(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  return { ...result, milliseconds };
}

function generatedLog(megabytes) {
  const path = join(workDir, `dump-v4-${megabytes}mb.log`);
  if (!existsSync(path)) {
    const result = run(process.execPath, [join(root, 'scripts', 'bench', 'generate-log.mjs'), path, String(megabytes)], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`generating ${path} failed`);
  }
  return path;
}

/** Run the CLI once and return its report, wall time, time after Node's start-up and peak RSS in MiB. */
function explain(path) {
  const result = run(process.execPath, ['--require', processProbe, cli, 'explain', path, '--json']);
  if (result.status !== 1) throw new Error(`checkpoint-lens exited ${result.status} on ${path}: ${result.stderr}`);
  const probe = /peak-rss-kib=(\d+) after-startup-ms=([\d.]+)/.exec(result.stderr);
  return {
    report: JSON.parse(result.stdout),
    milliseconds: result.milliseconds,
    afterStartupMs: probe ? Number(probe[2]) : NaN,
    peakMiB: probe ? Number(probe[1]) / 1024 : NaN,
  };
}

function benchLogAnalysis() {
  const path = generatedLog(logMegabytes);
  const size = statSync(path).size;
  run('cat', [path], { stdio: ['ignore', 'ignore', 'inherit'] });

  const grepTimes = [];
  const cliTimes = [];
  const afterStartupTimes = [];
  const nodeStartTimes = [];
  let report;
  for (let index = 0; index < runs; index++) {
    const grep = run('grep', ['-c', 'Error (', path]);
    if (grep.status !== 0) throw new Error(`grep failed: ${grep.stderr}`);
    grepTimes.push(grep.milliseconds);
    const measured = explain(path);
    cliTimes.push(measured.milliseconds);
    afterStartupTimes.push(measured.afterStartupMs);
    nodeStartTimes.push(run(process.execPath, ['-e', '']).milliseconds);
    report = measured.report;
  }

  const expectedLine = Number(run('grep', ['-n', "Can't lookup mount=174", path]).stdout.split(':')[0]);
  if (report.rootCause?.line !== expectedLine) throw new Error(`root cause at line ${report.rootCause?.line}, expected ${expectedLine}`);

  const grepMs = median(grepTimes);
  const cliMs = median(cliTimes);
  const afterStartupMs = median(afterStartupTimes);
  console.log(`\nLog analysis, ${(size / 1024 / 1024).toFixed(0)} MiB, ${report.lineCount} lines, median of ${runs} runs`);
  console.log(`  grep -c 'Error (':                      ${grepMs.toFixed(0)} ms`);
  console.log(`  checkpoint-lens explain --json:         ${cliMs.toFixed(0)} ms  (root cause found at line ${report.rootCause.line})`);
  console.log(`    of which after Node's start-up:       ${afterStartupMs.toFixed(0)} ms`);
  console.log(`  node -e '' (Node's start-up alone):     ${median(nodeStartTimes).toFixed(0)} ms`);
  console.log(`  ratio, wall clock (target <= 1.5):      ${(cliMs / grepMs).toFixed(2)}`);
  console.log(`  ratio, after Node's start-up:           ${(afterStartupMs / grepMs).toFixed(2)}`);
  return { grepMs, cliMs, ratio: cliMs / grepMs };
}

function benchPeakMemory() {
  console.log('\nPeak RSS of checkpoint-lens explain (target < 150 MiB at any size)');
  const peaks = [];
  for (const megabytes of rssSizes) {
    const measured = explain(generatedLog(megabytes));
    peaks.push(measured.peakMiB);
    console.log(`  ${String(megabytes).padStart(5)} MiB log: ${measured.peakMiB.toFixed(1)} MiB`);
  }
  return peaks;
}

mkdirSync(workDir, { recursive: true });
const build = run('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
console.log(`node ${process.version}, ${workDir}`);
benchLogAnalysis();
benchPeakMemory();
await benchGaps();
await benchContainers();
await benchPreflight();
