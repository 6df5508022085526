import type { Category } from './categories';
import { criuSourceUrl } from './criuSource';
import type { Analysis, Finding, FindingRole, FindingSeverity, Fix, LogKind, Outcome } from './types';

/** Output format version of `checkpoint-lens explain --json`; raised on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;

export interface ReportSourceLocation {
  file: string;
  line: number;
  /** The line in CRIU's repository at the log's release tag. */
  url: string;
}

export interface ReportRootCause {
  line: number;
  category: Category;
  code: string;
  title: string;
  explanation: string;
  causes: string[];
  fixes: Fix[];
  /** Lines of the follow-on errors that this cause produced. */
  related: number[];
  message: string;
  sourceLocation?: ReportSourceLocation;
}

export interface ReportDiagnostic {
  line: number;
  severity: FindingSeverity;
  category: Category;
  code: string;
  /** The log's own message text. */
  message: string;
  title: string;
  role: FindingRole;
  sourceLocation?: ReportSourceLocation;
}

/** The JSON contract of `checkpoint-lens explain --json`. `line` values are 1-based in the input. */
export interface ExplainReport {
  schemaVersion: number;
  file: string;
  criuVersion: string | null;
  kernel: string | null;
  logKind: LogKind;
  outcome: Outcome;
  /** Path of the CRIU log that pasted wrapper output points at, if any. */
  referencedLog: string | null;
  rootCause: ReportRootCause | null;
  diagnostics: ReportDiagnostic[];
  lineCount: number;
  /** Lines written by CRIU or a wrapper; 0 means the input is not a CRIU log. */
  recognizedLineCount: number;
  /**
   * Error and warning lines not listed in `diagnostics`: past the first 10,000 errors and 5,000
   * warnings only the last 2,000 records are kept, so memory stays bounded on huge logs.
   */
  droppedRecordCount: number;
}

function sourceLocationOf(finding: Finding, criuVersion: string | undefined): ReportSourceLocation | undefined {
  const location = finding.record.location;
  return location ? { file: location.file, line: location.line, url: criuSourceUrl(criuVersion, location) } : undefined;
}

/** Build the JSON report of an analysis; `file` is the path as the user gave it, or `-` for stdin. */
export function toReport(analysis: Analysis, file: string): ExplainReport {
  const version = analysis.facts.criuVersion;
  const root = analysis.rootCause;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    file,
    criuVersion: version ?? null,
    kernel: analysis.facts.kernel ?? null,
    logKind: analysis.facts.logKind,
    outcome: analysis.outcome,
    referencedLog: analysis.facts.referencedLog ?? null,
    rootCause: root
      ? {
          line: root.record.line,
          category: root.category,
          code: root.code,
          title: root.title,
          explanation: root.explanation.explanation,
          causes: root.explanation.causes,
          fixes: root.explanation.fixes,
          related: root.related.map((record) => record.line),
          message: root.record.message,
          sourceLocation: sourceLocationOf(root, version),
        }
      : null,
    diagnostics: analysis.findings.map((finding) => ({
      line: finding.record.line,
      severity: finding.severity,
      category: finding.category,
      code: finding.code,
      message: finding.record.message,
      title: finding.title,
      role: finding.role,
      sourceLocation: sourceLocationOf(finding, version),
    })),
    lineCount: analysis.lineCount,
    recognizedLineCount: analysis.recognizedLineCount,
    droppedRecordCount: analysis.droppedRecordCount,
  };
}

const KIND_NOUN: Record<LogKind, string> = {
  dump: 'Dump',
  restore: 'Restore',
  'pre-dump': 'Pre-dump',
  terminal: 'Checkpoint or restore',
  unknown: 'CRIU run',
};

/** One-line verdict: "Dump failed: <title>", "Restore finished successfully", ... */
export function verdictOf(analysis: Analysis): string {
  if (analysis.recognizedLineCount === 0 && !analysis.rootCause) return 'No CRIU log lines found: this does not look like output of CRIU, podman, crun or runc';
  const facts = analysis.facts;
  const noun = facts.logKind === 'terminal' && facts.operation ? (facts.operation === 'restore' ? 'Restore' : 'Checkpoint') : KIND_NOUN[facts.logKind];
  if (analysis.outcome === 'succeeded') return `${noun} finished successfully`;
  if (analysis.outcome === 'failed') return analysis.rootCause ? `${noun} failed: ${analysis.rootCause.title}` : `${noun} failed`;
  if (analysis.rootCause) return `${noun} outcome unknown (the log ends early); first problem: ${analysis.rootCause.title}`;
  return `${noun} outcome unknown: the log ends before CRIU reported success or failure`;
}
