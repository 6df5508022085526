// Selection of the findings that become diagnostics, and their severity.
// No `vscode` import, so the unit tests run it in plain Node.
import type { Analysis, Finding } from '../model/types';

export type DiagnosticLevel = 'error' | 'warning' | 'hint';

export interface DiagnosticFinding {
  finding: Finding;
  level: DiagnosticLevel;
}

/**
 * Returns the findings to show as diagnostics: the root cause as an error, other causes as
 * warnings and benign errors as hints (unless `showBenign` is off). Follow-on findings are not
 * diagnostics of their own; they appear as related information of the root cause.
 */
export function diagnosticFindings(analysis: Analysis, options: { showBenign: boolean }): DiagnosticFinding[] {
  const result: DiagnosticFinding[] = [];
  for (const finding of analysis.findings) {
    const level = diagnosticLevel(finding, options.showBenign);
    if (level) result.push({ finding, level });
  }
  return result;
}

function diagnosticLevel(finding: Finding, showBenign: boolean): DiagnosticLevel | undefined {
  switch (finding.role) {
    case 'root-cause':
      return 'error';
    case 'other-cause':
      return 'warning';
    case 'benign':
      return showBenign ? 'hint' : undefined;
    case 'follow-on':
      return undefined;
  }
}

/** Returns the finding whose record covers the 1-based `line`, preferring the root cause. */
export function findingAtLine(analysis: Analysis, line: number): Finding | undefined {
  const covering = analysis.findings.filter((finding) => finding.record.line <= line && line <= finding.record.endLine);
  return covering.find((finding) => finding.role === 'root-cause') ?? covering[0];
}
