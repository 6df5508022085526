/**
 * Analysis of real pre-dump failures from a kernel without soft-dirty memory tracking
 * (test/fixtures/local/predump/README.md names the commands and the stack). Tests marked
 * `todo` state the analysis the logs call for and that the analyzer does not give yet. They run
 * and report, but do not fail the suite.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { analyzeText } from '../../../src/model/analyze';
import type { Analysis } from '../../../src/model/types';

const PREDUMP = join(__dirname, '..', '..', 'fixtures', 'local', 'predump');

function analyze(fileName: string): Analysis {
  return analyzeText(readFileSync(join(PREDUMP, fileName), 'utf8'), { fileName });
}

describe('criu pre-dump without memory tracking', () => {
  const file = 'criu-pre-dump-no-dirty-tracking.log';

  test('log kind is pre-dump', () => {
    assert.equal(analyze(file).facts.logKind, 'pre-dump');
  });

  test('outcome is failed', () => {
    assert.equal(analyze(file).outcome, 'failed');
  });

  test('header facts are read', () => {
    const { facts } = analyze(file);
    assert.equal(facts.criuVersion, '4.1.1');
    assert.equal(facts.comm, 'busybox');
  });

  test('root cause is the BUG line', () => {
    const { rootCause } = analyze(file);
    assert.equal(rootCause?.record.line, 355);
    assert.equal(rootCause?.record.message, 'BUG at criu/mem.c:45');
  });

  test('rlimit error is benign', () => {
    const rlimit = analyze(file).findings.find((finding) => finding.record.line === 14);
    assert.equal(rlimit?.role, 'benign');
    assert.equal(rlimit?.category, 'rlimit');
  });

  // CRIU 4.1.1 logs `Enforcing memory tracking for pre-dump.` (line 15) and aborts at mem.c:45,
  // which in 4.1.1 is BUG_ON(!kdat.has_dirty_track): the kernel has no soft-dirty tracking.
  test('root cause is missing memory tracking', () => {
    const { rootCause } = analyze(file);
    assert.equal(rootCause?.category, 'kernel-feature');
    assert.equal(rootCause?.code, 'kernel-feature.dirty-tracking-assertion');
  });
});

describe('podman pre-checkpoint with crun', () => {
  const file = 'podman-crun-pre-checkpoint.log';

  test('log kind is terminal', () => {
    assert.equal(analyze(file).facts.logKind, 'terminal');
  });

  test('outcome is failed', () => {
    assert.equal(analyze(file).outcome, 'failed');
  });

  test('runtime is crun', () => {
    assert.equal(analyze(file).facts.runtime, 'crun');
  });

  // crun 1.21 prints `memory tracking not supported. Please check CRIU logfile <path>` with no
  // `CRIU ... failed` before it. The line parser reads it as plain info, so neither the
  // knowledge-base pattern /memory tracking not supported/ nor the log path is taken from it,
  // and the root cause falls to podman's `Error:` line 2.
  test('root cause is line 1', () => {
    const { rootCause } = analyze(file);
    assert.equal(rootCause?.record.line, 1);
    assert.equal(rootCause?.category, 'kernel-feature');
    assert.equal(rootCause?.code, 'kernel-feature.memory-tracking-off');
  });

  test('referenced dump.log is read', () => {
    assert.match(analyze(file).facts.referencedLog ?? '', /\/userdata\/dump\.log$/);
  });
});

describe('podman pre-checkpoint with runc', () => {
  const file = 'podman-runc-pre-checkpoint.log';

  test('log kind is terminal', () => {
    assert.equal(analyze(file).facts.logKind, 'terminal');
  });

  test('outcome is failed', () => {
    assert.equal(analyze(file).outcome, 'failed');
  });

  test('runtime is runc', () => {
    assert.equal(analyze(file).facts.runtime, 'runc');
  });

  test('root cause is runc message', () => {
    const { rootCause } = analyze(file);
    assert.equal(rootCause?.record.line, 1);
    assert.equal(rootCause?.record.message, 'CRIU is missing features');
  });

  // runc 1.1.15 prints `CRIU is missing features` when CRIU lacks memory tracking, which
  // `--pre-dump` needs. The `--pre-dump` in podman's line 2 names the operation.
  test('root cause is missing memory tracking', () => {
    const { rootCause } = analyze(file);
    assert.equal(rootCause?.category, 'kernel-feature');
    assert.equal(rootCause?.code, 'kernel-feature.runc-criu-features-missing');
    assert.equal(rootCause?.record.line, 1);
  });
});

describe('criu check mem_dirty_track', () => {
  const file = 'criu-check-mem-dirty-track.log';

  test('root cause is dirty tracking off', () => {
    const { rootCause } = analyze(file);
    assert.equal(rootCause?.record.line, 1);
    assert.equal(rootCause?.category, 'kernel-feature');
    assert.equal(rootCause?.code, 'kernel-feature.memory-tracking-off');
  });

  test('outcome is unknown', () => {
    assert.equal(analyze(file).outcome, 'unknown');
  });
});
