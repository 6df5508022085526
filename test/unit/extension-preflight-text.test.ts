import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parsePodmanVersion } from '../../src/engine/podmanArgs';
import { checkpointFlagChoices } from '../../src/extension/containers/checkpointChoices';
import type { ContainerView } from '../../src/extension/containers/model';
import { commandLine, isReportAction, preflightReportHtml } from '../../src/extension/containers/preflightReportHtml';
import {
  choicesWithPreflight,
  collectedText,
  containerStateKey,
  currentPreflight,
  evidenceTarget,
  missingPreflightFlags,
  preflightFailedLine,
  preflightSummary,
  preflightTooltipLine,
  willFailWarning,
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
  snapshot: { version: 1, pid: 4242, mountinfo: '22 1 0:21 / / rw - overlay overlay rw\n', maps: '7f00-7f10 r-xp 00000000 00:21 99 /usr/lib/libwasmedge.so\n', processes: [{ pid: 4250, mountinfo: 'm2\n', maps: 'maps of 4250\n' }] },
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
    assert.deepEqual(evidenceTarget(gapFinding, gapFinding.evidence[0], input), { kind: 'gap', pid: 4242, range: '7f00-7f10', fd: undefined, path: '/usr/lib/libwasmedge.so' });
  });

  it('opens the collected line of a /proc source', () => {
    assert.deepEqual(evidenceTarget(tcpFinding, tcpFinding.evidence[0], input), { kind: 'proc', file: '/proc/4242/net/tcp', line: 3 });
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
    assert.ok(blocks > 0 && needs > blocks, `groups out of order: blocks at ${blocks}, needs at ${needs}`);
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
