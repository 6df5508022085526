import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import type { GapsPanelHandle } from '../../src/extension/gaps/gapsPanel';
import { GAPS_COMMANDS } from '../../src/extension/gaps/registerGaps';
import { activateExtension, errorsOf, waitForDiagnostics, workspaceFile } from './helpers';

const READY_TIMEOUT_MS = 20_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${READY_TIMEOUT_MS} ms waiting for ${what}`)), READY_TIMEOUT_MS))]);
}

describe('Mounts and Mappings panel', () => {
  let fixture: vscode.Uri;

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
    assert.equal(handle.title, 'Mounts and Mappings: maps.txt');
    const ready = await withTimeout(handle.ready, 'the ready message');
    assert.ok(ready.mappingCount > 100, `mapping count ${ready.mappingCount}`);
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
