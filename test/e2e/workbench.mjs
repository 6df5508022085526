// Helpers that drive the VS Code workbench served by code-server through Playwright, for the
// walks in test/e2e/*.e2e.mjs. Selectors are those of the VS Code 1.139 workbench DOM
// (code-server 4.139.1); each helper waits for the element it needs instead of sleeping.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

const quickInput = '.quick-input-widget';

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Workbench {
  /**
   * @param {import('playwright-core').Page} page
   * @param {{ screenshotDir: string, prefix: string }} options
   *   Screenshots are saved as `<screenshotDir>/<prefix>-<name>.png`.
   */
  constructor(page, { screenshotDir, prefix }) {
    this.page = page;
    this.screenshotDir = screenshotDir;
    this.prefix = prefix;
  }

  /** Load the workbench at `url` and wait until the explorer lists the workspace. */
  async open(url, { timeoutMs = 90_000 } = {}) {
    await this.page.goto(url, { waitUntil: 'domcontentloaded' });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: timeoutMs });
  }

  /** Save a PNG of the whole page and return its path. */
  async screenshot(name) {
    await mkdir(this.screenshotDir, { recursive: true });
    const file = path.join(this.screenshotDir, `${this.prefix}-${name.replace(/[^a-z0-9.-]+/gi, '_')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Close any quick input (palette, Quick Open, Go to Line) that is open. */
  async closeQuickInput() {
    const widget = this.page.locator(quickInput);
    if (await widget.isVisible()) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden', timeout: 5_000 });
    }
  }

  /**
   * Run a command from the command palette (F1) by its label, for example
   * `View: Toggle Problems`. A command contributed by an extension appears only after the
   * extension host has registered it, so this reopens the palette until the label is listed
   * or `timeoutMs` passes.
   */
  async runCommand(label, { timeoutMs = 30_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    const row = this.page
      .locator(`${quickInput} .quick-input-list .monaco-list-row`)
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
      .first();
    for (;;) {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      const input = this.page.locator(`${quickInput} input`).first();
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${label}`);
      try {
        await row.waitFor({ state: 'visible', timeout: Math.max(1_000, Math.min(5_000, deadline - Date.now())) });
        break;
      } catch (error) {
        if (Date.now() >= deadline) {
          await this.closeQuickInput();
          throw new Error(`command "${label}" not found in the command palette within ${timeoutMs / 1000} s`);
        }
      }
    }
    await row.click();
    await this.page.locator(quickInput).waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Open a workspace file by its workspace-relative path through Quick Open (Ctrl+P). */
  async quickOpen(relativePath, { timeoutMs = 30_000 } = {}) {
    await this.closeQuickInput();
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator(`${quickInput} input`).first();
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(relativePath);
    const fileName = path.posix.basename(relativePath);
    const directory = path.posix.dirname(relativePath);
    // Each result row shows the file name and, as its description, the folder it is in.
    let row = this.page.locator(`${quickInput} .quick-input-list .monaco-list-row`, { hasText: fileName });
    if (directory !== '.') {
      row = row.filter({ hasText: directory });
    }
    await row.first().waitFor({ state: 'visible', timeout: timeoutMs });
    await row.first().click();
    await this.waitForEditor(fileName);
  }

  /** Open a workspace file by expanding its folders in the Explorer and clicking it. */
  async openFromExplorer(relativePath, { timeoutMs = 30_000 } = {}) {
    const segments = relativePath.split('/');
    for (const [index, segment] of segments.entries()) {
      const row = this.page
        .locator('.explorer-folders-view .monaco-list-row')
        .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(segment)}$`) }) })
        .first();
      await row.waitFor({ state: 'visible', timeout: timeoutMs });
      const isFolder = index < segments.length - 1;
      if (!isFolder || (await row.getAttribute('aria-expanded')) !== 'true') {
        await row.click();
      }
    }
    await this.waitForEditor(segments.at(-1));
  }

  /** Wait until the active editor tab is `fileName` and its text is rendered. */
  async waitForEditor(fileName, { timeoutMs = 30_000 } = {}) {
    await this.page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor({ timeout: timeoutMs });
    await this.page.locator('.editor-instance .view-lines .view-line').first().waitFor({ timeout: timeoutMs });
  }

  /** Return the language name shown in the status bar for the active editor, for example `Log`. */
  async editorLanguage() {
    const item = this.page.locator('.statusbar-item#status\\.editor\\.mode');
    await item.waitFor({ timeout: 10_000 });
    return (await item.innerText()).trim();
  }

  /**
   * Move the cursor of the active editor to `line` (1-based) and `column` with Go to Line
   * (Ctrl+G, the `:` quick access), which also scrolls the line into view.
   */
  async goToLine(line, column = 1) {
    await this.closeQuickInput();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator(`${quickInput} input`).first();
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator(quickInput).waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /**
   * Return the 1-based number of the first line whose text contains `text`, searching with
   * Find (Ctrl+F) so it works on lines that are scrolled out of view. The cursor ends on that match.
   */
  async findText(text) {
    await this.page.locator('.editor-instance .view-lines').first().click();
    await this.page.keyboard.press('Control+Home');
    await this.page.keyboard.press('Control+F');
    const findInput = this.page.locator('.editor-widget.find-widget textarea, .editor-widget.find-widget input').first();
    await findInput.waitFor({ state: 'visible', timeout: 10_000 });
    await findInput.fill(text);
    const matches = this.page.locator('.find-widget .matchesCount');
    await matches.filter({ hasNotText: /No results/ }).waitFor({ timeout: 10_000 });
    // Typing selects the first match after the cursor; Enter would move on to the second.
    await this.page.keyboard.press('Escape');
    const position = await this.page.locator('.statusbar-item#status\\.editor\\.selection').innerText();
    const match = /Ln (\d+)/.exec(position);
    if (!match) {
      throw new Error(`could not read the cursor line from the status bar text "${position}"`);
    }
    return Number(match[1]);
  }

  /**
   * Hover the mouse over the first visible occurrence of `text` in the editor and return the
   * hover's text. Bring the line into view first, for example with goToLine().
   */
  async hoverText(text, { timeoutMs = 15_000 } = {}) {
    const span = this.page.locator('.editor-instance .view-line span span', { hasText: text }).first();
    await span.waitFor({ state: 'visible', timeout: timeoutMs });
    // Move away first so a hover that is already open for the same spot is replaced.
    await this.page.mouse.move(0, 0);
    await span.hover();
    return this.readHover({ timeoutMs });
  }

  /** Show the hover at `line`:`column` with the keyboard (Show or Focus Hover) and return its text. */
  async hoverAt(line, column, { timeoutMs = 15_000 } = {}) {
    await this.goToLine(line, column);
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+I');
    return this.readHover({ timeoutMs });
  }

  /** Wait for the editor hover to show non-empty content and return its text. */
  async readHover({ timeoutMs = 15_000 } = {}) {
    const hover = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();
    await hover.filter({ hasText: /\S/ }).waitFor({ state: 'visible', timeout: timeoutMs });
    return (await hover.innerText()).trim();
  }

  /** Open the Problems panel and wait for it to be shown. */
  async openProblems() {
    await this.runCommand('Problems: Focus on Problems View');
    await this.page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 15_000 });
  }

  /**
   * Return the text of each row in the Problems panel, one string per row with whitespace
   * collapsed. Waits up to `timeoutMs` for at least `minRows` rows.
   */
  async problems({ minRows = 1, timeoutMs = 15_000 } = {}) {
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    if (minRows > 0) {
      await rows.nth(minRows - 1).waitFor({ state: 'visible', timeout: timeoutMs });
    }
    return (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
  }

  /** Return how many error squiggles the active editor renders in its visible lines. */
  async errorSquiggleCount({ timeoutMs = 15_000 } = {}) {
    const squiggles = this.page.locator('.editor-instance .squiggly-error');
    await squiggles.first().waitFor({ state: 'attached', timeout: timeoutMs });
    return squiggles.count();
  }
}

/**
 * Step recorder for one walk. `step(name, fn)` runs `fn`, prints `PASS name` or
 * `FAIL name :: error`, saves a FAIL screenshot and returns whether the step passed.
 */
export function createStepRecorder(workbench, log = console.log) {
  const results = [];
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

  async function step(name, fn) {
    const stepStarted = Date.now();
    try {
      const detail = await fn();
      results.push({ name, ok: true, ms: Date.now() - stepStarted, detail });
      log(`[${elapsed()}] PASS ${workbench.prefix}: ${name}${detail === undefined ? '' : ` :: ${JSON.stringify(detail)}`}`);
      return true;
    } catch (error) {
      const message = String(error?.message ?? error).split('\n').slice(0, 4).join(' | ');
      results.push({ name, ok: false, ms: Date.now() - stepStarted, error: message });
      log(`[${elapsed()}] FAIL ${workbench.prefix}: ${name} :: ${message}`);
      await workbench.screenshot(`FAIL-${name}`).catch(() => {});
      return false;
    }
  }

  return { step, results };
}
