import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { analyzeGaps } from '../../../src/model/procfs/analyzeGaps';
import { parseFdinfo, parseLinkListing, parseProcessLinks } from '../../../src/model/procfs/fdinfo';
import { addressOf, escapeMapsPath, parseMaps, parseMapsLine } from '../../../src/model/procfs/maps';
import { assembleSnapshot } from '../../../src/model/procfs/snapshot';
import { ancestorsOf, buildMountTree, escapeMountinfoField, type MountEntry, parseMountinfo, parseMountinfoLine, readMountinfoLine, unescapeMountinfoField } from '../../../src/model/procfs/mountinfo';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'procfs');
const read = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

describe('mountinfo parser', () => {
  test('real container mountinfo', () => {
    const parsed = parseMountinfo(read('wasm-crun-wasmedge/mountinfo.txt'));
    assert.equal(parsed.issues.length, 0);
    assert.equal(parsed.mounts.length, 28);
    const root = parsed.mounts[0];
    assert.equal(root.mountId, 413);
    assert.equal(root.parentId, 175);
    assert.equal(root.mountPoint, '/');
    assert.equal(root.fsType, 'overlay');
    assert.equal(root.major, 0);
    assert.equal(root.minor, 133);
    const hosts = parsed.mounts.find((mount) => mount.mountPoint === '/etc/hosts');
    assert.ok(hosts);
    assert.equal(hosts.isBindMount, true);
    assert.match(hosts.root, /\/userdata\/hosts$/);
  });

  test('tree of real mountinfo', () => {
    const tree = buildMountTree(parseMountinfo(read('wasm-crun-wasmedge/mountinfo.txt')).mounts);
    // The container's root mount has its parent in the runtime's namespace, which is normal.
    assert.deepEqual(tree.roots, [413]);
    assert.deepEqual(tree.cycles, []);
    assert.deepEqual(tree.children.get(415)?.sort(), [417, 418, 420]);
    assert.deepEqual(ancestorsOf(tree, 424), [424, 423, 416, 413]);
  });

  test('host mountinfo root parent outside', () => {
    const tree = buildMountTree(parseMountinfo(read('wasm-crun-wasmedge/host-mountinfo.txt')).mounts);
    assert.ok(tree.roots.includes(27), 'mount 27 (/) has parent 1, which is not listed');
    assert.deepEqual(tree.cycles, []);
  });

  test('octal escapes in paths', () => {
    const parsed = parseMountinfo('40 30 8:1 /a\\040dir /mnt/with\\040space\\011tab\\012nl\\134bs rw - ext4 /dev/sda1 rw\n');
    assert.deepEqual(parsed.issues, []);
    assert.equal(parsed.mounts[0].root, '/a dir');
    assert.equal(parsed.mounts[0].mountPoint, '/mnt/with space\ttab\nnl\\bs');
  });

  test('optional fields of any count', () => {
    const parsed = parseMountinfo(
      [
        '1 0 8:1 / / rw - ext4 /dev/sda1 rw',
        '2 1 8:1 / /a rw shared:5 - ext4 /dev/sda1 rw',
        '3 1 8:1 / /b rw master:5 propagate_from:7 - ext4 /dev/sda1 rw',
        '4 1 8:1 / /c rw shared:9 master:5 unbindable future:1 - ext4 /dev/sda1 rw',
      ].join('\n'),
    );
    assert.deepEqual(parsed.issues, []);
    const [plain, shared, slave, all] = parsed.mounts;
    assert.deepEqual(plain.propagation, { unbindable: false, unknown: [] });
    assert.equal(shared.propagation.shared, 5);
    assert.equal(slave.propagation.master, 5);
    assert.equal(slave.propagation.propagateFrom, 7);
    assert.equal(all.propagation.shared, 9);
    assert.equal(all.propagation.unbindable, true);
    assert.deepEqual(all.propagation.unknown, ['future:1']);
  });

  test('super options and source', () => {
    const parsed = parseMountinfo('7 1 0:53 /x /run rw,relatime - tmpfs tmpfs rw,mode=755,size=10k\n');
    assert.equal(parsed.mounts[0].source, 'tmpfs');
    assert.equal(parsed.mounts[0].superOptions, 'rw,mode=755,size=10k');
    assert.equal(parsed.mounts[0].mountOptions, 'rw,relatime');
  });

  test('bad lines reported with reasons', () => {
    const parsed = parseMountinfo(['1 0 8:1 / / rw - ext4 /dev/sda1 rw', 'garbage', 'x 0 8:1 / / rw - ext4 s rw', '2 1 8:1 / /a rw shared:1 ext4 s rw', '3 1 8-1 / /b rw - ext4 s rw', '1 0 8:1 / /dup rw - ext4 s rw'].join('\n'));
    assert.equal(parsed.mounts.length, 1);
    assert.deepEqual(
      parsed.issues.map((issue) => issue.line),
      [2, 3, 4, 5, 6],
    );
    assert.match(parsed.issues[0].reason, /at least 10/);
    assert.match(parsed.issues[1].reason, /invalid mount id "x"/);
    assert.match(parsed.issues[2].reason, /separator/);
    assert.match(parsed.issues[3].reason, /invalid major:minor "8-1"/);
    assert.match(parsed.issues[4].reason, /appears twice/);
  });

  test('cycle and self-parent detected', () => {
    const parsed = parseMountinfo(['10 12 0:1 / /a rw - tmpfs t rw', '11 10 0:1 / /b rw - tmpfs t rw', '12 11 0:1 / /c rw - tmpfs t rw', '20 20 0:1 / /d rw - tmpfs t rw'].join('\n'));
    const tree = buildMountTree(parsed.mounts);
    assert.deepEqual(tree.roots, []);
    assert.equal(tree.cycles.length, 2);
    assert.deepEqual([...tree.cycles[0]].sort(), [10, 11, 12]);
    assert.deepEqual(tree.cycles[1], [20]);
    assert.deepEqual(ancestorsOf(tree, 11), [11, 10, 12]);
  });
});

describe('mountinfo properties', () => {
  test('arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const parsed = parseMountinfo(text);
        buildMountTree(parsed.mounts);
        for (const issue of parsed.issues) assert.ok(issue.line >= 1);
      }),
      { numRuns: 500 },
    );
  });

  test('escaped paths round-trip', () => {
    const pathArbitrary = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\t', '\n', '\\', '0', '4', '/', 'é'), minLength: 1, maxLength: 30 }).map((text) => `/${text}`);
    fc.assert(
      fc.property(pathArbitrary, pathArbitrary, (root, mountPoint) => {
        assert.equal(unescapeMountinfoField(escapeMountinfoField(root)), root);
        const line = `5 1 8:1 ${escapeMountinfoField(root)} ${escapeMountinfoField(mountPoint)} rw shared:1 - ext4 /dev/sda1 rw`;
        const parsed = parseMountinfo(line);
        assert.deepEqual(parsed.issues, []);
        assert.equal(parsed.mounts[0].root, root);
        assert.equal(parsed.mounts[0].mountPoint, mountPoint);
      }),
      { numRuns: 500 },
    );
  });

  test('hostile parent links terminate', () => {
    const mountsArbitrary = fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 })), { maxLength: 60 });
    fc.assert(
      fc.property(mountsArbitrary, (pairs) => {
        const mounts = pairs.map(([mountId, parentId], index) => ({ ...(parseMountinfo('1 0 8:1 / / rw - ext4 s rw').mounts[0] as MountEntry), line: index + 1, mountId, parentId }));
        const tree = buildMountTree(mounts);
        for (const mount of mounts) {
          const ancestors = ancestorsOf(tree, mount.mountId);
          assert.equal(new Set(ancestors).size, ancestors.length);
        }
        const inCycles = tree.cycles.flat();
        assert.equal(new Set(inCycles).size, inCycles.length, 'each mount is in one cycle at most');
      }),
      { numRuns: 500 },
    );
  });
});

describe('maps parser', () => {
  test('real maps kinds', () => {
    const parsed = parseMaps(read('wasm-crun-wasmedge/maps.txt'));
    assert.deepEqual(parsed.issues, []);
    assert.equal(parsed.entries.length, 142);
    const kinds = new Set(parsed.entries.map((entry) => entry.kind));
    for (const kind of ['file', 'anonymous', 'heap', 'stack', 'vdso', 'vvar', 'vsyscall'] as const) assert.ok(kinds.has(kind), kind);
    const crun = parsed.entries.filter((entry) => entry.path === '/');
    assert.equal(crun.length, 5);
    assert.equal(crun[0].device, 'fe:00');
    assert.equal(crun[0].major, 254);
    assert.equal(crun[0].minor, 0);
    assert.equal(crun[0].inode, '2200394');
    assert.equal(crun[1].offset, '00008000');
    const vclock = parsed.entries.find((entry) => entry.path === '[vvar_vclock]');
    assert.equal(vclock?.kind, 'vvar');
  });

  test('vsyscall address keeps precision', () => {
    const parsed = parseMaps(read('gap-map/maps.txt'));
    const vsyscall = parsed.entries.at(-1)!;
    assert.equal(vsyscall.kind, 'vsyscall');
    assert.equal(vsyscall.start, 'ffffffffff600000');
    assert.equal(addressOf(vsyscall.end) - addressOf(vsyscall.start), 4096n);
    assert.equal(addressOf(vsyscall.start), 0xffffffffff600000n);
  });

  test('special and deleted paths', () => {
    const text = [
      '7f0000000000-7f0000001000 rw-s 00000000 00:01 1234                       /dev/zero (deleted)',
      '7f0000001000-7f0000002000 rw-s 00000000 00:01 1235                       /memfd:crun_cloned:/proc/self/exe (deleted)',
      '7f0000002000-7f0000003000 r--p 00000000 08:01 99                         /opt/my app/lib.so (deleted)',
      '7f0000003000-7f0000004000 rw-p 00000000 00:00 0                          [anon:scudo:primary]',
      '7f0000004000-7f0000005000 r--p 00000000 08:01 100                        /data/line\\012break',
      '7f0000005000-7f0000006000 rw-s 00000000 00:01 65538                      /SYSV00000000 (deleted)',
    ].join('\n');
    const parsed = parseMaps(text);
    assert.deepEqual(parsed.issues, []);
    const [zero, memfd, spaced, named, newline, sysv] = parsed.entries;
    assert.equal(zero.kind, 'shmem');
    assert.equal(zero.deleted, false);
    assert.equal(memfd.kind, 'memfd');
    assert.equal(memfd.path, '/memfd:crun_cloned:/proc/self/exe');
    assert.equal(spaced.kind, 'file');
    assert.equal(spaced.path, '/opt/my app/lib.so');
    assert.equal(spaced.deleted, true);
    assert.equal(named.kind, 'anon-named');
    assert.equal(newline.path, '/data/line\nbreak');
    assert.equal(sysv.kind, 'shmem');
  });

  test('bad maps lines reported', () => {
    const parsed = parseMaps('not a line\n00400000-00300000 r--p 00000000 00:5d 1 /x\n00400000-00401000 r--p 00000000 00:5d 1 /ok\n');
    assert.equal(parsed.entries.length, 1);
    assert.deepEqual(
      parsed.issues.map((issue) => issue.line),
      [1, 2],
    );
    assert.match(parsed.issues[1].reason, /above end/);
  });
});

describe('maps properties', () => {
  test('arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        parseMaps(text);
      }),
      { numRuns: 500 },
    );
  });

  test('paths and addresses round-trip', () => {
    const hex = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    const pathArbitrary = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '/', '[', ']', ':', 'é'), minLength: 1, maxLength: 30 }).map((text) => `/${text.replace(/ +$/, '')}x`);
    fc.assert(
      fc.property(hex, hex, pathArbitrary, fc.boolean(), (a, b, path, deleted) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const line = `${low.toString(16)}-${high.toString(16)} r-xp 00001000 fe:00 123456789012345    ${escapeMapsPath(path)}${deleted ? ' (deleted)' : ''}`;
        const parsed = parseMaps(line);
        assert.deepEqual(parsed.issues, []);
        const entry = parsed.entries[0];
        assert.equal(addressOf(entry.start), low);
        assert.equal(addressOf(entry.end), high);
        assert.equal(entry.path, path);
        assert.equal(entry.deleted, deleted);
        assert.equal(entry.inode, '123456789012345');
      }),
      { numRuns: 500 },
    );
  });
});

// The maps line grammar as one regular expression, to check the field-by-field parser against.
const MAPS_GRAMMAR = /^([0-9a-f]{1,16})-([0-9a-f]{1,16}) ([r-][w-][x-][ps]) ([0-9a-f]{1,16}) ([0-9a-f]{1,8}):([0-9a-f]{1,8}) (0|[1-9][0-9]{0,19})(?: +(.*))?$/;

describe('maps line grammar', () => {
  const piece = fc.constantFrom('0', '00', '7', 'f', 'F', 'g', '1234567890abcdef', '0000000000000000f', ' ', '  ', '-', ':', 'r', 'w', 'x', 'p', 's', 'r-xp', 'rw-s', '---p', '\r', '\u2028', '/lib.so', ' (deleted)', '\\012', '[heap]', 'é');
  const linePiece = fc.oneof(
    fc.array(piece, { maxLength: 14 }).map((pieces) => pieces.join('')),
    fc
      .tuple(
        fc.constantFrom('7f00', '0', '00007f00', 'ffffffffff600000', '1ffffffffff600000', 'A0'),
        fc.constantFrom('7f10', '7eff', '0', 'ffffffffff601000', '00007f10'),
        fc.constantFrom('r--p', 'rwxs', 'r-x', 'rw-pp', 'R--p'),
        fc.constantFrom('00000000', '1000', '', '00000000000000000'),
        fc.constantFrom('fe:00', '00:5d', '123456789:0', 'fe:', 'fe-00', '0:0'),
        fc.constantFrom('0', '2200394', '02200394', '123456789012345678901', '12345678901234567890', 'x'),
        fc.constantFrom('', ' ', '    /usr/lib/libc.so.6', ' /a b (deleted)', '   [stack]', '\t/tab', ' /cr\r', ' /ls\u2028'),
      )
      .map(([start, end, perms, offset, device, inode, tail]) => `${start}-${end} ${perms} ${offset} ${device} ${inode}${tail}`),
  );

  test('parser accepts what the grammar accepts', () => {
    fc.assert(
      fc.property(linePiece, (text) => {
        const match = MAPS_GRAMMAR.exec(text);
        const parsed = parseMapsLine(text, 1);
        if (!match) {
          assert.equal(typeof parsed, 'string', `accepted ${JSON.stringify(text)}`);
          return;
        }
        const [, start, end, perms, offset, major, minor, inode, rawPath = ''] = match;
        if (BigInt(`0x${start}`) > BigInt(`0x${end}`)) {
          assert.equal(parsed, `start address ${start} is above end address ${end}`);
          return;
        }
        assert.notEqual(typeof parsed, 'string', `rejected ${JSON.stringify(text)}`);
        const entry = parsed as Exclude<typeof parsed, string>;
        assert.deepEqual([entry.start, entry.end, entry.perms, entry.offset, entry.device, entry.inode], [start, end, perms, offset, `${major}:${minor}`, inode]);
        assert.equal(entry.major, Number.parseInt(major, 16));
        assert.equal(entry.minor, Number.parseInt(minor, 16));
        const undeleted = rawPath.endsWith(' (deleted)') ? rawPath.slice(0, -' (deleted)'.length) : rawPath;
        assert.equal(entry.path, undeleted.replace(/\\012/g, '\n'));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('maps across lines', () => {
  // Lines that repeat offsets, devices and inodes out of order, so that strings reused from
  // earlier lines must still be the values of their own line.
  const lineArbitrary = fc
    .tuple(
      fc.constantFrom('7f00', '7f10', '00007f20', 'ffffffffff600000'),
      fc.constantFrom('r--p', 'r-xp', 'rw-s', '---p'),
      fc.constantFrom('00000000', '00028000', '28000', '0001', '1000', '00001000'),
      fc.constantFrom('fe:00', '00:5d', '0:0', '00:00', 'fe:0'),
      fc.constantFrom('0', '7', '2200394', '22003940', '12345678901234567890'),
      fc.constantFrom('', '    /usr/lib/libc.so.6', '  /usr/lib/libc.so.7', ' /a b (deleted)', '   [stack]', ' /dev/zero (deleted)'),
    )
    .map(([address, perms, offset, device, inode, tail]) => `${address}-ffffffffff601000 ${perms} ${offset} ${device} ${inode}${tail}`);

  test('file parse equals line parses', () => {
    fc.assert(
      fc.property(fc.array(lineArbitrary, { minLength: 1, maxLength: 30 }), (lines) => {
        const parsed = parseMaps(lines.join('\n'));
        assert.deepEqual(parsed.issues, []);
        assert.deepEqual(
          parsed.entries,
          lines.map((line, index) => parseMapsLine(line, index + 1)),
        );
      }),
      { numRuns: 500 },
    );
  });

  test('entries are separate objects', () => {
    const parsed = parseMaps('1000-2000 r--p 00000000 fe:00 7 /a\n2000-3000 rw-p 00001000 fe:00 8 /b\n');
    assert.equal(parsed.entries.length, 2);
    assert.notEqual(parsed.entries[0], parsed.entries[1]);
    assert.equal(parsed.entries[0].path, '/a');
    assert.equal(parsed.entries[0].offset, '00000000');
    assert.equal(parsed.entries[1].path, '/b');
    assert.equal(parsed.entries[1].offset, '00001000');
  });
});

describe('mountinfo field reader', () => {
  const field = fc.constantFrom('', '0', '01', '7', '36', '4294967295', '12345678901', '98:0', '0:93', '08:1', '1:2:3', ':', '/', '/mnt', 'x', '-', '--', 'rw,noatime', 'shared:1', 'master:02', 'master:7', 'propagate_from:3', 'unbindable', 'shared:', 'future:1', 'ext4', '/dev/root', 'a\\040b', '\\134', ' ', '\r', 'é');
  const fieldsArbitrary = fc.oneof(
    fc.array(field, { maxLength: 14 }).map((fields) => fields.join(' ')),
    fc
      .tuple(
        fc.constantFrom('36', '0', '012', '1x'),
        fc.constantFrom('35', '1', ''),
        fc.constantFrom('98:0', '0:93', '98:', ':0', '98-0', '1:2:3', '9999999999:1', '10000000000:1'),
        fc.constantFrom('/', '/mnt1', '', '/a\\040b'),
        fc.constantFrom('/mnt2', '/', 'mnt', '', '/x\\011y'),
        fc.constantFrom('rw,noatime', '', '-'),
        fc.array(fc.constantFrom('shared:1', 'master:5', 'propagate_from:2', 'unbindable', 'shared:01', 'x', '', '-'), { maxLength: 3 }),
        fc.constantFrom('ext3', '', 'fuse.sshfs'),
        fc.constantFrom('/dev/root', '', 'a\\040b'),
        fc.constantFrom('rw,errors=continue', '', 'a b', 'rw\\134'),
      )
      .map(([id, parent, device, root, point, options, optional, type, source, superOptions]) => [id, parent, device, root, point, options, ...optional, '-', type, source, superOptions].join(' ')),
  );

  test('agrees with the split parser', () => {
    fc.assert(
      fc.property(fieldsArbitrary, (text) => {
        const read = readMountinfoLine(text, 0, text.length, 3);
        const parsed = parseMountinfoLine(text, 3);
        if (typeof parsed === 'string') assert.equal(read, null, `read ${JSON.stringify(text)}, rejected with: ${parsed}`);
        else assert.deepEqual(read, parsed);
      }),
      { numRuns: 3000 },
    );
  });

  test('reads a line inside a text', () => {
    const text = 'x\n36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\r\ny';
    const start = text.indexOf('36');
    const end = text.indexOf('\r');
    const read = readMountinfoLine(text, start, end, 2);
    assert.ok(read);
    assert.deepEqual(read, parseMountinfoLine(text.slice(start, end), 2));
    assert.equal(read.superOptions, 'rw,errors=continue');
    assert.equal(read.propagation.master, 1);
  });

  test('takes every line of the fixtures', () => {
    for (const name of ['wasm-crun-wasmedge/mountinfo.txt', 'wasm-crun-wasmedge/conmon-mountinfo.txt', 'wasm-crun-wasmedge/host-mountinfo.txt', 'gap-map-runc/mountinfo.txt']) {
      for (const line of read(name).split('\n').filter(Boolean)) {
        assert.notEqual(readMountinfoLine(line, 0, line.length, 1), null, `${name}: ${line}`);
      }
    }
  });
});

describe('fdinfo and listings', () => {
  test('real fdinfo with extra lines', () => {
    const parsed = parseFdinfo(read('wasm-crun-wasmedge/fdinfo.txt'));
    assert.deepEqual(parsed.issues, []);
    assert.equal(parsed.blocks.length, 7);
    const [stdin, , , dir, , epoll, timer] = parsed.blocks;
    assert.equal(stdin.pid, 23349);
    assert.equal(stdin.fd, 0);
    assert.equal(stdin.mntId, 415);
    assert.equal(dir.flags, '02700000');
    assert.equal(dir.mntId, 413);
    assert.equal(dir.ino, '2215221');
    assert.match(epoll.extra.tfd, /events/);
    assert.equal(timer.extra.clockid, '1');
  });

  test('headerless fdinfo with spaces', () => {
    const parsed = parseFdinfo(read('docker-ghost-067/fdinfo.txt'));
    assert.deepEqual(parsed.issues, []);
    assert.equal(parsed.blocks.length, 1);
    assert.equal(parsed.blocks[0].fd, null);
    assert.equal(parsed.blocks[0].mntId, 46);
    assert.equal(parsed.blocks[0].flags, '0100002');
    assert.equal(parsed.blocks[0].ino, null);
  });

  test('map_files blocks and bad fields', () => {
    const parsed = parseFdinfo('== /proc/9/map_files/55f3893d8000-55f3893e0000\nmnt_id:\t174\nino:\t2200394\n== /proc/9/fdinfo/x\npos: 0\n== /proc/9/fdinfo/3\nmnt_id: abc\n');
    assert.equal(parsed.blocks.length, 2);
    assert.equal(parsed.blocks[0].mapRange, '55f3893d8000-55f3893e0000');
    assert.equal(parsed.blocks[0].mntId, 174);
    assert.deepEqual(
      parsed.issues.map((issue) => issue.line),
      [4, 5, 7],
    );
    assert.match(parsed.issues[0].reason, /invalid fd number "x"/);
    assert.match(parsed.issues[2].reason, /invalid mnt_id "abc"/);
  });

  test('fd and map_files listings', () => {
    const fds = parseLinkListing(read('wasm-crun-wasmedge/fd.txt'));
    assert.deepEqual(fds.issues, []);
    assert.deepEqual(
      fds.entries.map((entry) => [entry.name, entry.target]),
      [
        ['0', '/dev/null'],
        ['1', 'pipe:[67832]'],
        ['2', 'pipe:[67833]'],
        ['3', '/'],
        ['4', '/tick.wasm'],
        ['5', 'anon_inode:[eventpoll]'],
        ['6', 'anon_inode:[timerfd]'],
      ],
    );
    const mapFiles = parseLinkListing(read('wasm-crun-wasmedge/map_files.txt'));
    assert.equal(mapFiles.entries.length, 119);
    assert.deepEqual(mapFiles.entries[0], { line: 2, name: '55f3893d8000-55f3893e0000', target: '/' });
  });

  test('root and cwd links', () => {
    const links = parseProcessLinks(read('gap-fd/root-and-ns.txt'));
    assert.deepEqual(links, { pid: 21853, root: '/', cwd: '/', exe: null });
  });

  test('arbitrary fdinfo never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        parseFdinfo(text);
        parseLinkListing(text);
        parseProcessLinks(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fdinfo binary input', () => {
  // Bytes of a random file: control bytes and invalid UTF-8 on every line, no "key:" field.
  const binary = Buffer.from([0x4e, 0x14, 0x88, 0x81, 0x66, 0x36, 0x97, 0x0a, 0x3d, 0x9c, 0xeb, 0x1b, 0x0a, 0x7a, 0x17, 0x95, 0x0a]).toString('utf8');

  test('binary lines are issues', () => {
    const parsed = parseFdinfo(binary);
    assert.equal(parsed.blocks.length, 0);
    assert.deepEqual(
      parsed.issues.map((issue) => issue.line),
      [1, 2, 3],
    );
    assert.match(parsed.issues[0].reason, /^not understood: it holds control characters or invalid UTF-8/);
  });

  test('headerless text without a field', () => {
    const parsed = parseFdinfo('hello world\npos:\t0\n');
    assert.equal(parsed.blocks.length, 0);
    assert.equal(parsed.issues.length, 2);
    assert.match(parsed.issues[0].reason, /expected "key: value" or a "== \/proc\/PID\/fdinfo\/N" header/);
  });

  test('headerless fdinfo still reads', () => {
    const parsed = parseFdinfo('pos:\t0\nflags:\t02\nmnt_id:\t46\n');
    assert.equal(parsed.blocks.length, 1);
    assert.equal(parsed.blocks[0].mntId, 46);
    assert.equal(parsed.issues.length, 0);
  });

  test('no fd gap from binary fdinfo', () => {
    const report = analyzeGaps(assembleSnapshot({ mountinfo: '1 0 0:99 / / rw - overlay overlay rw\n', maps: '', fdinfo: binary }));
    assert.equal(report.fds.length, 0);
    assert.equal(report.gaps.length, 0);
    assert.deepEqual(
      report.issues.map((issue) => `${issue.input} ${issue.line}`),
      ['fdinfo 1', 'fdinfo 2', 'fdinfo 3'],
    );
  });
});
