#!/usr/bin/env node
// Run the in-host suite (test/inhost/*.test.ts) inside code-server's real extension host.
//
//   node scripts/run-inhost.mjs [--grep REGEX] [--timeout SECONDS] [--no-build] [--verbose]
//
// --grep runs only the tests whose full title matches REGEX; --no-build uses dist/ as it is.
// Builds the bundles, makes the sample workspace and starts code-server with the smoke-test
// driver. Without that driver the workbench ignores the `payload` URL parameter, which names the
// extension under development and the suite. Then opens the workbench in headless Chromium and
// waits for the suite's exit code, which the workbench reports through `window.codeAutomationExit`.
// Ends with the line `in-host: N passed, N failed` (a timeout or a suite that never reports
// counts as one failure) and exits 0 only when the suite passed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, format } from 'node:util';
import { makeSampleWorkspace } from './make-sample-workspace.mjs';
import {
  findFreePort,
  launchChromium,
  prepareRunDir,
  repoRoot,
  requireVsCodeTools,
  startServer,
  stopServersOnSignals,
} from './lib/vscode-server.mjs';

const { values: options } = parseArgs({
  options: {
    grep: { type: 'string' },
    timeout: { type: 'string', default: '180' },
    'no-build': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const timeoutMs = Number(options.timeout) * 1000;
if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
  console.error(`run-inhost: invalid --timeout ${options.timeout} (expected seconds > 0)`);
  process.exit(2);
}

/**
 * Format a page console message. The workbench's log messages and the extension host's console
 * output (mirrored into the page) both arrive as ('%c INFO', 'color: …', format, ...args).
 */
async function formatConsoleMessage(message) {
  let values;
  try {
    values = await Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => '?')));
  } catch {
    values = [message.text()];
  }
  const isLogMessage = typeof values[0] === 'string' && values[0].startsWith('%c');
  if (isLogMessage) {
    values = values.slice(2);
  }
  return { isLogMessage, text: format(...values) };
}

async function main() {
  const codeServer = await requireVsCodeTools();

  if (!options['no-build']) {
    const build = spawnSync(process.execPath, [path.join(repoRoot, 'build.mjs')], { stdio: 'inherit' });
    if (build.status !== 0) {
      throw new Error('node build.mjs failed; fix the build errors above');
    }
  }
  for (const bundle of ['dist/extension.js', 'dist/test/inhost/index.js']) {
    if (!existsSync(path.join(repoRoot, bundle))) {
      throw new Error(`${bundle} not found; run node build.mjs`);
    }
  }

  const runDir = await prepareRunDir('inhost');
  const workspace = path.join(runDir.root, 'workspace');
  const logCount = (await makeSampleWorkspace(workspace)).length;
  const resultFile = path.join(runDir.root, 'result.json');
  await rm(resultFile, { force: true });

  const port = Number(process.env.INHOST_PORT ?? (await findFreePort()));
  const started = Date.now();
  const server = await startServer(codeServer, runDir, {
    port,
    extraArguments: ['--vscode-option', 'enable-smoke-test-driver'],
  });
  stopServersOnSignals([server]);
  console.log(`run-inhost: code-server ${server.url} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${server.pid}, ${logCount} sample logs)`);
  console.log(`run-inhost: run folder ${path.relative(repoRoot, runDir.root)} (server log, result.json)`);

  const remote = `vscode-remote://127.0.0.1:${port}`;
  const extensionEnvironment = { CHECKPOINT_LENS_INHOST_RESULT: resultFile };
  if (options.grep) {
    extensionEnvironment.CHECKPOINT_LENS_INHOST_GREP = options.grep;
  }
  const payload = [
    ['extensionDevelopmentPath', `${remote}${repoRoot}`],
    ['extensionTestsPath', `${remote}${path.join(repoRoot, 'dist/test/inhost/index.js')}`],
    ['extensionEnvironment', JSON.stringify(extensionEnvironment)],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  let browser;
  try {
    browser = await launchChromium(runDir);
    const page = browser.pages()[0] ?? (await browser.newPage());

    let reportExit;
    let suiteExited = false;
    const exitCode = new Promise((resolve) => {
      reportExit = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (code) => {
      suiteExited = true;
      reportExit(code);
    });
    page.on('console', async (message) => {
      const { isLogMessage, text } = await formatConsoleMessage(message);
      // After the exit code arrives the workbench shuts down and logs only cancellations.
      if ((isLogMessage && !suiteExited) || options.verbose) {
        console.log(`[vscode] ${text}`);
      }
    });
    page.on('pageerror', (error) => console.log(`[workbench] page error: ${error.message}`));

    const suiteStarted = Date.now();
    await page.goto(url);
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs, 'timeout');
    });
    const code = await Promise.race([exitCode, timedOut]);
    clearTimeout(timer);
    const seconds = ((Date.now() - suiteStarted) / 1000).toFixed(1);

    if (code === 'timeout') {
      console.log(`run-inhost: timed out after ${options.timeout} s waiting for the suite; see ${runDir.serverLog}`);
      console.log('in-host: 0 passed, 1 failed');
      return 1;
    }
    console.log(`run-inhost: suite finished in ${seconds} s with exit code ${code}`);

    const result = JSON.parse(await readFile(resultFile, 'utf8').catch(() => 'null'));
    if (!result) {
      // The suite never reached its summary, for example because a test file threw while loading.
      console.log(`run-inhost: the suite wrote no result file (${resultFile}); the extension host log above has the error`);
      console.log('in-host: 0 passed, 1 failed');
      return 1;
    }
    for (const failure of result.failures) {
      console.log(`run-inhost: FAILED ${failure.title}\n  ${failure.error.split('\n')[0]}`);
    }
    // The same count line as the suite's, unprefixed, for scripts/test-all.mjs.
    console.log(`in-host: ${result.passed} passed, ${result.failed} failed`);
    return code === 0 && result.failed === 0 ? 0 : 1;
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`run-inhost: ${error.message}`);
    process.exit(1);
  },
);
