// Start, wait for and stop code-server, and launch Chromium against it, for the in-host runner,
// the browser runner and `npm start`. code-server itself is installed by scripts/vscode-server.sh.
//
// Every server runs in its own session (spawn `detached`, which calls setsid(2)), bound to
// 127.0.0.1 only, with the marketplace, telemetry and update checks turned off, and with its
// user data, extensions, config and XDG folders inside a run folder under .e2e/.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const execFileAsync = promisify(execFile);

/** Flags for headless Debian Chromium on a machine without network: no sandbox, GPU or background traffic. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Resolve no host name at all, so Chromium sends no DNS query; the server is an IP address.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Return the installed code-server, or throw when it or Chromium is missing, naming how to install it. */
export async function requireVsCodeTools() {
  const codeServer = await findCodeServer();
  if (codeServer.missing) {
    throw new Error(`code-server is not available: ${codeServer.missing}`);
  }
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}; install it (apt-get install chromium) or set CHROMIUM`);
  }
  return codeServer;
}

/** Workbench settings for every run: no telemetry, updates, experiments, trust prompts or tips. */
const workbenchSettings = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'npm.fetchOnlinePackageInfo': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
};

/** Process groups started by this module that are still running, by leader pid. */
const runningGroups = new Set();

process.once('exit', () => {
  for (const pid of runningGroups) {
    killGroup(pid, 'SIGKILL');
  }
});

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if (error.code === 'ESRCH') {
      return false;
    }
    throw error;
  }
}

/**
 * Return the Node 24 binary and code-server entry installed by scripts/vscode-server.sh, or
 * `{ missing }` with the reason when code-server is not installed.
 */
export async function findCodeServer() {
  try {
    const { stdout } = await execFileAsync(path.join(repoRoot, 'scripts/vscode-server.sh'), ['paths']);
    const values = Object.fromEntries(stdout.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
    return { node: values.NODE24, entry: values.CODE_SERVER };
  } catch (error) {
    // Drop the script's `[vscode-server HH:MM:SS]` log prefix.
    const reason = String(error.stderr || error.message).trim().replace(/^\[vscode-server [\d:]+\] /gm, '');
    return { missing: reason || 'scripts/vscode-server.sh paths failed' };
  }
}

/**
 * Install what a real VS Code run needs when it is missing: code-server (through
 * scripts/vscode-server.sh, which also installs the build packages as root) and, when `chromium`
 * is true, Debian's Chromium. Returns `findCodeServer()`'s result; `{ missing }` with the reason
 * when an install was not possible here, or `{ missing, installFailed: true }` when an install was
 * tried and failed, which callers treat as a failure, not a skip. Set CHECKPOINT_LENS_NO_INSTALL=1
 * to only look, never install.
 */
export async function provideVsCodeTools({ chromium = false } = {}) {
  let codeServer = await findCodeServer();
  if (process.env.CHECKPOINT_LENS_NO_INSTALL === '1') return codeServer;

  if (codeServer.missing) {
    console.log('installing code-server (a few minutes the first time): scripts/vscode-server.sh install');
    const installed = spawnSync(path.join(repoRoot, 'scripts/vscode-server.sh'), ['install'], { cwd: repoRoot, stdio: 'inherit' });
    if (installed.status !== 0) return { missing: `scripts/vscode-server.sh install failed with exit code ${installed.status}`, installFailed: true };
    codeServer = await findCodeServer();
  }
  if (chromium && !codeServer.missing && !existsSync(chromiumPath)) {
    if (process.getuid?.() !== 0 || spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0) {
      return { missing: `Chromium not found at ${chromiumPath}; install it (Debian: apt-get install chromium) or set CHROMIUM` };
    }
    console.log('installing Debian\'s chromium with apt-get');
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
    const installed = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (installed.status !== 0) return { missing: `apt-get install chromium failed with exit code ${installed.status}`, installFailed: true };
  }
  return codeServer;
}

/** Return a TCP port that was free on 127.0.0.1 a moment ago. */
export async function findFreePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

function isProcessAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Create the run folder with the user data, extensions, config and XDG folders that
 * code-server and Chromium would otherwise put in $HOME. With `keep`, the folder is
 * `.e2e/<name>` and is reused. Otherwise it is a new `.e2e/<name>-<pid>`, so runs started at the
 * same time do not share files, and the folders of earlier runs whose process has ended are
 * deleted first.
 */
export async function prepareRunDir(name, { keep = false } = {}) {
  const e2eDir = path.join(repoRoot, '.e2e');
  let root = path.join(e2eDir, name);
  if (!keep) {
    const earlierRuns = (await readdir(e2eDir).catch(() => []))
      .map((entry) => new RegExp(`^${name}-(\\d+)$`).exec(entry))
      .filter((match) => match && !isProcessAlive(Number(match[1])));
    for (const match of earlierRuns) {
      await rm(path.join(e2eDir, match[0]), { recursive: true, force: true });
    }
    root = path.join(e2eDir, `${name}-${process.pid}`);
  }
  const dirs = {
    root,
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    xdgConfig: path.join(root, 'xdg/config'),
    xdgData: path.join(root, 'xdg/data'),
    xdgCache: path.join(root, 'xdg/cache'),
    chromiumProfile: path.join(root, 'chromium-profile'),
    config: path.join(root, 'code-server.yaml'),
    serverLog: path.join(root, 'code-server.log'),
  };
  for (const dir of [dirs.userData, dirs.extensions, dirs.xdgConfig, dirs.xdgData, dirs.xdgCache]) {
    await mkdir(dir, { recursive: true });
  }
  await mkdir(path.join(dirs.userData, 'User'), { recursive: true });
  const settingsFile = path.join(dirs.userData, 'User/settings.json');
  if (!existsSync(settingsFile)) {
    // A kept run folder keeps the settings the user changed in the workbench.
    await writeFile(settingsFile, JSON.stringify(workbenchSettings, null, 2) + '\n');
  }
  await writeFile(dirs.config, 'auth: none\ncert: false\n');
  return dirs;
}

function serverEnvironment(runDir) {
  return {
    ...process.env,
    // An empty gallery stops the server and the page from calling open-vsx.org.
    EXTENSIONS_GALLERY: '{}',
    XDG_CONFIG_HOME: runDir.xdgConfig,
    XDG_DATA_HOME: runDir.xdgData,
    XDG_CACHE_HOME: runDir.xdgCache,
  };
}

function commonArguments(runDir) {
  return [
    '--config', runDir.config,
    '--user-data-dir', runDir.userData,
    '--extensions-dir', runDir.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
}

/** Install a .vsix into the run folder's extensions folder with code-server's own CLI. */
export async function installExtension(codeServer, runDir, vsixPath) {
  const { stdout } = await execFileAsync(
    codeServer.node,
    [codeServer.entry, ...commonArguments(runDir), '--install-extension', vsixPath, '--force'],
    { env: serverEnvironment(runDir) },
  );
  return stdout.trim();
}

async function waitForHealthz(url, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`code-server exited before ${url}/healthz responded; see ${logFile}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}/healthz of code-server did not respond within ${timeoutMs / 1000} s; see ${logFile}`);
}

/**
 * Start code-server on 127.0.0.1:`port` in a new session and wait until /healthz responds.
 * Returns `{ url, pid, exited, stop }`: `exited` resolves with `{ code, signal }` when the
 * server process ends, and `stop()` ends the whole process group.
 */
export async function startServer(codeServer, runDir, { port, extraArguments = [], timeoutMs = 60_000 }) {
  const log = await open(runDir.serverLog, 'a');
  const child = spawn(
    codeServer.node,
    [codeServer.entry, ...commonArguments(runDir), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, ...extraArguments],
    { env: serverEnvironment(runDir), detached: true, stdio: ['ignore', log.fd, log.fd] },
  );
  await log.close();
  runningGroups.add(child.pid);

  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = { url, pid: child.pid, exited, stop: () => stopServer(child) };
  try {
    await waitForHealthz(url, child, runDir.serverLog, timeoutMs);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Send SIGTERM to the server's process group, then SIGKILL when it is still there after 5 s. */
async function stopServer(child) {
  if (!runningGroups.has(child.pid)) {
    return;
  }
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');
  if (killGroup(child.pid, 'SIGTERM')) {
    const timer = new Promise((resolve) => setTimeout(resolve, 5_000, 'timeout'));
    if ((await Promise.race([exited, timer])) === 'timeout') {
      killGroup(child.pid, 'SIGKILL');
    }
    // Children of the leader may outlive it by a moment.
    for (let attempt = 0; attempt < 50 && killGroup(child.pid, 0); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    killGroup(child.pid, 'SIGKILL');
  }
  runningGroups.delete(child.pid);
}

/**
 * Launch Debian's Chromium headless with a fresh profile in the run folder and return the
 * Playwright browser context. Playwright passes --headless itself.
 */
export async function launchChromium(runDir, { viewport = { width: 1400, height: 900 } } = {}) {
  const { chromium } = await import('playwright-core');
  await rm(runDir.chromiumProfile, { recursive: true, force: true });
  return chromium.launchPersistentContext(runDir.chromiumProfile, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    args: CHROMIUM_FLAGS,
  });
}

/** Stop every server started here when the process gets SIGINT or SIGTERM, then exit. */
export function stopServersOnSignals(servers) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, async () => {
      console.error(`received ${signal}, stopping code-server`);
      await Promise.allSettled(servers.map((server) => server.stop()));
      process.exit(130);
    });
  }
}
