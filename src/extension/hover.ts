import * as vscode from 'vscode';

import { CRIU_LOG_LANGUAGE, type AnalysisStore } from './analysisStore';
import { findingAtLine } from './diagnosticFindings';
import { recordRange } from './diagnostics';
import { hoverMarkdown } from './findingText';

/** Registers hovers that explain the finding on the hovered line of a CRIU log. */
export function registerHover(store: AnalysisStore): vscode.Disposable {
  return vscode.languages.registerHoverProvider(CRIU_LOG_LANGUAGE, {
    async provideHover(document, position, token) {
      const analysis = await store.analysisFor(document, token);
      const finding = analysis && findingAtLine(analysis, position.line + 1);
      if (!analysis || !finding) return undefined;

      const markdown = new vscode.MarkdownString(hoverMarkdown(finding, analysis));
      return new vscode.Hover(markdown, recordRange(finding.record));
    },
  });
}
