/**
 * Harness for the tests that run the real podman + crun/runc + CRIU stacks that
 * scripts/stack/setup.sh prepares. Commands go through the engine's runner and a host prefix,
 * exactly as the extension runs them.
 *
 * Stacks:
 * - `trixie`: podman 5, crun with +CRIU, runc, CRIU 4, reached through the prefix in the env file
 *   (it enters a cgroup2 leaf, then a pinned mount namespace whose root is a Debian trixie tree).
 * - `bookworm`: the host's own podman 4.3, crun 1.8 (no +CRIU), runc 1.1, CRIU 3.17; empty prefix.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';

import { CommandError } from '../../src/engine/errors';
import { type Host, hostCommand, podmanCommand, readHostFile } from '../../src/engine/hosts';
import type { OperationResult } from '../../src/engine/operations';
import { type PodmanVersion, parsePodmanVersion } from '../../src/engine/podmanArgs';
import { type CommandResult, ProcessRunner, type RunOptions } from '../../src/engine/runner';

export type StackName = 'trixie' | 'bookworm';
export type Runtime = 'crun' | 'runc';

/** One podman installation the tests can drive. */
export interface Stack {
  name: StackName;
  host: Host;
  /** Versions of podman, crun, runc and CRIU, for messages. */
  versions: string;
  /** `key=value` label that teardown.sh and clean.sh use to find what the tests created. */
  label: string;
  /** Host path of the cgroup2 mount, where CRIU creates `libpod_parent/libpod-<id>` at restore. */
  cgroup2: string | undefined;
  images: { busybox: string; wasmTick: string; probes: string };
}

/** The env file written by scripts/stack/setup.sh. */
export const stackEnvFile =
  process.env.CHECKPOINT_LENS_STACK_ENV ??
  path.join(process.env.CHECKPOINT_LENS_STACK_CACHE ?? '/var/cache/checkpoint-lens/stack', 'stack.env');

const setupHint = 'run `sudo npm run setup:stack` (scripts/stack/setup.sh) first';

/** Parses `KEY='value'` lines; `#` comments and blank lines are skipped. */
export function parseStackEnv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = /^([A-Z0-9_]+)='([^']*)'$/.exec(line);
    if (!match) throw new Error(`${stackEnvFile}:${index + 1}: invalid line, expected KEY='value': ${line}`);
    values.set(match[1], match[2]);
  }
  return values;
}

function stacksFromEnv(values: Map<string, string>): Record<StackName, Stack> {
  const get = (key: string): string => {
    const value = values.get(key);
    if (value === undefined) throw new Error(`${stackEnvFile}: ${key} is missing; ${setupHint}`);
    return value;
  };
  const prefix = (key: string): string[] => {
    const parsed: unknown = JSON.parse(get(key));
    if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) {
      throw new Error(`${stackEnvFile}: ${key} is not a JSON array of strings: ${get(key)}`);
    }
    return parsed;
  };
  const images = { busybox: get('IMAGE_BUSYBOX'), wasmTick: get('IMAGE_WASM_TICK'), probes: get('IMAGE_PROBES') };
  const common = { label: get('STACK_LABEL'), cgroup2: values.get('TRIXIE_CGROUP2') || undefined, images };
  return {
    trixie: { name: 'trixie', host: { name: 'trixie', prefix: prefix('TRIXIE_PREFIX_JSON') }, versions: get('TRIXIE_VERSIONS'), ...common },
    bookworm: { name: 'bookworm', host: { name: 'bookworm', prefix: prefix('BOOKWORM_PREFIX_JSON') }, versions: get('BOOKWORM_VERSIONS'), ...common },
  };
}

export const runner = new ProcessRunner();

type Probe = { stack: Stack } | { reason: string };
const probes = new Map<StackName, Promise<Probe>>();

/** Reads the env file and runs `podman version` through the stack's prefix, once per stack. */
function probeStack(name: StackName): Promise<Probe> {
  let probe = probes.get(name);
  if (!probe) {
    probe = (async (): Promise<Probe> => {
      if (process.getuid?.() !== 0) return { reason: 'the stack tests need root, because podman checkpoint does' };
      if (!existsSync(stackEnvFile)) return { reason: `${stackEnvFile} not found; ${setupHint}` };
      let stack: Stack;
      try {
        stack = stacksFromEnv(parseStackEnv(readFileSync(stackEnvFile, 'utf8')))[name];
      } catch (error) {
        return { reason: (error as Error).message };
      }
      try {
        await runner.run(podmanCommand(stack.host, ['version', '--format', '{{.Client.Version}}']), { timeoutMs: 60_000 });
      } catch (error) {
        return { reason: `podman version failed through the ${name} prefix (${(error as Error).message}); ${setupHint}` };
      }
      return { stack };
    })();
    probes.set(name, probe);
  }
  return probe;
}

/**
 * Returns the stack, or undefined after marking the test skipped with the reason. With CI=true a
 * missing stack fails the test instead, because CI sets the stacks up first.
 */
export async function requireStack(t: TestContext, name: StackName): Promise<Stack | undefined> {
  const probe = await probeStack(name);
  if ('stack' in probe) return probe.stack;
  const message = `${name} stack not available: ${probe.reason}`;
  if (process.env.CI === 'true') assert.fail(message);
  t.skip(message);
  return undefined;
}

/** What `podman inspect` returns for a container, reduced to the fields the tests read. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  StaticDir: string;
  State: {
    Status: string;
    Running: boolean;
    Pid: number;
    Checkpointed?: boolean;
    CheckpointLog?: string;
    Restored?: boolean;
    RestoreLog?: string;
  };
}

/** Prefix of the containers one test process creates: `clens-<8 hex digits>`. */
export const namePrefix = `clens-${randomBytes(4).toString('hex')}`;

/**
 * The containers and files of one test, on one stack. `cleanup()` removes them, including the
 * cgroup2 directory CRIU made when it restored one of them.
 */
export class StackSession {
  private readonly containers = new Set<string>();
  private readonly files = new Set<string>();

  constructor(readonly stack: Stack) {}

  /** Returns a unique container name for `label` and records it for cleanup. */
  containerName(label: string): string {
    const name = `${namePrefix}-${this.stack.name}-${label}`;
    this.containers.add(name);
    return name;
  }

  /** Returns a path in the stack's /tmp for `fileName` and records it for cleanup. */
  tempPath(fileName: string): string {
    const file = `/tmp/${namePrefix}-${fileName}`;
    this.files.add(file);
    return file;
  }

  podman(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return runner.run(podmanCommand(this.stack.host, args), { timeoutMs: 120_000, ...options });
  }

  /** Runs podman and returns the error it must fail with. */
  async podmanFailure(args: readonly string[]): Promise<CommandError> {
    try {
      const result = await this.podman(args);
      assert.fail(`expected ${result.commandLine} to fail, but it exited with 0:\n${result.stdout}${result.stderr}`);
    } catch (error) {
      if (error instanceof CommandError) return error;
      throw error;
    }
  }

  /** Runs a program other than podman on the stack's host (inside its mount namespace). */
  hostRun(program: string, args: readonly string[]): Promise<CommandResult> {
    return runner.run(hostCommand(this.stack.host, program, args), { timeoutMs: 60_000 });
  }

  async readFile(file: string): Promise<string> {
    return (await readHostFile(runner, this.stack.host, file, { timeoutMs: 60_000 })).text;
  }

  async fileSize(file: string): Promise<number> {
    return Number((await this.hostRun('stat', ['-c', '%s', '--', file])).stdout.trim());
  }

  /**
   * The `podman run` arguments that start a detached test container: no network, the cleanup
   * label, the runtime, and on podman 4.3 with runc the rlimits that runc can set without
   * CAP_SYS_RESOURCE (podman 4.3 requests more than the hard limit otherwise).
   */
  runArgs(name: string, runtime: Runtime): string[] {
    const args = ['run', '-d', '--pull=never', '--network', 'none', '--label', this.stack.label, '--runtime', runtime, '--name', name];
    if (this.stack.name === 'bookworm' && runtime === 'runc') {
      args.push('--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=32768:32768');
    }
    return args;
  }

  async inspect(name: string): Promise<ContainerInspect> {
    const [container] = JSON.parse((await this.podman(['inspect', '--type', 'container', '--', name])).stdout) as ContainerInspect[];
    return container;
  }

  async logs(name: string): Promise<string> {
    const result = await this.podman(['logs', '--', name]);
    return result.stdout + result.stderr;
  }

  /** Polls the container's output until `pattern` matches it; fails after `timeoutMs`. */
  async waitForOutput(name: string, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const output = await this.logs(name);
      const match = output.match(pattern);
      if (match) return match;
      if (Date.now() > deadline) assert.fail(`${name}: no output matching ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Returns the highest `tick N` in the container's output, 0 when there is none. */
  async lastTick(name: string): Promise<number> {
    const ticks = [...(await this.logs(name)).matchAll(/^tick (\d+)$/gm)].map((match) => Number(match[1]));
    return Math.max(0, ...ticks);
  }

  /** Waits until the container prints a tick above `tick`, which shows the process runs on. */
  async waitForTickAbove(name: string, tick: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.lastTick(name)) <= tick) {
      if (Date.now() > deadline) assert.fail(`${name}: no tick above ${tick} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Removes the recorded containers, their cgroup2 directories and the recorded files. */
  async cleanup(): Promise<void> {
    for (const name of this.containers) {
      let id: string | undefined;
      try {
        id = (await this.inspect(name)).Id;
      } catch {
        continue; // never created, or already removed
      }
      await this.podman(['rm', '-f', '-t', '0', '--', name]);
      if (this.stack.cgroup2) removeEmptyDirectory(path.join(this.stack.cgroup2, 'libpod_parent', `libpod-${id}`));
    }
    for (const file of this.files) {
      await this.hostRun('rm', ['-f', '--', file]);
    }
  }
}

function removeEmptyDirectory(directory: string): void {
  try {
    rmdirSync(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Escapes `text` for use inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Starts `/holdfd <mode>` with a host file as fd 3. The engine's runner passes no extra file
 * descriptors, and execa's types reject a number as a fourth stdio entry, so this uses spawn.
 */
export async function runHoldfd(session: StackSession, name: string, runtime: Runtime, mode: 'map' | 'open', hostFile: string): Promise<void> {
  const args = [...session.runArgs(name, runtime), '--preserve-fds=1', session.stack.images.probes, '/holdfd', mode];
  const [program, ...rest] = podmanCommand(session.stack.host, args);
  const fd = openSync(hostFile, 'r');
  try {
    const child = spawn(program, rest, { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [exitCode] = (await once(child, 'close')) as [number | null];
    assert.equal(exitCode, 0, `podman run --preserve-fds=1 failed: ${stderr}`);
  } finally {
    closeSync(fd);
  }
}

/** Opens a session on a stack for tests of the engine, with its podman version; undefined when skipped. */
export async function openEngineSession(t: TestContext, name: StackName): Promise<{ session: StackSession; podmanVersion: PodmanVersion } | undefined> {
  const stack = await requireStack(t, name);
  if (!stack) return undefined;
  const session = new StackSession(stack);
  t.after(() => session.cleanup());
  const podmanVersion = parsePodmanVersion((await session.podman(['version', '--format', '{{.Client.Version}}'])).stdout);
  assert.ok(podmanVersion, 'podman version printed no version number');
  return { session, podmanVersion };
}

export function assertSucceeded(result: OperationResult): asserts result is Extract<OperationResult, { status: 'succeeded' }> {
  if (result.status === 'failed') assert.fail(`operation failed: ${result.error.message}`);
  assert.equal(result.status, 'succeeded');
}
