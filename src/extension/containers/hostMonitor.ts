// Keeps one host's container list current: probe once, list with ps and inspect, then follow
// `podman events` and fall back to polling while the stream is down. No `vscode` import.
import { probeHost } from '../../engine/capabilities';
import { CommandError } from '../../engine/errors';
import { podmanCommand, type Host } from '../../engine/hosts';
import { PodmanClient } from '../../engine/podman';
import { psArgs } from '../../engine/podmanArgs';
import { parsePs, type Container, type ContainerDetails } from '../../engine/podmanJson';
import type { CommandRunner, EngineLogger } from '../../engine/runner';
import { hostProblemFromError, problemsFromCapabilities } from './hostProblems';
import { containerViews, portsFromPs, type HostSnapshot } from './model';

export interface HostMonitorOptions {
  runner: CommandRunner;
  logger: EngineLogger;
  /** Milliseconds between two listings while the events stream is down; read before each wait. */
  pollIntervalMs: () => number;
  /** Called after every change of the snapshot; the view debounces it. */
  onDidChange: () => void;
}

/** Time limit of each probe and listing command. */
const QUERY_TIMEOUT_MS = 30_000;
/** An events stream that lasts this long counts as connected, and polling stops. */
const EVENTS_SETTLE_MS = 2_000;
/** Restart delays of the events stream double from the first to the maximum. */
const EVENTS_FIRST_RETRY_MS = 1_000;
const EVENTS_MAX_RETRY_MS = 5 * 60_000;
/** A stream that ran this long before it ended resets the restart delay. */
const EVENTS_STABLE_MS = 60_000;
/** Events arrive in bursts (create, init, start); one listing covers a burst. */
const EVENTS_DEBOUNCE_MS = 300;

/**
 * Probe, listing and refresh of one host. `snapshot` is replaced, never mutated, so the view can
 * compare and hold it.
 */
/** The `ps` fields whose change means a container's inspect data is stale. */
function inspectKey(row: Container): string {
  return `${row.podmanState}|${row.startedAt?.getTime() ?? ''}|${row.exitedAt?.getTime() ?? ''}`;
}

export class HostMonitor {
  snapshot: HostSnapshot;
  private readonly stop = new AbortController();
  private listing: Promise<void> | undefined;
  private listAgain = false;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private eventTimer: ReturnType<typeof setTimeout> | undefined;
  private eventsLoopStarted = false;
  /**
   * Inspect results by container ID, with the `ps` fields they were taken under. A container whose
   * state, start and exit times are unchanged is not inspected again: checkpoint, restore, start
   * and stop all change one of them.
   */
  private readonly inspected = new Map<string, { key: string; details: ContainerDetails }>();

  constructor(
    readonly host: Host,
    private readonly options: HostMonitorOptions,
  ) {
    this.snapshot = { host, status: 'loading', probe: undefined, containers: [], problems: [], rejected: { count: 0, firstError: undefined }, refreshMode: 'none' };
  }

  /** Probes the host (again), lists its containers and starts following events. */
  async refresh(): Promise<void> {
    this.update({ status: 'loading', problems: [] });
    let capabilities;
    try {
      capabilities = await probeHost(this.options.runner, this.host, { signal: this.stop.signal, timeoutMs: QUERY_TIMEOUT_MS });
    } catch (error) {
      if (isCancelled(error)) return;
      this.options.logger.error(`Probe of host ${this.host.name} failed: ${String(error)}`);
      this.update({ status: 'failed', problems: [hostProblemFromError(this.host, error, 'probe')] });
      return;
    }

    const problems = problemsFromCapabilities(this.host, capabilities);
    if (!capabilities.info) {
      this.options.logger.warn(`Host ${this.host.name}: ${problems[0]?.message ?? 'probe failed'}`);
      this.update({ status: 'failed', probe: capabilities, problems, containers: [] });
      return;
    }
    this.update({ probe: capabilities, problems });
    await this.list();
    this.startEvents();
  }

  /**
   * Lists the containers with `podman ps --all` and inspects them all in one call. Calls that
   * arrive during a listing coalesce into one more listing after it.
   */
  list(): Promise<void> {
    if (this.listing) {
      this.listAgain = true;
      return this.listing;
    }
    this.listing = (async () => {
      do {
        this.listAgain = false;
        await this.listOnce();
      } while (this.listAgain && !this.stop.signal.aborted);
    })().finally(() => {
      this.listing = undefined;
    });
    return this.listing;
  }

  private async listOnce(): Promise<void> {
    const client = new PodmanClient(this.options.runner, this.host);
    const query = { signal: this.stop.signal, timeoutMs: QUERY_TIMEOUT_MS };
    const probeProblems = this.snapshot.probe ? problemsFromCapabilities(this.host, this.snapshot.probe) : [];
    try {
      // `PodmanClient.listContainers` returns parsed rows only, and the ports need the raw JSON.
      const { stdout } = await this.options.runner.run(podmanCommand(this.host, psArgs()), query);
      const rows = parsePs(stdout);
      let details: ContainerDetails[] = [];
      let rejected = rows.rejected;
      let firstError = rows.firstError;
      const changed = rows.items.filter((row) => this.inspected.get(row.id)?.key !== inspectKey(row));
      if (changed.length > 0) {
        const inspected = await this.inspectAll(client, changed.map((row) => row.id), query);
        const byId = new Map(inspected.items.map((item) => [item.id, item]));
        for (const row of changed) {
          const fresh = byId.get(row.id);
          if (fresh) this.inspected.set(row.id, { key: inspectKey(row), details: fresh });
        }
        rejected += inspected.rejected;
        firstError ??= inspected.firstError;
      }
      const listed = new Set(rows.items.map((row) => row.id));
      for (const id of this.inspected.keys()) if (!listed.has(id)) this.inspected.delete(id);
      details = rows.items.flatMap((row) => this.inspected.get(row.id)?.details ?? []);
      if (rejected > 0) this.options.logger.warn(`Host ${this.host.name}: ${rejected} podman records did not validate and are not shown; first: ${firstError}`);
      this.update({
        status: 'ready',
        containers: containerViews(this.host.name, rows.items, details, portsFromPs(stdout)),
        problems: probeProblems,
        rejected: { count: rejected, firstError },
      });
    } catch (error) {
      if (isCancelled(error)) return;
      this.options.logger.error(`Listing containers on host ${this.host.name} failed: ${String(error)}`);
      this.update({ status: 'failed', containers: [], problems: [...probeProblems, hostProblemFromError(this.host, error, 'list')] });
    }
  }

  /**
   * Inspects every listed container. A container removed between ps and inspect makes podman
   * fail the whole call, so the fallback inspects one at a time and skips the missing ones.
   */
  private async inspectAll(client: PodmanClient, ids: string[], query: { signal: AbortSignal; timeoutMs: number }) {
    try {
      return await client.inspectContainers(ids, query);
    } catch (error) {
      if (isCancelled(error) || !(error instanceof CommandError) || error.kind !== 'not-found') throw error;
      const items: ContainerDetails[] = [];
      for (const id of ids) {
        try {
          items.push(await client.inspectContainer(id, query));
        } catch (single) {
          if (!(single instanceof CommandError) || single.kind !== 'not-found') throw single;
        }
      }
      return { items, rejected: 0, firstError: undefined };
    }
  }

  private startEvents(): void {
    if (this.eventsLoopStarted) return;
    this.eventsLoopStarted = true;
    void this.followEvents();
  }

  /** Runs `podman events` until disposed, restarting it with a doubling delay and polling while it is down. */
  private async followEvents(): Promise<void> {
    const client = new PodmanClient(this.options.runner, this.host);
    let retryMs = EVENTS_FIRST_RETRY_MS;

    while (!this.stop.signal.aborted) {
      const started = Date.now();
      const settle = setTimeout(() => {
        this.options.logger.info(`Host ${this.host.name}: following podman events`);
        this.setRefreshMode('events');
        // Changes between the last listing and the stream's start would otherwise be missed.
        void this.list();
      }, EVENTS_SETTLE_MS);
      try {
        await client.watchEvents({
          signal: this.stop.signal,
          filters: ['type=container'],
          onEvent: () => this.scheduleListing(),
          onRejected: (line, error) => this.options.logger.warn(`Host ${this.host.name}: podman event not understood (${error}): ${line.slice(0, 200)}`),
        });
        this.options.logger.warn(`Host ${this.host.name}: podman events exited; polling until it restarts`);
      } catch (error) {
        if (isCancelled(error) && this.stop.signal.aborted) return;
        this.options.logger.warn(`Host ${this.host.name}: podman events failed (${String(error)}); polling until it restarts`);
      } finally {
        clearTimeout(settle);
      }

      this.setRefreshMode('polling');
      if (Date.now() - started >= EVENTS_STABLE_MS) retryMs = EVENTS_FIRST_RETRY_MS;
      this.options.logger.info(`Host ${this.host.name}: restarting podman events in ${Math.round(retryMs / 1000)} s`);
      await delay(retryMs, this.stop.signal);
      retryMs = Math.min(retryMs * 2, EVENTS_MAX_RETRY_MS);
    }
  }

  private scheduleListing(): void {
    clearTimeout(this.eventTimer);
    this.eventTimer = setTimeout(() => void this.list(), EVENTS_DEBOUNCE_MS);
  }

  private setRefreshMode(mode: HostSnapshot['refreshMode']): void {
    if (this.snapshot.refreshMode !== mode) this.update({ refreshMode: mode });
    clearTimeout(this.pollTimer);
    if (mode === 'polling') this.schedulePoll();
  }

  private schedulePoll(): void {
    this.pollTimer = setTimeout(() => {
      if (this.stop.signal.aborted || this.snapshot.refreshMode !== 'polling') return;
      void this.list().finally(() => {
        if (this.snapshot.refreshMode === 'polling') this.schedulePoll();
      });
    }, this.options.pollIntervalMs());
  }

  private update(change: Partial<HostSnapshot>): void {
    if (this.stop.signal.aborted) return;
    this.snapshot = { ...this.snapshot, ...change };
    this.options.onDidChange();
  }

  /** Stops the events stream, polling and any running query. */
  dispose(): void {
    this.stop.abort();
    clearTimeout(this.pollTimer);
    clearTimeout(this.eventTimer);
  }
}

function isCancelled(error: unknown): boolean {
  return error instanceof CommandError && error.kind === 'cancelled';
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
