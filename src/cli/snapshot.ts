/**
 * `checkpoint-lens snapshot`: collects a live snapshot of a container's processes (or of one local
 * process tree) into a version 1 snapshot JSON that `gaps --snapshot` reads. The same collection
 * backs `gaps --container` and `gaps --pid`.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { collectContainerSnapshot, CollectError, collectProcessSnapshot } from '../engine/collect';
import { CommandError } from '../engine/errors';
import { HostCommandError } from '../engine/hosts';
import { ProcessRunner } from '../engine/runner';
import { quoteCommandLine } from '../engine/shellQuote';
import type { Snapshot } from '../model/procfs/snapshot';
import type { Host } from '../engine/hosts';
import { HOST_OPTIONS, HOST_OPTIONS_HELP, HostOptionError, type HostOptionValues, resolveHost } from './hosts';
import { describeParseArgsError, isParseArgsError } from './parseArgsError';

export const SNAPSHOT_USAGE = `Usage: checkpoint-lens snapshot --container NAME [--host NAME | --host-prefix-json JSON] [-o FILE]
       checkpoint-lens snapshot --pid PID [--host NAME | --host-prefix-json JSON] [-o FILE]

Reads /proc of a running container's processes and writes them as one snapshot JSON for
"checkpoint-lens gaps --snapshot FILE": mountinfo, maps, fds with fdinfo, exe, cwd and root, the
real mount id of each file mapping (from /proc/PID/map_files, which needs root or
CAP_CHECKPOINT_RESTORE), the runtime side's mountinfo (conmon's) and the host's (/proc/1).

Options:
  --container NAME          name or ID of a running podman container
  --pid PID                 a process and its descendants instead of a container
${HOST_OPTIONS_HELP}
  -o, --output FILE         where to write the snapshot; "-" or no option writes to standard output.
                            The file is written under a temporary name in the same folder and
                            then renamed, so an existing FILE stays whole when writing fails
  -h, --help                show this help

Exit status: 0 when the snapshot was written, 2 for a usage error or a container or process
that cannot be read, 4 when the output cannot be written (nothing is printed for a closed pipe).
`;

/** A problem with the command line or with reading the container; the CLI prints it and exits with 2. */
export class LiveInputError extends Error {
  override name = 'LiveInputError';
}

/** A snapshot that was collected but could not be written to the `-o` file; the CLI exits with 4. */
export class OutputFileError extends Error {
  override name = 'OutputFileError';
}

/** The live-source options that `snapshot` and `gaps` share. */
export interface LiveSource extends HostOptionValues {
  container?: string;
  pid?: string;
}

export const LIVE_OPTIONS = {
  container: { type: 'string' },
  pid: { type: 'string' },
  ...HOST_OPTIONS,
} as const;

/**
 * Shows a command for an error message: words longer than 60 characters, such as the collect
 * script or a long prefix word, are cut, so the program and its arguments stay visible.
 */
export function describeCommand(command: readonly string[]): string {
  return quoteCommandLine(command.map((word) => (word.length > 60 || word.includes('\n') ? `${word.slice(0, 24).split('\n')[0]}…` : word)));
}

function hostHint(host: Host): string {
  return host.prefix.length === 0 ? '' : ` Check that ${host.name === 'command line' ? '--host-prefix-json' : `the prefix of host "${host.name}"`} runs commands on the intended host.`;
}

function parsePid(text: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(text)) throw new LiveInputError(`--pid must be a positive decimal process ID, got "${text}"`);
  return Number(text);
}

/** Reports whether the options name a live source. */
export function hasLiveSource(values: LiveSource): boolean {
  return values.container !== undefined || values.pid !== undefined;
}

/**
 * Collects the snapshot that `--container` or `--pid` names. Every failure to reach or read the
 * process becomes a LiveInputError whose message names what to check.
 */
export async function collectLive(values: LiveSource): Promise<{ snapshot: Snapshot; name: string }> {
  if (values.container !== undefined && values.pid !== undefined) throw new LiveInputError('give either --container or --pid, not both');
  if (values.container === '') throw new LiveInputError('--container needs a container name or ID');
  let host: Host;
  try {
    host = resolveHost(values);
  } catch (error) {
    if (error instanceof HostOptionError) throw new LiveInputError(error.message);
    throw error;
  }
  const runner = new ProcessRunner();
  try {
    if (values.container !== undefined) {
      return { snapshot: await collectContainerSnapshot(runner, host, values.container, { timeoutMs: 120_000 }), name: `container ${values.container}` };
    }
    const pid = parsePid(values.pid!);
    return { snapshot: await collectProcessSnapshot(runner, host, pid, { timeoutMs: 120_000, hostPid: 1 }), name: `pid ${pid}` };
  } catch (error) {
    if (error instanceof CollectError || error instanceof HostCommandError) throw new LiveInputError(error.message);
    if (error instanceof CommandError) throw new LiveInputError(`${error.message} (command: ${describeCommand(error.command)}).${hostHint(host)}`);
    throw error;
  }
}

/** Runs `snapshot` with the arguments after the command name; returns the exit status. */
export async function runSnapshot(args: string[], write: (text: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { ...LIVE_OPTIONS, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    if (isParseArgsError(error)) throw new LiveInputError(describeParseArgsError(error));
    throw error;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    write(SNAPSHOT_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new LiveInputError(`unexpected argument "${positionals[0]}"; name the container with --container NAME`);
  if (!hasLiveSource(values)) throw new LiveInputError('missing --container NAME or --pid PID');

  const { snapshot } = await collectLive(values);
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (values.output === undefined || values.output === '-') {
    write(text);
    return 0;
  }
  writeOutputFile(values.output, text);
  return 0;
}

/**
 * Writes `text` to a temporary file next to `path` and renames it over `path`, so that `path` is
 * either the old file or the whole new one. On failure the temporary file is removed and an
 * OutputFileError names the file.
 */
export function writeOutputFile(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx', 0o644);
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // The temporary file was never created, or was renamed already.
    }
    throw new OutputFileError(`cannot write the snapshot to ${path}: ${(error as Error).message}. ${path} was left as it was; give another file with -o, or "-o -" to print the snapshot.`);
  }
}
