import { diagnose } from './diagnose';
import { KNOWLEDGE_BASE } from './kb';
import { isSeparator, parseLine, type LineSegment } from './logLine';
import type { Analysis, LogFacts, LogKind, LogRecord, PhaseMark } from './types';

export interface AnalyzerOptions {
  /** File name of the log, used to tell dump from restore when the text names neither. */
  fileName?: string;
}

/**
 * Upper bounds that keep memory flat on huge logs. The first records of each level are kept up to
 * these counts, and after that only the last `MAX_KEPT_TAIL_RECORDS`, because a run ends with the
 * chain that aborted it. The records in between are counted in `droppedRecords`.
 */
export const MAX_KEPT_ERRORS = 10_000;
export const MAX_KEPT_WARNINGS = 5_000;
export const MAX_KEPT_TAIL_RECORDS = 2_000;
export const MAX_PHASES = 5_000;
const MAX_CONTINUATION_LINES = 20;
/** Lines kept of a single message; a 10 MB line is cut here. */
export const MAX_MESSAGE_LENGTH = 4_000;

const VERSION = /^Version:\s+(\S+)(?:\s+\(gitid\s+([^)]*)\))?/;
/** CRIU prints `Running on <nodename> <sysname> <release> <version> <machine>`. */
const RUNNING_ON = /^Running on\s+(.*)$/;
const DUMP_ROOT = /^(Pre-dumping|Dumping) processes \(pid:\s*(\d+)(?:\s+comm:\s*(.*?))?\)\s*$/;
const TASK_TITLE = /^(?:Pre-dumping|Dumping) task \(pid:\s*(\d+)(?:\s+comm:\s*(.*?))?\)\s*$/;

type Banner = 'failed' | 'succeeded';

/** Outcome banners that CRIU prints at the end of a run, with the log kind each one implies. */
const BANNERS: Array<{ pattern: RegExp; banner: Banner; kind: LogKind }> = [
  { pattern: /^Pre-dumping FAILED\.?/, banner: 'failed', kind: 'pre-dump' },
  { pattern: /^Pre-dumping finished successfully/, banner: 'succeeded', kind: 'pre-dump' },
  { pattern: /^Dumping FAILED\.?/, banner: 'failed', kind: 'dump' },
  { pattern: /^Dumping finished successfully/, banner: 'succeeded', kind: 'dump' },
  { pattern: /^Restoring FAILED\.?/, banner: 'failed', kind: 'restore' },
  { pattern: /^Restore finished successfully/, banner: 'succeeded', kind: 'restore' },
  { pattern: /^Lazy pages transfer FAILED\.?/, banner: 'failed', kind: 'dump' },
];

/** Lines that only a restore prints, for logs cut before any banner. */
const RESTORE_HINTS = /^(?:Reading image tree|Restoring resources|Forking task with|Preparing info about shared resources|Restore via sigreturn)/;

/** Patterns of the knowledge-base entries that apply to info lines, tested before a line is kept. */
const INFO_PATTERNS: RegExp[] = KNOWLEDGE_BASE.filter((entry) => entry.role === 'cause' && entry.levels?.includes('info')).flatMap((entry) => entry.patterns);

function isInfoCause(message: string): boolean {
  return INFO_PATTERNS.some((pattern) => pattern.test(message));
}

/** Tell from a wrapper's error text whether a checkpoint or a restore failed. */
function operationOf(rawMessage: string): 'checkpoint' | 'restore' | undefined {
  // `does not support checkpoint/restore` names both operations, so it decides nothing.
  const message = rawMessage.replace(/checkpoint\/restore/gi, '');
  if (/\brestor(e|ing)\b|type RESTORE/i.test(message)) return 'restore';
  if (/\bcheckpoint(ing)?\b|type (DUMP|PRE_DUMP)|\bdump(ing)?\b/i.test(message)) return 'checkpoint';
  return undefined;
}

/** Counters and state the analyser keeps between lines; exported for the diagnosis step. */
export interface ScanResult {
  facts: LogFacts;
  records: LogRecord[];
  droppedRecords: number;
  phases: PhaseMark[];
  droppedPhases: number;
  /** Error and warning records past the per-level bounds, oldest first, at most `MAX_KEPT_TAIL_RECORDS`. */
  tailRecords: LogRecord[];
  keptErrors: number;
  keptWarnings: number;
  failureBanner?: LogRecord;
  successBanner?: LogRecord;
  /** Wrapper lines (podman, crun, runc) that report a failed checkpoint or restore. */
  wrapperFailures: LogRecord[];
  criuLineCount: number;
  /** Lines of wrapper output: podman, crun or runc text, or CRIU lines they quoted. */
  terminalLineCount: number;
  lineCount: number;
}

/** Incremental analyser: feed lines in order (without their line terminators), then call `finish`. */
export class LogAnalyzer {
  private readonly scan: ScanResult = {
    facts: { logKind: 'unknown' },
    records: [],
    droppedRecords: 0,
    tailRecords: [],
    keptErrors: 0,
    keptWarnings: 0,
    phases: [],
    droppedPhases: 0,
    wrapperFailures: [],
    criuLineCount: 0,
    terminalLineCount: 0,
    lineCount: 0,
  };
  private kindHint: LogKind = 'unknown';
  private previous?: LogRecord;
  private continuationLines = 0;
  private afterSeparator = false;
  private pendingTitle?: { line: number; text: string };

  constructor(private readonly options: AnalyzerOptions = {}) {}

  /** Number of lines seen so far. */
  get lineCount(): number {
    return this.scan.lineCount;
  }

  /** Count `count` lines without parsing them. A fast reader calls this for lines that hold no marker. */
  skipLines(count: number): void {
    this.scan.lineCount += count;
    this.scan.criuLineCount += count;
    this.previous = undefined;
    this.afterSeparator = false;
    this.pendingTitle = undefined;
  }

  pushLine(rawLine: string): void {
    const lineNumber = ++this.scan.lineCount;
    const line = rawLine.length > MAX_MESSAGE_LENGTH * 4 ? rawLine.slice(0, MAX_MESSAGE_LENGTH * 4) : rawLine;
    const segments = parseLine(line);
    if (segments.length === 0) {
      this.previous = undefined;
      return;
    }
    if (segments.some((segment) => segment.fromTerminal)) this.scan.terminalLineCount++;
    else if (segments.some((segment) => segment.hasCriuPrefix || segment.location)) this.scan.criuLineCount++;

    if (this.continues(segments)) {
      this.appendContinuation(segments[0].message, lineNumber);
      return;
    }
    this.continuationLines = 0;
    this.previous = undefined;

    for (const segment of segments) this.takeSegment(segment, lineNumber, rawLine.length);
  }

  finish(): Analysis {
    this.flushTitle(false);
    const tail = this.scan.tailRecords;
    if (tail.length > MAX_KEPT_TAIL_RECORDS) this.scan.droppedRecords += tail.length - MAX_KEPT_TAIL_RECORDS;
    this.scan.records.push(...tail.slice(-MAX_KEPT_TAIL_RECORDS));
    this.scan.tailRecords = [];
    const facts = this.scan.facts;
    // Pasted terminal output can quote a banner (crun's excerpt), which must not make it a dump log.
    if (this.scan.terminalLineCount > 0 && this.scan.terminalLineCount >= this.scan.criuLineCount) facts.logKind = 'terminal';
    else if (facts.logKind === 'unknown') facts.logKind = this.decideKind();
    return diagnose(this.scan);
  }

  /** Decide whether a line continues the message of the error or warning before it: it has no prefix and no level. */
  private continues(segments: LineSegment[]): boolean {
    const previous = this.previous;
    if (!previous || segments.length !== 1 || this.continuationLines >= MAX_CONTINUATION_LINES) return false;
    const segment = segments[0];
    if (segment.level !== 'info' || segment.referencedLog !== undefined) return false;
    if (isSeparator(segment.message)) return false;
    if (!segment.hasCriuPrefix) return true;
    // The restorer blob splits long messages: `pie: 7: Error (...): vdso: Can't find vDSO area >` + `pie: 7: in image`.
    return segment.origin === 'pie' && previous.origin === 'pie' && segment.pid === previous.pid && /^[a-z]/.test(segment.message);
  }

  private appendContinuation(text: string, lineNumber: number): void {
    const previous = this.previous!;
    if (previous.message.length < MAX_MESSAGE_LENGTH) {
      previous.message = `${previous.message}\n${text}`.slice(0, MAX_MESSAGE_LENGTH);
    }
    previous.endLine = lineNumber;
    this.continuationLines++;
  }

  private takeSegment(segment: LineSegment, lineNumber: number, lineLength: number): void {
    const message = segment.message.length > MAX_MESSAGE_LENGTH ? segment.message.slice(0, MAX_MESSAGE_LENGTH) : segment.message;
    const record: LogRecord = {
      line: lineNumber,
      endLine: lineNumber,
      level: segment.level,
      origin: segment.origin,
      timestamp: segment.timestamp,
      pid: segment.pid,
      location: segment.location,
      message,
      column: segment.column,
      lineLength,
    };
    if (segment.referencedLog) this.scan.facts.referencedLog ??= segment.referencedLog;
    if (segment.runtime && (segment.origin === 'runtime' || segment.origin === 'podman')) this.scan.facts.runtime ??= segment.runtime;

    const banner = BANNERS.find((candidate) => candidate.pattern.test(message));
    if (banner && segment.origin !== 'podman') {
      this.noteBanner(record, banner.banner, banner.kind);
      return;
    }

    if (segment.level === 'info') {
      this.takeInfo(record, segment);
      // A few failures are logged at info level (a page server that refuses the connection) or
      // printed without a prefix (the docker CLI's refusal); the entries that name them are kept.
      if (isInfoCause(message)) this.keep(record);
      return;
    }

    if (segment.origin === 'runtime' || segment.origin === 'podman') {
      this.scan.wrapperFailures.push(record);
      this.scan.facts.operation ??= operationOf(message);
    }
    this.keep(record);
    this.previous = record;
  }

  private takeInfo(record: LogRecord, segment: LineSegment): void {
    const message = record.message;
    const facts = this.scan.facts;
    if (isSeparator(message)) {
      this.flushTitle(true);
      this.afterSeparator = true;
      return;
    }
    this.flushTitle(false);
    if (this.afterSeparator) this.pendingTitle = { line: record.line, text: message };
    this.afterSeparator = false;

    if (segment.origin !== 'criu' && segment.origin !== 'pie') return;

    const version = VERSION.exec(message);
    if (version && facts.criuVersion === undefined) {
      facts.criuVersion = version[1];
      if (version[2] && version[2] !== '0') facts.criuGitId = version[2];
      return;
    }
    const running = RUNNING_ON.exec(message);
    if (running && facts.host === undefined) {
      facts.host = running[1];
      const words = running[1].split(/\s+/);
      const sysname = words.indexOf('Linux');
      facts.kernel = sysname >= 0 ? words[sysname + 1] : words[2];
      return;
    }
    const root = DUMP_ROOT.exec(message);
    if (root) {
      facts.pid ??= Number(root[2]);
      if (root[3]) facts.comm ??= root[3];
      this.kindHint = root[1] === 'Pre-dumping' ? 'pre-dump' : 'dump';
      this.addPhase({ line: record.line, title: message, pid: Number(root[2]) });
      return;
    }
    if (/^Pre-dumping task/.test(message)) this.kindHint = 'pre-dump';
    if (this.kindHint === 'unknown' && RESTORE_HINTS.test(message)) this.kindHint = 'restore';
    if (/^Collecting mappings \(pid:/.test(message)) this.addPhase({ line: record.line, title: message, pid: Number(/\d+/.exec(message)![0]) });
  }

  /** Record the plain line between two rules as a phase title (`Dumping task (pid: 23349 comm: wasmedge)`). */
  private flushTitle(confirmed: boolean): void {
    const title = this.pendingTitle;
    this.pendingTitle = undefined;
    if (!title || !confirmed) return;
    const task = TASK_TITLE.exec(title.text);
    // A pre-dump prints no `Pre-dumping processes` line, so its first task title names the root task.
    if (task && this.scan.facts.pid === undefined) this.scan.facts.pid = Number(task[1]);
    if (task && this.scan.facts.comm === undefined && task[2] && Number(task[1]) === this.scan.facts.pid) this.scan.facts.comm = task[2];
    if (this.scan.phases.at(-1)?.line === title.line) return;
    this.addPhase({ line: title.line, title: title.text, pid: task ? Number(task[1]) : undefined });
  }

  private addPhase(phase: PhaseMark): void {
    if (this.scan.phases.length >= MAX_PHASES) {
      this.scan.droppedPhases++;
      return;
    }
    this.scan.phases.push(phase);
  }

  private noteBanner(record: LogRecord, banner: Banner, kind: LogKind): void {
    if (banner === 'failed') this.scan.failureBanner ??= record;
    else this.scan.successBanner = record;
    this.scan.facts.logKind = kind;
    this.addPhase({ line: record.line, title: record.message });
    // `Dumping FAILED.` is an error record too, so it can be attached to the cause as a follow-on.
    if (record.level !== 'info') this.keep(record);
  }

  private keep(record: LogRecord): void {
    const scan = this.scan;
    if (record.level === 'error' && scan.keptErrors < MAX_KEPT_ERRORS) {
      scan.keptErrors++;
      scan.records.push(record);
    } else if (record.level === 'warn' && scan.keptWarnings < MAX_KEPT_WARNINGS) {
      scan.keptWarnings++;
      scan.records.push(record);
    } else {
      scan.tailRecords.push(record);
      // Trim in batches, so that dropping the oldest record costs no array shift per line.
      if (scan.tailRecords.length >= 2 * MAX_KEPT_TAIL_RECORDS) {
        scan.droppedRecords += scan.tailRecords.length - MAX_KEPT_TAIL_RECORDS;
        scan.tailRecords = scan.tailRecords.slice(-MAX_KEPT_TAIL_RECORDS);
      }
    }
  }

  private decideKind(): LogKind {
    if (this.kindHint !== 'unknown') return this.kindHint;
    // Only restore runs several tasks that log with a `pid:` prefix or from the restorer blob.
    if (this.scan.records.some((record) => record.origin === 'pie' || record.pid !== undefined)) return 'restore';
    const files = new Set(this.scan.records.map((record) => record.location?.file.replace(/^.*\//, '')));
    if (files.has('cr-restore.c') || files.has('restorer.c')) return 'restore';
    if (files.has('cr-dump.c')) return 'dump';
    const name = (this.options.fileName ?? '').toLowerCase().replace(/^.*[\\/]/, '');
    if (/pre-?dump/.test(name)) return 'pre-dump';
    if (/restore/.test(name)) return 'restore';
    if (/dump/.test(name)) return 'dump';
    if (this.scan.wrapperFailures.length > 0) return 'terminal';
    return 'unknown';
  }
}

/** Analyse a whole log held in memory. Accepts LF and CRLF line ends; a final line end adds no line. */
export function analyzeText(text: string, options: AnalyzerOptions = {}): Analysis {
  const analyzer = new LogAnalyzer(options);
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    analyzer.pushLine(text.slice(start, end));
    start = end + 1;
  }
  return analyzer.finish();
}

export type { LogRecord };
