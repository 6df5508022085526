import * as vscode from 'vscode';

import { CRIU_LOG_LANGUAGE } from './analysisStore';
import { COMMANDS } from './commandIds';

/**
 * Registers "Set Language to CRIU Log" for logs that the file name patterns miss, such as
 * pasted terminal output or a log saved under another name.
 */
export function registerSetLanguageCommand(): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.setLanguage, async (uriArgument?: unknown) => {
    const document =
      uriArgument instanceof vscode.Uri
        ? await vscode.workspace.openTextDocument(uriArgument)
        : vscode.window.activeTextEditor?.document;
    if (!document) {
      void vscode.window.showWarningMessage('Open the log in an editor first, then run "Checkpoint Lens: Set Language to CRIU Log".');
      return undefined;
    }
    return vscode.languages.setTextDocumentLanguage(document, CRIU_LOG_LANGUAGE);
  });
}
