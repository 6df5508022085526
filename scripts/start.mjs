#!/usr/bin/env node
// `npm start`: build and package the extension, install the .vsix into code-server, open the
// sample workspace (scripts/make-sample-workspace.mjs) and keep serving it until Ctrl-C.
//
//   PORT=8080 npm start
//
// The server listens on 127.0.0.1:$PORT (default 8080) without authentication, so it is
// reachable from this machine only. User data and the workspace live in .e2e/start/; the
// settings and extension state there survive restarts, the workspace is rebuilt each time.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { makeSampleWorkspace } from './make-sample-workspace.mjs';
import { installExtension, prepareRunDir, provideVsCodeTools, repoRoot, startServer } from './lib/vscode-server.mjs';

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`start: invalid PORT ${process.env.PORT} (expected a TCP port number)`);
  process.exit(2);
}

const codeServer = await provideVsCodeTools();
if (codeServer.missing) {
  console.error(`start: code-server is not available: ${codeServer.missing}`);
  console.error('start: install it with scripts/vscode-server.sh install');
  process.exit(1);
}

const packaged = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: 'inherit' });
if (packaged.status !== 0) {
  console.error('start: npm run package failed; see the output above');
  process.exit(1);
}

const runDir = await prepareRunDir('start', { keep: true });
console.log(`start: ${await installExtension(codeServer, runDir, path.join(repoRoot, 'dist-vsix/checkpoint-lens.vsix'))}`);
const workspace = path.join(runDir.root, 'workspace');
const logCount = (await makeSampleWorkspace(workspace)).length;

let server;
try {
  server = await startServer(codeServer, runDir, { port });
} catch (error) {
  console.error(`start: ${error.message}`);
  console.error(`start: is port ${port} in use? Set PORT to another port.`);
  process.exit(1);
}

console.log(`start: code-server pid ${server.pid}, log ${path.relative(repoRoot, runDir.serverLog)}`);
console.log(`start: sample workspace with ${logCount} CRIU logs: ${path.relative(repoRoot, workspace)}`);
console.log(`\n  Open ${server.url}/?folder=${encodeURIComponent(workspace)}\n`);
console.log('start: press Ctrl-C to stop');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    stopping = true;
    console.log(`\nstart: received ${signal}, stopping code-server (process group ${server.pid})`);
    await server.stop();
    console.log('start: code-server stopped');
    process.exit(0);
  });
}

const { code, signal } = await server.exited;
if (stopping) {
  // The signal handler above stops the server and exits.
  await new Promise(() => {});
}
console.error(`start: code-server exited unexpectedly (code ${code}, signal ${signal}); see ${runDir.serverLog}`);
await server.stop();
process.exit(1);
