// Walk through the "Mounts and Mappings" panel. Open the wasm snapshot through the palette and the
// file dialog, check the gap list and select a gap. Reload the window and check that the panel
// comes back with the same gap, mapping and mount selected. Scroll the virtualized table and put
// the panel beside the log. Last, open a snapshot whose mount point is markup and check that it
// shows as text and runs nothing.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WASM_SNAPSHOT = path.join(repoRoot, 'test/fixtures/procfs/wasm-crun-wasmedge/snapshot.json');
const CHILD_FD_SNAPSHOT = path.join(repoRoot, 'test/fixtures/procfs/child-preserved-fd/snapshot.json');
/** Panel widths at which the table's head must line up with its rows. */
const WIDTHS = [500, 1000, 1400, 1680, 2200];
const HOSTILE = '<img src=x onerror=window.__pwned=1>';

/** Returns a version 1 snapshot whose second mount point and one mapping path are HOSTILE. */
function hostileSnapshot() {
  return {
    version: 1,
    description: 'hostile mount point for the e2e walk',
    mountinfo: ['1 0 0:20 / / rw - overlay overlay rw', `2 1 0:21 / /${HOSTILE.replace(/ /g, '\\040')} rw shared:7 - tmpfs tmpfs rw`].join('\n'),
    maps: [
      '55f3893d8000-55f3893e0000 r--p 00000000 fe:00 2200394                    /',
      `7f0000000000-7f0000001000 r--p 00000000 00:15 12                         /${HOSTILE}/x.so`,
    ].join('\n'),
    mapFiles: [{ range: '55f3893d8000-55f3893e0000', mntId: 174 }],
  };
}

/** Runs a palette command by its title and answers the simple file dialog it opens with `file`. */
async function openWithDialog(workbench, title, file) {
  const { page } = workbench;
  const input = page.locator('.quick-input-widget input').first();
  await workbench.closeQuickInput();
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: title }).first();
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`command "${title}" not in the palette`);
      await workbench.closeQuickInput();
    }
  }
  await row.click();
  // The simple file dialog reuses the quick input; its value starts with a folder path.
  await page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value.startsWith('/'), null, { timeout: 10_000 });
  // The dialog fills in its start folder after it opens and lists it, which can overwrite a value
  // typed too early; so type once the listing shows, and again until the value sticks.
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: '..' }).first().waitFor({ timeout: 10_000 });
  for (let attempt = 0; ; attempt++) {
    await input.fill(file);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: path.basename(file) }).first().waitFor({ timeout: 10_000 });
    if ((await input.inputValue()) === file) break;
    if (attempt === 3) throw new Error(`the file dialog shows ${await input.inputValue()} instead of ${file}`);
  }
  await page.locator('.quick-input-widget .monaco-button', { hasText: 'Open Snapshot' }).click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

function webview(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Returns what the panel shows: header, selected gap, selected mapping row and selected mount. */
async function panelContent(frame) {
  const selectedGap = frame.locator('.gap-list .gap[aria-selected="true"]');
  await selectedGap.waitFor({ timeout: 20_000 });
  const selectedRow = frame.locator('.rows .row[aria-selected="true"] .col-range');
  await selectedRow.waitFor({ timeout: 5_000 });
  const mount = frame.locator('vscode-tree-item[aria-selected="true"]');
  return {
    header: (await frame.locator('.panel-header dl').textContent()).replace(/\s+/g, ' ').trim(),
    gapIndex: await selectedGap.getAttribute('data-gap-index'),
    gapTitle: await selectedGap.locator('.gap-title').textContent(),
    mapping: await selectedRow.textContent(),
    mount: (await mount.count()) === 1 ? await mount.getAttribute('data-key') : `${await mount.count()} selected mounts`,
  };
}

export default async function walk({ workbench, step }) {
  const { page } = workbench;
  const frame = webview(page);

  const opened = await step('open wasm snapshot from the palette', async () => {
    await openWithDialog(workbench, 'Show Mounts and Mappings from Snapshot', WASM_SNAPSHOT);
    await page.locator('.tab', { hasText: 'Mounts and Mappings: snapshot.json' }).waitFor({ timeout: 15_000 });
    await frame.locator('.gap-list .gap').first().waitFor({ timeout: 20_000 });
    return 'panel open';
  });
  if (!opened) return;

  await step('gap list names detached mount 174 and crun', async () => {
    const first = frame.locator('.gap-list .gap').first();
    const title = await first.locator('.gap-title').textContent();
    const owner = await first.locator('.gap-owner').textContent();
    if (!title.includes('mount 174') || !title.includes('detached')) throw new Error(`first gap title: ${title}`);
    if (!owner.includes("runtime's own binary") || !owner.includes("crun's wasmedge handler")) throw new Error(`first gap owner: ${owner}`);
    const verdict = await frame.locator('.panel-header .verdict').textContent();
    if (!verdict.startsWith('Dump failed')) throw new Error(`log verdict: ${verdict}`);
    await workbench.screenshot('panel');
    return title;
  });

  await step('clicking the gap selects mapping and mount', async () => {
    await frame.locator('.gap-list .gap .gap-title').first().click();
    const selected = frame.locator('.rows .row[aria-selected="true"]');
    await selected.waitFor({ timeout: 5_000 });
    const text = await selected.locator('.col-range').textContent();
    if (text !== '55f3893d8000-55f3893e0000') throw new Error(`selected mapping: ${text}`);
    const mount = frame.locator('vscode-tree-item[data-key="outside:174"]');
    if ((await mount.getAttribute('aria-selected')) !== 'true') throw new Error('mount 174 is not selected in the tree');
    await workbench.screenshot('gap-selected');
    return text;
  });

  await step('panel comes back after Reload Window', async () => {
    // The second gap, so that a restore which drops the webview state and selects nothing fails.
    await frame.locator('.gap-list .gap .gap-title').nth(1).click();
    const before = await panelContent(frame);
    if (before.gapIndex !== '1') throw new Error(`selected gap before the reload: ${before.gapIndex}`);
    if (before.mount !== 'runtime:128') throw new Error(`selected mount before the reload: ${before.mount}`);

    const loaded = page.waitForEvent('load', { timeout: 60_000 });
    await workbench.runCommand('Developer: Reload Window');
    await loaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page.locator('.tab', { hasText: 'Mounts and Mappings: snapshot.json' }).waitFor({ timeout: 30_000 });
    const after = await panelContent(frame);
    for (const field of Object.keys(before)) {
      if (after[field] !== before[field]) throw new Error(`${field} after the reload is ${JSON.stringify(after[field])}, before it was ${JSON.stringify(before[field])}`);
    }
    await workbench.screenshot('restored');
    return after;
  });

  await step('table scrolls and renders only visible rows', async () => {
    const viewport = frame.locator('.viewport');
    await viewport.hover();
    await page.mouse.wheel(0, 2000);
    // After scrolling, the first row in the DOM is far below the first mapping.
    await frame.locator('.rows').evaluate((rows) => new Promise((resolve, reject) => {
      const deadline = Date.now() + 5_000;
      const check = () => {
        if (Number(rows.firstElementChild?.getAttribute('aria-rowindex')) > 20) resolve(undefined);
        else if (Date.now() > deadline) reject(new Error(`first rendered row is still ${rows.firstElementChild?.getAttribute('aria-rowindex')}`));
        else requestAnimationFrame(check);
      };
      check();
    }));
    await viewport.focus();
    await page.keyboard.press('End');
    const last = frame.locator('.rows .row[aria-selected="true"] .col-path');
    await last.waitFor({ timeout: 5_000 });
    const path = await last.textContent();
    if (path !== '[vsyscall]') throw new Error(`last row path: ${path}`);
    const rendered = await frame.locator('.rows .row').count();
    const total = Number(await frame.locator('.table').getAttribute('aria-rowcount')) - 1;
    if (rendered >= total) throw new Error(`rendered ${rendered} of ${total} rows: not virtualized`);
    await workbench.screenshot('table-end');
    return `${rendered} of ${total} rows in the DOM`;
  });

  await step('show in log opens line 338', async () => {
    await frame.locator('.gap-list .gap').first().locator('.show-in-log').click();
    await page.locator('.tab.active', { hasText: 'dump.log' }).waitFor({ timeout: 10_000 });
    const status = await page.locator('.statusbar-item', { hasText: /Ln 338,/ }).first().textContent({ timeout: 10_000 });
    return status.trim();
  });

  await step('panel beside the log keeps gaps and table in view', async () => {
    await page.locator('.tab', { hasText: 'Mounts and Mappings: snapshot.json' }).click();
    // The panel reloads its page when it comes to the front. A key pressed before that page
    // forwards keys to the workbench is lost, so the step waits for the gap list first.
    await frame.locator('.gap-list .gap').first().waitFor({ timeout: 20_000 });
    await workbench.runCommand('View: Move Editor into Right Group');
    await page.locator('.tab.active', { hasText: 'Mounts and Mappings: snapshot.json' }).waitFor({ timeout: 10_000 });
    await frame.locator('.gap-list .gap').first().waitFor({ timeout: 20_000 });
    const layout = await frame.locator('body').evaluate(() => {
      const bottom = (selector) => document.querySelector(selector)?.getBoundingClientRect().bottom ?? -1;
      const top = (selector) => document.querySelector(selector)?.getBoundingClientRect().top ?? -1;
      return { width: window.innerWidth, height: window.innerHeight, gapsTop: top('.gap-list'), tableTop: top('.viewport'), tableBottom: bottom('.viewport'), treeOpen: !document.querySelector('.mounts-body').hidden };
    });
    if (layout.width > 800) throw new Error(`the panel is ${layout.width}px wide, not narrow`);
    if (layout.gapsTop < 0 || layout.gapsTop > layout.height / 2) throw new Error(`the gap list starts at ${layout.gapsTop}px of ${layout.height}px`);
    // At least a few rows of the table must be above the fold.
    if (layout.tableTop + 100 > layout.height) throw new Error(`the table starts at ${layout.tableTop}px of ${layout.height}px`);
    if (layout.treeOpen) throw new Error('the mount tree is open in a narrow panel');
    await workbench.screenshot('beside-log');
    return layout;
  });

  await step('hostile mount point shows as text', async () => {
    await workbench.runCommand('View: Close All Editors');
    const folder = await mkdtemp(path.join(tmpdir(), 'gaps-e2e-'));
    const file = path.join(folder, 'hostile.json');
    await writeFile(file, JSON.stringify(hostileSnapshot()));
    await openWithDialog(workbench, 'Show Mounts and Mappings from Snapshot', file);
    await page.locator('.tab', { hasText: 'Mounts and Mappings: hostile.json' }).waitFor({ timeout: 15_000 });

    // The tree starts closed when the panel opens narrower than 1000px, which depends on how fast
    // the editor groups of the previous step close, so open it when it is closed.
    const treeToggle = frame.locator('#mounts-heading');
    await treeToggle.waitFor({ timeout: 20_000 });
    if ((await treeToggle.getAttribute('aria-expanded')) !== 'true') await treeToggle.click();
    const mountPoint = frame.locator('vscode-tree-item[data-key="container:2"] > .mount-point');
    await mountPoint.waitFor({ timeout: 20_000 });
    const text = await mountPoint.textContent();
    if (text !== `/${HOSTILE}`) throw new Error(`mount point text: ${text}`);
    const images = await frame.locator('img').count();
    if (images !== 0) throw new Error(`${images} img elements in the webview`);
    const pwned = await frame.locator('body').evaluate(() => window.__pwned);
    if (pwned !== undefined) throw new Error(`window.__pwned is ${pwned}`);
    const pathCell = frame.locator('.rows .row .cell', { hasText: HOSTILE }).first();
    await pathCell.waitFor({ timeout: 5_000 });
    await workbench.screenshot('hostile');
    return text;
  });

  await step('newline and tab in a path stay in one row', async () => {
    await workbench.runCommand('View: Close All Editors');
    const folder = await mkdtemp(path.join(tmpdir(), 'gaps-e2e-'));
    const file = path.join(folder, 'newline.json');
    const snapshot = {
      version: 1,
      mountinfo: ['1 0 0:20 / / rw - overlay overlay rw', '2 1 0:21 / /tab\\011here rw - tmpfs tmpfs rw'].join('\n'),
      // maps escapes only a newline (as \012); a tab is printed as it is.
      maps: ['7fc000005000-7fc000006000 r--p 00000000 00:14 15 /nl\\012FAKE\tx', '7fc000006000-7fc000007000 r--p 00000000 00:14 16 /after'].join('\n'),
    };
    await writeFile(file, JSON.stringify(snapshot));
    await openWithDialog(workbench, 'Show Mounts and Mappings from Snapshot', file);
    await page.locator('.tab', { hasText: 'Mounts and Mappings: newline.json' }).waitFor({ timeout: 15_000 });
    await frame.locator('.rows .row').first().waitFor({ timeout: 20_000 });
    const paths = await frame.locator('.rows .row .col-path').allTextContents();
    if (JSON.stringify(paths) !== JSON.stringify(['/nl\\nFAKE\\tx', '/after'])) throw new Error(`path cells: ${JSON.stringify(paths)}`);
    const mountPoint = await frame.locator('vscode-tree-item[data-key="container:2"] > .mount-point').textContent();
    if (mountPoint !== '/tab\\there') throw new Error(`mount point: ${mountPoint}`);
    await workbench.screenshot('newline-path');
    return { paths, mountPoint };
  });

  await step('two-process snapshot shows the child gap', async () => {
    await workbench.runCommand('View: Close All Editors');
    await openWithDialog(workbench, 'Show Mounts and Mappings from Snapshot', CHILD_FD_SNAPSHOT);
    await page.locator('.tab', { hasText: 'Mounts and Mappings: snapshot.json' }).waitFor({ timeout: 15_000 });
    const heading = frame.locator('#gaps-heading');
    await heading.waitFor({ timeout: 20_000 });
    const headingText = await heading.textContent();
    if (headingText !== 'Gaps (1) in 1 of 2 processes') throw new Error(`gap heading: ${headingText}`);
    const pid = await frame.locator('.gap-list .gap .gap-pid').first().textContent();
    if (pid !== 'pid 5861') throw new Error(`gap pid: ${pid}`);
    const header = (await frame.locator('.panel-header dl').textContent()).replace(/\s+/g, ' ');
    if (!header.includes('Processes2 read: pid 5847 (no gaps), pid 5861 (1 gap)')) throw new Error(`header: ${header}`);

    // The selector shows one process's rows; clicking the child's gap brings the child back.
    const select = frame.locator('.process-select select');
    const all = Number(await frame.locator('.table').getAttribute('aria-rowcount'));
    await select.selectOption('0');
    const first = Number(await frame.locator('.table').getAttribute('aria-rowcount'));
    if (!(first > 1 && first < all)) throw new Error(`rows of pid 5847: ${first - 1} of ${all - 1}`);
    const pids = new Set(await frame.locator('.rows .row .col-pid').allTextContents());
    if (pids.size !== 1 || !pids.has('5847')) throw new Error(`PID cells for pid 5847: ${[...pids].join(', ')}`);
    await workbench.screenshot('two-processes');
    return { headingText, all: all - 1, first: first - 1 };
  });

  await step('table head lines up with its rows', async () => {
    await workbench.runCommand('View: Close All Editors');
    await openWithDialog(workbench, 'Show Mounts and Mappings from Snapshot', WASM_SNAPSHOT);
    await frame.locator('.rows .row').first().waitFor({ timeout: 20_000 });
    const original = page.viewportSize();
    const results = {};
    try {
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 1050 });
        await frame.locator('.rows .row').first().waitFor({ timeout: 10_000 });
        // Two frames, so that the container queries and the ResizeObserver have run.
        await frame.locator('body').evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        const geometry = await frame.locator('body').evaluate(() => {
          const boxes = (row) => [...row.querySelectorAll('.cell')].filter((cell) => cell.getBoundingClientRect().width > 0).map((cell) => cell.getBoundingClientRect());
          const head = boxes(document.querySelector('.row.head'));
          const row = boxes(document.querySelector('.rows .row'));
          return { innerWidth: window.innerWidth, head: head.map((box) => [box.left, box.right]), row: row.map((box) => [box.left, box.right]) };
        });
        if (geometry.head.length !== geometry.row.length) throw new Error(`${width}px: ${geometry.head.length} head cells, ${geometry.row.length} row cells`);
        geometry.head.forEach(([left, right], column) => {
          const [rowLeft, rowRight] = geometry.row[column];
          if (Math.abs(left - rowLeft) > 1 || Math.abs(right - rowRight) > 1) throw new Error(`${width}px: column ${column} head spans ${left}-${right}, row ${rowLeft}-${rowRight}`);
          // A panel narrower than the address range column (about 220px at 500px) clips it.
          if (width >= 1000 && right > geometry.innerWidth + 1) throw new Error(`${width}px: column ${column} ends at ${right}, beyond the panel's ${geometry.innerWidth}px`);
        });
        await workbench.screenshot(`table-${width}`);
        results[width] = `${geometry.head.length} columns in ${geometry.innerWidth}px`;
      }
    } finally {
      if (original) await page.setViewportSize(original);
    }
    return results;
  });
}
