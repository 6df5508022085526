// Markdown and plain text for findings: diagnostic messages, hovers and the explanation document.
// No `vscode` import, so the unit tests run it in plain Node.
import { criuSourceUrl } from '../model/criuSource';
import type { Analysis, Finding, Fix, LogFacts, LogRecord } from '../model/types';

/** Returns the first sentence of `text`: up to the first `.`, `!` or `?` that ends a word. */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // A period inside `fd=-3.` or `4.1.1` is not a sentence end, so require whitespace after it.
  const end = /[.!?](?=\s|$)/.exec(flat);
  return end ? flat.slice(0, end.index + 1) : flat;
}

/** Diagnostic message: the finding's title, then the first sentence of its explanation. */
export function diagnosticMessage(finding: Finding): string {
  const sentence = firstSentence(finding.explanation.explanation);
  if (!sentence) return finding.title;
  const title = /[.!?:]$/.test(finding.title) ? finding.title : `${finding.title}.`;
  return `${title} ${sentence}`;
}

/** Wraps `text` in a Markdown code span whose fence is longer than any backtick run inside it. */
export function inlineCode(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const padding = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${padding}${text}${padding}${fence}`;
}

/** Wraps `text` in a fenced Markdown code block whose fence cannot occur inside it. */
export function codeBlock(text: string, language = ''): string {
  const longestRun = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence}${language}\n${text.replace(/\n$/, '')}\n${fence}`;
}

/** Markdown link to the CRIU source of a record, at the release tag of the log's CRIU version. */
export function sourceLinkMarkdown(record: LogRecord, facts: LogFacts): string | undefined {
  if (!record.location) return undefined;
  const url = criuSourceUrl(facts.criuVersion, record.location);
  const at = facts.criuVersion ? `CRIU ${facts.criuVersion}` : 'the CRIU development branch (the log names no version)';
  return `Source: [${record.location.file}:${record.location.line}](${url}) in ${at}`;
}

const ROLE_LABELS: Record<Finding['role'], string> = {
  'root-cause': 'Root cause',
  'other-cause': 'Possible cause',
  'follow-on': 'Follow-on error',
  benign: 'Harmless',
};

/** Markdown for a hover on a finding's line. `analysis` supplies the root cause and CRIU version. */
export function hoverMarkdown(finding: Finding, analysis: Analysis): string {
  const sections: string[] = [];
  sections.push(`**${ROLE_LABELS[finding.role]}: ${escapeMarkdown(finding.title)}** — ${inlineCode(finding.code)}`);

  if (finding.role === 'follow-on') {
    sections.push(followOnNote(finding, analysis.rootCause));
  }
  if (finding.role === 'benign') {
    sections.push('CRIU logs this as an error but carries on; it does not make the dump or restore fail.');
  }

  sections.push(...explanationSections(finding));

  if (finding.role === 'root-cause' && finding.related.length > 0) {
    sections.push(relatedLinesMarkdown(finding.related));
  }

  const source = sourceLinkMarkdown(finding.record, analysis.facts);
  if (source) sections.push(source);
  return sections.join('\n\n');
}

/**
 * Markdown document with everything known about one finding, for the "Show explanation" view.
 * Includes the log facts, so it still makes sense when read apart from the log.
 */
export function explanationMarkdown(finding: Finding, analysis: Analysis, logName: string): string {
  const sections: string[] = [];
  sections.push(`# ${escapeMarkdown(finding.title)}`);
  sections.push(
    [
      `- ${ROLE_LABELS[finding.role]} in ${inlineCode(logName)}, line ${finding.record.line}`,
      `- Code: ${inlineCode(finding.code)}, category ${inlineCode(finding.category)}`,
      ...factLines(analysis.facts),
    ].join('\n'),
  );
  sections.push(`## Log line\n\n${codeBlock(recordText(finding.record))}`);

  if (finding.role === 'follow-on') {
    sections.push(followOnNote(finding, analysis.rootCause));
  }
  sections.push(...explanationSections(finding, '##'));

  if (finding.related.length > 0) {
    sections.push(relatedLinesMarkdown(finding.related));
  }
  const source = sourceLinkMarkdown(finding.record, analysis.facts);
  if (source) sections.push(source);
  return sections.join('\n\n') + '\n';
}

function explanationSections(finding: Finding, heading?: string): string[] {
  const { explanation, causes, fixes } = finding.explanation;
  const sections: string[] = [];
  if (explanation.trim()) sections.push(explanation.trim());

  if (causes.length > 0) {
    const title = heading ? `${heading} Likely causes` : '**Likely causes**, most likely first:';
    sections.push(`${title}\n\n${causes.map((cause, index) => `${index + 1}. ${cause}`).join('\n')}`);
  }
  if (fixes.length > 0) {
    const title = heading ? `${heading} Fixes` : '**Fixes**';
    sections.push(`${title}\n\n${fixes.map(fixMarkdown).join('\n\n')}`);
  }
  return sections;
}

function fixMarkdown(fix: Fix): string {
  const parts = [`- ${fix.description}`];
  if (fix.command) parts.push(indent(codeBlock(fix.command, 'sh')));
  if (fix.criuOption) parts.push(`  CRIU option: ${inlineCode(fix.criuOption)}`);
  if (fix.configSnippet) parts.push(indent(`In a CRIU configuration file:\n\n${codeBlock(fix.configSnippet)}`));
  return parts.join('\n\n');
}

function followOnNote(finding: Finding, rootCause: Finding | null): string {
  if (!rootCause || rootCause === finding) {
    return 'This line reports that an earlier step failed; it is not a cause of its own.';
  }
  return `This line reports that an earlier step failed. The root cause is on line ${rootCause.record.line}: ${escapeMarkdown(rootCause.title)}.`;
}

function relatedLinesMarkdown(related: LogRecord[]): string {
  const lines = related.map((record) => `- line ${record.line}: ${inlineCode(firstLine(record.message))}`);
  return `Follow-on errors caused by this one:\n\n${lines.join('\n')}`;
}

function factLines(facts: LogFacts): string[] {
  const lines: string[] = [];
  if (facts.criuVersion) lines.push(`- CRIU ${facts.criuVersion}${facts.criuGitId ? ` (git ${facts.criuGitId})` : ''}`);
  if (facts.kernel) lines.push(`- Kernel ${facts.kernel}`);
  if (facts.pid !== undefined) lines.push(`- Root task ${facts.pid}${facts.comm ? ` (${facts.comm})` : ''}`);
  if (facts.runtime) lines.push(`- Runtime ${facts.runtime}`);
  return lines;
}

/** Rebuild the record as CRIU printed it, without the timestamp: `Error (criu/mount.c:948): mnt: ...`. */
function recordText(record: LogRecord): string {
  const level = record.level === 'error' ? 'Error ' : record.level === 'warn' ? 'Warn ' : '';
  const location = record.location ? `${level}(${record.location.file}:${record.location.line}): ` : '';
  return `${location}${record.message}`;
}

function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline < 0 ? text : text.slice(0, newline);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}

/** Escapes characters that Markdown would read as formatting in a title taken from the knowledge base. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>#|]/g, (character) => `\\${character}`);
}
