// The HTML of the preflight report panel: verdict, podman command, findings grouped by verdict with
// their evidence and fixes, CRIU configuration and skipped checks. No `vscode` import, so the unit
// tests run it in plain Node. Links carry `data-action` attributes that the page's script posts to
// the extension host as `ReportAction` messages.
import { quoteCommandLine } from '../../engine/shellQuote';
import type { FindingVerdict, PreflightFinding, PreflightInput, PreflightReport, PreflightVerdict } from '../../model/preflight/types';
import { evidenceTarget, groupFindings, podmanFlagOf, splitCodeSpans, type FindingGroup } from './preflightText';

/** Messages from the report page to the extension host. */
export type ReportAction =
  | { type: 'run' }
  | { type: 'recheck' }
  | { type: 'copy'; text: string }
  | { type: 'evidence'; finding: number; evidence: number };

export function isReportAction(value: unknown): value is ReportAction {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'run':
    case 'recheck':
      return true;
    case 'copy':
      return typeof message.text === 'string';
    case 'evidence':
      return Number.isInteger(message.finding) && Number.isInteger(message.evidence);
    default:
      return false;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Returns model text as HTML: every part escaped, and each code span such as `criu --version` in a
 * `<code>` element. The only markup added is that element, so no text from the host becomes HTML.
 */
export function proseHtml(text: string): string {
  return splitCodeSpans(text)
    .map((part) => (part.code ? `<code>${escapeHtml(part.text)}</code>` : escapeHtml(part.text)))
    .join('');
}

function actionAttribute(action: ReportAction): string {
  return `data-action="${escapeHtml(JSON.stringify(action))}"`;
}

const VERDICT_HEADINGS: Record<PreflightVerdict, string> = {
  'will-fail': 'Will fail',
  'needs-flags': 'Works with flags',
  'should-work': 'Should work',
};

const SECTIONS: Array<{ verdict: FindingVerdict; heading: string }> = [
  { verdict: 'blocks', heading: 'Blocks the checkpoint' },
  { verdict: 'needs-flag', heading: 'Needs a flag' },
  { verdict: 'fine', heading: 'Does not stop a checkpoint' },
];

/** Returns the podman command as one shell line. */
export function commandLine(report: PreflightReport): string {
  return quoteCommandLine(report.command);
}

function verdictSentence(report: PreflightReport): string {
  switch (report.verdict) {
    case 'will-fail':
      return 'CRIU will stop on the findings below. Fix them first, or checkpoint anyway to see the log.';
    case 'needs-flags': {
      const flags = report.flags.map((flag) => `<code>${escapeHtml(podmanFlagOf(flag))}</code>`).join(' and ');
      const pronoun = report.flags.length === 1 ? 'it' : 'them';
      const unchecked = report.skipped.length > 0 ? ' Some checks could not run (listed at the end).' : '';
      return `The checkpoint works with ${flags}; the command below includes ${pronoun}.${unchecked}`;
    }
    case 'should-work':
      return report.skipped.length > 0
        ? 'Nothing found stops the checkpoint, but some checks could not run (listed at the end).'
        : 'Nothing found stops the checkpoint.';
  }
}

function hostLine(report: PreflightReport): string {
  const parts = [`host <b>${escapeHtml(report.host.name)}</b>`];
  if (report.container.runtime) parts.push(`runtime ${escapeHtml(report.container.runtime)}`);
  if (report.host.podmanVersion) parts.push(`podman ${escapeHtml(report.host.podmanVersion)}`);
  if (report.host.criuVersion) parts.push(`CRIU ${escapeHtml(report.host.criuVersion)}`);
  if (report.host.kernel) parts.push(`kernel ${escapeHtml(report.host.kernel)}`);
  if (report.collectedAt) parts.push(`read ${escapeHtml(report.collectedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}`);
  return parts.join(' · ');
}

function copyButton(text: string): string {
  return `<a class="button secondary" href="#" ${actionAttribute({ type: 'copy', text })} title="Copy to the clipboard">Copy</a>`;
}

/** Evidence lines and fixes of a card shown before the rest collapse under "N more". */
const EVIDENCE_SHOWN = 5;
const FIXES_SHOWN = 4;

/** Returns how many items to show before folding the rest: all of them when only one would be folded. */
function shownCount(total: number, limit: number): number {
  return total <= limit + 1 ? total : limit;
}

function evidenceHtml(finding: PreflightFinding, index: number, evidenceIndex: number, input: PreflightInput | undefined): string {
  const evidence = finding.evidence[evidenceIndex];
  const target = evidenceTarget(finding, evidence, input);
  const action = actionAttribute({ type: 'evidence', finding: index, evidence: evidenceIndex });
  let link = '';
  if (target?.kind === 'gap') {
    link = ` <a href="#" ${action}>Show in Mounts and Mappings</a>`;
  } else if (target?.kind === 'proc') {
    link = ` <a href="#" ${action}>${escapeHtml(target.label)}</a>`;
  } else if (evidence.source) {
    const where = evidence.source.line !== undefined ? `${evidence.source.file}:${evidence.source.line}` : evidence.source.file;
    link = ` <span class="muted">${escapeHtml(where)}</span>`;
  }
  return `<li><code>${escapeHtml(evidence.text)}</code>${link}</li>`;
}

/**
 * Renders one card for a group of findings with the same check, verdict and title: the first
 * finding's explanation, every finding's evidence, and the fixes without repeats. Explanations
 * that differ between the findings are listed in a collapsed section.
 */
function groupHtml(report: PreflightReport, group: FindingGroup, input: PreflightInput | undefined): string {
  const members = group.indexes.map((index) => ({ finding: report.findings[index], index }));
  const first = members[0].finding;
  const parts: string[] = [];
  const flag = first.flag ? ` <span class="flag">${escapeHtml(podmanFlagOf(first.flag))}</span>` : '';
  const count = members.length > 1 ? ` <span class="count">${members.length}×</span>` : '';
  parts.push(`<div class="finding ${first.verdict}" id="finding-${group.indexes[0]}">`);
  parts.push(`<div class="finding-title"><span class="title">${proseHtml(first.title)}</span>${count}${flag} <span class="badge">${escapeHtml(first.category)}</span></div>`);
  parts.push(`<p class="detail">${proseHtml(first.detail)}</p>`);
  const otherDetails = unique(members.map(({ finding }) => finding.detail)).slice(1);
  if (otherDetails.length > 0) {
    parts.push(`<details class="more"><summary>${otherDetails.length} more explanation${otherDetails.length === 1 ? '' : 's'} for the other findings</summary><ul>`);
    for (const detail of otherDetails) parts.push(`<li>${proseHtml(detail)}</li>`);
    parts.push('</ul></details>');
  }

  const evidence = members.flatMap(({ finding, index }) => finding.evidence.map((_, evidenceIndex) => evidenceHtml(finding, index, evidenceIndex, input)));
  const evidenceShown = shownCount(evidence.length, EVIDENCE_SHOWN);
  if (evidence.length > 0) parts.push('<ul class="evidence">', ...evidence.slice(0, evidenceShown), '</ul>');
  if (evidence.length > evidenceShown) {
    const hidden = evidence.length - evidenceShown;
    parts.push(`<details class="more"><summary>${hidden} more</summary><ul class="evidence">`, ...evidence.slice(evidenceShown), '</ul></details>');
  }

  const fixes = uniqueBy(
    members.flatMap(({ finding }) => finding.fixes),
    (fix) => JSON.stringify([fix.description, fix.command, fix.configSnippet]),
  );
  if (fixes.length > 0 && first.verdict !== 'fine') {
    const fixHtml = fixes.map((fix) => {
      const lines = [`<li>${proseHtml(fix.description)}`];
      if (fix.command) lines.push(`<div class="code-row"><pre>${escapeHtml(fix.command)}</pre>${copyButton(fix.command)}</div>`);
      if (fix.configSnippet) lines.push(`<div class="code-row"><pre>${escapeHtml(fix.configSnippet)}</pre>${copyButton(fix.configSnippet)}</div>`);
      lines.push('</li>');
      return lines.join('');
    });
    const fixesShown = shownCount(fixHtml.length, FIXES_SHOWN);
    parts.push('<div class="fixes"><div class="label">Fixes</div><ol>', ...fixHtml.slice(0, fixesShown), '</ol>');
    if (fixHtml.length > fixesShown) {
      const hidden = fixHtml.length - fixesShown;
      parts.push(`<details class="more"><summary>${hidden} more fixes</summary><ol start="${fixesShown + 1}">`, ...fixHtml.slice(fixesShown), '</ol></details>');
    }
    parts.push('</div>');
  }
  const kbCodes = unique(members.flatMap(({ finding }) => (finding.kbCode ? [finding.kbCode] : [])));
  const expected = kbCodes.length > 0 ? ` · expected CRIU error ${kbCodes.map((code) => `<code>${escapeHtml(code)}</code>`).join(', ')}` : '';
  parts.push(`<div class="muted small">check <code>${escapeHtml(first.check)}</code>${expected}</div>`);
  parts.push('</div>');
  return parts.join('\n');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function uniqueBy<T>(values: T[], key: (value: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const valueKey = key(value);
    if (seen.has(valueKey)) return false;
    seen.add(valueKey);
    return true;
  });
}

/** Page parts the panel supplies: the CSP source and the nonce of the one inline script and style. */
export interface PageOptions {
  cspSource: string;
  nonce: string;
  /** False while a checkpoint or another preflight runs on the container, which disables Run. */
  canRun: boolean;
  /** One sentence shown above the command, e.g. why Run is disabled. */
  notice?: string;
}

/** Renders the whole report page. Every text from the host is escaped. */
export function preflightReportHtml(report: PreflightReport, input: PreflightInput | undefined, options: PageOptions): string {
  const body: string[] = [];
  body.push(`<h1>Preflight of ${escapeHtml(report.container.name)}</h1>`);
  body.push(`<div class="host">${hostLine(report)}</div>`);
  body.push(`<section class="verdict ${report.verdict}"><div class="verdict-word">${VERDICT_HEADINGS[report.verdict]}</div><div>${verdictSentence(report)}</div></section>`);

  const command = commandLine(report);
  body.push('<h2>Command</h2>');
  if (options.notice) body.push(`<p class="notice">${escapeHtml(options.notice)}</p>`);
  body.push(`<div class="code-row"><pre class="command">${escapeHtml(command)}</pre></div>`);
  const runTitle = options.canRun ? 'Run this command through the host prefix, as Checkpoint Container does' : 'An operation runs on this container';
  body.push(
    `<div class="actions"><a class="button${options.canRun ? '' : ' disabled'}" href="#" ${actionAttribute({ type: 'run' })} title="${escapeHtml(runTitle)}">Run This Checkpoint</a>${copyButton(command)}<a class="button secondary" href="#" ${actionAttribute({ type: 'recheck' })}>Check Again</a></div>`,
  );

  const findingGroups = groupFindings(report);
  for (const section of SECTIONS) {
    const groups = findingGroups.filter((group) => group.verdict === section.verdict);
    if (groups.length === 0) continue;
    const count = groups.reduce((sum, group) => sum + group.indexes.length, 0);
    const html = groups.map((group) => groupHtml(report, group, input)).join('\n');
    if (section.verdict === 'fine') {
      body.push(`<details class="section"><summary><h2>${section.heading} (${count})</h2></summary>${html}</details>`);
    } else {
      body.push(`<h2>${section.heading} (${count})</h2>`, html);
    }
  }
  if (report.findings.length === 0) body.push('<p class="muted">No findings.</p>');

  if (report.criuConfig.length > 0) {
    body.push('<h2>CRIU configuration</h2>');
    for (const config of report.criuConfig) {
      body.push(`<p>${proseHtml(config.reason)} Add to <code>${escapeHtml(config.file)}</code>:</p>`);
      body.push(`<div class="code-row"><pre>${escapeHtml(config.snippet)}</pre>${copyButton(config.snippet)}</div>`);
    }
  }

  if (report.skipped.length > 0) {
    body.push(`<h2>Checks that could not run (${report.skipped.length})</h2><ul class="skipped">`);
    for (const skipped of report.skipped) body.push(`<li><code>${escapeHtml(skipped.check)}</code>: ${proseHtml(skipped.reason)}</li>`);
    body.push('</ul>');
  }

  const issues = report.inputIssues ?? [];
  if (issues.length > 0) {
    body.push(`<h2>Input lines left out (${issues.length})</h2><ul class="skipped">`);
    for (const issue of issues) body.push(`<li><code>${escapeHtml(issue.file)}:${issue.line}</code>: ${proseHtml(issue.reason)}</li>`);
    body.push('</ul>');
  }

  const csp = [`default-src 'none'`, `script-src 'nonce-${options.nonce}'`, `style-src 'nonce-${options.nonce}'`, `font-src ${options.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${options.nonce}">${REPORT_CSS}</style>
<title>Preflight of ${escapeHtml(report.container.name)}</title>
</head>
<body>
<main>
${body.join('\n')}
</main>
<script nonce="${options.nonce}">${REPORT_SCRIPT}</script>
</body>
</html>`;
}

const REPORT_SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('[data-action]') : null;
  if (!link) return;
  event.preventDefault();
  if (link.classList.contains('disabled')) return;
  vscode.postMessage(JSON.parse(link.getAttribute('data-action')));
});
`;

const REPORT_CSS = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 24px; line-height: 1.45; }
main { max-width: 980px; }
h1 { font-size: 1.6em; font-weight: 600; margin: 18px 0 2px; }
h2 { font-size: 1.15em; font-weight: 600; margin: 22px 0 8px; display: inline-block; }
summary { cursor: pointer; }
.section > summary { margin-top: 22px; }
summary h2 { margin: 0; }
.host, .muted { color: var(--vscode-descriptionForeground); }
.small { font-size: 0.9em; margin-top: 6px; }
code, pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
code { background: var(--vscode-textCodeBlock-background); padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; }
pre { background: var(--vscode-textCodeBlock-background); padding: 8px 10px; margin: 4px 0; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; flex: 1; min-width: 0; }
.code-row { display: flex; gap: 8px; align-items: flex-start; }
.code-row .button { margin-top: 4px; }
.verdict { margin: 14px 0 4px; padding: 10px 14px; border-left: 4px solid; border-radius: 3px; background: var(--vscode-textBlockQuote-background); }
.verdict-word { font-size: 1.25em; font-weight: 600; margin-bottom: 2px; }
.verdict.will-fail { border-color: var(--vscode-editorError-foreground); }
.verdict.will-fail .verdict-word { color: var(--vscode-editorError-foreground); }
.verdict.needs-flags { border-color: var(--vscode-editorWarning-foreground); }
.verdict.needs-flags .verdict-word { color: var(--vscode-editorWarning-foreground); }
.verdict.should-work { border-color: var(--vscode-testing-iconPassed, #388a34); }
.verdict.should-work .verdict-word { color: var(--vscode-testing-iconPassed, #388a34); }
.command { font-weight: 600; }
.notice { color: var(--vscode-editorWarning-foreground); margin: 4px 0; }
.actions { display: flex; gap: 8px; margin: 8px 0 4px; }
.button { display: inline-block; padding: 4px 12px; border-radius: 2px; text-decoration: none; background: var(--vscode-button-background); color: var(--vscode-button-foreground); white-space: nowrap; }
.button:hover { background: var(--vscode-button-hoverBackground); }
.button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
.button.secondary:hover { background: var(--vscode-button-secondaryHoverBackground); }
.button.disabled { opacity: 0.5; cursor: default; }
a { color: var(--vscode-textLink-foreground); }
.finding { border: 1px solid var(--vscode-panel-border, rgba(128,128,128,0.35)); border-left-width: 4px; border-radius: 3px; padding: 8px 12px; margin: 8px 0; }
.finding.blocks { border-left-color: var(--vscode-editorError-foreground); }
.finding.needs-flag { border-left-color: var(--vscode-editorWarning-foreground); }
.finding.fine { border-left-color: var(--vscode-descriptionForeground); }
.finding-title .title { font-weight: 600; }
.count { font-weight: 600; margin-left: 4px; color: var(--vscode-descriptionForeground); }
.more { margin: 4px 0; color: var(--vscode-descriptionForeground); }
.more summary { margin: 0; }
.fixes .more { color: inherit; }
.badge, .flag { font-size: 0.85em; padding: 1px 6px; border-radius: 8px; margin-left: 4px; }
.badge { background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.flag { border: 1px solid var(--vscode-editorWarning-foreground); color: var(--vscode-editorWarning-foreground); font-family: var(--vscode-editor-font-family); }
.detail { margin: 6px 0; }
.evidence { margin: 6px 0; padding-left: 20px; }
.evidence li { margin: 3px 0; }
.evidence a, .evidence .muted { margin-left: 6px; white-space: nowrap; }
.fixes .label { font-weight: 600; margin-top: 6px; }
.fixes ol { margin: 4px 0; padding-left: 20px; }
.skipped { padding-left: 20px; }
`;
