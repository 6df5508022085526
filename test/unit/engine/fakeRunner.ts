import { classifyFailure } from '../../../src/engine/errors';
import type { CommandResult, CommandRunner, RunOptions } from '../../../src/engine/runner';
import { quoteCommandLine } from '../../../src/engine/shellQuote';

export interface FakeReply {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Fail as the real runner does when the caller aborts while the command runs. */
  cancelled?: boolean;
}

/** Returns the reply for a command, or undefined when the test did not expect it. */
export type FakeHandler = (command: readonly string[]) => FakeReply | undefined | Promise<FakeReply | undefined>;

/**
 * A CommandRunner that returns replies from a handler instead of spawning processes, records every
 * command, and fails like the real runner: a non-zero exit status goes through classifyFailure.
 */
export class FakeRunner implements CommandRunner {
  readonly commands: string[][] = [];

  constructor(private readonly handler: FakeHandler) {}

  /** Command lines run so far, quoted, for compact asserts. */
  get commandLines(): string[] {
    return this.commands.map((command) => quoteCommandLine(command));
  }

  async run(command: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    this.commands.push([...command]);
    if (options.signal?.aborted) throw classifyFailure({ command, cancelled: true });

    const reply = await this.handler(command);
    if (reply === undefined) throw new Error(`FakeRunner: unexpected command ${quoteCommandLine(command)}`);
    if (reply.cancelled) throw classifyFailure({ command, cancelled: true });
    const exitCode = reply.exitCode ?? 0;
    const stdout = reply.stdout ?? '';
    const stderr = reply.stderr ?? '';
    if (exitCode !== 0) throw classifyFailure({ command, exitCode, stdout, stderr });

    if (options.onStdout) {
      options.onStdout(stdout);
      return { command, commandLine: quoteCommandLine(command), exitCode: 0, stdout: '', stderr, durationMs: 0 };
    }
    return { command, commandLine: quoteCommandLine(command), exitCode: 0, stdout, stderr, durationMs: 0 };
  }
}
