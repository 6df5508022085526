/**
 * Types of the preflight: what it reads about a host, a container and the container's processes,
 * and the report it returns. The checks themselves are pure (src/model/preflight/); the engine
 * collects the input through the host's command prefix (src/engine/preflight.ts).
 *
 * Raw /proc text is kept as the kernel printed it, as in the gap snapshot, so that the report can
 * point at a line of a file (`/proc/PID/net/tcp`, line 3) and a newer parser can read old input.
 */
import type { Category } from '../categories';
import type { Snapshot } from '../procfs/snapshot';
import type { Fix } from '../types';

/** Facts about the host, mapped by the engine from its capability probe. Unknown facts stay undefined. */
export interface PreflightHost {
  /** The host's display name, e.g. `local` or `trixie`. */
  name: string;
  /** False when podman runs rootless. */
  rootful?: boolean;
  /** podman's version, e.g. `5.4.2`. */
  podmanVersion?: string;
  /** `uname -r`, e.g. `6.18.0-1-amd64`. */
  kernel?: string;
  /** CRIU's version, e.g. `4.1.1`. */
  criuVersion?: string;
  /** `criu check`: ok, and its `Error` lines when not ok. */
  criuCheck?: { ok: boolean; errors: string[] };
  /** Whether the kernel tracks dirty memory (soft-dirty), which pre-checkpoint needs. */
  dirtyTracking?: boolean;
}

/** Facts about the container, from `podman container inspect`. */
export interface PreflightContainer {
  name: string;
  id: string;
  /** The OCI runtime that runs this container, e.g. `crun` or `runc`, with its version and checkpoint support. */
  runtime?: { name: string; version?: string; supportsCheckpoint?: boolean; wasmHandlers?: string[] };
  /** Started with `--rm`. */
  autoRemove?: boolean;
  /** Name or id of the pod the container belongs to. */
  pod?: string;
  /** Namespaces shared with another container: e.g. `{ pid: 'container:abc…' }`; the key is the namespace kind. */
  sharedNamespaces?: Partial<Record<'pid' | 'ipc' | 'net' | 'uts' | 'user' | 'cgroup' | 'mount', string>>;
  /** Started with `-t`. */
  tty?: boolean;
  /** PID of the container's first process on the host. */
  pid?: number;
}

/** What the user intends to run, so that the checks can tell what matters. */
export interface PreflightIntent {
  /** `--export` or `--create-image` is requested. */
  export?: boolean;
  /** The file of `--export=FILE`, for the proposed command; `<file>` is used when it is unknown. */
  exportPath?: string;
  /** `--pre-checkpoint` is requested. */
  preCheckpoint?: boolean;
  /** `--leave-running` is requested. */
  leaveRunning?: boolean;
}

/**
 * /proc files of one process that the gap snapshot does not hold. Each is raw text; a file that
 * could not be read is left out and named in `unreadable` with the reader's message.
 */
export interface ProcessExtras {
  pid: number;
  /** /proc/PID/status (Seccomp, NSpid, NStgid, ...). */
  status?: string;
  /**
   * Namespace links of /proc/PID/ns, e.g. `{ net: 'net:[4026532301]', pid: 'pid:[4026532299]' }`;
   * the keys are the entries of /proc/PID/ns (`pid_for_children`, `time`, ... included).
   */
  ns?: Record<string, string>;
  /** Size in bytes of each fd's file, by fd number, for fds whose target ends in ` (deleted)`. */
  deletedFdSizes?: Record<string, number>;
  /** Size in bytes of each deleted mapped file, by `start-end` range. */
  deletedMapSizes?: Record<string, number>;
  /**
   * Bytes allocated on disk (`st_blocks` * 512) for the files of `deletedFdSizes`, by fd number.
   * CRIU 3.18 and later compare this with the ghost limit, CRIU 3.17 and earlier the size
   * (`dump_ghost_remap` in criu/files-reg.c), so a sparse deleted file can be large and still fit.
   */
  deletedFdAllocated?: Record<string, number>;
  /** Bytes allocated on disk for the files of `deletedMapSizes`, by `start-end` range. */
  deletedMapAllocated?: Record<string, number>;
  /**
   * CRIU's folder scan for watched inodes whose file handle it cannot open, repeated through
   * /proc/PID/root: the inodes looked for, and each file found with one of them, as `stat -c '%d %i'`
   * prints device and inode, with its path in the container.
   */
  irmapScan?: { inodes: number[]; found: { dev: number; ino: number; path: string }[] };
  /** Files of /proc/PID that could not be read: file name to the reader's message. */
  unreadable?: Record<string, string>;
}

/**
 * /proc/PID/net files of one network namespace, read once per namespace from one of its processes.
 */
export interface NetNamespaceTables {
  /** `net:[INODE]` as in /proc/PID/ns/net. */
  ns: string;
  /** The process the tables were read from. */
  pid: number;
  tcp?: string;
  tcp6?: string;
  udp?: string;
  udp6?: string;
  unix?: string;
  netlink?: string;
  /**
   * `ss -x -a -n -H` run in the namespace: unix sockets with their peer's inode, which /proc/net/unix
   * does not show. Without it, a unix socket connected to the outside cannot be detected.
   */
  ssUnix?: string;
  /** Files that could not be read: file name to the reader's message. */
  unreadable?: Record<string, string>;
}

/** Everything the checks read. */
export interface PreflightInput {
  host: PreflightHost;
  container: PreflightContainer;
  intent?: PreflightIntent;
  /** The gap snapshot of the container (mountinfo, maps, fds, fdinfo, map_files mount ids, exe/cwd/root). */
  snapshot: Snapshot;
  /** Extra /proc files per process, in the order of the snapshot's processes. */
  processes: ProcessExtras[];
  /** Network tables per network namespace that a process of the container is in. */
  net: NetNamespaceTables[];
  /** /proc/locks as read on the host (lock owners are host PIDs). */
  locks?: string;
  /** Namespace links of the host's init process (/proc/1/ns), to tell nested namespaces from the container's own. */
  hostNs?: Record<string, string>;
  /** Time of collection, ISO 8601. */
  collectedAt?: string;
  /**
   * Texts of the CRIU configuration files on the host, by path, e.g.
   * `{ '/etc/criu/default.conf': 'ghost-limit 16M\n' }`; a file that does not exist is left out.
   * They decide options that podman does not expose, such as the ghost file limit.
   */
  criuConfigs?: Record<string, string>;
}

/** `blocks`: the checkpoint will fail; `needs-flag`: it works with `flag`; `fine`: it does not stop a checkpoint. */
export type FindingVerdict = 'blocks' | 'needs-flag' | 'fine';

/** Checkpoint options the preflight can ask for; the keys of the engine's CheckpointOptions. */
export type PreflightFlag = 'tcpEstablished' | 'fileLocks';

/** Location of a finding's evidence. */
export interface Evidence {
  /** One line of text a person reads, e.g. `pid 12 fd 3 -> socket:[4711] 127.0.0.1:8080 -> 127.0.0.1:41234 ESTABLISHED`. */
  text: string;
  pid?: number;
  fd?: number;
  /** A mapping's `start-end` range. */
  range?: string;
  path?: string;
  mntId?: number;
  /** Socket inode. */
  inode?: string;
  /** The /proc file and its 1-based line, e.g. `{ file: '/proc/12/net/tcp', line: 3 }`. */
  source?: { file: string; line?: number };
}

export interface PreflightFinding {
  /** The check that made it, e.g. `tcp-sockets`, `file-locks`, `mapping-gaps`. */
  check: string;
  /** The log-diagnosis category the failure would have, e.g. `tcp`, `mount-lookup`. */
  category: Category;
  verdict: FindingVerdict;
  /** One line, e.g. `1 established TCP connection`. */
  title: string;
  /** Why it matters on this host: what CRIU will do with it, with versions where they decide it. */
  detail: string;
  evidence: Evidence[];
  /** The checkpoint option that makes it work, when the verdict is `needs-flag`. */
  flag?: PreflightFlag;
  fixes: Fix[];
  /** The knowledge-base code of the log error CRIU would print, e.g. `tcp.passcred-rejected-by-kernel`. */
  kbCode?: string;
}

/** `will-fail`: a finding blocks; `needs-flags`: flags make it work; `should-work`: nothing found that stops it. */
export type PreflightVerdict = 'will-fail' | 'needs-flags' | 'should-work';

export const PREFLIGHT_REPORT_VERSION = 1;

export interface PreflightReport {
  version: typeof PREFLIGHT_REPORT_VERSION;
  verdict: PreflightVerdict;
  container: { name: string; id: string; runtime?: string };
  host: { name: string; kernel?: string; criuVersion?: string; podmanVersion?: string };
  /** Blocking findings first, then those that need a flag, then the fine ones. */
  findings: PreflightFinding[];
  /** The flags the findings ask for. */
  flags: PreflightFlag[];
  /** The podman command to run, as argv without the host prefix, e.g. `['podman', 'container', 'checkpoint', '--tcp-established', 'web']`. */
  command: string[];
  /** CRIU configuration for options podman does not expose, one entry per file. */
  criuConfig: { file: string; snippet: string; reason: string }[];
  /** Checks that could not run and why (a file that could not be read), so a `should-work` is never silent about them. */
  skipped: { check: string; reason: string }[];
  /**
   * False when a check did not run or could not decide (see `skipped` for each reason), so the
   * verdict holds only as far as the input was checked. Missing in reports of older versions.
   */
  complete?: boolean;
  /** Lines of the /proc input that could not be parsed and were left out, e.g. a truncated table row. */
  inputIssues?: { file: string; line: number; reason: string }[];
  collectedAt?: string;
}
