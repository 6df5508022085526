import { podmanCommand, type Host } from './hosts';
import { eventsArgs, infoArgs, inspectArgs, psArgs, versionArgs, type EventsOptions } from './podmanArgs';
import {
  parseEventLine,
  parseInfo,
  parseInspect,
  parsePs,
  parseVersion,
  PodmanOutputError,
  type Container,
  type ContainerDetails,
  type HostInfo,
  type ParseReport,
  type PodmanEvent,
  type VersionReport,
} from './podmanJson';
import { lineSplitter, type CommandRunner } from './runner';

export interface QueryOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface WatchEventsOptions extends Omit<EventsOptions, 'stream'> {
  /** Aborting ends the stream; `watchEvents` then rejects with CancelledError. */
  signal: AbortSignal;
  onEvent(event: PodmanEvent): void;
  /** Receives each line that is not a valid event, with the validation error. */
  onRejected?(line: string, error: string): void;
}

/** podman's read-only commands on one host: build arguments, run them, parse the JSON. */
export class PodmanClient {
  constructor(
    private readonly runner: CommandRunner,
    readonly host: Host,
  ) {}

  async listContainers(options: QueryOptions = {}): Promise<ParseReport<Container>> {
    const result = await this.runner.run(podmanCommand(this.host, psArgs()), options);
    return parsePs(result.stdout);
  }

  async inspectContainers(containers: readonly string[], options: QueryOptions = {}): Promise<ParseReport<ContainerDetails>> {
    const result = await this.runner.run(podmanCommand(this.host, inspectArgs(containers)), options);
    return parseInspect(result.stdout);
  }

  /** Inspects one container. Rejects with NotFoundError when podman has no such container. */
  async inspectContainer(container: string, options: QueryOptions = {}): Promise<ContainerDetails> {
    const report = await this.inspectContainers([container], options);
    const details = report.items[0];
    if (!details) throw new PodmanOutputError(`podman container inspect ${container}: no valid record (${report.firstError ?? 'empty output'})`);
    return details;
  }

  async info(options: QueryOptions = {}): Promise<HostInfo> {
    const result = await this.runner.run(podmanCommand(this.host, infoArgs()), options);
    return parseInfo(result.stdout);
  }

  async version(options: QueryOptions = {}): Promise<VersionReport> {
    const result = await this.runner.run(podmanCommand(this.host, versionArgs()), options);
    return parseVersion(result.stdout);
  }

  /**
   * Streams `podman events --format json` until the signal aborts or podman exits. Rejects with
   * CancelledError after an abort, which callers treat as a normal end.
   */
  async watchEvents(options: WatchEventsOptions): Promise<void> {
    const { signal, onEvent, onRejected, ...filter } = options;
    const splitter = lineSplitter((line) => {
      if (line.trim() === '') return;
      const parsed = parseEventLine(line);
      if ('event' in parsed) onEvent(parsed.event);
      else onRejected?.(line, parsed.error);
    });
    await this.runner.run(podmanCommand(this.host, eventsArgs(filter)), { signal, onStdout: (chunk) => splitter.push(chunk) });
    splitter.flush();
  }
}
