/**
 * The snapshot of a container's processes that gap analysis reads: a versioned JSON object holding
 * the raw text of its /proc files, or the same object assembled from plain files.
 *
 * Raw text (not parsed records) is stored so that a snapshot keeps everything the kernel printed and
 * a newer parser can read an old snapshot again.
 */
import { z } from 'zod';

export const SNAPSHOT_VERSION = 1;

const mapRange = z.string().regex(/^[0-9a-f]{1,16}-[0-9a-f]{1,16}$/, 'expected "start-end" in lower-case hex, as in maps');
const processLink = z
  .object({
    path: z.string(),
    /** Real mount id, when known from fdinfo of an fd opened on the link. */
    mntId: z.number().int().nonnegative().optional(),
  })
  .strict();

const mapFileEntry = z
  .object({
    range: mapRange,
    mntId: z.number().int().nonnegative(),
    ino: z.string().regex(/^\d{1,20}$/).optional(),
  })
  .strict();

/** The /proc files of one process; the top level of a snapshot has them for the container's first process. */
const processFields = {
  /** PID of the process as seen by the reader. */
  pid: z.number().int().positive().optional(),
  /** /proc/PID/cmdline with NUL bytes replaced by spaces. */
  cmdline: z.string().optional(),
  /** /proc/PID/mountinfo of the process. */
  mountinfo: z.string(),
  /** /proc/PID/maps of the process. */
  maps: z.string(),
  /** /proc/PID/fdinfo/* joined with `== /proc/PID/fdinfo/N` headers; may hold map_files blocks. */
  fdinfo: z.string().optional(),
  /** `ls -l /proc/PID/fd`, or one `fd N -> target` line per fd as the collector writes it. */
  fds: z.string().optional(),
  /** Mount ids of mappings, read from fdinfo of fds opened on /proc/PID/map_files/<range>. */
  mapFiles: z.array(mapFileEntry).optional(),
  /**
   * Set when /proc/PID/map_files could not be opened (it needs root or CAP_CHECKPOINT_RESTORE), so
   * mappings are placed by device and inode instead of their real mount id.
   */
  mapFilesFallback: z.object({ reason: z.string() }).strict().optional(),
  exe: processLink.optional(),
  cwd: processLink.optional(),
  root: processLink.optional(),
};

/** Another process of the same container, e.g. a child of its first process. */
export const processSnapshotSchema = z.object({ ...processFields, pid: z.number().int().positive() }).strict();

export type ProcessSnapshot = z.infer<typeof processSnapshotSchema>;

export const snapshotSchema = z
  .object({
    version: z.literal(SNAPSHOT_VERSION),
    /** Free text: where and how the snapshot was taken. */
    description: z.string().optional(),
    ...processFields,
    /** mountinfo of the runtime side, e.g. /proc/<conmon PID>/mountinfo. */
    runtimeMountinfo: z.string().optional(),
    /** mountinfo of the host's initial mount namespace, e.g. /proc/1/mountinfo. */
    hostMountinfo: z.string().optional(),
    /** The container the snapshot was collected from, when it was collected by name. */
    container: z
      .object({ name: z.string(), id: z.string(), conmonPid: z.number().int().positive().optional() })
      .strict()
      .optional(),
    /** Time of collection, ISO 8601. */
    collectedAt: z.string().optional(),
    /** The container's other processes; the top level is its first process. */
    processes: z.array(processSnapshotSchema).optional(),
  })
  .strict();

export type Snapshot = z.infer<typeof snapshotSchema>;

/** A snapshot that cannot be used, with a message that names the problem and the fix. */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/**
 * Validates snapshot JSON text. Throws SnapshotError for invalid JSON, an unsupported version or
 * a field of the wrong type, naming each invalid field by its path.
 */
export function readSnapshot(text: string, name: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`${name} is not valid JSON (${(error as Error).message}). Give a snapshot written by checkpoint-lens, or the plain files with --mountinfo and --maps.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SnapshotError(`${name} is not a snapshot: expected a JSON object with "version": ${SNAPSHOT_VERSION}.`);
  }
  const version = (value as { version?: unknown }).version;
  if (version !== SNAPSHOT_VERSION) {
    const shown = version === undefined ? 'missing' : JSON.stringify(version);
    throw new SnapshotError(`${name} has snapshot version ${shown}; this checkpoint-lens reads version ${SNAPSHOT_VERSION} only.`);
  }

  const result = snapshotSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`);
    const unknownKeys = result.error.issues.some((issue) => issue.code === 'unrecognized_keys');
    const next = unknownKeys
      ? `It has keys that version ${SNAPSHOT_VERSION} does not define; remove them, or collect the snapshot again with "checkpoint-lens snapshot".`
      : `Correct these fields, or collect the snapshot again with "checkpoint-lens snapshot".`;
    throw new SnapshotError(`${name} is not a valid version ${SNAPSHOT_VERSION} snapshot:\n  ${problems.join('\n  ')}\n${next}`);
  }
  return result.data;
}

/** Plain-file inputs, as the `gaps` command takes them. Every field is file content. */
export interface SnapshotFiles {
  mountinfo: string;
  maps: string;
  fdinfo?: string;
  fds?: string;
  runtimeMountinfo?: string;
  hostMountinfo?: string;
  cmdline?: string;
  pid?: number;
}

/** Builds a snapshot from plain files; the result passes `snapshotSchema`. */
export function assembleSnapshot(files: SnapshotFiles): Snapshot {
  const snapshot: Snapshot = { version: SNAPSHOT_VERSION, mountinfo: files.mountinfo, maps: files.maps };
  if (files.fdinfo !== undefined) snapshot.fdinfo = files.fdinfo;
  if (files.fds !== undefined) snapshot.fds = files.fds;
  if (files.runtimeMountinfo !== undefined) snapshot.runtimeMountinfo = files.runtimeMountinfo;
  if (files.hostMountinfo !== undefined) snapshot.hostMountinfo = files.hostMountinfo;
  if (files.cmdline !== undefined) snapshot.cmdline = files.cmdline.replace(/\0/g, ' ').trimEnd();
  if (files.pid !== undefined) snapshot.pid = files.pid;
  return snapshot;
}

/**
 * Splits a snapshot into one single-process snapshot per process, first process first. Each one
 * keeps the runtime and host mountinfo, because all processes of a container share them.
 */
export function splitByProcess(snapshot: Snapshot): Snapshot[] {
  const { processes = [], ...first } = snapshot;
  const shared = { version: snapshot.version, runtimeMountinfo: snapshot.runtimeMountinfo, hostMountinfo: snapshot.hostMountinfo, container: snapshot.container, collectedAt: snapshot.collectedAt };
  const others = processes.map((process) => dropUndefined({ ...shared, ...process }) as Snapshot);
  return [first, ...others];
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
