import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import {
  buildSnapshot,
  CollectError,
  collectContainerSnapshot,
  collectProcessSnapshot,
  fileMappingRanges,
  groupProcessRecords,
  MAP_FILES_SCRIPT,
  mapFilesCommands,
  mapFilesName,
  parseMapFilesRecords,
  parseRecords,
  PROCESS_SCRIPT,
  processScriptCommand,
} from '../../../src/engine/collect';
import { ProcessRunner } from '../../../src/engine/runner';
import { quotePosix } from '../../../src/engine/shellQuote';
import { analyzeGaps } from '../../../src/model/procfs/analyzeGaps';
import { readSnapshot } from '../../../src/model/procfs/snapshot';
import { FakeRunner } from './fakeRunner';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'collect', 'wasm-crun');
const processOut = readFileSync(join(FIXTURE, 'process.out'), 'utf8');
const mapFilesOut = readFileSync(join(FIXTURE, 'map_files.out'), 'utf8');

function record(tag: string, key: string, content: string, status = 0): string {
  return `${tag}\0${key}\0${content}\0${status}\0`;
}

describe('collect commands', () => {
  test('process script takes positional arguments', () => {
    const command = processScriptCommand({ name: 'sudo', prefix: ['sudo', '-n'] }, 42, { hostPid: 1, conmonPid: 40 });
    assert.deepEqual(command, ['sudo', '-n', 'sh', '-c', PROCESS_SCRIPT, 'sh', '42', '1', '40']);
    assert.deepEqual(processScriptCommand({ name: 'local', prefix: [] }, 42).slice(-3), ['42', '0', '0']);
  });

  test('invalid PIDs and ranges are rejected', () => {
    const local = { name: 'local', prefix: [] };
    assert.throws(() => processScriptCommand(local, 0), /PID must be a positive integer, got 0/);
    assert.throws(() => processScriptCommand(local, 1.5), /got 1\.5/);
    assert.throws(() => processScriptCommand(local, 7, { conmonPid: -1 }), /conmon PID/);
    assert.throws(() => mapFilesCommands(local, [{ pid: 7, range: '../x' }]), /invalid map range "\.\.\/x"/);
  });

  test('map_files requests are batched', () => {
    const requests = Array.from({ length: 5 }, (_, index) => ({ pid: 7, range: `${index}000-${index}fff` }));
    const commands = mapFilesCommands({ name: 'local', prefix: [] }, requests, 2);
    assert.equal(commands.length, 3);
    assert.deepEqual(commands[0], ['sh', '-c', MAP_FILES_SCRIPT, 'sh', '7/0-fff', '7/1000-1fff']);
    assert.deepEqual(commands[2].slice(4), ['7/4000-4fff']);
    assert.deepEqual(mapFilesCommands({ name: 'local', prefix: [] }, []), []);
  });

  test('map_files names drop address padding', () => {
    assert.equal(mapFilesName('00400000-00401000'), '400000-401000');
    assert.equal(mapFilesName('00000000-00001000'), '0-1000');
    assert.equal(mapFilesName('7f3fd3b33000-7f3fd3b38000'), '7f3fd3b33000-7f3fd3b38000');
  });

  test('map_files of a non-PIE binary are read', async (context) => {
    const folder = mkdtempSync(join(tmpdir(), 'collect-nopie-'));
    context.after(() => rmSync(folder, { recursive: true, force: true }));
    writeFileSync(join(folder, 'wait.c'), '#include <unistd.h>\nint main(void) { pause(); return 0; }\n');
    const built = spawnSync('gcc', ['-static', '-no-pie', '-o', join(folder, 'wait'), join(folder, 'wait.c')], { encoding: 'utf8' });
    if (built.error || built.status !== 0) {
      context.skip(`gcc cannot build a static non-PIE binary here: ${built.error?.message ?? built.stderr.trim()}`);
      return;
    }
    const child = spawn(join(folder, 'wait'), [], { stdio: 'ignore' });
    context.after(() => child.kill('SIGKILL'));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const snapshot = await collectProcessSnapshot(new ProcessRunner(), { name: 'local', prefix: [] }, child.pid!);
    assert.match(snapshot.maps, /^00400000-/m);
    assert.equal(snapshot.mapFilesFallback, undefined, JSON.stringify(snapshot.mapFilesFallback));
    const binary = snapshot.mapFiles?.find((entry) => entry.range === '400000-401000');
    assert.ok(binary, `map_files entries: ${JSON.stringify(snapshot.mapFiles)}`);
  });

  test('ssh prefix quotes the script', () => {
    const command = processScriptCommand({ name: 'remote', prefix: ['ssh', 'box'] }, 42);
    assert.deepEqual(command.slice(0, 4), ['ssh', 'box', 'sh', '-c']);
    assert.equal(command[4], quotePosix(PROCESS_SCRIPT));
    assert.deepEqual(command.slice(5), ['sh', '42', '0', '0']);
  });
});

describe('collect output parsing', () => {
  test('records split on NUL', () => {
    const records = parseRecords(record('maps', '7', 'a\nb\n') + record('fd', '7/3', '/x\ny', 1));
    assert.deepEqual(records, [
      { tag: 'maps', key: '7', content: 'a\nb\n', status: 0 },
      { tag: 'fd', key: '7/3', content: '/x\ny', status: 1 },
    ]);
    assert.deepEqual(parseRecords(''), []);
  });

  test('truncated output is an error', () => {
    assert.throws(() => parseRecords('maps\x007\x00a'), CollectError);
    assert.throws(() => parseRecords(record('maps', '7', 'a').slice(0, -1)), /ends inside a record/);
    assert.throws(() => parseRecords('maps\x007\x00a\x00x\x00'), /invalid exit status "x"/);
  });

  test('recorded wasm container groups by process', () => {
    const readout = groupProcessRecords(parseRecords(processOut));
    assert.deepEqual(readout.problems, []);
    assert.equal(readout.processes.length, 1);
    const [crun] = readout.processes;
    assert.equal(crun.pid, 21623);
    assert.equal(crun.cmdline, '[libcrun:wasmedge] /tick.wasm');
    assert.deepEqual(crun.links.exe, { path: '/', mntId: 119 });
    assert.equal(crun.links.root?.path, '/');
    assert.ok(crun.fds.includes('fd 4 -> /tick.wasm'), crun.fds.join('\n'));
    assert.match(crun.fdinfo.join('\n'), /^== \/proc\/21623\/fdinfo\/4\npos:/m);
    assert.match(readout.hostMountinfo ?? '', /\/var\/cache\/checkpoint-lens\/stack\/trixie/);
    assert.ok(readout.runtimeMountinfo);
    assert.equal(fileMappingRanges(crun.maps!).length, 119);
  });

  test('recorded map_files give real mount ids', () => {
    const { entries, failures } = parseMapFilesRecords(parseRecords(mapFilesOut));
    assert.equal(failures.size, 0);
    const ids = entries.get(21623)!;
    assert.equal(ids.length, 119);
    const binary = ids.filter((entry) => entry.mntId === 119);
    const libraries = ids.filter((entry) => entry.mntId === 88);
    assert.equal(binary.length, 5);
    assert.ok(libraries.length > 100, `${libraries.length} mappings on mount 88`);
    assert.ok(ids.every((entry) => /^\d+$/.test(entry.ino ?? '')));
  });

  test('failed map_files reads keep the reason', () => {
    const output = record('map_files', '7/1000-2000', 'sh: 3: cannot open /proc/7/map_files/1000-2000: Operation not permitted\n', 2);
    const { entries, failures } = parseMapFilesRecords(parseRecords(output));
    assert.equal(entries.size, 0);
    assert.deepEqual(failures.get(7), ['sh: 3: cannot open /proc/7/map_files/1000-2000: Operation not permitted']);
  });
});

describe('collect snapshot building', () => {
  test('recorded wasm snapshot reads and analyses', () => {
    const snapshot = buildSnapshot(parseRecords(processOut), parseRecords(mapFilesOut));
    const reread = readSnapshot(JSON.stringify(snapshot), 'collected');
    assert.equal(reread.pid, 21623);
    assert.equal(reread.mapFilesFallback, undefined);
    assert.equal(reread.processes, undefined);

    const report = analyzeGaps(reread);
    const binary = report.gaps.find((gap) => gap.kind === 'mapping' && gap.path === '/');
    assert.equal(binary?.where, 'detached');
    assert.equal(binary?.mntId, 119);
    assert.equal(binary?.mntIdSource, 'map_files');
    const wasmedge = report.gaps.find((gap) => gap.path === '/usr/lib/x86_64-linux-gnu/libwasmedge.so.0.1.0');
    assert.equal(wasmedge?.where, 'runtime');
    assert.equal(wasmedge?.mntId, 88);
  });

  test('no readable map_files marks fallback', () => {
    const failed = parseRecords(mapFilesOut)
      .map((entry) => record(entry.tag, entry.key, `sh: 3: cannot open /proc/${entry.key.replace('/', '/map_files/')}: Operation not permitted\n`, 2))
      .join('');
    const snapshot = buildSnapshot(parseRecords(processOut), parseRecords(failed));
    assert.match(snapshot.mapFilesFallback?.reason ?? '', /Operation not permitted/);
    assert.equal(snapshot.mapFiles, undefined);
    const binary = analyzeGaps(snapshot).mappings.find((mapping) => mapping.path === '/');
    assert.equal(binary?.placement.fallback, true);
  });

  test('child processes go to processes', () => {
    const maps = '00400000-00401000 r-xp 00000000 fe:00 12 /bin/app\n';
    const output = [7, 8].map((pid) => record('mountinfo', String(pid), '1 0 254:0 / / rw - ext4 /dev/vda rw\n') + record('maps', String(pid), maps)).join('');
    const snapshot = buildSnapshot(parseRecords(output), parseRecords(record('map_files', '7/00400000-00401000', 'pos:\t0\nflags:\t0100000\nmnt_id:\t1\nino:\t12\n') + record('map_files', '8/00400000-00401000', 'pos:\t0\nmnt_id:\t1\n')));
    assert.equal(snapshot.pid, 7);
    assert.deepEqual(snapshot.mapFiles, [{ range: '00400000-00401000', mntId: 1, ino: '12' }]);
    assert.equal(snapshot.processes?.length, 1);
    assert.equal(snapshot.processes?.[0].pid, 8);
    assert.equal(readSnapshot(JSON.stringify(snapshot), 'two').processes?.[0].mapFiles?.[0].mntId, 1);
  });

  test('missing first process is an error', () => {
    assert.throws(() => buildSnapshot(parseRecords(record('mountinfo', '7', '', 1)), [], {}, { pid: 7, hostName: 'build-1' }), /^CollectError: no process 7 runs on host build-1, or it exited while it was read/);
  });

  test('first process with unreadable maps is an error', () => {
    // As on a host whose PID 1 denies ptrace: mountinfo reads, maps does not, and the children read.
    const mountinfo = '1 0 254:0 / / rw - ext4 /dev/vda rw\n';
    const maps = '00400000-00401000 r-xp 00000000 fe:00 12 /bin/app\n';
    const output = record('mountinfo', '1', mountinfo) + record('maps', '1', '', 1) + record('mountinfo', '720', mountinfo) + record('maps', '720', maps);
    assert.throws(() => buildSnapshot(parseRecords(output), [], {}, { pid: 1, hostName: 'local' }), /^CollectError: reading \/proc\/1\/maps failed with exit status 1, although its mountinfo could be read: reading maps needs ptrace read access/);
  });

  test('PID 1 with host PID 1 is the first process', () => {
    // The script reads the host's mountinfo from PID 1 too; that record must not become a process.
    const hostMountinfo = '22 1 0:21 / / rw - ext4 /dev/sda rw\n';
    const mountinfo = '1 0 254:0 / / rw - ext4 /dev/vda rw\n';
    const maps = '00400000-00401000 r-xp 00000000 fe:00 12 /sbin/init\n';
    const walk = record('walk', '0', '1 720 ');
    const headAll = record('head-all', '0', `==> 1/mountinfo <==\n${mountinfo}\n==> 1/maps <==\n${maps}\n==> 720/mountinfo <==\n${mountinfo}\n==> 720/maps <==\n${maps}`);
    const output = record('host-mountinfo', '1', hostMountinfo) + walk + headAll + record('cmdline', '720', 'conmon') + record('cmdline', '1', 'init');
    const snapshot = buildSnapshot(parseRecords(output), [], {}, { pid: 1, hostName: 'local' });
    assert.equal(snapshot.pid, 1);
    assert.equal(snapshot.hostMountinfo, hostMountinfo);
    assert.equal(snapshot.maps, maps);
    assert.deepEqual(snapshot.processes?.map((process) => process.pid), [720]);
  });

  test('stopped container is rejected', async () => {
    const inspect = JSON.stringify([{ Id: 'abc', Name: 'web', State: { Status: 'exited', Running: false, Pid: 0 } }]);
    const runner = new FakeRunner((command) => (command.includes('inspect') ? { stdout: inspect } : undefined));
    await assert.rejects(collectContainerSnapshot(runner, { name: 'local', prefix: [] }, 'web'), /container web is exited, so it has no processes to read/);
  });
});
