#!/usr/bin/env node
// Copy the real CRIU logs (and one /proc snapshot) from test/fixtures/ into a workspace folder for code-server, under
// names a person can navigate: a few featured cases at the top, then every other log.
//
//   node scripts/make-sample-workspace.mjs [TARGET]    default TARGET: .e2e/workspace
//
// Layout:
//   wasm-crun-wasmedge/dump.log, bookworm-vdso/dump.log, ...   featured cases (see `featured`),
//                                                              with the wasm case's snapshot.json
//   public/NNN-slug/dump.log or restore.log                    test/fixtures/criu-logs/public/*/log.txt
//   terminal/NAME.criu.log                                     test/fixtures/terminal/*.txt
//   local/CASE/NAME.log                                        test/fixtures/local/*/*.log
// The target folder is deleted and rebuilt on every run. Missing fixtures are skipped, so the
// workspace contains whatever test/fixtures/ contains at run time.
import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = path.join(repoRoot, 'test/fixtures');

/** Featured cases: workspace path -> fixture path relative to test/fixtures/. */
const featured = {
  'wasm-crun-wasmedge/dump.log': 'local/mapping-gap-wasm-crun-wasmedge/wasm-tick-dump.log',
  // The /proc snapshot of the same process, so that Show Mapping Gap on that log opens at once.
  'wasm-crun-wasmedge/snapshot.json': 'procfs/wasm-crun-wasmedge/snapshot.json',
  'bookworm-vdso/dump.log': 'local/bookworm-podman4-criu3-fail/bookworm-runc-dump.log',
  'bookworm-vdso/restore.log': 'local/bookworm-podman4-criu3-fail/bookworm-runc-restore-import.log',
  'preserved-fd/dump.log': 'local/mapping-gap-preserved-fd/gap-fd-dump.log',
  'trixie-crun-success/dump.log': 'local/trixie-podman5-criu4-bringup/trixie-crun-dump-tcp-filelocks.log',
};

async function exists(file) {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function listDirectories(dir) {
  if (!(await exists(dir))) {
    return [];
  }
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/**
 * Name a public report's log `restore.log` when the report is about a restore, else `dump.log`,
 * the names podman gives these files. The slug or CRIU's restore source file decides.
 */
async function publicLogName(slug, logFile) {
  if (/restore/i.test(slug)) {
    return 'restore.log';
  }
  const text = await readFile(logFile, 'utf8');
  return /cr-restore\.c|Restoring FAILED/.test(text) ? 'restore.log' : 'dump.log';
}

/** Rebuild `target` from test/fixtures/ and return the workspace-relative paths it copied. */
export async function makeSampleWorkspace(target) {
  await rm(target, { recursive: true, force: true });
  const copied = [];

  async function copy(source, relativeTarget) {
    const destination = path.join(target, relativeTarget);
    await mkdir(path.dirname(destination), { recursive: true });
    await copyFile(source, destination);
    copied.push(relativeTarget);
  }

  for (const [relativeTarget, fixture] of Object.entries(featured)) {
    const source = path.join(fixturesDir, fixture);
    if (await exists(source)) {
      await copy(source, relativeTarget);
    }
  }

  const publicDir = path.join(fixturesDir, 'criu-logs/public');
  for (const slug of await listDirectories(publicDir)) {
    const logFile = path.join(publicDir, slug, 'log.txt');
    if (await exists(logFile)) {
      await copy(logFile, path.join('public', slug, await publicLogName(slug, logFile)));
    }
  }

  // Terminal output as users paste it; the .criu.log suffix opens it as a CRIU log.
  const terminalDir = path.join(fixturesDir, 'terminal');
  if (await exists(terminalDir)) {
    for (const name of (await readdir(terminalDir)).filter((file) => file.endsWith('.txt')).sort()) {
      await copy(path.join(terminalDir, name), path.join('terminal', name.replace(/\.txt$/, '.criu.log')));
    }
  }

  const localDir = path.join(fixturesDir, 'local');
  for (const caseName of await listDirectories(localDir)) {
    const names = (await readdir(path.join(localDir, caseName))).filter((name) => name.endsWith('.log')).sort();
    for (const name of names) {
      await copy(path.join(localDir, caseName, name), path.join('local', caseName, name));
    }
  }

  return copied;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = path.resolve(process.argv[2] ?? path.join(repoRoot, '.e2e/workspace'));
  const copied = await makeSampleWorkspace(target);
  if (copied.length === 0) {
    console.error(`make-sample-workspace: no logs found under ${fixturesDir}`);
    process.exit(1);
  }
  console.log(`make-sample-workspace: ${copied.length} files in ${target}`);
}
