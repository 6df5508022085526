// The preflight's text in the Containers view: the row's suffix and tooltip line, the flags to tick
// in the checkpoint quick pick, the will-fail warning, and the collected /proc text a finding's
// evidence points at. No `vscode` import, so the unit tests run it in plain Node.
import { CHECKPOINT_FLAGS } from '../../engine/podmanArgs';
import type { Evidence, PreflightFinding, PreflightFlag, PreflightInput, PreflightReport, PreflightVerdict } from '../../model/preflight/types';
import { analyzeGaps, type Gap } from '../../model/procfs/analyzeGaps';
import { splitByProcess } from '../../model/procfs/snapshot';
import { escapeMarkdown, inlineCode } from '../findingText';
import type { FlagChoice } from './checkpointChoices';
import type { ContainerView } from './model';

/** A preflight result kept for one container, with the container's state when it was taken. */
export interface PreflightRecord {
  report: PreflightReport;
  /** The text the checks read, so a finding can open the /proc line it names; unset when the engine did not return it. */
  input: PreflightInput | undefined;
  /** `containerStateKey` of the container when the preflight ran. */
  stateKey: string;
  checkedAt: Date;
  /**
   * The first checkpoint of the container that ran after this preflight. Its outcome outdates the
   * result even when the container's state did not change, e.g. a failed dump that leaves it running.
   */
  checkpointAfter?: { at: Date; outcome: CheckpointOutcome };
}

/** Outcome of a checkpoint that podman ran; a checkpoint rejected before podman ran changes nothing. */
export type CheckpointOutcome = 'succeeded' | 'failed' | 'cancelled';

/**
 * Returns a key that changes whenever the container's result may change: its state, its first
 * process and its last checkpoint or restore. A record whose key differs is stale.
 */
export function containerStateKey(container: ContainerView): string {
  return [container.state, container.pid ?? '', container.checkpointedAt?.getTime() ?? '', container.restoredAt?.getTime() ?? ''].join('|');
}

/** Returns the record when it was taken in the container's current state and no checkpoint ran since, else undefined. */
export function currentPreflight(record: PreflightRecord | undefined, container: ContainerView): PreflightRecord | undefined {
  return record && !record.checkpointAfter && record.stateKey === containerStateKey(container) ? record : undefined;
}

/** Returns the record marked with the first checkpoint that ran after it; a record already marked keeps its mark. */
export function withCheckpointAfter(record: PreflightRecord, outcome: CheckpointOutcome, at: Date): PreflightRecord {
  return record.checkpointAfter ? record : { ...record, checkpointAfter: { at, outcome } };
}

/**
 * Returns the sentence shown above the report's command when the result is not current, or
 * undefined when it is. `container` is undefined when the host no longer lists it, and
 * `operation` names what runs on it now, e.g. `Checkpointing`.
 */
export function reportNotice(record: PreflightRecord, hostName: string, container: ContainerView | undefined, operation: string | undefined): string | undefined {
  const name = record.report.container.name;
  if (!container) return `${name} is no longer listed on host ${hostName}.`;
  if (operation) return `${operation} ${container.name}…`;
  const after = record.checkpointAfter;
  if (after?.outcome === 'failed') {
    const expected = record.report.verdict === 'will-fail' ? 'as this check predicted' : 'although this check expected it to work';
    return `A checkpoint of ${container.name} failed after this check, ${expected}; its dump.log names the cause. Check Again before the next checkpoint.`;
  }
  if (after?.outcome === 'succeeded') return `${container.name} was checkpointed after this check and is ${container.state} now. Check Again before the next checkpoint.`;
  if (after?.outcome === 'cancelled') return `A checkpoint of ${container.name} was cancelled after this check. Check Again before the next checkpoint.`;
  if (!currentPreflight(record, container)) return `${container.name} changed since this check and is ${container.state} now. Check Again before the next checkpoint.`;
  return undefined;
}

/** A piece of model text: plain prose, or the inside of a Markdown code span such as `criu --version`. */
export interface TextPart {
  text: string;
  code: boolean;
}

/**
 * Splits model text at its code spans, each a pair of single backticks on one line. A backtick
 * without a partner stays in the prose.
 */
export function splitCodeSpans(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(/`([^`\n]+)`/g)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index), code: false });
    parts.push({ text: match[1], code: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), code: false });
  return parts;
}

/** Returns model text as Markdown: prose escaped, code spans as Markdown code spans. */
export function markdownWithCode(text: string): string {
  return splitCodeSpans(text)
    .map((part) => (part.code ? inlineCode(part.text) : escapeMarkdown(part.text)))
    .join('');
}

/** Returns the podman flag of a preflight flag, e.g. `--file-locks`. */
export function podmanFlagOf(flag: PreflightFlag): string {
  return CHECKPOINT_FLAGS[flag].flag;
}

/** Returns the blocking findings, in report order. */
export function blockingFindings(report: PreflightReport): PreflightFinding[] {
  return report.findings.filter((finding) => finding.verdict === 'blocks');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Findings of one check with the same verdict and title, e.g. one per mapping outside the container's mounts. */
export interface FindingGroup {
  verdict: PreflightFinding['verdict'];
  title: string;
  /** Indexes into the report's findings, in report order. */
  indexes: number[];
}

/** Groups the report's findings by verdict, check and title, keeping the order of first appearance. */
export function groupFindings(report: PreflightReport): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  report.findings.forEach((finding, index) => {
    const key = JSON.stringify([finding.verdict, finding.check, finding.title]);
    const group = groups.get(key);
    if (group) group.indexes.push(index);
    else groups.set(key, { verdict: finding.verdict, title: finding.title, indexes: [index] });
  });
  return [...groups.values()];
}

/** Returns a group's title with its count when it has more than one finding, e.g. `a mapped file lies outside the container's mounts (24×)`. */
export function groupTitle(group: FindingGroup): string {
  return group.indexes.length > 1 ? `${group.title} (${group.indexes.length}×)` : group.title;
}

/**
 * Summarizes the verdict in a few words for the row's description: `✓ should work`,
 * `⚠ needs --file-locks` or `✗ will fail: mount-lookup`.
 */
export function preflightSummary(report: PreflightReport): string {
  const unchecked = report.complete === false ? ' as far as checked' : '';
  switch (report.verdict) {
    case 'should-work':
      return `✓ should work${unchecked}`;
    case 'needs-flags':
      return `⚠ needs ${report.flags.map(podmanFlagOf).join(' ')}${unchecked}`;
    case 'will-fail':
      return `✗ will fail: ${unique(blockingFindings(report).map(rowLabel)).join(', ')}`;
  }
}

/**
 * Returns the few words that name a blocking finding in a row: its category, except for inet
 * sockets, whose category is `tcp` although UDP sockets fail the same way.
 */
function rowLabel(finding: PreflightFinding): string {
  return finding.check === 'inet-sockets' ? 'inet sockets' : finding.category;
}

const VERDICT_ICONS: Record<PreflightVerdict, string> = {
  'should-work': '$(pass)',
  'needs-flags': '$(warning)',
  'will-fail': '$(error)',
};

/** Returns the codicon of a verdict in `$(name)` syntax, for Markdown with theme icons. */
export function preflightIcon(verdict: PreflightVerdict): string {
  return VERDICT_ICONS[verdict];
}

/**
 * Builds the tooltip line of a checked container, e.g. "Preflight: needs --file-locks (1 file
 * lock), checked 2 min ago". `age` is the relative time of the check.
 */
export function preflightTooltipLine(report: PreflightReport, age: string): string {
  const titles = groupFindings(report)
    .filter((group) => group.verdict !== 'fine')
    .map(groupTitle);
  const because = titles.length > 0 ? ` (${titles.join('; ')})` : '';
  const skipped = report.skipped.length > 0 ? `; ${report.skipped.length} check${report.skipped.length === 1 ? '' : 's'} could not run` : '';
  return `Preflight: ${preflightSummary(report).slice(2)}${because}${skipped}, checked ${age}`;
}

/**
 * Ticks the choices whose option the preflight found necessary and names the finding in the
 * choice's description. Choices the user's defaults ticked stay ticked. Returns new objects.
 */
export function choicesWithPreflight(choices: readonly FlagChoice[], report: PreflightReport): FlagChoice[] {
  return choices.map((choice) => {
    const findings = report.findings.filter((finding) => finding.verdict === 'needs-flag' && finding.flag === choice.option);
    const needed = report.flags.includes(choice.option as PreflightFlag);
    if (!needed) return { ...choice };
    const reason = findings.length > 0 ? findings.map((finding) => finding.title).join('; ') : 'a finding of the preflight';
    return { ...choice, picked: true, description: `Needed: ${reason} · ${choice.description}` };
  });
}

/** Returns the flags the preflight requests that the host's podman does not offer in `choices`. */
export function missingPreflightFlags(choices: readonly FlagChoice[], report: PreflightReport): string[] {
  const offered = new Set<string>(choices.map((choice) => choice.option));
  return report.flags.filter((flag) => !offered.has(flag)).map(podmanFlagOf);
}

/** Kinds of blocking finding that the will-fail warning lists by name. */
const MAX_WARNING_LINES = 6;

/** Buttons of the will-fail warning. */
export const SHOW_REPORT_ACTION = 'Show Report';
export const CHECKPOINT_ANYWAY_ACTION = 'Checkpoint Anyway';

/** Text and buttons of the modal warning shown before a checkpoint the preflight expects to fail. */
export interface WillFailWarning {
  message: string;
  detail: string;
  /**
   * Button labels in the order to pass to `showWarningMessage`. VS Code makes the first one the
   * primary button, which Enter presses, so that one must not run the checkpoint. Escape and the
   * Cancel button that VS Code adds return undefined.
   */
  actions: string[];
}

/** Builds the warning for a `will-fail` report, naming each kind of blocking finding once, with its count and category. */
export function willFailWarning(containerName: string, report: PreflightReport): WillFailWarning {
  const blocking = blockingFindings(report);
  const lines = groupFindings(report)
    .filter((group) => group.verdict === 'blocks')
    .map((group) => {
      const category = report.findings[group.indexes[0]].category;
      const count = group.indexes.length > 1 ? `${group.indexes.length}×, ` : '';
      return `• ${plainText(group.title)} (${count}${category})`;
    });
  const count = blocking.length === 1 ? 'a finding that blocks it' : `${blocking.length} findings that block it`;
  // A modal dialog grows with every line, so list the first kinds and count the rest.
  const shown = lines.slice(0, MAX_WARNING_LINES);
  if (lines.length > shown.length) shown.push(`• and ${lines.length - shown.length} more kinds, listed in the report`);
  return {
    message: `The checkpoint of ${containerName} will fail: the preflight found ${count}.`,
    detail: [...shown, '', `CRIU stops at the first of them. ${SHOW_REPORT_ACTION} shows the evidence and fixes, and ${CHECKPOINT_ANYWAY_ACTION} runs podman regardless.`].join('\n'),
    actions: [SHOW_REPORT_ACTION, CHECKPOINT_ANYWAY_ACTION],
  };
}

/** Returns model text without the backticks of its code spans, for plain-text places such as a dialog. */
export function plainText(text: string): string {
  return splitCodeSpans(text)
    .map((part) => part.text)
    .join('');
}

/** Builds the one line shown for a preflight that could not run, after which the checkpoint continues as usual. */
export function preflightFailedLine(containerName: string, reason: string): string {
  const firstLine = reason.split('\n', 1)[0].trim();
  return `The preflight of ${containerName} could not run (${firstLine}); checkpointing without it.`;
}

// --- evidence ----------------------------------------------------------------

/** Text of one collected /proc file and where it came from in the input. */
export interface CollectedFile {
  file: string;
  text: string;
}

/**
 * Returns the text that the preflight collected for a /proc path such as `/proc/12/net/tcp`,
 * `/proc/12/status`, `/proc/12/maps` or `/proc/locks`, or undefined when the input has none.
 * PIDs are those of the reader, as in the snapshot.
 */
export function collectedText(input: PreflightInput, file: string): string | undefined {
  if (file === '/proc/locks') return input.locks;
  if (file.startsWith('/etc/criu/')) return input.criuConfigs?.[file];
  const match = /^\/proc\/(\d+)\/(.+)$/.exec(file);
  if (!match) return undefined;
  const pid = Number(match[1]);
  const name = match[2];

  const netMatch = /^net\/(tcp6?|udp6?|unix|netlink)$/.exec(name);
  if (netMatch) {
    const key = netMatch[1] as 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'unix' | 'netlink';
    const tables = input.net.find((entry) => entry.pid === pid) ?? netTablesOfProcess(input, pid);
    return tables?.[key];
  }
  if (name === 'status') return input.processes.find((extras) => extras.pid === pid)?.status;

  const snapshotProcess = input.snapshot.pid === pid || (input.snapshot.pid === undefined && pid === input.container.pid) ? input.snapshot : input.snapshot.processes?.find((process) => process.pid === pid);
  if (!snapshotProcess) return undefined;
  switch (name) {
    case 'mountinfo':
      return snapshotProcess.mountinfo;
    case 'maps':
      return snapshotProcess.maps;
    case 'fdinfo':
      return snapshotProcess.fdinfo;
    case 'fd':
      return snapshotProcess.fds;
    case 'cmdline':
      return snapshotProcess.cmdline;
    default:
      return undefined;
  }
}

/** Returns the net tables of the namespace a process is in, when the tables were read from another process of it. */
function netTablesOfProcess(input: PreflightInput, pid: number): PreflightInput['net'][number] | undefined {
  const netNs = input.processes.find((extras) => extras.pid === pid)?.ns?.net;
  return netNs ? input.net.find((entry) => entry.ns === netNs) : undefined;
}

/**
 * Destination of a piece of evidence: the collected /proc text at a line, or the Mounts and Mappings
 * panel. `label` names the /proc file as the finding does, e.g. `/proc/12/fd/3`, while `file` is
 * the collected text that contains it, e.g. `/proc/12/fd`. `focusMapping` is the range the panel
 * selects; the panel cannot select an fd, so an fd gap opens it without a selection.
 */
export type EvidenceTarget =
  | { kind: 'proc'; file: string; line: number | undefined; label: string }
  | { kind: 'gap'; pid: number | undefined; focusMapping: string | undefined; fd: number | undefined; path: string | undefined };

/** Checks whose evidence is a gap that the Mounts and Mappings panel shows. */
const GAP_CATEGORIES = new Set(['mount-lookup', 'external-mount', 'mount-propagation', 'mount-namespace', 'ghost-file', 'link-remap', 'memfd']);

/** Gaps of every process of a preflight input, computed once per input. */
const gapsOfInput = new WeakMap<PreflightInput, Gap[]>();

/** Returns the gaps that the Mounts and Mappings panel shows for the input's snapshot: those of its mappings, fds, exe and cwd. */
function snapshotGaps(input: PreflightInput): Gap[] {
  let gaps = gapsOfInput.get(input);
  if (!gaps) {
    gaps = splitByProcess(input.snapshot).flatMap((process) => analyzeGaps(process).gaps.filter((gap) => !gap.fromLogOnly));
    gapsOfInput.set(input, gaps);
  }
  return gaps;
}

/**
 * Returns the gap the evidence names: by mapping range, else by fd, else by mount id. A deleted
 * file on a container mount is no gap, so its evidence finds none.
 */
function gapOf(evidence: Evidence, input: PreflightInput): Gap | undefined {
  const samePid = (gap: Gap): boolean => evidence.pid === undefined || gap.pid === null || gap.pid === evidence.pid;
  const gaps = snapshotGaps(input).filter(samePid);
  if (evidence.range !== undefined) return gaps.find((gap) => gap.ranges?.includes(evidence.range!));
  if (evidence.fd !== undefined) return gaps.find((gap) => gap.kind === 'fd' && gap.fd === evidence.fd);
  if (evidence.mntId !== undefined) return gaps.find((gap) => gap.mntId === evidence.mntId && (evidence.path === undefined || gap.path === evidence.path));
  return undefined;
}

/**
 * Returns the collected text and line that a /proc source points at. The text of one fd,
 * `/proc/PID/fd/N` or `/proc/PID/fdinfo/N`, is a line or block of the process's fd listing or
 * fdinfo, which are collected whole.
 */
function procTarget(source: NonNullable<Evidence['source']>, input: PreflightInput): EvidenceTarget | undefined {
  const label = source.line !== undefined ? `${source.file}:${source.line}` : source.file;
  const fdMatch = /^(\/proc\/\d+\/(fd|fdinfo))\/(\d+)$/.exec(source.file);
  if (fdMatch) {
    const [, file, kind, fd] = fdMatch;
    const text = collectedText(input, file);
    if (text === undefined) return undefined;
    const pattern = kind === 'fd' ? new RegExp(`(^|\\s)${fd} -> `) : new RegExp(`^== \\S*/fdinfo/${fd}$`);
    const index = text.split('\n').findIndex((line) => pattern.test(line));
    return index < 0 ? undefined : { kind: 'proc', file, line: index + 1, label };
  }
  if (collectedText(input, source.file) === undefined) return undefined;
  return { kind: 'proc', file: source.file, line: source.line, label };
}

/**
 * Returns where a finding's evidence leads. Evidence of a mount-related finding opens the Mounts
 * and Mappings panel only when the panel lists its mapping, fd or mount as a gap. Other evidence
 * opens the collected /proc text it came from. Returns undefined when `input` has neither.
 */
export function evidenceTarget(finding: PreflightFinding, evidence: Evidence, input: PreflightInput | undefined): EvidenceTarget | undefined {
  if (!input) return undefined;
  const isGap = GAP_CATEGORIES.has(finding.category) || finding.check === 'mapping-gaps';
  const gap = isGap ? gapOf(evidence, input) : undefined;
  if (gap) {
    const focusMapping = evidence.range ?? (gap.kind === 'mapping' ? gap.ranges?.[0] : undefined);
    return { kind: 'gap', pid: evidence.pid, focusMapping, fd: evidence.fd, path: evidence.path };
  }
  return evidence.source ? procTarget(evidence.source, input) : undefined;
}
