import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';

import { activateExtension, errorsOf, ourDiagnostics, waitForDiagnostics, workspaceFile } from './helpers';

const ROOT_CAUSE_LINE = 338;

describe('live CRIU log', () => {
  let directory: string;
  let wasmLines: string[];

  before(async () => {
    await activateExtension();
    directory = await mkdtemp(path.join(tmpdir(), 'checkpoint-lens-live-'));
    wasmLines = (await readFile(workspaceFile('wasm-crun-wasmedge/dump.log').fsPath, 'utf8')).split('\n');
  });

  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps diagnostics while the log grows', async () => {
    // The log as CRIU has written it up to the line before the root cause, then appended
    // line by line: the previous diagnostics must stay until the new analysis replaces them.
    const file = path.join(directory, 'dump.log');
    await writeFile(file, wasmLines.slice(0, ROOT_CAUSE_LINE - 1).join('\n') + '\n');
    const uri = vscode.Uri.file(file);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'criu-log');

    const before = await waitForDiagnostics(uri, (current) => current.length > 0);
    assert.deepEqual(errorsOf(before), [], 'an error before the failing line was written');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.ok(lenses.some((lens) => lens.command?.title === 'Outcome unknown (log ends early)'), JSON.stringify(lenses.map((lens) => lens.command?.title)));

    let emptied = false;
    let changes = 0;
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
      changes++;
      if (ourDiagnostics(uri).length === 0) emptied = true;
    });

    const appended = wasmLines.slice(ROOT_CAUSE_LINE - 1).filter((line, index, all) => index < all.length - 1 || line !== '');
    try {
      for (const line of appended) {
        const edit = new vscode.WorkspaceEdit();
        edit.insert(uri, new vscode.Position(document.lineCount - 1, 0), `${line}\n`);
        assert.ok(await vscode.workspace.applyEdit(edit), 'applyEdit failed');
      }
      const after = await waitForDiagnostics(uri, (current) => errorsOf(current).length === 1);
      assert.equal(errorsOf(after)[0]!.range.start.line, ROOT_CAUSE_LINE - 1);
    } finally {
      subscription.dispose();
    }

    assert.equal(emptied, false, 'diagnostics were cleared while the log grew');
    assert.ok(changes < appended.length, `${changes} diagnostic updates for ${appended.length} appended lines; bursts were not coalesced`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('clears diagnostics when the language changes', async () => {
    const file = path.join(directory, 'restore.log');
    await writeFile(file, wasmLines.join('\n'));
    const uri = vscode.Uri.file(file);
    let document = await vscode.workspace.openTextDocument(uri);
    await waitForDiagnostics(uri, (current) => errorsOf(current).length === 1);

    document = await vscode.languages.setTextDocumentLanguage(document, 'plaintext');
    await waitForDiagnostics(uri, (current) => current.length === 0);

    await vscode.commands.executeCommand('checkpointLens.setLanguage', uri);
    await waitForDiagnostics(uri, (current) => errorsOf(current).length === 1);
    const reopened = vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri.toString());
    assert.equal(reopened?.languageId, 'criu-log');
  });

  it('sets the language of any file', async () => {
    const file = path.join(directory, 'criu-output.txt');
    await writeFile(file, wasmLines.join('\n'));
    const uri = vscode.Uri.file(file);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.notEqual(document.languageId, 'criu-log');
    assert.deepEqual(ourDiagnostics(uri), []);

    await vscode.commands.executeCommand('checkpointLens.setLanguage');
    const diagnostics = await waitForDiagnostics(uri, (current) => errorsOf(current).length === 1);
    assert.equal(errorsOf(diagnostics)[0]!.range.start.line, ROOT_CAUSE_LINE - 1);
  });

  it('serves providers on a 6 MB document', async () => {
    // Above 2 MB the providers wait for the background analysis instead of analyzing at once.
    const filler = '(00.018985) Found regular file mapping, OK\n'.repeat(Math.ceil((6 * 1024 * 1024) / 44));
    const fillerLines = filler.split('\n').length - 1;
    const file = path.join(directory, 'large.criu.log');
    await writeFile(file, wasmLines.slice(0, ROOT_CAUSE_LINE - 1).join('\n') + '\n' + filler + wasmLines.slice(ROOT_CAUSE_LINE - 1).join('\n'));
    const uri = vscode.Uri.file(file);
    await vscode.workspace.openTextDocument(uri);

    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const titles = lenses.map((lens) => lens.command?.title ?? '');
    assert.ok(titles.some((title) => title.includes('Dump failed: ')), JSON.stringify(titles));
    const diagnostics = await waitForDiagnostics(uri, (current) => errorsOf(current).length === 1);
    assert.equal(errorsOf(diagnostics)[0]!.range.start.line, ROOT_CAUSE_LINE - 1 + fillerLines);
  });

  it('matches *.criu.log file names', async () => {
    const file = path.join(directory, 'nightly.criu.log');
    await writeFile(file, wasmLines.join('\n'));
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    assert.equal(document.languageId, 'criu-log');
  });
});
