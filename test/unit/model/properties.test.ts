import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { analyzeText } from '../../../src/model/analyze';
import { CATEGORIES } from '../../../src/model/categories';
import { parseLine } from '../../../src/model/logLine';
import type { Analysis } from '../../../src/model/types';

const PUBLIC = join(__dirname, '..', '..', 'fixtures', 'criu-logs', 'public');

/** Every line of every public fixture log: real shapes to cut and recombine. */
const REAL_LINES: string[] = readdirSync(PUBLIC)
  .flatMap((folder) => {
    try {
      return readFileSync(join(PUBLIC, folder, 'log.txt'), 'utf8').split('\n');
    } catch {
      return [];
    }
  })
  .filter((line) => line.length > 0);

function assertConsistent(analysis: Analysis): void {
  assert.ok(['failed', 'succeeded', 'unknown'].includes(analysis.outcome));
  for (const finding of analysis.findings) {
    assert.ok(finding.record.line >= 1 && finding.record.line <= Math.max(1, analysis.lineCount), `line ${finding.record.line} of ${analysis.lineCount}`);
    assert.ok((CATEGORIES as readonly string[]).includes(finding.category), finding.category);
  }
  if (analysis.rootCause) assert.ok(analysis.findings.includes(analysis.rootCause));
  if (analysis.outcome === 'succeeded') assert.equal(analysis.rootCause, null);
}

/** A real line cut at a random place, with random text glued on either side. */
const cutRealLine = fc
  .tuple(fc.constantFrom(...REAL_LINES), fc.nat(), fc.nat(), fc.string({ maxLength: 20 }))
  .map(([line, a, b, junk]) => {
    const start = a % (line.length + 1);
    const end = start + (b % (line.length - start + 1));
    return junk + line.slice(start, end) + (a % 3 === 0 ? junk : '');
  });

describe('parser properties', () => {
  test('arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => {
        assertConsistent(analyzeText(text));
      }),
      { numRuns: 500 },
    );
  });

  test('arbitrary bytes decoded as UTF-8 never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), (bytes) => {
        assertConsistent(analyzeText(Buffer.from(bytes).toString('utf8')));
      }),
      { numRuns: 300 },
    );
  });

  test('real lines cut at random places never throw', () => {
    fc.assert(
      fc.property(fc.array(cutRealLine, { maxLength: 60 }), (lines) => {
        assertConsistent(analyzeText(lines.join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0])));
      }),
      { numRuns: 400 },
    );
  });

  test('every line segment keeps its column inside the line', () => {
    fc.assert(
      fc.property(cutRealLine, (line) => {
        for (const segment of parseLine(line)) {
          assert.ok(segment.column >= 0 && segment.column <= line.length, `column ${segment.column} of ${line.length}`);
        }
      }),
      { numRuns: 1000 },
    );
  });

  // A backtracking pattern would hang on these long runs of the characters the patterns look for;
  // the timeout turns a hang into a failure.
  test('pathological lines do not hang', { timeout: 20_000 }, () => {
    const shapes = ['(', 'Error (', '(00.1) ', 'pie: 1: ', 'a:1): ', ' ', '1: ', 'Warn  (x.c:1', '\\"', 'time="'];
    for (const shape of shapes) {
      const line = shape.repeat(Math.ceil(200_000 / shape.length));
      assertConsistent(analyzeText(line + '\n' + line));
    }
  });
});
