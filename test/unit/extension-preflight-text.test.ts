import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parsePodmanVersion } from '../../src/engine/podmanArgs';
import { checkpointFlagChoices } from '../../src/extension/containers/checkpointChoices';
import type { ContainerView } from '../../src/extension/containers/model';
import { commandLine, isReportAction, preflightReportHtml, proseHtml } from '../../src/extension/containers/preflightReportHtml';
import {
  choicesWithPreflight,
  collectedText,
  containerStateKey,
  currentPreflight,
  CHECKPOINT_ANYWAY_ACTION,
  evidenceTarget,
  markdownWithCode,
  missingPreflightFlags,
  preflightFailedLine,
  preflightSummary,
  preflightTooltipLine,
  reportNotice,
  SHOW_REPORT_ACTION,
  splitCodeSpans,
  willFailWarning,
  withCheckpointAfter,
  type PreflightRecord,
} from '../../src/extension/containers/preflightText';
import { containerRow } from '../../src/extension/containers/treeRows';
import type { PreflightFinding, PreflightInput, PreflightReport } from '../../src/model/preflight/types';

const lockFinding: PreflightFinding = {
  check: 'file-locks',
  category: 'file-locks',
  verdict: 'needs-flag',
  title: '1 file lock',
  detail: 'CRIU dumps file locks only with --file-locks.',
  evidence: [{ text: 'pid 4242 holds FLOCK WRITE on /tmp/lock', pid: 4242, source: { file: '/proc/locks', line: 2 } }],
  flag: 'fileLocks',
  fixes: [{ description: 'Checkpoint with --file-locks.', command: 'podman container checkpoint --file-locks web', podmanFlag: '--file-locks' }],
};

const tcpFinding: PreflightFinding = {
  check: 'tcp-sockets',
  category: 'tcp',
  verdict: 'needs-flag',
  title: '1 established TCP connection',
  detail: 'CRIU refuses established connections without --tcp-established.',
  evidence: [{ text: 'pid 4242 fd 3 127.0.0.1:8080 -> 127.0.0.1:41234 ESTABLISHED', pid: 4242, fd: 3, inode: '4711', source: { file: '/proc/4242/net/tcp', line: 3 } }],
  flag: 'tcpEstablished',
  fixes: [],
};

const gapFinding: PreflightFinding = {
  check: 'mapping-gaps',
  category: 'mount-lookup',
  verdict: 'blocks',
  title: 'Mapping of /usr/lib/libwasmedge.so on a mount outside the container',
  detail: 'CRIU cannot find mount 1234 in the container and stops with "Can\'t lookup mount=1234".',
  evidence: [{ text: '7f00-7f10 r-xp /usr/lib/libwasmedge.so mnt_id 1234', pid: 4242, range: '7f00-7f10', mntId: 1234, path: '/usr/lib/libwasmedge.so' }],
  fixes: [{ description: 'Run the module with a runtime that does not map host files.', configSnippet: 'external mnt[]:m' }],
};

const ghostFinding: PreflightFinding = {
  check: 'ghost-files',
  category: 'ghost-file',
  verdict: 'blocks',
  title: '1 deleted file larger than the ghost limit',
  detail: 'Raise the limit with `ghost-limit 16M` in `/etc/criu/runc.conf` or close <the file>.',
  evidence: [{ text: 'pid 4242 fd 3 -> /tmp/t5deleted (deleted), 1.0 MiB', pid: 4242, fd: 3, path: '/tmp/t5deleted', source: { file: '/proc/4242/fd/3' } }],
  fixes: [{ description: 'Put `ghost-limit 16M` into /etc/criu/runc.conf.', configSnippet: 'ghost-limit 16M' }],
};

const fdGapFinding: PreflightFinding = {
  check: 'mapping-gaps',
  category: 'mount-lookup',
  verdict: 'blocks',
  title: 'An open file lies outside the container\'s mounts',
  detail: 'CRIU cannot find mount 999.',
  evidence: [{ text: 'pid 4242 fd 4 -> /srv/host.log on mount 999', pid: 4242, fd: 4, mntId: 999, path: '/srv/host.log', source: { file: '/proc/4242/fdinfo/4' } }],
  fixes: [],
};

const ttyFinding: PreflightFinding = {
  check: 'tty',
  category: 'tty',
  verdict: 'blocks',
  title: 'Container has a terminal (-t)',
  detail: 'podman cannot restore <a terminal> & its peer.',
  evidence: [],
  fixes: [],
};

function report(overrides: Partial<PreflightReport>): PreflightReport {
  return {
    version: 1,
    verdict: 'should-work',
    container: { name: 'web', id: 'abc123', runtime: 'crun' },
    host: { name: 'trixie', criuVersion: '4.1.1', podmanVersion: '5.4.2', kernel: '6.18.0' },
    findings: [],
    flags: [],
    command: ['podman', 'container', 'checkpoint', 'web'],
    criuConfig: [],
    skipped: [],
    ...overrides,
  };
}

const needsLocks = report({ verdict: 'needs-flags', findings: [lockFinding], flags: ['fileLocks'], command: ['podman', 'container', 'checkpoint', '--file-locks', 'web'] });
const willFail = report({ verdict: 'will-fail', findings: [gapFinding, ttyFinding, lockFinding], flags: ['fileLocks'] });

const input: PreflightInput = {
  host: { name: 'trixie' },
  container: { name: 'web', id: 'abc123', pid: 4242 },
  // The two libraries are mapped from devices 8:1 and 8:2, which no mount of the container has, so
  // they are gaps, while libc is on the overlay root (device 0:33, hex 00:21 in maps). fd 3 is a
  // deleted file on the overlay root (mount 22), and fd 4 a file on mount 999, a gap.
  snapshot: {
    version: 1,
    pid: 4242,
    mountinfo: '22 1 0:33 / / rw - overlay overlay rw\n',
    maps: '7f00-7f10 r-xp 00000000 08:01 99 /usr/lib/libwasmedge.so\n7f20-7f30 r--p 00000000 08:02 98 /usr/lib/libxml2.so\n7f40-7f50 r--p 00000000 00:21 7 /usr/lib/libc.so\n',
    fds: 'fd 0 -> /dev/null\nfd 3 -> /tmp/t5deleted (deleted)\nfd 4 -> /srv/host.log\n',
    fdinfo: '== /proc/4242/fdinfo/3\npos:\t0\nflags:\t02\nmnt_id:\t22\nino:\t5\n== /proc/4242/fdinfo/4\npos:\t0\nflags:\t02\nmnt_id:\t999\nino:\t6\n',
    processes: [{ pid: 4250, mountinfo: 'm2\n', maps: 'maps of 4250\n' }],
  },
  processes: [
    { pid: 4242, status: 'Name:\tsh\nSeccomp:\t2\n', ns: { net: 'net:[4026532301]' } },
    { pid: 4250, status: 'Name:\tsleep\n', ns: { net: 'net:[4026532301]' } },
  ],
  net: [{ ns: 'net:[4026532301]', pid: 4242, tcp: '  sl  local_address\n   0: 0100007F:1F90\n   1: 0100007F:A2C2\n' }],
  locks: '1: POSIX  ADVISORY  WRITE 99 00:21:5 0 EOF\n2: FLOCK  ADVISORY  WRITE 4242 00:21:7 0 EOF\n',
  criuConfigs: { '/etc/criu/default.conf': 'ghost-limit 16M\n' },
};

const container: ContainerView = {
  hostName: 'trixie',
  id: 'abc123',
  name: 'web',
  image: 'busybox',
  state: 'running',
  podmanState: 'running',
  status: 'Up 2 minutes',
  runtime: 'crun',
  pid: 4242,
  ports: [],
  staticDir: undefined,
  checkpointedAt: undefined,
  restoredAt: undefined,
  checkpointLog: undefined,
  restoreLog: undefined,
  checkpointPath: undefined,
  autoRemove: false,
};

describe('preflightSummary', () => {
  it('names the flags a report needs', () => {
    assert.equal(preflightSummary(needsLocks), '⚠ needs --file-locks');
  });

  it('names both flags in podman order', () => {
    const both = report({ verdict: 'needs-flags', findings: [tcpFinding, lockFinding], flags: ['tcpEstablished', 'fileLocks'] });
    assert.equal(preflightSummary(both), '⚠ needs --tcp-established --file-locks');
  });

  it('names the blocking categories once each', () => {
    const twoGaps = report({ verdict: 'will-fail', findings: [gapFinding, { ...gapFinding, title: 'another' }, ttyFinding] });
    assert.equal(preflightSummary(twoGaps), '✗ will fail: mount-lookup, tty');
  });

  it('reports should work', () => {
    assert.equal(preflightSummary(report({})), '✓ should work');
  });

  it('marks an incomplete check', () => {
    assert.equal(preflightSummary(report({ complete: false })), '✓ should work as far as checked');
    assert.equal(preflightSummary({ ...needsLocks, complete: false }), '⚠ needs --file-locks as far as checked');
  });

  it('names inet sockets, not tcp', () => {
    const udp: PreflightFinding = { ...gapFinding, check: 'inet-sockets', category: 'tcp', title: '1 UDP socket with CRIU 4.1.1 on Linux 6.18' };
    assert.equal(preflightSummary(report({ verdict: 'will-fail', findings: [udp] })), '✗ will fail: inet sockets');
  });
});

describe('preflightTooltipLine', () => {
  it('lists the findings that matter and the age', () => {
    assert.equal(preflightTooltipLine(needsLocks, '2 min ago'), 'Preflight: needs --file-locks (1 file lock), checked 2 min ago');
  });

  it('counts repeated findings once', () => {
    const repeated = report({ verdict: 'will-fail', findings: [gapFinding, { ...gapFinding, detail: 'other mount' }, gapFinding, ttyFinding] });
    assert.equal(
      preflightTooltipLine(repeated, 'just now'),
      'Preflight: will fail: mount-lookup, tty (Mapping of /usr/lib/libwasmedge.so on a mount outside the container (3×); Container has a terminal (-t)), checked just now',
    );
  });

  it('counts skipped checks', () => {
    const skipped = report({ skipped: [{ check: 'tcp-sockets', reason: '/proc/1/net/tcp: permission denied' }] });
    assert.equal(preflightTooltipLine(skipped, 'just now'), 'Preflight: should work; 1 check could not run, checked just now');
  });
});

describe('preflight record state', () => {
  const record: PreflightRecord = { report: needsLocks, input: undefined, stateKey: containerStateKey(container), checkedAt: new Date('2026-12-04T10:00:00Z') };

  it('keeps a record while the state holds', () => {
    assert.equal(currentPreflight(record, { ...container, status: 'Up 3 minutes' }), record);
  });

  it('drops a record after a restart', () => {
    assert.equal(currentPreflight(record, { ...container, pid: 5000 }), undefined);
  });

  it('drops a record after a checkpoint', () => {
    assert.equal(currentPreflight(record, { ...container, state: 'checkpointed', checkpointedAt: new Date() }), undefined);
  });

  it('drops a record after a failed checkpoint', () => {
    // A failed dump leaves the container running with the same PID, so only the mark outdates the record.
    const failed = withCheckpointAfter(record, 'failed', new Date('2026-12-04T10:05:00Z'));
    assert.equal(currentPreflight(failed, container), undefined);
    assert.deepEqual(failed.checkpointAfter, { at: new Date('2026-12-04T10:05:00Z'), outcome: 'failed' });
    assert.equal(record.checkpointAfter, undefined, 'the input record was changed');
  });

  it('keeps the first checkpoint mark', () => {
    const failed = withCheckpointAfter(record, 'failed', new Date('2026-12-04T10:05:00Z'));
    assert.equal(withCheckpointAfter(failed, 'succeeded', new Date('2026-12-04T10:06:00Z')).checkpointAfter?.outcome, 'failed');
  });
});

describe('reportNotice', () => {
  const checkedAt = new Date('2026-12-04T10:00:00Z');
  const shouldWork: PreflightRecord = { report: report({}), input: undefined, stateKey: containerStateKey(container), checkedAt };

  it('is empty for a current result', () => {
    assert.equal(reportNotice(shouldWork, 'trixie', container, undefined), undefined);
  });

  it('says a failed checkpoint contradicts should work', () => {
    const notice = reportNotice(withCheckpointAfter(shouldWork, 'failed', new Date()), 'trixie', container, undefined);
    assert.equal(notice, 'A checkpoint of web failed after this check, although this check expected it to work; its dump.log names the cause. Check Again before the next checkpoint.');
  });

  it('says a failed checkpoint was predicted', () => {
    const predicted = { ...shouldWork, report: willFail };
    assert.match(reportNotice(withCheckpointAfter(predicted, 'failed', new Date()), 'trixie', container, undefined) ?? '', /failed after this check, as this check predicted;/);
  });

  it('names a successful checkpoint and the new state', () => {
    const checkpointed = { ...container, state: 'checkpointed' as const, checkpointedAt: new Date() };
    assert.equal(
      reportNotice(withCheckpointAfter(shouldWork, 'succeeded', new Date()), 'trixie', checkpointed, undefined),
      'web was checkpointed after this check and is checkpointed now. Check Again before the next checkpoint.',
    );
  });

  it('names the running operation first', () => {
    assert.equal(reportNotice(withCheckpointAfter(shouldWork, 'failed', new Date()), 'trixie', container, 'Checking'), 'Checking web…');
  });

  it('names a container that is gone', () => {
    assert.equal(reportNotice(shouldWork, 'trixie', undefined, undefined), 'web is no longer listed on host trixie.');
  });

  it('names a state change', () => {
    assert.equal(reportNotice(shouldWork, 'trixie', { ...container, state: 'exited', pid: undefined }, undefined), 'web changed since this check and is exited now. Check Again before the next checkpoint.');
  });
});

describe('container row with a preflight', () => {
  const now = new Date('2026-12-04T10:02:00Z');
  const record: PreflightRecord = { report: needsLocks, input: undefined, stateKey: containerStateKey(container), checkedAt: new Date('2026-12-04T10:00:00Z') };

  it('appends the summary to the description', () => {
    assert.equal(containerRow(container, now, undefined, undefined, record).description, '⚠ needs --file-locks · busybox · running');
  });

  it('adds a tooltip line with the verdict icon', () => {
    const tooltip = containerRow(container, now, undefined, undefined, record).tooltip;
    assert.match(tooltip, /\n\$\(warning\) Preflight: needs --file-locks \(1 file lock\), checked 2 min ago$/);
  });

  it('shows the operation instead while busy', () => {
    assert.equal(containerRow(container, now, undefined, 'Checkpointing', record).description, 'Checkpointing…');
  });

  it('has no suffix without a record', () => {
    assert.equal(containerRow(container, now).description, 'busybox · running');
  });

  it('renders code spans of titles in the tooltip', () => {
    const titled = { ...lockFinding, title: 'lock on `/tmp/a*b`' };
    const tooltip = containerRow(container, now, undefined, undefined, { ...record, report: { ...needsLocks, findings: [titled] } }).tooltip;
    assert.match(tooltip, /\(lock on `\/tmp\/a\*b`\), checked 2 min ago$/);
  });
});

describe('choicesWithPreflight', () => {
  const version = parsePodmanVersion('5.4.2')!;

  it('ticks --file-locks and names the finding', () => {
    const choices = choicesWithPreflight(checkpointFlagChoices(version, {}, false), needsLocks);
    const locks = choices.find((choice) => choice.flag === '--file-locks')!;
    assert.equal(locks.picked, true);
    assert.match(locks.description, /^Needed: 1 file lock · /);
    assert.deepEqual(
      choices.filter((choice) => choice.picked).map((choice) => choice.flag),
      ['--file-locks'],
    );
  });

  it('keeps the defaults ticked', () => {
    const choices = choicesWithPreflight(checkpointFlagChoices(version, { keep: true }, false), needsLocks);
    assert.deepEqual(
      choices.filter((choice) => choice.picked).map((choice) => choice.flag),
      ['--keep', '--file-locks'],
    );
  });

  it('ticks nothing for a report that should work', () => {
    const choices = choicesWithPreflight(checkpointFlagChoices(version, {}, false), report({}));
    assert.equal(choices.filter((choice) => choice.picked).length, 0);
  });

  it('leaves the input choices unchanged', () => {
    const original = checkpointFlagChoices(version, {}, false);
    choicesWithPreflight(original, needsLocks);
    assert.equal(original.find((choice) => choice.flag === '--file-locks')!.picked, false);
  });

  it('names flags older podman lacks', () => {
    const old = checkpointFlagChoices(parsePodmanVersion('3.4.0')!, {}, false);
    assert.deepEqual(missingPreflightFlags(old, needsLocks), ['--file-locks']);
    assert.deepEqual(missingPreflightFlags(checkpointFlagChoices(version, {}, false), needsLocks), []);
  });
});

describe('willFailWarning', () => {
  it('names each blocking finding with its category', () => {
    const warning = willFailWarning('web', willFail);
    assert.equal(warning.message, 'The checkpoint of web will fail: the preflight found 2 findings that block it.');
    const lines = warning.detail.split('\n');
    assert.equal(lines[0], '• Mapping of /usr/lib/libwasmedge.so on a mount outside the container (mount-lookup)');
    assert.equal(lines[1], '• Container has a terminal (-t) (tty)');
    assert.ok(!warning.detail.includes('1 file lock'), 'a needs-flag finding is listed as blocking');
  });

  it('lists repeated findings once with a count', () => {
    const repeated = report({ verdict: 'will-fail', findings: [gapFinding, gapFinding, ttyFinding] });
    const warning = willFailWarning('wasm', repeated);
    assert.equal(warning.message, 'The checkpoint of wasm will fail: the preflight found 3 findings that block it.');
    assert.deepEqual(warning.detail.split('\n').slice(0, 2), ['• Mapping of /usr/lib/libwasmedge.so on a mount outside the container (2×, mount-lookup)', '• Container has a terminal (-t) (tty)']);
  });

  it('caps the list of kinds', () => {
    const kinds = Array.from({ length: 9 }, (_, index) => ({ ...ttyFinding, title: `kind ${index}` }));
    const lines = willFailWarning('web', report({ verdict: 'will-fail', findings: kinds })).detail.split('\n');
    assert.equal(lines[5], '• kind 5 (tty)');
    assert.equal(lines[6], '• and 3 more kinds, listed in the report');
  });

  it('makes Show Report the default button', () => {
    const warning = willFailWarning('web', willFail);
    // VS Code's modal dialog makes the first item its primary button, the one Enter presses.
    assert.deepEqual(warning.actions, [SHOW_REPORT_ACTION, CHECKPOINT_ANYWAY_ACTION]);
    assert.equal(SHOW_REPORT_ACTION, 'Show Report');
    assert.equal(CHECKPOINT_ANYWAY_ACTION, 'Checkpoint Anyway');
  });

  it('drops the backticks of titles', () => {
    const titled = { ...ttyFinding, title: 'watch on `/tmp`' };
    assert.equal(willFailWarning('web', report({ verdict: 'will-fail', findings: [titled] })).detail.split('\n')[0], '• watch on /tmp (tty)');
  });

  it('uses the singular for one finding', () => {
    const warning = willFailWarning('wasm', report({ verdict: 'will-fail', findings: [gapFinding] }));
    assert.equal(warning.message, 'The checkpoint of wasm will fail: the preflight found a finding that blocks it.');
  });
});

describe('preflightFailedLine', () => {
  it('keeps the first line of the reason', () => {
    assert.equal(
      preflightFailedLine('web', 'cat: /proc/4242/maps: Permission denied\nmore'),
      'The preflight of web could not run (cat: /proc/4242/maps: Permission denied); checkpointing without it.',
    );
  });
});

describe('collectedText', () => {
  it('returns /proc/locks', () => {
    assert.equal(collectedText(input, '/proc/locks'), input.locks);
  });

  it('returns the net table of the reading process', () => {
    assert.equal(collectedText(input, '/proc/4242/net/tcp'), input.net[0].tcp);
  });

  it('finds the net table through the namespace of another process', () => {
    assert.equal(collectedText(input, '/proc/4250/net/tcp'), input.net[0].tcp);
  });

  it('returns status and snapshot files by pid', () => {
    assert.equal(collectedText(input, '/proc/4250/status'), 'Name:\tsleep\n');
    assert.equal(collectedText(input, '/proc/4242/maps'), input.snapshot.maps);
    assert.equal(collectedText(input, '/proc/4250/maps'), 'maps of 4250\n');
  });

  it('returns CRIU configuration files', () => {
    assert.equal(collectedText(input, '/etc/criu/default.conf'), 'ghost-limit 16M\n');
  });

  it('returns undefined for text it did not collect', () => {
    assert.equal(collectedText(input, '/proc/4242/net/udp'), undefined);
    assert.equal(collectedText(input, '/proc/999/status'), undefined);
    assert.equal(collectedText(input, '/etc/passwd'), undefined);
  });
});

describe('evidenceTarget', () => {
  it('opens the panel for a mapping gap', () => {
    assert.deepEqual(evidenceTarget(gapFinding, gapFinding.evidence[0], input), { kind: 'gap', pid: 4242, focusMapping: '7f00-7f10', fd: undefined, path: '/usr/lib/libwasmedge.so' });
  });

  it('opens the panel for an fd gap', () => {
    assert.deepEqual(evidenceTarget(fdGapFinding, fdGapFinding.evidence[0], input), { kind: 'gap', pid: 4242, focusMapping: undefined, fd: 4, path: '/srv/host.log' });
  });

  it('opens the fd line for a deleted file', () => {
    assert.deepEqual(evidenceTarget(ghostFinding, ghostFinding.evidence[0], input), { kind: 'proc', file: '/proc/4242/fd', line: 2, label: '/proc/4242/fd/3' });
  });

  it('opens the maps line of a mapping on a container mount', () => {
    const evidence = { text: 'pid 4242 maps /usr/lib/libc.so at 7f40-7f50', pid: 4242, range: '7f40-7f50', source: { file: '/proc/4242/maps', line: 3 } };
    assert.deepEqual(evidenceTarget({ ...ghostFinding, evidence: [evidence] }, evidence, input), { kind: 'proc', file: '/proc/4242/maps', line: 3, label: '/proc/4242/maps:3' });
  });

  it('opens the fdinfo block of one fd', () => {
    const evidence = fdGapFinding.evidence[0];
    assert.deepEqual(evidenceTarget(tcpFinding, evidence, input), { kind: 'proc', file: '/proc/4242/fdinfo', line: 6, label: '/proc/4242/fdinfo/4' });
  });

  it('links nothing for an fd the listing lacks', () => {
    const evidence = { text: 'pid 4242 fd 9', pid: 4242, fd: 9, source: { file: '/proc/4242/fd/9' } };
    assert.equal(evidenceTarget(ghostFinding, evidence, input), undefined);
  });

  it('opens the collected line of a /proc source', () => {
    assert.deepEqual(evidenceTarget(tcpFinding, tcpFinding.evidence[0], input), { kind: 'proc', file: '/proc/4242/net/tcp', line: 3, label: '/proc/4242/net/tcp:3' });
  });

  it('links nothing without the collected input', () => {
    assert.equal(evidenceTarget(tcpFinding, tcpFinding.evidence[0], undefined), undefined);
  });
});

describe('preflightReportHtml', () => {
  const page = preflightReportHtml(willFail, input, { cspSource: 'vscode-resource:', nonce: 'N0NCE', canRun: true });

  it('shows the verdict and the command', () => {
    assert.match(page, /<div class="verdict-word">Will fail<\/div>/);
    assert.match(page, /<pre class="command">podman container checkpoint web<\/pre>/);
  });

  it('groups findings by verdict in order', () => {
    const blocks = page.indexOf('Blocks the checkpoint (2)');
    const needs = page.indexOf('Needs a flag (1)');
    assert.ok(blocks > 0, `no 'Blocks the checkpoint (2)' group in the page`);
    assert.ok(needs > blocks, `groups out of order: blocks at ${blocks}, needs at ${needs}`);
  });

  it('escapes host text', () => {
    assert.ok(page.includes('podman cannot restore &lt;a terminal&gt; &amp; its peer.'));
    assert.ok(!page.includes('<a terminal>'));
  });

  it('links evidence to the panel and to /proc lines', () => {
    assert.match(page, /data-action="\{&quot;type&quot;:&quot;evidence&quot;,&quot;finding&quot;:0,&quot;evidence&quot;:0\}">Show in Mounts and Mappings</);
    assert.match(page, /data-action="\{&quot;type&quot;:&quot;evidence&quot;,&quot;finding&quot;:2,&quot;evidence&quot;:0\}">\/proc\/locks:2</);
  });

  it('merges repeated findings into one card', () => {
    const second = { ...gapFinding, detail: 'Mount 88 is only in the runtime side.', evidence: [{ text: 'pid 4242 libxml2 mnt_id 88', pid: 4242, range: '7f20-7f30', mntId: 88 }] };
    const merged = preflightReportHtml(report({ verdict: 'will-fail', findings: [gapFinding, second] }), input, { cspSource: 'x', nonce: 'n', canRun: true });
    assert.equal(merged.match(/<div class="finding /g)?.length, 1);
    assert.match(merged, /<span class="count">2×<\/span>/);
    assert.match(merged, /Blocks the checkpoint \(2\)/);
    assert.match(merged, /&quot;finding&quot;:1,&quot;evidence&quot;:0\}">Show in Mounts and Mappings/);
    assert.match(merged, /1 more explanation for the other findings/);
    assert.equal(merged.match(/<pre>external mnt\[\]:m<\/pre>/g)?.length, 1);
  });

  it('folds evidence beyond five lines', () => {
    const lines = (count: number) => ({ ...tcpFinding, evidence: Array.from({ length: count }, (_, index) => ({ text: `line ${index}` })) });
    const six = preflightReportHtml(report({ verdict: 'needs-flags', findings: [lines(6)] }), input, { cspSource: 'x', nonce: 'n', canRun: true });
    assert.ok(!six.includes('more</summary>'), 'a single line was folded');
    const seven = preflightReportHtml(report({ verdict: 'needs-flags', findings: [lines(7)] }), input, { cspSource: 'x', nonce: 'n', canRun: true });
    assert.match(seven, /<summary>2 more<\/summary>/);
  });

  it('shows fix snippets as code', () => {
    assert.match(page, /<pre>external mnt\[\]:m<\/pre>/);
  });

  it('runs scripts only by nonce', () => {
    assert.match(page, /script-src 'nonce-N0NCE'/);
    assert.equal(page.match(/<script/g)?.length, 1);
    assert.match(page, /<script nonce="N0NCE">/);
  });

  it('disables Run while the container is busy', () => {
    const busy = preflightReportHtml(needsLocks, input, { cspSource: 'x', nonce: 'n', canRun: false, notice: 'web changed & is checkpointed now.' });
    assert.match(busy, /class="button disabled"[^>]*>Run This Checkpoint/);
    assert.match(busy, /<p class="notice">web changed &amp; is checkpointed now\.<\/p>/);
  });

  it('quotes the command line for a shell', () => {
    assert.equal(commandLine(report({ command: ['podman', 'container', 'checkpoint', "it's"] })), `podman container checkpoint 'it'\\''s'`);
  });
});

describe('code spans', () => {
  it('splits text at backtick pairs', () => {
    assert.deepEqual(splitCodeSpans('Run `criu --version` and `ghost-limit 16M`.'), [
      { text: 'Run ', code: false },
      { text: 'criu --version', code: true },
      { text: ' and ', code: false },
      { text: 'ghost-limit 16M', code: true },
      { text: '.', code: false },
    ]);
  });

  it('keeps an unpaired backtick as prose', () => {
    assert.deepEqual(splitCodeSpans('a ` b'), [{ text: 'a ` b', code: false }]);
  });

  it('does not pair backticks across lines', () => {
    assert.deepEqual(splitCodeSpans('a `b\nc` d'), [{ text: 'a `b\nc` d', code: false }]);
  });

  it('renders code as HTML after escaping', () => {
    assert.equal(proseHtml('Use `--annotation org.criu.config=<FILE>` & <b>x</b>'), 'Use <code>--annotation org.criu.config=&lt;FILE&gt;</code> &amp; &lt;b&gt;x&lt;/b&gt;');
  });

  it('never turns code into markup', () => {
    assert.equal(proseHtml('`</code><script>alert(1)</script>`'), '<code>&lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code>');
  });

  it('renders code as Markdown', () => {
    assert.equal(markdownWithCode('set `ghost-limit 16M` in *runc.conf*'), 'set `ghost-limit 16M` in \\*runc.conf\\*');
  });
});

describe('report page for a deleted file', () => {
  const ghost = report({ verdict: 'will-fail', findings: [ghostFinding, fdGapFinding] });
  const page = preflightReportHtml(ghost, input, { cspSource: 'x', nonce: 'n', canRun: true });

  it('links the deleted file to its fd line', () => {
    assert.match(page, /&quot;finding&quot;:0,&quot;evidence&quot;:0\}">\/proc\/4242\/fd\/3<\/a>/);
  });

  it('offers the panel only for the fd gap', () => {
    assert.equal(page.match(/Show in Mounts and Mappings/g)?.length, 1);
    assert.match(page, /&quot;finding&quot;:1,&quot;evidence&quot;:0\}">Show in Mounts and Mappings<\/a>/);
  });

  it('renders code spans in details and fixes', () => {
    assert.ok(page.includes('<p class="detail">Raise the limit with <code>ghost-limit 16M</code> in <code>/etc/criu/runc.conf</code> or close &lt;the file&gt;.</p>'));
    assert.ok(page.includes('<li>Put <code>ghost-limit 16M</code> into /etc/criu/runc.conf.'));
    assert.ok(!/`/.test(page.slice(page.indexOf('<main>'), page.indexOf('</main>'))), 'a backtick is left in the page body');
  });

  it('wraps code blocks between words', () => {
    assert.ok(!page.includes('word-break: break-all'), 'code blocks still break inside words');
    assert.match(page, /pre \{[^}]*white-space: pre-wrap; overflow-wrap: anywhere;[^}]*min-width: 0;/);
  });
});

describe('isReportAction', () => {
  it('accepts the page messages', () => {
    assert.ok(isReportAction({ type: 'run' }));
    assert.ok(isReportAction({ type: 'evidence', finding: 1, evidence: 0 }));
    assert.ok(isReportAction({ type: 'copy', text: 'x' }));
  });

  it('rejects malformed messages', () => {
    assert.ok(!isReportAction({ type: 'evidence', finding: '1', evidence: 0 }));
    assert.ok(!isReportAction({ type: 'copy' }));
    assert.ok(!isReportAction({ type: 'exec' }));
    assert.ok(!isReportAction(null));
  });
});
