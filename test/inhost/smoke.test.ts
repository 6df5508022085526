import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

// Identifier `<publisher>.<name>` from package.json.
const extensionId = 'checkpoint-lens.checkpoint-lens';

describe('extension smoke', () => {
  it('is installed in the extension host', () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `extension ${extensionId} not found in the extension host`);
  });

  it('activates without throwing', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `extension ${extensionId} not found in the extension host`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });
});
