#!/usr/bin/env node
// Run the browser walks (test/e2e/*.e2e.mjs) against the packaged extension in code-server.
//
//   node scripts/run-e2e.mjs [--no-package] [--verbose] [WALK...]
//
// Packages the .vsix (`npm run package`), installs it into a fresh extensions folder, starts
// code-server on the sample workspace WITHOUT the smoke-test driver (the driver hides
// notification toasts), and runs each walk on a freshly loaded workbench in headless Chromium.
// WALK filters the walks by file name, for example `log-diagnostics`.
// Screenshots go to test-results/screenshots/, step results to test-results/e2e-result.json.
// Prints `e2e: N passed, N failed`; exits 0 only when every step passed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makeSampleWorkspace } from './make-sample-workspace.mjs';
import {
  findFreePort,
  installExtension,
  launchChromium,
  prepareRunDir,
  repoRoot,
  requireVsCodeTools,
  startServer,
  stopServersOnSignals,
} from './lib/vscode-server.mjs';
import { createStepRecorder, Workbench } from '../test/e2e/workbench.mjs';

const { values: options, positionals: walkFilters } = parseArgs({
  allowPositionals: true,
  options: {
    'no-package': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

const vsixPath = path.join(repoRoot, 'dist-vsix/checkpoint-lens.vsix');
const resultsDir = path.join(repoRoot, 'test-results');
const screenshotDir = path.join(resultsDir, 'screenshots');
const walksDir = path.join(repoRoot, 'test/e2e');

async function listWalks() {
  const files = (await readdir(walksDir)).filter((name) => name.endsWith('.e2e.mjs')).sort();
  if (walkFilters.length === 0) {
    return files;
  }
  return files.filter((name) => walkFilters.some((filter) => name.includes(filter)));
}

/** Abort every browser request that leaves the code-server origin, and record its URL. */
async function blockOtherHosts(context, allowedHost, blocked) {
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (/^(https?|wss?):$/.test(url.protocol) && url.host !== allowedHost) {
      blocked.add(route.request().url());
      return route.abort();
    }
    return route.continue();
  });
}

async function main() {
  const codeServer = await requireVsCodeTools();
  const walks = await listWalks();
  if (walks.length === 0) {
    throw new Error(`no walks in ${walksDir} match ${walkFilters.join(', ')}`);
  }

  if (!options['no-package']) {
    const started = Date.now();
    const packaged = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: 'inherit' });
    if (packaged.status !== 0) {
      throw new Error('npm run package failed; see the output above');
    }
    console.log(`run-e2e: packaged ${path.relative(repoRoot, vsixPath)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (!existsSync(vsixPath)) {
    throw new Error(`${vsixPath} not found; run npm run package`);
  }

  const runDir = await prepareRunDir('e2e');
  const installStarted = Date.now();
  console.log(`run-e2e: ${await installExtension(codeServer, runDir, vsixPath)} (${((Date.now() - installStarted) / 1000).toFixed(1)} s)`);
  const workspace = path.join(runDir.root, 'workspace');
  await makeSampleWorkspace(workspace);

  const port = Number(process.env.E2E_PORT ?? (await findFreePort()));
  const server = await startServer(codeServer, runDir, { port });
  stopServersOnSignals([server]);
  console.log(`run-e2e: code-server ${server.url} (pid ${server.pid}, run folder ${path.relative(repoRoot, runDir.root)})`);

  await rm(screenshotDir, { recursive: true, force: true });
  await mkdir(screenshotDir, { recursive: true });

  const allResults = [];
  const blocked = new Set();
  const pageErrors = [];
  let browser;
  try {
    browser = await launchChromium(runDir);
    await blockOtherHosts(browser, new URL(server.url).host, blocked);

    for (const file of walks) {
      const name = file.replace(/\.e2e\.mjs$/, '');
      const page = await browser.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
      if (options.verbose) {
        page.on('console', (message) => console.log(`[${name} console] ${message.text()}`));
      }
      const workbench = new Workbench(page, { screenshotDir, prefix: name });
      const { step, results } = createStepRecorder(workbench);

      const loaded = await step('workbench loads the sample workspace', async () => {
        const started = Date.now();
        await workbench.open(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
        // The walks share one user data folder, so a walk would inherit the editors and editor
        // groups that the one before it left open: start each from a single empty group.
        await workbench.runCommand('View: Close All Editor Groups');
        return { ms: Date.now() - started };
      });
      if (loaded) {
        try {
          const { default: walk } = await import(pathToFileURL(path.join(walksDir, file)).href);
          await walk({ workbench, step });
        } catch (error) {
          // An error outside a step, for example a syntax error in the walk file, counts as a failed step.
          await step(`run ${file}`, () => Promise.reject(error));
        }
      }
      allResults.push(...results.map((result) => ({ walk: name, ...result })));
      await page.close();
    }
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }

  const passed = allResults.filter((result) => result.ok).length;
  const failed = allResults.length - passed;
  await writeFile(
    path.join(resultsDir, 'e2e-result.json'),
    JSON.stringify({ results: allResults, blockedRequests: [...blocked], pageErrors }, null, 2) + '\n',
  );
  if (blocked.size > 0) {
    console.log(`run-e2e: blocked ${blocked.size} request(s) to other hosts: ${[...blocked].slice(0, 5).join(', ')}`);
  }
  console.log(`run-e2e: screenshots in ${path.relative(repoRoot, screenshotDir)}/`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`run-e2e: ${error.message}`);
    process.exit(1);
  },
);
