import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { looksLikeCriuLog, summaryTitle } from '../../src/extension/summary';
import type { Analysis } from '../../src/model/types';
import { wasmDumpAnalysis } from './extension-fixtures';

function emptyAnalysis(extra: Partial<Analysis> = {}): Analysis {
  return { facts: { logKind: 'unknown' }, outcome: 'unknown', rootCause: null, findings: [], phases: [], lineCount: 0, recognizedLineCount: 0, droppedRecordCount: 0, ...extra };
}

describe('summaryTitle', () => {
  it('names the root cause of a failed dump', () => {
    assert.equal(summaryTitle(wasmDumpAnalysis()), 'Dump failed: A mapped file lives on a mount outside the container');
  });

  it('names restore and pre-dump', () => {
    const restore = wasmDumpAnalysis();
    restore.facts.logKind = 'restore';
    assert.match(summaryTitle(restore), /^Restore failed: /);
    const preDump = wasmDumpAnalysis();
    preDump.facts.logKind = 'pre-dump';
    assert.match(summaryTitle(preDump), /^Pre-dump failed: /);
  });

  it('reports success', () => {
    assert.equal(summaryTitle(emptyAnalysis({ facts: { logKind: 'dump' }, outcome: 'succeeded' })), 'Dump finished successfully');
    assert.equal(summaryTitle(emptyAnalysis({ facts: { logKind: 'restore' }, outcome: 'succeeded' })), 'Restore finished successfully');
  });

  it('reports a log that ends early', () => {
    assert.equal(summaryTitle(emptyAnalysis({ facts: { logKind: 'dump' } })), 'Outcome unknown (log ends early)');
  });

  it('reports a failure without known cause', () => {
    assert.equal(summaryTitle(emptyAnalysis({ facts: { logKind: 'dump' }, outcome: 'failed' })), 'Dump failed: cause not recognised');
  });
});

describe('looksLikeCriuLog', () => {
  it('rejects text without CRIU lines', () => {
    assert.equal(looksLikeCriuLog(emptyAnalysis({ lineCount: 3 })), false);
  });

  it('accepts recognized lines alone', () => {
    assert.equal(looksLikeCriuLog(emptyAnalysis({ lineCount: 3, recognizedLineCount: 1 })), true);
  });

  it('accepts a version header alone', () => {
    assert.equal(looksLikeCriuLog(emptyAnalysis({ facts: { logKind: 'unknown', criuVersion: '4.1.1' } })), true);
  });
});
