import * as vscode from 'vscode';

import { CRIU_LOG_LANGUAGE, type AnalysisStore } from './analysisStore';
import { COMMANDS } from './commandIds';
import { findingAtLine } from './diagnosticFindings';
import { showExplanation } from './explanationDocument';

/**
 * Opens `uri` with line `line` (1-based) selected. Uses the `vscode.open` command rather than
 * `openTextDocument`, because VS Code does not hand files over 50 MB to extensions but can still
 * show them in an editor.
 */
export async function revealLine(uri: vscode.Uri, line: number): Promise<void> {
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  const options: vscode.TextDocumentShowOptions = { selection: new vscode.Range(position, position), preview: false };
  await vscode.commands.executeCommand('vscode.open', uri, options);
}

/**
 * Registers "Show Explanation" and "Go to Root Cause". Both take an optional log URI and
 * 1-based line. Without them they use the active editor: the explanation of the finding at the
 * cursor, else of the root cause.
 */
export function registerNavigationCommands(store: AnalysisStore, log: vscode.LogOutputChannel): vscode.Disposable {
  const resolveTarget = (uriArgument: unknown, lineArgument: unknown): { uri: vscode.Uri; line?: number } | undefined => {
    if (uriArgument instanceof vscode.Uri) {
      return { uri: uriArgument, line: typeof lineArgument === 'number' ? lineArgument : undefined };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== CRIU_LOG_LANGUAGE) return undefined;
    store.forDocument(editor.document);
    return { uri: editor.document.uri, line: editor.selection.active.line + 1 };
  };

  const noLogMessage = 'Open a CRIU log (dump.log, restore.log) in the editor first, or run "Checkpoint Lens: Analyze CRIU Log File…".';

  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.showExplanation, async (uriArgument?: unknown, lineArgument?: unknown) => {
      const target = resolveTarget(uriArgument, lineArgument);
      const analysis = target && store.get(target.uri)?.analysis;
      if (!target || !analysis) {
        void vscode.window.showWarningMessage(noLogMessage);
        return;
      }
      const finding = (target.line !== undefined ? findingAtLine(analysis, target.line) : undefined) ?? analysis.rootCause;
      if (!finding) {
        void vscode.window.showInformationMessage('Checkpoint Lens found nothing to explain in this log.');
        return;
      }
      await showExplanation(target.uri, finding.record.line, finding.code, log);
    }),

    vscode.commands.registerCommand(COMMANDS.goToRootCause, async (uriArgument?: unknown, lineArgument?: unknown) => {
      const target = resolveTarget(uriArgument, undefined);
      const analysis = target && store.get(target.uri)?.analysis;
      const line = typeof lineArgument === 'number' ? lineArgument : analysis?.rootCause?.record.line;
      if (!target || line === undefined) {
        void vscode.window.showWarningMessage(analysis ? 'Checkpoint Lens found no root cause in this log.' : noLogMessage);
        return;
      }
      await revealLine(target.uri, line);
    }),
  );
}
