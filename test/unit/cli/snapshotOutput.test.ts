import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { describeCommand, OutputFileError, writeOutputFile } from '../../../src/cli/snapshot';

const scratch = mkdtempSync(join(tmpdir(), 'checkpoint-lens-snapshot-out-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('snapshot -o file', () => {
  test('replaces the file whole', () => {
    const folder = join(scratch, 'ok');
    mkdirSync(folder);
    const target = join(folder, 'snap.json');
    writeFileSync(target, 'old');
    writeOutputFile(target, '{"version": 1}\n');
    assert.equal(readFileSync(target, 'utf8'), '{"version": 1}\n');
    assert.deepEqual(readdirSync(folder), ['snap.json']);
  });

  test('failed write keeps the old file', () => {
    const folder = join(scratch, 'blocked');
    mkdirSync(folder);
    const target = join(folder, 'snap.json');
    writeFileSync(target, 'old');
    // A folder in place of the temporary file makes its creation fail, even for root.
    mkdirSync(join(folder, `.snap.json.${process.pid}.tmp`));
    assert.throws(() => writeOutputFile(target, 'new'), (error: Error) => error instanceof OutputFileError && error.message.startsWith(`cannot write the snapshot to ${target}: EEXIST`) && error.message.endsWith(`${target} was left as it was; give another file with -o, or "-o -" to print the snapshot.`));
    assert.equal(readFileSync(target, 'utf8'), 'old');
  });

  test('missing folder named', () => {
    assert.throws(() => writeOutputFile(join(scratch, 'absent', 'snap.json'), 'new'), /cannot write the snapshot to .*absent\/snap\.json: ENOENT/);
  });
});

describe('command in error messages', () => {
  test('long words cut', () => {
    const script = `rec() { printf '%s' "$1"; }\n${'x'.repeat(200)}`;
    assert.equal(describeCommand(['/nonexistent-t4', 'sh', '-c', script, 'sh', '1']), `/nonexistent-t4 sh -c 'rec() { printf '\\''%s'\\'' "$1"…' sh 1`);
  });

  test('podman part stays visible', () => {
    const prefix = ['sh', '-c', `echo $$ > /sys/fs/cgroup/unified/checkpoint-lens-stack/cgroup.procs && exec "$@"`, 'enter-cgroup-leaf', 'nsenter', '--mount=/var/ns/mnt', '--'];
    assert.match(describeCommand([...prefix, 'podman', 'container', 'inspect', '--', 'web']), /^sh -c 'echo \$\$ > \/sys\/fs\/cgroup…' enter-cgroup-leaf nsenter '--mount=\/var\/ns\/mnt' -- podman container inspect -- web$/);
  });
});
