// Flag choices for checkpoint and restore, `--print-stats` summaries and the text of the failure
// notification. No `vscode` import, so the unit tests run it in plain Node.
import {
  CHECKPOINT_FLAGS,
  RESTORE_FLAGS,
  retryOptionForFlag,
  supportedCheckpointOptions,
  supportedRestoreOptions,
  type CheckpointOptions,
  type Compression,
  type PodmanVersion,
  type RestoreOptions,
  type RetryOption,
} from '../../engine/podmanArgs';
import type { ContainerStatistics } from '../../engine/stats';
import type { Analysis } from '../../model/types';

/** Checkpoint options that are on/off switches and make sense without `--export`. */
export type SwitchOption = 'keep' | 'leaveRunning' | 'tcpEstablished' | 'fileLocks' | 'preCheckpoint' | 'withPrevious' | 'printStats';
/** Switches that only apply to an exported archive. */
export type ExportSwitchOption = 'ignoreRootfs' | 'ignoreVolumes';

/** Help text of each switch, close to `podman container checkpoint --help` of podman 5.4. */
const CHECKPOINT_FLAG_HELP: Record<SwitchOption | ExportSwitchOption, string> = {
  keep: 'Keep all temporary checkpoint files, including dump.log',
  leaveRunning: 'Leave the container running after writing the checkpoint',
  tcpEstablished: 'Checkpoint a container with established TCP connections',
  fileLocks: 'Checkpoint a container with file locks',
  preCheckpoint: 'Dump the container’s memory only, leaving it running',
  withPrevious: 'Checkpoint on top of an earlier pre-checkpoint',
  printStats: 'Print statistics: freezing time, pages written',
  ignoreRootfs: 'Leave root file-system changes out of the archive',
  ignoreVolumes: 'Leave volumes out of the archive',
};

const SWITCHES: SwitchOption[] = ['keep', 'leaveRunning', 'tcpEstablished', 'fileLocks', 'preCheckpoint', 'withPrevious', 'printStats'];
const EXPORT_SWITCHES: ExportSwitchOption[] = ['ignoreRootfs', 'ignoreVolumes'];

/** One entry of the flag multi-select. */
export interface FlagChoice {
  option: SwitchOption | ExportSwitchOption;
  flag: string;
  description: string;
  picked: boolean;
}

/**
 * Lists the switches the host's podman accepts (from the engine's flag table), with the
 * defaults ticked. `exporting` adds the switches that only apply to an archive.
 */
export function checkpointFlagChoices(version: PodmanVersion, defaults: CheckpointOptions, exporting: boolean): FlagChoice[] {
  const supported = new Set(supportedCheckpointOptions(version));
  const options: Array<SwitchOption | ExportSwitchOption> = exporting ? [...SWITCHES, ...EXPORT_SWITCHES] : SWITCHES;
  return options
    .filter((option) => supported.has(option))
    .map((option) => ({
      option,
      flag: CHECKPOINT_FLAGS[option].flag,
      description: CHECKPOINT_FLAG_HELP[option],
      picked: defaults[option] === true,
    }));
}

/** Builds checkpoint options from the ticked choices, keeping the non-switch defaults (`compress`). */
export function optionsFromChoices(picked: readonly FlagChoice[], defaults: CheckpointOptions): CheckpointOptions {
  const options: CheckpointOptions = {};
  if (defaults.compress) options.compress = defaults.compress;
  for (const choice of picked) options[choice.option] = true;
  return options;
}

const COMPRESSIONS = new Set<Compression>(['zstd', 'gzip', 'none']);

export interface ParsedFlags<T> {
  options: T;
  /** One sentence per flag that was left out, naming it and why. */
  problems: string[];
}

function flagKeys<T extends object>(table: Record<keyof T, { flag: string }>): Map<string, keyof T> {
  return new Map((Object.keys(table) as Array<keyof T>).map((key) => [table[key].flag, key]));
}

/**
 * Parses the `checkpointLens.checkpoint.defaultFlags` setting (`["--keep", "--compress=gzip"]`)
 * into options the host's podman accepts. Unknown flags, flags that need a value the setting
 * cannot give (`--export`, `--create-image`) and flags newer than the host's podman are left out
 * and described in `problems`.
 */
export function parseCheckpointFlags(flags: readonly string[], version: PodmanVersion): ParsedFlags<CheckpointOptions> {
  const keys = flagKeys<CheckpointOptions>(CHECKPOINT_FLAGS);
  const supported = new Set(supportedCheckpointOptions(version));
  const options: CheckpointOptions = {};
  const problems: string[] = [];

  for (const word of flags) {
    const [flag, value] = word.split(/=(.*)/s, 2);
    const key = keys.get(flag);
    if (key === undefined) {
      problems.push(`${word} is not a podman container checkpoint flag.`);
    } else if (!supported.has(key)) {
      problems.push(`${flag} needs podman ${CHECKPOINT_FLAGS[key].since.join('.')} or later, but the host has podman ${version.text}.`);
    } else if (key === 'compress') {
      if (COMPRESSIONS.has(value as Compression)) options.compress = value as Compression;
      else problems.push(`${word}: --compress takes zstd, gzip or none.`);
    } else if (key === 'export' || key === 'createImage') {
      problems.push(`${flag} needs a value for each checkpoint, so it cannot be a default: use Checkpoint and Export… instead.`);
    } else if (value !== undefined) {
      problems.push(`${word}: ${flag} takes no value.`);
    } else {
      options[key as SwitchOption | ExportSwitchOption] = true;
    }
  }
  return { options, problems };
}

/** Parses the `checkpointLens.restore.defaultFlags` setting; flags that need a value are left out. */
export function parseRestoreFlags(flags: readonly string[], version: PodmanVersion): ParsedFlags<RestoreOptions> {
  const keys = flagKeys<RestoreOptions>(RESTORE_FLAGS);
  const supported = new Set(supportedRestoreOptions(version));
  const options: RestoreOptions = {};
  const problems: string[] = [];
  const switches = new Set<keyof RestoreOptions>(['keep', 'tcpEstablished', 'fileLocks', 'ignoreRootfs', 'ignoreVolumes', 'ignoreStaticIp', 'ignoreStaticMac', 'printStats']);

  for (const word of flags) {
    const key = keys.get(word);
    if (key === undefined) {
      problems.push(`${word} is not a podman container restore flag that takes no value.`);
    } else if (!supported.has(key)) {
      problems.push(`${word} needs podman ${RESTORE_FLAGS[key].since.join('.')} or later, but the host has podman ${version.text}.`);
    } else if (!switches.has(key)) {
      problems.push(`${word} needs a value for each restore, so it cannot be a default.`);
    } else {
      (options as Record<string, boolean>)[key] = true;
    }
  }
  return { options, problems };
}

/** Keeps the restore defaults that apply when restoring a checkpointed container in place. */
export function inPlaceRestoreOptions(defaults: RestoreOptions): RestoreOptions {
  const { ignoreRootfs: _rootfs, ignoreVolumes: _volumes, name: _name, pod: _pod, importPrevious: _previous, ...rest } = defaults;
  return rest;
}

// --- statistics -------------------------------------------------------------

/** Formats microseconds as `367 ms` or `1.9 ms`. */
export function formatMicroseconds(us: number): string {
  const ms = us / 1000;
  return ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/**
 * Summarizes one container's `--print-stats` figures in a line, e.g. "runtime 367 ms, freezing
 * time 101 ms, frozen 199 ms, memory dump 1.9 ms, 36 of 50 scanned pages written".
 */
export function statisticsSummary(statistics: ContainerStatistics): string {
  const criu = statistics.criu ?? {};
  const parts: string[] = [];
  if (statistics.runtimeDurationUs > 0) parts.push(`runtime ${formatMicroseconds(statistics.runtimeDurationUs)}`);
  if (criu.freezingTimeUs !== undefined) parts.push(`freezing time ${formatMicroseconds(criu.freezingTimeUs)}`);
  if (criu.frozenTimeUs !== undefined) parts.push(`frozen ${formatMicroseconds(criu.frozenTimeUs)}`);
  if (criu.memdumpTimeUs !== undefined) parts.push(`memory dump ${formatMicroseconds(criu.memdumpTimeUs)}`);
  if (criu.restoreTimeUs !== undefined) parts.push(`restore time ${formatMicroseconds(criu.restoreTimeUs)}`);
  if (criu.forkingTimeUs !== undefined) parts.push(`forking ${formatMicroseconds(criu.forkingTimeUs)}`);
  if (criu.pagesWritten !== undefined) {
    parts.push(criu.pagesScanned !== undefined ? `${criu.pagesWritten} of ${criu.pagesScanned} scanned pages written` : `${criu.pagesWritten} pages written`);
  }
  if (criu.pagesRestored !== undefined) parts.push(`${criu.pagesRestored} pages restored`);
  return parts.length > 0 ? parts.join(', ') : 'CRIU reported no statistics';
}

// --- failures ---------------------------------------------------------------

export type Operation = 'checkpoint' | 'restore';

/** The one notification shown after a failed checkpoint or restore. */
export interface FailureNotice {
  message: string;
  /** Present when the root cause's fix names a podman switch that the retry can add. */
  retry: { flag: string; option: RetryOption } | undefined;
}

/** Restore accepts only these of the retry switches; checkpoint accepts the others but not the static IP/MAC ones. */
const RESTORE_RETRY_OPTIONS = new Set<RetryOption>(['keep', 'tcpEstablished', 'fileLocks', 'ignoreStaticIp', 'ignoreStaticMac', 'ignoreRootfs', 'ignoreVolumes']);
const CHECKPOINT_RETRY_OPTIONS = new Set<RetryOption>(['keep', 'leaveRunning', 'tcpEstablished', 'fileLocks', 'ignoreRootfs', 'ignoreVolumes']);

/**
 * Picks the switch for "Retry with <flag>": the first fix of the root cause whose `podmanFlag`
 * the engine maps to an option, that this operation and podman version accept, and that the
 * failed attempt did not already use. `exporting` allows the archive-only switches.
 */
export function retryChoice(
  analysis: Analysis | undefined,
  operation: Operation,
  version: PodmanVersion,
  used: CheckpointOptions | RestoreOptions,
  exporting: boolean,
): FailureNotice['retry'] {
  const fixes = analysis?.rootCause?.explanation.fixes ?? [];
  const supported = new Set<string>(operation === 'checkpoint' ? supportedCheckpointOptions(version) : supportedRestoreOptions(version));
  const allowed = operation === 'checkpoint' ? CHECKPOINT_RETRY_OPTIONS : RESTORE_RETRY_OPTIONS;
  for (const fix of fixes) {
    if (!fix.podmanFlag) continue;
    const option = retryOptionForFlag(fix.podmanFlag);
    if (!option || !allowed.has(option) || !supported.has(option)) continue;
    if ((option === 'ignoreRootfs' || option === 'ignoreVolumes') && operation === 'checkpoint' && !exporting) continue;
    if ((used as Record<string, unknown>)[option] === true) continue;
    return { flag: fix.podmanFlag.replace(/=.*$/, ''), option };
  }
  return undefined;
}

/**
 * Builds the notification text: "Checkpoint of gap-map failed: <root cause title>". Without a
 * diagnosis it names the error that podman printed instead.
 */
export function failureMessage(operation: Operation, container: string, analysis: Analysis | undefined, errorSummary: string): string {
  const operationTitle = operation === 'checkpoint' ? 'Checkpoint' : 'Restore';
  if (analysis?.rootCause) return `${operationTitle} of ${container} failed: ${analysis.rootCause.title}`;
  if (analysis && analysis.outcome === 'failed') return `${operationTitle} of ${container} failed; the CRIU log names no known cause. ${errorSummary}`.trim();
  return `${operationTitle} of ${container} failed: ${errorSummary}`;
}
