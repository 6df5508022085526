/**
 * From a failed checkpoint or restore to its diagnosis: find the CRIU log, read it through the
 * host's prefix, analyse it, and name the podman flag of the fix.
 */
import { analyzeText } from '../model/analyze';
import type { Analysis } from '../model/types';
import { CommandError } from './errors';
import { readHostFile, type Host, type ReadHostFileOptions } from './hosts';
import { retryOptionForFlag, type RetryOption } from './podmanArgs';
import type { ContainerDetails } from './podmanJson';
import type { CommandRunner } from './runner';

export type OperationKind = 'checkpoint' | 'restore';

/** Log file name that podman's CRIU call writes in the container's StaticDir, in podman 4.3 and 5.4. */
const LOG_FILE_NAMES: Record<OperationKind, string> = { checkpoint: 'dump.log', restore: 'restore.log' };

/**
 * Returns the CRIU log of a failed operation: the path crun or runc named on stderr
 * (`Please check CRIU logfile <path>`, `log file: <path>`), else `<StaticDir>/dump.log` or
 * `restore.log` from inspect. Inspect's `CheckpointLog` is no help here, because podman sets it
 * only after a successful checkpoint.
 */
export function criuLogPathFor(operation: OperationKind, stderr: string, details?: Pick<ContainerDetails, 'staticDir'>): string | undefined {
  const named = analyzeText(stderr).facts.referencedLog;
  if (named) return named;
  if (details?.staticDir) return `${details.staticDir.replace(/\/+$/, '')}/${LOG_FILE_NAMES[operation]}`;
  return undefined;
}

export interface FailureDiagnosis {
  /** The CRIU log read, or undefined when no path was known. */
  logPath: string | undefined;
  /** The log's text, cut in the middle when longer than the read limit. Undefined when it could not be read. */
  logText: string | undefined;
  /** Analysis of the log, or of stderr alone when the log could not be read. */
  analysis: Analysis;
  /** podman flag of the root cause's fix (`Fix.podmanFlag`), e.g. `--file-locks`. */
  retryFlag: string | undefined;
  /** The option that switches `retryFlag` on, when it needs no value. */
  retryOption: RetryOption | undefined;
  /** Reason the log could not be read, e.g. a CommandError for a missing file. */
  readError: Error | undefined;
}

export interface DiagnoseFailureInput {
  operation: OperationKind;
  /** stderr of the failed podman command. */
  stderr: string;
  /** inspect output of the container, for its StaticDir when stderr names no log. */
  details?: Pick<ContainerDetails, 'staticDir'>;
  readOptions?: ReadHostFileOptions;
}

/**
 * Reads and analyses the CRIU log of a failed checkpoint or restore. A log that cannot be read
 * is no error: the diagnosis then analyses stderr and carries the reason in `readError`.
 * Only a cancellation rejects.
 */
export async function diagnoseFailure(runner: CommandRunner, host: Host, input: DiagnoseFailureInput): Promise<FailureDiagnosis> {
  const logPath = criuLogPathFor(input.operation, input.stderr, input.details);
  let logText: string | undefined;
  let readError: Error | undefined;

  if (logPath) {
    try {
      logText = (await readHostFile(runner, host, logPath, input.readOptions)).text;
    } catch (error) {
      if (error instanceof CommandError && error.kind === 'cancelled') throw error;
      readError = error instanceof Error ? error : new Error(String(error));
    }
  }

  const analysis = logText !== undefined ? analyzeText(logText, { fileName: logPath }) : analyzeText(input.stderr);
  const retryFlag = analysis.rootCause?.explanation.fixes.find((fix) => fix.podmanFlag !== undefined)?.podmanFlag;
  return {
    logPath,
    logText,
    analysis,
    retryFlag,
    retryOption: retryFlag ? retryOptionForFlag(retryFlag) : undefined,
    readError,
  };
}
