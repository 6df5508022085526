import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { activateExtension, errorsOf, hoverText, waitForDiagnostics, workspaceFile } from './helpers';

// The dump log of a crun + wasmedge container whose checkpoint fails on a mapping of `/`.
// Line numbers below are 1-based lines of that log. Line 17 is the harmless rlimit error, 338
// the root cause `Can't lookup mount=174 for fd=-3 path=/`, 339 and 344 its follow-on errors.
const WASM_DUMP_LOG = 'wasm-crun-wasmedge/dump.log';

describe('wasm dump.log', () => {
  let uri: vscode.Uri;
  let document: vscode.TextDocument;
  let diagnostics: vscode.Diagnostic[];

  before(async () => {
    await activateExtension();
    uri = workspaceFile(WASM_DUMP_LOG);
    document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    diagnostics = await waitForDiagnostics(uri, (current) => errorsOf(current).length > 0);
  });

  it('opens as criu-log', () => {
    assert.equal(document.languageId, 'criu-log');
  });

  it('has exactly one error', () => {
    const errors = errorsOf(diagnostics);
    assert.equal(errors.length, 1, `errors: ${JSON.stringify(errors.map((error) => [error.range.start.line, error.message]))}`);
  });

  it('puts the error on line 338', () => {
    const [error] = errorsOf(diagnostics);
    assert.equal(error!.range.start.line, 337);
    assert.equal(error!.range.end.line, 337);
    assert.equal(document.getText(error!.range).startsWith('Error (criu/files-reg.c:1790)'), true, document.getText(error!.range));
    assert.equal(error!.range.end.character, document.lineAt(337).text.length);
  });

  it('labels source and code', () => {
    const [error] = errorsOf(diagnostics);
    assert.equal(error!.source, 'Checkpoint Lens');
    const code = error!.code as { value: string; target: vscode.Uri };
    assert.equal(typeof code, 'object');
    assert.match(String(code.value), /^mount-lookup/);
    assert.ok(code.target instanceof vscode.Uri, 'code.target is not a Uri');
  });

  it('relates the follow-on lines', () => {
    const [error] = errorsOf(diagnostics);
    const related = error!.relatedInformation ?? [];
    assert.deepEqual(
      related.map((information) => information.location.range.start.line),
      [338, 343],
    );
    for (const information of related) assert.equal(information.location.uri.toString(), uri.toString());
    assert.match(related[0]!.message, /Collect mappings \(pid: 23349\) failed/);
    assert.match(related[1]!.message, /Dumping FAILED/);
  });

  it('keeps the rlimit line below error', () => {
    const onLine17 = diagnostics.filter((diagnostic) => diagnostic.range.start.line === 16);
    for (const diagnostic of onLine17) assert.notEqual(diagnostic.severity, vscode.DiagnosticSeverity.Error);
  });

  it('reports no follow-on as its own diagnostic', () => {
    const lines = diagnostics.map((diagnostic) => diagnostic.range.start.line);
    assert.ok(!lines.includes(338), 'line 339 has a diagnostic');
    assert.ok(!lines.includes(343), 'line 344 has a diagnostic');
  });

  it('explains fd=-3 in the hover', async () => {
    const position = new vscode.Position(337, document.lineAt(337).text.indexOf('fd=-3'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
    const text = hoverText(hovers);
    assert.match(text, /fd=-3/);
    assert.match(text, /memory mapping|mapped|mapping/i);
    assert.match(text, /line 339/);
    assert.match(text, /line 344/);
    assert.match(text, /v4\.1\.1\/criu\/files-reg\.c#L1790/);
  });

  it('has no hover on a plain line', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(1, 3));
    assert.ok(!/Checkpoint Lens|Root cause/.test(hoverText(hovers)), hoverText(hovers));
  });

  it('offers code actions on the error', async () => {
    const [error] = errorsOf(diagnostics);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, error!.range);
    const ours = actions.filter((action) => action.command?.command.startsWith('checkpointLens.'));
    const titles = ours.map((action) => action.title);
    assert.ok(titles.some((title) => title.startsWith('Show explanation')), `titles: ${JSON.stringify(titles)}`);
    for (const action of ours) assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
  });

  it('renders the explanation document', async () => {
    const [error] = errorsOf(diagnostics);
    const target = (error!.code as { target: vscode.Uri }).target;
    const explanation = await vscode.workspace.openTextDocument(target);
    const text = explanation.getText();
    assert.match(text, /^# /);
    assert.match(text, /line 338/);
    assert.match(text, /fd=-3/);
  });

  it('runs the show explanation action', async () => {
    const [error] = errorsOf(diagnostics);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, error!.range);
    const show = actions.find((action) => action.title.startsWith('Show explanation'));
    assert.ok(show?.command, 'no Show explanation action');
    const opened = new Promise<vscode.TextDocument>((resolve) => {
      const subscription = vscode.workspace.onDidOpenTextDocument((opened) => {
        if (opened.uri.scheme === 'checkpoint-lens-explanation') {
          subscription.dispose();
          resolve(opened);
        }
      });
    });
    const alreadyOpen = vscode.workspace.textDocuments.find((open) => open.uri.scheme === 'checkpoint-lens-explanation');
    await vscode.commands.executeCommand(show.command.command, ...(show.command.arguments ?? []));
    const explanation = alreadyOpen ?? (await opened);
    assert.match(explanation.getText(), /fd=-3/);
  });

  it('links source locations to CRIU 4.1.1', async () => {
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
    const onErrorLine = links.filter((link) => link.range.start.line === 337);
    assert.equal(onErrorLine.length, 1);
    assert.equal(onErrorLine[0]!.target?.toString(true), 'https://github.com/checkpoint-restore/criu/blob/v4.1.1/criu/files-reg.c#L1790');
    assert.equal(document.getText(onErrorLine[0]!.range), 'criu/files-reg.c:1790');
    assert.ok(links.some((link) => link.range.start.line === 16), 'no link on the rlimit line');
  });

  it('outlines phases with the error inside', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
    const names = symbols.map((symbol) => symbol.name);
    assert.ok(names.some((name) => name.startsWith('Dumping processes')), `symbols: ${JSON.stringify(names)}`);
    const holder = symbols.find((symbol) => symbol.children.some((child) => child.range.start.line === 337));
    assert.ok(holder, `no symbol holds line 338; symbols: ${JSON.stringify(names)}`);
    assert.match(holder.name, /Collecting mappings|Dumping task/);
  });

  it('shows the verdict lens on line 1', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
    const titles = lenses.filter((lens) => lens.range.start.line === 0).map((lens) => lens.command?.title ?? '');
    assert.ok(titles.some((title) => /Dump failed: /.test(title)), `lens titles: ${JSON.stringify(titles)}`);
    const verdict = lenses.find((lens) => /Dump failed: /.test(lens.command?.title ?? ''));
    assert.equal(verdict?.command?.command, 'checkpointLens.goToRootCause');
    assert.deepEqual(verdict?.command?.arguments?.[1], 338);
  });

  it('jumps to the root cause', async () => {
    await vscode.commands.executeCommand('checkpointLens.goToRootCause', uri, 338);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), uri.toString());
    assert.equal(editor?.selection.active.line, 337);
  });
});
