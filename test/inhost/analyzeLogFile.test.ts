import * as assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import * as vscode from 'vscode';

import type { LogFileAnalysis } from '../../src/node/analyzeLogFile';
import { activateExtension, errorsOf, waitForDiagnostics, workspaceFile } from './helpers';

const ROOT_CAUSE_LINE = 338;

/** Runs the file command on `file` the way the open dialog would, and returns its result. */
function analyzeFile(file: string): Thenable<LogFileAnalysis | undefined> {
  return vscode.commands.executeCommand<LogFileAnalysis | undefined>('checkpointLens.analyzeLogFile', vscode.Uri.file(file));
}

describe('Analyze CRIU Log File command', () => {
  let directory: string;
  let wasmLines: string[];

  before(async () => {
    await activateExtension();
    directory = await mkdtemp(path.join(tmpdir(), 'checkpoint-lens-file-'));
    wasmLines = (await readFile(workspaceFile('wasm-crun-wasmedge/dump.log').fsPath, 'utf8')).split('\n');
  });

  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('analyzes a log over 50 MB', async function () {
    this.timeout(180_000);
    // Repeat the harmless mapping lines before the failing line until the file passes the
    // 50 MB that VS Code hands to extensions, so only the streaming path can read it.
    const file = path.join(directory, 'big-dump.log');
    const filler = '(00.018956) Handling VMA with the following smaps entry: 55f3893d8000-55f3893e0000 r--p 00000000 fe:00 2200394 /\n(00.018985) Found regular file mapping, OK\n';
    const fillerCopies = Math.ceil((52 * 1024 * 1024) / filler.length);
    const output = createWriteStream(file);
    output.write(wasmLines.slice(0, ROOT_CAUSE_LINE - 1).join('\n') + '\n');
    const block = filler.repeat(1000);
    for (let written = 0; written < fillerCopies; written += 1000) {
      if (!output.write(block)) await once(output, 'drain');
    }
    output.end(wasmLines.slice(ROOT_CAUSE_LINE - 1).join('\n'));
    await once(output, 'finish');

    const result = await analyzeFile(file);
    assert.ok(result, 'the command returned no analysis');
    assert.ok(result.stats.totalBytes > 50 * 1024 * 1024, `file has only ${result.stats.totalBytes} bytes`);
    const expectedLine = ROOT_CAUSE_LINE + Math.ceil(fillerCopies / 1000) * 1000 * 2;
    assert.equal(result.analysis.outcome, 'failed');
    assert.equal(result.analysis.rootCause?.record.line, expectedLine);

    const uri = vscode.Uri.file(file);
    const diagnostics = await waitForDiagnostics(uri, (current) => errorsOf(current).length === 1);
    assert.equal(errorsOf(diagnostics)[0]!.range.start.line, expectedLine - 1);
    assert.ok(!vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString()), 'the file was opened as a document');
  });

  it('reads CRLF logs', async () => {
    const file = path.join(directory, 'crlf-dump.log');
    await writeFile(file, wasmLines.join('\r\n'));
    const result = await analyzeFile(file);
    assert.equal(result?.analysis.rootCause?.record.line, ROOT_CAUSE_LINE);
    assert.ok((result?.stats.crlfLines ?? 0) > 300);
  });

  it('cuts a 10 MB single line', async () => {
    const file = path.join(directory, 'one-line.log');
    await writeFile(file, Buffer.alloc(10 * 1024 * 1024, 'a'));
    const result = await analyzeFile(file);
    assert.ok(result, 'the command returned no result');
    assert.equal(result.stats.truncatedLineCount, 1);
    assert.equal(result.analysis.rootCause, null);
  });

  const rejected: [string, (file: string) => Promise<void>][] = [
    ['a directory', (file) => mkdir(file).then(() => undefined)],
    ['an empty file', (file) => writeFile(file, '')],
    ['binary content', (file) => writeFile(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]))],
    ['a missing file', async () => {}],
  ];
  for (const [name, create] of rejected) {
    it(`rejects ${name} without throwing`, async () => {
      const file = path.join(directory, name.replace(/\W+/g, '-'));
      await create(file);
      assert.equal(await analyzeFile(file), undefined);
      assert.deepEqual(vscode.languages.getDiagnostics(vscode.Uri.file(file)), []);
    });
  }
});
