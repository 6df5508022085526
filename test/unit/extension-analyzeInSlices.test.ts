import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { analyzeInSlices } from '../../src/extension/analyzeInSlices';
import { analyzeText } from '../../src/model/analyze';

const wasmDumpLog = readFileSync(path.join(__dirname, '../fixtures/local/mapping-gap-wasm-crun-wasmedge/wasm-tick-dump.log'), 'utf8');

describe('analyzeInSlices', () => {
  it('matches analyzeText across slices', async () => {
    const sliced = await analyzeInSlices(wasmDumpLog, () => false, 50);
    assert.deepEqual(sliced, analyzeText(wasmDumpLog));
  });

  it('matches analyzeText on CRLF text', async () => {
    const crlf = wasmDumpLog.replace(/\n/g, '\r\n');
    const sliced = await analyzeInSlices(crlf, () => false, 50);
    assert.equal(sliced?.rootCause?.record.line, 338);
    assert.deepEqual(sliced, analyzeText(crlf));
  });

  it('stops when cancelled', async () => {
    let slices = 0;
    const result = await analyzeInSlices(wasmDumpLog, () => ++slices >= 2, 50);
    assert.equal(result, undefined);
    assert.equal(slices, 2);
  });
});
