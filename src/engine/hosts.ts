import { z } from 'zod';

import { CommandError } from './errors';
import type { CommandRunner } from './runner';
import { quotePosix } from './shellQuote';

/**
 * A machine (or mount namespace) that runs podman, reached by prepending `prefix` to every
 * command. Examples: `[]` (local), `['sudo', '-n']`, `['ssh', 'build-host']`,
 * `['nsenter', '--mount=/run/ns/mnt', '--', 'env', '-i', 'PATH=/usr/sbin:/usr/bin']`, or
 * `['podman', '--connection', 'name']` when the prefix itself runs podman.
 */
export interface Host {
  name: string;
  prefix: string[];
}

/** The default host: podman on this machine as the current user. */
export const LOCAL_HOST: Host = { name: 'local', prefix: [] };

/** podman options that send commands to a remote podman service instead of running locally. */
const REMOTE_PODMAN_OPTIONS = /^(?:--connection|-c|--remote|-r|--url|--identity)(?:=|$)/;

function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Index of the prefix element that runs podman itself, or -1. */
function podmanIndex(prefix: readonly string[]): number {
  return prefix.findIndex((word) => /^podman(?:-remote)?$/.test(programName(word)));
}

/**
 * Reports whether the prefix passes our arguments through ssh. ssh joins the words after the destination
 * with spaces and hands the string to the remote user's shell, so each argument must be quoted.
 */
// NOTE: cancelling kills the local ssh client only. Without a terminal (`ssh -t`), the remote
// command gets no SIGHUP and may keep running until it next writes output.
export function passesThroughSsh(host: Host): boolean {
  return host.prefix.some((word) => programName(word) === 'ssh');
}

function appendArguments(host: Host, base: readonly string[], words: readonly string[]): string[] {
  const quoted = passesThroughSsh(host) ? words.map(quotePosix) : words;
  return [...base, ...quoted];
}

/** Builds the argument vector that runs `podman <args>` on the host. */
export function podmanCommand(host: Host, args: readonly string[]): string[] {
  if (podmanIndex(host.prefix) >= 0) return appendArguments(host, host.prefix, args);
  return appendArguments(host, host.prefix, ['podman', ...args]);
}

/** A host whose prefix reaches podman only, such as a remote `podman --connection`, cannot run other programs. */
export class HostCommandError extends Error {
  override readonly name = 'HostCommandError';
}

/**
 * Builds the argument vector that runs `program <args>` on the host. When the prefix contains
 * podman, the words before it are the way to the host (`sudo -n`, ssh) and are reused. A prefix
 * that talks to a podman service (`--connection`, `--url`) has no way to run other programs.
 */
export function hostCommand(host: Host, program: string, args: readonly string[]): string[] {
  const index = podmanIndex(host.prefix);
  if (index < 0) return appendArguments(host, host.prefix, [program, ...args]);

  if (host.prefix.slice(index + 1).some((word) => REMOTE_PODMAN_OPTIONS.test(word))) {
    throw new HostCommandError(
      `Host "${host.name}" reaches podman through a remote connection (${host.prefix.join(' ')}), so ${program} cannot run there. Use an ssh prefix such as ["ssh", "<host>"] to run programs on that machine.`,
    );
  }
  return appendArguments(host, host.prefix.slice(0, index), [program, ...args]);
}

/** Reports whether programs other than podman (cat, criu, crun) can run on the host. */
export function canRunPrograms(host: Host): boolean {
  try {
    hostCommand(host, 'true', []);
    return true;
  } catch {
    return false;
  }
}

// --- settings ---------------------------------------------------------------

const hostSettingSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty'),
  prefix: z.array(z.string()).default([]),
});

const hostSettingsSchema = z.array(z.unknown());

export interface HostSettingsResult {
  /** Valid hosts in settings order, with LOCAL_HOST first unless the settings define a host named `local`. */
  hosts: Host[];
  /** One sentence per invalid entry, naming the setting path, the bad value and the fix. */
  problems: string[];
}

/**
 * Validates the user's host list. Invalid entries are left out and described in `problems`, so
 * one typo does not hide the other hosts. `settingName` prefixes each problem's path.
 */
export function parseHostSettings(value: unknown, settingName = 'hosts'): HostSettingsResult {
  const problems: string[] = [];
  const hosts: Host[] = [];
  if (value === undefined || value === null) return { hosts: [LOCAL_HOST], problems };

  const list = hostSettingsSchema.safeParse(value);
  if (!list.success) {
    problems.push(`${settingName}: expected a list of {"name": ..., "prefix": [...]} objects, got ${describeValue(value)}.`);
    return { hosts: [LOCAL_HOST], problems };
  }

  const seen = new Set<string>();
  list.data.forEach((entry, index) => {
    const path = `${settingName}[${index}]`;
    const parsed = hostSettingSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const where = issue.path.length > 0 ? `${path}.${issue.path.join('.')}` : path;
        problems.push(`${where}: ${issue.message}. Expected {"name": "<label>", "prefix": ["<program>", "<argument>", ...]}.`);
      }
      return;
    }

    const host: Host = { name: parsed.data.name, prefix: parsed.data.prefix };
    const prefixProblem = checkPrefix(host.prefix, `${path}.prefix`);
    if (prefixProblem) {
      problems.push(prefixProblem);
      return;
    }
    if (seen.has(host.name)) {
      problems.push(`${path}.name: "${host.name}" is used by an earlier host. Give each host its own name.`);
      return;
    }
    seen.add(host.name);
    hosts.push(host);
  });

  if (!seen.has(LOCAL_HOST.name)) hosts.unshift(LOCAL_HOST);
  return { hosts, problems };
}

function checkPrefix(prefix: readonly string[], path: string): string | undefined {
  for (const [index, word] of prefix.entries()) {
    if (word.length === 0) return `${path}[${index}]: an empty string is not a valid argument. Remove it.`;
    if (word.includes('\0')) return `${path}[${index}]: contains a NUL character, which no argument can contain. Remove it.`;
  }
  const first = prefix[0];
  if (first !== undefined && /\s/.test(first)) {
    const split = JSON.stringify(first.trim().split(/\s+/));
    return `${path}[0]: "${first}" contains a space, so it would run a program of that whole name. Give each argument its own element: ${split}.`;
  }
  return undefined;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

// --- reading files ----------------------------------------------------------

export interface ReadHostFileOptions {
  /**
   * Maximum characters kept. A longer file keeps its first quarter and last three quarters of
   * this, cut at line boundaries, because a CRIU log has its version banner at the start and the
   * failure at the end.
   */
  maxChars?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface HostFile {
  path: string;
  text: string;
  /** Characters the file had; more than `text.length` when truncated. */
  totalChars: number;
  /** Characters left out of the middle; 0 when the whole file is in `text`. */
  omittedChars: number;
}

/** 16 Mi characters. NOTE: an estimate, not measured: larger `-v4` CRIU logs lose their middle. */
export const DEFAULT_MAX_FILE_CHARS = 16 * 1024 * 1024;

/**
 * Reads a file on the host with `cat -- PATH` through the host's prefix, so root-only files
 * (dump.log under /var/lib/containers, `/proc/<pid>/...`) are readable under `sudo -n` and paths
 * inside an nsenter mount namespace resolve there. Rejects with a CommandError, e.g.
 * `CommandFailedError` for a missing file, or with HostCommandError when the host runs podman only.
 */
export async function readHostFile(runner: CommandRunner, host: Host, path: string, options: ReadHostFileOptions = {}): Promise<HostFile> {
  if (!path.startsWith('/')) throw new RangeError(`readHostFile needs an absolute path, got "${path}"`);
  if (path.includes('\0')) throw new RangeError('readHostFile: the path contains a NUL character');

  const buffer = new HeadTailBuffer(options.maxChars ?? DEFAULT_MAX_FILE_CHARS);
  await runner.run(hostCommand(host, 'cat', ['--', path]), {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    onStdout: (chunk) => buffer.push(chunk),
  });
  const { text, omittedChars } = buffer.result();
  return { path, text, totalChars: buffer.total, omittedChars };
}

/** Keeps the first quarter and the last three quarters of `maxChars` of a stream. */
export class HeadTailBuffer {
  total = 0;
  private head = '';
  private tailChunks: string[] = [];
  private tailLength = 0;
  private readonly headLimit: number;
  private readonly tailLimit: number;

  constructor(private readonly maxChars: number) {
    this.headLimit = Math.floor(maxChars / 4);
    this.tailLimit = maxChars - this.headLimit;
  }

  push(chunk: string): void {
    this.total += chunk.length;
    if (this.head.length < this.headLimit) {
      const room = this.headLimit - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (chunk.length === 0) return;

    this.tailChunks.push(chunk);
    this.tailLength += chunk.length;
    while (this.tailLength - this.tailChunks[0].length >= this.tailLimit) {
      this.tailLength -= this.tailChunks.shift()!.length;
    }
  }

  result(): { text: string; omittedChars: number } {
    let tail = this.tailChunks.join('');
    if (this.total <= this.maxChars) return { text: this.head + tail, omittedChars: 0 };

    tail = tail.slice(tail.length - this.tailLimit);
    // Cut both parts at line boundaries so that no half line reaches the log parser.
    const headEnd = this.head.lastIndexOf('\n') + 1;
    const tailStart = tail.indexOf('\n') + 1;
    const head = this.head.slice(0, headEnd);
    tail = tail.slice(tailStart);
    const omittedChars = this.total - head.length - tail.length;
    return { text: `${head}[${omittedChars} characters omitted]\n${tail}`, omittedChars };
  }
}

/** True when a read failed because the file does not exist (cat's `No such file or directory`). */
export function isMissingFileError(error: unknown): boolean {
  return error instanceof CommandError && /No such file or directory/.test(error.stderr);
}
