import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { analyzeText } from '../../../src/model/analyze';
import type { Category } from '../../../src/model/categories';
import type { LogKind, Outcome } from '../../../src/model/types';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

interface Expected {
  file: string;
  outcome: Outcome;
  /** Category and 1-based line of the root cause, or null when the log shows no failure. */
  category: Category | null;
  line: number | null;
  kind?: LogKind;
  /** Lines of follow-on errors attached to the root cause. */
  related?: number[];
  code?: string;
}

function check(expected: Expected): void {
  const text = readFileSync(join(FIXTURES, expected.file), 'utf8');
  const analysis = analyzeText(text, { fileName: expected.file });
  assert.equal(analysis.outcome, expected.outcome, 'outcome');
  assert.equal(analysis.rootCause?.category ?? null, expected.category, 'root-cause category');
  assert.equal(analysis.rootCause?.record.line ?? null, expected.line, 'root-cause line');
  if (expected.kind) assert.equal(analysis.facts.logKind, expected.kind, 'log kind');
  if (expected.related) assert.deepEqual(analysis.rootCause?.related.map((record) => record.line), expected.related, 'related lines');
  if (expected.code) assert.equal(analysis.rootCause?.code, expected.code, 'code');
}

/** Real failures reported publicly; `log.txt` is the excerpt each reporter posted. */
const PUBLIC: Expected[] = [
  { file: '001-wasm-crun-cant-lookup-mount', category: 'mount-lookup', line: 1, outcome: 'failed', related: [2] },
  { file: '003-posix-mqueue-cant-lookup-mount', category: 'mount-lookup', line: 1, outcome: 'failed', kind: 'dump', related: [2] },
  { file: '005-docker-sock-bind-no-proper-root-mount', category: 'external-mount', line: 1, outcome: 'failed' },
  { file: '007-runc-userns-proc-sched-debug-root-mount', category: 'external-mount', line: 12, outcome: 'failed' },
  { file: '009-lxd-dev-console-unreachable-sharing', category: 'mount-propagation', line: 9, outcome: 'failed', related: [12] },
  { file: '011-cuda-nvidia-chr-device-fd', category: 'device-file', line: 2, outcome: 'failed', related: [3, 4] },
  { file: '013-podman-gpu-firmware-mount-transport-socket', category: 'external-mount', line: 1, outcome: 'failed' },
  { file: '014-runc-transport-socket-selinux', category: 'transport-socket', line: 7, outcome: 'failed', kind: 'terminal' },
  { file: '015-docker-tcp-established-config-ignored', category: 'tcp', line: 9, outcome: 'failed' },
  { file: '017-restore-inet-cannot-assign-address', category: 'tcp', line: 11, outcome: 'failed', kind: 'restore', related: [12, 13] },
  { file: '018-unix-half-stream-connection', category: 'unix-socket', line: 15, outcome: 'failed' },
  { file: '021-file-locks-openj9', category: 'file-locks', line: 1, outcome: 'failed', related: [5] },
  { file: '023-docker-ghost-file-chrome-shm', category: 'ghost-file', line: 4, outcome: 'failed', related: [5] },
  { file: '025-docker-aufs-link-remap', category: 'link-remap', line: 9, outcome: 'failed', related: [10, 17] },
  { file: '027-restore-link-remap-missing-shm', category: 'link-remap', line: 2, outcome: 'failed', kind: 'restore' },
  { file: '030-podman-inotify-overlayfs-handle', category: 'fsnotify', line: 5, outcome: 'unknown' },
  { file: '031-vdso-rt-bounds-vvar-vclock', category: 'vdso', line: 1, outcome: 'failed' },
  { file: '032-restore-vdso-unmapped-valgrind', category: 'vdso', line: 1, outcome: 'failed', kind: 'restore' },
  { file: '034-wsl2-seccomp-suspend-eperm', category: 'seccomp', line: 1, outcome: 'failed' },
  { file: '036-podman-crun-cgroup-restore-move', category: 'cgroup', line: 3, outcome: 'failed', kind: 'restore' },
  { file: '037-nested-pidns-containerd-shim', category: 'namespace', line: 1, outcome: 'failed' },
  { file: '040-userns-unable-to-convert-uid', category: 'namespace', line: 1, outcome: 'failed' },
  { file: '041-io-uring-unknown-vma', category: 'io-uring', line: 1, outcome: 'failed' },
  { file: '044-tty-dangling-shell-job', category: 'tty', line: 2, outcome: 'failed', related: [4] },
  { file: '046-restore-tty-no-task-with-sid-vscode', category: 'tty', line: 1, outcome: 'failed', kind: 'restore', related: [2] },
  { file: '048-restore-pid-in-use-file-exists', category: 'pid-collision', line: 3, outcome: 'failed', kind: 'restore', related: [4] },
  { file: '052-kernel-no-proc-children', category: 'kernel-feature', line: 5, outcome: 'failed' },
  { file: '053-podman-selinux-context-kernel', category: 'lsm', line: 10, outcome: 'failed' },
  { file: '055-apparmor-attr-current-einval', category: 'lsm', line: 2, outcome: 'failed' },
  { file: '057-nonroot-mapfile-eperm', category: 'permission', line: 11, outcome: 'failed' },
  { file: '058-criu-inside-dumped-tree', category: 'process-tree', line: 1, outcome: 'failed' },
  // mem.c:44 in CRIU 3.8.1 is BUG_ON(!kdat.has_dirty_track): memory tracking on a LinuxKit kernel without soft-dirty.
  { file: '060-bug-mem-c-linuxkit', category: 'kernel-feature', line: 20, outcome: 'failed' },
  { file: '061-docker-mountinfo-bad-format', category: 'mountinfo-parse', line: 1, outcome: 'failed' },
  { file: '062-podman-dumping-failed-kernel-7-1', category: 'unexplained', line: 2, outcome: 'failed', kind: 'terminal' },
  { file: '064-restore-mntns-cleanup-busy', category: 'mount-namespace', line: 1, outcome: 'failed' },
];

/** Real logs made on podman 4 and 5 with crun, runc and plain criu. */
const LOCAL: Expected[] = [
  {
    file: 'mapping-gap-wasm-crun-wasmedge/wasm-tick-dump.log',
    category: 'mount-lookup',
    line: 338,
    outcome: 'failed',
    kind: 'dump',
    related: [339, 344],
  },
  { file: 'mapping-gap-preserved-fd/gap-map-dump.log', category: 'mount-lookup', line: 351, outcome: 'failed', kind: 'dump', related: [352, 357] },
  { file: 'mapping-gap-preserved-fd/gap-map-runc-dump.log', category: 'mount-lookup', line: 356, outcome: 'failed', kind: 'dump', related: [357, 363] },
  { file: 'mapping-gap-preserved-fd/gap-fd-dump.log', category: 'mount-lookup', line: 431, outcome: 'failed', kind: 'dump', related: [433, 447] },
  { file: 'bookworm-podman4-criu3-fail/bookworm-runc-dump.log', category: 'vdso', line: 28, outcome: 'failed', related: [29, 30] },
  { file: 'bookworm-podman4-criu3-fail/bookworm-runc-restore-import.log', category: 'vdso', line: 27, outcome: 'failed', kind: 'restore' },
  { file: 'criu-plain-cli/plain-dump-3.log', category: 'mount-lookup', line: 487, outcome: 'failed', kind: 'dump' },
  { file: 'criu-plain-cli/plain-dump-4.log', category: 'mount-lookup', line: 487, outcome: 'failed', kind: 'dump' },
  { file: 'criu-plain-cli/plain-dump-5.log', category: 'mount-lookup', line: 493, outcome: 'failed', kind: 'dump' },
  { file: 'criu-plain-cli/plain-restore-6.log', category: 'internal-bug', line: 487, outcome: 'failed', kind: 'restore' },
  { file: 'criu-plain-cli/plain-restore-7-mntns-compat.log', category: 'mount-namespace', line: 556, outcome: 'failed', kind: 'restore' },
  { file: 'trixie-podman5-criu4-bringup/trixie-runc-dump-2.log', category: 'mount-namespace', line: 351, outcome: 'failed', kind: 'dump' },
  // Successful runs: the harmless rlimit error and `ip`'s "Address already assigned" must not turn them into failures.
  { file: 'trixie-podman5-criu4-bringup/trixie-crun-dump-2.log', category: null, line: null, outcome: 'succeeded', kind: 'dump' },
  { file: 'trixie-podman5-criu4-bringup/trixie-runc-dump-ok.log', category: null, line: null, outcome: 'succeeded', kind: 'dump' },
  { file: 'trixie-podman5-criu4-bringup/trixie-runc-dump-leave-running.log', category: null, line: null, outcome: 'succeeded', kind: 'dump' },
  { file: 'trixie-podman5-criu4-bringup/trixie-crun-dump-leave-running.log', category: null, line: null, outcome: 'succeeded', kind: 'dump' },
  { file: 'trixie-podman5-criu4-bringup/trixie-runc-dump-tcp-filelocks.log', category: null, line: null, outcome: 'succeeded', kind: 'dump' },
  { file: 'trixie-podman5-criu4-bringup/trixie-crun-dump-tcp-filelocks.log', category: null, line: null, outcome: 'succeeded', kind: 'dump' },
  { file: 'trixie-podman5-criu4-bringup/trixie-runc-restore-ok.log', category: null, line: null, outcome: 'succeeded', kind: 'restore' },
  { file: 'trixie-podman5-criu4-bringup/trixie-crun-restore-1.log', category: null, line: null, outcome: 'succeeded', kind: 'restore' },
  { file: 'trixie-podman5-criu4-bringup/trixie-runc-restore-tcp-filelocks.log', category: null, line: null, outcome: 'succeeded', kind: 'restore' },
  { file: 'trixie-podman5-criu4-bringup/trixie-crun-restore-tcp-filelocks.log', category: null, line: null, outcome: 'succeeded', kind: 'restore' },
  { file: 'criu-plain-cli/plain-dump-6.log', category: null, line: null, outcome: 'succeeded', kind: 'dump' },
  { file: 'criu-plain-cli/plain-pidonly-dump.log', category: null, line: null, outcome: 'succeeded', kind: 'dump' },
  { file: 'criu-plain-cli/plain-pidonly-restore.log', category: null, line: null, outcome: 'succeeded', kind: 'restore' },
];

/** What users paste from a terminal: podman's, crun's and runc's own output. */
const TERMINAL: Expected[] = [
  { file: 'terminal/crun-checkpoint-wasm.txt', category: 'unexplained', line: 1, outcome: 'failed', kind: 'terminal' },
  { file: 'terminal/runc-checkpoint-bookworm.txt', category: 'unexplained', line: 2, outcome: 'failed', kind: 'terminal' },
  { file: 'terminal/runc-restore-import-bookworm.txt', category: 'unexplained', line: 1, outcome: 'failed', kind: 'terminal' },
  { file: 'terminal/crun-without-criu-bookworm.txt', category: 'runtime-support', line: 1, outcome: 'failed', kind: 'terminal' },
];

describe('public CRIU failures', () => {
  for (const expected of PUBLIC) {
    test(expected.file, () => check({ ...expected, file: join('criu-logs', 'public', expected.file, 'log.txt') }));
  }
});

describe('local real logs', () => {
  for (const expected of LOCAL) {
    test(expected.file, () => check({ ...expected, file: join('local', expected.file) }));
  }
});

describe('pasted terminal output', () => {
  for (const expected of TERMINAL) {
    test(expected.file, () => check(expected));
  }
});

describe('pre-dump log', () => {
  // Lines as CRIU 4.1.1 prints them for `criu pre-dump` (cr-dump.c); no real pre-dump log is recorded yet.
  const lines = [
    '(00.000041) Version: 4.1.1 (gitid 0)',
    '(00.000049) Running on host Linux 6.18.44 #1 SMP PREEMPT_DYNAMIC @0 x86_64',
    '(00.004000) ========================================',
    '(00.004002) Pre-dumping task (pid: 4242 comm: loop)',
    '(00.004004) ========================================',
    '(00.005000) Pre-dumping tasks\' memory',
    '(00.006000) Error (criu/mem.c:571): Can\'t dump page with parasite',
    '(00.006100) Error (criu/cr-dump.c:1905): Pre-dumping FAILED.',
  ];

  test('kind, root task and outcome', () => {
    const analysis = analyzeText(lines.join('\n'));
    assert.equal(analysis.facts.logKind, 'pre-dump');
    assert.equal(analysis.facts.pid, 4242);
    assert.equal(analysis.facts.comm, 'loop');
    assert.equal(analysis.outcome, 'failed');
    assert.equal(analysis.rootCause?.record.line, 7);
    assert.deepEqual(analysis.rootCause?.related.map((record) => record.line), [8]);
  });

  test('success banner', () => {
    const analysis = analyzeText([...lines.slice(0, 6), '(00.007000) Pre-dumping finished successfully'].join('\n'));
    assert.equal(analysis.outcome, 'succeeded');
    assert.equal(analysis.facts.logKind, 'pre-dump');
    assert.equal(analysis.rootCause, null);
  });
});

describe('huge logs', () => {
  test('cause after 30,000 warnings is kept', () => {
    const lines = Array.from({ length: 30_000 }, (_, index) => `(00.${String(index).padStart(6, '0')}) Warn  (compel/arch/x86/src/lib/infect.c:418): Will restore ${index} with interrupted system call`);
    lines.push("(01.000000) Error (criu/sk-unix.c:725): sk unix: Can't dump half of stream unix connection.");
    lines.push('(01.000100) Error (criu/cr-dump.c:2111): Dumping FAILED.');
    const analysis = analyzeText(lines.join('\n'));
    assert.equal(analysis.rootCause?.record.line, 30_001);
    assert.equal(analysis.rootCause?.category, 'unix-socket');
    assert.deepEqual(analysis.rootCause?.related.map((record) => record.line), [30_002]);
    assert.ok(analysis.droppedRecordCount > 0, 'dropped warnings are counted');
  });

  test('100,000 errors keep the first and the last', () => {
    const lines = Array.from({ length: 100_000 }, (_, index) => `(00.1) Error (criu/files-reg.c:1790): Can't lookup mount=${index} for fd=3 path=/x`);
    lines.push('(00.2) Error (criu/cr-dump.c:2111): Dumping FAILED.');
    const analysis = analyzeText(lines.join('\n'));
    assert.equal(analysis.rootCause?.record.line, 1);
    assert.deepEqual(analysis.rootCause?.related.map((record) => record.line), [100_001]);
    assert.equal(analysis.droppedRecordCount + analysis.findings.length, 100_001);
  });
});
