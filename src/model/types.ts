import type { Category } from './categories';

/** Severity of a log record as CRIU printed it. `info` covers debug and plain lines. */
export type RecordLevel = 'error' | 'warn' | 'info';

/** Program that wrote a record: CRIU itself, its restorer blob (`pie:`), or a wrapper around it. */
export type RecordOrigin = 'criu' | 'pie' | 'runtime' | 'podman';

export type LogKind = 'dump' | 'restore' | 'pre-dump' | 'terminal' | 'unknown';

export type Outcome = 'failed' | 'succeeded' | 'unknown';

/** A `criu/<file>.c:<line>` location as printed between the brackets of `Error (...)`. */
export interface SourceLocation {
  /** Path as printed, e.g. `criu/files-reg.c`, `compel/src/lib/infect.c` or `mount.c` (CRIU before 2.0). */
  file: string;
  line: number;
}

/** One logical log record: an error, a warning, a banner or another line worth keeping. */
export interface LogRecord {
  /** 1-based line number of the record's first line in the input. */
  line: number;
  /** 1-based line number of its last line; greater than `line` for messages that span lines. */
  endLine: number;
  level: RecordLevel;
  origin: RecordOrigin;
  /** Seconds since CRIU started, from the `(00.020251)` prefix. */
  timestamp?: number;
  /** Task that printed it: the `1234:` prefix of restore logs, or `pie: 11:`. */
  pid?: number;
  location?: SourceLocation;
  /** Message text without prefixes and location; continuation lines are joined with `\n`. */
  message: string;
  /** 0-based column in the first line where the level word (or the message, for banners) starts. */
  column: number;
  /** Length of the first line, so editors can underline to its end. */
  lineLength: number;
}

/** A phase banner or task start, for the outline. */
export interface PhaseMark {
  line: number;
  title: string;
  pid?: number;
}

/** Facts read from the log's header and banners. */
export interface LogFacts {
  /** `4.1.1` from `Version: 4.1.1 (gitid 0)`. */
  criuVersion?: string;
  /** The gitid in brackets, when it is not `0`. */
  criuGitId?: string;
  /** Kernel release from `Running on host Linux <release> ...`. */
  kernel?: string;
  /** The whole `Running on host ...` line after that prefix. */
  host?: string;
  /** Root task of the dump (`Dumping processes (pid: N comm: X)`) or of the restore. */
  pid?: number;
  comm?: string;
  logKind: LogKind;
  /** Log file path a wrapper named in pasted terminal output (`Please check CRIU logfile <path>`). */
  referencedLog?: string;
  /** The operation that pasted wrapper output reports: `CRIU checkpointing failed`, `type RESTORE`, ... */
  operation?: 'checkpoint' | 'restore';
  /** Wrapper that printed pasted terminal output. */
  runtime?: 'crun' | 'runc' | 'podman' | 'docker' | 'containerd' | 'lxd';
}

/** A concrete remedy. At least `description` is set; the other fields make it actionable. */
export interface Fix {
  description: string;
  /** A command to run, e.g. `podman container checkpoint --file-locks <container>`. */
  command?: string;
  /** A CRIU option that the runtime does not expose directly, e.g. `ghost-limit`. */
  criuOption?: string;
  /** Text for a CRIU configuration file such as `/etc/criu/runc.conf` or `/etc/criu/default.conf`. */
  configSnippet?: string;
  /** A podman flag that this fix adds, so a caller can offer "Retry with <flag>". */
  podmanFlag?: string;
}

export interface Explanation {
  /** Account of what CRIU was doing and of the message, decoded (fd=-3, mount ids, device numbers, errno). */
  explanation: string;
  /** Likely causes on the user's stack, most likely first. */
  causes: string[];
  fixes: Fix[];
}

/**
 * Part that a matched record plays in a failure:
 * - `cause`: it can be the root cause;
 * - `follow-on`: it reports that an earlier step failed (`Dumping FAILED.`, `Collect mappings ... failed`);
 * - `benign`: CRIU logs it as an error but carries on (`rlimit: Can't setup RLIMIT_NOFILE for self`);
 * - `noise`: a secondary error of a helper that is only a cause when nothing better exists.
 */
export type EntryRole = 'cause' | 'follow-on' | 'benign' | 'noise';

export interface ExplainContext {
  match: RegExpMatchArray;
  record: LogRecord;
  facts: LogFacts;
}

/** One failure kind of the knowledge base. */
export interface KbEntry {
  /** Stable identifier, e.g. `mount-lookup.mnt-id-not-in-namespace`. Part of the JSON output. */
  code: string;
  category: Category;
  /** Short title, shown in the summary: "Dump failed: <title>". */
  title: string;
  role: EntryRole;
  /**
   * Patterns tested against `LogRecord.message`, never against the source location: line numbers
   * change between CRIU versions. The first pattern that matches wins.
   */
  patterns: RegExp[];
  /** Levels this entry applies to; default `['error']`. A warning can be a cause, e.g. an fsnotify handle. */
  levels?: RecordLevel[];
  /**
   * Further condition on a pattern match, for the rare message whose meaning depends on the CRIU
   * version in the header: `BUG at criu/mem.c:45` is the soft-dirty check only in some versions.
   */
  accepts?(match: RegExpMatchArray, facts: LogFacts): boolean;
  explain(context: ExplainContext): Explanation;
}

export type FindingRole = 'root-cause' | 'other-cause' | 'follow-on' | 'benign';

export type FindingSeverity = 'error' | 'warning' | 'information' | 'hint';

/** A record with its diagnosis. */
export interface Finding {
  record: LogRecord;
  code: string;
  category: Category;
  title: string;
  role: FindingRole;
  severity: FindingSeverity;
  explanation: Explanation;
  /** Follow-on records attached to the root cause (empty for other findings). */
  related: LogRecord[];
}

export interface Analysis {
  facts: LogFacts;
  outcome: Outcome;
  rootCause: Finding | null;
  /** Every diagnosed record in line order, the root cause included. */
  findings: Finding[];
  phases: PhaseMark[];
  lineCount: number;
  /** Lines that CRIU or a wrapper around it wrote; 0 means the text is not a CRIU log at all. */
  recognizedLineCount: number;
  /** Error and warning records left out of `findings` to bound memory (see MAX_KEPT_ERRORS). */
  droppedRecordCount: number;
}
