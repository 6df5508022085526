import { analyzeText } from '../model/analyze';
import { quoteCommandLine } from './shellQuote';

/** Failure class of a command, coarse enough for the UI to pick a message and a fix action. */
export type CommandErrorKind =
  | 'not-found'
  | 'permission'
  | 'runtime-refusal'
  | 'criu-failure'
  | 'cancelled'
  | 'timed-out'
  | 'failed';

export interface CommandErrorDetails {
  command: readonly string[];
  exitCode?: number;
  stderr?: string;
  stdout?: string;
  /** Advice for the user: what to change so the command can succeed. */
  hint?: string;
}

/** A command that did not succeed. `commandLine` is the exact argument vector, quoted for display. */
export class CommandError extends Error {
  override readonly name: string = 'CommandError';
  readonly kind: CommandErrorKind = 'failed';
  readonly command: readonly string[];
  readonly commandLine: string;
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly stdout: string;
  readonly hint: string | undefined;

  constructor(message: string, details: CommandErrorDetails) {
    super(message);
    this.command = details.command;
    this.commandLine = quoteCommandLine(details.command);
    this.exitCode = details.exitCode;
    this.stderr = details.stderr ?? '';
    this.stdout = details.stdout ?? '';
    this.hint = details.hint;
  }
}

/** The program is missing on the host (ENOENT, exit status 127), or podman has no such container. */
export class NotFoundError extends CommandError {
  override readonly name = 'NotFoundError';
  override readonly kind = 'not-found';
  constructor(
    message: string,
    details: CommandErrorDetails,
    readonly missing: 'program' | 'container',
  ) {
    super(message, details);
  }
}

export type PermissionReason = 'rootless' | 'sudo-password' | 'access-denied';

/** The command lacks privileges: rootless podman, sudo asking for a password, or EACCES. */
export class PermissionError extends CommandError {
  override readonly name = 'PermissionError';
  override readonly kind = 'permission';
  constructor(
    message: string,
    details: CommandErrorDetails,
    readonly reason: PermissionReason,
  ) {
    super(message, details);
  }
}

export type RefusalReason =
  | 'runtime-without-criu'
  | 'criu-library-missing'
  | 'criu-too-old'
  | 'autoremove-without-export'
  | 'state-improper'
  | 'no-checkpoint-found'
  | 'id-in-use';

/** podman or the OCI runtime refused before CRIU ran, so there is no CRIU log to read. */
export class RuntimeRefusalError extends CommandError {
  override readonly name = 'RuntimeRefusalError';
  override readonly kind = 'runtime-refusal';
  constructor(
    message: string,
    details: CommandErrorDetails,
    readonly reason: RefusalReason,
  ) {
    super(message, details);
  }
}

/** CRIU ran and failed. `logPath` is the dump.log or restore.log that the runtime named, if it did. */
export class CriuFailureError extends CommandError {
  override readonly name = 'CriuFailureError';
  override readonly kind = 'criu-failure';
  constructor(
    message: string,
    details: CommandErrorDetails,
    readonly logPath: string | undefined,
    readonly runtime: 'crun' | 'runc' | undefined,
  ) {
    super(message, details);
  }
}

/** The caller aborted the command; the runner killed its process group. Not to be shown as an error. */
export class CancelledError extends CommandError {
  override readonly name = 'CancelledError';
  override readonly kind = 'cancelled';
}

/** The command ran past its time limit; the runner killed its process group. */
export class TimedOutError extends CommandError {
  override readonly name = 'TimedOutError';
  override readonly kind = 'timed-out';
}

/** Any other failure: a non-zero exit status without a recognized message. */
export class CommandFailedError extends CommandError {
  override readonly name = 'CommandFailedError';
  override readonly kind = 'failed';
}

/** Exit status, output and spawn error of a finished command that did not succeed. */
export interface FailedRun {
  command: readonly string[];
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** Node's error code when the process could not be spawned, e.g. `ENOENT` or `EACCES`. */
  spawnErrorCode?: string;
  cancelled?: boolean;
  timedOutAfterMs?: number;
}

const ROOTLESS = /(?:checkpointing|restoring) a container requires root/;
const SUDO_PASSWORD = /^sudo: (?:a password is required|a terminal is required|\d+ incorrect password attempt)/m;
const NO_SUCH_CONTAINER = /no container with (?:name or )?ID "?([^"\s]*)"? found|no such container/;
const ACCESS_DENIED = /Permission denied|Operation not permitted/;

/** podman and runtime messages that refuse before CRIU runs; checked in order, first match wins. */
const REFUSALS: Array<{ pattern: RegExp; reason: RefusalReason; hint: string }> = [
  {
    pattern: /configured runtime does not support checkpoint\/restore/,
    reason: 'runtime-without-criu',
    hint: 'Use an OCI runtime with CRIU support: runc, or a crun whose `crun --version` lists +CRIU. Containers keep the runtime they were created with, so create the container again with --runtime runc.',
  },
  {
    pattern: /could not load `?libcriu\.so/,
    reason: 'criu-library-missing',
    hint: 'crun was built with CRIU support but cannot load libcriu.so.2: install libcriu2 (criu-libs on Fedora).',
  },
  {
    pattern: /requires at least CRIU \d+/,
    reason: 'criu-too-old',
    hint: 'Install a newer CRIU; podman needs at least CRIU 3.11.',
  },
  {
    pattern: /cannot checkpoint containers that have been started with '--rm' unless '--export' is used/,
    reason: 'autoremove-without-export',
    hint: 'Checkpoint with --export=<file>, because podman removes a --rm container when it stops.',
  },
  {
    pattern: /container state improper/,
    reason: 'state-improper',
    hint: 'Checkpoint needs a running container and restore needs a checkpointed one; refresh the container list and check its state.',
  },
  {
    pattern: /a complete checkpoint for this container cannot be found/,
    reason: 'no-checkpoint-found',
    hint: 'The container has no checkpoint on disk: restore from an exported archive with --import, or checkpoint it first.',
  },
  {
    pattern: /that ID is already in use/,
    reason: 'id-in-use',
    hint: 'A container with the archive\'s ID exists: remove it, or restore with --name <new name> to get a new ID.',
  },
];

/** crun: `CRIU checkpointing failed -52.` / `CRIU restoring failed`; runc: `criu failed: type DUMP errno 0`. */
const CRIU_FAILED = /CRIU (?:checkpointing|restoring|pre-dumping) failed|criu failed: type \w+/;

/**
 * Returns the line of stderr that states the failure: podman's last `Error:` line, else the last
 * non-empty line. podman prints warnings on stderr too, so the first line is often not it.
 */
export function summarizeStderr(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const errorLines = lines.filter((line) => line.startsWith('Error: '));
  const chosen = errorLines.at(-1) ?? lines.at(-1) ?? '';
  return chosen.replace(/^Error: /, '');
}

/**
 * Turns a failed run into the most specific error type its exit status and stderr support.
 * Order matters: a cancellation explains any exit status, and a missing program or container
 * explains any later message.
 */
export function classifyFailure(run: FailedRun): CommandError {
  const stderr = run.stderr ?? '';
  const details: CommandErrorDetails = { command: run.command, exitCode: run.exitCode, stderr, stdout: run.stdout };
  const program = run.command[0] ?? '';
  const summary = summarizeStderr(stderr);

  if (run.cancelled) return new CancelledError(`Cancelled: ${quoteCommandLine(run.command)}`, details);
  if (run.timedOutAfterMs !== undefined) {
    return new TimedOutError(`Timed out after ${run.timedOutAfterMs} ms: ${quoteCommandLine(run.command)}`, {
      ...details,
      hint: 'Check that the host responds, for example that ssh or sudo is not waiting for input.',
    });
  }

  if (run.spawnErrorCode === 'ENOENT') {
    return new NotFoundError(`Program not found: ${program}`, { ...details, hint: `Install ${program} or fix the host's command prefix.` }, 'program');
  }
  if (run.spawnErrorCode === 'EACCES') {
    return new PermissionError(`Permission denied running ${program}`, { ...details, hint: `Make ${program} executable for this user.` }, 'access-denied');
  }
  if (run.spawnErrorCode !== undefined) {
    return new CommandFailedError(`Could not start ${program}: ${run.spawnErrorCode}`, details);
  }

  if (NO_SUCH_CONTAINER.test(stderr)) {
    return new NotFoundError(summary || 'No such container', { ...details, hint: 'Check the name with `podman ps --all` on that host; the container may have been removed.' }, 'container');
  }
  if (ROOTLESS.test(stderr)) {
    return new PermissionError(summary, {
      ...details,
      hint: 'Rootless podman cannot checkpoint or restore. Run podman as root, for example through a host whose prefix is ["sudo", "-n"].',
    }, 'rootless');
  }
  if (SUDO_PASSWORD.test(stderr)) {
    return new PermissionError(summary, {
      ...details,
      hint: 'sudo -n needs a rule that allows the command without a password (NOPASSWD in sudoers), because the extension cannot type one.',
    }, 'sudo-password');
  }

  for (const refusal of REFUSALS) {
    if (refusal.pattern.test(stderr)) return new RuntimeRefusalError(summary, { ...details, hint: refusal.hint }, refusal.reason);
  }

  if (CRIU_FAILED.test(stderr)) {
    const facts = analyzeText(stderr).facts;
    const runtime = facts.runtime === 'crun' || facts.runtime === 'runc' ? facts.runtime : undefined;
    const hint = facts.referencedLog ? `CRIU wrote the reason to ${facts.referencedLog}.` : undefined;
    return new CriuFailureError(summary, { ...details, hint }, facts.referencedLog, runtime);
  }

  if (run.exitCode === 127) {
    return new NotFoundError(summary || `Program not found: ${program}`, { ...details, hint: 'Install the program on the host or fix the host\'s command prefix.' }, 'program');
  }
  if (ACCESS_DENIED.test(summary)) {
    return new PermissionError(summary, { ...details, hint: 'Run the command as a user that may access this resource, for example through a sudo -n prefix.' }, 'access-denied');
  }

  const status = run.exitCode === undefined ? 'without an exit status' : `with exit status ${run.exitCode}`;
  return new CommandFailedError(summary || `${program} failed ${status}`, details);
}
