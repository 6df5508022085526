import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { before, describe, it } from 'node:test';

import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const require = createRequire(__filename);
const grammarPath = path.join(__dirname, '../../media/criu-log.tmLanguage.json');

let grammar: textmate.IGrammar;

before(async () => {
  const wasm = await readFile(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'text.log.criu') return null;
      return textmate.parseRawGrammar(await readFile(grammarPath, 'utf8'), grammarPath);
    },
  });
  const loaded = await registry.loadGrammar('text.log.criu');
  assert.ok(loaded, 'grammar text.log.criu did not load');
  grammar = loaded;
});

/** Tokenises one line and returns the scopes of the token that contains `text`'s first character. */
function scopesAt(line: string, text: string): string[] {
  const offset = line.indexOf(text);
  assert.ok(offset >= 0, `"${text}" is not in "${line}"`);
  const { tokens } = grammar.tokenizeLine(line, textmate.INITIAL);
  const token = tokens.find((candidate) => candidate.startIndex <= offset && offset < candidate.endIndex);
  assert.ok(token, `no token at offset ${offset}`);
  return token.scopes;
}

/** Returns the text of the token that contains `text`'s first character. */
function tokenText(line: string, text: string): string {
  const offset = line.indexOf(text);
  const { tokens } = grammar.tokenizeLine(line, textmate.INITIAL);
  const token = tokens.find((candidate) => candidate.startIndex <= offset && offset < candidate.endIndex)!;
  return line.slice(token.startIndex, token.endIndex);
}

const errorLine = '(00.019137) Error (criu/files-reg.c:1790): Can\'t lookup mount=174 for fd=-3 path=/';

describe('criu-log grammar', () => {
  it('scopes the timestamp', () => {
    assert.ok(scopesAt(errorLine, '00.019137').includes('comment.timestamp.criu-log'));
  });

  it('scopes the Error level', () => {
    assert.ok(scopesAt(errorLine, 'Error').includes('invalid.illegal.level.error.criu-log'));
    assert.equal(tokenText(errorLine, 'Error'), 'Error');
  });

  it('scopes the Warn level', () => {
    const line = '(00.004503) Warn  (criu/kerndat.c:792): Can\'t load /run/criu.kdat';
    assert.ok(scopesAt(line, 'Warn').includes('keyword.control.level.warn.criu-log'));
  });

  it('leaves the word Error inside a message alone', () => {
    const line = '(00.004503) Namespaces dumping finished with Error code';
    assert.ok(!scopesAt(line, 'Error').some((scope) => scope.startsWith('invalid')));
  });

  it('scopes the source location path and line', () => {
    assert.ok(scopesAt(errorLine, 'criu/files-reg.c').includes('string.unquoted.path.criu-log'));
    assert.equal(tokenText(errorLine, 'criu/files-reg.c'), 'criu/files-reg.c');
    assert.ok(scopesAt(errorLine, '1790').includes('constant.numeric.line.criu-log'));
    assert.ok(scopesAt(errorLine, '1790').includes('meta.source-location.criu-log'));
  });

  it('scopes locations of compel and CRIU before 2.0', () => {
    const compel = '(00.100000) Error (compel/src/lib/infect.c:1234): Unable to connect';
    assert.ok(scopesAt(compel, 'compel/src/lib/infect.c').includes('string.unquoted.path.criu-log'));
    const bare = '(00.002902) Error (mount.c:713): 1147:./proc/sched_debug doesn\'t have a proper root mount';
    assert.ok(scopesAt(bare, 'mount.c').includes('string.unquoted.path.criu-log'));
    assert.ok(scopesAt(bare, '713').includes('constant.numeric.line.criu-log'));
  });

  it('scopes a pid at the start of the line', () => {
    const line = '127514: Error (criu/tty.c:1453): tty: No task found with sid 124454';
    assert.ok(scopesAt(line, '127514').includes('constant.numeric.pid.criu-log'));
    assert.ok(scopesAt(line, 'Error').includes('invalid.illegal.level.error.criu-log'));
  });

  it('scopes a pid after the timestamp', () => {
    const line = '(00.073745)      9: x86: -----------------------';
    assert.ok(scopesAt(line, '9:').includes('constant.numeric.pid.criu-log'));
  });

  it('scopes the pie prefix and its pid', () => {
    const line = 'pie: 27729: Error (criu/pie/parasite-vdso.c:252): vdso: Can\'t find vDSO area';
    assert.ok(scopesAt(line, 'pie').includes('entity.name.tag.pie.criu-log'));
    assert.ok(scopesAt(line, '27729').includes('constant.numeric.pid.criu-log'));
    assert.ok(scopesAt(line, 'criu/pie/parasite-vdso.c').includes('string.unquoted.path.criu-log'));
  });

  it('scopes FAILED banners', () => {
    const dump = '(00.101664) Error (criu/cr-dump.c:2111): Dumping FAILED.';
    assert.ok(scopesAt(dump, 'Dumping FAILED.').includes('invalid.illegal.banner.failed.criu-log'));
    assert.equal(tokenText(dump, 'Dumping FAILED.'), 'Dumping FAILED.');
    const restore = '(00.300000) Error (criu/cr-restore.c:2320): Restoring FAILED.';
    assert.equal(tokenText(restore, 'Restoring FAILED.'), 'Restoring FAILED.');
  });

  it('scopes success banners', () => {
    const dump = '(00.352128) Dumping finished successfully';
    assert.ok(scopesAt(dump, 'Dumping finished').includes('markup.inserted.banner.success.criu-log'));
    const restore = '(00.196640) Restore finished successfully. Tasks resumed.';
    assert.equal(tokenText(restore, 'Restore finished'), 'Restore finished successfully. Tasks resumed.');
  });

  it('scopes section rules', () => {
    assert.ok(scopesAt('(00.001996) ========================================', '====').includes('punctuation.separator.rule.criu-log'));
    assert.ok(scopesAt('(00.018817) ----------------------------------------', '----').includes('punctuation.separator.rule.criu-log'));
  });

  it('scopes phase titles', () => {
    const line = '(00.002062) Dumping processes (pid: 23349 comm: wasmedge)';
    assert.ok(scopesAt(line, 'Dumping processes').includes('markup.heading.phase.criu-log'));
    assert.ok(scopesAt('(00.018815) Collecting mappings (pid: 23349)', 'Collecting').includes('markup.heading.phase.criu-log'));
  });

  it('leaves plain lines unscoped', () => {
    const line = '(00.018985) Found regular file mapping, OK';
    assert.deepEqual(scopesAt(line, 'Found'), ['text.log.criu']);
  });
});
