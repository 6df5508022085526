import { LogAnalyzer } from '../model/analyze';
import type { Analysis } from '../model/types';
import { readLogFile, type LogFileStats, type ReadLogFileOptions } from './readLogFile';

export interface LogFileAnalysis {
  analysis: Analysis;
  stats: LogFileStats;
}

/** Streams a CRIU log file through `LogAnalyzer`. Errors are those of `readLogFile`. */
export async function analyzeLogFile(path: string, options: ReadLogFileOptions = {}): Promise<LogFileAnalysis> {
  const analyzer = new LogAnalyzer();
  const stats = await readLogFile(path, (line) => analyzer.pushLine(line), options);
  return { analysis: analyzer.finish(), stats };
}
