import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { configSnippetDocument, containerIdFromLogPath, fixActions, podmanCommandText } from '../../src/extension/fixActions';
import { wasmDumpAnalysis } from './extension-fixtures';

const containerId = '268f1cb684888c3d23e2b559e562e6459751439da36dfb3220df54c57aec6a0a';
const podmanLogPath = `/var/lib/containers/storage/overlay-containers/${containerId}/userdata/dump.log`;

describe('podmanCommandText', () => {
  it('reads the container id from podman paths', () => {
    assert.equal(containerIdFromLogPath(podmanLogPath), containerId);
    assert.equal(containerIdFromLogPath('/tmp/dump.log'), undefined);
  });

  it('fills in the short container id', () => {
    assert.equal(podmanCommandText('podman container checkpoint --tcp-established <container>', podmanLogPath), 'podman container checkpoint --tcp-established 268f1cb68488');
  });

  it('keeps the placeholder without a podman path', () => {
    assert.equal(podmanCommandText('podman container checkpoint <container>', '/tmp/dump.log'), 'podman container checkpoint <container>');
    assert.equal(podmanCommandText('podman container checkpoint <container>', undefined), 'podman container checkpoint <container>');
  });
});

describe('fixActions', () => {
  it('offers copy, snippet and explanation', () => {
    const actions = fixActions(wasmDumpAnalysis().rootCause!, podmanLogPath);
    assert.deepEqual(
      actions.map((action) => action.kind),
      ['copy-command', 'open-config-snippet', 'show-explanation'],
    );
    assert.equal(actions[0]!.title, 'Copy fixed podman command');
    assert.deepEqual(actions[0], { kind: 'copy-command', title: 'Copy fixed podman command', command: 'podman container checkpoint --runtime runc 268f1cb68488' });
    assert.equal(actions[1]!.title, 'Open CRIU configuration snippet (external)');
  });

  it('names the flag when several commands exist', () => {
    const rootCause = wasmDumpAnalysis().rootCause!;
    rootCause.explanation.fixes.push({ description: 'Check the kernel.', command: 'criu check --all' });
    const titles = fixActions(rootCause, undefined).map((action) => action.title);
    assert.deepEqual(titles.slice(0, 2), ['Copy fixed podman command: --runtime', 'Copy command: criu check --all']);
  });

  it('offers only the explanation without fixes', () => {
    const rootCause = wasmDumpAnalysis().rootCause!;
    rootCause.explanation.fixes = [];
    assert.deepEqual(fixActions(rootCause, undefined).map((action) => action.kind), ['show-explanation']);
  });
});

describe('configSnippetDocument', () => {
  it('prefixes comments and ends with a newline', () => {
    const text = configSnippetDocument(wasmDumpAnalysis().rootCause!, 'external mnt[]:sm');
    assert.match(text, /^# CRIU configuration for: /);
    assert.ok(text.endsWith('\nexternal mnt[]:sm\n'));
    for (const line of text.split('\n').slice(0, 3)) assert.match(line, /^#/);
  });
});
