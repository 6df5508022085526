import * as vscode from 'vscode';

import { CRIU_LOG_LANGUAGE, type AnalysisStore } from './analysisStore';
import { COMMANDS } from './commandIds';
import { findingAtLine } from './diagnosticFindings';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { configSnippetDocument, fixActions } from './fixActions';
import { GAPS_COMMANDS } from './gaps/registerGaps';

/** Registers quick fixes on Checkpoint Lens diagnostics: copy a fixed command, open a config snippet, show the explanation. */
export function registerCodeActions(store: AnalysisStore): vscode.Disposable {
  const provider: vscode.CodeActionProvider = {
    async provideCodeActions(document, _range, context, token) {
      const analysis = await store.analysisFor(document, token);
      if (!analysis) return [];

      const actions: vscode.CodeAction[] = [];
      for (const diagnostic of context.diagnostics) {
        if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
        const finding = findingAtLine(analysis, diagnostic.range.start.line + 1);
        if (!finding) continue;

        const logPath = document.uri.scheme === 'file' ? document.uri.fsPath : undefined;
        for (const choice of fixActions(finding, logPath)) {
          const action = new vscode.CodeAction(choice.title, vscode.CodeActionKind.QuickFix);
          action.diagnostics = [diagnostic];
          switch (choice.kind) {
            case 'copy-command':
              action.command = { command: COMMANDS.copyCommand, title: choice.title, arguments: [choice.command] };
              break;
            case 'open-config-snippet':
              action.command = {
                command: COMMANDS.openConfigSnippet,
                title: choice.title,
                arguments: [configSnippetDocument(finding, choice.snippet)],
              };
              break;
            case 'show-explanation':
              action.command = {
                command: COMMANDS.showExplanation,
                title: choice.title,
                arguments: [document.uri, finding.record.line],
              };
              break;
          }
          actions.push(action);
        }
        if (finding.code.startsWith('mount-lookup.')) actions.push(showMappingGapAction(document.uri, finding.record.line, diagnostic));
      }
      return actions;
    },
  };

  return vscode.languages.registerCodeActionsProvider(CRIU_LOG_LANGUAGE, provider, {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  });
}

function showMappingGapAction(logUri: vscode.Uri, line: number, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction('Show Mapping Gap', vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.command = { command: GAPS_COMMANDS.showMappingGap, title: action.title, arguments: [logUri, line] };
  return action;
}

/** Registers the commands behind the quick fixes; they are hidden from the command palette. */
export function registerFixCommands(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.copyCommand, async (command: unknown) => {
      if (typeof command !== 'string') return;
      await vscode.env.clipboard.writeText(command);
      vscode.window.setStatusBarMessage(`Copied: ${command}`, 5000);
    }),
    vscode.commands.registerCommand(COMMANDS.openConfigSnippet, async (content: unknown) => {
      if (typeof content !== 'string') return;
      const document = await vscode.workspace.openTextDocument({ content, language: 'plaintext' });
      await vscode.window.showTextDocument(document);
    }),
  );
}

