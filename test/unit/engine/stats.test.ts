import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { PodmanOutputError } from '../../../src/engine/podmanJson';
import { parseOperationStatistics } from '../../../src/engine/stats';
import { readFixture } from './fixtures';

describe('parseOperationStatistics', () => {
  test('REST checkpoint report', () => {
    const statistics = parseOperationStatistics(readFixture('stats/rest-checkpoint-t-crun-keep.json'));
    assert.equal(statistics.podmanDurationUs, undefined);
    assert.equal(statistics.containers.length, 1);
    const [container] = statistics.containers;
    assert.equal(container.id, '1b0496601c3c5e891b0512322a0f2e77318438a342149d08f992f27358e17ba6');
    assert.equal(container.runtimeDurationUs, 366901);
    assert.deepEqual(container.criu, {
      freezingTimeUs: 101474,
      frozenTimeUs: 199000,
      memdumpTimeUs: 1886,
      memwriteTimeUs: 335,
      pagesScanned: 50,
      pagesWritten: 36,
      pagesCompared: undefined,
      pagesSkippedCow: undefined,
      forkingTimeUs: undefined,
      restoreTimeUs: undefined,
      pagesRestored: undefined,
    });
  });

  test('REST restore report', () => {
    const [container] = parseOperationStatistics(readFixture('stats/rest-restore-t-crun-keep.json')).containers;
    assert.equal(container.runtimeDurationUs, 273805);
    assert.equal(container.criu?.restoreTimeUs, 193021);
    assert.equal(container.criu?.pagesRestored, 22);
    assert.equal(container.criu?.forkingTimeUs, 1742);
  });

  test('null criu_statistics', () => {
    const [container] = parseOperationStatistics(readFixture('stats/rest-checkpoint-t-runc-no-stats.json')).containers;
    assert.equal(container.criu, undefined);
    assert.equal(container.runtimeDurationUs, 0);
  });

  test('command-line wrapper object', () => {
    // Shape of podman 5.4.2's checkpointStatistics (cmd/podman/containers/checkpoint.go), printed
    // with four-space indentation, around the recorded per-container report.
    const report = JSON.parse(readFixture('stats/rest-checkpoint-t-crun-keep.json'));
    const text = JSON.stringify({ podman_checkpoint_duration: 402113, container_statistics: [report] }, null, 4);
    const statistics = parseOperationStatistics(text);
    assert.equal(statistics.podmanDurationUs, 402113);
    assert.equal(statistics.containers[0].criu?.frozenTimeUs, 199000);
  });

  test('other JSON is rejected', () => {
    assert.throws(() => parseOperationStatistics('{"foo":1}'), PodmanOutputError);
    assert.throws(() => parseOperationStatistics('t-crun\n'), PodmanOutputError);
  });
});
