// Finds CRIU source locations such as `(criu/files-reg.c:1790)` in log text for document links.
// No `vscode` import, so the unit tests run it in plain Node.
import type { SourceLocation } from '../model/types';

/** A source location found in a line, with the 0-based columns of `file:line` (end exclusive). */
export interface LocatedSource {
  location: SourceLocation;
  start: number;
  end: number;
}

// CRIU prints `(criu/<file>.c:<line>)` since 2.0, `(compel/...)` for the infection library and
// `(<file>.c:<line>)` before 2.0. Headers (`.h`) appear in pr_err calls from inline functions.
const SOURCE_LOCATION = /(?<![\w./-])((?:[\w-]+\/)*[\w-]+\.[ch]):(\d+)(?!\d)/g;

/** Returns every `file.c:line` location in `text`, in order. `text` is usually one line. */
export function findSourceLocations(text: string): LocatedSource[] {
  const found: LocatedSource[] = [];
  for (const match of text.matchAll(SOURCE_LOCATION)) {
    const file = match[1]!;
    const line = Number(match[2]);
    if (!Number.isSafeInteger(line) || line === 0) continue;
    found.push({ location: { file, line }, start: match.index!, end: match.index! + match[0].length });
  }
  return found;
}
