import { classifyFailure } from './errors';
import { quoteCommandLine } from './shellQuote';

/**
 * The logging calls the engine makes. VS Code's LogOutputChannel satisfies it, and so does
 * `console`. Messages never contain child stdout, which can be large.
 */
export interface EngineLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything, for tests and for callers that do not log. */
export const silentLogger: EngineLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface RunOptions {
  /** Aborting kills the whole process group and rejects with CancelledError. */
  signal?: AbortSignal;
  /** Kills the process group after this many milliseconds and rejects with TimedOutError. */
  timeoutMs?: number;
  /** Text written to the child's stdin; without it stdin is closed at once. */
  input?: string;
  /**
   * Receives stdout as it arrives, decoded as UTF-8 without splitting characters. When set,
   * stdout is not collected and `CommandResult.stdout` is empty.
   */
  onStdout?: (chunk: string) => void;
  /** Maximum bytes of collected stdout or stderr; more fails the command. */
  maxBufferBytes?: number;
  /** Level of the start and exit lines. Commands that change state log at `info`, queries at `debug`. */
  logLevel?: 'debug' | 'info';
}

export interface CommandResult {
  command: readonly string[];
  /** `command` quoted for display. */
  commandLine: string;
  exitCode: 0;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs one argument vector and resolves only on exit status 0; rejects with a CommandError otherwise. */
export interface CommandRunner {
  run(command: readonly string[], options?: RunOptions): Promise<CommandResult>;
}

export interface ProcessRunnerOptions {
  /** Time between SIGTERM and SIGKILL when killing a process group. */
  killGraceMs?: number;
  /** Extra environment variables for every child, on top of this process's environment. */
  env?: Record<string, string>;
}

const DEFAULT_MAX_BUFFER_BYTES = 64 * 1024 * 1024;

/**
 * Runs commands as child processes with execa: argument vectors only and never a shell.
 *
 * Each child leads its own process group (`detached`), so cancellation and timeouts also kill
 * what it started in that group, such as the background jobs of `sh -c`. Programs that call
 * setsid, like podman's conmon, leave the group and keep running, as they should.
 * Success is exit status 0 alone, because podman writes warnings to stderr on success too.
 */
export class ProcessRunner implements CommandRunner {
  private readonly killGraceMs: number;
  /** Process groups sent SIGTERM whose SIGKILL is still due, by process group id. */
  private readonly pendingKills = new Map<number, { deadline: number; timer: NodeJS.Timeout; send: (signal: NodeJS.Signals) => boolean }>();
  private readonly env: Record<string, string> | undefined;

  constructor(
    private readonly logger: EngineLogger = silentLogger,
    options: ProcessRunnerOptions = {},
  ) {
    this.killGraceMs = options.killGraceMs ?? 2_000;
    this.env = options.env;
  }

  async run(command: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    if (command.length === 0) throw new RangeError('run() needs a command: the argument vector is empty');
    const commandLine = quoteCommandLine(command);
    const log = options.logLevel === 'info' ? this.logger.info.bind(this.logger) : this.logger.debug.bind(this.logger);

    if (options.signal?.aborted) {
      log(`not started, already cancelled: ${commandLine}`);
      throw classifyFailure({ command, cancelled: true });
    }

    const started = performance.now();
    log(`run: ${commandLine}`);
    const [file, ...args] = command;
    const { execa } = await loadExeca();
    const subprocess = execa(file, args, {
      reject: false,
      detached: true,
      // execa's own cleanup kills only the direct child when this process exits; the group kill
      // below covers cancellation and timeouts.
      cleanup: true,
      stripFinalNewline: false,
      encoding: 'utf8',
      maxBuffer: options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES,
      buffer: { stdout: options.onStdout === undefined, stderr: true },
      ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
      env: this.env,
    });

    if (options.onStdout && subprocess.stdout) {
      const onStdout = options.onStdout;
      subprocess.stdout.setEncoding('utf8');
      subprocess.stdout.on('data', (chunk: string) => onStdout(chunk));
    }

    let cancelled = false;
    let timedOut = false;
    const killGroup = (): void => {
      this.killProcessGroup(subprocess.pid, commandLine);
    };
    const onAbort = (): void => {
      cancelled = true;
      killGroup();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup();
          }, options.timeoutMs);

    const result = await subprocess;
    options.signal?.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);

    const durationMs = Math.round(performance.now() - started);
    const stdout = typeof result.stdout === 'string' ? result.stdout : '';
    const stderr = typeof result.stderr === 'string' ? result.stderr : '';

    if (result.exitCode === 0 && !cancelled && !timedOut) {
      log(`exit 0 in ${durationMs} ms: ${commandLine}`);
      return { command, commandLine, exitCode: 0, stdout, stderr, durationMs };
    }

    const spawnErrorCode = spawnErrorCodeOf(result);
    const error = classifyFailure({
      command,
      exitCode: result.exitCode,
      stdout,
      stderr: result.isMaxBuffer ? `${stderr}\noutput exceeded ${options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES} bytes` : stderr,
      spawnErrorCode,
      cancelled,
      timedOutAfterMs: timedOut ? options.timeoutMs : undefined,
    });
    const status = result.exitCode ?? result.signal ?? spawnErrorCode ?? 'unknown';
    if (cancelled) {
      log(`cancelled after ${durationMs} ms (${status}): ${commandLine}`);
    } else {
      this.logger.warn(`exit ${status} in ${durationMs} ms: ${commandLine}: ${error.kind}: ${error.message}`);
    }
    throw error;
  }

  /**
   * Sends SIGTERM to the child's process group, then SIGKILL after the grace time. ESRCH means the
   * group is gone already. Under `sudo`, members that run as root ignore our signals (EPERM) but
   * sudo relays SIGTERM to its command.
   */
  private killProcessGroup(pid: number | undefined, commandLine: string): void {
    if (pid === undefined) return;
    const send = (signal: NodeJS.Signals): boolean => {
      try {
        process.kill(-pid, signal);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ESRCH') this.logger.warn(`kill ${signal} to process group ${pid} failed (${code}): ${commandLine}`);
        return false;
      }
    };
    if (!send('SIGTERM')) return;
    // unref, so that a long-lived extension host never waits for it; a CLI about to exit calls
    // settleKills() so that the SIGKILL is still sent.
    const timer = setTimeout(() => {
      this.pendingKills.delete(pid);
      send('SIGKILL');
    }, this.killGraceMs);
    timer.unref();
    this.pendingKills.set(pid, { deadline: Date.now() + this.killGraceMs, timer, send });
  }

  /**
   * Waits out the grace time of every process group that was sent SIGTERM and sends SIGKILL to
   * those groups. A program calls this before it exits after a cancellation, because the pending
   * SIGKILL timers do not keep Node running and a child that ignores SIGTERM would survive.
   */
  async settleKills(): Promise<void> {
    const remainingMs = Math.max(0, ...[...this.pendingKills.values()].map((kill) => kill.deadline - Date.now()));
    if (this.pendingKills.size === 0) return;
    await new Promise<void>((resolve) => setTimeout(resolve, remainingMs));
    for (const [pid, kill] of this.pendingKills) {
      clearTimeout(kill.timer);
      this.pendingKills.delete(pid);
      kill.send('SIGKILL');
    }
  }
}

/**
 * execa 9 is an ES module only, and this project's Node code runs as CommonJS (tsx in the unit
 * tests, esbuild's `cjs` bundles). Node 20 cannot `require` an ES module, but `import()` works in
 * both, and esbuild inlines it into the bundle.
 */
let execaModule: Promise<typeof import('execa')> | undefined;
function loadExeca(): Promise<typeof import('execa')> {
  execaModule ??= import('execa');
  return execaModule;
}

function spawnErrorCodeOf(result: object): string | undefined {
  // execa reports a failed spawn with `code` (ENOENT, EACCES) and no exit status.
  const code = (result as { code?: unknown; exitCode?: unknown }).code;
  const exitCode = (result as { exitCode?: unknown }).exitCode;
  return typeof code === 'string' && exitCode === undefined ? code : undefined;
}

/**
 * Splits streamed text into lines for `RunOptions.onStdout`. Call `flush` at exit for a last
 * line without a newline.
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let pending = '';
  return {
    push(chunk: string): void {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        onLine(pending.slice(0, newline).replace(/\r$/, ''));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    },
    flush(): void {
      if (pending.length > 0) onLine(pending);
      pending = '';
    },
  };
}
