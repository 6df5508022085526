import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import { groupProcessRecords, parseRecords, PROCESS_SCRIPT, splitHeadOutput } from '../../../src/engine/collect';

const BATCH_PROBE = "if find /proc/self/fd -maxdepth 0 -printf '' 2>/dev/null && head -v -n 1 /proc/self/stat >/dev/null 2>&1; then batch=1; fi";

describe('batched fd reads', () => {
  test('head output splits per fd', () => {
    const content = '==> /proc/7/fdinfo/0 <==\npos:\t0\nflags:\t02\n\n==> /proc/7/fdinfo/12 <==\npos:\t5\nlock:\t1: FLOCK  ADVISORY  WRITE 7 00:37:1 0 EOF\n';
    assert.deepEqual(splitHeadOutput(content, 7), [
      '== /proc/7/fdinfo/0\npos:\t0\nflags:\t02\n',
      '== /proc/7/fdinfo/12\npos:\t5\nlock:\t1: FLOCK  ADVISORY  WRITE 7 00:37:1 0 EOF\n',
    ]);
  });

  test('headers of other PIDs do not split', () => {
    const content = '==> /proc/7/fdinfo/3 <==\npos:\t0\n==> /proc/8/fdinfo/4 <==\nino:\t1\n';
    assert.deepEqual(splitHeadOutput(content, 7), ['== /proc/7/fdinfo/3\npos:\t0\n==> /proc/8/fdinfo/4 <==\nino:\t1\n']);
  });

  test('empty head output has no fds', () => {
    assert.deepEqual(splitHeadOutput('', 7), []);
  });

  test('script batches match the per-fd loop', { skip: process.platform !== 'linux' && 'needs Linux /proc' }, () => {
    assert.ok(PROCESS_SCRIPT.includes(BATCH_PROBE), 'the batch probe line changed; update this test');
    const directory = mkdtempSync(path.join(os.tmpdir(), 'collect-batch-'));
    const file = path.join(directory, 'open file.txt');
    writeFileSync(file, 'x');
    const fd = openSync(file, 'r');
    try {
      const read = (script: string): ReturnType<typeof groupProcessRecords> => {
        const result = spawnSync('sh', ['-c', script, 'sh', String(process.pid), '0', '0'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        assert.equal(result.status, 0, result.stderr);
        return groupProcessRecords(parseRecords(result.stdout));
      };
      const batched = read(PROCESS_SCRIPT).processes[0];
      const looped = read(PROCESS_SCRIPT.replace(BATCH_PROBE, 'batch=0')).processes[0];

      assert.equal(batched.pid, process.pid);
      assert.ok(batched.fds.includes(`fd ${fd} -> ${file}`), batched.fds.join('\n'));
      const block = batched.fdinfo.find((text) => text.startsWith(`== /proc/${process.pid}/fdinfo/${fd}\n`));
      assert.match(block ?? '', /^mnt_id:\t\d+$/m);
      assert.match(block ?? '', /^pos:\t0$/m);

      // The script's own fds (the pipe to this test, the glob's directory) may differ between runs.
      const fdNumber = (line: string): string => /^fd (\d+) /.exec(line)![1];
      const stable = (lines: string[]): string[] => lines.filter((line) => Number(fdNumber(line)) <= fd).sort();
      assert.deepEqual(stable(batched.fds), stable(looped.fds));
      const blockFd = (text: string): number => Number(/^== \/proc\/\d+\/fdinfo\/(\d+)\n/.exec(text)![1]);
      // Positions, counters and timers change between the two reads, so only these lines are compared.
      const fixedLines = (text: string): string => text.split('\n').filter((line) => /^(?:== |flags:|mnt_id:|ino:)/.test(line)).join('\n');
      const stableInfo = (blocks: string[]): string[] => blocks.filter((text) => blockFd(text) <= fd).map(fixedLines).sort();
      assert.deepEqual(stableInfo(batched.fdinfo), stableInfo(looped.fdinfo));
    } finally {
      closeSync(fd);
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
