// The Containers view's data: what the tree shows for each host and container, built from the
// engine's parsed podman output. No `vscode` import, so the unit tests run it in plain Node.
import type { HostCapabilities } from '../../engine/capabilities';
import type { Host } from '../../engine/hosts';
import type { Container, ContainerDetails, ContainerState } from '../../engine/podmanJson';

/** Record of the last checkpoint that the extension made of a container. */
export interface CheckpointRecord {
  at: Date;
  /** Size in bytes of the exported archive, or of the checkpoint folder kept with `--keep`. */
  sizeBytes: number | undefined;
  /** Host path of the exported archive. */
  archive: string | undefined;
  /** Timings from `--print-stats`, as one line of text. */
  statsText: string | undefined;
}

/** One container row: `podman ps` merged with `podman container inspect`. */
export interface ContainerView {
  hostName: string;
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  /** podman's own state word, e.g. `exited` for a checkpointed container. */
  podmanState: string;
  /** `podman ps` status text such as `Up 4 minutes`. */
  status: string;
  runtime: string | undefined;
  pid: number | undefined;
  /** Published ports as `host_ip:host_port->container_port/protocol`. */
  ports: string[];
  /** Folder of dump.log and restore.log; unset when inspect failed for this container. */
  staticDir: string | undefined;
  checkpointedAt: Date | undefined;
  restoredAt: Date | undefined;
  checkpointLog: string | undefined;
  restoreLog: string | undefined;
  checkpointPath: string | undefined;
  autoRemove: boolean;
}

/** Cause of a host showing no containers, or showing them with a warning. */
export type HostProblemKind =
  | 'invalid-setting'
  | 'podman-missing'
  | 'prefix-program-missing'
  | 'unreachable'
  | 'permission'
  | 'rootless'
  /** A probe finding that rules out some or all checkpoints while the host still lists its containers. */
  | 'capability'
  | 'probe-failed'
  | 'list-failed';

/** A command that fixes a host problem, run from the problem row. */
export interface FixAction {
  title: string;
  command: string;
  arguments?: unknown[];
}

export interface HostProblem {
  kind: HostProblemKind;
  /** One line: what failed. */
  message: string;
  /** Next step for the user, and the error text. */
  detail: string;
  fix: FixAction;
}

export type HostStatus = 'loading' | 'ready' | 'failed';

/** Everything the tree shows for one host. */
export interface HostSnapshot {
  host: Host;
  status: HostStatus;
  /** The engine's capability probe; unset until it finishes. */
  probe: HostCapabilities | undefined;
  containers: ContainerView[];
  /** Problems shown as rows under the host; a `failed` host has at least one. */
  problems: HostProblem[];
  /** Containers left out because their JSON did not validate, with the first reason. */
  rejected: { count: number; firstError: string | undefined };
  /** Source of updates: a running `podman events` stream, or polling. */
  refreshMode: 'events' | 'polling' | 'none';
}

/** Formats a `podman ps` port record (podman 4.3 and 5.4 print the same keys) as `0.0.0.0:8080->80/tcp`. */
export function formatPort(port: { host_ip?: string; host_port?: number; container_port?: number; protocol?: string; range?: number }): string {
  const range = port.range && port.range > 1 ? `-${(port.container_port ?? 0) + port.range - 1}` : '';
  const hostRange = port.range && port.range > 1 ? `-${(port.host_port ?? 0) + port.range - 1}` : '';
  const hostIp = port.host_ip ? `${port.host_ip}:` : '';
  return `${hostIp}${port.host_port ?? '?'}${hostRange}->${port.container_port ?? '?'}${range}/${port.protocol ?? 'tcp'}`;
}

/**
 * Reads the published ports of each container from `podman ps --format json` output, keyed by
 * container ID. The engine's ps parser leaves `Ports` out, so this reads the raw JSON; records
 * without ports, and output that is not a JSON array, give no entries.
 */
export function portsFromPs(psText: string): Map<string, string[]> {
  const ports = new Map<string, string[]>();
  let data: unknown;
  try {
    data = JSON.parse(psText);
  } catch {
    return ports;
  }
  if (!Array.isArray(data)) return ports;
  for (const record of data) {
    if (typeof record !== 'object' || record === null) continue;
    const { Id: id, Ports: list } = record as { Id?: unknown; Ports?: unknown };
    if (typeof id !== 'string' || !Array.isArray(list)) continue;
    ports.set(
      id,
      list.filter((port): port is Record<string, never> => typeof port === 'object' && port !== null).map((port) => formatPort(port)),
    );
  }
  return ports;
}

/**
 * Merges a `podman ps` row with its inspect record. Without inspect (the container went away
 * between the two calls, or its record did not validate), the state is podman's word from ps,
 * which cannot tell a checkpointed container from an exited one.
 */
export function containerView(hostName: string, row: Container, details: ContainerDetails | undefined, ports: string[] = []): ContainerView {
  const psState = row.podmanState.toLowerCase();
  const fallbackState: ContainerState = (['created', 'initialized', 'running', 'paused', 'stopping', 'stopped', 'exited', 'removing'] as const).find(
    (state) => state === psState,
  ) ?? 'unknown';
  const psPid = row.pid > 0 ? row.pid : undefined;
  return {
    hostName,
    id: row.id,
    name: row.name,
    image: details?.image || row.image,
    state: details?.state ?? fallbackState,
    podmanState: details?.podmanState ?? row.podmanState,
    status: row.status,
    runtime: details?.ociRuntime || undefined,
    pid: details ? details.pid : psPid,
    ports,
    staticDir: details?.staticDir || undefined,
    checkpointedAt: details?.checkpointedAt,
    restoredAt: details?.restoredAt,
    checkpointLog: details?.checkpointLog,
    restoreLog: details?.restoreLog,
    checkpointPath: details?.checkpointPath,
    autoRemove: details?.autoRemove ?? row.autoRemove,
  };
}

/** Lists the containers of one host in name order, leaving out pod infra containers. */
export function containerViews(hostName: string, rows: Container[], details: ContainerDetails[], ports: Map<string, string[]>): ContainerView[] {
  const byId = new Map(details.map((detail) => [detail.id, detail]));
  return rows
    .filter((row) => !row.isInfra)
    .map((row) => containerView(hostName, row, byId.get(row.id), ports.get(row.id)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export type LogKindName = 'dump' | 'restore';

/**
 * Host path of a container's dump.log or restore.log. podman sets `CheckpointLog` and
 * `RestoreLog` only after a successful operation with `--keep`, but crun and runc always write
 * the log into the container's static folder.
 */
export function logPathOf(container: ContainerView, kind: LogKindName): string | undefined {
  const recorded = kind === 'dump' ? container.checkpointLog : container.restoreLog;
  if (recorded) return recorded;
  return container.staticDir ? `${container.staticDir.replace(/\/$/, '')}/${kind}.log` : undefined;
}

/** Reports whether the container's state allows a checkpoint: podman checkpoints running containers only. */
export function canCheckpoint(container: ContainerView): boolean {
  return container.state === 'running' || container.state === 'restored';
}

export function canRestore(container: ContainerView): boolean {
  return container.state === 'checkpointed';
}
