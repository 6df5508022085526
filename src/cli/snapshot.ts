/**
 * `checkpoint-lens snapshot`: collects a live snapshot of a container's processes (or of one local
 * process tree) into a version 1 snapshot JSON that `gaps --snapshot` reads. The same collection
 * backs `gaps --container` and `gaps --pid`.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { collectContainerSnapshot, CollectError, collectProcessSnapshot } from '../engine/collect';
import { CommandError } from '../engine/errors';
import { HostCommandError } from '../engine/hosts';
import { ProcessRunner } from '../engine/runner';
import type { Snapshot } from '../model/procfs/snapshot';
import { HOST_OPTIONS, HOST_OPTIONS_HELP, HostOptionError, type HostOptionValues, resolveHost } from './hosts';

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
  -o, --output FILE         where to write the snapshot; "-" or no option writes to standard output
  -h, --help                show this help

Exit status: 0 when the snapshot was written, 2 for a usage error or a container or process
that cannot be read.
`;

/** A problem with the command line or with reading the container; the CLI prints it and exits with 2. */
export class LiveInputError extends Error {
  override name = 'LiveInputError';
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
  let host;
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
    if (error instanceof CommandError) throw new LiveInputError(`${error.message} (command: ${error.commandLine.slice(0, 200)})`);
    throw error;
  }
}

/** Runs `snapshot` with the arguments after the command name; returns the exit status. */
export async function runSnapshot(args: string[], write: (text: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...LIVE_OPTIONS, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
  });
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
  try {
    writeFileSync(values.output, text);
  } catch (error) {
    throw new LiveInputError(`cannot write ${values.output}: ${(error as Error).message}`);
  }
  return 0;
}
