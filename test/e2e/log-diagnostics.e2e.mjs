// Walk: open the wasm sample's dump.log (CRIU 4 on crun + WasmEdge, `Can't lookup mount=...`)
// and check what the extension shows for it: language, squiggle, Problems entry, hover, CodeLens.
//
// A walk exports a default async function that receives `{ workbench, step }` (see
// test/e2e/workbench.mjs) on a freshly loaded workbench with the sample workspace open.
// Each `step` prints PASS or FAIL and is counted by scripts/run-e2e.mjs.

/** Workspace path of the log, as made by scripts/make-sample-workspace.mjs. */
const wasmDumpLog = 'wasm-crun-wasmedge/dump.log';

/** 1-based line of the root cause `Can't lookup mount=174 for fd=-3 path=/` in that log. */
const rootCauseLine = 338;

function expect(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

export default async function walk({ workbench, step }) {
  const { page } = workbench;

  const opened = await step('open wasm dump.log from the explorer', async () => {
    await workbench.openFromExplorer(wasmDumpLog);
    const language = await workbench.editorLanguage();
    await workbench.screenshot('01-dump-log');
    expect(language === 'CRIU Log', `status bar language is "${language}", expected "CRIU Log"`);
    return { language };
  });
  if (!opened) {
    return;
  }

  await step('show the verdict CodeLens on line 1', async () => {
    const lens = page.locator('.editor-instance .codelens-decoration', { hasText: 'Dump failed:' }).first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await lens.innerText()).trim();
    await workbench.screenshot('02-codelens');
    expect(/Dump failed: .+/.test(text), `CodeLens text "${text}"`);
    return { text };
  });

  await step('list the root cause in Problems', async () => {
    await workbench.openProblems();
    const rows = await workbench.problems();
    await workbench.screenshot('03-problems');
    const row = rows.find((text) => text.includes('mount-lookup'));
    expect(row, `no Problems row names a mount-lookup code: ${JSON.stringify(rows)}`);
    expect(row.includes('Checkpoint Lens'), `row lacks the source: ${row}`);
    expect(row.includes(`Ln ${rootCauseLine}`), `row is not on line ${rootCauseLine}: ${row}`);
    return { row };
  });

  await step(`squiggle the error on line ${rootCauseLine}`, async () => {
    await workbench.goToLine(rootCauseLine);
    const count = await workbench.errorSquiggleCount();
    await workbench.screenshot('04-squiggle');
    // The log has one error diagnostic, so any error squiggle in view is on the root-cause line.
    expect(count >= 1, 'no error squiggle rendered');
    const status = await page.locator('.statusbar-item#status\\.editor\\.selection').innerText();
    expect(status.includes(`Ln ${rootCauseLine}`), `cursor is not on line ${rootCauseLine}: ${status}`);
    return { count };
  });

  await step('explain fd=-3 in the hover', async () => {
    await workbench.hoverAt(rootCauseLine, 60);
    // The diagnostic's part of the hover renders first; wait for the extension's part.
    const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content', { hasText: 'Root cause:' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    const text = (await hover.innerText()).trim();
    await workbench.screenshot('05-hover');
    expect(text.includes('fd=-3'), `hover lacks fd=-3: ${text.slice(0, 600)}`);
    expect(/memory mapping/i.test(text), `hover does not explain a memory mapping: ${text.slice(0, 600)}`);
    expect(text.includes('files-reg.c:1790'), `hover lacks the CRIU source link: ${text.slice(0, 600)}`);
    return { characters: text.length };
  });

  await step('open the explanation from the Problems code link', async () => {
    await workbench.openProblems();
    const link = page.locator('.markers-panel .monaco-list-row').getByText(/^mount-lookup\./).first();
    await link.waitFor({ state: 'visible', timeout: 15_000 });
    await link.click();
    const tab = page.locator('.tabs-container .tab.active', { hasText: /mount-lookup.*\.md/ });
    await tab.waitFor({ timeout: 15_000 });
    const firstLine = page.locator('.editor-instance .view-lines .view-line', { hasText: /^#\s/ }).first();
    await firstLine.waitFor({ timeout: 15_000 });
    await workbench.screenshot('06-explanation');
    const heading = (await firstLine.innerText()).trim();
    expect(!heading.includes('not available'), `explanation missing: ${heading}`);
    expect(/mount/i.test(heading), `explanation heading does not name the mount: ${heading}`);
    return { tab: (await tab.innerText()).trim(), heading };
  });
}
