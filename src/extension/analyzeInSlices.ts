// Analysis of a whole document that yields to the event loop between slices of lines, so a large
// log does not block the extension host. No `vscode` import, so the unit tests run it in plain Node.
import { LogAnalyzer } from '../model/analyze';
import type { Analysis } from '../model/types';

const LINES_PER_SLICE = 20_000;

/**
 * Analyzes `text` like `analyzeText` and awaits a macrotask after every `linesPerSlice` lines.
 * Returns undefined when `isCancelled` turns true between slices.
 */
export async function analyzeInSlices(
  text: string,
  isCancelled: () => boolean = () => false,
  linesPerSlice = LINES_PER_SLICE,
): Promise<Analysis | undefined> {
  const analyzer = new LogAnalyzer();
  let start = 0;
  let linesInSlice = 0;

  // Same line splitting as `analyzeText`: a final newline starts no extra line, and the
  // analyzer itself drops the CR of a CR LF line end.
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    analyzer.pushLine(text.slice(start, end));
    start = end + 1;

    if (++linesInSlice >= linesPerSlice) {
      linesInSlice = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (isCancelled()) return undefined;
    }
  }
  return analyzer.finish();
}
