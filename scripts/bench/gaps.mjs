// Mount and mapping benchmarks of `npm run bench`:
//
// - Analysis: analyzeGaps on a generated snapshot with BENCH_MOUNTS (default 10,000) mounts and
//   BENCH_MAPPINGS (default 100,000) maps lines, against `findmnt --tree -F FILE` on the same
//   mountinfo (util-linux; skipped with a reason when it is missing). Both run BENCH_RUNS times
//   (default 5) and the medians are compared. The analysis runs in a child process, so its peak
//   RSS (process.resourceUsage().maxRSS) is its own and not that of earlier benchmarks.
// - First paint: when /usr/bin/chromium (or CHROMIUM) and playwright-core exist, the webview
//   bundle dist/webview.js in headless Chromium, from posting the `view` message with all mapping
//   rows to the first frame that shows a table row. The page comes from a server on 127.0.0.1
//   that this script starts and stops.
//
// The mountinfo and maps lines are built from the real files in test/fixtures/procfs/ with a
// seeded generator, so every run measures the same input. Run alone with
// `node scripts/bench/gaps.mjs` after `npm run build`; `npm run bench` calls it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CHROMIUM_FLAGS, chromiumPath } from '../lib/vscode-server.mjs';
import { median } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'procfs');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const mountCount = Number(process.env.BENCH_MOUNTS ?? 10_000);
const mappingCount = Number(process.env.BENCH_MAPPINGS ?? 100_000);
const workDir = process.env.BENCH_DIR ?? join(tmpdir(), 'checkpoint-lens-bench');
/** Returns a deterministic generator of floats in [0, 1) (mulberry32). */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function fixtureLines(pattern) {
  const lines = [];
  for (const folder of ['gap-fd', 'gap-map', 'gap-map-runc', 'wasm-crun-wasmedge', 'docker-ghost-067']) {
    for (const name of ['mountinfo.txt', 'conmon-mountinfo.txt', 'host-mountinfo.txt', 'maps.txt']) {
      if (!pattern.test(name) || !existsSync(join(fixtures, folder, name))) continue;
      lines.push(...readFileSync(join(fixtures, folder, name), 'utf8').split('\n').filter(Boolean));
    }
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Generated input

/** Returns the optional fields of a generated mountinfo line, with a leading space, or ''. */
function optionalFields(roll, index) {
  const group = 1 + (index % 97);
  if (roll < 0.15) return ` shared:${group}`;
  if (roll < 0.25) return ` master:${group}`;
  if (roll < 0.3) return ` master:${group} propagate_from:${2 + (index % 89)}`;
  if (roll < 0.33) return ' unbindable';
  return '';
}

/**
 * Builds a mountinfo of `count` mounts. Device, root, options, fstype and source of each line come
 * from a real fixture line. Ids are unique, every parent precedes its child, and about one mount in
 * 20 has a mount point with an octal escape (`\040` space, `\011` tab, `\134` backslash). Optional
 * fields (`shared:N`, `master:N`, `propagate_from:N`, `unbindable`) are added to about a third.
 */
function generateMountinfo(count, random) {
  const templates = fixtureLines(/mountinfo/).map((line) => {
    const fields = line.split(' ');
    const separator = fields.indexOf('-');
    return { device: fields[2], root: fields[3], options: fields[5], tail: fields.slice(separator + 1).join(' ') };
  });
  const escapes = ['\\040', '\\011', '\\134'];
  const firstId = 1000;
  const mounts = [{ id: firstId, mountPoint: '/' }];
  // The root's parent is outside the file, as in a container's own mountinfo.
  const lines = [`${firstId} 900 0:93 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/containers/storage/overlay/l/BENCH,upperdir=/var/lib/containers/storage/overlay/bench/diff,workdir=/var/lib/containers/storage/overlay/bench/work`];
  for (let index = 1; index < count; index++) {
    const template = templates[Math.floor(random() * templates.length)];
    // Most parents are recent mounts, so the tree gets deep as well as wide.
    const parent = mounts[random() < 0.7 ? Math.max(0, mounts.length - 1 - Math.floor(random() * 50)) : Math.floor(random() * mounts.length)];
    const escape = random() < 0.05 ? escapes[Math.floor(random() * escapes.length)] : '';
    const name = `m${index}${escape ? `${escape}x` : ''}`;
    const mountPoint = parent.mountPoint === '/' ? `/${name}` : `${parent.mountPoint}/${name}`;
    const id = firstId + index;
    const optional = optionalFields(random(), index);
    mounts.push({ id, mountPoint });
    lines.push(`${id} ${parent.id} ${template.device} ${template.root} ${mountPoint} ${template.options}${optional} - ${template.tail}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Builds a maps file of `count` lines in address order: libraries of five lines each (r--p, r-xp,
 * r--p, r--p, rw-p), anonymous memory, `[heap]`, `[anon:…]`, memfd and deleted files, paths with
 * spaces, and `[stack]`, `[vvar]`, `[vdso]` and `[vsyscall]` at the end. Files are on the root's
 * overlay (device 00:5d, 0:93) except one library in 100, which is on fe:00, a mount that only the
 * runtime side has, so the report has gaps.
 */
function generateMaps(count, random) {
  const realPaths = [...new Set(fixtureLines(/^maps/).map((line) => line.split(/ +/)[5]).filter((path) => path?.startsWith('/usr/')))];
  const libraries = Array.from({ length: 1000 }, (_, index) => {
    const base = realPaths[index % realPaths.length];
    const path = index % 10 === 3 ? `/opt/Bench App/lib ${index}/libapp.so` : `${base}.${index}`;
    return { path, inode: String(3_000_000 + index), device: index % 100 === 7 ? 'fe:00' : '00:5d' };
  });
  const lines = [];
  let address = 0x55f3893d8000n;
  const line = (pages, perms, offset, device, inode, path) => {
    const start = address;
    address += BigInt(pages) * 0x1000n;
    const text = `${start.toString(16)}-${address.toString(16)} ${perms} ${offset.toString(16).padStart(8, '0')} ${device} ${inode}`;
    lines.push(path ? `${text.padEnd(73)}${path}` : `${text} `);
  };
  line(8, 'r--p', 0, '00:5d', '2200394', '/usr/bin/bench');
  line(112, 'r-xp', 0x8000, '00:5d', '2200394', '/usr/bin/bench');
  line(33, 'rw-p', 0, '00:00', '0', '[heap]');
  address = 0x7f0000000000n;
  const tail = 4;
  let libraryIndex = 0;
  while (lines.length < count - tail) {
    const roll = random();
    if (roll < 0.6 && lines.length + 5 <= count - tail) {
      const library = libraries[libraryIndex++ % libraries.length];
      let offset = 0;
      for (const [perms, pages] of [['r--p', 40], ['r-xp', 300], ['r--p', 90], ['r--p', 9], ['rw-p', 2]]) {
        line(pages, perms, offset, library.device, library.inode, library.path);
        offset += pages * 0x1000;
      }
    } else if (roll < 0.9) {
      line(1 + Math.floor(random() * 64), random() < 0.2 ? '---p' : 'rw-p', 0, '00:00', '0', '');
    } else if (roll < 0.93) {
      line(16, 'rw-p', 0, '00:00', '0', '[anon:bench arena]');
    } else if (roll < 0.96) {
      line(4, 'rw-s', 0, '00:01', String(4000 + lines.length), '/memfd:bench-jit (deleted)');
    } else if (roll < 0.98) {
      line(8, 'rw-s', 0, '00:01', String(5000 + lines.length), '/dev/zero (deleted)');
    } else {
      line(2, 'r--p', 0, '00:5d', String(6_000_000 + lines.length), `/tmp/spill ${lines.length}.bin (deleted)`);
    }
  }
  address = 0x7ffc4a000000n;
  line(33, 'rw-p', 0, '00:00', '0', '[stack]');
  line(4, 'r--p', 0, '00:00', '0', '[vvar]');
  line(2, 'r-xp', 0, '00:00', '0', '[vdso]');
  lines.push('ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]');
  return `${lines.join('\n')}\n`;
}

/** Writes the generated files and a snapshot JSON that contains them. Returns their paths. */
function generateInput() {
  const directory = join(workDir, `gaps-${mountCount}-${mappingCount}`);
  mkdirSync(directory, { recursive: true });
  const random = seededRandom(20261204);
  const mountinfo = generateMountinfo(mountCount, random);
  const maps = generateMaps(mappingCount, random);
  const wasm = join(fixtures, 'wasm-crun-wasmedge');
  const snapshot = {
    version: 1,
    description: `generated by scripts/bench/gaps.mjs: ${mountCount} mounts, ${mappingCount} maps lines`,
    pid: 4242,
    mountinfo,
    maps,
    runtimeMountinfo: readFileSync(join(wasm, 'conmon-mountinfo.txt'), 'utf8'),
    hostMountinfo: readFileSync(join(wasm, 'host-mountinfo.txt'), 'utf8'),
  };
  const paths = { mountinfo: join(directory, 'mountinfo.txt'), maps: join(directory, 'maps.txt'), snapshot: join(directory, 'snapshot.json') };
  writeFileSync(paths.mountinfo, mountinfo);
  writeFileSync(paths.maps, maps);
  writeFileSync(paths.snapshot, JSON.stringify(snapshot));
  return paths;
}

// ---------------------------------------------------------------------------------------------
// Analysis, in a child process started with --analysis SNAPSHOT

async function loadModel() {
  // The sources are CommonJS TypeScript, which tsx's ESM import fails on under Node 20.
  const { require: tsxRequire } = await import('tsx/cjs/api');
  const load = (file) => tsxRequire(join(root, file), import.meta.url);
  return { ...load('src/model/procfs/analyzeGaps.ts'), ...load('src/model/procfs/snapshot.ts'), ...load('webview/viewModel.ts') };
}

/** Times analyzeGaps BENCH_RUNS times and prints the figures as one JSON line. */
async function measureAnalysis(snapshotPath, viewPath) {
  const model = await loadModel();
  const snapshot = model.readSnapshot(readFileSync(snapshotPath, 'utf8'), snapshotPath);
  const rssBeforeKiB = process.resourceUsage().maxRSS;
  const times = [];
  let report;
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    report = model.analyzeGaps(snapshot);
    times.push(performance.now() - started);
  }
  const peakRssKiB = process.resourceUsage().maxRSS;
  const view = model.buildGapView(snapshot, report, { source: 'snapshot.json (generated)' });
  writeFileSync(viewPath, JSON.stringify(view));
  const counts = { mounts: report.mounts.length, mappings: report.mappings.length, gaps: report.gaps.length, issues: report.issues.length, viewMappings: view.mappings.length };
  process.stdout.write(`${JSON.stringify({ times, rssBeforeKiB, peakRssKiB, counts, firstIssue: report.issues[0] ?? null })}\n`);
}

function benchFindmnt(mountinfoPath) {
  const probe = spawnSync('findmnt', ['--version'], { encoding: 'utf8' });
  if (probe.error) return { skip: `findmnt not found (${probe.error.code}); install util-linux` };
  const times = [];
  let outputLines = 0;
  for (let index = 0; index < runs; index++) {
    const started = process.hrtime.bigint();
    const result = spawnSync('findmnt', ['--tree', '-F', mountinfoPath], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) return { skip: `findmnt --tree -F ${mountinfoPath} exited ${result.status}: ${result.stderr.trim()}` };
    outputLines = result.stdout.split('\n').filter(Boolean).length;
  }
  return { version: probe.stdout.trim(), milliseconds: median(times), outputLines };
}

// ---------------------------------------------------------------------------------------------
// First paint in headless Chromium

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="UTF-8"><link rel="stylesheet" href="/gaps.css"><title>Mounts and Mappings</title></head>
<body>
<main id="app" aria-busy="true">Loading…</main>
<script type="module">
// The view is fetched before the webview script loads, so the timing covers only posting the
// message, rendering and painting. The stub replaces the API that VS Code injects.
let postedAt = 0;
window.benchPaint = new Promise((resolve, reject) => {
  const observer = new MutationObserver(() => {
    if (!document.querySelector('.mappings .rows .row')) return;
    observer.disconnect();
    // The rAF callback runs before the frame that contains the rows is painted, and the task
    // queued from it runs after that frame.
    requestAnimationFrame(() => setTimeout(() => resolve({ firstRowMs: performance.now() - postedAt, rows: document.querySelectorAll('.mappings .rows .row').length }), 0));
  });
  observer.observe(document.getElementById('app'), { childList: true, subtree: true });
  setTimeout(() => reject(new Error('no mapping row within 60 s')), 60_000);
});
const view = await (await fetch('/view.json')).json();
window.acquireVsCodeApi = () => ({
  postMessage(message) {
    if (message.type !== 'getView') return;
    postedAt = performance.now();
    window.postMessage({ type: 'view', requestId: message.id, view, source: { kind: 'snapshot', snapshot: 'snapshot.json' }, focusLogLine: null }, '*');
  },
  getState: () => undefined,
  setState: () => undefined,
});
await import('/webview.js');
</script>
</body>
</html>`;

/** Serves the page, the bundle, the stylesheet and the view on 127.0.0.1 at a free port. */
async function startServer(viewPath) {
  const files = {
    '/': ['text/html', Buffer.from(PAGE)],
    '/webview.js': ['text/javascript', readFileSync(join(root, 'dist', 'webview.js'))],
    '/gaps.css': ['text/css', readFileSync(join(root, 'media', 'gaps.css'))],
    '/view.json': ['application/json', readFileSync(viewPath)],
  };
  const server = createServer((request, response) => {
    const file = files[new URL(request.url, 'http://127.0.0.1').pathname];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1]);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}

async function benchFirstPaint(viewPath) {
  if (!existsSync(chromiumPath)) return { skip: `Chromium not found at ${chromiumPath}; install it (Debian: apt-get install chromium) or set CHROMIUM` };
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    return { skip: `playwright-core cannot be loaded (${error.code ?? error.message}); run npm install` };
  }
  if (!existsSync(join(root, 'dist', 'webview.js'))) return { skip: 'dist/webview.js not found; run npm run build' };

  // The panel posts the mapping rows packed into one string (packGapView), so the page does too.
  const { packGapView } = await loadModel();
  const packedPath = viewPath.replace(/\.json$/, '-packed.json');
  writeFileSync(packedPath, JSON.stringify(packGapView(JSON.parse(readFileSync(viewPath, 'utf8')))));
  const server = await startServer(packedPath);
  const profile = mkdtempSync(join(tmpdir(), 'checkpoint-lens-bench-chromium-'));
  let context;
  try {
    // Playwright passes --headless itself.
    context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, viewport: { width: 1400, height: 900 }, args: CHROMIUM_FLAGS });
    const url = `http://127.0.0.1:${server.address().port}/`;
    const times = [];
    let rows = 0;
    for (let index = 0; index < runs; index++) {
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => window.benchPaint !== undefined);
      const paint = await page.evaluate(() => window.benchPaint);
      times.push(paint.firstRowMs);
      rows = paint.rows;
      await page.close();
    }
    return { version: context.browser()?.version() ?? (await context.pages()[0]?.evaluate(() => navigator.userAgent)), milliseconds: median(times), first: times[0], rows };
  } finally {
    await context?.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(profile, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

function runAnalysisChild(snapshotPath, viewPath) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--analysis', snapshotPath, viewPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`the analysis child exited ${code}`))));
  });
}

/** Runs the mount and mapping benchmarks and prints them. Returns the figures. */
export async function benchGaps() {
  const paths = generateInput();
  const viewPath = join(dirname(paths.snapshot), 'view.json');
  const analysis = await runAnalysisChild(paths.snapshot, viewPath);
  if (analysis.counts.issues > 0) throw new Error(`the generated input has ${analysis.counts.issues} unparsed lines, first: ${JSON.stringify(analysis.firstIssue)}`);
  if (analysis.counts.mappings !== mappingCount) throw new Error(`the report has ${analysis.counts.mappings} mappings, expected ${mappingCount}`);
  const analysisMs = median(analysis.times);
  const findmnt = benchFindmnt(paths.mountinfo);

  console.log(`\nMounts and mappings: ${mountCount} mounts, ${mappingCount} maps lines (${analysis.counts.mounts} mounts with the runtime and host tables, ${analysis.counts.gaps} gaps), median of ${runs} runs`);
  console.log(`  analyzeGaps (target <= 100 ms):          ${analysisMs.toFixed(0)} ms  (first run ${analysis.times[0].toFixed(0)} ms)`);
  console.log(`  peak RSS of the analysis process:        ${(analysis.peakRssKiB / 1024).toFixed(1)} MiB  (${(analysis.rssBeforeKiB / 1024).toFixed(1)} MiB before the first analysis)`);
  if (findmnt.skip) {
    console.log(`  findmnt skipped: ${findmnt.skip}`);
  } else {
    console.log(`  findmnt --tree -F (${findmnt.version}):  ${findmnt.milliseconds.toFixed(0)} ms  (${findmnt.outputLines} lines printed)`);
    console.log(`  ratio, analyzeGaps / findmnt:            ${(analysisMs / findmnt.milliseconds).toFixed(2)}`);
  }

  const paint = await benchFirstPaint(viewPath);
  if (paint.skip) {
    console.log(`  webview first paint skipped: ${paint.skip}`);
  } else {
    console.log(`  webview first paint, ${analysis.counts.viewMappings} rows (target <= 500 ms): ${paint.milliseconds.toFixed(0)} ms  (first load ${paint.first.toFixed(0)} ms, ${paint.rows} rows in the DOM, Chromium ${paint.version})`);
  }
  return { analysisMs, analysisTimes: analysis.times, peakRssKiB: analysis.peakRssKiB, findmnt, paint };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === '--analysis') await measureAnalysis(process.argv[3], process.argv[4]);
  else await benchGaps();
}
