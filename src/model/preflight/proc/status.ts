/**
 * Parser for /proc/PID/status (proc(5)): `Key:\tvalue` lines. Only the fields the checks read are
 * typed; all others are kept as text.
 */
import { eachLine, issue, type TableIssue } from './lines';

export interface ProcessStatus {
  name?: string;
  /** `Seccomp:` 0 disabled, 1 strict, 2 filter. */
  seccomp?: number;
  /** `Seccomp_filters:` the number of filters attached (Linux 5.9 and later). */
  seccompFilters?: number;
  /** `NSpid:` the PID in each nested PID namespace, outermost first. */
  nsPids?: number[];
  /** Line numbers of the typed fields, for evidence. */
  lines: Record<string, number>;
  fields: Record<string, string>;
  issues: TableIssue[];
}

/** Parses status text; lines without `key:` are listed in `issues`. Never throws. */
export function parseStatus(text: string): ProcessStatus {
  const status: ProcessStatus = { lines: {}, fields: {}, issues: [] };
  eachLine(text, (raw, lineNumber) => {
    const colon = raw.indexOf(':');
    if (colon <= 0) {
      status.issues.push(issue(lineNumber, 'not a "Key: value" line', raw));
      return;
    }
    const key = raw.slice(0, colon);
    const value = raw.slice(colon + 1).trim();
    status.fields[key] = value;
    status.lines[key] = lineNumber;
    if (key === 'Name') status.name = value;
    else if (key === 'Seccomp' && /^\d$/.test(value)) status.seccomp = Number(value);
    else if (key === 'Seccomp_filters' && /^\d{1,10}$/.test(value)) status.seccompFilters = Number(value);
    else if (key === 'NSpid' && /^\d{1,10}(\s+\d{1,10})*$/.test(value)) status.nsPids = value.split(/\s+/).map(Number);
  });
  return status;
}
