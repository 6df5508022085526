import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { z } from 'zod';

import { analyzeText } from '../../../src/model/analyze';
import { toReport } from '../../../src/model/report';
import { explainReportSchema } from '../../../src/model/reportSchema';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');

function logFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return logFiles(path);
    return /\.(log|txt)$/.test(name) ? [path] : [];
  });
}

describe('explain --json schema', () => {
  test('every fixture report validates', () => {
    const files = logFiles(FIXTURES);
    assert.ok(files.length > 60, `only ${files.length} fixture logs`);
    for (const path of files) {
      const report = toReport(analyzeText(readFileSync(path, 'utf8'), { fileName: path }), path);
      const result = explainReportSchema.safeParse(JSON.parse(JSON.stringify(report)));
      assert.ok(result.success, `${path}: ${result.success ? '' : z.prettifyError(result.error)}`);
    }
  });

  test('rejects a report with an unknown category', () => {
    const report = toReport(analyzeText('(00.1) Error (criu/file-lock.c:112): Some file locks are hold by dumping tasks!'), 'x.log');
    const tampered = { ...report, rootCause: { ...report.rootCause!, category: 'file-lock' } };
    assert.equal(explainReportSchema.safeParse(tampered).success, false);
  });

  test('published JSON Schema is up to date', () => {
    const published = JSON.parse(readFileSync(join(ROOT, 'docs', 'explain-report.schema.json'), 'utf8')) as Record<string, unknown>;
    const generated = { title: published.title, ...z.toJSONSchema(explainReportSchema) };
    assert.deepEqual(published, generated, 'run: node --import tsx scripts/write-report-schema.mjs');
  });
});
