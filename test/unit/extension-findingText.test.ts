import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { codeBlock, diagnosticMessage, explanationMarkdown, firstSentence, hoverMarkdown, inlineCode } from '../../src/extension/findingText';
import { wasmDumpAnalysis } from './extension-fixtures';

describe('firstSentence', () => {
  it('stops at the first sentence end', () => {
    assert.equal(firstSentence('One thing. Another thing.'), 'One thing.');
  });

  it('ignores periods inside words and versions', () => {
    assert.equal(firstSentence('CRIU 4.1.1 read fd=-3.x as a mapping. Then more.'), 'CRIU 4.1.1 read fd=-3.x as a mapping.');
  });

  it('returns text without a sentence end whole', () => {
    assert.equal(firstSentence('  no end\n here '), 'no end here');
  });
});

describe('diagnosticMessage', () => {
  it('joins title and first sentence', () => {
    const analysis = wasmDumpAnalysis();
    assert.equal(
      diagnosticMessage(analysis.rootCause!),
      'A mapped file lives on a mount outside the container. fd=-3 means the file is a memory mapping, not an open file descriptor.',
    );
  });

  it('uses the title alone for an empty explanation', () => {
    const rootCause = wasmDumpAnalysis().rootCause!;
    rootCause.explanation.explanation = '';
    assert.equal(diagnosticMessage(rootCause), rootCause.title);
  });
});

describe('inlineCode and codeBlock', () => {
  it('fence inline code longer than backtick runs', () => {
    assert.equal(inlineCode('a`b'), '``a`b``');
    assert.equal(inlineCode('`x'), '`` `x ``');
  });

  it('fence code blocks longer than backtick runs', () => {
    assert.equal(codeBlock('echo ```', 'sh'), '````sh\necho ```\n````');
  });
});

describe('hoverMarkdown', () => {
  const analysis = wasmDumpAnalysis();
  const markdown = hoverMarkdown(analysis.rootCause!, analysis);

  it('names role, title and code', () => {
    assert.match(markdown, /^\*\*Root cause: A mapped file lives on a mount outside the container\*\* — `mount-lookup\.mnt-id-not-in-namespace`/);
  });

  it('explains fd=-3', () => {
    assert.match(markdown, /fd=-3 means the file is a memory mapping/);
  });

  it('ranks the causes', () => {
    assert.match(markdown, /1\. The runtime \(crun with wasmedge\)/);
    assert.match(markdown, /2\. A bind mount was removed\./);
  });

  it('puts commands and snippets in code blocks', () => {
    assert.match(markdown, /```sh\n\s*podman container checkpoint --runtime runc <container>\n\s*```/);
    assert.match(markdown, /```\n\s*external mnt\[\]:sm\n\s*```/);
  });

  it('lists the follow-on lines', () => {
    assert.match(markdown, /line 339: `Collect mappings \(pid: 23349\) failed with -1`/);
    assert.match(markdown, /line 344: `Dumping FAILED\.`/);
  });

  it('links the CRIU source at the release tag', () => {
    assert.match(markdown, /\[criu\/files-reg\.c:1790\]\(https:\/\/github\.com\/checkpoint-restore\/criu\/blob\/v4\.1\.1\/criu\/files-reg\.c#L1790\) in CRIU 4\.1\.1/);
  });

  it('points a follow-on line at the root cause', () => {
    const followOn = analysis.findings.find((candidate) => candidate.record.line === 344)!;
    assert.match(hoverMarkdown(followOn, analysis), /root cause is on line 338/);
  });

  it('marks a benign error as harmless', () => {
    const benign = analysis.findings.find((candidate) => candidate.role === 'benign')!;
    assert.match(hoverMarkdown(benign, analysis), /carries on; it does not make the dump or restore fail/);
  });
});

describe('explanationMarkdown', () => {
  it('states facts, log line and sections', () => {
    const analysis = wasmDumpAnalysis();
    const markdown = explanationMarkdown(analysis.rootCause!, analysis, 'dump.log');
    assert.match(markdown, /^# A mapped file lives on a mount outside the container\n/);
    assert.match(markdown, /Root cause in `dump\.log`, line 338/);
    assert.match(markdown, /- CRIU 4\.1\.1\n/);
    assert.match(markdown, /```\nError \(criu\/files-reg\.c:1790\): Can't lookup mount=174 for fd=-3 path=\/\n```/);
    assert.match(markdown, /## Likely causes/);
    assert.match(markdown, /## Fixes/);
  });
});
