import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { assessCapabilities, type HostCapabilities, type HostFacts } from '../../src/engine/capabilities';
import { classifyFailure } from '../../src/engine/errors';
import type { Host } from '../../src/engine/hosts';
import { parseInfo } from '../../src/engine/podmanJson';
import { CONTAINER_COMMANDS } from '../../src/extension/containers/commandIds';
import { sharesLocalFileSystem } from '../../src/extension/containers/hostFiles';
import { hostProblemFromError, problemsFromCapabilities } from '../../src/extension/containers/hostProblems';
import { problemRow } from '../../src/extension/containers/treeRows';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ssh: Host = { name: 'far', prefix: ['ssh', 'far.example'] };
const local: Host = { name: 'local', prefix: [] };

function capabilitiesOf(host: Host, facts: HostFacts): HostCapabilities {
  const findings = assessCapabilities(facts);
  return { ...facts, host, findings, canCheckpoint: !findings.some((finding) => finding.severity === 'blocking') };
}

describe('problemsFromCapabilities', () => {
  it('reports podman missing', () => {
    const problems = problemsFromCapabilities(local, capabilitiesOf(local, { problems: [{ code: 'podman-missing', severity: 'blocking', message: 'podman info is not installed on the host: Program not found: podman' }] }));
    assert.equal(problems.length, 1);
    assert.equal(problems[0].kind, 'podman-missing');
    assert.equal(problems[0].fix.command, CONTAINER_COMMANDS.editHosts);
  });

  it('blames a missing prefix program', () => {
    const problems = problemsFromCapabilities(ssh, capabilitiesOf(ssh, { problems: [{ code: 'podman-missing', severity: 'blocking', message: 'podman info is not installed on the host: Program not found: ssh' }] }));
    assert.equal(problems[0].kind, 'prefix-program-missing');
    assert.match(problems[0].message, /^ssh not found/);
  });

  it('reports an unreachable ssh host with a retry', () => {
    const problems = problemsFromCapabilities(ssh, capabilitiesOf(ssh, { problems: [{ code: 'podman-failed', severity: 'blocking', message: 'podman info failed: ssh: Could not resolve hostname far.example' }] }));
    assert.equal(problems[0].kind, 'unreachable');
    assert.equal(problems[0].fix.command, CONTAINER_COMMANDS.refresh);
    assert.deepEqual(problems[0].fix.arguments, ['far']);
  });

  it('warns about rootless podman', () => {
    const info = parseInfo(readFileSync(path.resolve(__dirname, '../fixtures/podman/podman5/info.json'), 'utf8'));
    const problems = problemsFromCapabilities(local, capabilitiesOf(local, { info: { ...info, rootless: true } }));
    assert.equal(problems.length, 1);
    assert.equal(problems[0].kind, 'rootless');
    assert.equal(problemRow(problems[0]).icon.id, 'warning');
  });

  it('warns about crun without CRIU', () => {
    const info = parseInfo(readFileSync(path.resolve(__dirname, '../fixtures/podman/podman4/info.json'), 'utf8'));
    const problems = problemsFromCapabilities(local, capabilitiesOf(local, { info, runtime: { name: 'crun', version: '1.8.1', features: ['SYSTEMD'], supportsCheckpoint: false, wasmHandlers: [] } }));
    assert.equal(problems.length, 1);
    assert.equal(problems[0].fix.command, CONTAINER_COMMANDS.showHostCapabilities);
    assert.equal(problems[0].kind, 'capability');
    assert.equal(problemRow(problems[0]).icon.id, 'warning');
    assert.match(problems[0].message, /crun 1\.8\.1 was built without CRIU support/);
  });
});

describe('hostProblemFromError', () => {
  it('classifies a missing podman', () => {
    const error = classifyFailure({ command: ['podman', 'ps'], spawnErrorCode: 'ENOENT' });
    assert.equal(hostProblemFromError(local, error, 'list').kind, 'podman-missing');
  });

  it('classifies an ssh connection failure', () => {
    const error = classifyFailure({ command: ['ssh', 'far.example', 'podman', 'ps'], exitCode: 255, stderr: 'ssh: connect to host far.example port 22: Connection refused\n' });
    assert.equal(hostProblemFromError(ssh, error, 'list').kind, 'unreachable');
  });

  it('classifies a sudo password prompt', () => {
    const sudo: Host = { name: 'root', prefix: ['sudo', '-n'] };
    const error = classifyFailure({ command: ['sudo', '-n', 'podman', 'ps'], exitCode: 1, stderr: 'sudo: a password is required\n' });
    const problem = hostProblemFromError(sudo, error, 'list');
    assert.equal(problem.kind, 'permission');
    assert.match(problem.detail, /NOPASSWD/);
  });

  it('keeps other listing failures', () => {
    const error = classifyFailure({ command: ['podman', 'ps'], exitCode: 125, stderr: 'Error: database is locked\n' });
    const problem = hostProblemFromError(local, error, 'list');
    assert.equal(problem.kind, 'list-failed');
    assert.match(problem.detail, /database is locked/);
    assert.equal(problem.fix.command, CONTAINER_COMMANDS.showOutput);
  });
});

describe('sharesLocalFileSystem', () => {
  it('accepts local and sudo hosts', () => {
    assert.equal(sharesLocalFileSystem(local), true);
    assert.equal(sharesLocalFileSystem({ name: 'root', prefix: ['sudo', '-n'] }), true);
  });

  it('rejects ssh, nsenter and shell prefixes', () => {
    assert.equal(sharesLocalFileSystem(ssh), false);
    assert.equal(sharesLocalFileSystem({ name: 'ns', prefix: ['nsenter', '--mount=/run/x/ns', '--'] }), false);
    assert.equal(sharesLocalFileSystem({ name: 'sudo-ns', prefix: ['sudo', 'nsenter', '--mount=/run/x/ns', '--'] }), false);
    assert.equal(sharesLocalFileSystem({ name: 'sh', prefix: ['sh', '-c', 'exec "$@"', 'x'] }), false);
  });
});
