/**
 * Checkpoint and restore capabilities of a host: pure parsers of version output, a pure
 * assessment that turns facts into findings with fixes, and `probeHost`, which gathers the facts.
 */
import { CommandError, NotFoundError, PermissionError } from './errors';
import { canRunPrograms, hostCommand, type Host } from './hosts';
import { PodmanClient } from './podman';
import { parsePodmanVersion, type PodmanVersion } from './podmanArgs';
import type { HostInfo } from './podmanJson';
import type { CommandRunner } from './runner';

// --- parsers ----------------------------------------------------------------

export interface OciRuntimeVersion {
  name: string;
  /** e.g. `1.21` for crun, `1.1.15+ds1` for runc. */
  version: string | undefined;
  /** crun's build features without the `+`, e.g. `CRIU`, `WASM:wasmedge`, `SYSTEMD`. Empty for runc. */
  features: string[];
  /**
   * Whether the runtime can checkpoint: crun only when built with `+CRIU`, runc always (it runs
   * the criu binary). Undefined for other runtimes.
   */
  supportsCheckpoint: boolean | undefined;
  /** WebAssembly handlers crun was built with, from `+WASM:<handler>`. */
  wasmHandlers: string[];
}

/** Parses `crun --version` or `runc --version` output; `name` is the runtime's name from podman info. */
export function parseOciRuntimeVersion(name: string, text: string): OciRuntimeVersion {
  const version = /^\S+ version (\S+)/m.exec(text)?.[1];
  const featureLine = text.split('\n').find((line) => /^\+[A-Z]/.test(line.trim()));
  const features = featureLine ? featureLine.trim().split(/\s+/).map((word) => word.replace(/^\+/, '')) : [];
  const wasmHandlers = features.filter((feature) => feature.startsWith('WASM:')).map((feature) => feature.slice('WASM:'.length));

  let supportsCheckpoint: boolean | undefined;
  if (name === 'crun') supportsCheckpoint = features.includes('CRIU');
  else if (name === 'runc') supportsCheckpoint = true;
  return { name, version, features, supportsCheckpoint, wasmHandlers };
}

/** Parses `criu --version` (`Version: 4.1.1`, sometimes followed by a `GitID:` line). */
export function parseCriuVersion(text: string): string | undefined {
  return /^Version:\s*(\S+)/m.exec(text)?.[1];
}

/** Converts a CRIU version to podman's integer form major * 10000 + minor * 100 + patch: `4.1.1` is 40101, `3.11` is 31100. */
export function criuVersionNumber(version: string): number | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) return undefined;
  return Number(match[1]) * 10_000 + Number(match[2]) * 100 + Number(match[3] ?? 0);
}

export interface CriuCheck {
  /** True when CRIU printed `Looks good.` and no `Error (` line. */
  ok: boolean;
  errors: string[];
  warnings: string[];
}

/** Parses the combined stdout and stderr of `criu check`. */
export function parseCriuCheck(output: string): CriuCheck {
  const lines = output.split('\n').map((line) => line.trim());
  const errors = lines.filter((line) => line.startsWith('Error'));
  const warnings = lines.filter((line) => line.startsWith('Warn'));
  const ok = errors.length === 0 && lines.some((line) => line.startsWith('Looks good'));
  return { ok, errors, warnings };
}

// --- assessment -------------------------------------------------------------

/** `blocking`: no checkpoint can work; `warning`: some can fail; `info`: worth knowing. */
export type FindingSeverity = 'blocking' | 'warning' | 'info';

export interface CapabilityFinding {
  /** Stable identifier, e.g. `rootless` or `criu-missing`. */
  code: string;
  severity: FindingSeverity;
  message: string;
  /** How to fix it, when there is a fix. */
  fix?: string;
}

/** Facts a probe gathers. Any of them can be missing when the command that reports it failed. */
export interface HostFacts {
  podmanVersion?: PodmanVersion;
  info?: HostInfo;
  runtime?: OciRuntimeVersion;
  criuVersion?: string;
  criuCheck?: CriuCheck;
  /** Failures of the probe's commands, already turned into findings by `probeHost`. */
  problems?: CapabilityFinding[];
}

/** podman refuses checkpoint and restore below CRIU 3.11 (`MinCriuVersion` 31100 in podman 4.3 and 5.4). */
export const MIN_CRIU_VERSION = 31100;

/** Turns probe facts into findings, most severe first. Pure. */
export function assessCapabilities(facts: HostFacts): CapabilityFinding[] {
  const findings: CapabilityFinding[] = [...(facts.problems ?? [])];
  const { info, runtime } = facts;

  if (info?.rootless) {
    findings.push({
      code: 'rootless',
      severity: 'blocking',
      message: 'podman runs rootless on this host, and rootless podman cannot checkpoint or restore containers ("checkpointing a container requires root").',
      fix: 'Run podman as root: add a host whose prefix is ["sudo", "-n"], with a sudoers rule that allows podman without a password, or connect to a rootful podman service.',
    });
  }

  if (runtime?.supportsCheckpoint === false) {
    findings.push({
      code: 'runtime-without-criu',
      severity: 'warning',
      message: `The default OCI runtime ${runtime.name} ${runtime.version ?? ''} was built without CRIU support (no +CRIU in its --version output), so containers that use it cannot be checkpointed.`.replace('  ', ' '),
      fix: 'Create containers with --runtime runc, or install a crun built with +CRIU together with libcriu2 (criu-libs on Fedora).',
    });
  }

  const criuNumber = facts.criuVersion ? criuVersionNumber(facts.criuVersion) : undefined;
  if (criuNumber !== undefined && criuNumber < MIN_CRIU_VERSION) {
    findings.push({
      code: 'criu-too-old',
      severity: 'blocking',
      message: `CRIU ${facts.criuVersion} is installed, but podman needs CRIU 3.11 or later.`,
      fix: 'Install a newer CRIU from the distribution or from criu.org.',
    });
  }

  if (facts.criuCheck && !facts.criuCheck.ok) {
    const vdso = facts.criuCheck.errors.some((line) => /vdso/i.test(line));
    const oldForVdso = vdso && criuNumber !== undefined && criuNumber < 40100;
    // CRIU runs the kernel feature detection (kerndat) before every dump and restore, so when that
    // fails in `criu check`, no checkpoint can work; other failed checks affect only some containers.
    const kerndatFailed = vdso || facts.criuCheck.errors.some((line) => /kernel features detection|kerndat/i.test(line));
    findings.push({
      code: 'criu-check-failed',
      severity: kerndatFailed ? 'blocking' : 'warning',
      message: `criu check failed: ${facts.criuCheck.errors.slice(0, 3).join(' / ') || 'no "Looks good." in its output'}`,
      fix: oldForVdso
        ? 'CRIU before 4.1 does not know the [vvar_vclock] vDSO mapping of recent kernels: install CRIU 4.1 or later.'
        : 'Run `criu check --all` on the host as root and fix the kernel features it reports.',
    });
  }

  if (info?.cgroupVersion === 'v1') {
    findings.push({
      code: 'cgroup-v1',
      severity: 'info',
      message: 'The host uses cgroup v1, which podman 5 deprecates.',
    });
  }

  const order: Record<FindingSeverity, number> = { blocking: 0, warning: 1, info: 2 };
  return findings.sort((left, right) => order[left.severity] - order[right.severity]);
}

// --- probe ------------------------------------------------------------------

export interface HostCapabilities extends HostFacts {
  host: Host;
  findings: CapabilityFinding[];
  /** False when a blocking finding rules out every checkpoint on this host. */
  canCheckpoint: boolean;
}

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Time limit of each command of the probe. */
  timeoutMs?: number;
}

function findingForFailure(code: string, what: string, error: unknown): CapabilityFinding {
  if (error instanceof NotFoundError && error.missing === 'program') {
    return { code: `${code}-missing`, severity: 'blocking', message: `${what} is not installed on the host: ${error.message}`, fix: error.hint };
  }
  if (error instanceof PermissionError) {
    return { code: `${code}-permission`, severity: 'blocking', message: `${what} failed for lack of permission: ${error.message}`, fix: error.hint };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: `${code}-failed`, severity: 'blocking', message: `${what} failed: ${message}`, fix: error instanceof CommandError ? error.hint : undefined };
}

/**
 * Gathers podman's version and info, the default runtime's features, CRIU's version and
 * `criu check` on one host, and assesses them. Command failures become findings; only a
 * cancellation rejects (with CancelledError).
 */
export async function probeHost(runner: CommandRunner, host: Host, options: ProbeOptions = {}): Promise<HostCapabilities> {
  const podman = new PodmanClient(runner, host);
  const facts: HostFacts = { problems: [] };
  const rethrowCancel = (error: unknown): void => {
    if (error instanceof CommandError && error.kind === 'cancelled') throw error;
  };

  const [version, info] = await Promise.allSettled([podman.version(options), podman.info(options)]);
  for (const settled of [version, info]) {
    if (settled.status === 'rejected') rethrowCancel(settled.reason);
  }
  if (version.status === 'fulfilled') {
    facts.podmanVersion = parsePodmanVersion(version.value.server?.version ?? version.value.client.version);
  }
  if (info.status === 'fulfilled') {
    facts.info = info.value;
    facts.podmanVersion ??= parsePodmanVersion(info.value.podmanVersion);
  } else {
    facts.problems!.push(findingForFailure('podman', 'podman info', info.reason));
    return finish(host, facts);
  }

  // podman info already carries the runtime's whole `--version` output, so the runtime binary
  // needs to run only when that field is empty.
  const runtimeInfo = facts.info.ociRuntime;
  let runtimeVersionText = runtimeInfo.version;
  if (runtimeVersionText === '' && canRunPrograms(host)) {
    try {
      runtimeVersionText = (await runner.run(hostCommand(host, runtimeInfo.path || runtimeInfo.name, ['--version']), options)).stdout;
    } catch (error) {
      rethrowCancel(error);
      facts.problems!.push({ ...findingForFailure('runtime', `${runtimeInfo.name} --version`, error), severity: 'warning' });
    }
  }
  facts.runtime = parseOciRuntimeVersion(runtimeInfo.name, runtimeVersionText);

  if (!canRunPrograms(host)) {
    facts.problems!.push({
      code: 'criu-unknown',
      severity: 'info',
      message: 'The CRIU version cannot be checked because this host reaches podman through a remote connection only.',
    });
    return finish(host, facts);
  }

  try {
    facts.criuVersion = parseCriuVersion((await runner.run(hostCommand(host, 'criu', ['--version']), options)).stdout);
  } catch (error) {
    rethrowCancel(error);
    facts.problems!.push(findingForFailure('criu', 'criu --version', error));
    return finish(host, facts);
  }

  try {
    const result = await runner.run(hostCommand(host, 'criu', ['check']), options);
    facts.criuCheck = parseCriuCheck(`${result.stdout}\n${result.stderr}`);
  } catch (error) {
    rethrowCancel(error);
    if (error instanceof CommandError && error.exitCode !== undefined) {
      facts.criuCheck = parseCriuCheck(`${error.stdout}\n${error.stderr}`);
    } else {
      facts.problems!.push({ ...findingForFailure('criu-check', 'criu check', error), severity: 'warning' });
    }
  }
  return finish(host, facts);
}

function finish(host: Host, facts: HostFacts): HostCapabilities {
  const findings = assessCapabilities(facts);
  return { ...facts, host, findings, canCheckpoint: !findings.some((finding) => finding.severity === 'blocking') };
}
