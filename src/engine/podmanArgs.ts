/**
 * Pure builders of podman argument vectors (the words after `podman`). They check option
 * combinations the way podman's own command-line parser does, so a bad request fails here with
 * a clear message instead of as podman's exit status 125.
 */

export interface PodmanVersion {
  major: number;
  minor: number;
  patch: number;
  /** The version as podman printed it, e.g. `4.3.1` or `5.4.2`. */
  text: string;
}

/** Parses `5.4.2`, `4.3.1-dev` or `podman version 5.4.2`; returns undefined for anything else. */
export function parsePodmanVersion(text: string): PodmanVersion | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), text: match[0] };
}

function atLeast(version: PodmanVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/** Rejected options: each problem names the option and what to change. */
export class InvalidOptionsError extends RangeError {
  override readonly name = 'InvalidOptionsError';
  constructor(readonly problems: string[]) {
    super(problems.join(' '));
  }
}

// --- queries ----------------------------------------------------------------

/** `podman ps -a --format json`: every container, with `State` as podman's lower-case state word. */
export function psArgs(): string[] {
  return ['ps', '--all', '--format', 'json'];
}

/** `podman container inspect -- <ids>`: a JSON array, one object per container. */
export function inspectArgs(containers: readonly string[]): string[] {
  if (containers.length === 0) throw new InvalidOptionsError(['inspect needs at least one container name or ID.']);
  return ['container', 'inspect', '--', ...containers];
}

export function infoArgs(): string[] {
  return ['info', '--format', 'json'];
}

export function versionArgs(): string[] {
  return ['version', '--format', 'json'];
}

export interface EventsOptions {
  /** podman's `--since`: a duration such as `5m` or a timestamp. */
  since?: string;
  until?: string;
  /** `--filter` values, e.g. `type=container`. */
  filters?: string[];
  /**
   * false lists past events and exits; the default streams new events until cancelled.
   * podman 4.3 hides `--stream` as "for testing only", but 4.3.1 and 5.4.2 both honour it.
   */
  stream?: boolean;
}

/** `podman events --format json`: one JSON object per line. */
export function eventsArgs(options: EventsOptions = {}): string[] {
  const args = ['events', '--format', 'json'];
  if (options.since !== undefined) args.push(`--since=${options.since}`);
  if (options.until !== undefined) args.push(`--until=${options.until}`);
  for (const filter of options.filters ?? []) args.push(`--filter=${filter}`);
  if (options.stream === false) args.push('--stream=false');
  return args;
}

// --- checkpoint and restore -------------------------------------------------

export type Compression = 'zstd' | 'gzip' | 'none';

export interface CheckpointOptions {
  /** Keep dump.log, stats and the CRIU images after success. */
  keep?: boolean;
  leaveRunning?: boolean;
  tcpEstablished?: boolean;
  fileLocks?: boolean;
  /** Absolute path of the archive to write on the host. */
  export?: string;
  /** Archive compression. podman writes zstd by default, whatever the file name ends with. Needs `export`. */
  compress?: Compression;
  /** Leave root file-system changes out of the archive. Needs `export`. */
  ignoreRootfs?: boolean;
  /** Leave volumes out of the archive. Needs `export`. */
  ignoreVolumes?: boolean;
  /** Dump memory only and leave the container running. */
  preCheckpoint?: boolean;
  /** Checkpoint on top of an earlier pre-checkpoint. */
  withPrevious?: boolean;
  /** Name of a checkpoint image to create. */
  createImage?: string;
  /** Print CRIU statistics as JSON on stdout. */
  printStats?: boolean;
}

export interface RestoreOptions {
  keep?: boolean;
  tcpEstablished?: boolean;
  fileLocks?: boolean;
  /** New container name. Needs an import or an image. */
  name?: string;
  ignoreRootfs?: boolean;
  ignoreVolumes?: boolean;
  ignoreStaticIp?: boolean;
  ignoreStaticMac?: boolean;
  printStats?: boolean;
  /** Existing pod to restore into. Needs an import or an image. */
  pod?: string;
  /** Absolute path of an exported pre-checkpoint archive. Needs an import or an image. */
  importPrevious?: string;
  /** `--publish` port mappings, e.g. `8080:80`. */
  publish?: string[];
}

/** Restore source: a checkpointed container, an exported archive, or a checkpoint image. */
export type RestoreSource = { container: string } | { importPath: string } | { image: string };

interface FlagInfo {
  flag: string;
  /** Oldest podman release whose command-line parser has the flag, as [major, minor]. */
  since: [number, number];
}

/**
 * First release of each flag, read from `cmd/podman/containers/checkpoint.go` and `restore.go` in
 * podman's git tags v2.0.0 to v5.4.2 (2.0 is the oldest release checked). Every flag here exists in
 * podman 4.3.1 and 5.4.2, and 4.0 added file-locks and print-stats.
 */
export const CHECKPOINT_FLAGS: Record<keyof CheckpointOptions, FlagInfo> = {
  keep: { flag: '--keep', since: [2, 0] },
  leaveRunning: { flag: '--leave-running', since: [2, 0] },
  tcpEstablished: { flag: '--tcp-established', since: [2, 0] },
  fileLocks: { flag: '--file-locks', since: [4, 0] },
  export: { flag: '--export', since: [2, 0] },
  compress: { flag: '--compress', since: [3, 3] },
  ignoreRootfs: { flag: '--ignore-rootfs', since: [2, 0] },
  ignoreVolumes: { flag: '--ignore-volumes', since: [3, 0] },
  preCheckpoint: { flag: '--pre-checkpoint', since: [3, 0] },
  withPrevious: { flag: '--with-previous', since: [3, 0] },
  createImage: { flag: '--create-image', since: [4, 1] },
  printStats: { flag: '--print-stats', since: [4, 0] },
};

export const RESTORE_FLAGS: Record<keyof RestoreOptions, FlagInfo> = {
  keep: { flag: '--keep', since: [2, 0] },
  tcpEstablished: { flag: '--tcp-established', since: [2, 0] },
  fileLocks: { flag: '--file-locks', since: [4, 0] },
  name: { flag: '--name', since: [2, 0] },
  ignoreRootfs: { flag: '--ignore-rootfs', since: [2, 0] },
  ignoreVolumes: { flag: '--ignore-volumes', since: [3, 0] },
  ignoreStaticIp: { flag: '--ignore-static-ip', since: [2, 0] },
  ignoreStaticMac: { flag: '--ignore-static-mac', since: [2, 0] },
  printStats: { flag: '--print-stats', since: [4, 0] },
  pod: { flag: '--pod', since: [3, 3] },
  importPrevious: { flag: '--import-previous', since: [3, 0] },
  publish: { flag: '--publish', since: [3, 3] },
};

/** `--import` is not an option key because `RestoreSource` carries it. */
const IMPORT_FLAG: FlagInfo = { flag: '--import', since: [2, 0] };

/** Restore from a checkpoint image (`podman container restore <image>`) arrived in podman 4.1, as create-image did. */
const RESTORE_IMAGE_SINCE: [number, number] = [4, 1];

/** Lists the checkpoint options this podman version accepts. */
export function supportedCheckpointOptions(version: PodmanVersion): Array<keyof CheckpointOptions> {
  return (Object.keys(CHECKPOINT_FLAGS) as Array<keyof CheckpointOptions>).filter((key) => atLeast(version, ...CHECKPOINT_FLAGS[key].since));
}

/** Lists the restore options this podman version accepts. */
export function supportedRestoreOptions(version: PodmanVersion): Array<keyof RestoreOptions> {
  return (Object.keys(RESTORE_FLAGS) as Array<keyof RestoreOptions>).filter((key) => atLeast(version, ...RESTORE_FLAGS[key].since));
}

/** Options whose value is on or set; `false`, `undefined`, `''` and `[]` count as not requested. */
function requested<T extends object>(options: T): Array<keyof T> {
  return (Object.keys(options) as Array<keyof T>).filter((key) => {
    const value = options[key];
    if (Array.isArray(value)) return value.length > 0;
    return value !== undefined && value !== false && value !== '';
  });
}

function versionProblems<T extends object>(options: T, table: Record<keyof T, FlagInfo>, version: PodmanVersion): string[] {
  const problems: string[] = [];
  for (const key of requested(options)) {
    const info = table[key];
    if (!info) {
      problems.push(`Unknown option "${String(key)}".`);
    } else if (!atLeast(version, ...info.since)) {
      problems.push(`${info.flag} needs podman ${info.since.join('.')} or later, but the host has podman ${version.text}.`);
    }
  }
  return problems;
}

function checkAbsolute(problems: string[], flag: string, path: string | undefined): void {
  if (path !== undefined && path !== '' && !path.startsWith('/')) {
    problems.push(`${flag} needs an absolute path on the host, got "${path}".`);
  }
}

/**
 * Builds `container checkpoint [flags] -- <container>`. Valued flags are single `--flag=value`
 * words, so a value that starts with `-` cannot be read as another flag.
 * Throws InvalidOptionsError for flags the version lacks and for combinations podman rejects.
 */
export function checkpointArgs(container: string, options: CheckpointOptions, version: PodmanVersion): string[] {
  const problems = versionProblems(options, CHECKPOINT_FLAGS, version);
  if (container === '') problems.push('checkpoint needs a container name or ID.');
  const exporting = options.export !== undefined && options.export !== '';
  if (!exporting) {
    if (options.compress) problems.push('--compress needs --export: it sets the archive compression.');
    if (options.ignoreRootfs) problems.push('--ignore-rootfs needs --export: it leaves the root file system out of the archive.');
    if (options.ignoreVolumes) problems.push('--ignore-volumes needs --export: it leaves volumes out of the archive.');
  }
  if (options.withPrevious && options.preCheckpoint) problems.push('--with-previous and --pre-checkpoint exclude each other: choose one.');
  checkAbsolute(problems, '--export', options.export);
  if (problems.length > 0) throw new InvalidOptionsError(problems);

  const args = ['container', 'checkpoint'];
  if (options.keep) args.push('--keep');
  if (options.leaveRunning) args.push('--leave-running');
  if (options.tcpEstablished) args.push('--tcp-established');
  if (options.fileLocks) args.push('--file-locks');
  if (exporting) args.push(`--export=${options.export}`);
  if (options.compress) args.push(`--compress=${options.compress}`);
  if (options.ignoreRootfs) args.push('--ignore-rootfs');
  if (options.ignoreVolumes) args.push('--ignore-volumes');
  if (options.preCheckpoint) args.push('--pre-checkpoint');
  if (options.withPrevious) args.push('--with-previous');
  if (options.createImage) args.push(`--create-image=${options.createImage}`);
  if (options.printStats) args.push('--print-stats');
  args.push('--', container);
  return args;
}

/**
 * Builds `container restore [flags] [-- <container or image>]`. An import takes no positional
 * argument: podman rejects `--import` together with container names.
 * Throws InvalidOptionsError for flags the version lacks and for combinations podman rejects.
 */
export function restoreArgs(source: RestoreSource, options: RestoreOptions, version: PodmanVersion): string[] {
  const problems = versionProblems(options, RESTORE_FLAGS, version);
  const fromArchiveOrImage = 'importPath' in source || 'image' in source;
  if ('image' in source && !atLeast(version, ...RESTORE_IMAGE_SINCE)) {
    problems.push(`Restoring from a checkpoint image needs podman ${RESTORE_IMAGE_SINCE.join('.')} or later, but the host has podman ${version.text}.`);
  }
  if (!fromArchiveOrImage) {
    if (options.name) problems.push('--name needs an imported archive or a checkpoint image: a container restored in place keeps its name.');
    if (options.pod) problems.push('--pod needs an imported archive or a checkpoint image.');
    if (options.ignoreRootfs) problems.push('--ignore-rootfs needs an imported archive or a checkpoint image.');
    if (options.ignoreVolumes) problems.push('--ignore-volumes needs an imported archive or a checkpoint image.');
    if (options.importPrevious) problems.push('--import-previous needs an imported archive or a checkpoint image.');
  }
  if (options.name && options.tcpEstablished) problems.push('--tcp-established cannot be used with --name: established connections need the original container identity.');
  if ('container' in source && source.container === '') problems.push('restore needs a container name or ID.');
  if ('image' in source && source.image === '') problems.push('restore needs a checkpoint image name.');
  if ('importPath' in source) {
    if (source.importPath === '') problems.push('--import needs the path of an exported archive.');
    checkAbsolute(problems, IMPORT_FLAG.flag, source.importPath);
  }
  checkAbsolute(problems, '--import-previous', options.importPrevious);
  if (problems.length > 0) throw new InvalidOptionsError(problems);

  const args = ['container', 'restore'];
  if (options.keep) args.push('--keep');
  if (options.tcpEstablished) args.push('--tcp-established');
  if (options.fileLocks) args.push('--file-locks');
  if ('importPath' in source) args.push(`${IMPORT_FLAG.flag}=${source.importPath}`);
  if (options.importPrevious) args.push(`--import-previous=${options.importPrevious}`);
  if (options.name) args.push(`--name=${options.name}`);
  if (options.pod) args.push(`--pod=${options.pod}`);
  if (options.ignoreRootfs) args.push('--ignore-rootfs');
  if (options.ignoreVolumes) args.push('--ignore-volumes');
  if (options.ignoreStaticIp) args.push('--ignore-static-ip');
  if (options.ignoreStaticMac) args.push('--ignore-static-mac');
  for (const mapping of options.publish ?? []) args.push(`--publish=${mapping}`);
  if (options.printStats) args.push('--print-stats');
  if ('container' in source) args.push('--', source.container);
  if ('image' in source) args.push('--', source.image);
  return args;
}

/** Boolean options a "Retry with <flag>" action can switch on. */
export type RetryOption = 'keep' | 'leaveRunning' | 'tcpEstablished' | 'fileLocks' | 'ignoreStaticIp' | 'ignoreStaticMac' | 'ignoreRootfs' | 'ignoreVolumes';

const RETRY_OPTIONS: Record<string, RetryOption> = {
  '--keep': 'keep',
  '--leave-running': 'leaveRunning',
  '--tcp-established': 'tcpEstablished',
  '--file-locks': 'fileLocks',
  '--ignore-static-ip': 'ignoreStaticIp',
  '--ignore-static-mac': 'ignoreStaticMac',
  '--ignore-rootfs': 'ignoreRootfs',
  '--ignore-volumes': 'ignoreVolumes',
};

/**
 * Maps a podman flag from a diagnosis (`Fix.podmanFlag`) to the option that switches it on.
 * Returns undefined for flags that need a value, such as `--export`.
 */
export function retryOptionForFlag(flag: string): RetryOption | undefined {
  return RETRY_OPTIONS[flag.replace(/=.*$/, '')];
}
