import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { analyzeText } from '../../../src/model/analyze';
import type { Analysis } from '../../../src/model/types';
import { analyzeLogFile, countNewlines } from '../../../src/node/analyzeLogFile';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

function logFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return logFiles(path);
    return /\.(log|txt)$/.test(name) ? [path] : [];
  });
}

/** What must not differ between parsing every line and parsing only the marked ones. */
function summary(analysis: Analysis) {
  return {
    outcome: analysis.outcome,
    lineCount: analysis.lineCount,
    root: analysis.rootCause && { line: analysis.rootCause.record.line, code: analysis.rootCause.code, related: analysis.rootCause.related.map((record) => record.line) },
    findings: analysis.findings.map((finding) => `${finding.record.line}:${finding.code}:${finding.role}:${finding.record.message}`),
  };
}

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'checkpoint-lens-scan-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('countNewlines', () => {
  test('matches a byte loop at every alignment', () => {
    const bytes = Buffer.from('a\nbb\n\nccc\r\n' + 'x'.repeat(37) + '\n\n\n\ny\n');
    for (let start = 0; start < bytes.length; start++) {
      for (let end = start; end <= bytes.length; end++) {
        let expected = 0;
        for (let index = start; index < end; index++) if (bytes[index] === 0x0a) expected++;
        assert.equal(countNewlines(bytes, start, end), expected, `[${start}, ${end})`);
      }
    }
  });

  test('counts bytes next to a newline exactly', () => {
    // 0x0b and 0x09 differ from 0x0a in one bit each; 0x8a only in the top bit.
    const bytes = Buffer.from([0x0b, 0x0a, 0x09, 0x8a, 0x0a, 0x0a, 0x00, 0xff, 0x0a]);
    assert.equal(countNewlines(bytes, 0, bytes.length), 4);
  });
});

describe('analyzeLogFile', () => {
  for (const path of logFiles(FIXTURES)) {
    const text = readFileSync(path, 'utf8');
    const name = path.slice(FIXTURES.length + 1);
    test(`file equals text analysis: ${name}`, async () => {
      const { analysis } = await analyzeLogFile(path);
      assert.deepEqual(summary(analysis), summary(analyzeText(text, { fileName: path })));
    });
    // With no head and no tail parsed whole, only the marker path decides what the analyser sees.
    // Success banners and runc's logrus lines carry no marker, so those files are left out here.
    if (/finished successfully|level=error/.test(text)) continue;
    test(`marker path equals full parse: ${name}`, async () => {
      const { analysis } = await analyzeLogFile(path, { headLines: 0, tailBytes: 0 });
      assert.deepEqual(summary(analysis), summary(analyzeText(text, { fileName: path })));
    });
  }

  test('success banner found in the tail of a large log', async () => {
    const good = readFileSync(join(FIXTURES, 'local', 'trixie-podman5-criu4-bringup', 'trixie-runc-dump-ok.log'), 'utf8');
    const lines = good.split('\n');
    const body = lines.slice(30, -3).join('\n');
    const path = join(scratch, 'big-ok.log');
    writeFileSync(path, [lines.slice(0, 30).join('\n'), ...Array(200).fill(body), lines.slice(-3).join('\n')].join('\n'));
    const { analysis, stats } = await analyzeLogFile(path);
    assert.ok(stats.totalBytes > 4 * 1024 * 1024, 'file spans several chunks');
    assert.equal(analysis.outcome, 'succeeded');
    assert.equal(analysis.facts.criuVersion, '4.1.1');
    assert.equal(analysis.lineCount, analyzeText(readFileSync(path, 'utf8')).lineCount);
  });

  test('root cause line exact across chunks', async () => {
    const seed = readFileSync(join(FIXTURES, 'local', 'mapping-gap-wasm-crun-wasmedge', 'wasm-tick-dump.log'), 'utf8').split('\n');
    const filler = '(00.005000) page-pipe: \tbuf 16 pages, 1 iovs, flags: 0 pipe_off: 0 :\n'.repeat(120_000);
    const path = join(scratch, 'big-fail.log');
    writeFileSync(path, seed.slice(0, 100).join('\n') + '\n' + filler + seed.slice(100).join('\n'));
    const { analysis } = await analyzeLogFile(path);
    assert.equal(analysis.rootCause?.record.line, 338 + 120_000);
    assert.equal(analysis.rootCause?.category, 'mount-lookup');
    assert.deepEqual(analysis.rootCause?.related.map((record) => record.line), [339 + 120_000, 344 + 120_000]);
  });

  test('multi-line message split across a chunk boundary', async () => {
    // The error line ends exactly at the 4 MiB chunk edge; its continuation starts the next chunk.
    const error = "(00.1) Error (criu/proc_parse.c:1432): Bad format in 22902 mountinfo: 'abc/work";
    const prefix = 'x'.repeat(4 * 1024 * 1024 - error.length - 1 - 1) + '\n';
    const path = join(scratch, 'edge.log');
    writeFileSync(path, prefix + error + '\n' + "'\n(00.2) Error (criu/cr-dump.c:1): Dumping FAILED.\n");
    const { analysis } = await analyzeLogFile(path);
    assert.equal(analysis.rootCause?.record.line, 2);
    assert.equal(analysis.rootCause?.category, 'mountinfo-parse');
    assert.equal(analysis.rootCause?.record.endLine, 3);
  });
});
