// Small file queries on a host that the engine does not offer: whether a path exists, the size
// of an archive or checkpoint folder, and whether a host shares this machine's paths.
// No `vscode` import.
import { CommandError } from '../../engine/errors';
import { hostCommand, type Host } from '../../engine/hosts';
import type { CommandRunner } from '../../engine/runner';

/** Programs that run the next words on this machine, in its mount namespace, as another user. */
const SAME_FILE_SYSTEM_PREFIXES = new Set(['sudo', 'doas', 'run0']);

/**
 * Reports whether a path from this machine's file dialogs names the same file on the host: true
 * for an empty prefix and for `sudo`-like prefixes. ssh, nsenter, `podman --connection` and
 * anything unknown may see other files, so the caller asks for the host's path instead.
 */
export function sharesLocalFileSystem(host: Host): boolean {
  if (host.prefix.length === 0) return true;
  const program = host.prefix[0].slice(host.prefix[0].lastIndexOf('/') + 1);
  const rest = host.prefix.slice(1).map((word) => word.slice(word.lastIndexOf('/') + 1));
  return SAME_FILE_SYSTEM_PREFIXES.has(program) && !rest.some((word) => ['ssh', 'nsenter', 'chroot', 'unshare'].includes(word) || /^--(?:connection|url|remote)/.test(word));
}

/** Reports whether `path` exists on the host, with `test -e`; rejects when the host cannot run it. */
export async function hostFileExists(runner: CommandRunner, host: Host, path: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await runner.run(hostCommand(host, 'test', ['-e', path]), { signal, timeoutMs: 30_000 });
    return true;
  } catch (error) {
    // test exits 1 without output for a missing path; a failing sudo or ssh prints why.
    if (error instanceof CommandError && error.exitCode === 1 && error.stderr.trim() === '') return false;
    throw error;
  }
}

/**
 * Returns the size in bytes of a file or folder on the host (GNU coreutils `du -sb`), or
 * undefined when it cannot be measured, e.g. on a host reached by a remote podman connection.
 */
export async function hostPathSize(runner: CommandRunner, host: Host, path: string): Promise<number | undefined> {
  try {
    const { stdout } = await runner.run(hostCommand(host, 'du', ['-sb', '--', path]), { timeoutMs: 30_000 });
    const bytes = Number(/^(\d+)/.exec(stdout)?.[1]);
    return Number.isFinite(bytes) ? bytes : undefined;
  } catch {
    return undefined;
  }
}
