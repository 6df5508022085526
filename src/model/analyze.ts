// API stub: the real implementation replaces this file. Signatures are final.
import type { Analysis, LogRecord } from './types';

/** Incremental analyser: feed lines in order (without their line terminators), then call `finish`. */
export class LogAnalyzer {
  pushLine(_line: string): void {}
  finish(): Analysis {
    return { facts: { logKind: 'unknown' }, outcome: 'unknown', rootCause: null, findings: [], phases: [], lineCount: 0 };
  }
}

/** Analyse a whole log held in memory. Accepts LF and CRLF line ends. */
export function analyzeText(text: string): Analysis {
  const analyzer = new LogAnalyzer();
  for (const line of text.split(/\r?\n/)) analyzer.pushLine(line);
  return analyzer.finish();
}

export type { LogRecord };
