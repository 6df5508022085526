import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  deriveContainerState,
  parseEventLine,
  parseEvents,
  parseGoTime,
  parseInfo,
  parseInspect,
  parsePs,
  parseVersion,
  PodmanOutputError,
  type ContainerDetails,
} from '../../../src/engine/podmanJson';
import { readFixture } from './fixtures';

function inspectOne(relativePath: string): ContainerDetails {
  const report = parseInspect(readFixture(relativePath));
  assert.equal(report.rejected, 0, report.firstError);
  assert.equal(report.items.length, 1);
  return report.items[0];
}

describe('parsePs', () => {
  test('podman 4.3.1 containers', () => {
    const report = parsePs(readFixture('podman4/ps-a.json'));
    assert.equal(report.rejected, 0);
    assert.deepEqual(
      report.items.map((container) => [container.name, container.podmanState]),
      [
        ['bb-runc', 'running'],
        ['bb-crun', 'created'],
        ['bb-exited', 'exited'],
        ['bb-created', 'created'],
      ],
    );
    const running = report.items[0];
    assert.equal(running.id, '2085bd05cf273a914a72884d9c9281d9ded92ee969c08326a4106b2f6b8904e2');
    assert.equal(running.pid, 15379);
    assert.equal(running.createdAt?.toISOString(), '2026-12-04T19:17:01.000Z');
    assert.equal(running.exitedAt, undefined);
    assert.equal(report.items[2].exitCode, 3);
    assert.equal(report.items[2].exitedAt?.toISOString(), '2026-12-04T19:21:49.000Z');
  });

  test('podman 5.4.2 shows a checkpoint as exited', () => {
    const report = parsePs(readFixture('podman5/ps-a.json'));
    assert.equal(report.rejected, 0);
    assert.equal(report.items.length, 10);
    const clone = report.items.find((container) => container.name === 't-crun-clone');
    assert.equal(clone?.podmanState, 'exited');
    assert.equal(clone?.status.startsWith('Exited (0)'), true);
    assert.deepEqual(clone?.labels, { 'io.buildah.version': '1.28.2' });
  });

  test('bad record is counted, not dropped silently', () => {
    const records = JSON.parse(readFixture('podman5/ps-a.json')) as Array<Record<string, unknown>>;
    delete records[3].Names;
    records[5].State = 7;
    const report = parsePs(JSON.stringify(records));
    assert.equal(report.items.length, 8);
    assert.equal(report.rejected, 2);
    assert.match(report.firstError ?? '', /^\[3\]\.Names: /);
  });

  test('empty output is no containers', () => {
    assert.deepEqual(parsePs(''), { items: [], rejected: 0 });
    assert.deepEqual(parsePs('[]\n'), { items: [], rejected: 0 });
  });

  test('non-JSON output throws with its start', () => {
    assert.throws(() => parsePs('Error: cannot connect'), (error: unknown) => error instanceof PodmanOutputError && /starts with: "Error: cannot connect"/.test(error.message));
    assert.throws(() => parsePs('{}'), /not a JSON array/);
  });
});

describe('parseInspect', () => {
  test('checkpointed container on podman 5', () => {
    const details = inspectOne('podman5/inspect-t-crun-clone.json');
    assert.equal(details.state, 'checkpointed');
    assert.equal(details.podmanState, 'exited');
    assert.equal(details.checkpointed, true);
    assert.equal(details.checkpointedAt?.toISOString(), '2026-12-04T19:21:39.009Z');
    assert.equal(details.checkpointPath, '/var/lib/containers/storage/overlay-containers/0b6f2956c191d2f86975f588c800ef820cd667b5384187f413f71f61b264de3d/userdata/checkpoint');
    assert.equal(details.checkpointLog, undefined);
    assert.equal(details.staticDir, '/var/lib/containers/storage/overlay-containers/0b6f2956c191d2f86975f588c800ef820cd667b5384187f413f71f61b264de3d/userdata');
    assert.equal(details.pid, undefined, 'a stopped container has no live PID');
    assert.equal(details.ociRuntime, 'crun');
    assert.equal(details.image, 'localhost/bbloop:latest');
    assert.deepEqual(details.createCommand, ['podman', 'run', '-d', '--network', 'none', '--name', 't-crun', 'localhost/bbloop:latest']);
  });

  test('restored container on podman 5', () => {
    const details = inspectOne('podman5/inspect-t-crun.json');
    assert.equal(details.state, 'restored');
    assert.equal(details.restored, true);
    assert.equal(details.restoredAt?.toISOString(), '2026-12-04T19:19:59.708Z');
    assert.equal(details.checkpointedAt, undefined);
    assert.equal(details.pid, 21230);
    assert.equal(details.conmonPid, 21223);
  });

  test('failed checkpoint leaves no CheckpointLog', () => {
    const details = inspectOne('podman5/inspect-gap-map.json');
    assert.equal(details.state, 'running');
    assert.equal(details.checkpointLog, undefined);
    assert.equal(details.staticDir, '/var/lib/containers/storage/overlay-containers/592f9884531551fdf80e49771132799ed9affcdc26c935e43fcb25be7b651ed9/userdata');
  });

  test('states of podman 4 containers', () => {
    const cases: Array<[string, string, number]> = [
      ['podman4/inspect-bb-runc.json', 'running', 0],
      ['podman4/inspect-bb-exited.json', 'exited', 3],
      ['podman4/inspect-bb-created.json', 'created', 0],
      ['podman4/inspect-bb-crun.json', 'created', 0],
      ['podman5/inspect-t-exited.json', 'exited', 3],
      ['podman5/inspect-t-created.json', 'created', 0],
      ['podman5/inspect-t-runc.json', 'restored', 0],
      ['podman5/inspect-wasm-tick.json', 'running', 0],
    ];
    for (const [file, state, exitCode] of cases) {
      const details = inspectOne(file);
      assert.equal(details.state, state, file);
      assert.equal(details.exitCode, exitCode, file);
      assert.equal(details.checkpointedAt, undefined, `${file}: 0001-01-01 means never`);
    }
  });

  test('podman 4 running container fields', () => {
    const details = inspectOne('podman4/inspect-bb-runc.json');
    assert.equal(details.pid, 15379);
    assert.equal(details.ociRuntime, 'runc');
    assert.equal(details.startedAt?.toISOString(), '2026-12-04T19:17:01.211Z');
    assert.equal(details.finishedAt, undefined);
    assert.equal(details.restored, false);
  });

  test('bad record is counted with its path', () => {
    const records = JSON.parse(readFixture('podman5/inspect-t-crun.json')) as Array<{ State: Record<string, unknown> }>;
    records[0].State.Status = undefined;
    const report = parseInspect(JSON.stringify(records));
    assert.equal(report.rejected, 1);
    assert.match(report.firstError ?? '', /^\[0\]\.State\.Status: /);
  });
});

describe('deriveContainerState', () => {
  test('checkpoint without Checkpointed field', () => {
    assert.equal(deriveContainerState({ Status: 'exited', Running: false, Paused: false, Pid: 0, ExitCode: 0, CheckpointedAt: '2026-12-04T19:21:39Z' }), 'checkpointed');
    assert.equal(deriveContainerState({ Status: 'exited', Running: false, Paused: false, Pid: 0, ExitCode: 0, CheckpointedAt: '0001-01-01T00:00:00Z' }), 'exited');
  });

  test('paused and unknown words', () => {
    assert.equal(deriveContainerState({ Status: 'paused', Running: false, Paused: true, Pid: 5, ExitCode: 0 }), 'paused');
    assert.equal(deriveContainerState({ Status: 'configured', Running: false, Paused: false, Pid: 0, ExitCode: 0 }), 'created');
    assert.equal(deriveContainerState({ Status: 'weird', Running: false, Paused: false, Pid: 0, ExitCode: 0 }), 'unknown');
  });
});

describe('parseGoTime', () => {
  test('zero time is undefined', () => {
    assert.equal(parseGoTime('0001-01-01T00:00:00Z'), undefined);
    assert.equal(parseGoTime(''), undefined);
    assert.equal(parseGoTime('garbage'), undefined);
    assert.equal(parseGoTime('2026-12-04T19:21:39.009513705Z')?.toISOString(), '2026-12-04T19:21:39.009Z');
  });
});

describe('parseInfo', () => {
  test('podman 5.4.2 host', () => {
    const info = parseInfo(readFixture('podman5/info.json'));
    assert.equal(info.rootless, false);
    assert.equal(info.ociRuntime.name, 'crun');
    assert.equal(info.ociRuntime.path, '/usr/bin/crun');
    assert.match(info.ociRuntime.version, /\+CRIU \+WASM:wasmedge/);
    assert.equal(info.cgroupVersion, 'v1');
    assert.equal(info.kernel, '6.18.44-fc-v1252');
    assert.equal(info.podmanVersion, '5.4.2');
    assert.deepEqual(info.distribution, { name: 'debian', version: '13', codename: 'trixie' });
    assert.equal(info.graphRoot, '/var/lib/containers/storage');
  });

  test('podman 4.3.1 host', () => {
    const info = parseInfo(readFixture('podman4/info.json'));
    assert.equal(info.podmanVersion, '4.3.1');
    assert.equal(info.ociRuntime.package, 'crun_1.8.1-1+deb12u1_amd64');
    assert.doesNotMatch(info.ociRuntime.version, /\+CRIU/);
    assert.equal(info.distribution?.codename, 'bookworm');
  });

  test('missing rootless flag is an error', () => {
    const data = JSON.parse(readFixture('podman5/info.json'));
    delete data.host.security.rootless;
    assert.throws(() => parseInfo(JSON.stringify(data)), /host\.security\.rootless: /);
  });
});

describe('parseVersion', () => {
  test('client versions', () => {
    const podman4 = parseVersion(readFixture('podman4/version.json'));
    assert.equal(podman4.client.version, '4.3.1');
    assert.equal(podman4.client.builtAt, undefined);
    assert.equal(podman4.server, undefined);
    const podman5 = parseVersion(readFixture('podman5/version.json'));
    assert.equal(podman5.client.version, '5.4.2');
    assert.equal(podman5.client.builtAt?.toISOString(), '2025-12-21T16:42:01.000Z');
  });
});

describe('parseEvents', () => {
  test('podman 4 events with Time strings', () => {
    const report = parseEvents(readFixture('podman4/events-stream-false.jsonl'));
    assert.equal(report.rejected, 0, report.firstError);
    assert.equal(report.items.length, 52);
    assert.equal(report.items[0].status, 'refresh');
    assert.equal(report.items[0].time.toISOString(), '2026-12-04T19:15:38.246Z');
  });

  test('podman 5 events with unix times', () => {
    const report = parseEvents(readFixture('podman5/events-stream-false.jsonl'));
    assert.equal(report.rejected, 0, report.firstError);
    assert.equal(report.items.length, 77);
    assert.equal(report.items[0].time.toISOString(), '2026-12-04T19:17:52.773Z');
    const checkpoints = report.items.filter((event) => event.status === 'checkpoint');
    assert.equal(checkpoints.length, 9);
    const last = report.items.at(-1)!;
    assert.equal(last.name, 't-crun-clone');
    assert.equal(last.type, 'container');
    assert.equal(last.id, '0b6f2956c191d2f86975f588c800ef820cd667b5384187f413f71f61b264de3d');
  });

  test('event exit code is kept', () => {
    const died = parseEvents(readFixture('podman5/events-stream-false.jsonl')).items.find((event) => event.status === 'died' && event.name === 't-exited');
    assert.equal(died?.exitCode, 3);
  });

  test('bad lines are counted', () => {
    const report = parseEvents('{"Type":"system","Status":"refresh","time":1}\nnot json\n{"Type":"x","Status":"y"}\n');
    assert.equal(report.items.length, 1);
    assert.equal(report.rejected, 2);
    assert.match(report.firstError ?? '', /^line 2: not valid JSON/);
  });

  test('event without any time is rejected', () => {
    const result = parseEventLine('{"Type":"container","Status":"start"}');
    assert.ok('error' in result);
    assert.match(result.error, /^\.time: missing or invalid/);
  });
});
