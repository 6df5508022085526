/**
 * Knowledge-base lookups, so that a preflight finding names the same code and fixes as the log
 * diagnosis gives for the error CRIU would print.
 */
import { KNOWLEDGE_BASE } from '../kb';
import type { Explanation, LogFacts, LogRecord } from '../types';

/**
 * Explains `message` with the entry of `code`, as if CRIU had printed it. Returns undefined when
 * the code is unknown or none of its patterns matches the message.
 */
export function explainAs(code: string, message: string, facts: LogFacts): Explanation | undefined {
  const entry = KNOWLEDGE_BASE.find((candidate) => candidate.code === code);
  if (!entry) return undefined;
  for (const pattern of entry.patterns) {
    const match = message.match(pattern);
    if (!match) continue;
    const record: LogRecord = { line: 0, endLine: 0, level: 'error', origin: 'criu', message, column: 0, lineLength: message.length };
    return entry.explain({ match, record, facts });
  }
  return undefined;
}
