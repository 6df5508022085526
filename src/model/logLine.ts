import type { LogRecord, RecordLevel, RecordOrigin, SourceLocation } from './types';

/**
 * One record found on a physical line. A line can hold several when CRIU's output lost a newline.
 * The analyser turns it into a `LogRecord` by adding the line numbers.
 */
export interface LineSegment extends Pick<LogRecord, 'level' | 'origin' | 'timestamp' | 'pid' | 'location' | 'message' | 'column'> {
  /** True when the line carries CRIU's own prefix: a timestamp, a task pid or `pie: N:`. */
  hasCriuPrefix: boolean;
  /** The `log file:` or `Please check CRIU logfile` path a wrapper named. */
  referencedLog?: string;
  runtime?: 'crun' | 'runc' | 'podman';
  /** True for terminal output of a wrapper: its own lines, or CRIU lines it quoted with its prefix. */
  fromTerminal?: boolean;
}

/**
 * Prefixes that wrappers and people put before CRIU's own text:
 * runc quoting dump.log (`WARN[0000] 1255:`), crun's excerpt (`2026-04-20T17:26:21.376255Z: `) and
 * line numbers of a pasted listing (`662 (00.007387) ...`).
 */
const WRAPPER_PREFIX = /^\s*(?:(WARN\[\d+\]\s+\d+:|\d{4}-\d\d-\d\dT[\d:.]+Z?:\s*)|\d+\s+(?=\(\d+\.\d+\)))/;

/** CRIU's prefixes: `(00.020251)`, then a task pid `  7338: ` (restore), then `pie: 11: ` (restorer). */
const CRIU_PREFIX = /^\s*(?:\((\d+)\.(\d+)\)\s?)?(?:\s*(\d+):\s)?(?:\s*pie:\s*(\d+):\s?)?/;

/** `Error (criu/files-reg.c:1790): ` or `Warn  (compel/src/lib/infect.c:418): `, anywhere on a line. */
const LEVEL_MARKER = /(Error|Warn)\s*\(([\w.+/-]+):(\d+)\):\s?/g;

/** logrus output of runc and podman: `time="..." level=error msg="..."`. */
const LOGRUS = /^\s*time="[^"]*"\s+level=(\w+)\s+msg="((?:[^"\\]|\\.)*)"/;

/** klog output of kubelet, containerd and CRI-O: `E0714 06:49:21.396012  2211 remote_runtime.go:432] msg`. */
const KLOG = /^\s*([EWIF])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\]\s?(.*)$/;

/** logrus text without a timestamp, as docker-runc and crictl print it: `ERRO[0000] criu failed: ...`. */
const LOGRUS_SHORT = /^\s*(ERRO|FATA|PANI|WARN)\[\d+\]\s+(.*)$/;

/** crun's excerpt header: ``--- excerpt from CRIU log `/path/dump.log` ``. */
const CRUN_EXCERPT = /^---\s+excerpt from CRIU log\s+`([^`]+)`/;

/** crun: `CRIU checkpointing failed -52.  Please check CRIU logfile /path/dump.log: Invalid exchange`. */
const CRUN_FAILURE = /CRIU (?:checkpointing|restoring|pre-dumping|dumping) failed:?\s*-?\d+/;
const CRUN_LOGFILE = /Please check CRIU logfile\s+`?([^\s`]+?)`?(?::(?:\s|$)|$)/;

/** runc: `criu failed: type DUMP errno 0` and, on the next line or after `\n`, `log file: /path`. */
const RUNC_FAILURE = /criu failed: type \w+ errno \d+/;
const RUNC_LOGFILE = /log file:\s*(\S+?\.log)\b/;
/** containerd's `ctr`: `criu failed: type DUMP errno 0 path= /run/containerd/.../criu-dump.log: unknown`. */
const CONTAINERD_LOGFILE = /\bpath=\s*(\S+?\.log)\b/;

/** Escapes that logrus writes inside a quoted msg; any other escaped character stands for itself. */
const LOGRUS_ESCAPES: Record<string, string> = { n: '\n', t: '\t' };

function unescapeLogrus(text: string): string {
  return text.replace(/\\(.)/g, (_all, character: string) => LOGRUS_ESCAPES[character] ?? character);
}

/** runc's header before it quotes the end of dump.log: `--- Quoting "/path/dump.log"`. */
const RUNC_QUOTING = /--- Quoting "([^"]+)"/;

function wrapperLogPath(text: string): string | undefined {
  return CRUN_LOGFILE.exec(text)?.[1] ?? RUNC_LOGFILE.exec(text)?.[1] ?? RUNC_QUOTING.exec(text)?.[1] ?? CONTAINERD_LOGFILE.exec(text)?.[1];
}

function runtimeOf(text: string): 'crun' | 'runc' | 'podman' | undefined {
  if (/\bcrun\b|CRIU (?:checkpointing|restoring) failed/.test(text)) return 'crun';
  if (/\brunc\b|criu failed: type/.test(text)) return 'runc';
  return undefined;
}

/** Parse the wrapper lines that podman, crun and runc print around a CRIU failure. */
/** Build the segment of a wrapper's error or warning line, with the log path and runtime its text names. */
function wrapperSegment(
  level: RecordLevel,
  origin: RecordOrigin,
  message: string,
  column: number,
  defaultRuntime?: LineSegment['runtime'],
): LineSegment {
  return { level, origin, message, column, hasCriuPrefix: false, referencedLog: wrapperLogPath(message), runtime: runtimeOf(message) ?? defaultRuntime };
}

function parseWrapperLine(line: string): LineSegment | undefined {
  const logrus = LOGRUS.exec(line);
  if (logrus) {
    const level: RecordLevel = /^(error|fatal|panic)$/.test(logrus[1]) ? 'error' : logrus[1] === 'warning' ? 'warn' : 'info';
    return wrapperSegment(level, 'runtime', unescapeLogrus(logrus[2]), logrus.index + logrus[0].indexOf('msg='), 'runc');
  }

  const klog = KLOG.exec(line);
  if (klog && (klog[1] === 'E' || klog[1] === 'F' || klog[1] === 'W')) {
    return wrapperSegment(klog[1] === 'W' ? 'warn' : 'error', 'runtime', klog[2].trimEnd(), line.length - klog[2].length);
  }

  const logrusShort = LOGRUS_SHORT.exec(line);
  if (logrusShort) {
    return wrapperSegment(logrusShort[1] === 'WARN' ? 'warn' : 'error', 'runtime', logrusShort[2].trimEnd(), line.length - logrusShort[2].length, 'runc');
  }

  const excerpt = CRUN_EXCERPT.exec(line.trim());
  if (excerpt) {
    return { level: 'info', origin: 'runtime', message: line.trim(), column: line.indexOf('---'), hasCriuPrefix: false, referencedLog: excerpt[1], runtime: 'crun' };
  }

  // podman and most Go CLIs print `Error: `, LXD 2.x prints `error: `, and the docker CLI prints
  // `Error response from daemon: ` before what dockerd returned.
  const errorPrefix = /^\s*(?:[Ee]rror:|Error response from daemon:)\s+/.exec(line);
  if (errorPrefix) {
    const column = errorPrefix[0].length - errorPrefix[0].trimStart().length;
    return wrapperSegment('error', 'podman', line.slice(errorPrefix[0].length).trimEnd(), column, 'podman');
  }

  // crun prints its own reason before the log path when it stops before CRIU runs:
  // `memory tracking not supported. Please check CRIU logfile <path>`.
  if (CRUN_FAILURE.test(line) || RUNC_FAILURE.test(line) || CRUN_LOGFILE.test(line)) {
    return wrapperSegment('error', 'runtime', line.trim(), line.length - line.trimStart().length);
  }

  const logFile = /^\s*log file:\s*(\S+)/.exec(line);
  if (logFile) {
    return { level: 'info', origin: 'runtime', message: line.trim(), column: 0, hasCriuPrefix: false, referencedLog: logFile[1], runtime: 'runc' };
  }
  return undefined;
}

/**
 * Split one physical line into records. Returns an empty array for a blank line. Never throws:
 * any text is at worst one plain `info` segment.
 */
export function parseLine(rawLine: string): LineSegment[] {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  if (line.trim() === '') return [];

  const wrapperPrefix = WRAPPER_PREFIX.exec(line);
  const start = wrapperPrefix ? wrapperPrefix[0].length : 0;
  const criuPrefix = CRIU_PREFIX.exec(line.slice(start));
  const prefix = criuPrefix?.[0] ?? '';
  const bodyStart = start + prefix.length;
  const hasCriuPrefix = criuPrefix !== null && (criuPrefix[1] !== undefined || criuPrefix[3] !== undefined || criuPrefix[4] !== undefined);

  const fromTerminal = wrapperPrefix?.[1] !== undefined;
  if (!hasCriuPrefix) {
    const wrapper = parseWrapperLine(line.slice(start));
    if (wrapper) return [{ ...wrapper, column: wrapper.column + start, fromTerminal: true }];
  }

  const timestamp = criuPrefix?.[1] !== undefined ? Number(`${criuPrefix[1]}.${criuPrefix[2]}`) : undefined;
  const pieTask = criuPrefix?.[4] !== undefined ? Number(criuPrefix[4]) : undefined;
  const taskPid = criuPrefix?.[3] !== undefined ? Number(criuPrefix[3]) : undefined;
  const origin: RecordOrigin = pieTask !== undefined ? 'pie' : 'criu';
  // Object literals with every field, not `{ ...common }`: V8 copies a spread object through a slow
  // path, which made this function about ten times slower.
  const segmentOf = (level: RecordLevel, message: string, column: number, location?: SourceLocation): LineSegment => ({
    level,
    origin,
    timestamp,
    pid: pieTask ?? taskPid,
    location,
    message,
    column,
    hasCriuPrefix,
    fromTerminal,
  });

  const segments: LineSegment[] = [];
  LEVEL_MARKER.lastIndex = bodyStart;
  let marker = LEVEL_MARKER.exec(line);
  if (!marker || line.slice(bodyStart, marker.index).trim() !== '') {
    // Text before the first marker (or the whole line) is a plain record.
    const end = marker ? marker.index : line.length;
    segments.push(segmentOf('info', line.slice(bodyStart, end).trimEnd(), bodyStart));
  }
  while (marker) {
    const next = LEVEL_MARKER.exec(line);
    const messageEnd = next ? next.index : line.length;
    const level = marker[1] === 'Error' ? 'error' : 'warn';
    const message = line.slice(marker.index + marker[0].length, messageEnd).trimEnd();
    segments.push(segmentOf(level, message, marker.index, { file: marker[2], line: Number(marker[3]) }));
    marker = next;
  }
  return segments;
}

/** Return true for a `=====` or `-----` rule that CRIU prints around phase titles. */
export function isSeparator(message: string): boolean {
  return /^(?:={8,}|-{8,})\s*$/.test(message);
}
