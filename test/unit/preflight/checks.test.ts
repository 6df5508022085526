import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { KNOWLEDGE_BASE } from '../../../src/model/kb';
import { type PreflightFinding, type PreflightInput, type PreflightReport, runChecks } from '../../../src/model/preflight';
import { LIVE_PID, liveInput } from './liveHolder';

function findingOf(report: PreflightReport, check: string, verdict?: PreflightFinding['verdict']): PreflightFinding {
  const finding = report.findings.find((candidate) => candidate.check === check && (verdict === undefined || candidate.verdict === verdict));
  assert.ok(finding, `no ${verdict ?? ''} finding of ${check} in ${report.findings.map((item) => `${item.check}/${item.verdict}`).join(', ')}`);
  return finding;
}

function hasFinding(report: PreflightReport, check: string): boolean {
  return report.findings.some((finding) => finding.check === check);
}

describe('preflight on the recorded process', () => {
  const report = runChecks(liveInput());

  test('verdict, flags and command', () => {
    assert.equal(report.verdict, 'will-fail');
    assert.deepEqual(report.flags, ['tcpEstablished', 'fileLocks']);
    assert.deepEqual(report.command, ['podman', 'container', 'checkpoint', '--tcp-established', '--file-locks', 'holder']);
  });

  test('blocking findings come first', () => {
    const order = report.findings.map((finding) => finding.verdict);
    const sorted = [...order].sort((a, b) => ['blocks', 'needs-flag', 'fine'].indexOf(a) - ['blocks', 'needs-flag', 'fine'].indexOf(b));
    assert.deepEqual(order, sorted);
  });

  test('established connections need --tcp-established', () => {
    const finding = findingOf(report, 'inet-sockets', 'needs-flag');
    assert.equal(finding.category, 'tcp');
    assert.equal(finding.flag, 'tcpEstablished');
    assert.equal(finding.kbCode, 'tcp.established-needs-option');
    assert.deepEqual(
      finding.evidence.map((item) => [item.pid, item.fd, item.inode, item.source?.file, item.source?.line]),
      [
        [LIVE_PID, 5, '140566', `/proc/${LIVE_PID}/net/tcp`, 7],
        [LIVE_PID, 4, '140565', `/proc/${LIVE_PID}/net/tcp`, 19],
        [LIVE_PID, 7, '140568', `/proc/${LIVE_PID}/net/tcp6`, 3],
      ],
    );
    assert.ok(finding.fixes.some((fix) => fix.podmanFlag === '--tcp-established'));
  });

  test('listener with a waiting connection blocks', () => {
    const finding = report.findings.find((candidate) => candidate.kbCode === 'tcp.in-flight-connection');
    assert.ok(finding);
    assert.equal(finding.verdict, 'blocks');
    assert.equal(finding.evidence[0].fd, 6);
    assert.equal(finding.evidence[0].source?.line, 2);
  });

  test('idle listener and udp socket are fine', () => {
    const fine = report.findings.filter((finding) => finding.check === 'inet-sockets' && finding.verdict === 'fine');
    assert.deepEqual(
      fine.map((finding) => finding.evidence.map((item) => item.inode)),
      [['140564'], ['140569']],
    );
  });

  test('unix stream to an outside process blocks', () => {
    const finding = findingOf(report, 'unix-sockets');
    assert.equal(finding.verdict, 'blocks');
    assert.equal(finding.category, 'unix-socket');
    assert.equal(finding.kbCode, 'unix-socket.external-socket');
    assert.equal(finding.evidence.length, 1);
    assert.equal(finding.evidence[0].fd, 12);
    assert.equal(finding.evidence[0].inode, '140572');
    assert.equal(finding.evidence[0].source?.line, 116);
  });

  test('outside stream peer offers no ext-unix-sk', () => {
    const finding = findingOf(report, 'unix-sockets');
    assert.ok(finding.fixes.length > 0);
    for (const fix of finding.fixes) {
      assert.doesNotMatch(`${fix.description} ${fix.configSnippet ?? ''} ${fix.criuOption ?? ''}`, /ext-unix-sk(?! does not help)/);
    }
    assert.match(finding.fixes[0].description, /Close the connection before the checkpoint/);
  });

  test('locks need --file-locks, with the OFD lock from fdinfo', () => {
    const finding = findingOf(report, 'file-locks');
    assert.equal(finding.verdict, 'needs-flag');
    assert.equal(finding.flag, 'fileLocks');
    assert.equal(finding.kbCode, 'file-locks.option-required');
    assert.deepEqual(
      finding.evidence.map((item) => [item.source?.file, item.source?.line, item.inode]),
      [
        ['/proc/locks', 2, '2146330'],
        ['/proc/locks', 3, '2146316'],
        [`/proc/${LIVE_PID}/fdinfo/16`, 91, '2146347'],
      ],
    );
    assert.equal(finding.evidence[2].fd, 16);
  });

  test('fix commands name the container', () => {
    const commands = findingOf(report, 'file-locks').fixes.flatMap((fix) => (fix.command ? [fix.command] : []));
    assert.ok(commands.includes('podman container checkpoint --file-locks holder'), commands.join(' / '));
    assert.ok(commands.every((command) => !command.includes('<container>')), commands.join(' / '));
  });

  test('ghost file over 1 MiB blocks, counted once', () => {
    const finding = findingOf(report, 'ghost-files');
    assert.equal(finding.verdict, 'blocks');
    assert.equal(finding.kbCode, 'ghost-file.size-over-limit');
    assert.match(finding.title, /^1 deleted file/);
    assert.deepEqual(
      finding.evidence.map((item) => item.fd ?? item.source?.line),
      [20, 21, 7],
    );
    assert.deepEqual(report.criuConfig, [
      {
        file: '/etc/criu/default.conf',
        snippet: 'skip-in-flight\nghost-limit 16M\n',
        reason: '1 listening socket has connections waiting for accept() (skip-in-flight); 1 deleted file larger than the ghost limit (ghost-limit)',
      },
    ]);
  });

  test('netlink, inotify and memfd are fine', () => {
    const netlink = findingOf(report, 'netlink-sockets');
    assert.equal(netlink.verdict, 'fine');
    assert.equal(netlink.evidence[0].inode, '140574');
    assert.equal(netlink.evidence[0].source?.line, 3);
    const inotify = findingOf(report, 'fsnotify');
    assert.equal(inotify.verdict, 'fine');
    assert.equal(inotify.evidence[0].fd, 17);
    assert.equal(inotify.evidence[0].source?.line, 97);
    const memfd = findingOf(report, 'memfd');
    assert.equal(memfd.verdict, 'fine');
    assert.equal(memfd.evidence.length, 3);
  });

  test('skips nothing and finds no unparsable line', () => {
    assert.deepEqual(report.skipped, []);
    assert.equal(report.inputIssues, undefined);
  });

  test('every kbCode is a knowledge-base entry of the same category', () => {
    for (const finding of report.findings) {
      if (finding.kbCode === undefined) continue;
      const entry = KNOWLEDGE_BASE.find((candidate) => candidate.code === finding.kbCode);
      assert.ok(entry, finding.kbCode);
      assert.equal(entry.category, finding.category, finding.kbCode);
      if (finding.verdict !== 'fine') assert.ok(finding.fixes.length > 0, `${finding.kbCode} has no fixes`);
    }
  });
});

describe('preflight host checks', () => {
  test('CRIU before 4.2 on Linux 6.16+ blocks any inet socket', () => {
    const report = runChecks(liveInput({ host: { criuVersion: '4.1.1' } }));
    const finding = findingOf(report, 'inet-sockets', 'blocks');
    assert.equal(finding.kbCode, 'tcp.passcred-rejected-by-kernel');
    assert.equal(finding.evidence.length, 6);
    assert.ok(finding.fixes.some((fix) => /Upgrade CRIU to 4\.2/.test(fix.description)));
    assert.ok(!report.flags.includes('tcpEstablished'));
  });

  test('inet socket title names the protocols', () => {
    const finding = findingOf(runChecks(liveInput({ host: { criuVersion: '4.1.1' } })), 'inet-sockets', 'blocks');
    assert.match(finding.title, /^5 TCP sockets and 1 UDP socket with CRIU 4\.1\.1 on Linux 6\./);
  });

  test('UDP-only title says UDP', () => {
    const input = liveInput({ host: { criuVersion: '4.1.1' } });
    input.net[0].tcp = '';
    input.net[0].tcp6 = '';
    const finding = findingOf(runChecks(input), 'inet-sockets', 'blocks');
    assert.match(finding.title, /^1 UDP socket with CRIU 4\.1\.1 on Linux 6\./);
    assert.equal(finding.category, 'tcp');
  });

  test('CRIU 4.1.1 on Linux 6.15 only needs the flag', () => {
    const report = runChecks(liveInput({ host: { criuVersion: '4.1.1', kernel: '6.15.2' } }));
    assert.ok(!report.findings.some((finding) => finding.kbCode === 'tcp.passcred-rejected-by-kernel'));
    assert.ok(report.flags.includes('tcpEstablished'));
  });

  test('vvar_vclock mapping with CRIU 3.17.1 blocks', () => {
    const report = runChecks(liveInput({ host: { criuVersion: '3.17.1' } }));
    const finding = findingOf(report, 'vdso');
    assert.equal(finding.verdict, 'blocks');
    assert.equal(finding.category, 'vdso');
    assert.equal(finding.kbCode, 'vdso.rt-bounds-vvar-vclock');
    assert.equal(finding.evidence[0].source?.line, 140);
    assert.equal(finding.evidence[0].range, '7f96e0084000-7f96e0086000');
  });

  test('vvar_vclock mapping with CRIU 4.1 is fine', () => {
    assert.equal(hasFinding(runChecks(liveInput({ host: { criuVersion: '4.1' } })), 'vdso'), false);
  });

  test('rootless podman blocks', () => {
    const finding = findingOf(runChecks(liveInput({ host: { rootful: false } })), 'rootful');
    assert.equal(finding.category, 'permission');
    assert.equal(finding.kbCode, 'permission.podman-rootless');
  });

  test('runtime without CRIU blocks', () => {
    const finding = findingOf(runChecks(liveInput({ container: { runtime: { name: 'crun', version: '1.8.1', supportsCheckpoint: false } } })), 'runtime-support');
    assert.equal(finding.category, 'runtime-support');
    assert.equal(finding.kbCode, 'runtime-support.runtime-without-criu');
  });

  test('failed criu check blocks with its errors', () => {
    const finding = findingOf(runChecks(liveInput({ host: { criuCheck: { ok: false, errors: ['Error (criu/cr-check.c:1): no ptrace'] } } })), 'criu-check');
    assert.equal(finding.verdict, 'blocks');
    assert.equal(finding.evidence[0].text, 'Error (criu/cr-check.c:1): no ptrace');
  });

  test('pre-checkpoint without dirty tracking blocks', () => {
    const input: PreflightInput = { ...liveInput({ host: { dirtyTracking: false } }), intent: { preCheckpoint: true } };
    const report = runChecks(input);
    assert.equal(findingOf(report, 'pre-checkpoint').kbCode, 'kernel-feature.memory-tracking-off');
    assert.equal(report.command.at(-2), '--pre-checkpoint');
  });

  const preCheckpointMessages: [string, RegExp][] = [
    ['crun', /crun stops with "memory tracking not supported\. Please check CRIU logfile/],
    ['runc', /runc stops with "CRIU is missing features"/],
  ];
  for (const [runtime, message] of preCheckpointMessages) {
    test(`pre-checkpoint quotes ${runtime}'s message`, () => {
      const input: PreflightInput = { ...liveInput({ host: { dirtyTracking: false }, container: { runtime: { name: runtime } } }), intent: { preCheckpoint: true } };
      const finding = findingOf(runChecks(input), 'pre-checkpoint');
      assert.match(finding.detail, message);
      assert.match(finding.detail, /system \(architecture\/kernel\/CRIU\) does not support memory tracking/);
    });
  }

  test('unknown host facts go to skipped', () => {
    const input = liveInput({ host: { rootful: undefined, criuVersion: undefined, criuCheck: undefined } });
    const report = runChecks(input);
    const checks = report.skipped.map((item) => item.check);
    assert.ok(checks.includes('rootful'));
    assert.ok(checks.includes('criu-check'));
    assert.ok(report.skipped.some((item) => item.check === 'inet-sockets' && /CRIU version is unknown/.test(item.reason)));
  });
});

describe('preflight container checks', () => {
  test('--rm without export blocks', () => {
    const finding = findingOf(runChecks(liveInput({ container: { autoRemove: true } })), 'auto-remove');
    assert.equal(finding.kbCode, 'process-tree.podman-rm-without-export');
    assert.ok(finding.fixes.some((fix) => fix.podmanFlag === '--export'));
  });

  test('--rm with export passes and names the file', () => {
    const input: PreflightInput = { ...liveInput({ container: { autoRemove: true } }), intent: { export: true, exportPath: '/tmp/holder.tar.gz' } };
    const report = runChecks(input);
    assert.equal(hasFinding(report, 'auto-remove'), false);
    assert.ok(report.command.includes('--export=/tmp/holder.tar.gz'));
    assert.equal(report.command.at(-1), 'holder');
  });

  test('pod membership is fine with restore advice', () => {
    const finding = findingOf(runChecks(liveInput({ container: { pod: 'web-pod', sharedNamespaces: { ipc: 'container:0123' } } })), 'shared-namespaces');
    assert.equal(finding.verdict, 'fine');
    assert.equal(finding.category, 'namespace');
    assert.equal(finding.evidence.length, 2);
  });

  test('tty is reported as fine', () => {
    const finding = findingOf(runChecks(liveInput({ container: { tty: true } })), 'tty');
    assert.equal(finding.verdict, 'fine');
    assert.equal(finding.category, 'tty');
  });
});

/** Builds a one-process container with the given fds, maps and fdinfo, on a host where nothing else blocks. */
function syntheticInput(fields: { fds?: string; maps?: string; fdinfo?: string; deletedFdSizes?: Record<string, number>; criuConfigs?: Record<string, string>; runtime?: string }): PreflightInput {
  return {
    host: { name: 'test', rootful: true, kernel: '6.18.0', criuVersion: '4.2', criuCheck: { ok: true, errors: [] } },
    container: { name: 'c1', id: 'c1id', runtime: { name: fields.runtime ?? 'crun', version: '1.21', supportsCheckpoint: true }, autoRemove: false, tty: false, pid: 10 },
    snapshot: { version: 1, pid: 10, mountinfo: '20 1 0:30 / / rw - overlay overlay rw\n', maps: fields.maps ?? '', fds: fields.fds ?? '', ...(fields.fdinfo === undefined ? {} : { fdinfo: fields.fdinfo }) },
    processes: [{ pid: 10, ...(fields.deletedFdSizes ? { deletedFdSizes: fields.deletedFdSizes } : {}) }],
    net: [],
    locks: '',
    ...(fields.criuConfigs ? { criuConfigs: fields.criuConfigs } : {}),
  };
}

describe('preflight fd checks', () => {
  test('io_uring blocks', () => {
    const finding = findingOf(runChecks(syntheticInput({ fds: 'fd 3 -> /\nfd 7 -> anon_inode:[io_uring]\n' })), 'io-uring');
    assert.equal(finding.category, 'io-uring');
    assert.equal(finding.kbCode, 'io-uring.unsupported-fd');
    assert.equal(finding.evidence[0].fd, 7);
  });

  test('bpf map types decide the verdict', () => {
    const fdinfo = '== /proc/10/fdinfo/4\npos:\t0\nflags:\t02000002\nmnt_id:\t15\nmap_type:\t1\n== /proc/10/fdinfo/5\npos:\t0\nflags:\t02000002\nmnt_id:\t15\nmap_type:\t27\n';
    const report = runChecks(syntheticInput({ fds: 'fd 4 -> anon_inode:bpf-map\nfd 5 -> anon_inode:bpf-map\n', fdinfo }));
    const blocking = findingOf(report, 'bpf-maps', 'blocks');
    assert.equal(blocking.kbCode, 'bpf.unsupported-map-type');
    assert.deepEqual(
      blocking.evidence.map((item) => item.fd),
      [5],
    );
    assert.deepEqual(
      findingOf(report, 'bpf-maps', 'fine').evidence.map((item) => item.fd),
      [4],
    );
  });

  test('userfaultfd blocks as an unsupported anon inode', () => {
    const finding = findingOf(runChecks(syntheticInput({ fds: 'fd 3 -> anon_inode:[userfaultfd]\nfd 4 -> anon_inode:[eventfd]\n' })), 'anon-inodes');
    assert.equal(finding.kbCode, 'device-file.unsupported-anon-inode');
    assert.deepEqual(
      finding.evidence.map((item) => item.fd),
      [3],
    );
  });

  test('nvidia device blocks, null and pts do not', () => {
    const report = runChecks(syntheticInput({ fds: 'fd 0 -> /dev/null\nfd 1 -> /dev/pts/0\nfd 5 -> /dev/nvidiactl\nfd 6 -> /dev/shm/x\nfd 7 -> /dev/weird0\n' }));
    const finding = findingOf(report, 'char-devices');
    assert.equal(finding.kbCode, 'device-file.unsupported-char-device');
    assert.deepEqual(
      finding.evidence.map((item) => item.path),
      ['/dev/nvidiactl'],
    );
    assert.ok(report.skipped.some((item) => item.check === 'char-devices' && item.reason.includes('/dev/weird0')));
  });

  test('ghost limit from default.conf lets a file pass under crun', () => {
    const base = { fds: 'fd 3 -> /var/log/old.log (deleted)\n', deletedFdSizes: { '3': 3 << 20 } };
    assert.equal(findingOf(runChecks(syntheticInput(base)), 'ghost-files').verdict, 'blocks');
    const raised = runChecks(syntheticInput({ ...base, criuConfigs: { '/etc/criu/default.conf': '# raised\nghost-limit 4M\n' } }));
    const finding = findingOf(raised, 'ghost-files');
    assert.equal(finding.verdict, 'fine');
    assert.match(finding.detail, /4\.0 MiB \(\/etc\/criu\/default\.conf\)/);
    assert.equal(raised.verdict, 'should-work');
  });

  test('runc gets its config in runc.conf', () => {
    const report = runChecks(syntheticInput({ fds: 'fd 3 -> /tmp/big (deleted)\n', deletedFdSizes: { '3': 40 << 20 }, runtime: 'runc' }));
    assert.deepEqual(report.criuConfig, [{ file: '/etc/criu/runc.conf', snippet: 'ghost-limit 64M\n', reason: '1 deleted file larger than the ghost limit (ghost-limit)' }]);
  });

  test('socket in no table goes to skipped', () => {
    const input = syntheticInput({ fds: 'fd 3 -> socket:[999]\n' });
    input.net = [{ ns: 'net:[1]', pid: 10, tcp: '', tcp6: '', udp: '', udp6: '', unix: '', netlink: '', ssUnix: '' }];
    const report = runChecks(input);
    const skipped = report.skipped.filter((item) => item.check === 'unmatched-sockets');
    assert.equal(skipped.length, 1);
    assert.match(skipped[0].reason, /^1 socket fd is in no table .*: pid 10 fd 3 -> socket:\[999\]$/);
    assert.equal(report.verdict, 'should-work');
  });

  test('a deleted file without size goes to skipped', () => {
    const report = runChecks(syntheticInput({ fds: 'fd 3 -> /tmp/gone (deleted)\n' }));
    assert.equal(hasFinding(report, 'ghost-files'), false);
    assert.ok(report.skipped.some((item) => item.check === 'ghost-files'));
  });

  test('mapping from the runtime mount namespace blocks', () => {
    const input = syntheticInput({ maps: '55f3893d8000-55f3893e0000 r-xp 00000000 fe:00 2200394                    /usr/bin/crun\n' });
    input.snapshot.mapFiles = [{ range: '55f3893d8000-55f3893e0000', mntId: 99 }];
    input.snapshot.runtimeMountinfo = '99 1 254:0 / / rw - ext4 /dev/vda1 rw\n';
    const finding = findingOf(runChecks(input), 'mapping-gaps');
    assert.equal(finding.category, 'mount-lookup');
    assert.equal(finding.kbCode, 'mount-lookup.mapping-mount-not-in-namespace');
    assert.equal(finding.evidence[0].mntId, 99);
    assert.equal(finding.evidence[0].source?.line, 1);
    assert.equal(finding.evidence[0].range, '55f3893d8000-55f3893e0000');
  });
});

describe('preflight process checks', () => {
  const ns = (pid: string, ipc = 'ipc:[4026531839]'): Record<string, string> => ({ pid, ipc, mnt: 'mnt:[4026531841]', net: 'net:[4026531840]' });

  function twoProcesses(second: Record<string, string>): PreflightInput {
    const input = syntheticInput({});
    input.snapshot.processes = [{ pid: 11, mountinfo: input.snapshot.mountinfo, maps: '', fds: '' }];
    input.processes = [
      { pid: 10, ns: ns('pid:[4026532001]'), status: 'Name:\tinit\nSeccomp:\t2\nSeccomp_filters:\t1\n' },
      { pid: 11, ns: second, status: 'Name:\tchild\nSeccomp:\t2\n' },
    ];
    return input;
  }

  test('nested pid namespace blocks', () => {
    const report = runChecks(twoProcesses(ns('pid:[4026532999]')));
    const finding = findingOf(report, 'nested-namespaces', 'blocks');
    assert.equal(finding.kbCode, 'namespace.nested-pid-namespace');
    assert.equal(finding.evidence[0].pid, 11);
    assert.equal(finding.evidence[0].source?.file, '/proc/11/ns/pid');
  });

  test('nested net namespace is fine', () => {
    const report = runChecks(twoProcesses({ ...ns('pid:[4026532001]'), net: 'net:[4026533000]' }));
    assert.equal(findingOf(report, 'nested-namespaces').verdict, 'fine');
    assert.equal(report.verdict, 'should-work');
  });

  test('seccomp filters are fine with their status line', () => {
    const finding = findingOf(runChecks(twoProcesses(ns('pid:[4026532001]'))), 'seccomp');
    assert.equal(finding.verdict, 'fine');
    assert.deepEqual(
      finding.evidence.map((item) => [item.pid, item.source?.line]),
      [
        [10, 2],
        [11, 2],
      ],
    );
  });

  test('rseq risk on an old kernel goes to skipped', () => {
    const input = syntheticInput({});
    input.host.kernel = '5.10.0-28-amd64';
    const report = runChecks(input);
    assert.ok(report.skipped.some((item) => item.check === 'rseq' && /5\.13/.test(item.reason)));
  });
});

describe('preflight CRIU configuration files', () => {
  const ghost = { fds: 'fd 3 -> /tmp/big (deleted)\n', deletedFdSizes: { '3': 3 << 20 } };

  test('crun 1.21 ignores runc.conf', () => {
    const report = runChecks(syntheticInput({ ...ghost, criuConfigs: { '/etc/criu/runc.conf': 'ghost-limit 64M\n' } }));
    assert.equal(findingOf(report, 'ghost-files').verdict, 'blocks');
    assert.equal(report.criuConfig[0].file, '/etc/criu/default.conf');
  });

  test('runc reads runc.conf after default.conf', () => {
    const configs = { '/etc/criu/default.conf': 'ghost-limit 2M\n', '/etc/criu/runc.conf': '--ghost-limit 8M # raised\n' };
    const finding = findingOf(runChecks(syntheticInput({ ...ghost, criuConfigs: configs, runtime: 'runc' })), 'ghost-files');
    assert.equal(finding.verdict, 'fine');
    assert.match(finding.detail, /8\.0 MiB \(\/etc\/criu\/runc\.conf\)/);
  });

  test('a commented-out limit does not count', () => {
    const report = runChecks(syntheticInput({ ...ghost, criuConfigs: { '/etc/criu/default.conf': '# ghost-limit 64M\n' } }));
    assert.equal(findingOf(report, 'ghost-files').verdict, 'blocks');
  });

  test('crun 1.26 with CRIU 4.2 writes crun.conf when it exists', () => {
    const input = syntheticInput({ ...ghost, criuConfigs: { '/etc/criu/crun.conf': 'tcp-established\n' } });
    input.container.runtime = { name: 'crun', version: '1.26', supportsCheckpoint: true };
    assert.equal(runChecks(input).criuConfig[0].file, '/etc/criu/crun.conf');
  });
});

describe('preflight on a large container', () => {
  test('100,000 sockets finish in linear time', () => {
    const count = 100_000;
    const fds = Array.from({ length: count }, (_, index) => `fd ${index + 3} -> socket:[${index + 1000}]`).join('\n');
    const tcp = Array.from({ length: count }, (_, index) => `${index}: 0100007F:1F90 0100007F:${(index % 60000 + 1024).toString(16).toUpperCase().padStart(4, '0')} 01 00000000:00000000 00:00000000 00000000 0 0 ${index + 1000} 1 0 20 0 0 10 -1`).join('\n');
    const input = syntheticInput({ fds });
    input.net = [{ ns: 'net:[1]', pid: 10, tcp, tcp6: '', udp: '', udp6: '', unix: '', netlink: '', ssUnix: '' }];
    const start = Date.now();
    const report = runChecks(input);
    const elapsed = Date.now() - start;
    const finding = findingOf(report, 'inet-sockets', 'needs-flag');
    assert.equal(finding.evidence.length, count);
    assert.equal(finding.evidence[count - 1].source?.line, count);
    assert.equal(finding.evidence[count - 1].fd, count + 2);
    // Measured at about 2 s on a loaded 2-core machine; a quadratic step would take minutes.
    assert.ok(elapsed < 30_000, `took ${elapsed} ms`);
  });
});

describe('preflight unix peers', () => {
  const DGRAM_SS = 'u_dgr ESTAB 0 0 * 500 * 600\nu_dgr UNCONN 0 0 /dev/log 600 * 0\nu_dgr ESTAB 0 0 * 501 * 601\nu_dgr UNCONN 0 0 * 601 * 0\n';

  function unixInput(ssUnix: string, runtime: string, criuConfigs?: Record<string, string>): PreflightInput {
    const input = syntheticInput({ fds: 'fd 3 -> socket:[500]\nfd 4 -> socket:[501]\n', runtime, ...(criuConfigs ? { criuConfigs } : {}) });
    input.net = [{ ns: 'net:[1]', pid: 10, tcp: '', tcp6: '', udp: '', udp6: '', unix: '', netlink: '', ssUnix }];
    return input;
  }

  test('runc with ext-unix-sk still rejects a stream', () => {
    const input = liveInput({ container: { runtime: { name: 'runc', version: '1.1.15', supportsCheckpoint: true } } });
    input.criuConfigs = { '/etc/criu/runc.conf': 'ext-unix-sk\n' };
    const finding = findingOf(runChecks(input), 'unix-sockets');
    assert.equal(finding.kbCode, 'unix-socket.half-stream-connection');
    assert.equal(finding.evidence[0].inode, '140572');
  });

  test('peer in another namespace names its kb code', () => {
    const input = liveInput();
    input.net[0].ssUnix = input.net[0].ssUnix!.split('\n').filter((line) => !/\s135771\s+\*\s+140572$/.test(line)).join('\n');
    const finding = findingOf(runChecks(input), 'unix-sockets');
    assert.equal(finding.verdict, 'blocks');
    assert.equal(finding.kbCode, 'unix-socket.peer-in-other-namespace');
    assert.match(finding.detail, /Unix socket 140572 without peer 135771/);
  });

  test('crun ignores ext-unix-sk in default.conf', () => {
    const finding = findingOf(runChecks(unixInput(DGRAM_SS, 'crun', { '/etc/criu/default.conf': 'ext-unix-sk\n' })), 'unix-sockets');
    assert.equal(finding.kbCode, 'unix-socket.external-socket');
    assert.equal(finding.evidence.length, 2);
    assert.ok(finding.fixes.some((fix) => /ext-unix-sk/.test(fix.configSnippet ?? '')));
  });

  test('runc with ext-unix-sk splits named and nameless', () => {
    const report = runChecks(unixInput(DGRAM_SS, 'runc', { '/etc/criu/runc.conf': 'ext-unix-sk\n' }));
    const nameless = findingOf(report, 'unix-sockets', 'blocks');
    assert.equal(nameless.kbCode, 'unix-socket.nameless-external');
    assert.deepEqual(
      nameless.evidence.map((item) => item.fd),
      [4],
    );
    const named = findingOf(report, 'unix-sockets', 'fine');
    assert.deepEqual(
      named.evidence.map((item) => item.fd),
      [3],
    );
  });
});
