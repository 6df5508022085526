import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseLine } from '../../../src/model/logLine';

describe('parseLine', () => {
  test('timestamped error with criu/ location', () => {
    const [segment] = parseLine('(00.020251) Error (criu/files-reg.c:1710): Can\'t lookup mount=476 for fd=-3 path=/');
    assert.equal(segment.level, 'error');
    assert.equal(segment.timestamp, 0.020251);
    assert.deepEqual(segment.location, { file: 'criu/files-reg.c', line: 1710 });
    assert.equal(segment.message, "Can't lookup mount=476 for fd=-3 path=/");
    assert.equal(segment.column, 12);
  });

  test('warning keeps its two-space padding out of the message', () => {
    const [segment] = parseLine('(00.157829) Warn  (criu/fsnotify.c:288): fsnotify:      Handle 0x48:0x824f9bb cannot be opened');
    assert.equal(segment.level, 'warn');
    assert.equal(segment.message, 'fsnotify:      Handle 0x48:0x824f9bb cannot be opened');
  });

  test('restore task pid prefix', () => {
    const [segment] = parseLine('(00.001603)   7338: Error (soccr/soccr.c:529): Can\'t connect inet socket back: Cannot assign requested address');
    assert.equal(segment.pid, 7338);
    assert.equal(segment.origin, 'criu');
    assert.equal(segment.location?.file, 'soccr/soccr.c');
  });

  test('restorer blob prefix without timestamp', () => {
    const [segment] = parseLine('pie: 11: Error (criu/pie/restorer.c:586): Can\'t restore');
    assert.equal(segment.origin, 'pie');
    assert.equal(segment.pid, 11);
    assert.equal(segment.level, 'error');
  });

  test('pid prefix without timestamp', () => {
    const [segment] = parseLine('127514: Error (criu/tty.c:1453): tty: No task found with sid 124454');
    assert.equal(segment.pid, 127514);
    assert.equal(segment.message, 'tty: No task found with sid 124454');
  });

  test('old location without criu/ prefix', () => {
    const [segment] = parseLine('(00.002902) Error (mount.c:713): 1147:./proc/sched_debug doesn\'t have a proper root mount');
    assert.deepEqual(segment.location, { file: 'mount.c', line: 713 });
    assert.equal(segment.pid, undefined);
  });

  test('two records on one line split apart', () => {
    const segments = parseLine('Warn  (criu/image.c:127): Failed to open parent directoryError (criu/proc_parse.c:211): Failed fstatat on map 400000: Operation not permitted');
    assert.equal(segments.length, 2);
    assert.equal(segments[0].level, 'warn');
    assert.equal(segments[0].message, 'Failed to open parent directory');
    assert.equal(segments[1].level, 'error');
    assert.equal(segments[1].message, 'Failed fstatat on map 400000: Operation not permitted');
    assert.equal(segments[1].column, 57);
  });

  test('plain text before a record becomes an info segment', () => {
    const segments = parseLine('Write 4294967295 to /proc/self/loginuid failed: Operation not permittedWarn  (criu/net.c:2780): Unable to get socket network namespace');
    assert.equal(segments[0].level, 'info');
    assert.equal(segments[1].level, 'warn');
  });

  test('runc quoting dump.log', () => {
    const [segment] = parseLine('WARN[0000] 1255:(00.039276) Error (compel/src/lib/infect.c:713): Unable to connect a transport socket: Permission denied ');
    assert.equal(segment.level, 'error');
    assert.equal(segment.fromTerminal, true);
    assert.equal(segment.message, 'Unable to connect a transport socket: Permission denied');
  });

  test('crun excerpt line and header', () => {
    const [header] = parseLine('2026-04-20T17:26:21.376171Z: --- excerpt from CRIU log `/var/lib/containers/storage/overlay-containers/5d0f/userdata/dump.log`');
    assert.equal(header.referencedLog, '/var/lib/containers/storage/overlay-containers/5d0f/userdata/dump.log');
    const [line] = parseLine('2026-04-20T17:26:21.376255Z: (00.061966) Error (criu/cr-dump.c:2128): Dumping FAILED.');
    assert.equal(line.message, 'Dumping FAILED.');
    assert.equal(line.fromTerminal, true);
  });

  test('pasted listing line numbers', () => {
    const [segment] = parseLine('667 (00.024161) Error (criu/cr-dump.c:2111): Dumping FAILED.');
    assert.equal(segment.timestamp, 0.024161);
    assert.equal(segment.fromTerminal, false);
  });

  test('crun failure names the log file', () => {
    const [segment] = parseLine('CRIU checkpointing failed -52.  Please check CRIU logfile /var/lib/containers/storage/overlay-containers/e077/userdata/dump.log: Invalid exchange');
    assert.equal(segment.level, 'error');
    assert.equal(segment.runtime, 'crun');
    assert.equal(segment.referencedLog, '/var/lib/containers/storage/overlay-containers/e077/userdata/dump.log');
  });

  test('runc logrus error with escaped newline', () => {
    const [segment] = parseLine('time="2026-12-04T19:17:14Z" level=error msg="criu failed: type DUMP errno 0\\nlog file: /var/lib/x/userdata/dump.log"');
    assert.equal(segment.level, 'error');
    assert.equal(segment.runtime, 'runc');
    assert.equal(segment.message, 'criu failed: type DUMP errno 0\nlog file: /var/lib/x/userdata/dump.log');
    assert.equal(segment.referencedLog, '/var/lib/x/userdata/dump.log');
  });

  test('podman refusal', () => {
    const [segment] = parseLine('Error: checkpointing a container requires root');
    assert.equal(segment.origin, 'podman');
    assert.equal(segment.message, 'checkpointing a container requires root');
  });

  test('klog error of kubelet or containerd', () => {
    const [segment] = parseLine('E0714 06:49:21.396012  2211 remote_runtime.go:432] "CheckpointContainer from runtime service failed" err="criu binary not found"');
    assert.equal(segment.level, 'error');
    assert.equal(segment.origin, 'runtime');
    assert.equal(segment.message, '"CheckpointContainer from runtime service failed" err="criu binary not found"');
    assert.equal(segment.column, 51);
  });

  test('short logrus error without timestamp', () => {
    const [segment] = parseLine('ERRO[0000] criu failed: type NOTIFY errno 0');
    assert.equal(segment.level, 'error');
    assert.equal(segment.runtime, 'runc');
    assert.equal(segment.message, 'criu failed: type NOTIFY errno 0');
  });

  test('runc quoting header names the log', () => {
    const [segment] = parseLine('WARN[0000] --- Quoting "/home/user/checkpoint/dump.log" ');
    assert.equal(segment.level, 'warn');
    assert.equal(segment.referencedLog, '/home/user/checkpoint/dump.log');
  });

  test('lower-case error prefix of LXD', () => {
    const [segment] = parseLine('error: snapshot dump failed');
    assert.equal(segment.level, 'error');
    assert.equal(segment.column, 0);
    assert.equal(segment.message, 'snapshot dump failed');
  });

  test('crun log path at the end of the line', () => {
    const [segment] = parseLine('CRIU checkpointing failed -52.  Please check CRIU logfile /var/lib/x/userdata/dump.log:');
    assert.equal(segment.referencedLog, '/var/lib/x/userdata/dump.log');
  });

  test('containerd ctr names the log with path=', () => {
    const [segment] = parseLine('ctr: OCI runtime checkpoint failed: criu failed: type DUMP errno 0 path= /run/containerd/io.containerd.runtime.v2.task/default/c1/criu-dump.log: unknown');
    assert.equal(segment.level, 'error');
    assert.equal(segment.referencedLog, '/run/containerd/io.containerd.runtime.v2.task/default/c1/criu-dump.log');
  });

  test('docker daemon error response', () => {
    const [segment] = parseLine('Error response from daemon: Cannot checkpoint container c1: runc: criu failed: type NOTIFY errno 0');
    assert.equal(segment.level, 'error');
    assert.equal(segment.message, 'Cannot checkpoint container c1: runc: criu failed: type NOTIFY errno 0');
  });

  test('CRLF line end is dropped', () => {
    const [segment] = parseLine('(00.1) Error (criu/mount.c:1): x\r');
    assert.equal(segment.message, 'x');
  });

  test('blank line gives no segment', () => {
    assert.deepEqual(parseLine('   '), []);
  });
});
