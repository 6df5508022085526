import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { analyzeText } from '../../../src/model/analyze';
import { analyzeGaps, type GapLog, type GapReport } from '../../../src/model/procfs/analyzeGaps';
import { assembleSnapshot, readSnapshot, type Snapshot, SnapshotError } from '../../../src/model/procfs/snapshot';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'procfs');
const read = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

function logOf(folder: string): GapLog {
  const text = read(`${folder}/dump.log`);
  return { analysis: analyzeText(text), text };
}

/** The plain files of a fixture folder, as `gaps --mountinfo … --maps …` would read them. */
function plainSnapshot(folder: string, options: { runtime?: boolean; host?: boolean; fdinfo?: boolean } = {}): Snapshot {
  return assembleSnapshot({
    mountinfo: read(`${folder}/mountinfo.txt`),
    maps: read(`${folder}/maps.txt`),
    fdinfo: options.fdinfo === false ? undefined : read(`${folder}/fdinfo.txt`),
    fds: read(`${folder}/fd.txt`),
    runtimeMountinfo: options.runtime === false ? undefined : read(`${folder}/conmon-mountinfo.txt`),
    hostMountinfo: options.host === false ? undefined : read(`${folder}/host-mountinfo.txt`),
    cmdline: read(`${folder}/cmdline.txt`),
  });
}

function gapFor(report: GapReport, path: string) {
  return report.gaps.find((gap) => gap.kind === 'mapping' && gap.path === path);
}

describe('wasm crun snapshot', () => {
  const snapshot = readSnapshot(read('wasm-crun-wasmedge/snapshot.json'), 'snapshot.json');
  const report = analyzeGaps(snapshot, logOf('wasm-crun-wasmedge'));

  test('crun binary on detached 174', () => {
    const binary = gapFor(report, '/');
    assert.ok(binary);
    assert.equal(binary.mntId, 174);
    assert.equal(binary.mntIdSource, 'map_files');
    assert.equal(binary.where, 'detached');
    assert.equal(binary.fallback, false);
    assert.equal(binary.owner, 'runtime-binary');
    assert.deepEqual(binary.ranges, ['55f3893d8000-55f3893e0000', '55f3893e0000-55f389450000', '55f389450000-55f38946b000', '55f38946b000-55f38946d000', '55f38946d000-55f389470000']);
    assert.match(binary.ownerText, /wasmedge handler/);
    assert.match(binary.verdict ?? '', /cannot be checkpointed with this runtime set-up today/);
  });

  test('root-cause line tied to first mapping', () => {
    assert.equal(report.gaps[0].path, '/');
    assert.equal(report.gaps[0].logLine, 338);
    assert.equal(report.gaps[0].logMessage, "Can't lookup mount=174 for fd=-3 path=/");
    assert.equal(report.gaps.filter((gap) => gap.logLine !== undefined).length, 1);
  });

  test('libwasmedge on runtime mount 128', () => {
    const library = gapFor(report, '/usr/lib/x86_64-linux-gnu/libwasmedge.so.0.1.0');
    assert.ok(library);
    assert.equal(library.mntId, 128);
    assert.equal(library.where, 'runtime');
    assert.equal(library.owner, 'runtime-library');
    assert.equal(library.ranges?.length, 5);
    // Mount 128 is in conmon's mountinfo only: the container's ids are 413-440, the host's 22-150 without 128.
    assert.ok(report.mounts.some((mount) => mount.table === 'runtime' && mount.mountId === 128));
    assert.ok(!report.mounts.some((mount) => mount.table !== 'runtime' && mount.mountId === 128));
  });

  test('every host library is a gap', () => {
    const libraries = report.gaps.filter((gap) => gap.kind === 'mapping' && gap.path !== '/');
    assert.equal(libraries.length, 23);
    for (const gap of libraries) {
      assert.equal(gap.where, 'runtime', gap.path ?? '');
      assert.equal(gap.owner, 'runtime-library', gap.path ?? '');
    }
  });

  test('container files are no gap', () => {
    const module = report.mappings.find((mapping) => mapping.path === '/tick.wasm');
    assert.equal(module?.placement.where, 'container');
    assert.equal(module?.placement.mntId, 413);
    const fd4 = report.fds.find((fd) => fd.fd === 4);
    assert.equal(fd4?.placement.where, 'container');
    const pipe = report.fds.find((fd) => fd.fd === 1);
    assert.equal(pipe?.placement.where, 'none');
    assert.ok(!report.gaps.some((gap) => gap.kind === 'fd'));
  });

  test('exe link detached', () => {
    const exe = report.gaps.find((gap) => gap.kind === 'exe');
    assert.equal(exe?.where, 'detached');
    assert.equal(exe?.mntId, 174);
  });

  test('id gap holds 174', () => {
    assert.equal(report.idGaps.length, 1);
    const [gap] = report.idGaps;
    assert.equal(gap.from, 174);
    assert.equal(gap.to, 412);
    assert.deepEqual(gap.below, { id: 173, table: 'runtime' });
    assert.deepEqual(gap.above, { id: 413, table: 'container' });
    assert.deepEqual(gap.referencedIds, [174]);
  });

  test('no input issues', () => {
    assert.deepEqual(report.issues, []);
    assert.deepEqual(report.notes, []);
  });
});

describe('wasm plain files', () => {
  test('log gives the 174 id', () => {
    const report = analyzeGaps(plainSnapshot('wasm-crun-wasmedge'), logOf('wasm-crun-wasmedge'));
    const binary = gapFor(report, '/');
    assert.equal(binary?.mntId, 174);
    assert.equal(binary?.mntIdSource, 'log');
    assert.equal(binary?.where, 'detached');
    assert.equal(binary?.logLine, 338);
  });

  test('no log marks a fallback', () => {
    const report = analyzeGaps(plainSnapshot('wasm-crun-wasmedge'));
    const binary = gapFor(report, '/');
    assert.equal(binary?.where, 'detached');
    assert.equal(binary?.mntId, null);
    assert.equal(binary?.fallback, true);
    const library = gapFor(report, '/usr/lib/x86_64-linux-gnu/libwasmedge.so.0.1.0');
    assert.equal(library?.mntId, 128);
    assert.equal(library?.mntIdSource, 'device');
    assert.equal(library?.fallback, true);
  });

  test('without runtime side unknown', () => {
    const report = analyzeGaps(plainSnapshot('wasm-crun-wasmedge', { runtime: false, host: false }));
    const library = gapFor(report, '/usr/lib/x86_64-linux-gnu/libwasmedge.so.0.1.0');
    assert.equal(library?.where, 'unknown');
    assert.equal(library?.owner, 'unknown');
    assert.equal(library?.advice[0].status, 'next-step');
  });
});

describe('preserved fd snapshots', () => {
  test('gap-map: mapping on 128', () => {
    const report = analyzeGaps(plainSnapshot('gap-map'), logOf('gap-map'));
    assert.equal(report.gaps.length, 1);
    const [gap] = report.gaps;
    assert.equal(gap.kind, 'mapping');
    assert.equal(gap.path, '/root/hostfile.txt');
    assert.equal(gap.mntId, 128);
    assert.equal(gap.mntIdSource, 'log');
    assert.equal(gap.where, 'runtime');
    assert.equal(gap.owner, 'host-file');
    assert.equal(gap.logLine, 351);
    assert.deepEqual(gap.ranges, ['7fbff4404000-7fbff4405000']);
    assert.equal(gap.verdict, null);
    assert.match(gap.advice[0].action, /munmap/);
  });

  test('gap-fd: fd 3 on 128', () => {
    const report = analyzeGaps(plainSnapshot('gap-fd'), logOf('gap-fd'));
    assert.equal(report.gaps.length, 1);
    const [gap] = report.gaps;
    assert.equal(gap.kind, 'fd');
    assert.equal(gap.fd, 3);
    assert.equal(gap.path, '/root/hostfile.txt');
    assert.equal(gap.mntId, 128);
    assert.equal(gap.mntIdSource, 'fdinfo');
    assert.equal(gap.where, 'runtime');
    assert.equal(gap.owner, 'host-file');
    assert.equal(gap.logLine, 431);
    assert.match(gap.advice[0].action, /Close fd 3/);
    // CRIU's --external names the file by mount id and inode in hex: 128 = 0x80, 2195503 = 0x21802f.
    assert.ok(gap.advice.some((advice) => advice.action.includes('file[80:21802f]') && advice.status === 'unverified'));
  });

  test('gap-map-runc: same gap with runc', () => {
    const report = analyzeGaps(plainSnapshot('gap-map-runc'), logOf('gap-map-runc'));
    assert.equal(report.gaps.length, 1);
    assert.equal(report.gaps[0].mntId, 128);
    assert.equal(report.gaps[0].where, 'runtime');
    assert.equal(report.gaps[0].logLine, 356);
  });

  test('gap-map without fdinfo falls back', () => {
    const report = analyzeGaps(plainSnapshot('gap-map', { fdinfo: false }));
    const [gap] = report.gaps;
    assert.equal(gap.mntId, 128);
    assert.equal(gap.mntIdSource, 'device');
    assert.equal(gap.fallback, true);
    assert.equal(gap.logLine, undefined);
  });

  test('id gap before container', () => {
    const report = analyzeGaps(plainSnapshot('gap-map-runc'));
    assert.deepEqual(
      report.idGaps.map((gap) => [gap.from, gap.to]),
      [[161, 161]],
    );
  });

  test('log of another snapshot', () => {
    const report = analyzeGaps(plainSnapshot('gap-fd'), logOf('gap-map'));
    const fromLog = report.gaps.find((gap) => gap.fromLogOnly);
    assert.equal(fromLog?.kind, 'mapping');
    assert.equal(fromLog?.mntId, 128);
    assert.equal(fromLog?.logLine, 351);
    assert.ok(report.notes.some((note) => /pid 21833/.test(note) && /pid 21853/.test(note)));
  });
});

describe('docker 067 fdinfo only', () => {
  test('mount 46 outside container', () => {
    const report = analyzeGaps(assembleSnapshot({ mountinfo: read('docker-ghost-067/mountinfo.txt'), maps: '', fdinfo: read('docker-ghost-067/fdinfo.txt') }));
    assert.equal(report.gaps.length, 1);
    assert.equal(report.gaps[0].kind, 'fd');
    assert.equal(report.gaps[0].fd, null);
    assert.equal(report.gaps[0].mntId, 46);
    assert.equal(report.gaps[0].where, 'unknown');
    assert.deepEqual(
      report.idGaps.map((gap) => [gap.from, gap.to, gap.above?.id]),
      [[46, 46, 85]],
    );
  });
});

describe('hand-made cases', () => {
  const mountinfo = ['449 300 0:50 / / rw - overlay overlay rw', '450 449 0:51 / /proc rw - proc proc rw'].join('\n');
  const runtime = ['440 1 8:1 / / rw - ext4 /dev/sda1 rw', '447 440 8:2 / /srv rw - ext4 /dev/sda2 rw'].join('\n');

  test('one vanished id 448', () => {
    const report = analyzeGaps(assembleSnapshot({ mountinfo, maps: '', runtimeMountinfo: runtime }));
    assert.equal(report.idGaps.length, 1);
    assert.equal(report.idGaps[0].from, 448);
    assert.equal(report.idGaps[0].to, 448);
    assert.match(report.idGaps[0].note, /id 448 is in no mountinfo/);
  });

  test('deleted host file on host', () => {
    const maps = '7f0000000000-7f0000001000 r--p 00000000 08:02 77                         /srv/data.bin (deleted)\n';
    const report = analyzeGaps(assembleSnapshot({ mountinfo, maps, runtimeMountinfo: runtime, hostMountinfo: '1 0 8:9 / / rw - ext4 /dev/sdz rw' }));
    assert.equal(report.gaps.length, 1);
    assert.equal(report.gaps[0].deleted, true);
    assert.equal(report.gaps[0].where, 'runtime');
    assert.equal(report.gaps[0].owner, 'host-file');
    assert.match(report.gaps[0].advice[0].action, /deleted/);
  });

  test('id in no table is detached', () => {
    const fdinfo = '== /proc/7/fdinfo/5\npos:\t0\nflags:\t02\nmnt_id:\t999\nino:\t12\n';
    const report = analyzeGaps(assembleSnapshot({ mountinfo, maps: '', fdinfo, fds: 'l-wx 1 root root 64 Dec  4 19:20 5 -> /srv/x\n', runtimeMountinfo: runtime, hostMountinfo: runtime }));
    assert.equal(report.gaps[0].where, 'detached');
    assert.equal(report.gaps[0].pid, 7);
  });
});

describe('snapshot format', () => {
  test('invalid JSON and version', () => {
    assert.throws(() => readSnapshot('{', 'a.json'), (error: Error) => error instanceof SnapshotError && /a\.json is not valid JSON/.test(error.message));
    assert.throws(() => readSnapshot('[]', 'a.json'), /expected a JSON object/);
    assert.throws(() => readSnapshot('{"mountinfo":""}', 'a.json'), /snapshot version missing; this checkpoint-lens reads version 1 only/);
    assert.throws(() => readSnapshot('{"version":2}', 'a.json'), /snapshot version 2/);
  });

  test('invalid fields named', () => {
    assert.throws(() => readSnapshot('{"version":1,"mountinfo":3}', 'a.json'), /mountinfo: .*\n.*maps: /);
    assert.throws(() => readSnapshot('{"version":1,"mountinfo":"","maps":"","mapFiles":[{"range":"xyz","mntId":1}]}', 'a.json'), /mapFiles\.0\.range: expected "start-end"/);
    assert.throws(() => readSnapshot('{"version":1,"mountinfo":"","maps":"","extra":1}', 'a.json'), /extra/);
  });

  test('assembled snapshot validates', () => {
    const snapshot = plainSnapshot('gap-fd');
    assert.deepEqual(readSnapshot(JSON.stringify(snapshot), 'x'), snapshot);
    assert.equal(snapshot.cmdline, '/holder fd');
  });

  test('arbitrary snapshot text never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), fc.string({ maxLength: 200 }), (mountinfo, maps, fdinfo) => {
        analyzeGaps(assembleSnapshot({ mountinfo, maps, fdinfo, fds: fdinfo, runtimeMountinfo: maps, hostMountinfo: mountinfo }));
      }),
      { numRuns: 300 },
    );
  });
});

describe('log line cut by a newline', () => {
  // Lines 332 to 355 of a CRIU 4.1.1 dump.log recorded on the test stack: the mapped file's name
  // holds a newline, which the kernel's smaps escapes as \012 but CRIU prints raw, so the error
  // line ends at "\\back" and "nl.txt" is a line of its own.
  const log = [
    "(00.010076) Dumping task (pid: 8732 comm: holdfd)",
    "(00.010078) ========================================",
    "(00.010078) Obtaining task stat ... ",
    "(00.010099) ",
    "(00.010100) Collecting mappings (pid: 8732)",
    "(00.010101) ----------------------------------------",
    "(00.010166) Handling VMA with the following smaps entry: 00400000-00401000 r--p 00000000 00:63 1589522                            /holdfd",
    "(00.010186) Found regular file mapping, OK",
    "(00.010230) Dumping path for -3 fd via self 14 [/holdfd]",
    "(00.010350) Handling VMA with the following smaps entry: 00401000-0047a000 r-xp 00001000 00:63 1589522                            /holdfd",
    "(00.010359) vma 401000 borrows vfi from previous 400000",
    "(00.010362) Handling VMA with the following smaps entry: 0047a000-004a2000 r--p 0007a000 00:63 1589522                            /holdfd",
    "(00.010368) vma 47a000 borrows vfi from previous 401000",
    "(00.010370) Handling VMA with the following smaps entry: 004a2000-004a6000 r--p 000a1000 00:63 1589522                            /holdfd",
    "(00.010376) vma 4a2000 borrows vfi from previous 47a000",
    "(00.010378) Handling VMA with the following smaps entry: 004a6000-004a9000 rw-p 000a5000 00:63 1589522                            /holdfd",
    "(00.010383) vma 4a6000 borrows vfi from previous 4a2000",
    "(00.010385) Handling VMA with the following smaps entry: 004a9000-004ae000 rw-p 00000000 00:00 0 ",
    "(00.010420) Handling VMA with the following smaps entry: 277f4000-27816000 rw-p 00000000 00:00 0                                  [heap]",
    "(00.010426) Handling VMA with the following smaps entry: 7f5149d55000-7f5149d56000 r--p 00000000 00:2a 95                         /var/cache/checkpoint-lens/stack/trixie/tmp/t4src/<img src=x onerror=alert(1)> sp\ttab\\back\\012nl.txt",
    "(00.010436) Found regular file mapping, OK",
    "(00.010476) Error (criu/files-reg.c:1790): Can't lookup mount=65 for fd=-3 path=/var/cache/checkpoint-lens/stack/trixie/tmp/t4src/<img src=x onerror=alert(1)> sp\ttab\\back",
    "nl.txt",
    "(00.010483) Error (criu/cr-dump.c:1570): Collect mappings (pid: 8732) failed with -1",
  ].join('\n');
  const maps = [
    '00400000-00401000 r--p 00000000 00:63 1589522                            /holdfd',
    "7f5149d55000-7f5149d56000 r--p 00000000 00:2a 95                         /var/cache/checkpoint-lens/stack/trixie/tmp/t4src/<img src=x onerror=alert(1)> sp\ttab\\back\\012nl.txt",
  ].join('\n');
  // 00:63 in maps is device 0:99 in mountinfo, which writes it in decimal.
  const mountinfo = '1 0 0:99 / / rw - overlay overlay rw\n';

  test('matches the mapping it cut', () => {
    const report = analyzeGaps(assembleSnapshot({ mountinfo, maps }), { analysis: analyzeText(log), text: log });
    assert.equal(report.gaps.length, 1);
    const gap = report.gaps[0];
    assert.equal(gap.path, '/var/cache/checkpoint-lens/stack/trixie/tmp/t4src/<img src=x onerror=alert(1)> sp\ttab\\back\nnl.txt');
    assert.equal(gap.logLine, 22);
    assert.equal(gap.mntId, 65);
    assert.equal(gap.mntIdSource, 'log');
    assert.equal(gap.fromLogOnly, undefined);
  });

  test('no match without the newline', () => {
    // A mapping whose name only starts with the cut text, without a newline after it, is another file.
    const other = maps.replace('\\012nl.txt', 'nl.txt');
    const report = analyzeGaps(assembleSnapshot({ mountinfo, maps: other }), { analysis: analyzeText(log), text: log });
    assert.equal(report.gaps.filter((gap) => gap.fromLogOnly).length, 1);
  });
});

describe('gap grouping', () => {
  test('wasm gap count without log', () => {
    const snapshot = readSnapshot(read('wasm-crun-wasmedge/snapshot.json'), 'snapshot.json');
    const withLog = analyzeGaps(snapshot, logOf('wasm-crun-wasmedge'));
    const withoutLog = analyzeGaps(snapshot);
    assert.equal(withoutLog.gaps.length, 25);
    assert.equal(withLog.gaps.length, 25);
    const binary = withoutLog.gaps.filter((gap) => gap.kind === 'mapping' && gap.path === '/');
    assert.equal(binary.length, 1);
    assert.equal(binary[0].mntId, 174);
    assert.equal(binary[0].mntIdSource, 'map_files');
    assert.equal(binary[0].ranges?.length, 5);
  });

  test('empty maps note', () => {
    const report = analyzeGaps(assembleSnapshot({ mountinfo: '1 0 0:63 / / rw - overlay overlay rw\n', maps: '' }));
    assert.equal(report.gaps.length, 0);
    assert.match(report.notes[0], /no user memory \(a kernel thread or a zombie\), and CRIU cannot checkpoint it/);
  });
});
