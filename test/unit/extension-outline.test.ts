import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildOutline } from '../../src/extension/outline';
import { wasmDumpAnalysis } from './extension-fixtures';

describe('buildOutline', () => {
  const outline = buildOutline(wasmDumpAnalysis(), { includeBenign: true });

  it('lists the phases in order', () => {
    assert.deepEqual(
      outline.map((node) => [node.kind, node.line, node.endLine]),
      [
        ['phase', 15, 329],
        ['phase', 330, 334],
        ['phase', 335, 344],
      ],
    );
  });

  it('puts findings under their phase', () => {
    assert.deepEqual(outline[0]!.children.map((node) => node.line), [17]);
    assert.deepEqual(outline[2]!.children.map((node) => node.line), [338, 339, 344]);
    assert.match(outline[2]!.children[0]!.detail, /^root cause · mount-lookup/);
  });

  it('drops benign findings on request', () => {
    const withoutBenign = buildOutline(wasmDumpAnalysis(), { includeBenign: false });
    assert.deepEqual(withoutBenign[0]!.children, []);
  });

  it('keeps findings before the first phase at the top', () => {
    const analysis = wasmDumpAnalysis();
    analysis.phases = analysis.phases.map((phase) => ({ ...phase, line: phase.line + 5 }));
    const nodes = buildOutline(analysis, { includeBenign: true });
    assert.equal(nodes[0]!.kind, 'finding');
    assert.equal(nodes[0]!.line, 17);
  });

  it('handles a log without phases', () => {
    const analysis = wasmDumpAnalysis();
    analysis.phases = [];
    assert.deepEqual(buildOutline(analysis, { includeBenign: true }).map((node) => node.line), [17, 338, 339, 344]);
  });
});
