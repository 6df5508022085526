import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { classifyFailure } from '../../src/engine/errors';
import { LOCAL_HOST } from '../../src/engine/hosts';
import type { CommandResult, CommandRunner, RunOptions } from '../../src/engine/runner';
import { HostMonitor } from '../../src/extension/containers/hostMonitor';

const podman5 = path.resolve(__dirname, '../fixtures/podman/podman5');
const read = (name: string): string => readFileSync(path.join(podman5, name), 'utf8');
const inspectById = new Map<string, unknown>(
  readdirSync(podman5)
    .filter((name) => name.startsWith('inspect-'))
    .map((name) => JSON.parse(read(name))[0] as { Id: string })
    .map((record) => [record.Id, record]),
);

/**
 * A runner that prints recorded podman 5 output. `events` decides how `podman events` behaves:
 * `exit` ends at once with status 125, `stream` prints `lines` and then runs until aborted.
 */
class FakeRunner implements CommandRunner {
  readonly calls: string[] = [];

  constructor(private readonly events: { mode: 'exit' | 'stream'; lines?: string[] }) {}

  async run(command: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const args = command.slice(1);
    const line = args.join(' ');
    this.calls.push(line);
    const ok = (stdout: string): CommandResult => ({ command, commandLine: line, exitCode: 0, stdout, stderr: '', durationMs: 1 });

    if (line.startsWith('ps ')) return ok(read('ps-a.json'));
    if (line.startsWith('info ')) return ok(read('info.json'));
    if (line.startsWith('version ')) return ok(read('version.json'));
    if (line.startsWith('container inspect')) {
      // Containers without a recorded inspect are left out, as if removed after ps.
      const records = args.slice(3).flatMap((id) => inspectById.get(id) ?? []);
      return ok(JSON.stringify(records));
    }
    if (line.startsWith('events ')) {
      if (this.events.mode === 'exit') throw classifyFailure({ command, exitCode: 125, stderr: 'Error: events backend failed\n' });
      for (const event of this.events.lines ?? []) options.onStdout?.(`${event}\n`);
      await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
      throw classifyFailure({ command, cancelled: true });
    }
    if (command[0] === 'criu') return ok(line === '--version' ? 'Version: 4.1.1\n' : 'Looks good.\n');
    throw classifyFailure({ command, exitCode: 1, stderr: `unexpected command ${line}\n` });
  }

  count(prefix: string): number {
    return this.calls.filter((call) => call.startsWith(prefix)).length;
  }
}

function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`condition not met within ${timeoutMs} ms`));
      else setTimeout(check, 20);
    };
    check();
  });
}

describe('HostMonitor', () => {
  it('lists containers after the probe', async () => {
    const runner = new FakeRunner({ mode: 'stream' });
    const monitor = new HostMonitor(LOCAL_HOST, { runner, logger: console, pollIntervalMs: () => 60_000, onDidChange: () => undefined });
    try {
      await monitor.refresh();
      assert.equal(monitor.snapshot.status, 'ready');
      assert.equal(monitor.snapshot.probe?.podmanVersion?.text, '5.4.2');
      assert.ok(monitor.snapshot.containers.some((container) => container.name === 't-crun-clone' && container.state === 'checkpointed'));
    } finally {
      monitor.dispose();
    }
  });

  it('polls while events keep failing', async () => {
    const runner = new FakeRunner({ mode: 'exit' });
    const monitor = new HostMonitor(LOCAL_HOST, { runner, logger: { ...console, warn: () => undefined, info: () => undefined }, pollIntervalMs: () => 50, onDidChange: () => undefined });
    try {
      await monitor.refresh();
      await waitUntil(() => monitor.snapshot.refreshMode === 'polling', 2_000);
      const listed = runner.count('ps ');
      await waitUntil(() => runner.count('ps ') >= listed + 2, 2_000);
      // The stream restarts after 1 s, then after 2 s.
      await waitUntil(() => runner.count('events ') >= 2, 3_000);
    } finally {
      monitor.dispose();
    }
  });

  it('lists again after a container event', async () => {
    const event = JSON.stringify({ ID: 'x', Name: 't-crun', Status: 'died', Type: 'container', time: 1796411873, timeNano: 1796411873324991686 });
    const runner = new FakeRunner({ mode: 'stream', lines: [event] });
    const monitor = new HostMonitor(LOCAL_HOST, { runner, logger: { ...console, info: () => undefined }, pollIntervalMs: () => 60_000, onDidChange: () => undefined });
    try {
      await monitor.refresh();
      const listed = runner.count('ps ');
      await waitUntil(() => runner.count('ps ') > listed, 2_000);
    } finally {
      monitor.dispose();
    }
  });

  it('switches to events once the stream settles', async () => {
    const runner = new FakeRunner({ mode: 'stream' });
    const monitor = new HostMonitor(LOCAL_HOST, { runner, logger: { ...console, info: () => undefined }, pollIntervalMs: () => 60_000, onDidChange: () => undefined });
    try {
      await monitor.refresh();
      await waitUntil(() => monitor.snapshot.refreshMode === 'events', 4_000);
    } finally {
      monitor.dispose();
    }
  });
});
