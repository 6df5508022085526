/**
 * "Show Mounts and Mappings for Process…": prompts for a PID (and a host when several are
 * configured) and collects the process's /proc through the host's command prefix into a
 * snapshot, which registerGaps opens in the Mounts and Mappings panel.
 */
import * as vscode from 'vscode';

import { collectProcessSnapshot, CollectError } from '../../engine/collect';
import { CancelledError, CommandError } from '../../engine/errors';
import { type Host, HostCommandError, hostCommand } from '../../engine/hosts';
import type { CommandRunner } from '../../engine/runner';
import { HOSTS_SETTING, readContainerSettings } from '../containers/containerSettings';

/** Argument of the process command when run from code or a test instead of the palette. */
export interface ProcessArgument {
  pid: number | string;
  /** Name of an entry of `checkpointLens.hosts`; the only host when left out and one is configured. */
  host?: string;
}

/** A collected process snapshot: its file, PID and host. */
export interface CollectedProcess {
  snapshot: vscode.Uri;
  pid: number;
  host: Host;
}

/** Timeout in milliseconds of each command that reads /proc: a guess with room for processes with many children. */
const COLLECT_TIMEOUT_MS = 120_000;
/** Timeout in milliseconds of the check that the process exists and can be read. */
const CHECK_TIMEOUT_MS = 30_000;

/**
 * Exit status 3 when /proc/PID does not exist, 4 when its maps cannot be read (another user's
 * process without root). The PID is positional parameter $1, never spliced into the script.
 */
const CHECK_SCRIPT = '[ -d "/proc/$1" ] || exit 3; cat "/proc/$1/maps" >/dev/null 2>&1 || exit 4';

/** A positive decimal of at most ten digits, as the CLI's --pid accepts; Linux PIDs stay below 2^22 on 64-bit. */
const PID_PATTERN = /^[1-9][0-9]{0,9}$/;

/** Returns a message that explains why `text` is not a PID, or undefined when it is one. */
export function pidProblem(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return 'Enter the process ID, a positive whole number such as 4242.';
  if (!PID_PATTERN.test(value)) return `"${value.slice(0, 40)}" is not a process ID: enter a positive whole number such as 4242.`;
  return undefined;
}

/** The failure of one collection, with the message to show. */
export class ProcessGapsError extends Error {
  override name = 'ProcessGapsError';
}

async function pickHost(hosts: Host[], name: string | undefined): Promise<Host | undefined> {
  if (hosts.length === 0) {
    throw new ProcessGapsError(`No host is configured: ${HOSTS_SETTING} is an empty list. Add a host such as { "name": "local", "prefix": [] } to read a process's /proc.`);
  }
  if (name !== undefined) {
    const host = hosts.find((candidate) => candidate.name === name);
    if (!host) throw new ProcessGapsError(`Host "${name}" is not in ${HOSTS_SETTING}; configured hosts: ${hosts.map((candidate) => candidate.name).join(', ')}.`);
    return host;
  }
  if (hosts.length === 1) return hosts[0];
  const picked = await vscode.window.showQuickPick(
    hosts.map((host) => ({ label: host.name, description: host.prefix.join(' ') || 'this machine', host })),
    { placeHolder: 'Host of the process', title: 'Show Mounts and Mappings for Process' },
  );
  return picked?.host;
}

async function askPid(given: number | string | undefined): Promise<number | undefined> {
  if (given !== undefined) {
    const problem = pidProblem(String(given));
    if (problem) throw new ProcessGapsError(problem);
    return Number(String(given).trim());
  }
  const text = await vscode.window.showInputBox({
    title: 'Show Mounts and Mappings for Process',
    prompt: 'Process ID on the host. The process and its descendants are read.',
    placeHolder: 'e.g. 4242',
    validateInput: (value) => pidProblem(value),
  });
  return text === undefined ? undefined : Number(text.trim());
}

/** Rejects with a ProcessGapsError naming the next step when the process is missing or unreadable. */
async function checkProcess(runner: CommandRunner, host: Host, pid: number, signal: AbortSignal): Promise<void> {
  try {
    await runner.run(hostCommand(host, 'sh', ['-c', CHECK_SCRIPT, 'sh', String(pid)]), { signal, timeoutMs: CHECK_TIMEOUT_MS });
  } catch (error) {
    if (!(error instanceof CommandError) || error instanceof CancelledError) throw error;
    if (error.exitCode === 3) {
      throw new ProcessGapsError(`No process ${pid} runs on host "${host.name}". Check the PID with \`ps -p ${pid}\` there; a process in a container has another PID on the host than inside it (see \`podman inspect --format '{{.State.Pid}}' NAME\`).`);
    }
    if (error.exitCode === 4) {
      const next = host.prefix.length === 0 ? `Add a host with the prefix ["sudo", "-n"] to ${HOSTS_SETTING} and pick it.` : `Use a host whose prefix runs as root or as the process's owner.`;
      throw new ProcessGapsError(`/proc/${pid}/maps on host "${host.name}" cannot be read: the process belongs to another user. ${next}`);
    }
    throw new ProcessGapsError(`Checking /proc/${pid} on host "${host.name}" failed: ${error.message}${error.hint ? ` ${error.hint}` : ''}`);
  }
}

/**
 * Asks for the host and PID that `argument` leaves out, collects the snapshot and writes it under
 * `storageUri`. Returns undefined when the user cancels; throws ProcessGapsError on failure.
 */
export async function collectProcess(runner: CommandRunner, storageUri: vscode.Uri, log: vscode.LogOutputChannel, argument?: ProcessArgument): Promise<CollectedProcess | undefined> {
  const host = await pickHost(readContainerSettings().hosts, argument?.host);
  if (!host) return undefined;
  const pid = await askPid(argument?.pid);
  if (pid === undefined) return undefined;

  const title = `Reading /proc/${pid} on ${host.name}`;
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        await checkProcess(runner, host, pid, abort.signal);
        const snapshot = await collectProcessSnapshot(runner, host, pid, {
          signal: abort.signal,
          timeoutMs: COLLECT_TIMEOUT_MS,
          hostPid: 1,
          meta: { description: `collected by checkpoint-lens from process ${pid} on host ${host.name}` },
        });
        const folder = vscode.Uri.joinPath(storageUri, 'live', encodeURIComponent(host.name), `pid-${pid}`);
        await vscode.workspace.fs.createDirectory(folder);
        const file = vscode.Uri.joinPath(folder, 'snapshot.json');
        await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(snapshot, null, 2)));
        log.info(`Collected /proc/${pid} on host ${host.name} into ${file.fsPath}`);
        return { snapshot: file, pid, host };
      } finally {
        subscription.dispose();
      }
    });
  } catch (error) {
    if (error instanceof CancelledError) {
      log.info(`${title}: cancelled`);
      return undefined;
    }
    if (error instanceof ProcessGapsError) throw error;
    if (error instanceof CollectError || error instanceof HostCommandError) throw new ProcessGapsError(`Reading /proc/${pid} on host "${host.name}" failed: ${error.message}`);
    if (error instanceof CommandError) throw new ProcessGapsError(`Reading /proc/${pid} on host "${host.name}" failed: ${error.message}${error.hint ? ` ${error.hint}` : ''} (command: ${error.commandLine.slice(0, 200)})`);
    throw error;
  }
}
