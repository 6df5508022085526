import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import { groupProcessRecords, parseRecords, PROCESS_SCRIPT, type ProcRecord } from '../../../src/engine/collect';
import { expandBatchRecords } from '../../../src/engine/collectBatch';

const BATCH_PROBE = "if find /proc/self/fd -maxdepth 0 -printf '' 2>/dev/null && head -v -n 1 /proc/self/stat >/dev/null 2>&1; then";

function record(tag: string, key: string, content: string, status = 0): ProcRecord {
  return { tag, key, content, status };
}

describe('batched walk records', () => {
  test('head-all expands in walk order', () => {
    const expanded = expandBatchRecords([
      record('walk', '0', '7 9 '),
      record('head-all', '0', '==> 9/mountinfo <==\n1 0 8:1 / / rw - ext4 /dev/sda1 rw\n\n==> 9/maps <==\n00400000-00401000 r-xp 00000000 08:01 12 /bin/x\n\n==> 7/maps <==\n\n==> 7/mountinfo <==\n2 0 8:1 / / rw - ext4 /dev/sda1 rw\n', 1),
    ]);
    assert.deepEqual(expanded, [
      record('mountinfo', '7', '2 0 8:1 / / rw - ext4 /dev/sda1 rw\n'),
      record('maps', '7', ''),
      record('mountinfo', '9', '1 0 8:1 / / rw - ext4 /dev/sda1 rw\n'),
      record('maps', '9', '00400000-00401000 r-xp 00000000 08:01 12 /bin/x\n'),
    ]);
  });

  test('file missing from head-all fails', () => {
    const expanded = expandBatchRecords([record('walk', '0', '7 8 '), record('head-all', '0', '==> 7/mountinfo <==\nx\n\n==> 7/maps <==\ny\n', 1)]);
    assert.deepEqual(expanded.slice(2), [record('mountinfo', '8', '', 1), record('maps', '8', '', 1)]);
    const readout = groupProcessRecords([record('walk', '0', '7 8 '), record('head-all', '0', '==> 7/mountinfo <==\nx\n\n==> 7/maps <==\ny\n', 1)]);
    assert.deepEqual(readout.problems, ['reading /proc/8/mountinfo failed with exit status 1', 'reading /proc/8/maps failed with exit status 1']);
    assert.deepEqual(
      readout.processes.map((parts) => parts.pid),
      [7, 8],
    );
  });

  test('fdinfo-all splits by PID and fd', () => {
    const content = '==> 7/fdinfo/0 <==\npos:\t0\nflags:\t02\n\n==> 9/fdinfo/12 <==\npos:\t5\nmnt_id:\t30\n\n==> 5/fdinfo/1 <==\npos:\t1\n';
    const expanded = expandBatchRecords([record('walk', '0', '7 9'), record('fdinfo-all', '0', content)]);
    assert.deepEqual(expanded, [record('fdinfo', '7/0', 'pos:\t0\nflags:\t02\n'), record('fdinfo', '9/12', 'pos:\t5\nmnt_id:\t30\n')]);
  });

  test('repeated fdinfo header drops that fd', () => {
    // io_uring lists registered files by name in its fdinfo, so a name can look like a header.
    const content = '==> 7/fdinfo/4 <==\npos:\t0\nUserFiles:\t1\n    0: x\n==> 9/fdinfo/3 <==\nmnt_id:\t1\n\n==> 9/fdinfo/3 <==\nmnt_id:\t30\n';
    const expanded = expandBatchRecords([record('walk', '0', '7 9'), record('fdinfo-all', '0', content)]);
    assert.deepEqual(expanded, [record('fdinfo', '7/4', 'pos:\t0\nUserFiles:\t1\n    0: x')]);
  });

  test('links-fdinfo gives link mount ids', () => {
    const readout = groupProcessRecords([
      record('walk', '0', '7'),
      record('head-all', '0', '==> 7/mountinfo <==\nm\n\n==> 7/maps <==\nx\n'),
      record('exe', '7', '/bin/busybox'),
      record('cwd', '7', '/'),
      record('root', '7', ''),
      record('fd', '7/fd/3', '/data/log'),
      record('links-fdinfo', '7', '==> self/fdinfo/3 <==\npos:\t0\nmnt_id:\t119\n\n==> self/fdinfo/4 <==\npos:\t0\nmnt_id:\t120\n\n==> self/fdinfo/5 <==\nmnt_id:\t121\n'),
    ]);
    const [parts] = readout.processes;
    assert.deepEqual(parts.links, { exe: { path: '/bin/busybox', mntId: 119 }, cwd: { path: '/', mntId: 120 } });
    assert.deepEqual(parts.fds, ['fd 3 -> /data/log']);
    assert.deepEqual(readout.problems, []);
  });

  test('records without walk pass through', () => {
    const records = [record('mountinfo', '7', 'm'), record('fd', '7/3', 'pipe:[1]')];
    assert.deepEqual(expandBatchRecords(records), records);
  });
});

describe('batched walk on this machine', { skip: process.platform !== 'linux' && 'needs Linux /proc' }, () => {
  test('batched walk matches the per-file walk', async () => {
    assert.ok(PROCESS_SCRIPT.includes(BATCH_PROBE), 'the batch probe line changed; update this test');
    const directory = mkdtempSync(path.join(os.tmpdir(), 'collect-batch-'));
    const file = path.join(directory, 'held file.txt');
    writeFileSync(file, 'x');
    // A shell holding the file on fd 7 with two sleeping children that inherit it.
    const tree = spawn('sh', ['-c', 'exec 7<"$1"; sleep 60 & sleep 60 & echo started; wait', 'sh', file], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    try {
      await new Promise<void>((resolve) => tree.stdout!.once('data', () => resolve()));
      const read = (script: string): ReturnType<typeof groupProcessRecords> => {
        const result = spawnSync('sh', ['-c', script, 'sh', String(tree.pid), '0', '0'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        assert.equal(result.status, 0, result.stderr);
        return groupProcessRecords(parseRecords(result.stdout));
      };
      const batched = read(PROCESS_SCRIPT);
      const looped = read(PROCESS_SCRIPT.replace(BATCH_PROBE, 'if false; then'));

      assert.deepEqual(batched.problems, []);
      assert.deepEqual(
        batched.processes.map((parts) => parts.pid),
        looped.processes.map((parts) => parts.pid),
      );
      assert.equal(batched.processes.length, 3);
      assert.equal(batched.processes[0].pid, tree.pid);
      // Positions, counters and timers can change between the two reads, so fdinfo is compared by these lines.
      const fixedLines = (text: string): string => text.split('\n').filter((line) => /^(?:== |flags:|mnt_id:|ino:)/.test(line)).join('\n');
      for (const [index, parts] of batched.processes.entries()) {
        const other = looped.processes[index];
        assert.equal(parts.mountinfo, other.mountinfo, `mountinfo of ${parts.pid}`);
        assert.equal(parts.maps, other.maps, `maps of ${parts.pid}`);
        assert.equal(parts.cmdline, other.cmdline, `cmdline of ${parts.pid}`);
        assert.deepEqual(parts.links, other.links, `links of ${parts.pid}`);
        assert.ok(parts.links.exe?.mntId !== undefined, `no exe mount id for ${parts.pid}`);
        assert.deepEqual([...parts.fds].sort(), [...other.fds].sort(), `fds of ${parts.pid}`);
        assert.ok(parts.fds.includes(`fd 7 -> ${file}`), parts.fds.join('\n'));
        assert.deepEqual(parts.fdinfo.map(fixedLines).sort(), other.fdinfo.map(fixedLines).sort(), `fdinfo of ${parts.pid}`);
      }
      assert.match(readFileSync(`/proc/${tree.pid}/cmdline`, 'utf8'), /^sh\0-c\0/);
    } finally {
      process.kill(-tree.pid!, 'SIGTERM');
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
