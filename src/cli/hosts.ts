/**
 * The host options of `gaps`, `snapshot` and `preflight`: `--host NAME` looks NAME up in a hosts
 * file with the shape of the extension's `checkpointLens.hosts` setting, and `--host-prefix-json`
 * gives the prefix itself.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

import { type Host, LOCAL_HOST, parseHostSettings } from '../engine/hosts';

/** Environment variable naming the hosts file when `--hosts-file` is not given. */
export const HOSTS_FILE_ENV = 'CHECKPOINT_LENS_HOSTS_FILE';

/** Help text of the host options, shared by the usage texts of the commands. */
export const HOST_OPTIONS_HELP = `  --host NAME               run the commands on host NAME of the hosts file, a JSON list of
                            {"name": ..., "prefix": [...]}; "local" (this machine, the default)
                            exists unless the file defines its own
  --hosts-file FILE         the hosts file; default $${HOSTS_FILE_ENV}, else
                            $XDG_CONFIG_HOME/checkpoint-lens/hosts.json (~/.config when unset)
  --host-prefix-json JSON   instead of --host, the words run before every command, as a JSON
                            array, e.g. '["sudo","-n"]' or '["ssh","build-host"]'`;

/** The parseArgs options that select the host. */
export const HOST_OPTIONS = {
  host: { type: 'string' },
  'hosts-file': { type: 'string' },
  'host-prefix-json': { type: 'string' },
} as const;

/** The values of HOST_OPTIONS after parsing. */
export interface HostOptionValues {
  host?: string;
  'hosts-file'?: string;
  'host-prefix-json'?: string;
}

/** An invalid host option or hosts file; the message names the value and the fix. */
export class HostOptionError extends Error {
  override name = 'HostOptionError';
}

/** Location of the hosts file, and the option or variable that chose it. */
export interface HostsFileLocation {
  path: string;
  source: '--hosts-file' | typeof HOSTS_FILE_ENV | 'default';
}

/** Environment variables that locate the hosts file; process.env in the CLI. */
export type HostsEnvironment = Partial<Record<'HOME' | 'XDG_CONFIG_HOME' | typeof HOSTS_FILE_ENV, string>>;

/** Finds the hosts file: `--hosts-file`, else $CHECKPOINT_LENS_HOSTS_FILE, else the XDG config folder. */
export function locateHostsFile(option: string | undefined, env: HostsEnvironment): HostsFileLocation {
  if (option !== undefined) {
    if (option === '') throw new HostOptionError('--hosts-file needs a file name');
    return { path: option, source: '--hosts-file' };
  }
  const fromEnvironment = env[HOSTS_FILE_ENV];
  if (fromEnvironment) return { path: fromEnvironment, source: HOSTS_FILE_ENV };

  // The XDG Base Directory specification ignores an empty or relative XDG_CONFIG_HOME.
  const xdgConfigHome = env.XDG_CONFIG_HOME;
  const configHome = xdgConfigHome && isAbsolute(xdgConfigHome) ? xdgConfigHome : join(env.HOME || homedir(), '.config');
  return { path: join(configHome, 'checkpoint-lens', 'hosts.json'), source: 'default' };
}

function describeLocation(location: HostsFileLocation): string {
  if (location.source === 'default') return location.path;
  return `${location.path} (from ${location.source === '--hosts-file' ? '--hosts-file' : `$${HOSTS_FILE_ENV}`})`;
}

/** Adds line and column to a JSON.parse message that gives only the offset, as Node 20 does. */
function describeJsonError(message: string, text: string): string {
  const match = /at position (\d+)/.exec(message);
  if (!match || /\(line \d+/.test(message)) return message;
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line} column ${column})`;
}

const READ_ERRORS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a directory' };

const EXAMPLE_FILE = '[{"name": "build-1", "prefix": ["ssh", "build-1"]}]';

/**
 * Reads and validates a hosts file with the checks of the `checkpointLens.hosts` setting. A
 * missing default file means that only "local" exists. A missing file named by option or
 * variable, invalid JSON and any invalid entry are errors, so a typo never selects another host.
 */
export function readHostsFile(location: HostsFileLocation): { hosts: Host[]; exists: boolean } {
  let text: string;
  try {
    text = readFileSync(location.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && location.source === 'default') return { hosts: [LOCAL_HOST], exists: false };
    const reason = (code && READ_ERRORS[code]) ?? (error as Error).message;
    throw new HostOptionError(`cannot read the hosts file ${describeLocation(location)}: ${reason}. Correct the path, or create the file with a list such as ${EXAMPLE_FILE}.`);
  }

  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new HostOptionError(`the hosts file ${describeLocation(location)} is not valid JSON: ${describeJsonError((error as Error).message, text)}. Expected a list such as ${EXAMPLE_FILE}.`);
  }

  // parseHostSettings reads null as "no setting", which a file cannot mean.
  const { hosts, problems } = value === null ? { hosts: [], problems: [`$: expected a list of {"name": ..., "prefix": [...]} objects, got null.`] } : parseHostSettings(value, '$');
  if (problems.length > 0) {
    throw new HostOptionError(`the hosts file ${describeLocation(location)} is invalid:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
  return { hosts, exists: true };
}

/** Parses `--host-prefix-json` with the same checks as the `checkpointLens.hosts` setting. */
export function parseHostPrefix(json: string | undefined): Host {
  if (json === undefined) return LOCAL_HOST;
  let prefix: unknown;
  try {
    prefix = JSON.parse(json);
  } catch (error) {
    throw new HostOptionError(`--host-prefix-json is not valid JSON (${(error as Error).message}); give an array of strings, e.g. '["sudo","-n"]'`);
  }
  if (!Array.isArray(prefix) || !prefix.every((word) => typeof word === 'string')) {
    throw new HostOptionError(`--host-prefix-json must be a JSON array of strings, got ${json.slice(0, 200)}`);
  }
  const { hosts, problems } = parseHostSettings([{ name: 'command line', prefix }], '--host-prefix-json');
  if (problems.length > 0) throw new HostOptionError(problems.join(' '));
  return hosts.find((host) => host.name === 'command line')!;
}

/** Reports whether any host option is given. */
export function hasHostOption(values: HostOptionValues): boolean {
  return values.host !== undefined || values['hosts-file'] !== undefined || values['host-prefix-json'] !== undefined;
}

/**
 * Resolves the host options to the host whose prefix runs the commands: `--host NAME` from the
 * hosts file, `--host-prefix-json` as given, or "local" (this machine, no prefix) when neither.
 */
export function resolveHost(values: HostOptionValues, env: HostsEnvironment = process.env): Host {
  const name = values.host;
  if (name !== undefined && values['host-prefix-json'] !== undefined) {
    throw new HostOptionError(`give either --host ${name} or --host-prefix-json, not both: --host takes the prefix from the hosts file, --host-prefix-json gives it itself`);
  }
  if (name === undefined) {
    if (values['hosts-file'] !== undefined) throw new HostOptionError(`--hosts-file ${values['hosts-file']} needs --host NAME to pick a host from it`);
    return parseHostPrefix(values['host-prefix-json']);
  }
  if (name.trim() === '') throw new HostOptionError('--host needs a host name');

  const location = locateHostsFile(values['hosts-file'], env);
  const { hosts, exists } = readHostsFile(location);
  const host = hosts.find((candidate) => candidate.name === name);
  if (host) return host;

  const add = `{"name": ${JSON.stringify(name)}, "prefix": [...]}`;
  if (!exists) {
    throw new HostOptionError(`no host named "${name}": the hosts file ${location.path} does not exist, so the only host is "local". Create it with [${add}], or name another file with --hosts-file FILE or $${HOSTS_FILE_ENV}.`);
  }
  const known = hosts.map((candidate) => `"${candidate.name}"`).join(', ');
  throw new HostOptionError(`no host named "${name}" in the hosts file ${describeLocation(location)}; the hosts there are ${known}. Pick one of them, or add ${add} to the file.`);
}
