// Analysis of a whole document that yields to the event loop between slices of lines, so a large
// log does not block the extension host. No `vscode` import, so the unit tests run it in plain Node.
import { LogAnalyzer } from '../model/analyze';
import type { Analysis } from '../model/types';

const LINES_PER_SLICE = 20_000;

/**
 * Analyzes `text` like `analyzeText`, splitting lines at LF or CR LF, and awaits a macrotask after
 * every `linesPerSlice` lines. Returns undefined when `isCancelled` turns true between slices.
 */
export async function analyzeInSlices(
  text: string,
  isCancelled: () => boolean = () => false,
  linesPerSlice = LINES_PER_SLICE,
): Promise<Analysis | undefined> {
  const analyzer = new LogAnalyzer();
  let start = 0;
  let linesInSlice = 0;

  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const lineEnd = end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
    analyzer.pushLine(text.slice(start, lineEnd));
    if (newline < 0) break;
    start = newline + 1;

    if (++linesInSlice >= linesPerSlice) {
      linesInSlice = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (isCancelled()) return undefined;
    }
  }
  return analyzer.finish();
}
