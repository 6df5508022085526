import * as vscode from 'vscode';

import { analyzeLogFile, type LogFileAnalysis } from '../node/analyzeLogFile';
import { LogFileError, type LogFileStats } from '../node/logFile';
import type { AnalysisStore } from './analysisStore';
import { COMMANDS } from './commandIds';
import { showExplanation } from './explanationDocument';
import { revealLine } from './navigationCommands';
import { looksLikeCriuLog, summaryTitle } from './summary';

const SHOW_EXPLANATION = 'Show Explanation';
const GO_TO_LINE = 'Go to Line';

/**
 * Registers "Analyze CRIU Log File…", which streams a log from disk instead of asking VS Code for
 * the document, so it also works on logs over VS Code's 50 MB limit for extensions. Passing a
 * file URI skips the open dialog. The command resolves to the analysis, or to undefined when the
 * file could not be analyzed or the user cancelled.
 */
export function registerAnalyzeFileCommand(store: AnalysisStore, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.analyzeLogFile, async (uriArgument?: unknown): Promise<LogFileAnalysis | undefined> => {
    const uri = uriArgument instanceof vscode.Uri ? uriArgument : await pickLogFile();
    if (!uri) return undefined;

    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(`Cannot analyze ${uri.toString(true)}: only files on disk can be streamed. Open it in an editor instead.`);
      return undefined;
    }

    const result = await analyzeWithProgress(uri, log);
    if (!result) return undefined;

    store.set(uri, { analysis: result.analysis, source: 'file' });
    log.info(`Analyzed ${uri.fsPath}: ${result.stats.lineCount} lines, ${result.stats.totalBytes} bytes, outcome ${result.analysis.outcome}`);
    void showSummary(uri, result, log);
    return result;
  });
}

async function pickLogFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    openLabel: 'Analyze',
    title: 'Analyze CRIU Log File',
    filters: { 'CRIU logs': ['log', 'txt'], 'All files': ['*'] },
  });
  return picked?.[0];
}

async function analyzeWithProgress(uri: vscode.Uri, log: vscode.LogOutputChannel): Promise<LogFileAnalysis | undefined> {
  const name = uri.path.split('/').pop() ?? uri.fsPath;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Analyzing ${name}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      let reportedPercent = 0;

      try {
        return await analyzeLogFile(uri.fsPath, {
          signal: controller.signal,
          onProgress: (bytesRead, totalBytes) => {
            const percent = totalBytes > 0 ? Math.floor((bytesRead / totalBytes) * 100) : 100;
            if (percent > reportedPercent) {
              progress.report({ increment: percent - reportedPercent, message: `${percent}%` });
              reportedPercent = percent;
            }
          },
        });
      } catch (error) {
        reportFailure(uri, error, log);
        return undefined;
      } finally {
        subscription.dispose();
      }
    },
  );
}

function reportFailure(uri: vscode.Uri, error: unknown, log: vscode.LogOutputChannel): void {
  if (error instanceof Error && error.name === 'AbortError') {
    log.info(`Analysis of ${uri.fsPath} cancelled`);
    return;
  }
  if (error instanceof LogFileError) {
    log.warn(`Analysis of ${uri.fsPath} rejected (${error.reason}): ${error.message}`);
    void vscode.window.showErrorMessage(error.message);
    return;
  }
  log.error(`Analysis of ${uri.fsPath} failed`, error);
  const detail = error instanceof Error ? error.message : String(error);
  void vscode.window.showErrorMessage(`Analyzing ${uri.fsPath} failed: ${detail}. See the "Checkpoint Lens" output for details.`);
}

async function showSummary(uri: vscode.Uri, { analysis, stats }: LogFileAnalysis, log: vscode.LogOutputChannel): Promise<void> {
  const name = uri.path.split('/').pop() ?? uri.fsPath;
  const notes = statsNotes(stats);

  if (!looksLikeCriuLog(analysis)) {
    const message = `${uri.fsPath} does not look like a CRIU log: it has no CRIU version header, phase or known error. Pick the dump.log or restore.log that CRIU wrote.${notes}`;
    void vscode.window.showWarningMessage(message);
    return;
  }

  const rootCause = analysis.rootCause;
  const message = `${name}: ${summaryTitle(analysis)}${rootCause ? ` (line ${rootCause.record.line})` : ''}.${notes}`;
  const show = analysis.outcome === 'failed' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
  const actions = rootCause ? [SHOW_EXPLANATION, GO_TO_LINE] : [];
  const choice = await show(message, ...actions);

  if (choice === SHOW_EXPLANATION && rootCause) await showExplanation(uri, rootCause.record.line, rootCause.code, log);
  if (choice === GO_TO_LINE && rootCause) await revealLine(uri, rootCause.record.line);
}

function statsNotes(stats: LogFileStats): string {
  const notes: string[] = [];
  if (stats.truncatedLineCount > 0) {
    const lines = stats.truncatedLines.join(', ');
    notes.push(
      ` ${stats.truncatedLineCount} line(s) longer than ${Math.round(stats.maxLineBytes / 1024)} KiB were cut to that length (line ${lines}${stats.truncatedLineCount > stats.truncatedLines.length ? ', …' : ''}).`,
    );
  }
  return notes.join('');
}
