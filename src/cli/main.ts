import { parseArgs } from 'node:util';

import { toReport } from '../model/report';
import type { Analysis } from '../model/types';
import { analyzeLogFile, analyzeLogStream } from '../node/analyzeLogFile';
import { LogFileError } from '../node/logFile';
import { GapsInputError, runGaps } from './gaps';
import { runPreflightCli } from './preflight';
import { describeParseArgsError, isParseArgsError } from './parseArgsError';
import { LiveInputError, OutputFileError, runSnapshot } from './snapshot';
import { renderText } from './render';

declare const CHECKPOINT_LENS_VERSION: string | undefined;

const USAGE = `Usage: checkpoint-lens explain <file|-> [--json]

Explains why a CRIU dump, restore or pre-dump failed, from its log (dump.log, restore.log)
or from the terminal output of podman, crun or runc.

Commands:
  explain <file|->   analyse a log file, or standard input with "-"

Options:
  --json             print one JSON object instead of text
  -h, --help         show this help
  -v, --version      show the version

Exit status: 0 when the log shows no failure, 1 when a failure was diagnosed,
2 for a usage error or input that cannot be read or is not a CRIU log, 4 when standard output
cannot be written (nothing is printed for a closed pipe, e.g. "| head").
`;

/** Exit status of the CLI; part of its contract with scripts. */
export const EXIT_OK = 0;
export const EXIT_FAILURE_DIAGNOSED = 1;
export const EXIT_USAGE = 2;
/** Standard output or the `-o` file could not be written; 3 is taken by preflight's usage errors. */
export const EXIT_OUTPUT_FAILED = 4;

class UsageError extends Error {}

async function analyzeStdin(): Promise<Analysis> {
  if (process.stdin.isTTY) throw new UsageError('standard input is a terminal; pipe a log into "checkpoint-lens explain -" or name a file');
  // The same scanner as for files, so empty and binary input get the same errors.
  return (await analyzeLogStream(process.stdin, { displayName: 'standard input' })).analysis;
}

async function analyzeFile(path: string): Promise<Analysis> {
  return (await analyzeLogFile(path)).analysis;
}

async function explain(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'missing the log file to explain; give a path, or "-" for standard input' : `expected one log file, got ${positionals.length}: ${positionals.join(' ')}`);
  }

  const file = positionals[0];
  const analysis = file === '-' ? await analyzeStdin() : await analyzeFile(file);
  if (analysis.recognizedLineCount === 0) {
    const name = file === '-' ? 'standard input' : file;
    throw new LogFileError(
      'not-a-log',
      name,
      `${name} contains no line of CRIU, podman, crun or runc (${analysis.lineCount} lines read). Pass the dump.log or restore.log from the container's StaticDir, or the terminal output of the failed command.`,
    );
  }
  if (values.json) process.stdout.write(JSON.stringify(toReport(analysis, file), null, 2) + '\n');
  else process.stdout.write(renderText(analysis, file));
  return analysis.rootCause ? EXIT_FAILURE_DIAGNOSED : EXIT_OK;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(`${USAGE}\nOther commands:\n  gaps               find mappings and fds on mounts outside the container (see "gaps --help")\n  snapshot           collect a container's /proc files for gaps (see "snapshot --help")\n  preflight          predict whether a running container's checkpoint will work (see "preflight --help")\n`);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (command === '-v' || command === '--version') {
      process.stdout.write(`${typeof CHECKPOINT_LENS_VERSION === 'string' ? CHECKPOINT_LENS_VERSION : 'development'}\n`);
      return EXIT_OK;
    }
    if (command === 'explain') return await explain(rest);
    if (command === 'gaps') return await runGaps(rest, (text) => process.stdout.write(text));
    if (command === 'snapshot') return await runSnapshot(rest, (text) => process.stdout.write(text));
    if (command === 'preflight') return await runPreflightCli(rest, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
    throw new UsageError(`unknown command "${command}"; the commands are: explain, gaps, snapshot, preflight`);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      const message = error instanceof UsageError ? error.message : describeParseArgsError(error);
      const helpCommand = command === 'explain' ? 'checkpoint-lens explain --help' : 'checkpoint-lens --help';
      process.stderr.write(`checkpoint-lens: ${message}\nRun "${helpCommand}" for usage.\n`);
      return EXIT_USAGE;
    }
    if (error instanceof OutputFileError) {
      process.stderr.write(`checkpoint-lens snapshot: ${error.message}\n`);
      return EXIT_OUTPUT_FAILED;
    }
    if (error instanceof GapsInputError) {
      process.stderr.write(`checkpoint-lens gaps: ${error.message}\nRun "checkpoint-lens gaps --help" for usage.\n`);
      return EXIT_USAGE;
    }
    if (error instanceof LiveInputError) {
      process.stderr.write(`checkpoint-lens snapshot: ${error.message}\nRun "checkpoint-lens snapshot --help" for usage.\n`);
      return EXIT_USAGE;
    }
    if (error instanceof LogFileError) {
      process.stderr.write(`checkpoint-lens: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/**
 * Ends the process when standard output fails: quietly for EPIPE (the reader, e.g. `head`, has
 * closed the pipe), with one line on stderr for other errors such as ENOSPC. Both exit with
 * EXIT_OUTPUT_FAILED, so a truncated report never reads as "no failure" or "no gaps".
 */
export function handleStdoutError(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') process.stderr.write(`checkpoint-lens: cannot write standard output: ${error.message}\n`);
  process.exit(EXIT_OUTPUT_FAILED);
}

if (require.main === module) {
  process.stdout.on('error', handleStdoutError);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`checkpoint-lens: internal error: ${error instanceof Error ? error.stack : String(error)}\nPlease report this with the log that caused it.\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
