import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { parsePodmanVersion, type PodmanVersion } from '../../src/engine/podmanArgs';
import { parseOperationStatistics } from '../../src/engine/stats';
import {
  checkpointFlagChoices,
  failureMessage,
  inPlaceRestoreOptions,
  optionsFromChoices,
  parseCheckpointFlags,
  parseRestoreFlags,
  retryChoice,
  statisticsSummary,
} from '../../src/extension/containers/checkpointChoices';
import { analyzeText } from '../../src/model/analyze';

const fixtures = path.resolve(__dirname, '../fixtures');
const read = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');
const version = (text: string): PodmanVersion => parsePodmanVersion(text)!;

describe('checkpointFlagChoices', () => {
  it('offers every switch podman 5.4 has', () => {
    const flags = checkpointFlagChoices(version('5.4.2'), {}, false).map((choice) => choice.flag);
    assert.deepEqual(flags, ['--keep', '--leave-running', '--tcp-established', '--file-locks', '--pre-checkpoint', '--with-previous', '--print-stats']);
  });

  it('leaves out flags older podman lacks', () => {
    const flags = checkpointFlagChoices(version('3.4.0'), {}, false).map((choice) => choice.flag);
    assert.ok(!flags.includes('--file-locks'), `3.4 has no --file-locks: ${flags.join(' ')}`);
    assert.ok(!flags.includes('--print-stats'), `3.4 has no --print-stats: ${flags.join(' ')}`);
    assert.ok(flags.includes('--keep'));
  });

  it('adds archive switches when exporting', () => {
    const flags = checkpointFlagChoices(version('4.3.1'), {}, true).map((choice) => choice.flag);
    assert.ok(flags.includes('--ignore-rootfs'));
    assert.ok(flags.includes('--ignore-volumes'));
  });

  it('ticks the defaults', () => {
    const picked = checkpointFlagChoices(version('5.4.2'), { keep: true, printStats: true }, false).filter((choice) => choice.picked);
    assert.deepEqual(picked.map((choice) => choice.flag), ['--keep', '--print-stats']);
  });

  it('keeps the default compression', () => {
    const choices = checkpointFlagChoices(version('5.4.2'), {}, true).filter((choice) => choice.flag === '--keep');
    assert.deepEqual(optionsFromChoices(choices, { compress: 'gzip' }), { compress: 'gzip', keep: true });
  });
});

describe('parseCheckpointFlags', () => {
  it('parses switches and compression', () => {
    const parsed = parseCheckpointFlags(['--keep', '--print-stats', '--compress=gzip'], version('5.4.2'));
    assert.deepEqual(parsed.options, { keep: true, printStats: true, compress: 'gzip' });
    assert.deepEqual(parsed.problems, []);
  });

  it('rejects unknown, valued and too new flags', () => {
    const parsed = parseCheckpointFlags(['--bogus', '--export=/x', '--print-stats', '--compress=lz4'], version('3.4.0'));
    assert.deepEqual(parsed.options, {});
    assert.equal(parsed.problems.length, 4);
    assert.match(parsed.problems[0], /--bogus is not a podman container checkpoint flag/);
    assert.match(parsed.problems[1], /--export needs a value/);
    assert.match(parsed.problems[2], /--print-stats needs podman 4\.0 or later, but the host has podman 3\.4\.0/);
    assert.match(parsed.problems[3], /--compress takes zstd, gzip or none/);
  });
});

describe('restore flags', () => {
  it('parses switches and drops archive-only ones in place', () => {
    const parsed = parseRestoreFlags(['--keep', '--ignore-rootfs', '--print-stats'], version('5.4.2'));
    assert.deepEqual(parsed.options, { keep: true, ignoreRootfs: true, printStats: true });
    assert.deepEqual(inPlaceRestoreOptions(parsed.options), { keep: true, printStats: true });
  });

  it('rejects a flag that needs a value', () => {
    assert.match(parseRestoreFlags(['--name'], version('5.4.2')).problems[0], /needs a value/);
  });
});

describe('statisticsSummary', () => {
  it('summarizes checkpoint timings', () => {
    const statistics = parseOperationStatistics(read('podman/stats/rest-checkpoint-t-crun-keep.json'));
    assert.equal(
      statisticsSummary(statistics.containers[0]),
      'runtime 367 ms, freezing time 101 ms, frozen 199 ms, memory dump 1.9 ms, 36 of 50 scanned pages written',
    );
  });

  it('summarizes restore timings', () => {
    const statistics = parseOperationStatistics(read('podman/stats/rest-restore-t-crun-keep.json'));
    assert.equal(statisticsSummary(statistics.containers[0]), 'runtime 274 ms, restore time 193 ms, forking 1.7 ms, 22 pages restored');
  });

  it('says when CRIU reported nothing', () => {
    const statistics = parseOperationStatistics(read('podman/stats/rest-checkpoint-t-runc-no-stats.json'));
    // Without printStats podman measures nothing: runtime_checkpoint_duration 0, criu_statistics null.
    assert.equal(statisticsSummary(statistics.containers[0]), 'CRIU reported no statistics');
  });
});

describe('failure notification', () => {
  const fileLocks = analyzeText(read('criu-logs/public/021-file-locks-openj9/log.txt'));
  const gapMap = analyzeText(read('podman/logs/gap-map-dump.log'));

  it('names the root cause', () => {
    assert.equal(failureMessage('checkpoint', 'gap-map', gapMap, 'ignored'), 'Checkpoint of gap-map failed: A memory mapping comes from a mount outside the container');
  });

  it('falls back to the podman error', () => {
    assert.equal(failureMessage('restore', 'web', undefined, 'container state improper'), 'Restore of web failed: container state improper');
  });

  it('offers the fix flag as a retry', () => {
    assert.deepEqual(retryChoice(fileLocks, 'checkpoint', version('5.4.2'), {}, false), { flag: '--file-locks', option: 'fileLocks' });
  });

  it('offers no retry the attempt already used', () => {
    assert.equal(retryChoice(fileLocks, 'checkpoint', version('5.4.2'), { fileLocks: true }, false), undefined);
  });

  it('offers no retry podman lacks', () => {
    assert.equal(retryChoice(fileLocks, 'checkpoint', version('3.4.0'), {}, false), undefined);
  });

  it('offers no retry without a fix flag', () => {
    assert.equal(retryChoice(gapMap, 'checkpoint', version('5.4.2'), {}, false), undefined);
  });
});
