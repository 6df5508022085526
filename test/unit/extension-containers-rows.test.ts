import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { assessCapabilities, parseCriuCheck, parseOciRuntimeVersion, type HostCapabilities } from '../../src/engine/capabilities';
import { LOCAL_HOST } from '../../src/engine/hosts';
import { parsePodmanVersion } from '../../src/engine/podmanArgs';
import { parseInfo, parseInspect, parsePs } from '../../src/engine/podmanJson';
import { containerViews, formatPort, logPathOf, portsFromPs, type HostSnapshot } from '../../src/extension/containers/model';
import { capabilitiesMarkdown, containerRow, formatBytes, hostRow, relativeTime, welcomeState } from '../../src/extension/containers/treeRows';

const fixtures = path.resolve(__dirname, '../fixtures/podman');
const read = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');

function podman5Views() {
  const psText = read('podman5/ps-a.json');
  const rows = parsePs(psText).items;
  const details = rows.flatMap((row) => {
    try {
      return parseInspect(read(`podman5/inspect-${row.name}.json`)).items;
    } catch {
      return [];
    }
  });
  return containerViews('trixie', rows, details, portsFromPs(psText));
}

function capabilities(): HostCapabilities {
  const info = parseInfo(read('podman5/info.json'));
  const facts = {
    podmanVersion: parsePodmanVersion(info.podmanVersion),
    info,
    runtime: parseOciRuntimeVersion(info.ociRuntime.name, info.ociRuntime.version),
    criuVersion: '4.1.1',
    criuCheck: parseCriuCheck(read('probe/criu-check-ok.txt')),
  };
  const findings = assessCapabilities(facts);
  return { ...facts, host: LOCAL_HOST, findings, canCheckpoint: true };
}

function snapshot(extra: Partial<HostSnapshot> = {}): HostSnapshot {
  return { host: LOCAL_HOST, status: 'ready', probe: undefined, containers: [], problems: [], rejected: { count: 0, firstError: undefined }, refreshMode: 'events', ...extra };
}

const now = new Date('2026-12-04T19:26:39Z');

describe('containerViews from podman 5 fixtures', () => {
  it('derives checkpointed, restored, running and exited states', () => {
    const states = Object.fromEntries(podman5Views().map((view) => [view.name, view.state]));
    assert.equal(states['t-crun-clone'], 'checkpointed');
    assert.equal(states['t-crun'], 'restored');
    assert.equal(states['gap-map'], 'running');
    assert.equal(states['t-exited'], 'exited');
    assert.equal(states['t-created'], 'created');
  });

  it('falls back to the ps state without inspect', () => {
    const rows = parsePs(read('podman5/ps-a.json')).items;
    const views = containerViews('trixie', rows, [], new Map());
    assert.equal(views.find((view) => view.name === 't-crun-clone')?.state, 'exited');
    assert.equal(views.find((view) => view.name === 't-crun-clone')?.staticDir, undefined);
  });

  it('sorts by name', () => {
    const names = podman5Views().map((view) => view.name);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
  });
});

describe('containerRow', () => {
  it('encodes the state in contextValue', () => {
    const rows = Object.fromEntries(podman5Views().map((view) => [view.name, containerRow(view, now)]));
    assert.equal(rows['t-crun-clone'].contextValue, 'container:checkpointed');
    assert.equal(rows['t-crun'].contextValue, 'container:restored');
    assert.equal(rows['gap-map'].contextValue, 'container:running');
    assert.equal(rows['t-exited'].contextValue, 'container:exited');
  });

  it('shows the checkpoint time of a checkpointed container', () => {
    const clone = podman5Views().find((view) => view.name === 't-crun-clone')!;
    const row = containerRow(clone, now);
    assert.equal(row.icon.id, 'archive');
    assert.match(row.description ?? '', /checkpointed 5 min ago/);
    assert.match(row.tooltip, /Last checkpoint \| 5 min ago/);
  });

  it('lists runtime, PID and the dump.log path in the tooltip', () => {
    const gapMap = podman5Views().find((view) => view.name === 'gap-map')!;
    const tooltip = containerRow(gapMap, now).tooltip;
    assert.match(tooltip, /\| Runtime \| `crun` \|/);
    assert.match(tooltip, /\| PID \| \d+ \|/);
    assert.match(tooltip, /\| Checkpoint log \| `\/var\/lib\/containers\/storage\/overlay-containers\/[0-9a-f]{64}\/userdata\/dump\.log` \|/);
    assert.match(tooltip, /\| Ports \| none \|/);
  });

  it('shows a recorded checkpoint size', () => {
    const gapMap = podman5Views().find((view) => view.name === 'gap-map')!;
    const row = containerRow(gapMap, now, { at: new Date('2026-12-04T19:25:00Z'), sizeBytes: 5 * 1024 * 1024, archive: '/srv/a.tar.zst', statsText: 'runtime 367 ms' });
    assert.match(row.tooltip, /Last checkpoint \| 2 min ago .*5\.0 MiB, exported to `\/srv\/a\.tar\.zst`/);
    assert.match(row.tooltip, /Statistics \| runtime 367 ms/);
  });

  it('replaces state with a spinner while busy', () => {
    const gapMap = podman5Views().find((view) => view.name === 'gap-map')!;
    const row = containerRow(gapMap, now, undefined, 'Checkpointing');
    assert.equal(row.contextValue, 'container:busy');
    assert.equal(row.icon.id, 'loading~spin');
    assert.equal(row.description, 'Checkpointing…');
  });
});

describe('logPathOf', () => {
  it('uses the static folder when podman recorded no log', () => {
    const gapMap = podman5Views().find((view) => view.name === 'gap-map')!;
    assert.equal(logPathOf(gapMap, 'restore'), `${gapMap.staticDir}/restore.log`);
  });
});

describe('ports', () => {
  it('formats a published range', () => {
    assert.equal(formatPort({ host_ip: '127.0.0.1', host_port: 8080, container_port: 80, protocol: 'tcp', range: 2 }), '127.0.0.1:8080-8081->80-81/tcp');
  });

  it('reads Ports from raw ps JSON', () => {
    const text = JSON.stringify([{ Id: 'a', Ports: [{ host_ip: '', host_port: 8080, container_port: 80, protocol: 'tcp', range: 1 }] }, { Id: 'b', Ports: null }]);
    const ports = portsFromPs(text);
    assert.deepEqual(ports.get('a'), ['8080->80/tcp']);
    assert.equal(ports.has('b'), false);
  });

  it('ignores output that is not JSON', () => {
    assert.equal(portsFromPs('not json').size, 0);
  });
});

describe('hostRow', () => {
  it('summarizes the probe in the description', () => {
    const row = hostRow(snapshot({ probe: capabilities() }));
    assert.equal(row.description, 'podman 5.4.2 · crun +CRIU · CRIU 4.1.1');
    assert.equal(row.contextValue, 'host:ready');
  });

  it('puts the probe table in the tooltip', () => {
    const tooltip = hostRow(snapshot({ probe: capabilities() })).tooltip;
    assert.match(tooltip, /\| podman \| 5\.4\.2, rootful \|/);
    assert.match(tooltip, /\| Runtime \| `crun` 1\.21 \+CRIU \|/);
    assert.match(tooltip, /\| criu check \| passed \|/);
    assert.match(tooltip, /\| cgroup \| v1/);
    assert.match(tooltip, /Updated by `podman events`/);
  });

  it('marks a failed host', () => {
    const row = hostRow(snapshot({ status: 'failed' }));
    assert.equal(row.contextValue, 'host:failed');
    assert.equal(row.icon.id, 'warning');
  });
});

describe('capabilitiesMarkdown', () => {
  it('lists findings with fixes', () => {
    const text = capabilitiesMarkdown(snapshot({ probe: capabilities() }));
    assert.match(text, /^# Checkpoint capabilities of host local/);
    assert.match(text, /cgroup-v1/);
    assert.match(text, /Runtime features: .*`\+CRIU`/);
  });
});

describe('welcomeState', () => {
  it('is no-hosts without hosts', () => {
    assert.equal(welcomeState([]), 'no-hosts');
  });

  it('is no-containers when every host is empty', () => {
    assert.equal(welcomeState([snapshot()]), 'no-containers');
  });

  it('is podman-missing for a single host without podman', () => {
    const fix = { title: 'Edit Hosts Setting', command: 'x' };
    assert.equal(welcomeState([snapshot({ status: 'failed', problems: [{ kind: 'podman-missing', message: 'm', detail: 'd', fix }] })]), 'podman-missing');
  });

  it('shows rows when one of two hosts lacks podman', () => {
    const fix = { title: 'Edit Hosts Setting', command: 'x' };
    const missing = snapshot({ status: 'failed', problems: [{ kind: 'podman-missing', message: 'm', detail: 'd', fix }] });
    assert.equal(welcomeState([missing, snapshot()]), 'ready');
  });
});

describe('formatting', () => {
  it('formats relative times', () => {
    assert.equal(relativeTime(new Date(now.getTime() - 10_000), now), 'just now');
    assert.equal(relativeTime(new Date(now.getTime() - 3 * 3600_000), now), '3 h ago');
    assert.equal(relativeTime(new Date(now.getTime() - 72 * 3600_000), now), '3 days ago');
  });

  it('formats bytes', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
  });
});
