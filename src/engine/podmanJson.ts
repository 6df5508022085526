/**
 * Pure parsers of podman's JSON output (ps, inspect, info, version, events) for podman 4 and 5,
 * validated with zod and normalized to the engine's own types. Records that fail validation are
 * counted and the first failure is kept, so a format change shows up instead of rows vanishing.
 */
import { z } from 'zod';

// --- results ----------------------------------------------------------------

/** Parsed records of a list output, with the count of records that failed validation. */
export interface ParseReport<T> {
  items: T[];
  rejected: number;
  /** The first validation failure, as `[index].path: message`. */
  firstError?: string;
}

/** Output that is not JSON, or not the shape podman prints, as a whole. */
export class PodmanOutputError extends Error {
  override readonly name = 'PodmanOutputError';
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const start = text.trim().slice(0, 80);
    throw new PodmanOutputError(`${what} output is not valid JSON (${(error as Error).message}); it starts with: ${JSON.stringify(start)}`);
  }
}

function describeIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
  return `${prefix}${path}: ${issue.message}`;
}

function parseList<S extends z.ZodType, T>(text: string, what: string, schema: S, normalize: (record: z.infer<S>) => T): ParseReport<T> {
  if (text.trim() === '') return { items: [], rejected: 0 };
  const data = parseJson(text, what);
  if (!Array.isArray(data)) throw new PodmanOutputError(`${what} output is not a JSON array`);

  const report: ParseReport<T> = { items: [], rejected: 0 };
  data.forEach((record, index) => {
    const parsed = schema.safeParse(record);
    if (parsed.success) {
      report.items.push(normalize(parsed.data));
      return;
    }
    report.rejected += 1;
    report.firstError ??= describeIssue(parsed.error, `[${index}]`);
  });
  return report;
}

// --- times ------------------------------------------------------------------

/** Go's zero `time.Time`, which podman prints for "never": `0001-01-01T00:00:00Z`, or this in unix seconds. */
const GO_ZERO_UNIX_SECONDS = -62135596800;

/** Converts an RFC 3339 time to a Date; Go's zero time and unparsable text become undefined. */
export function parseGoTime(text: string | undefined | null): Date | undefined {
  if (!text || text.startsWith('0001-01-01')) return undefined;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

function fromUnixSeconds(seconds: number | undefined | null): Date | undefined {
  if (seconds === undefined || seconds === null || seconds <= GO_ZERO_UNIX_SECONDS) return undefined;
  return new Date(seconds * 1000);
}

// --- ps ---------------------------------------------------------------------

/** One row of `podman ps -a --format json`, the same in podman 4.3 and 5.4 for these fields. */
export interface Container {
  id: string;
  /** First of `names`. */
  name: string;
  names: string[];
  image: string;
  imageId: string;
  command: string[];
  /**
   * podman's state word: `created`, `running`, `paused`, `exited`... A checkpointed container is
   * just `exited` here; only `podman inspect` shows the checkpoint (see ContainerDetails.state).
   */
  podmanState: string;
  /** Human text such as `Up 4 minutes` or `Exited (3) 7 seconds ago`. */
  status: string;
  createdAt: Date | undefined;
  startedAt: Date | undefined;
  exitedAt: Date | undefined;
  exitCode: number;
  /** Host PID of the container's first process while it runs; 0 otherwise. */
  pid: number;
  podId: string | undefined;
  podName: string | undefined;
  autoRemove: boolean;
  isInfra: boolean;
  labels: Record<string, string>;
}

const stringRecord = z.record(z.string(), z.string()).nullish();

const psRecordSchema = z.object({
  Id: z.string().min(1),
  Names: z.array(z.string()).min(1),
  Image: z.string().default(''),
  ImageID: z.string().default(''),
  Command: z.array(z.string()).nullish(),
  State: z.string(),
  Status: z.string().default(''),
  Created: z.number().nullish(),
  StartedAt: z.number().nullish(),
  ExitedAt: z.number().nullish(),
  ExitCode: z.number().default(0),
  Pid: z.number().default(0),
  Pod: z.string().nullish(),
  PodName: z.string().nullish(),
  AutoRemove: z.boolean().default(false),
  IsInfra: z.boolean().default(false),
  Labels: stringRecord,
});

/** Parses `podman ps -a --format json`. */
export function parsePs(text: string): ParseReport<Container> {
  return parseList(text, 'podman ps', psRecordSchema, (record) => ({
    id: record.Id,
    name: record.Names[0],
    names: record.Names,
    image: record.Image,
    imageId: record.ImageID,
    command: record.Command ?? [],
    podmanState: record.State,
    status: record.Status,
    createdAt: fromUnixSeconds(record.Created),
    startedAt: fromUnixSeconds(record.StartedAt),
    exitedAt: fromUnixSeconds(record.ExitedAt),
    exitCode: record.ExitCode,
    pid: record.Pid,
    podId: record.Pod || undefined,
    podName: record.PodName || undefined,
    autoRemove: record.AutoRemove,
    isInfra: record.IsInfra,
    labels: record.Labels ?? {},
  }));
}

// --- inspect ----------------------------------------------------------------

/**
 * A container's state for the UI. `checkpointed` and `restored` come from inspect's
 * `State.Checkpointed` and `State.Restored`; the others are podman's own state words.
 */
export type ContainerState =
  | 'created'
  | 'initialized'
  | 'running'
  | 'restored'
  | 'paused'
  | 'stopping'
  | 'stopped'
  | 'exited'
  | 'checkpointed'
  | 'removing'
  | 'unknown';

const PODMAN_STATES = new Set<ContainerState>(['created', 'initialized', 'running', 'paused', 'stopping', 'stopped', 'exited', 'removing']);

export interface ContainerDetails {
  id: string;
  name: string;
  /** Image name as the container was created from, e.g. `localhost/bbloop:latest`. */
  image: string;
  imageId: string;
  /** Runtime name, e.g. `crun` or `runc`. A container keeps the runtime it was created with. */
  ociRuntime: string;
  /** Folder of dump.log, restore.log and `checkpoint/`, e.g. `/var/lib/containers/storage/overlay-containers/<id>/userdata`. */
  staticDir: string;
  state: ContainerState;
  /** `State.Status` as podman printed it. */
  podmanState: string;
  /** Host PID of the container's first process, only while it runs or is paused. */
  pid: number | undefined;
  conmonPid: number | undefined;
  exitCode: number;
  /** `State.Error`; empty in every recorded case, kept for runtimes that fill it. */
  error: string | undefined;
  createdAt: Date | undefined;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  checkpointed: boolean;
  /** Time of the last checkpoint that stopped the container; podman clears it on restore. */
  checkpointedAt: Date | undefined;
  restored: boolean;
  restoredAt: Date | undefined;
  /** Set after a checkpoint with `--keep` or before a restore; podman clears it otherwise. */
  checkpointPath: string | undefined;
  /** dump.log of the last successful checkpoint with `--keep`. After a failure it is unset: use `staticDir`. */
  checkpointLog: string | undefined;
  restoreLog: string | undefined;
  autoRemove: boolean;
  podId: string | undefined;
  createCommand: string[] | undefined;
  /** `Config.Tty`: started with `-t`. */
  tty: boolean;
  /**
   * Namespace modes from `HostConfig`, by namespace kind, as podman printed them: e.g. `private`,
   * `host`, `container:<id>` (shared with another container, as in a pod), `ns:<path>`. Kinds that
   * podman left empty are missing.
   */
  namespaceModes: Partial<Record<NamespaceKind, string>>;
}

/** Namespace kinds whose mode `podman container inspect` prints in `HostConfig`. */
export type NamespaceKind = 'pid' | 'ipc' | 'net' | 'uts' | 'user' | 'cgroup';

/** `HostConfig` keys of the namespace modes, in podman 4.3 and 5.4. */
const NAMESPACE_MODE_KEYS = {
  pid: 'PidMode',
  ipc: 'IpcMode',
  net: 'NetworkMode',
  uts: 'UTSMode',
  user: 'UsernsMode',
  cgroup: 'CgroupnsMode',
} as const satisfies Record<NamespaceKind, string>;

const inspectStateSchema = z.object({
  Status: z.string(),
  Running: z.boolean().default(false),
  Paused: z.boolean().default(false),
  Pid: z.number().default(0),
  ConmonPid: z.number().nullish(),
  ExitCode: z.number().default(0),
  Error: z.string().nullish(),
  StartedAt: z.string().nullish(),
  FinishedAt: z.string().nullish(),
  // podman 4.3 and 5.4 omit Checkpointed, Restored and the paths when they are false or empty.
  Checkpointed: z.boolean().nullish(),
  CheckpointedAt: z.string().nullish(),
  Restored: z.boolean().nullish(),
  RestoredAt: z.string().nullish(),
  CheckpointPath: z.string().nullish(),
  CheckpointLog: z.string().nullish(),
  RestoreLog: z.string().nullish(),
});

const inspectRecordSchema = z.object({
  Id: z.string().min(1),
  Name: z.string(),
  Created: z.string().nullish(),
  Image: z.string().default(''),
  ImageName: z.string().default(''),
  OCIRuntime: z.string().default(''),
  StaticDir: z.string().default(''),
  Pod: z.string().nullish(),
  State: inspectStateSchema,
  Config: z.object({ CreateCommand: z.array(z.string()).nullish(), Tty: z.boolean().nullish() }).nullish(),
  HostConfig: z
    .object({
      AutoRemove: z.boolean().nullish(),
      PidMode: z.string().nullish(),
      IpcMode: z.string().nullish(),
      NetworkMode: z.string().nullish(),
      UTSMode: z.string().nullish(),
      UsernsMode: z.string().nullish(),
      CgroupnsMode: z.string().nullish(),
    })
    .nullish(),
});

function namespaceModesOf(hostConfig: z.infer<typeof inspectRecordSchema>['HostConfig']): Partial<Record<NamespaceKind, string>> {
  const modes: Partial<Record<NamespaceKind, string>> = {};
  for (const [kind, key] of Object.entries(NAMESPACE_MODE_KEYS) as [NamespaceKind, (typeof NAMESPACE_MODE_KEYS)[NamespaceKind]][]) {
    const mode = hostConfig?.[key];
    if (mode) modes[kind] = mode;
  }
  return modes;
}

type InspectState = z.infer<typeof inspectStateSchema>;

/**
 * Derives the UI state from inspect's `State`. podman 4.3 and 5.4 set `Checkpointed` when a
 * checkpoint stopped the container (not with `--leave-running` or `--pre-checkpoint`), and
 * `Restored` when a restore started it. Without `Checkpointed`, a set `CheckpointedAt` on a
 * stopped container counts, because podman zeroes that time on restore.
 */
export function deriveContainerState(state: InspectState): ContainerState {
  const status = state.Status.toLowerCase();
  const stopped = status === 'exited' || status === 'stopped';
  if (state.Checkpointed === true) return 'checkpointed';
  if (state.Checkpointed == null && stopped && parseGoTime(state.CheckpointedAt) !== undefined) return 'checkpointed';
  if (status === 'running' && state.Restored === true) return 'restored';
  if (status === 'configured') return 'created';
  return PODMAN_STATES.has(status as ContainerState) ? (status as ContainerState) : 'unknown';
}

/** Parses `podman container inspect` output: a JSON array of containers. */
export function parseInspect(text: string): ParseReport<ContainerDetails> {
  return parseList(text, 'podman container inspect', inspectRecordSchema, (record) => {
    const state = record.State;
    const alive = state.Running || state.Paused;
    return {
      id: record.Id,
      name: record.Name,
      image: record.ImageName,
      imageId: record.Image,
      ociRuntime: record.OCIRuntime,
      staticDir: record.StaticDir,
      state: deriveContainerState(state),
      podmanState: state.Status,
      // A stopped container keeps its last PID in inspect (t-crun-clone after its checkpoint).
      pid: alive && state.Pid > 0 ? state.Pid : undefined,
      conmonPid: alive && state.ConmonPid ? state.ConmonPid : undefined,
      exitCode: state.ExitCode,
      error: state.Error || undefined,
      createdAt: parseGoTime(record.Created),
      startedAt: parseGoTime(state.StartedAt),
      finishedAt: parseGoTime(state.FinishedAt),
      checkpointed: deriveContainerState(state) === 'checkpointed',
      checkpointedAt: parseGoTime(state.CheckpointedAt),
      restored: state.Restored === true,
      restoredAt: parseGoTime(state.RestoredAt),
      checkpointPath: state.CheckpointPath || undefined,
      checkpointLog: state.CheckpointLog || undefined,
      restoreLog: state.RestoreLog || undefined,
      autoRemove: record.HostConfig?.AutoRemove === true,
      podId: record.Pod || undefined,
      createCommand: record.Config?.CreateCommand ?? undefined,
      tty: record.Config?.Tty === true,
      namespaceModes: namespaceModesOf(record.HostConfig),
    };
  });
}

// --- info -------------------------------------------------------------------

export interface HostInfo {
  hostname: string;
  kernel: string;
  os: string;
  arch: string;
  distribution: { name: string; version: string; codename: string } | undefined;
  /** `host.security.rootless`. Rootless podman cannot checkpoint or restore. */
  rootless: boolean;
  /** `v1` or `v2`. */
  cgroupVersion: string;
  cgroupManager: string;
  /** The default runtime. `version` is its whole `--version` output, including crun's `+CRIU` feature list. */
  ociRuntime: { name: string; path: string; version: string; package: string | undefined };
  /** Version of the podman that produced the output, which is the service for a remote connection. */
  podmanVersion: string;
  graphRoot: string;
  runRoot: string;
  eventLogger: string;
  seccompEnabled: boolean;
  selinuxEnabled: boolean;
  apparmorEnabled: boolean;
}

const infoSchema = z.object({
  host: z.object({
    hostname: z.string().default(''),
    kernel: z.string().default(''),
    os: z.string().default(''),
    arch: z.string().default(''),
    distribution: z.object({ distribution: z.string().default(''), version: z.string().default(''), codename: z.string().default('') }).nullish(),
    security: z.object({
      rootless: z.boolean(),
      seccompEnabled: z.boolean().default(false),
      selinuxEnabled: z.boolean().default(false),
      apparmorEnabled: z.boolean().default(false),
    }),
    cgroupVersion: z.string().default(''),
    cgroupManager: z.string().default(''),
    ociRuntime: z.object({ name: z.string(), path: z.string().default(''), version: z.string().default(''), package: z.string().nullish() }),
    eventLogger: z.string().default(''),
  }),
  store: z.object({ graphRoot: z.string().default(''), runRoot: z.string().default('') }).nullish(),
  version: z.object({ Version: z.string() }),
});

/** Parses `podman info --format json`. Throws PodmanOutputError when required fields are missing. */
export function parseInfo(text: string): HostInfo {
  const parsed = infoSchema.safeParse(parseJson(text, 'podman info'));
  if (!parsed.success) throw new PodmanOutputError(`podman info output is not in the expected shape: ${describeIssue(parsed.error, '')}`);
  const { host, store, version } = parsed.data;
  const distribution = host.distribution ?? undefined;
  return {
    hostname: host.hostname,
    kernel: host.kernel,
    os: host.os,
    arch: host.arch,
    distribution: distribution ? { name: distribution.distribution, version: distribution.version, codename: distribution.codename } : undefined,
    rootless: host.security.rootless,
    cgroupVersion: host.cgroupVersion,
    cgroupManager: host.cgroupManager,
    ociRuntime: { name: host.ociRuntime.name, path: host.ociRuntime.path, version: host.ociRuntime.version, package: host.ociRuntime.package ?? undefined },
    podmanVersion: version.Version,
    graphRoot: store?.graphRoot ?? '',
    runRoot: store?.runRoot ?? '',
    eventLogger: host.eventLogger,
    seccompEnabled: host.security.seccompEnabled,
    selinuxEnabled: host.security.selinuxEnabled,
    apparmorEnabled: host.security.apparmorEnabled,
  };
}

// --- version ----------------------------------------------------------------

export interface PodmanBuild {
  version: string;
  apiVersion: string;
  goVersion: string;
  osArch: string;
  builtAt: Date | undefined;
}

export interface VersionReport {
  client: PodmanBuild;
  /** Present for a remote connection: the podman service that runs the containers. */
  server: PodmanBuild | undefined;
}

const buildSchema = z.object({
  Version: z.string(),
  APIVersion: z.string().default(''),
  GoVersion: z.string().default(''),
  OsArch: z.string().default(''),
  Built: z.number().nullish(),
});

const versionSchema = z.object({ Client: buildSchema, Server: buildSchema.nullish() });

function toBuild(build: z.infer<typeof buildSchema>): PodmanBuild {
  return {
    version: build.Version,
    apiVersion: build.APIVersion,
    goVersion: build.GoVersion,
    osArch: build.OsArch,
    // Debian's podman 4.3.1 reports Built 0.
    builtAt: build.Built ? fromUnixSeconds(build.Built) : undefined,
  };
}

/** Parses `podman version --format json`. Throws PodmanOutputError when `Client.Version` is missing. */
export function parseVersion(text: string): VersionReport {
  const parsed = versionSchema.safeParse(parseJson(text, 'podman version'));
  if (!parsed.success) throw new PodmanOutputError(`podman version output is not in the expected shape: ${describeIssue(parsed.error, '')}`);
  return { client: toBuild(parsed.data.Client), server: parsed.data.Server ? toBuild(parsed.data.Server) : undefined };
}

// --- events -----------------------------------------------------------------

export interface PodmanEvent {
  /** `container`, `image`, `pod`, `volume`, `network` or `system`. */
  type: string;
  /** Event name: `create`, `start`, `died`, `checkpoint`, `restore`, `remove`... */
  status: string;
  id: string | undefined;
  name: string | undefined;
  image: string | undefined;
  /** Millisecond precision: JSON numbers cannot carry podman 5's `timeNano` exactly. */
  time: Date;
  exitCode: number | undefined;
  attributes: Record<string, string>;
}

/**
 * podman 4.3 prints `"Time": "<RFC 3339>"`; podman 5.4 prints `"time": <unix seconds>` and
 * `"timeNano": <unix nanoseconds>`. A failed checkpoint produces no event in either.
 */
const eventSchema = z
  .object({
    Type: z.string(),
    Status: z.string(),
    ID: z.string().nullish(),
    Name: z.string().nullish(),
    Image: z.string().nullish(),
    Time: z.string().nullish(),
    time: z.number().nullish(),
    timeNano: z.number().nullish(),
    ContainerExitCode: z.number().nullish(),
    Attributes: stringRecord,
  })
  .refine((event) => eventTime(event) !== undefined, { message: 'missing or invalid Time, time and timeNano', path: ['time'] });

function eventTime(event: { Time?: string | null; time?: number | null; timeNano?: number | null }): Date | undefined {
  if (event.timeNano != null) return new Date(event.timeNano / 1e6);
  if (event.time != null) return new Date(event.time * 1000);
  return parseGoTime(event.Time);
}

function toEvent(event: z.infer<typeof eventSchema>): PodmanEvent {
  return {
    type: event.Type,
    status: event.Status,
    id: event.ID ?? undefined,
    name: event.Name ?? undefined,
    image: event.Image ?? undefined,
    time: eventTime(event)!,
    exitCode: event.ContainerExitCode ?? undefined,
    attributes: event.Attributes ?? {},
  };
}

/** Parses one line of `podman events --format json`; returns the event or the validation error. */
export function parseEventLine(line: string): { event: PodmanEvent } | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return { error: `not valid JSON (${(error as Error).message})` };
  }
  const parsed = eventSchema.safeParse(data);
  return parsed.success ? { event: toEvent(parsed.data) } : { error: describeIssue(parsed.error, '') };
}

/** Parses the whole output of `podman events --format json --stream=false`, one event per line. */
export function parseEvents(text: string): ParseReport<PodmanEvent> {
  const report: ParseReport<PodmanEvent> = { items: [], rejected: 0 };
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const result = parseEventLine(line);
    if ('event' in result) {
      report.items.push(result.event);
      return;
    }
    report.rejected += 1;
    report.firstError ??= `line ${index + 1}: ${result.error}`;
  });
  return report;
}
