import * as vscode from 'vscode';

import { CRIU_LOG_LANGUAGE, type AnalysisStore } from './analysisStore';
import { buildOutline, type OutlineNode } from './outline';
import type { Settings } from './settings';

/** Registers the outline of a CRIU log: its phases and the findings under them. */
export function registerOutline(store: AnalysisStore, readSettings: () => Settings): vscode.Disposable {
  return vscode.languages.registerDocumentSymbolProvider(
    CRIU_LOG_LANGUAGE,
    {
      async provideDocumentSymbols(document, token) {
        const analysis = await store.analysisFor(document, token);
        if (!analysis || document.lineCount === 0) return [];
        const nodes = buildOutline(analysis, { includeBenign: readSettings().showBenign });
        return nodes.map((node) => toSymbol(document, node, document.lineCount));
      },
    },
    { label: 'CRIU log' },
  );
}

function toSymbol(document: vscode.TextDocument, node: OutlineNode, lastLine: number): vscode.DocumentSymbol {
  // An analysis of an older version may name lines past the end of a document that shrank.
  const first = Math.min(node.line, lastLine) - 1;
  const last = Math.min(Math.max(node.endLine, node.line), lastLine) - 1;
  const range = new vscode.Range(first, 0, last, document.lineAt(last).range.end.character);
  const selectionRange = document.lineAt(first).range;
  const kind = node.kind === 'phase' ? vscode.SymbolKind.Namespace : findingSymbolKind(node);

  const symbol = new vscode.DocumentSymbol(node.name || '(untitled)', node.detail, kind, range, selectionRange);
  symbol.children = node.children.map((child) => toSymbol(document, child, last + 1));
  return symbol;
}

function findingSymbolKind(node: OutlineNode): vscode.SymbolKind {
  return node.finding?.role === 'root-cause' ? vscode.SymbolKind.Event : vscode.SymbolKind.Key;
}
