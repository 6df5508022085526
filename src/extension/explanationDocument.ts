import * as vscode from 'vscode';

import { analyzeText } from '../model/analyze';
import type { Analysis } from '../model/types';
import { analyzeLogFile } from '../node/analyzeLogFile';
import type { AnalysisStore } from './analysisStore';
import { findingAtLine } from './diagnosticFindings';
import { explanationMarkdown } from './findingText';

/** Scheme of the read-only Markdown documents that contain a finding's full explanation. */
export const EXPLANATION_SCHEME = 'checkpoint-lens-explanation';

interface ExplanationQuery {
  /** URI of the CRIU log. */
  log: string;
  /** 1-based line of the finding. */
  line: number;
}

/**
 * Returns the URI of the explanation document for the finding on `line` of a log. The path ends
 * in `.md`, so VS Code opens it as Markdown; the query names the log and line.
 */
export function explanationUri(logUri: vscode.Uri, line: number, code: string): vscode.Uri {
  const query: ExplanationQuery = { log: logUri.toString(), line };
  return vscode.Uri.from({
    scheme: EXPLANATION_SCHEME,
    path: `/${code}.md`,
    query: JSON.stringify(query),
  });
}

function parseExplanationUri(uri: vscode.Uri): ExplanationQuery | undefined {
  try {
    const query = JSON.parse(uri.query) as Partial<ExplanationQuery>;
    if (typeof query.log === 'string' && typeof query.line === 'number') return { log: query.log, line: query.line };
  } catch {
    // Fall through: a hand-edited or truncated URI.
  }
  return undefined;
}

/**
 * Registers the content provider of explanation documents. Each request renders the document
 * from the stored analysis, and a new analysis of that log refreshes the open documents.
 */
export function registerExplanationDocuments(store: AnalysisStore, log: vscode.LogOutputChannel): vscode.Disposable {
  const changeEmitter = new vscode.EventEmitter<vscode.Uri>();

  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changeEmitter.event,
    async provideTextDocumentContent(uri) {
      const query = parseExplanationUri(uri);
      if (!query) return `# Invalid explanation link\n\nThe link ${uri.toString(true)} names no log and line.\n`;

      const logUri = vscode.Uri.parse(query.log);
      const logName = logUri.path.split('/').pop() ?? query.log;
      let analysis: Analysis;
      try {
        // The log may have been closed since the link was made, e.g. when the explanation
        // replaced its preview editor, so fall back to reading it again.
        analysis = store.get(logUri)?.analysis ?? (await analyzeClosedLog(logUri));
      } catch (error) {
        log.warn(`Reading ${logUri.toString(true)} for its explanation failed: ${String(error)}`);
        const reason = error instanceof Error ? error.message : String(error);
        return `# Explanation not available\n\n${logName} could not be read again: ${reason}\n`;
      }

      const finding = findingAtLine(analysis, query.line);
      if (!finding) {
        return `# Explanation not available\n\n${logName} has no finding on line ${query.line} any more. Open the log again to see its current diagnostics.\n`;
      }
      return explanationMarkdown(finding, analysis, logName);
    },
  };

  const refreshOpenExplanations = (logUri: vscode.Uri): void => {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === EXPLANATION_SCHEME && parseExplanationUri(document.uri)?.log === logUri.toString()) {
        changeEmitter.fire(document.uri);
      }
    }
  };

  return vscode.Disposable.from(
    changeEmitter,
    vscode.workspace.registerTextDocumentContentProvider(EXPLANATION_SCHEME, provider),
    store.onDidChange(refreshOpenExplanations),
  );
}

/** Analyzes a log that is not open: streamed from disk for files, read whole otherwise. */
async function analyzeClosedLog(logUri: vscode.Uri): Promise<Analysis> {
  if (logUri.scheme === 'file') return (await analyzeLogFile(logUri.fsPath)).analysis;
  const bytes = await vscode.workspace.fs.readFile(logUri);
  return analyzeText(new TextDecoder().decode(bytes));
}

/**
 * Opens the explanation of the finding on `line` (1-based) of `logUri` as a Markdown preview,
 * or as a read-only Markdown editor where the built-in Markdown extension is missing.
 */
export async function showExplanation(logUri: vscode.Uri, line: number, code: string, log: vscode.LogOutputChannel): Promise<void> {
  const uri = explanationUri(logUri, line, code);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return;
  } catch (error) {
    log.warn(`Markdown preview unavailable, opening the explanation as text: ${String(error)}`);
  }
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: true });
}
