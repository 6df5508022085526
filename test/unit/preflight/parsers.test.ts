import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { parseLocks } from '../../../src/model/preflight/proc/locks';
import { formatInetAddress, parseInetTable } from '../../../src/model/preflight/proc/netInet';
import { parseNetlinkTable } from '../../../src/model/preflight/proc/netlink';
import { parseSsUnix, parseUnixTable } from '../../../src/model/preflight/proc/netUnix';
import { parseStatus } from '../../../src/model/preflight/proc/status';
import { FIXTURES, LIVE_PID, readLive } from './liveHolder';

function readHostile(name: string): string {
  return readFileSync(join(FIXTURES, 'hostile', name), 'utf8');
}

describe('inet table parser', () => {
  test('reads the recorded tcp listener and connections', () => {
    const table = parseInetTable(readLive('net/tcp'), 'tcp');
    assert.deepEqual(table.issues, []);
    const listener = table.sockets.find((socket) => socket.inode === '140564');
    assert.ok(listener);
    assert.equal(listener.line, 3);
    assert.equal(listener.stateName, 'LISTEN');
    assert.equal(listener.local, '127.0.0.1:43741');
    assert.equal(listener.remote, '0.0.0.0:0');
    const connection = table.sockets.find((socket) => socket.inode === '140566');
    assert.ok(connection);
    assert.equal(connection.line, 7);
    assert.equal(connection.state, 1);
    assert.equal(connection.remote, '127.0.0.1:60278');
  });

  test('reads tcp6 addresses and the accept queue', () => {
    const table = parseInetTable(readLive('net/tcp6'), 'tcp6');
    assert.deepEqual(table.issues, []);
    const [listener, client] = table.sockets;
    assert.equal(listener.line, 2);
    assert.equal(listener.local, '[::1]:48703');
    assert.equal(listener.rxQueue, 1);
    assert.equal(client.remote, '[::1]:48703');
    assert.equal(client.stateName, 'ESTABLISHED');
  });

  test('reads udp and skips the header', () => {
    const table = parseInetTable(readLive('net/udp'), 'udp');
    assert.equal(table.sockets.length, 1);
    assert.equal(table.sockets[0].inode, '140569');
    assert.equal(table.sockets[0].state, 7);
    assert.deepEqual(parseInetTable(readLive('net/udp6'), 'udp6').sockets, []);
  });

  test('formats mapped and zero-run IPv6 addresses', () => {
    assert.equal(formatInetAddress('0000000000000000FFFF00000100007F:0050'), '[::ffff:127.0.0.1]:80');
    assert.equal(formatInetAddress('B80D0120000000000000000001000000:01BB'), '[2001:db8::1]:443');
    assert.equal(formatInetAddress('0100007F:XYZ0'), null);
    assert.equal(formatInetAddress('no-colon'), null);
  });

  test('reports a truncated row by line', () => {
    const table = parseInetTable(readHostile('tcp-truncated'), 'tcp');
    assert.equal(table.sockets.length, 2);
    assert.equal(table.issues.length, 1);
    assert.equal(table.issues[0].line, 4);
  });
});

describe('unix table parsers', () => {
  test('reads the recorded unix table', () => {
    const table = parseUnixTable(readLive('net/unix'));
    assert.deepEqual(table.issues, []);
    const socket = table.sockets.find((candidate) => candidate.inode === '140572');
    assert.ok(socket);
    assert.equal(socket.line, 117);
    assert.equal(socket.type, 'stream');
    assert.equal(socket.state, 'connected');
    assert.equal(socket.path, null);
  });

  test('reads peers from ss output', () => {
    const table = parseSsUnix(readLive('net/ss-unix.txt'));
    assert.deepEqual(table.issues, []);
    const outside = table.sockets.find((candidate) => candidate.inode === '140572');
    assert.ok(outside);
    assert.equal(outside.line, 116);
    assert.equal(outside.peerInode, '135771');
    assert.equal(outside.netid, 'u_str');
    const listener = table.sockets.find((candidate) => candidate.inode === '135771');
    assert.equal(listener?.localName, '/tmp/pf-rec/outside.sock');
  });

  test('skips garbage and keeps paths with spaces', () => {
    const table = parseUnixTable(readHostile('unix-garbage'));
    assert.deepEqual(
      table.issues.map((issue) => issue.line),
      [6, 7, 8],
    );
    assert.equal(table.sockets.length, 8);
    const spaced = table.sockets.find((socket) => socket.inode === '999999');
    assert.equal(spaced?.path, '/path with spaces.sock');
    assert.equal(spaced?.listening, true);
  });
});

describe('netlink table parser', () => {
  test('reads the recorded route socket', () => {
    const table = parseNetlinkTable(readLive('net/netlink'));
    assert.deepEqual(table.issues, []);
    const socket = table.sockets.find((candidate) => candidate.inode === '140574');
    assert.ok(socket);
    assert.equal(socket.line, 3);
    assert.equal(socket.protocolName, 'NETLINK_ROUTE');
    assert.equal(socket.portId, String(LIVE_PID));
    assert.equal(socket.groups, '00000001');
  });

  test('reports a truncated row and reads unread data', () => {
    const table = parseNetlinkTable(readHostile('netlink-truncated'));
    assert.deepEqual(
      table.issues.map((issue) => issue.line),
      [3],
    );
    assert.equal(table.sockets.find((socket) => socket.inode === '777')?.rmem, 64);
  });
});

describe('lock parser', () => {
  test('reads the recorded locks', () => {
    const table = parseLocks(readLive('locks.txt'));
    assert.deepEqual(table.issues, []);
    const mine = table.locks.filter((lock) => lock.pid === LIVE_PID);
    assert.deepEqual(
      mine.map((lock) => [lock.line, lock.kind, lock.inode]),
      [
        [2, 'POSIX', '2146330'],
        [3, 'FLOCK', '2146316'],
      ],
    );
    const ofd = table.locks.find((lock) => lock.kind === 'OFDLCK');
    assert.equal(ofd?.pid, -1);
    assert.equal(ofd?.end, 'EOF');
  });

  test('reports damaged lines and marks waiters', () => {
    const table = parseLocks(readHostile('locks-garbage'));
    assert.deepEqual(
      table.issues.map((issue) => issue.line),
      [5, 7],
    );
    assert.equal(table.locks.find((lock) => lock.line === 4)?.kind, 'XLOCK');
    assert.equal(table.locks.find((lock) => lock.line === 6)?.blocked, true);
  });
});

describe('status parser', () => {
  test('reads the recorded status', () => {
    const status = parseStatus(readLive('status.txt'));
    assert.deepEqual(status.issues, []);
    assert.equal(status.name, 'python3');
    assert.equal(status.seccomp, 0);
    assert.deepEqual(status.nsPids, [LIVE_PID]);
    assert.ok(status.lines.Seccomp > 1);
  });

  test('leaves invalid values untyped', () => {
    const status = parseStatus(readHostile('status-garbage'));
    assert.deepEqual(
      status.issues.map((issue) => issue.line),
      [6],
    );
    assert.equal(status.seccomp, undefined);
    assert.equal(status.nsPids, undefined);
    assert.equal(status.fields.Seccomp, 'two');
  });
});

describe('parsers on large tables', () => {
  const ROWS = 100_000;

  function timed<T>(run: () => T): { result: T; ms: number } {
    const start = process.hrtime.bigint();
    const result = run();
    return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  }

  test('tcp table of 100,000 rows stays linear', () => {
    const row = (index: number): string => `${String(index).padStart(5)}: 0100007F:${(index % 65536).toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${1000 + index} 1 0000000000000000 100 0 0 10 0`;
    const small = Array.from({ length: ROWS / 10 }, (_, index) => row(index)).join('\n');
    const large = Array.from({ length: ROWS }, (_, index) => row(index)).join('\n');
    parseInetTable(small, 'tcp');
    const smallRun = timed(() => parseInetTable(small, 'tcp'));
    const largeRun = timed(() => parseInetTable(large, 'tcp'));
    assert.equal(largeRun.result.sockets.length, ROWS);
    assert.equal(largeRun.result.sockets[ROWS - 1].line, ROWS);
    // Ten times the rows may take at most 40 times as long: linear with headroom for GC and jitter.
    assert.ok(largeRun.ms < Math.max(40 * smallRun.ms, 200), `${ROWS} rows took ${largeRun.ms} ms, ${ROWS / 10} took ${smallRun.ms} ms`);
  });

  test('unix, ss and lock tables of 100,000 rows parse', () => {
    const unix = Array.from({ length: ROWS }, (_, index) => `0000000000000000: 00000002 00000000 00010000 0001 01 ${index + 1} /run/s${index}.sock`).join('\n');
    const ss = Array.from({ length: ROWS }, (_, index) => `u_str ESTAB 0 0 * ${index + 1} * ${index + 2}`).join('\n');
    const locks = Array.from({ length: ROWS }, (_, index) => `${index + 1}: POSIX  ADVISORY  WRITE ${index} fe:00:${index} 0 EOF`).join('\n');
    const garbage = Array.from({ length: ROWS }, (_, index) => `garbage ${index}`).join('\n');
    assert.equal(parseUnixTable(unix).sockets.length, ROWS);
    assert.equal(parseSsUnix(ss).sockets[ROWS - 1].peerInode, String(ROWS + 1));
    assert.equal(parseLocks(locks).locks.length, ROWS);
    const skipped = parseInetTable(garbage, 'tcp');
    assert.equal(skipped.sockets.length, 0);
    assert.equal(skipped.issues.length, ROWS);
  });
});

describe('parser properties', () => {
  const parsers: [string, (text: string) => { issues: { line: number }[] }][] = [
    ['tcp', (text) => parseInetTable(text, 'tcp')],
    ['unix', parseUnixTable],
    ['ss', parseSsUnix],
    ['netlink', parseNetlinkTable],
    ['locks', parseLocks],
    ['status', parseStatus],
  ];
  const realLines = ['net/tcp', 'net/tcp6', 'net/unix', 'net/netlink', 'net/ss-unix.txt', 'locks.txt', 'status.txt'].flatMap((name) => readLive(name).split('\n'));

  for (const [name, parse] of parsers) {
    test(`${name} never throws and names real lines`, () => {
      const line = fc.oneof(fc.string(), fc.constantFrom(...realLines), fc.constantFrom(...realLines).map((text) => text.slice(0, text.length >> 1)));
      fc.assert(
        fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
          const text = lines.join('\n');
          const result = parse(text);
          const lineCount = text.split('\n').length;
          for (const issue of result.issues) assert.ok(issue.line >= 1 && issue.line <= lineCount, `issue line ${issue.line} of ${lineCount}`);
        }),
        { numRuns: 300 },
      );
    });
  }

  test('tcp rows round-trip their fields', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 1, max: 12 }), fc.bigInt({ min: 0n, max: 2n ** 40n }), (address, port, state, inode) => {
        const hex = (value: number, width: number): string => value.toString(16).toUpperCase().padStart(width, '0');
        const row = `   0: ${hex(address, 8)}:${hex(port, 4)} 00000000:0000 ${hex(state, 2)} 00000000:00000002 00:00000000 00000000     0        0 ${inode} 1 0 100 0 0 10 0`;
        const table = parseInetTable(`header\n${row}`, 'tcp');
        const bytes = [address & 0xff, (address >>> 8) & 0xff, (address >>> 16) & 0xff, address >>> 24];
        assert.equal(table.sockets.length, 1);
        assert.equal(table.sockets[0].local, `${bytes.join('.')}:${port}`);
        assert.equal(table.sockets[0].state, state);
        assert.equal(table.sockets[0].inode, String(inode));
        assert.equal(table.sockets[0].rxQueue, 2);
        assert.equal(table.sockets[0].line, 2);
      }),
    );
  });
});
