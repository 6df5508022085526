import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as vscode from 'vscode';

import type { GapsPanelHandle } from '../../src/extension/gaps/gapsPanel';
import { GAPS_COMMANDS, type ProcessCommandResult } from '../../src/extension/gaps/registerGaps';
import { activateExtension, errorsOf, waitForDiagnostics, workspaceFile } from './helpers';

const READY_TIMEOUT_MS = 20_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${READY_TIMEOUT_MS} ms waiting for ${what}`)), READY_TIMEOUT_MS))]);
}

describe('Mounts and Mappings panel', () => {
  let fixture: vscode.Uri;
  let plainMountCount = 0;

  before(async () => {
    const extension = await activateExtension();
    fixture = vscode.Uri.joinPath(extension.extensionUri, 'test', 'fixtures', 'procfs', 'wasm-crun-wasmedge');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens the wasm snapshot and reports ready', async () => {
    const handle = await vscode.commands.executeCommand<GapsPanelHandle | undefined>(GAPS_COMMANDS.showFromSnapshot, {
      snapshot: vscode.Uri.joinPath(fixture, 'snapshot.json'),
      log: vscode.Uri.joinPath(fixture, 'dump.log'),
    });
    assert.ok(handle, 'the command returned no panel');
    assert.equal(handle.title, 'Mounts and Mappings: snapshot.json');

    const ready = await withTimeout(handle.ready, 'the ready message');
    assert.equal(ready.type, 'ready');
    assert.ok(ready.gapCount >= 2, `gap count ${ready.gapCount}`);
    assert.ok(ready.mappingCount > 100, `mapping count ${ready.mappingCount}`);
    assert.ok(ready.mountCount > 0, `mount count ${ready.mountCount}`);
  });

  it('shows the panel tab with its title', () => {
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    const tab = tabs.find((candidate) => candidate.input instanceof vscode.TabInputWebview && candidate.label === 'Mounts and Mappings: snapshot.json');
    assert.ok(tab, `tabs: ${tabs.map((candidate) => candidate.label).join(', ')}`);
  });

  it('same input reuses the panel', async () => {
    const handle = await vscode.commands.executeCommand<GapsPanelHandle | undefined>(GAPS_COMMANDS.showFromSnapshot, {
      snapshot: vscode.Uri.joinPath(fixture, 'snapshot.json'),
      log: vscode.Uri.joinPath(fixture, 'dump.log'),
    });
    assert.ok(handle);
    const ready = await withTimeout(handle.ready, 'the ready message');
    assert.ok(ready.gapCount >= 2);
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.label === 'Mounts and Mappings: snapshot.json');
    assert.equal(tabs.length, 1);
  });

  it('opens plain files without fdinfo', async () => {
    const handle = await vscode.commands.executeCommand<GapsPanelHandle | undefined>(GAPS_COMMANDS.showFromFiles, {
      mountinfo: vscode.Uri.joinPath(fixture, 'mountinfo.txt'),
      maps: vscode.Uri.joinPath(fixture, 'maps.txt'),
    });
    assert.ok(handle);
    // Named by the mountinfo file, as `checkpoint-lens gaps` names plain files.
    assert.equal(handle.title, 'Mounts and Mappings: mountinfo.txt');
    const ready = await withTimeout(handle.ready, 'the ready message');
    assert.ok(ready.mappingCount > 100, `mapping count ${ready.mappingCount}`);
    plainMountCount = ready.mountCount;
  });

  it('opens plain files with every optional input', async () => {
    const handle = await vscode.commands.executeCommand<GapsPanelHandle | undefined>(GAPS_COMMANDS.showFromFiles, {
      mountinfo: vscode.Uri.joinPath(fixture, 'mountinfo.txt'),
      maps: vscode.Uri.joinPath(fixture, 'maps.txt'),
      fdinfo: vscode.Uri.joinPath(fixture, 'fdinfo.txt'),
      fds: vscode.Uri.joinPath(fixture, 'fd.txt'),
      runtimeMountinfo: vscode.Uri.joinPath(fixture, 'conmon-mountinfo.txt'),
      hostMountinfo: vscode.Uri.joinPath(fixture, 'host-mountinfo.txt'),
      cmdline: vscode.Uri.joinPath(fixture, 'cmdline.txt'),
    });
    assert.ok(handle);
    const ready = await withTimeout(handle.ready, 'the ready message');
    // The runtime side's and the host's mounts join the tree.
    assert.ok(ready.mountCount > plainMountCount + 20, `mount count ${ready.mountCount}, ${plainMountCount} without the optional inputs`);
    assert.equal(ready.processCount, 1);
  });

  it('opens every process of a two-process snapshot', async () => {
    const folder = vscode.Uri.joinPath(fixture, '..', 'child-preserved-fd');
    const handle = await vscode.commands.executeCommand<GapsPanelHandle | undefined>(GAPS_COMMANDS.showFromSnapshot, {
      snapshot: vscode.Uri.joinPath(folder, 'snapshot.json'),
      log: vscode.Uri.joinPath(folder, 'dump.log'),
    });
    assert.ok(handle);
    const ready = await withTimeout(handle.ready, 'the ready message');
    assert.equal(ready.processCount, 2);
    // The first process closed the preserved fd; only its child keeps it open.
    assert.equal(ready.gapCount, 1);
  });

  it('rejects maps without a valid line', async () => {
    const folder = vscode.Uri.file(`${os.tmpdir()}/gaps-inhost-${process.pid}`);
    const maps = vscode.Uri.joinPath(folder, 'garbage-maps');
    await vscode.workspace.fs.writeFile(maps, new TextEncoder().encode('not a maps line\nnor this one\n'));
    const handle = await vscode.commands.executeCommand<GapsPanelHandle | undefined>(GAPS_COMMANDS.showFromFiles, {
      mountinfo: vscode.Uri.joinPath(fixture, 'mountinfo.txt'),
      maps,
    });
    assert.ok(handle);
    await assert.rejects(withTimeout(handle.ready, 'the error'), /^Error: garbage-maps: the maps file has no valid line \(line 1: /);
  });

  it('offers Show Mapping Gap on the mount lookup error', async () => {
    const uri = workspaceFile('wasm-crun-wasmedge/dump.log');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const [error] = errorsOf(await waitForDiagnostics(uri, (current) => errorsOf(current).length > 0));
    assert.ok(error);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, error.range);
    const action = actions.find((candidate) => candidate.title === 'Show Mapping Gap');
    assert.ok(action, `actions: ${actions.map((candidate) => candidate.title).join(', ')}`);
    assert.equal(action.command?.command, GAPS_COMMANDS.showMappingGap);
    assert.equal(action.command?.arguments?.[1], 338);
  });
});

describe('Show Mounts and Mappings for Process', () => {
  const configuration = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('checkpointLens');
  const run = (argument: unknown): Thenable<ProcessCommandResult> => vscode.commands.executeCommand<ProcessCommandResult>(GAPS_COMMANDS.showForProcess, argument);
  const errorOf = (result: ProcessCommandResult): string => {
    assert.ok(result, 'the command returned nothing');
    assert.ok('error' in result, `expected an error, got ${JSON.stringify(result)}`);
    return result.error;
  };

  before(async () => {
    await activateExtension();
    // Two hosts, so that the command would ask for one if the argument named none.
    await configuration().update(
      'hosts',
      [
        { name: 'self', prefix: [] },
        { name: 'other', prefix: ['/nonexistent/prefix-program'] },
      ],
      vscode.ConfigurationTarget.Global,
    );
  });

  after(async () => {
    await configuration().update('hosts', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reads the extension host process', async () => {
    const result = await run({ pid: process.pid, host: 'self' });
    assert.ok(result, 'the command returned nothing');
    assert.ok('ready' in result, `expected a panel, got ${JSON.stringify(result)}`);
    assert.equal(result.title, `Mounts and Mappings: PID ${process.pid} on self`);
    const ready = await withTimeout(result.ready, 'the ready message');
    // Node maps its binary, libc and many anonymous areas.
    assert.ok(ready.mappingCount > 20, `mapping count ${ready.mappingCount}`);
    assert.ok(ready.mountCount > 0, `mount count ${ready.mountCount}`);
  });

  it('rejects a PID that is not a number', async () => {
    assert.match(errorOf(await run({ pid: 'abc', host: 'self' })), /"abc" is not a process ID: enter a positive whole number/);
  });

  it('rejects PID 0', async () => {
    assert.match(errorOf(await run({ pid: 0, host: 'self' })), /"0" is not a process ID/);
  });

  it('names a PID that does not run', async () => {
    // PID_MAX_LIMIT is 4194304 on 64-bit Linux and PIDs stay below pid_max, so this one never exists.
    const message = errorOf(await run({ pid: 4194304, host: 'self' }));
    assert.match(message, /No process 4194304 runs on host "self"/);
    assert.match(message, /ps -p 4194304/);
  });

  it('names an unknown host', async () => {
    assert.match(errorOf(await run({ pid: process.pid, host: 'nope' })), /Host "nope" is not in checkpointLens\.hosts; configured hosts: (local, )?self, other\./);
  });

  it('reports a host prefix that cannot run', async () => {
    assert.match(errorOf(await run({ pid: process.pid, host: 'other' })), /\/proc\/\d+ on host "other" failed/);
  });
});

