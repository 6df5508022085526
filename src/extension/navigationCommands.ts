import * as vscode from 'vscode';

import type { Analysis } from '../model/types';
import { CRIU_LOG_LANGUAGE, type AnalysisStore } from './analysisStore';
import { COMMANDS } from './commandIds';
import { findingAtLine } from './diagnosticFindings';
import { showExplanation } from './explanationDocument';

/**
 * Opens `uri` with line `line` (1-based) selected. Uses the `vscode.open` command rather than
 * `openTextDocument`, because VS Code does not sync models over 50 MB to extensions
 * (`TextModel._MODEL_SYNC_LIMIT` in VS Code 1.139) but can still show them in an editor.
 */
export async function revealLine(uri: vscode.Uri, line: number): Promise<void> {
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  const options: vscode.TextDocumentShowOptions = { selection: new vscode.Range(position, position), preview: false };
  await vscode.commands.executeCommand('vscode.open', uri, options);
}

interface Target {
  uri: vscode.Uri;
  /** 1-based line the command applies to, when known. */
  line?: number;
  analysis?: Analysis;
}

/**
 * Registers "Show Explanation" and "Go to Root Cause". Both take an optional log URI and
 * 1-based line. Without them they use the active editor: the explanation of the finding at the
 * cursor, else of the root cause.
 */
export function registerNavigationCommands(store: AnalysisStore, log: vscode.LogOutputChannel): vscode.Disposable {
  const resolveTarget = async (uriArgument: unknown, lineArgument: unknown): Promise<Target | undefined> => {
    if (uriArgument instanceof vscode.Uri) {
      const line = typeof lineArgument === 'number' ? lineArgument : undefined;
      return { uri: uriArgument, line, analysis: store.get(uriArgument)?.analysis };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== CRIU_LOG_LANGUAGE) return undefined;
    const analysis = await store.analysisFor(editor.document);
    return { uri: editor.document.uri, line: editor.selection.active.line + 1, analysis };
  };

  const noLogMessage = 'Open a CRIU log (dump.log, restore.log) in the editor first, or run "Checkpoint Lens: Analyze CRIU Log File…".';

  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.showExplanation, async (uriArgument?: unknown, lineArgument?: unknown) => {
      const target = await resolveTarget(uriArgument, lineArgument);
      const analysis = target?.analysis;
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
      const target = await resolveTarget(uriArgument, undefined);
      const analysis = target?.analysis;
      const line = typeof lineArgument === 'number' ? lineArgument : analysis?.rootCause?.record.line;
      if (!target || line === undefined) {
        void vscode.window.showWarningMessage(analysis ? 'Checkpoint Lens found no root cause in this log.' : noLogMessage);
        return;
      }
      await revealLine(target.uri, line);
    }),
  );
}
