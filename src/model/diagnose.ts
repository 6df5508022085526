import type { ScanResult } from './analyze';
import { matchEntry, subsystemOf, unexplainedExplanation, unknownExplanation } from './kb';
import type { Analysis, EntryRole, Explanation, Finding, FindingRole, FindingSeverity, KbEntry, LogFacts, LogRecord, Outcome } from './types';
import type { Category } from './categories';

/** A kept record with the knowledge base's classification of it. */
interface Classified {
  record: LogRecord;
  role: EntryRole;
  code: string;
  category: Category;
  title: string;
  explain: () => Explanation;
}

function fromEntry(record: LogRecord, entry: KbEntry, match: RegExpMatchArray, facts: LogFacts): Classified {
  return {
    record,
    role: entry.role,
    code: entry.code,
    category: entry.category,
    title: entry.title,
    explain: () => entry.explain({ match, record, facts }),
  };
}

/** Classify an error no entry matches as a possible cause, explained from the subsystem of its source file. */
function unknownError(record: LogRecord, facts: LogFacts): Classified {
  const subsystem = record.location ? subsystemOf(record.location.file) : undefined;
  const fileStem = record.location?.file.replace(/^.*\//, '').replace(/\.[ch]$/, '');
  return {
    record,
    role: 'cause',
    code: `unknown.${fileStem ?? record.origin}`,
    category: 'unknown',
    title: subsystem ? `Unrecognised error in ${subsystem.name}` : 'Unrecognised error',
    explain: () => unknownExplanation(record, facts),
  };
}

function classify(record: LogRecord, facts: LogFacts): Classified | undefined {
  const found = matchEntry(record, facts);
  if (found) return fromEntry(record, found.entry, found.match, facts);
  if (record.level === 'error') return unknownError(record, facts);
  return undefined;
}

function decideOutcome(scan: ScanResult, classified: Classified[]): Outcome {
  if (scan.failureBanner) return 'failed';
  if (scan.successBanner) return 'succeeded';
  const wrapperFailed = classified.some((item) => (item.record.origin === 'runtime' || item.record.origin === 'podman') && item.role !== 'benign');
  if (wrapperFailed) return 'failed';
  // CRIU stops at nearly every error it prints, so an error that is not known to be harmless means
  // the run failed even when the log was cut before the banner. A warning alone proves nothing.
  const fatalError = classified.some(
    (item) => (item.record.level === 'error' && (item.role === 'cause' || item.role === 'noise')) || (item.record.level === 'info' && item.role === 'cause'),
  );
  return fatalError ? 'failed' : 'unknown';
}

/** Pick the record that started the chain which aborted the run. */
function pickRootCause(scan: ScanResult, classified: Classified[]): Classified | undefined {
  const bannerLine = scan.failureBanner?.line ?? Number.POSITIVE_INFINITY;
  // A warning is a cause only when no error is (CRIU warns about `Can't link` before it fails on it).
  const errorCauses = classified.filter((item) => item.role === 'cause' && item.record.level === 'error');
  const causes = errorCauses.length > 0 ? errorCauses : classified.filter((item) => item.role === 'cause');
  // Errors printed after the FAILED banner come from clean-up, so a cause before it wins.
  const beforeBanner = causes.find((item) => item.record.line <= bannerLine);
  if (beforeBanner) return beforeBanner;
  if (causes.length > 0) return causes[0];
  return classified.find((item) => item.role === 'noise');
}

function unexplained(scan: ScanResult, facts: LogFacts): Classified {
  // Anchor on the banner, else on the wrapper line that names the CRIU log, else on the first wrapper line.
  const namesLog = scan.wrapperFailures.find((record) => /log ?file/i.test(record.message));
  const anchor = scan.failureBanner ?? namesLog ?? scan.wrapperFailures[0];
  const record: LogRecord = anchor ?? { line: 1, endLine: 1, level: 'info', origin: 'criu', message: '', column: 0, lineLength: 0 };
  const onlyWrapper = facts.logKind === 'terminal' && facts.referencedLog !== undefined;
  return {
    record,
    role: 'cause',
    code: onlyWrapper ? 'unexplained.reason-in-criu-log' : 'unexplained.no-error-before-failure',
    category: 'unexplained',
    title: onlyWrapper ? 'CRIU failed; the reason is in its log file' : 'CRIU failed without printing an error',
    explain: () => unexplainedExplanation(facts),
  };
}

function severityOf(role: FindingRole, classifiedRole: EntryRole): FindingSeverity {
  if (role === 'root-cause') return 'error';
  if (role === 'follow-on') return 'information';
  if (role === 'other-cause') return classifiedRole === 'cause' ? 'warning' : 'hint';
  return 'hint';
}

function toFinding(item: Classified, role: FindingRole, related: LogRecord[], categoryOverride?: Category): Finding {
  return {
    record: item.record,
    code: item.code,
    category: categoryOverride ?? item.category,
    title: item.title,
    role,
    severity: severityOf(role, item.role),
    explanation: item.explain(),
    related,
  };
}

/** Rank the records of a scanned log: one root cause, its follow-on errors, other errors by rank. */
export function diagnose(scan: ScanResult): Analysis {
  const facts = scan.facts;
  const classified = scan.records.map((record) => classify(record, facts)).filter((item): item is Classified => item !== undefined);
  const outcome = decideOutcome(scan, classified);

  let root = outcome === 'succeeded' ? undefined : pickRootCause(scan, classified);
  if (!root && outcome === 'failed') root = unexplained(scan, facts);

  const rootLine = root?.record.line ?? Number.POSITIVE_INFINITY;
  const followOns = classified.filter((item) => item.role === 'follow-on' && item.record.line >= rootLine && item.record !== root?.record);
  const related = followOns.map((item) => item.record);

  const findings: Finding[] = [];
  let rootFinding: Finding | null = null;
  if (root && !classified.includes(root)) {
    rootFinding = toFinding(root, 'root-cause', related);
    findings.push(rootFinding);
  }
  for (const item of classified) {
    if (item.record === root?.record && item !== root) continue;
    if (item === root) {
      rootFinding = toFinding(item, 'root-cause', related);
      findings.push(rootFinding);
    } else if (item.role === 'follow-on') {
      // A follow-on reports the root cause's failure, so it carries that category.
      findings.push(toFinding(item, 'follow-on', [], root && item.record.line >= rootLine ? root.category : undefined));
    } else if (item.role === 'benign' || outcome === 'succeeded') {
      findings.push(toFinding(item, 'benign', []));
    } else {
      findings.push(toFinding(item, 'other-cause', []));
    }
  }
  findings.sort((a, b) => a.record.line - b.record.line || a.record.column - b.record.column);

  return {
    facts,
    outcome,
    rootCause: rootFinding,
    findings,
    phases: scan.phases,
    lineCount: scan.lineCount,
    recognizedLineCount: scan.criuLineCount + scan.terminalLineCount,
    droppedRecordCount: scan.droppedRecords,
  };
}
