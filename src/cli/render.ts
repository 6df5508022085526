import { criuSourceUrl } from '../model/criuSource';
import { verdictOf } from '../model/report';
import type { Analysis } from '../model/types';
import { escapeControls, escapeLines, wrapWords } from './terminalText';

const WIDTH = 100;

/**
 * Wrap prose to `WIDTH` columns with `indent` before the first line of each paragraph and
 * `hangingIndent` before the lines that continue it; keeps existing line breaks.
 */
function wrap(text: string, indent: string, hangingIndent = indent): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const wrapped = wrapWords(paragraph, WIDTH, indent, hangingIndent);
    // An empty paragraph keeps its line, as a blank line with the indent.
    lines.push(...(wrapped.length > 0 ? wrapped : [indent]));
  }
  return lines.join('\n');
}

/** Cut a log message for one terminal line or two, with control characters escaped; the JSON output keeps it whole. */
function shorten(text: string, max = 240): string {
  return escapeControls(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}

/**
 * Render the analysis as text for a terminal: verdict, root-cause line, explanation, causes, fixes.
 * Control characters from the log (an escape sequence, a tab) are escaped on every line.
 */
export function renderText(analysis: Analysis, file: string): string {
  return `${escapeLines(renderLines(analysis, file))}\n`;
}

function renderLines(analysis: Analysis, file: string): string {
  const out: string[] = [];
  const facts = analysis.facts;
  out.push(`${escapeControls(file)}: ${verdictOf(analysis)}`);
  const about = [
    facts.criuVersion && `CRIU ${facts.criuVersion}`,
    facts.kernel && `kernel ${facts.kernel}`,
    facts.pid !== undefined && `pid ${facts.pid}${facts.comm ? ` (${escapeControls(facts.comm)})` : ''}`,
    `${analysis.lineCount} lines`,
  ].filter(Boolean);
  out.push(`  ${escapeControls(about.join(', '))}`);
  if (facts.referencedLog) out.push(`  CRIU log named in this output: ${escapeControls(facts.referencedLog)}`);

  const root = analysis.rootCause;
  if (!root && analysis.outcome === 'unknown') {
    out.push(
      '',
      wrap(
        'Next steps: CRIU may still be running (check with ps), it may have been killed, for example by the OOM killer (dmesg --ctime | tail), or this is only part of the log. Look for "Dumping finished successfully", "Restore finished successfully" or "FAILED" in the complete file.',
        '  ',
      ),
    );
  }
  if (!root) return out.join('\n');

  out.push('');
  const firstLine = shorten(root.record.message.split('\n')[0]);
  out.push(`Root cause, line ${root.record.line} [${root.category} / ${root.code}]:`);
  out.push(`  ${firstLine}`);
  if (root.record.location) out.push(`  source: ${criuSourceUrl(facts.criuVersion, root.record.location)}`);
  if (root.related.length > 0) {
    out.push(`  follow-on errors: ${root.related.map((record) => `line ${record.line} (${shorten(record.message.split('\n')[0], 120)})`).join(', ')}`);
  }

  out.push('', 'What it means:', wrap(root.explanation.explanation, '  '));
  if (root.explanation.causes.length > 0) {
    out.push('', 'Likely causes, most likely first:');
    root.explanation.causes.forEach((cause, index) => out.push(wrap(`${index + 1}. ${cause}`, '  ', '     ')));
  }
  if (root.explanation.fixes.length > 0) {
    out.push('', 'What to do:');
    for (const fix of root.explanation.fixes) {
      out.push(wrap(`- ${fix.description}`, '  ', '    '));
      if (fix.command) out.push(`      $ ${fix.command}`);
      if (fix.configSnippet) out.push(...fix.configSnippet.trimEnd().split('\n').map((line) => `      ${line}`));
    }
  }

  const others = analysis.findings.filter((finding) => finding.role === 'other-cause');
  if (others.length > 0) {
    out.push('', 'Other errors:');
    for (const finding of others.slice(0, 10)) out.push(`  line ${finding.record.line} [${finding.category}]: ${shorten(finding.record.message.split('\n')[0])}`);
    if (others.length > 10) out.push(`  ... and ${others.length - 10} more (see --json)`);
  }
  if (analysis.droppedRecordCount > 0) {
    out.push('', `${analysis.droppedRecordCount} more error and warning lines in the middle of the log were counted but not analysed, to bound memory.`);
  }
  return out.join('\n');
}
