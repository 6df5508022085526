import * as vscode from 'vscode';

import { CRIU_LOG_LANGUAGE, type AnalysisStore } from './analysisStore';
import { COMMANDS } from './commandIds';
import type { Settings } from './settings';
import { summaryTitle } from './summary';

/**
 * Registers the verdict CodeLens on the first line of a CRIU log. For a failure it jumps to the
 * root-cause line, and a second lens opens the explanation.
 */
export function registerSummaryCodeLens(store: AnalysisStore, readSettings: () => Settings): vscode.Disposable {
  const changeEmitter = new vscode.EventEmitter<void>();

  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changeEmitter.event,
    async provideCodeLenses(document, token) {
      if (!readSettings().summaryCodeLens) return [];
      const analysis = await store.analysisFor(document, token);
      if (!analysis) return [];

      const range = new vscode.Range(0, 0, 0, 0);
      const title = summaryTitle(analysis);
      const rootCause = analysis.rootCause;
      if (!rootCause) {
        // A lens with an empty command id renders as plain text.
        return [new vscode.CodeLens(range, { title, command: '' })];
      }

      const line = rootCause.record.line;
      return [
        new vscode.CodeLens(range, {
          title: `$(error) ${title}`,
          tooltip: `Go to line ${line}`,
          command: COMMANDS.goToRootCause,
          arguments: [document.uri, line],
        }),
        new vscode.CodeLens(range, {
          title: 'Show explanation',
          command: COMMANDS.showExplanation,
          arguments: [document.uri, line],
        }),
      ];
    },
  };

  return vscode.Disposable.from(
    changeEmitter,
    vscode.languages.registerCodeLensProvider(CRIU_LOG_LANGUAGE, provider),
    store.onDidChange(() => changeEmitter.fire()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('checkpointLens.codeLens')) changeEmitter.fire();
    }),
  );
}
