import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { escapeControls, escapeLines } from '../../../src/cli/terminalText';

describe('terminal text escaping', () => {
  test('C0, DEL and C1 escaped', () => {
    assert.equal(escapeControls('/esc\u001b[2J\u001b]0;PWNED\u0007/x'), '/esc\\x1b[2J\\x1b]0;PWNED\\x07/x');
    assert.equal(escapeControls('a\nb\tc\rd'), 'a\\nb\\tc\\rd');
    assert.equal(escapeControls('del\u007f c1\u0085\u009b'), 'del\\x7f c1\\x85\\x9b');
    assert.equal(escapeControls('nul\u0000'), 'nul\\x00');
  });

  test('printable text unchanged', () => {
    const text = 'path /usr/lib/ü → ä \\012 back\\slash';
    assert.equal(escapeControls(text), text);
  });

  test('line breaks kept by escapeLines', () => {
    assert.equal(escapeLines('one\u001b\ntwo\t'), 'one\\x1b\ntwo\\t');
  });
});
