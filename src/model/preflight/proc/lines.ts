/** Line splitting shared by the /proc table parsers. */

/** A line of a /proc table that could not be parsed and was left out. */
export interface TableIssue {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
  /** The line, cut to 200 characters. */
  text: string;
}

/**
 * Calls `visit` for each non-empty line with its 1-based number, without a trailing `\r`.
 * Splitting on `\n` once keeps a 100,000-line table linear.
 */
export function eachLine(text: string, visit: (line: string, lineNumber: number) => void): void {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index].endsWith('\r') ? lines[index].slice(0, -1) : lines[index];
    if (raw.trim() === '') continue;
    visit(raw, index + 1);
  }
}

export function issue(line: number, reason: string, text: string): TableIssue {
  return { line, reason, text: text.slice(0, 200) };
}
