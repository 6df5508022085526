#!/usr/bin/env node
// Run every test layer in order and total their counts: `npm test`.
//
//   node scripts/test-all.mjs [LAYER...]     LAYER: typecheck, unit, stack, inhost, e2e (default: all)
//
// Prints each layer's output as it runs, then one summary line per layer and, last, the line
// `N passed, N failed` over all layers. Exits non-zero when a layer failed or could not run.
// Outside CI (CI unset or not "true"), the in-host and browser layers are skipped with the
// reason when code-server or Chromium is missing; with CI=true a missing tool fails the run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromiumPath, provideVsCodeTools, repoRoot } from './lib/vscode-server.mjs';

const inCi = process.env.CI === 'true';

/**
 * Check shared by the layers that need a real VS Code: returns the reason a tool is missing, or
 * `{ failed }` when installing it was tried and failed, which fails the layer even outside CI.
 */
async function missingVsCodeTools() {
  // Installs code-server and Chromium first when they are missing and this machine allows it.
  const codeServer = await provideVsCodeTools({ chromium: true });
  if (codeServer.installFailed) {
    return { failed: codeServer.missing };
  }
  if (codeServer.missing) {
    return codeServer.missing;
  }
  if (!existsSync(chromiumPath)) {
    return `Chromium not found at ${chromiumPath} (apt-get install chromium, or set CHROMIUM)`;
  }
  return undefined;
}

/**
 * Test layers. `counts(output)` returns `{ passed, failed }` parsed from the layer's output, or
 * undefined when the output has no count line.
 */
const layers = [
  {
    name: 'typecheck',
    command: ['npm', 'run', '--silent', 'typecheck'],
    // tsc prints no count, so the whole typecheck is one check.
    counts: () => undefined,
    countsFromExitCode: true,
  },
  {
    name: 'unit',
    command: ['npm', 'run', '--silent', 'test:unit'],
    counts: nodeTestCounts,
  },
  {
    // The real podman + CRIU stacks of scripts/stack/setup.sh. Without them the tests skip with
    // the reason, or fail when CI=true.
    name: 'stack',
    command: ['npm', 'run', '--silent', 'test:stack'],
    counts: nodeTestCounts,
  },
  {
    name: 'inhost',
    command: [process.execPath, 'scripts/run-inhost.mjs'],
    missingTools: missingVsCodeTools,
    counts: (output) => lastCountLine(output, 'in-host'),
  },
  {
    name: 'e2e',
    command: [process.execPath, 'scripts/run-e2e.mjs'],
    missingTools: missingVsCodeTools,
    counts: (output) => lastCountLine(output, 'e2e'),
  },
];

/** Parse node --test's `# pass N` (tap reporter) or `ℹ pass N` (spec reporter) and fail lines. */
function nodeTestCounts(output) {
  const passed = /^(?:#|ℹ) pass (\d+)$/m.exec(output);
  const failed = /^(?:#|ℹ) fail (\d+)$/m.exec(output);
  return passed && failed ? { passed: Number(passed[1]), failed: Number(failed[1]) } : undefined;
}

/** Parse the last `<label>: N passed, N failed` line of `output`. */
function lastCountLine(output, label) {
  const matches = [...output.matchAll(new RegExp(`^${label}: (\\d+) passed, (\\d+) failed$`, 'gm'))];
  const last = matches.at(-1);
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : undefined;
}

/** Run `command` in the repository, echoing its output, and return its exit code and output. */
function runCommand(command) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', (error) => resolve({ code: 127, output: `${output}\n${error.message}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

async function runLayer(layer) {
  const missing = await layer.missingTools?.();
  if (missing?.failed) {
    return { status: 'failed', passed: 0, failed: 1, note: `could not run: ${missing.failed}` };
  }
  if (missing) {
    if (inCi) {
      return { status: 'failed', passed: 0, failed: 1, note: `could not run: ${missing}` };
    }
    return { status: 'skipped', passed: 0, failed: 0, note: `skipped: ${missing}` };
  }

  const started = Date.now();
  const { code, output } = await runCommand(layer.command);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let counts = layer.counts(output);
  let note = `${seconds} s`;

  if (!counts && layer.countsFromExitCode) {
    counts = code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  } else if (!counts) {
    counts = { passed: 0, failed: 1 };
    note += `, exited with code ${code} without a count line`;
  } else if (code !== 0 && counts.failed === 0) {
    // The layer failed outside its tests, for example in set-up.
    counts = { passed: counts.passed, failed: 1 };
    note += `, exited with code ${code} although no test failed`;
  }
  const status = code === 0 && counts.failed === 0 ? 'passed' : 'failed';
  return { status, ...counts, note };
}

async function main() {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !layers.some((layer) => layer.name === name));
  if (unknown.length > 0) {
    console.error(`test-all: unknown layer ${unknown.join(', ')} (expected ${layers.map((layer) => layer.name).join(', ')})`);
    return 2;
  }
  const selected = requested.length > 0 ? layers.filter((layer) => requested.includes(layer.name)) : layers;

  const summary = [];
  for (const layer of selected) {
    console.log(`\n=== test-all: ${layer.name}: ${layer.command.map((part) => path.basename(part)).join(' ')}`);
    summary.push({ name: layer.name, ...(await runLayer(layer)) });
  }

  console.log('\n=== test-all: summary');
  for (const layer of summary) {
    console.log(`${layer.name.padEnd(10)} ${layer.status.padEnd(8)} ${layer.passed} passed, ${layer.failed} failed (${layer.note})`);
  }
  const passed = summary.reduce((total, layer) => total + layer.passed, 0);
  const failed = summary.reduce((total, layer) => total + layer.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  return summary.some((layer) => layer.status === 'failed') ? 1 : 0;
}

process.exitCode = await main();
