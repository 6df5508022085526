// Verdict line for the summary CodeLens and the notification of the file analysis command.
// No `vscode` import, so the unit tests run it in plain Node.
import type { Analysis, LogKind } from '../model/types';

const OPERATION_NAMES: Record<LogKind, string> = {
  dump: 'Dump',
  restore: 'Restore',
  'pre-dump': 'Pre-dump',
  terminal: 'Checkpoint or restore',
  unknown: 'Checkpoint or restore',
};

/** Returns the verdict, e.g. "Dump failed: <root cause title>" or "Dump finished successfully". */
export function summaryTitle(analysis: Analysis): string {
  const operation = OPERATION_NAMES[analysis.facts.logKind];

  if (analysis.outcome === 'failed') {
    if (analysis.rootCause) return `${operation} failed: ${analysis.rootCause.title}`;
    return `${operation} failed: cause not recognised`;
  }
  if (analysis.outcome === 'succeeded') {
    return `${operation} finished successfully`;
  }
  if (analysis.rootCause) {
    return `Outcome unknown (log ends early), likely cause: ${analysis.rootCause.title}`;
  }
  return 'Outcome unknown (log ends early)';
}

/** Returns whether the text looks like a CRIU log: a line that CRIU or a wrapper wrote, a version header, a phase or a finding. */
export function looksLikeCriuLog(analysis: Analysis): boolean {
  return (
    analysis.recognizedLineCount > 0 ||
    analysis.facts.criuVersion !== undefined ||
    analysis.facts.logKind !== 'unknown' ||
    analysis.phases.length > 0 ||
    analysis.findings.length > 0 ||
    analysis.outcome !== 'unknown'
  );
}
