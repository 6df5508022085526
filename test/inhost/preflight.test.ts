// Check Before Checkpoint on the real trixie stack that scripts/stack/setup.sh prepares (podman
// 5.4.2, crun +CRIU, CRIU 4.1.1): a plain busybox should work, and a container that holds a flock
// needs --file-locks, which Checkpoint Container… then ticks in its flag multi-select. Without the
// stack's env file, or without root, the tests are skipped with the reason.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';

import type { ContainerNode } from '../../src/extension/containers/containersView';
import type { ExtensionExports } from '../../src/extension/extension';
import { EXTENSION_ID } from './helpers';

const run = promisify(execFile);

const STACK_ENV = process.env.CHECKPOINT_LENS_STACK_ENV ?? path.join(process.env.CHECKPOINT_LENS_STACK_CACHE ?? '/var/cache/checkpoint-lens/stack', 'stack.env');
const HOST_NAME = 'trixie';
/** The same stack behind a prefix that runs only podman, criu and the runtimes, so reading /proc fails. */
const NO_PROC_HOST = 'trixie-no-proc';

/** Writes a prefix script that passes podman, criu, crun and runc to `prefix` and rejects every other program. */
function writeNoProcPrefix(prefix: string[]): { dir: string; script: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'checkpoint-lens-no-proc-'));
  const quoted = prefix.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = path.join(dir, 'prefix');
  writeFileSync(
    script,
    `#!/bin/sh\ncase "$1" in\n  podman|criu|crun|runc) exec ${quoted} "$@" ;;\nesac\necho "no-proc prefix: $1 is not allowed" >&2\nexit 126\n`,
  );
  chmodSync(script, 0o755);
  return { dir, script };
}

function readStackEnv(file: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)='([^']*)'$/.exec(line);
    if (match) values.set(match[1], match[2]);
  }
  return values;
}

describe('Check Before Checkpoint on the trixie stack', function () {
  this.timeout(180_000);
  let exports: ExtensionExports;
  let prefix: string[] = [];
  let env = new Map<string, string>();
  let noProc: { dir: string; script: string } | undefined;
  const suffix = randomBytes(3).toString('hex');
  const busybox = `h5-pf-bb-${suffix}`;
  const flock = `h5-pf-flock-${suffix}`;
  const configuration = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('checkpointLens');
  const podman = (args: string[]) => run(prefix[0], [...prefix.slice(1), 'podman', ...args], { timeout: 120_000 });

  const nodeOf = (name: string, hostName = HOST_NAME): Extract<ContainerNode, { kind: 'container' }> => {
    const found = exports.containers.treeItems().find(({ node, item }) => node.kind === 'container' && node.hostName === hostName && item.label === name);
    assert.ok(found, `${name} is not listed`);
    return found.node as Extract<ContainerNode, { kind: 'container' }>;
  };
  const descriptionOf = (name: string): string =>
    String(exports.containers.treeItems().find(({ node, item }) => node.kind === 'container' && node.hostName === HOST_NAME && item.label === name)?.item.description ?? '');

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    if (!existsSync(STACK_ENV)) {
      if (process.env.CI === 'true') throw new Error(`${STACK_ENV} not found; run scripts/stack/setup.sh first`);
      this.skip();
    }
    env = readStackEnv(STACK_ENV);
    prefix = JSON.parse(env.get('TRIXIE_PREFIX_JSON') ?? '[]') as string[];
    const common = ['run', '-d', '--pull=never', '--network', 'none', '--label', env.get('STACK_LABEL') ?? '', '--runtime', 'crun'];
    await podman([...common, '--name', busybox, env.get('IMAGE_BUSYBOX') ?? '']);
    await podman([...common, '--name', flock, env.get('IMAGE_PROBES') ?? '', '/flock']);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { stdout, stderr } = await podman(['logs', '--', flock]);
      if (/^flock: holding \/flock\.lock$/m.test(stdout + stderr)) break;
      assert.ok(Date.now() < deadline, `${flock} printed no "flock: holding" within 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const extension = vscode.extensions.getExtension<ExtensionExports>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} not found`);
    exports = await extension.activate();
    noProc = writeNoProcPrefix(prefix);
    await configuration().update('hosts', [{ name: HOST_NAME, prefix }, { name: NO_PROC_HOST, prefix: [noProc.script] }], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('checkpointLens.containers.focus');
    await vscode.commands.executeCommand('checkpointLens.containers.refresh');
    await exports.containers.waitForTree(
      (items) =>
        [HOST_NAME, NO_PROC_HOST].every((host) =>
          [busybox, flock].every((name) => items.some(({ node, item }) => node.kind === 'container' && node.hostName === host && item.label === name && item.contextValue === 'container:running')),
        ),
      60_000,
    );
  });

  after(async () => {
    if (prefix.length === 0) return;
    await podman(['rm', '-f', '-t', '0', '--', busybox, flock]).catch(() => undefined);
    await configuration().update('hosts', undefined, vscode.ConfigurationTarget.Global);
    if (noProc) rmSync(noProc.dir, { recursive: true, force: true });
  });

  it('finds busybox should work', async () => {
    const node = nodeOf(busybox);
    await vscode.commands.executeCommand('checkpointLens.containers.checkBeforeCheckpoint', node);
    const record = exports.containers.lastPreflight(HOST_NAME, node.id);
    assert.ok(record, 'no preflight result kept for busybox');
    assert.equal(record.report.verdict, 'should-work', `findings: ${JSON.stringify(record.report.findings.map((finding) => [finding.check, finding.verdict, finding.title]))}`);
    assert.deepEqual(record.report.flags, []);
    assert.equal(record.report.container.name, busybox);
    await exports.containers.waitForTree(() => descriptionOf(busybox).startsWith('✓ should work · '));
  });

  it('finds the flock needs --file-locks', async () => {
    const node = nodeOf(flock);
    await vscode.commands.executeCommand('checkpointLens.containers.checkBeforeCheckpoint', node);
    const record = exports.containers.lastPreflight(HOST_NAME, node.id);
    assert.ok(record, 'no preflight result kept for the flock container');
    assert.equal(record.report.verdict, 'needs-flags');
    assert.deepEqual(record.report.flags, ['fileLocks']);
    assert.ok(record.report.command.includes('--file-locks'), `command: ${record.report.command.join(' ')}`);
    const lockFinding = record.report.findings.find((finding) => finding.flag === 'fileLocks');
    assert.ok(lockFinding, 'no finding asks for fileLocks');
    assert.equal(lockFinding.category, 'file-locks');
    await exports.containers.waitForTree(() => descriptionOf(flock).startsWith('⚠ needs --file-locks · '));
  });

  it('opens the /proc/locks line of the lock', async () => {
    const node = nodeOf(flock);
    const record = exports.containers.lastPreflight(HOST_NAME, node.id)!;
    const findingIndex = record.report.findings.findIndex((finding) => finding.flag === 'fileLocks');
    const evidenceIndex = record.report.findings[findingIndex].evidence.findIndex((evidence) => evidence.source?.file === '/proc/locks');
    assert.ok(evidenceIndex >= 0, `no evidence names /proc/locks: ${JSON.stringify(record.report.findings[findingIndex].evidence)}`);
    const evidence = record.report.findings[findingIndex].evidence[evidenceIndex];

    await vscode.commands.executeCommand('checkpointLens.containers.openPreflightEvidence', { hostName: HOST_NAME, id: node.id, finding: findingIndex, evidence: evidenceIndex });
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor opened for the evidence');
    assert.equal(editor.document.uri.scheme, 'checkpoint-lens-preflight');
    assert.match(editor.document.uri.path, /\/proc\/locks$/);
    assert.equal(editor.selection.start.line, (evidence.source!.line ?? 1) - 1);
    const lockLine = editor.document.lineAt(editor.selection.start.line).text;
    assert.match(lockLine, /FLOCK/, `line ${evidence.source!.line} of /proc/locks is "${lockLine}"`);
    assert.equal(lockLine, record.input!.locks!.split('\n')[evidence.source!.line! - 1]);
  });

  it('ticks --file-locks in the checkpoint flags', async () => {
    const node = nodeOf(flock);
    const before = exports.containers.lastFlagChoices();
    const checkpoint = vscode.commands.executeCommand('checkpointLens.containers.checkpoint', node);
    const deadline = Date.now() + 120_000;
    while (exports.containers.lastFlagChoices() === before) {
      assert.ok(Date.now() < deadline, 'the flag multi-select did not open within 120 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Closing the multi-select ends the command without a checkpoint.
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await checkpoint;

    const choices = exports.containers.lastFlagChoices()!;
    const locks = choices.find((choice) => choice.flag === '--file-locks');
    assert.ok(locks, `--file-locks not offered: ${choices.map((choice) => choice.flag).join(' ')}`);
    assert.equal(locks.picked, true);
    assert.match(locks.description, /^Needed: /);
    assert.equal(choices.find((choice) => choice.flag === '--tcp-established')?.picked, false);
    const { stdout } = await podman(['inspect', '--format', '{{.State.Status}}', '--', flock]);
    assert.equal(stdout.trim(), 'running');
  });

  it('drops the verdict after a failed checkpoint', async () => {
    // Without --file-locks CRIU stops on the lock, and the container keeps running with the same PID.
    const node = nodeOf(flock);
    await vscode.commands.executeCommand('checkpointLens.containers.checkBeforeCheckpoint', node);
    await exports.containers.waitForTree(() => descriptionOf(flock).startsWith('⚠ needs --file-locks · '));
    await vscode.commands.executeCommand('checkpointLens.containers.checkpointWithDefaults', node);

    const { stdout } = await podman(['inspect', '--format', '{{.State.Status}} {{.State.Checkpointed}}', '--', flock]);
    assert.equal(stdout.trim(), 'running false');
    const record = exports.containers.lastPreflight(HOST_NAME, node.id);
    assert.ok(record, 'the report of the flock container was dropped');
    assert.equal(record.checkpointAfter?.outcome, 'failed');
    await exports.containers.waitForTree(() => !descriptionOf(flock).includes('needs --file-locks'));
    assert.ok(descriptionOf(flock).endsWith(' · running'), `row reads "${descriptionOf(flock)}"`);
  });

  it('checkpoints on when the preflight fails', async () => {
    const node = nodeOf(flock, NO_PROC_HOST);
    const before = exports.containers.lastFlagChoices();
    const checkpoint = vscode.commands.executeCommand('checkpointLens.containers.checkpoint', node);
    const deadline = Date.now() + 120_000;
    while (exports.containers.lastFlagChoices() === before) {
      assert.ok(Date.now() < deadline, 'the flag multi-select did not open within 120 s after the preflight failed');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await checkpoint;

    assert.equal(exports.containers.lastPreflight(NO_PROC_HOST, node.id), undefined, 'a preflight result was kept although /proc could not be read');
    const choices = exports.containers.lastFlagChoices()!;
    assert.equal(choices.find((choice) => choice.flag === '--file-locks')?.picked, false);
    assert.ok(choices.every((choice) => !choice.description.startsWith('Needed: ')), `a choice names a finding: ${JSON.stringify(choices)}`);
    assert.ok(!descriptionOf(flock).includes('✗'), 'the failed preflight changed the row on the working host');
  });
});
