import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { diagnosticFindings, findingAtLine } from '../../src/extension/diagnosticFindings';
import { finding, record, wasmDumpAnalysis } from './extension-fixtures';

describe('diagnosticFindings', () => {
  it('maps roles to levels and skips follow-ons', () => {
    const result = diagnosticFindings(wasmDumpAnalysis(), { showBenign: true });
    assert.deepEqual(
      result.map(({ finding: item, level }) => [item.record.line, level]),
      [
        [17, 'hint'],
        [338, 'error'],
      ],
    );
  });

  it('hides benign findings on request', () => {
    const result = diagnosticFindings(wasmDumpAnalysis(), { showBenign: false });
    assert.deepEqual(result.map(({ level }) => level), ['error']);
  });

  it('shows other causes as warnings', () => {
    const analysis = wasmDumpAnalysis();
    analysis.findings.push(finding('other-cause', record(200, 'unix: Unable to open a socket file')));
    const levels = diagnosticFindings(analysis, { showBenign: false }).map(({ level }) => level);
    assert.deepEqual(levels, ['error', 'warning']);
  });
});

describe('findingAtLine', () => {
  it('finds the finding covering a line', () => {
    const analysis = wasmDumpAnalysis();
    assert.equal(findingAtLine(analysis, 338)?.role, 'root-cause');
    assert.equal(findingAtLine(analysis, 344)?.role, 'follow-on');
    assert.equal(findingAtLine(analysis, 100), undefined);
  });

  it('covers continuation lines', () => {
    const analysis = wasmDumpAnalysis();
    analysis.rootCause!.record.endLine = 340;
    assert.equal(findingAtLine(analysis, 339)?.role, 'root-cause');
  });
});
