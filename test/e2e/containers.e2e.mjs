// Walk: the Containers view on the real trixie stack (podman 5.4.2, crun +CRIU, CRIU 4.1.1) that
// scripts/stack/setup.sh prepares. It starts a busybox and a WebAssembly container there, points
// the checkpointLens.hosts setting at the stack's prefix, checkpoints busybox from the tree's
// context menu, then checkpoints the wasm container, which fails, and lands on its diagnosed
// dump.log. Then it opens the Mounts and Mappings panel on the still running wasm container, and
// last it runs Check Before Checkpoint on that container and reads the preflight report.
// Without the stack's env file the walk records one skipped step and ends.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Returns the env file of scripts/stack/setup.sh: CHECKPOINT_LENS_STACK_ENV, else the first
 * stack.env in CHECKPOINT_LENS_STACK_CACHE or CHECKPOINT_LENS_CACHE, else the setup script's default.
 */
function stackEnvFile() {
  if (process.env.CHECKPOINT_LENS_STACK_ENV) return process.env.CHECKPOINT_LENS_STACK_ENV;
  const candidates = [
    process.env.CHECKPOINT_LENS_STACK_CACHE && path.join(process.env.CHECKPOINT_LENS_STACK_CACHE, 'stack.env'),
    process.env.CHECKPOINT_LENS_CACHE && path.join(process.env.CHECKPOINT_LENS_CACHE, 'stack.env'),
    '/var/cache/checkpoint-lens/stack/stack.env',
  ].filter(Boolean);
  return candidates.find((file) => existsSync(file)) ?? candidates.at(-1);
}

/** Parses the env file's `KEY='value'` lines. */
function readStackEnv(file) {
  const values = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)='([^']*)'$/.exec(line);
    if (match) values.set(match[1], match[2]);
  }
  return values;
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default async function walk({ workbench, step }) {
  const { page } = workbench;
  const envFile = stackEnvFile();
  if (!existsSync(envFile)) {
    await step(`skip: ${envFile} not found (run scripts/stack/setup.sh as root)`, async () => 'skipped');
    return;
  }

  const env = readStackEnv(envFile);
  const prefix = JSON.parse(env.get('TRIXIE_PREFIX_JSON'));
  const label = env.get('STACK_LABEL');
  const suffix = randomBytes(3).toString('hex');
  const busybox = `walk-bb-${suffix}`;
  const wasm = `walk-wasm-${suffix}`;
  const flock = `walk-flock-${suffix}`;
  const podman = (args, options = {}) => run(prefix[0], [...prefix.slice(1), 'podman', ...args], { timeout: 120_000, ...options });

  try {
    const started = await step('start busybox and wasm containers on the trixie stack', async () => {
      const common = ['run', '-d', '--pull=never', '--network', 'none', '--label', label, '--runtime', 'crun'];
      await podman([...common, '--name', busybox, env.get('IMAGE_BUSYBOX')]);
      // crun's wasmedge handler runs the module inside the crun process, which CRIU cannot dump.
      await podman([...common, '--name', wasm, '--annotation', 'module.wasm.image/variant=compat-smart', env.get('IMAGE_WASM_TICK')]);
      // The probes image's /flock holds a flock on /flock.lock, so its checkpoint needs --file-locks.
      await podman([...common, '--name', flock, env.get('IMAGE_PROBES'), '/flock']);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { stdout, stderr } = await podman(['logs', '--', wasm]);
        if (/^wasm tick$/m.test(stdout + stderr)) break;
        expect(Date.now() < deadline, `${wasm} printed no "wasm tick" within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      return { busybox, wasm, flock };
    });
    if (!started) return;

    const configured = await step('set checkpointLens.hosts to the trixie prefix in the remote settings', async () => {
      await workbench.closeQuickInput();
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input').first();
      await input.fill('>Preferences: Open Remote Settings (JSON)');
      const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Open Remote Settings (JSON)' }).first();
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      await row.click();
      // VS Code 1.139 opens settings.json in a modal editor without a tab, so find its text by content.
      const editorLines = page.locator('.monaco-editor .view-lines', { hasText: '{' }).last();
      await editorLines.waitFor({ state: 'visible', timeout: 15_000 });
      await editorLines.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      // insertText bypasses Monaco's auto-closing of brackets and quotes, which typing would trigger.
      await page.keyboard.insertText(JSON.stringify({ 'checkpointLens.hosts': [{ name: 'trixie', prefix }] }, null, 2));
      await page.keyboard.press('Control+S');
      // The workspace is <run folder>/workspace and code-server keeps remote settings in <run folder>/user-data/Machine.
      const folder = new URL(page.url()).searchParams.get('folder');
      const machineSettings = path.join(path.dirname(folder), 'user-data/Machine/settings.json');
      const deadline = Date.now() + 10_000;
      while (!(existsSync(machineSettings) && readFileSync(machineSettings, 'utf8').includes('checkpointLens.hosts'))) {
        expect(Date.now() < deadline, `${machineSettings} does not contain checkpointLens.hosts 10 s after saving`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await workbench.screenshot('01-remote-settings');
      await page.keyboard.press('Escape');
      return { settings: machineSettings };
    });
    if (!configured) return;

    const tree = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Containers' }) });
    const containerRow = (name) => tree.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) }).first();

    const listed = await step('open the Containers view and list the stack containers', async () => {
      await page.locator('.activitybar .action-item a[aria-label^="Checkpoint Lens"]').click();
      await containerRow(busybox).waitFor({ state: 'visible', timeout: 60_000 });
      await containerRow(wasm).waitFor({ state: 'visible', timeout: 10_000 });
      const host = await tree.locator('.monaco-list-row', { hasText: 'trixie' }).first().innerText();
      await workbench.screenshot('02-containers');
      expect(/podman 5\.4\.2/.test(host), `host row reads "${host}"`);
      return { host: host.replace(/\s+/g, ' ') };
    });
    if (!listed) return;

    const rightClickAndRun = async (name, action) => {
      await containerRow(name).click({ button: 'right' });
      const item = page.locator('.context-view .monaco-menu .action-item', { has: page.locator('.action-label', { hasText: new RegExp(`^${escapeRegExp(action)}$`) }) });
      await item.first().waitFor({ state: 'visible', timeout: 10_000 });
      await workbench.screenshot(`context-menu-${name.replace(/^walk-(\w+)-.*$/, '$1')}`);
      await item.first().click();
      // When an event refresh redraws the row between the right-click and the click, VS Code runs
      // the command without the row, and the command asks for the container instead: pick it there.
      const picker = page.locator('.quick-input-widget', { has: page.locator('input[placeholder^="Choose a"]') });
      if (await picker.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false)) {
        await picker.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click();
      }
    };

    await step('checkpoint busybox from the context menu', async () => {
      await rightClickAndRun(busybox, 'Checkpoint Container…');
      const flags = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      // The preflight reads the container's /proc through the prefix before the flags show.
      await flags.first().waitFor({ state: 'visible', timeout: 120_000 });
      const offered = await flags.allInnerTexts();
      await workbench.screenshot('03-checkpoint-flags');
      expect(offered.some((text) => text.includes('--print-stats')), `flags offered: ${offered.join(' / ')}`);
      await page.keyboard.press('Enter');

      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `Checkpointed ${busybox}` });
      await toast.waitFor({ state: 'visible', timeout: 90_000 });
      const message = (await toast.innerText()).replace(/\s+/g, ' ');
      const row = containerRow(busybox);
      await page.waitForFunction(
        (name) => [...document.querySelectorAll('.monaco-list-row')].some((element) => element.textContent.includes(name) && element.textContent.includes('checkpointed')),
        busybox,
        { timeout: 30_000 },
      );
      await workbench.screenshot('04-checkpointed');
      expect(/freezing time/.test(message), `notification: ${message}`);
      return { message, row: (await row.innerText()).replace(/\s+/g, ' ') };
    });

    await step('restore busybox from the context menu', async () => {
      await rightClickAndRun(busybox, 'Restore Container');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `Restored ${busybox}` });
      await toast.waitFor({ state: 'visible', timeout: 90_000 });
      const message = (await toast.innerText()).replace(/\s+/g, ' ');
      await page.waitForFunction(
        (name) => [...document.querySelectorAll('.monaco-list-row')].some((element) => element.textContent.includes(name) && element.textContent.includes('restored')),
        busybox,
        { timeout: 30_000 },
      );
      const { stdout } = await podman(['inspect', '--format', '{{.State.Status}} {{.State.Restored}}', '--', busybox]);
      await workbench.screenshot('04b-restored');
      expect(stdout.trim() === 'running true', `podman reports ${stdout.trim()}`);
      expect(/restore time/.test(message), `notification: ${message}`);
      return { message };
    });

    await step('checkpoint the wasm container and land on the diagnosed dump.log', async () => {
      await rightClickAndRun(wasm, 'Checkpoint with Defaults');
      await page.locator('.tabs-container .tab.active', { hasText: 'dump.log' }).waitFor({ timeout: 90_000 });
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `Checkpoint of ${wasm} failed` });
      await toast.waitFor({ state: 'visible', timeout: 30_000 });
      const message = (await toast.innerText()).replace(/\s+/g, ' ');
      const language = await workbench.editorLanguage();
      await page.locator('.editor-instance .squiggly-error').first().waitFor({ timeout: 30_000 });
      await workbench.screenshot('05-wasm-failed');
      expect(language === 'CRIU Log', `language is "${language}"`);
      expect(/mount/i.test(message), `notification names no mount: ${message}`);
      expect(/Show Explanation/.test(message), `notification has no Show Explanation action: ${message}`);
      return { message };
    });

    await step('wasm container still runs after the failed checkpoint', async () => {
      await page.waitForFunction(
        (name) => [...document.querySelectorAll('.monaco-list-row')].some((element) => element.textContent.includes(name) && element.textContent.includes('running')),
        wasm,
        { timeout: 30_000 },
      );
      const { stdout } = await podman(['inspect', '--format', '{{.State.Status}}', '--', wasm]);
      expect(stdout.trim() === 'running', `podman reports ${stdout.trim()}`);
      await workbench.screenshot('06-wasm-still-running');
    });

    await step('show the explanation from the notification', async () => {
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `Checkpoint of ${wasm} failed` });
      await toast.locator('.monaco-button', { hasText: 'Show Explanation' }).click();
      await page.locator('.tabs-container .tab.active', { hasText: /Preview|\.md/ }).waitFor({ timeout: 30_000 });
      // The Markdown preview is a webview: two iframes deep, and filled once the Markdown extension has activated.
      const preview = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      const heading = preview.locator('h1').first();
      await heading.waitFor({ state: 'visible', timeout: 60_000 });
      const title = (await heading.innerText()).trim();
      await workbench.screenshot('07-explanation');
      return { title };
    });

    // The Markdown preview is a webview too. Close it, so that the panel is the only webview left.
    const previewTab = page.locator('.tabs-container .tab', { hasText: /Preview|\.md/ });
    if (await previewTab.count()) {
      // A middle click closes a tab. Clicking the tab and then pressing F1 sometimes left the key in
      // the preview's frame, and the command palette never opened.
      await previewTab.first().click({ button: 'middle' });
      await previewTab.first().waitFor({ state: 'detached', timeout: 10_000 });
    }
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const binaryGap = panel.locator('.gap-list .gap', { has: panel.locator('.gap-title', { hasText: 'detached' }) }).filter({ hasText: "runtime's own binary" }).first();

    const panelOpen = await step('show mounts and mappings of the wasm container', async () => {
      // Wide enough that the panel beside the log shows the gap list, the mount tree and the table.
      await page.setViewportSize({ width: 1680, height: 1050 });
      // Earlier toasts would cover the bottom of the panel in the screenshots.
      await workbench.runCommand('Notifications: Clear All Notifications');
      await rightClickAndRun(wasm, 'Show Mounts and Mappings');
      await page.locator('.tab', { hasText: `Mounts and Mappings: ${wasm} on trixie` }).waitFor({ timeout: 90_000 });
      await binaryGap.waitFor({ timeout: 30_000 });
      const header = (await panel.locator('.panel-header').innerText()).replace(/\s+/g, ' ');
      await workbench.screenshot('08-gaps-live-wasm');
      expect(header.includes(wasm), `header names no container: ${header}`);
      expect(header.includes('trixie'), `header names no host: ${header}`);
      expect(/PID \d+/.test(header), `header shows no PID: ${header}`);
      expect(/crun/.test(header), `header shows no runtime: ${header}`);
      expect(/Dump failed/.test(header), `header shows no dump.log verdict: ${header}`);
      return { header };
    });

    if (panelOpen) {
      await step('gap of crun\'s binary is tied to the dump.log line', async () => {
        const title = await binaryGap.locator('.gap-title').innerText();
        const owner = await binaryGap.locator('.gap-owner').innerText();
        const button = binaryGap.locator('.show-in-log');
        const label = await button.innerText();
        const line = Number(/line (\d+)/.exec(label)?.[1]);
        // maps lists crun's binary as `/`, the root of its detached mount, so the owner text is what names crun.
        expect(/^Mapping of .* on mount \d+, detached/.test(title), `gap title: ${title}`);
        expect(owner.includes("runtime's own binary"), `gap owner: ${owner}`);
        expect(owner.includes("crun's wasmedge handler"), `gap owner: ${owner}`);
        expect(line > 0, `show-in-log button reads "${label}"`);

        const { stdout: staticDir } = await podman(['inspect', '--format', '{{.StaticDir}}', '--', wasm]);
        const { stdout: logText } = await run(prefix[0], [...prefix.slice(1), 'cat', `${staticDir.trim()}/dump.log`], { timeout: 30_000 });
        const logLine = logText.split('\n')[line - 1] ?? '';
        const mountId = /on mount (\d+)/.exec(title)[1];
        expect(logLine.includes(`Can't lookup mount=${mountId} `), `dump.log line ${line} is "${logLine}", expected the lookup of mount ${mountId}`);

        await button.click();
        await page.locator('.tab.active', { hasText: 'dump.log' }).waitFor({ timeout: 10_000 });
        const status = await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line},`) }).first().textContent({ timeout: 10_000 });
        await workbench.screenshot('09-gaps-show-in-log');
        return { title, line, status: status.trim() };
      });
    }

    await step('check the wasm container before a checkpoint', async () => {
      await workbench.runCommand('View: Close All Editors');
      await workbench.runCommand('Notifications: Clear All Notifications');
      // Widen the side bar so that the rows show the verdict beside the name.
      const sideBar = await page.locator('.part.sidebar').boundingBox();
      if (sideBar) {
        const edge = { x: sideBar.x + sideBar.width, y: sideBar.y + sideBar.height / 2 };
        await page.mouse.move(edge.x, edge.y);
        await page.mouse.down();
        await page.mouse.move(edge.x + 260, edge.y, { steps: 5 });
        await page.mouse.up();
      }
      await rightClickAndRun(wasm, 'Check Before Checkpoint');
      await page.locator('.tab', { hasText: `Preflight: ${wasm}` }).waitFor({ timeout: 120_000 });
      const report = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      const verdictWord = report.locator('.verdict-word');
      await verdictWord.waitFor({ state: 'visible', timeout: 30_000 });
      const verdict = (await verdictWord.innerText()).trim();
      const command = (await report.locator('pre.command').innerText()).trim();
      const blocking = await report.locator('.finding.blocks .title').allInnerTexts();
      await workbench.screenshot('10-preflight-report-wasm');
      expect(verdict === 'Will fail', `verdict reads "${verdict}"`);
      expect(command === `podman container checkpoint ${wasm}`, `command reads "${command}"`);
      expect(blocking.length > 0, 'the report lists no blocking finding');

      await page.waitForFunction(
        (name) => [...document.querySelectorAll('.monaco-list-row')].some((element) => element.textContent.includes(name) && element.textContent.includes('will fail')),
        wasm,
        { timeout: 30_000 },
      );
      const row = (await containerRow(wasm).innerText()).replace(/\s+/g, ' ');
      await containerRow(wasm).hover();
      const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Preflight:' }).first();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      const tooltip = (await hover.innerText()).replace(/\s+/g, ' ');
      await workbench.screenshot('11-preflight-row-wasm');
      expect(/will fail: mount-lookup/.test(row), `row reads "${row}"`);
      return { verdict, command, blocking, row, tooltip: tooltip.slice(tooltip.indexOf('Preflight:')) };
    });

    await step('open a blocking finding in Mounts and Mappings', async () => {
      await page.keyboard.press('Escape');
      await page.locator('.tab', { hasText: `Preflight: ${wasm}` }).click();
      const report = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      // A library mapped from the runtime's root: its gap is not the first one of the panel, which is selected anyway.
      const evidence = report
        .locator('.finding.blocks .evidence li', { has: report.locator('a', { hasText: 'Show in Mounts and Mappings' }) })
        .filter({ hasText: / maps \/usr\/lib\/\S+ at / })
        .first();
      const evidenceText = await evidence.locator('code').innerText();
      const mappedPath = /maps (\S+) at /.exec(evidenceText)?.[1];
      expect(mappedPath, `no mapped path in the evidence "${evidenceText}"`);
      await evidence.locator('a').click();
      await page.locator('.tab.active', { hasText: `Mounts and Mappings: ${wasm} on trixie` }).waitFor({ timeout: 30_000 });
      const gapsPanel = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
      const selected = gapsPanel.locator('.gap-list .gap[aria-selected="true"]');
      await selected.waitFor({ timeout: 30_000 });
      const selectedTitle = await selected.locator('.gap-title').innerText();
      await workbench.screenshot('12-preflight-gap-panel');
      expect(selectedTitle.includes(mappedPath), `selected gap "${selectedTitle}", expected the one of ${mappedPath}`);
      return { evidence: evidenceText, selected: selectedTitle };
    });

    await step('default to Show Report in the will-fail dialog', async () => {
      await workbench.runCommand('View: Close All Editors');
      await rightClickAndRun(wasm, 'Checkpoint Container…');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 120_000 });
      const buttons = await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts();
      const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
      await workbench.screenshot('12b-will-fail-dialog');
      // Escape closes the dialog through its Cancel button, so no checkpoint runs.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
      const { stdout } = await podman(['inspect', '--format', '{{.State.Status}}', '--', wasm]);
      expect(focused === 'Show Report', `the focused button is "${focused}" of ${JSON.stringify(buttons)}`);
      expect(stdout.trim() === 'running', `${wasm} is ${stdout.trim()} after Escape`);
      return { buttons, focused };
    });

    await step('check the flock holder and find --file-locks ticked', async () => {
      await workbench.runCommand('View: Close All Editors');
      await rightClickAndRun(flock, 'Check Before Checkpoint');
      await page.locator('.tab', { hasText: `Preflight: ${flock}` }).waitFor({ timeout: 120_000 });
      const report = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await report.locator('.verdict-word').waitFor({ state: 'visible', timeout: 30_000 });
      const verdict = (await report.locator('.verdict-word').innerText()).trim();
      const command = (await report.locator('pre.command').innerText()).trim();
      await page.waitForFunction(
        (name) => [...document.querySelectorAll('.monaco-list-row')].some((element) => element.textContent.includes(name) && element.textContent.includes('needs --file-locks')),
        flock,
        { timeout: 30_000 },
      );
      await workbench.screenshot('13-preflight-report-flock');
      const body = await report.locator('main').innerText();
      const codeInProse = await report.locator('.detail code, .fixes li > code').count();

      // Narrow the report to about 500 px, where code blocks used to break inside words.
      const viewport = page.viewportSize();
      const frame = await page.locator('iframe.webview.ready').last().boundingBox();
      let narrowWidth;
      let overflowing = 0;
      if (viewport && frame) {
        await page.setViewportSize({ width: Math.round(viewport.width - frame.width + 500), height: viewport.height });
        await page.waitForTimeout(500);
        narrowWidth = (await page.locator('iframe.webview.ready').last().boundingBox())?.width;
        overflowing = await report.locator('pre').evaluateAll((blocks) => blocks.filter((block) => block.scrollWidth > block.clientWidth + 1).length);
        await workbench.screenshot('13c-preflight-report-flock-narrow');
        await page.setViewportSize(viewport);
      }
      expect(!body.includes('`'), 'the report shows a literal backtick');
      expect(codeInProse > 0, 'no code span in the details or fixes');
      expect(overflowing === 0, `${overflowing} code blocks overflow`);
      expect(verdict === 'Works with flags', `verdict reads "${verdict}"`);
      expect(command === `podman container checkpoint --file-locks ${flock}`, `command reads "${command}"`);

      await rightClickAndRun(flock, 'Checkpoint Container…');
      const flags = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await flags.first().waitFor({ state: 'visible', timeout: 120_000 });
      const rows = await page.evaluate(() =>
        [...document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row')].map((row) => ({
          text: row.textContent.replace(/\s+/g, ' ').trim(),
          checked: row.getAttribute('aria-checked') ?? row.querySelector('[aria-checked]')?.getAttribute('aria-checked') ?? String(row.querySelector('input[type=checkbox]')?.checked),
        })),
      );
      await workbench.screenshot('14-checkpoint-flags-preticked');
      await page.keyboard.press('Escape');
      const locks = rows.find((row) => row.text.startsWith('--file-locks'));
      expect(locks, `no --file-locks row: ${JSON.stringify(rows)}`);
      expect(locks.checked === 'true', `--file-locks is not ticked: ${JSON.stringify(locks)}`);
      expect(/Needed: /.test(locks.text), `--file-locks row reads "${locks.text}"`);
      return { verdict, command, locks, narrowWidth, codeInProse };
    });

    await step('run the checkpoint from the flock report', async () => {
      await workbench.closeQuickInput();
      await page.locator('.tab', { hasText: `Preflight: ${flock}` }).click();
      const report = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await report.locator('a.button', { hasText: 'Run This Checkpoint' }).click();
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `Checkpointed ${flock}` });
      await toast.waitFor({ state: 'visible', timeout: 90_000 });
      // A checkpoint changes the container's state, which drops the preflight verdict from its row.
      await page.waitForFunction(
        (name) => [...document.querySelectorAll('.monaco-list-row')].some((element) => element.textContent.includes(name) && element.textContent.includes('checkpointed') && !element.textContent.includes('needs --file-locks')),
        flock,
        { timeout: 30_000 },
      );
      const { stdout } = await podman(['inspect', '--format', '{{.State.Checkpointed}}', '--', flock]);
      await workbench.screenshot('15-flock-checkpointed-from-report');
      expect(stdout.trim() === 'true', `podman reports Checkpointed=${stdout.trim()}`);
      return { message: (await toast.innerText()).replace(/\s+/g, ' ') };
    });
  } finally {
    await podman(['rm', '-f', '-t', '0', '--', busybox, wasm, flock]).catch(() => undefined);
  }
}
