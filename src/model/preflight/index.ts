/**
 * The preflight: predicts from a live container's /proc files and the host's facts whether
 * `podman container checkpoint` will work, and proposes the command that will. Pure: it reads only
 * its input (see types.ts); src/engine/preflight.ts collects that input.
 */
import { CHECKS } from './checks';
import type { Check } from './finding';
import { buildContext, type ContextSinks } from './context';
import { configFileToEdit } from './criuConfig';
import { orderFixes } from './fixOrder';
import type { Fix } from '../types';
import { PREFLIGHT_REPORT_VERSION, type FindingVerdict, type PreflightFinding, type PreflightFlag, type PreflightInput, type PreflightReport, type PreflightVerdict } from './types';

export * from './types';
export { CHECKS } from './checks';

/** podman's flag for each preflight flag. */
export const PODMAN_FLAGS: Record<PreflightFlag, string> = {
  tcpEstablished: '--tcp-established',
  fileLocks: '--file-locks',
};

const VERDICT_ORDER: Record<FindingVerdict, number> = { blocks: 0, 'needs-flag': 1, fine: 2 };

/**
 * Puts the container's name into a fix's command in place of the knowledge base's `<container>`.
 * podman 5.4.2 accepts only names that match [a-zA-Z0-9][a-zA-Z0-9_.-]* (NameRegex of
 * containers/common), so the name needs no shell quoting.
 */
function withContainerName(fix: Fix, name: string): Fix {
  return fix.command?.includes('<container>') ? { ...fix, command: fix.command.replaceAll('<container>', name) } : fix;
}

function overallVerdict(findings: PreflightFinding[]): PreflightVerdict {
  if (findings.some((finding) => finding.verdict === 'blocks')) return 'will-fail';
  if (findings.some((finding) => finding.verdict === 'needs-flag')) return 'needs-flags';
  return 'should-work';
}

/** Builds the podman command with the flags the findings ask for and the options the user intends. */
export function checkpointCommand(input: PreflightInput, flags: PreflightFlag[]): string[] {
  const command = ['podman', 'container', 'checkpoint'];
  for (const flag of flags) command.push(PODMAN_FLAGS[flag]);
  const intent = input.intent ?? {};
  if (intent.export) command.push(`--export=${intent.exportPath ?? '<file>'}`);
  if (intent.leaveRunning) command.push('--leave-running');
  if (intent.preCheckpoint) command.push('--pre-checkpoint');
  command.push(input.container.name);
  return command;
}

/**
 * Collects the CRIU configuration that blocking findings ask for, one entry per file: the fixes with a
 * snippet for the file this container's runtime makes CRIU read (see criuConfig.ts).
 */
function criuConfigFor(input: PreflightInput, findings: PreflightFinding[]): PreflightReport['criuConfig'] {
  const file = configFileToEdit(input);
  const header = `# ${file}\n`;
  const lines: string[] = [];
  const reasons: string[] = [];
  for (const finding of findings) {
    if (finding.verdict !== 'blocks') continue;
    for (const fix of finding.fixes) {
      if (!fix.configSnippet?.startsWith(header)) continue;
      const body = fix.configSnippet.slice(header.length).trim();
      if (body === '' || lines.includes(body)) continue;
      lines.push(body);
      reasons.push(`${finding.title} (${fix.criuOption ?? finding.check})`);
    }
  }
  if (lines.length === 0) return [];
  return [{ file, snippet: `${lines.join('\n')}\n`, reason: reasons.join('; ') }];
}

/** Runs every check on the input and assembles the report. Never throws on malformed /proc text. */
export function runChecks(input: PreflightInput, checks: readonly Check[] = CHECKS): PreflightReport {
  const sinks: ContextSinks = { skipped: [], inputIssues: [] };
  const ctx = buildContext(input, sinks);
  const findings: PreflightFinding[] = [];
  for (const check of checks) findings.push(...check.run(ctx));
  for (const finding of findings) finding.fixes = orderFixes(finding.fixes, input).map((fix) => withContainerName(fix, input.container.name));
  findings.sort((a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict]);

  const flags: PreflightFlag[] = [];
  for (const finding of findings) {
    if (finding.verdict === 'needs-flag' && finding.flag !== undefined && !flags.includes(finding.flag)) flags.push(finding.flag);
  }

  const report: PreflightReport = {
    version: PREFLIGHT_REPORT_VERSION,
    verdict: overallVerdict(findings),
    container: { name: input.container.name, id: input.container.id },
    host: { name: input.host.name },
    findings,
    flags,
    command: checkpointCommand(input, flags),
    criuConfig: criuConfigFor(input, findings),
    skipped: sinks.skipped,
    complete: sinks.skipped.length === 0,
  };
  if (input.container.runtime?.name !== undefined) report.container.runtime = input.container.runtime.name;
  if (input.host.kernel !== undefined) report.host.kernel = input.host.kernel;
  if (input.host.criuVersion !== undefined) report.host.criuVersion = input.host.criuVersion;
  if (input.host.podmanVersion !== undefined) report.host.podmanVersion = input.host.podmanVersion;
  if (sinks.inputIssues.length > 0) report.inputIssues = sinks.inputIssues;
  if (input.collectedAt !== undefined) report.collectedAt = input.collectedAt;
  return report;
}
