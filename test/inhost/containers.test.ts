// The Containers view against a fake host. The host's prefix is a shell script in a temporary
// folder. It prints the recorded podman 5.4.2 output of test/fixtures/podman/podman5 for `podman
// ps`, `inspect`, `info`, `version` and `events`, and CRIU 4.1.1's output for `criu`. Its
// `podman container checkpoint` fails for gap-map with the recorded stderr and dump.log, and runs
// until cancelled for t-runc.
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';

import type { ContainerNode } from '../../src/extension/containers/containersView';
import type { ExtensionExports } from '../../src/extension/extension';
import { EXTENSION_ID, errorsOf, waitForDiagnostics } from './helpers';

const FAKE_HOST_SCRIPT = `#!/bin/sh
# Fake host for the Containers view tests: the first argument is the program to run.
dir=$(dirname "$0")
program=$1
shift
case "$program" in
  podman)
    case "$1 $2" in
      "ps --all") exec cat "$dir/ps-a.json" ;;
      "info --format") exec cat "$dir/info.json" ;;
      "version --format") exec cat "$dir/version.json" ;;
      "events --format") exec sleep 600 ;;
      "container inspect")
        shift 3
        printf '['
        separator=''
        for id in "$@"; do
          if [ ! -f "$dir/inspect/$id.json" ]; then
            echo "Error: no container with name or ID \\"$id\\" found: no such container" >&2
            exit 125
          fi
          printf '%s' "$separator"
          cat "$dir/inspect/$id.json"
          separator=','
        done
        printf ']\\n'
        exit 0 ;;
      "container checkpoint")
        echo "$*" >> "$dir/checkpoint-calls.txt"
        # t-runc's checkpoint runs until the test cancels it.
        case "$*" in *" -- t-runc") exec sleep 120 ;; esac
        sed "s|/var/lib/containers/storage/overlay-containers/[0-9a-f]*/userdata/dump.log|$dir/gap-map-dump.log|" "$dir/checkpoint-stderr.txt" >&2
        exit 125 ;;
    esac
    echo "Error: the fake podman does not know: $*" >&2
    exit 125 ;;
  criu)
    case "$1" in
      --version) exec cat "$dir/criu-version.txt" ;;
      check) exec cat "$dir/criu-check.txt" ;;
    esac
    exit 1 ;;
  *) exec "$program" "$@" ;;
esac
`;

const HOST_NAME = 'fake-trixie';

/** Writes the fake host into a new temporary folder and returns the folder. */
function makeFakeHost(fixtures: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'checkpoint-lens-fake-host-'));
  const podman5 = path.join(fixtures, 'podman/podman5');
  for (const name of ['ps-a.json', 'info.json', 'version.json']) writeFileSync(path.join(dir, name), readFileSync(path.join(podman5, name)));

  // inspect prints, for each ID or name, the one object of its recorded array.
  mkdirSync(path.join(dir, 'inspect'));
  for (const name of readdirSync(podman5).filter((file) => file.startsWith('inspect-'))) {
    const [record] = JSON.parse(readFileSync(path.join(podman5, name), 'utf8')) as Array<{ Id: string; Name: string }>;
    writeFileSync(path.join(dir, 'inspect', `${record.Id}.json`), JSON.stringify(record));
    writeFileSync(path.join(dir, 'inspect', `${record.Name}.json`), JSON.stringify(record));
  }

  writeFileSync(path.join(dir, 'criu-version.txt'), readFileSync(path.join(fixtures, 'podman/probe/criu-version-4.1.1.txt')));
  writeFileSync(path.join(dir, 'criu-check.txt'), readFileSync(path.join(fixtures, 'podman/probe/criu-check-ok.txt')));
  writeFileSync(path.join(dir, 'checkpoint-stderr.txt'), readFileSync(path.join(fixtures, 'podman/stderr/p5-crun-checkpoint-gap-map.txt')));
  writeFileSync(path.join(dir, 'gap-map-dump.log'), readFileSync(path.join(fixtures, 'podman/logs/gap-map-dump.log')));

  const script = path.join(dir, 'fake-host');
  writeFileSync(script, FAKE_HOST_SCRIPT);
  chmodSync(script, 0o755);
  return dir;
}

function findContainer(items: Array<{ node: ContainerNode; item: vscode.TreeItem }>, name: string) {
  return items.find(({ node, item }) => node.kind === 'container' && item.label === name);
}

describe('Containers view', () => {
  let exports: ExtensionExports;
  let fakeHost: string;
  const configuration = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('checkpointLens');

  before(async () => {
    const extension = vscode.extensions.getExtension<ExtensionExports>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} not found`);
    exports = await extension.activate();
    fakeHost = makeFakeHost(path.join(extension.extensionPath, 'test/fixtures'));
    // The local host is named here with a prefix that fails at once, so the tests never depend on this machine's podman.
    await configuration().update(
      'hosts',
      [
        { name: 'local', prefix: [path.join(fakeHost, 'missing-program')] },
        { name: HOST_NAME, prefix: [path.join(fakeHost, 'fake-host')] },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await vscode.commands.executeCommand('checkpointLens.containers.focus');
    await vscode.commands.executeCommand('checkpointLens.containers.refresh');
  });

  after(async () => {
    await configuration().update('hosts', undefined, vscode.ConfigurationTarget.Global);
    rmSync(fakeHost, { recursive: true, force: true });
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['refresh', 'checkpoint', 'checkpointWithDefaults', 'checkpointAndExport', 'restore', 'restoreFromArchive', 'openCheckpointLog', 'openRestoreLog', 'showHostCapabilities']) {
      assert.ok(commands.includes(`checkpointLens.containers.${id}`), `checkpointLens.containers.${id} is not registered`);
    }
  });

  it('shows container states from podman 5', async () => {
    await exports.containers.waitForTree((items) => findContainer(items, 'gap-map') !== undefined);
    const items = exports.containers.treeItems();
    const expected: Record<string, string> = {
      'gap-map': 'container:running',
      't-crun': 'container:restored',
      't-crun-clone': 'container:checkpointed',
      't-exited': 'container:exited',
      't-created': 'container:created',
      'wasm-tick': 'container:running',
    };
    for (const [name, contextValue] of Object.entries(expected)) {
      assert.equal(findContainer(items, name)?.item.contextValue, contextValue, `contextValue of ${name}`);
    }
    const clone = findContainer(items, 't-crun-clone')!.item;
    assert.match(String(clone.description), /checkpointed .*ago/);
    assert.equal((clone.iconPath as vscode.ThemeIcon).id, 'archive');
  });

  it('groups containers under their host', () => {
    const items = exports.containers.treeItems();
    const host = items.find(({ node }) => node.kind === 'host' && node.hostName === HOST_NAME);
    assert.ok(host, 'no row for the fake host');
    assert.equal(host.depth, 0);
    assert.equal(host.item.contextValue, 'host:ready');
    assert.match(String(host.item.description), /podman 5\.4\.2 · crun \+CRIU · CRIU 4\.1\.1/);
    assert.equal(findContainer(items, 'gap-map')?.node.kind === 'container' && (findContainer(items, 'gap-map')?.node as { hostName: string }).hostName, HOST_NAME);
  });

  it('shows a missing prefix program as a row', () => {
    const items = exports.containers.treeItems();
    const local = items.find(({ node }) => node.kind === 'host' && node.hostName === 'local');
    assert.equal(local?.item.contextValue, 'host:failed');
    const problem = items.find(({ node }) => node.kind === 'problem' && node.hostName === 'local');
    assert.ok(problem, 'no problem row under the local host');
    assert.equal(problem.item.contextValue, 'problem:prefix-program-missing');
    assert.equal(problem.item.command?.command, 'checkpointLens.containers.editHosts');
  });

  it('opens the diagnosed log after a failed checkpoint', async () => {
    const gapMap = findContainer(exports.containers.treeItems(), 'gap-map');
    assert.ok(gapMap, 'gap-map is not listed');
    await vscode.commands.executeCommand('checkpointLens.containers.checkpointWithDefaults', gapMap.node);

    const calls = readFileSync(path.join(fakeHost, 'checkpoint-calls.txt'), 'utf8');
    assert.match(calls, /container checkpoint --keep --print-stats -- gap-map/);

    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor open after the failed checkpoint');
    assert.equal(editor.document.uri.scheme, 'checkpoint-lens-log');
    assert.match(editor.document.uri.path, /\/gap-map-dump\.log$/);
    assert.equal(editor.document.languageId, 'criu-log');
    assert.equal(vscode.workspace.fs.isWritableFileSystem('checkpoint-lens-log'), false);

    const diagnostics = await waitForDiagnostics(editor.document.uri, (found) => errorsOf(found).length > 0);
    const rootCause = errorsOf(diagnostics)[0];
    assert.match(rootCause.message, /mount/i);
    assert.equal(editor.selection.active.line, rootCause.range.start.line, 'the cursor is not on the root-cause line');
  });

  it('rejects writes to the log', async () => {
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(editor.document.uri, new Uint8Array([0x41]))), /NoPermissions|permission/i);
  });

  it('keeps gap-map running after the failure', async () => {
    await exports.containers.waitForTree((items) => findContainer(items, 'gap-map')?.item.contextValue === 'container:running');
  });

  it('cancels a checkpoint without a log', async () => {
    const before = findContainer(exports.containers.treeItems(), 't-runc');
    assert.ok(before, 't-runc is not listed');
    const stateBefore = before.item.contextValue;
    const editorBefore = vscode.window.activeTextEditor?.document.uri.toString();

    const started = Date.now();
    const checkpoint = vscode.commands.executeCommand('checkpointLens.containers.checkpointWithDefaults', before.node);
    await exports.containers.waitForTree((items) => findContainer(items, 't-runc')?.item.contextValue === 'container:busy');
    await vscode.commands.executeCommand('checkpointLens.containers.cancelOperation', before.node);
    await checkpoint;

    assert.ok(Date.now() - started < 20_000, 'the command did not end soon after the cancellation');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), editorBefore, 'a cancelled checkpoint opened an editor');
    await exports.containers.waitForTree((items) => findContainer(items, 't-runc')?.item.contextValue === stateBefore);
  });

  it('shows host capabilities as Markdown', async () => {
    await vscode.commands.executeCommand('checkpointLens.containers.showHostCapabilities', HOST_NAME);
    const uri = vscode.Uri.from({ scheme: 'checkpoint-lens-capabilities', path: `/${HOST_NAME}.md` });
    const document = await vscode.workspace.openTextDocument(uri);
    assert.match(document.getText(), /# Checkpoint capabilities of host fake-trixie/);
    assert.match(document.getText(), /\| criu check \| passed \|/);
  });
});
