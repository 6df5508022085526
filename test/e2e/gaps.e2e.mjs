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
}
