/**
 * `checkpoint-lens preflight`: predicts from a running container whether `podman container
 * checkpoint` will work, and with which flags, before CRIU runs.
 */
import { parseArgs } from 'node:util';

import { CollectError } from '../engine/collect';
import { CancelledError, CommandError } from '../engine/errors';
import { type Host, HostCommandError } from '../engine/hosts';
import { runPreflight } from '../engine/preflight';
import { PodmanOutputError } from '../engine/podmanJson';
import { type CommandRunner, ProcessRunner } from '../engine/runner';
import { quoteCommandLine } from '../engine/shellQuote';
import { describeParseArgsError, isParseArgsError } from './parseArgsError';
import { describeCommand } from './snapshot';
import { PODMAN_FLAGS } from '../model/preflight';
import type { PreflightFinding, PreflightIntent, PreflightReport, PreflightVerdict } from '../model/preflight/types';
import { HOST_OPTIONS, HOST_OPTIONS_HELP, HostOptionError, type HostOptionValues, type HostsEnvironment, resolveHost } from './hosts';
import { escapeControls, escapeLines, wrapWords } from './terminalText';

export const PREFLIGHT_USAGE = `Usage: checkpoint-lens preflight --container NAME [--host NAME | --host-prefix-json JSON]
                                 [--export] [--pre-checkpoint] [--leave-running] [--json]

Reads a running podman container's processes, sockets, locks and open files, and the host's
podman, runtime and CRIU, and predicts whether "podman container checkpoint" will work and with
which flags. Nothing is checkpointed and the container keeps running.

Options:
  --container NAME          name or ID of a running podman container
${HOST_OPTIONS_HELP}
  --export                  the checkpoint will be exported (--export or --create-image)
  --pre-checkpoint          the checkpoint will be a pre-checkpoint; also probes dirty tracking
  --leave-running           the checkpoint will use --leave-running
  --json                    print the report as one JSON object instead of text
  -h, --help                show this help

When a check could not run (a program such as ss missing on the host, a /proc file unreadable),
the first line says "should work as far as checked" (or "needs flags as far as checked") with each
such check and its cause, "Not checked:" lists them all, and the JSON report has
"complete": false. The exit status stays that of the verdict.

Exit status: 0 when the checkpoint should work, 1 when it needs flags (the command to run is
printed), 2 when it will fail, 3 for a usage error or a container or host that cannot be read
(not running, not found, permission denied, cancelled or timed out), 4 when standard output
cannot be written (nothing is printed for a closed pipe). Ctrl-C (SIGINT) stops the commands the
preflight started, prints "cancelled" and exits 3.
`;

/** Exit status of `preflight`. Usage and read errors get 3, unlike in the other commands, because 2 is the "will fail" verdict. */
export const PREFLIGHT_EXIT: Record<PreflightVerdict | 'error', number> = {
  'should-work': 0,
  'needs-flags': 1,
  'will-fail': 2,
  error: 3,
};

/** A problem with the command line, printed with a pointer to the help. */
export class PreflightUsageError extends Error {
  override name = 'PreflightUsageError';
}

export interface PreflightCliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Runner of the host commands, a ProcessRunner when missing. */
  runner?: CommandRunner;
  /** Collection and checks, the engine's runPreflight when missing. */
  runPreflight?: typeof runPreflight;
  /** Variables that locate the hosts file, process.env when missing. */
  env?: HostsEnvironment;
  /** Aborts the preflight; when missing, SIGINT (Ctrl-C) aborts it. */
  signal?: AbortSignal;
}

const WIDTH = 100;
const EVIDENCE_LIMIT = 8;

/** Wraps `text` at WIDTH columns; control characters in it are escaped first, so a newline or tab stays visible. */
function wrap(text: string, indent: string, hangingIndent = indent): string[] {
  return wrapWords(escapeControls(text), WIDTH, indent, hangingIndent);
}

const EXPORT_PLACEHOLDER = '--export=<file>';

const VERDICT_TEXT: Record<PreflightVerdict, string> = {
  'should-work': 'should work',
  'needs-flags': 'needs flags',
  'will-fail': 'will fail',
};

function evidenceLine(evidence: PreflightFinding['evidence'][number]): string {
  const source = evidence.source ? ` (${evidence.source.file}${evidence.source.line === undefined ? '' : `, line ${evidence.source.line}`})` : '';
  return `${evidence.text}${source}`;
}

function renderFinding(finding: PreflightFinding, detailed: boolean, container: string): string[] {
  const tags = [finding.category, finding.flag && `flag ${PODMAN_FLAGS[finding.flag]}`, finding.kbCode].filter(Boolean).join(', ');
  const out = [`  ${escapeControls(finding.title)} [${tags}]`];
  if (!detailed) return out;
  out.push(...wrap(finding.detail, '    '));
  for (const evidence of finding.evidence.slice(0, EVIDENCE_LIMIT)) out.push(...wrap(evidenceLine(evidence), '    - ', '      '));
  if (finding.evidence.length > EVIDENCE_LIMIT) out.push(`    … and ${finding.evidence.length - EVIDENCE_LIMIT} more (see --json)`);
  for (const fix of finding.fixes) {
    out.push(...wrap(`fix: ${fix.description}`, '    ', '         '));
    if (fix.command) out.push(`      $ ${fix.command.replaceAll('<container>', quoteCommandLine([container]))}`);
  }
  return out;
}

/**
 * Returns the first line's note on checks that could not run, e.g. `as far as checked; 1 check
 * could not run: unix-sockets (ss was not found on the host: install iproute2)`, with the first
 * sentence of each check's first reason. Empty for a complete report and for "will fail", which a
 * missing check cannot change.
 */
function uncertainty(report: PreflightReport): string {
  if (report.skipped.length === 0 || report.verdict === 'will-fail') return '';
  const reasons = new Map<string, string>();
  for (const skipped of report.skipped) {
    if (!reasons.has(skipped.check)) reasons.set(skipped.check, skipped.reason.split(/\.(?:\s|$)/)[0]);
  }
  const count = reasons.size === 1 ? '1 check' : `${reasons.size} checks`;
  const list = [...reasons].map(([check, reason]) => `${check} (${reason})`).join(', ');
  return ` as far as checked; ${count} could not run: ${list}`;
}

/**
 * Renders a preflight report for a terminal: verdict, findings by verdict with evidence, the
 * command, CRIU configuration. Control characters from /proc and the container (names, paths,
 * process names) are escaped.
 */
export function renderPreflightText(report: PreflightReport): string {
  const about = [
    report.host.podmanVersion && `podman ${report.host.podmanVersion}`,
    report.container.runtime,
    report.host.criuVersion && `CRIU ${report.host.criuVersion}`,
    report.host.kernel && `kernel ${report.host.kernel}`,
  ].filter(Boolean);
  const out = wrap(`container ${report.container.name} on host ${report.host.name}: checkpoint ${VERDICT_TEXT[report.verdict]}${uncertainty(report)}`, '', '  ');
  if (about.length > 0) out.push(`  ${about.join(', ')}`);

  const groups: { title: string; verdict: PreflightFinding['verdict'] }[] = [
    { title: 'Blocks the checkpoint', verdict: 'blocks' },
    { title: 'Needs a flag', verdict: 'needs-flag' },
    { title: 'Fine', verdict: 'fine' },
  ];
  for (const group of groups) {
    const findings = report.findings.filter((finding) => finding.verdict === group.verdict);
    if (findings.length === 0) continue;
    out.push('', `${group.title} (${findings.length}):`);
    for (const finding of findings) out.push(...renderFinding(finding, group.verdict !== 'fine', report.container.name));
  }

  if (report.verdict !== 'will-fail' && report.command.length > 0) {
    // `--export=<file>` is the report's placeholder; quoted, a shell would take it literally, and
    // unquoted it is a redirection, so the text proposes a file in the current folder instead.
    const exportFile = `${report.container.name}-checkpoint.tar.gz`;
    const command = report.command.map((word) => (word === EXPORT_PLACEHOLDER ? `--export=${exportFile}` : word));
    out.push('', report.verdict === 'needs-flags' ? 'Run:' : 'Command:', `  $ ${quoteCommandLine(command)}`);
    if (report.command.includes(EXPORT_PLACEHOLDER)) out.push(...wrap(`(--export writes ${exportFile} in the current folder: change the path as needed)`, '  ', '   '));
  }
  if (report.criuConfig.length > 0) {
    out.push('', 'CRIU configuration:');
    for (const entry of report.criuConfig) {
      out.push(`  ${entry.file}:`);
      out.push(...wrap(entry.reason, '    # ', '    # '));
      out.push(...entry.snippet.trimEnd().split('\n').map((line) => `    ${line}`));
    }
  }
  if (report.skipped.length > 0) {
    out.push('', 'Not checked:');
    for (const skipped of report.skipped) out.push(...wrap(`${skipped.check}: ${skipped.reason}`, '  ', '    '));
  }
  if (report.inputIssues && report.inputIssues.length > 0) {
    out.push('', `${report.inputIssues.length} input ${report.inputIssues.length === 1 ? 'line was' : 'lines were'} not understood:`);
    for (const issue of report.inputIssues.slice(0, 10)) out.push(`  ${escapeControls(issue.file)} line ${issue.line}: ${escapeControls(issue.reason)}`);
    if (report.inputIssues.length > 10) out.push(`  … and ${report.inputIssues.length - 10} more (see --json)`);
  }
  return `${escapeLines(out.join('\n'))}\n`;
}

function parsePreflightArgs(args: string[]): { container: string; hostOptions: HostOptionValues; intent: PreflightIntent; json: boolean } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        container: { type: 'string' },
        ...HOST_OPTIONS,
        export: { type: 'boolean', default: false },
        'pre-checkpoint': { type: 'boolean', default: false },
        'leave-running': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    if (isParseArgsError(error)) throw new PreflightUsageError(describeParseArgsError(error));
    throw error;
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length > 0) throw new PreflightUsageError(`unexpected argument "${positionals[0]}"; name the container with --container NAME`);
  if (values.container === undefined) throw new PreflightUsageError('missing --container NAME');
  if (values.container === '') throw new PreflightUsageError('--container needs a container name or ID');
  if (values.host !== undefined && values.host.trim() === '') throw new PreflightUsageError('--host needs a host name');

  const intent: PreflightIntent = {};
  if (values.export) intent.export = true;
  if (values['pre-checkpoint']) intent.preCheckpoint = true;
  if (values['leave-running']) intent.leaveRunning = true;
  const hostOptions: HostOptionValues = { host: values.host, 'hosts-file': values['hosts-file'], 'host-prefix-json': values['host-prefix-json'] };
  return { container: values.container, hostOptions, intent, json: values.json };
}

/** Ends `text` with a full stop unless it ends with a sentence's punctuation already. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * Reports whether a failure may come from the host's command prefix rather than podman: a failure
 * without a recognized podman or runtime message, a missing program, or a timeout.
 */
function mayBePrefixFailure(error: CommandError): boolean {
  if (error.kind === 'failed' || error.kind === 'timed-out') return true;
  return error.kind === 'not-found' && 'missing' in error && error.missing === 'program';
}

/**
 * Turns a failure to reach or read the container into one line for stderr: the message and hint as
 * sentences, the command with long words such as the collect script shortened, and for a failure
 * that may come from the prefix, the container's name and where to check the prefix.
 */
function describeFailure(error: unknown, container: string, host: Host): string | undefined {
  if (error instanceof CommandError) {
    const prefixSuspect = host.prefix.length > 0 && mayBePrefixFailure(error);
    const message = prefixSuspect && !error.message.includes(container) ? `cannot read container ${container}: ${error.message}` : error.message;
    const hint = error.hint ? ` ${sentence(error.hint)}` : '';
    const command = error.command.length > 0 ? ` (command: ${describeCommand(error.command)})` : '';
    const where = host.name === 'command line' ? '--host-prefix-json' : `the prefix of host "${host.name}"`;
    const prefixHint = prefixSuspect ? ` Check that ${where} runs commands on the intended host.` : '';
    return `${sentence(message)}${hint}${command}${prefixHint}`;
  }
  if (error instanceof CollectError || error instanceof HostCommandError || error instanceof PodmanOutputError) return error.message;
  return undefined;
}

/** Runs `work` with a signal that SIGINT aborts, and removes the SIGINT handler afterwards. */
async function withSigint<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', abort);
  }
}

/** Runs `preflight` with the arguments after the command name; returns the exit status (see PREFLIGHT_EXIT). */
export async function runPreflightCli(args: string[], io: PreflightCliIo): Promise<number> {
  let options;
  try {
    options = parsePreflightArgs(args);
    if (options === 'help') {
      io.stdout(PREFLIGHT_USAGE);
      return PREFLIGHT_EXIT['should-work'];
    }
  } catch (error) {
    if (!(error instanceof PreflightUsageError)) throw error;
    io.stderr(`checkpoint-lens preflight: ${error.message}\nRun "checkpoint-lens preflight --help" for usage.\n`);
    return PREFLIGHT_EXIT.error;
  }

  let host: Host;
  try {
    host = resolveHost(options.hostOptions, io.env ?? process.env);
  } catch (error) {
    if (!(error instanceof HostOptionError)) throw error;
    io.stderr(`checkpoint-lens preflight: ${error.message}\n`);
    return PREFLIGHT_EXIT.error;
  }

  let report: PreflightReport;
  const runner = io.runner ?? new ProcessRunner();
  try {
    const run = (signal: AbortSignal): Promise<PreflightReport> =>
      (io.runPreflight ?? runPreflight)(runner, host, options.container, options.intent, { timeoutMs: 120_000, signal });
    report = await (io.signal ? run(io.signal) : withSigint(run));
  } catch (error) {
    if (error instanceof CancelledError) {
      io.stderr('checkpoint-lens preflight: cancelled\n');
      if (runner instanceof ProcessRunner) await runner.settleKills();
      return PREFLIGHT_EXIT.error;
    }
    const message = describeFailure(error, options.container, host);
    if (message === undefined) throw error;
    io.stderr(`checkpoint-lens preflight: ${message}\n`);
    return PREFLIGHT_EXIT.error;
  }

  io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderPreflightText(report));
  return PREFLIGHT_EXIT[report.verdict];
}
