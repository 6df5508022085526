/**
 * Checkpoint and restore orchestration that loses nothing. An export is written under a temporary
 * name in the target folder and gets its final name only after success. An existing file is kept
 * unless the caller allows overwriting, a failed restore keeps its archive, and two operations on
 * one container never run at once.
 */
import { randomBytes } from 'node:crypto';

import { CommandError, NotFoundError } from './errors';
import { diagnoseFailure, type FailureDiagnosis, type OperationKind } from './failure';
import { hostCommand, podmanCommand, type Host } from './hosts';
import { PodmanClient } from './podman';
import { checkpointArgs, InvalidOptionsError, restoreArgs, type CheckpointOptions, type PodmanVersion, type RestoreOptions, type RestoreSource } from './podmanArgs';
import type { ContainerDetails } from './podmanJson';
import { silentLogger, type CommandRunner, type EngineLogger } from './runner';
import { parseOperationStatistics, type OperationStatistics } from './stats';

export type RefusalCode = 'busy' | 'invalid-options' | 'not-running' | 'running' | 'file-exists' | 'file-missing' | 'name-in-use' | 'export-is-folder' | 'export-folder-missing';

/** The engine declined to start podman, because the request would fail or lose data. */
export class OperationRefusedError extends Error {
  override readonly name = 'OperationRefusedError';
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export type OperationResult =
  | {
      status: 'succeeded';
      /** inspect after the operation; undefined when that inspect failed. */
      container: ContainerDetails | undefined;
      /** Final path of the exported archive. */
      exportPath?: string;
      statistics?: OperationStatistics;
      /** podman's stderr, which contains warnings even on success. */
      stderr: string;
    }
  | { status: 'failed'; error: Error; diagnosis?: FailureDiagnosis }
  | { status: 'cancelled' };

interface RequestBase {
  host: Host;
  /** The host's podman version, which decides the flags that may be sent. */
  podmanVersion: PodmanVersion;
  signal?: AbortSignal;
}

export interface CheckpointRequest extends RequestBase {
  container: string;
  options?: CheckpointOptions;
  /** Replace an existing file at `options.export`. */
  overwrite?: boolean;
  /**
   * Inspect the container after a successful checkpoint and return it as `container`. Off by
   * default: it costs a second podman call, and a tree that follows podman's events refreshes anyway.
   */
  inspectAfter?: boolean;
}

export interface RestoreRequest extends RequestBase {
  source: RestoreSource;
  options?: RestoreOptions;
}

/** Container states from which podman can checkpoint. */
const CHECKPOINTABLE = new Set(['running', 'restored']);
/** Container states that a restore would collide with. */
const ALIVE = new Set(['running', 'restored', 'paused']);

/** Runs checkpoints and restores. Keep one instance for the extension, so its locks cover every caller. */
export class ContainerOperations {
  private readonly busy = new Set<string>();

  constructor(
    private readonly runner: CommandRunner,
    private readonly logger: EngineLogger = silentLogger,
  ) {}

  async checkpoint(request: CheckpointRequest): Promise<OperationResult> {
    const options = request.options ?? {};
    const finalPath = options.export || undefined;
    const temporaryPath = finalPath ? temporaryNameFor(finalPath) : undefined;
    let args: string[];
    try {
      // Check the options as the user gave them first, so that errors name their path, not the temporary one.
      checkpointArgs(request.container, options, request.podmanVersion);
      args = checkpointArgs(request.container, { ...options, export: temporaryPath }, request.podmanVersion);
    } catch (error) {
      return refused(error);
    }

    return this.withLock(request.host, [request.container], async () => {
      const podman = new PodmanClient(this.runner, request.host);
      const details = await podman.inspectContainer(request.container, { signal: request.signal });
      if (!CHECKPOINTABLE.has(details.state)) {
        throw new OperationRefusedError('not-running', `Container ${details.name} is ${details.state}; only a running container can be checkpointed.`);
      }
      // Lock the ID too, so a request by name and one by ID cannot run at once; a request by ID
      // already holds that lock.
      const idLock = details.id === request.container ? [] : [details.id];
      return this.withLock(request.host, idLock, async () => {
        if (finalPath) await this.checkExportTarget(request.host, finalPath, request.signal);
        if (finalPath && !request.overwrite && (await this.fileExists(request.host, finalPath, request.signal))) {
          throw new OperationRefusedError('file-exists', `${finalPath} exists on host ${request.host.name}. Choose another file name or allow overwriting.`);
        }
        return this.runCheckpoint(request, args, details, finalPath, temporaryPath);
      });
    });
  }

  private async runCheckpoint(request: CheckpointRequest, args: string[], details: ContainerDetails, finalPath?: string, temporaryPath?: string): Promise<OperationResult> {
    const { host, signal } = request;
    let stdout: string;
    let stderr: string;
    try {
      ({ stdout, stderr } = await this.runner.run(podmanCommand(host, args), { signal, logLevel: 'info' }));
    } catch (error) {
      if (temporaryPath) await this.removeQuietly(host, temporaryPath);
      return this.failure('checkpoint', host, error, details);
    }

    if (finalPath && temporaryPath) {
      await this.moveIntoPlace(host, temporaryPath, finalPath, request.overwrite === true, signal);
    }
    return {
      status: 'succeeded',
      container: request.inspectAfter ? await this.inspectAfter(host, details.id) : undefined,
      exportPath: finalPath,
      statistics: request.options?.printStats ? this.statisticsOf(stdout) : undefined,
      stderr,
    };
  }

  async restore(request: RestoreRequest): Promise<OperationResult> {
    const options = request.options ?? {};
    let args: string[];
    try {
      args = restoreArgs(request.source, options, request.podmanVersion);
    } catch (error) {
      return refused(error);
    }

    const source = request.source;
    const lockKeys: string[] = [];
    if ('container' in source) lockKeys.push(source.container);
    else if (options.name) lockKeys.push(options.name);
    return this.withLock(request.host, lockKeys, async () => {
      const podman = new PodmanClient(this.runner, request.host);
      let details: ContainerDetails | undefined;
      if ('container' in source) {
        details = await podman.inspectContainer(source.container, { signal: request.signal });
        if (ALIVE.has(details.state)) {
          throw new OperationRefusedError('running', `Container ${details.name} is ${details.state}; restoring it would replace a live container. Stop or checkpoint it first.`);
        }
      }
      if ('importPath' in source && !(await this.fileExists(request.host, source.importPath, request.signal))) {
        throw new OperationRefusedError('file-missing', `${source.importPath} does not exist on host ${request.host.name}.`);
      }
      if (options.name) await this.rejectExistingName(podman, options.name, request.signal);

      const lockId = details && !lockKeys.includes(details.id) ? [details.id] : [];
      return this.withLock(request.host, lockId, () => this.runRestore(request, args, details));
    });
  }

  private async runRestore(request: RestoreRequest, args: string[], details: ContainerDetails | undefined): Promise<OperationResult> {
    const { host, signal } = request;
    let stdout: string;
    let stderr: string;
    try {
      ({ stdout, stderr } = await this.runner.run(podmanCommand(host, args), { signal, logLevel: 'info' }));
    } catch (error) {
      // The archive of an import stays where it is: nothing here deletes or moves it.
      return this.failure('restore', host, error, details);
    }

    const statistics = request.options?.printStats ? this.statisticsOf(stdout) : undefined;
    const restoredId = details?.id ?? statistics?.containers[0]?.id ?? request.options?.name ?? lastLine(stdout);
    return { status: 'succeeded', container: restoredId ? await this.inspectAfter(host, restoredId) : undefined, statistics, stderr };
  }

  // --- helpers ---------------------------------------------------------------

  /**
   * Runs `action` while holding the locks of `keys` (container names or IDs) on the host. A key
   * already held makes the operation fail at once, because podman would serialize or reject the
   * second operation and its result would be confusing either way.
   */
  private async withLock(host: Host, keys: string[], action: () => Promise<OperationResult>): Promise<OperationResult> {
    const lockKeys = keys.map((key) => `${host.name}\0${key}`);
    const held = lockKeys.findIndex((key) => this.busy.has(key));
    if (held >= 0) {
      return refused(new OperationRefusedError('busy', `A checkpoint or restore of ${keys[held]} on host ${host.name} is already running. Wait for it to finish.`));
    }

    for (const key of lockKeys) this.busy.add(key);
    try {
      return await action();
    } catch (error) {
      if (error instanceof OperationRefusedError) return refused(error);
      if (error instanceof CommandError && error.kind === 'cancelled') return { status: 'cancelled' };
      return { status: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      for (const key of lockKeys) this.busy.delete(key);
    }
  }

  private async failure(operation: OperationKind, host: Host, error: unknown, details: ContainerDetails | undefined): Promise<OperationResult> {
    if (!(error instanceof CommandError)) throw error;
    if (error.kind === 'cancelled') return { status: 'cancelled' };
    if (error.kind !== 'criu-failure' && error.kind !== 'failed') return { status: 'failed', error };

    // No signal: the diagnosis is short and should finish even when the UI moved on.
    const diagnosis = await diagnoseFailure(this.runner, host, { operation, stderr: error.stderr, details });
    if (diagnosis.readError) this.logger.warn(`${operation} of ${details?.name ?? 'container'}: CRIU log ${diagnosis.logPath} not read: ${diagnosis.readError.message}`);
    return { status: 'failed', error, diagnosis };
  }

  private async rejectExistingName(podman: PodmanClient, name: string, signal?: AbortSignal): Promise<void> {
    try {
      const existing = await podman.inspectContainer(name, { signal });
      throw new OperationRefusedError('name-in-use', `A container named ${name} exists (${existing.state}). Choose another name or remove that container.`);
    } catch (error) {
      if (error instanceof NotFoundError && error.missing === 'container') return;
      throw error;
    }
  }

  private async fileExists(host: Host, path: string, signal?: AbortSignal): Promise<boolean> {
    return this.testPath(host, '-e', path, signal);
  }

  /** Run `test FLAG PATH` on the host: true for exit 0, false for exit 1, an error for anything else. */
  private async testPath(host: Host, flag: '-e' | '-d', path: string, signal?: AbortSignal): Promise<boolean> {
    try {
      // Debug level: a missing path is an expected result here, not a failure worth a warning.
      await this.runner.run(hostCommand(host, 'test', [flag, path]), { signal, logLevel: 'debug' });
      return true;
    } catch (error) {
      // test exits 1 for a missing file; anything else (sudo, ssh) is a real failure.
      if (error instanceof CommandError && error.exitCode === 1 && error.stderr.trim() === '') return false;
      throw error;
    }
  }

  /**
   * Refuse an export target that podman could not write. podman writes the archive only after CRIU
   * has dumped and stopped the container, so a target in a missing folder would lose the
   * container's state without leaving an archive.
   */
  private async checkExportTarget(host: Host, finalPath: string, signal?: AbortSignal): Promise<void> {
    const folder = finalPath.replace(/\/[^/]*$/, '') || '/';
    if (finalPath.endsWith('/') || (await this.testPath(host, '-d', finalPath, signal))) {
      throw new OperationRefusedError('export-is-folder', `${finalPath} is a folder on host ${host.name}. Give the archive's file name, e.g. ${finalPath.replace(/\/*$/, '')}/checkpoint.tar.zst.`);
    }
    if (!(await this.testPath(host, '-d', folder, signal))) {
      throw new OperationRefusedError('export-folder-missing', `The folder ${folder} does not exist on host ${host.name}, so podman could not write ${finalPath} after stopping the container. Create the folder or choose another one.`);
    }
  }

  /**
   * Gives the finished export its final name. Without overwrite, `ln` makes the final name a hard
   * link to the temporary file and fails if the name exists, so a file that appeared meanwhile is
   * never replaced. NOTE: hard links need a file system that supports them. On one that does not,
   * the export stays at its temporary name and the error message gives that name.
   */
  private async moveIntoPlace(host: Host, temporaryPath: string, finalPath: string, overwrite: boolean, signal?: AbortSignal): Promise<void> {
    const command = overwrite ? hostCommand(host, 'mv', ['-f', '--', temporaryPath, finalPath]) : hostCommand(host, 'ln', ['--', temporaryPath, finalPath]);
    try {
      await this.runner.run(command, { signal, logLevel: 'info' });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new OperationRefusedError('file-exists', `The checkpoint was exported to ${temporaryPath} but could not be named ${finalPath}: ${reason}. The export is kept at the temporary name.`);
    }
    if (!overwrite) await this.removeQuietly(host, temporaryPath);
  }

  private async removeQuietly(host: Host, path: string): Promise<void> {
    try {
      await this.runner.run(hostCommand(host, 'rm', ['-f', '--', path]), { logLevel: 'info' });
    } catch (error) {
      this.logger.warn(`Could not remove ${path} on host ${host.name}: ${(error as Error).message}`);
    }
  }

  private async inspectAfter(host: Host, container: string): Promise<ContainerDetails | undefined> {
    try {
      return await new PodmanClient(this.runner, host).inspectContainer(container);
    } catch (error) {
      this.logger.warn(`inspect of ${container} on host ${host.name} after the operation failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  private statisticsOf(stdout: string): OperationStatistics | undefined {
    try {
      return parseOperationStatistics(stdout);
    } catch (error) {
      this.logger.warn(`--print-stats output not parsed: ${(error as Error).message}`);
      return undefined;
    }
  }
}

function refused(error: unknown): OperationResult {
  if (error instanceof InvalidOptionsError) return { status: 'failed', error: new OperationRefusedError('invalid-options', error.message) };
  if (error instanceof OperationRefusedError) return { status: 'failed', error };
  throw error;
}

/** Returns a hidden sibling name of the target, so the final link or rename stays on one file system. */
export function temporaryNameFor(finalPath: string): string {
  const slash = finalPath.lastIndexOf('/');
  const directory = finalPath.slice(0, slash + 1);
  const base = finalPath.slice(slash + 1);
  return `${directory}.${base}.${randomBytes(6).toString('hex')}.partial`;
}

function lastLine(text: string): string | undefined {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  return lines.at(-1);
}
