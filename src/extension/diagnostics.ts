import * as vscode from 'vscode';

import type { Analysis, LogRecord } from '../model/types';
import type { AnalysisStore } from './analysisStore';
import { diagnosticFindings, type DiagnosticLevel } from './diagnosticFindings';
import { explanationUri } from './explanationDocument';
import { diagnosticMessage } from './findingText';
import type { Settings } from './settings';

export const DIAGNOSTIC_SOURCE = 'Checkpoint Lens';

const SEVERITIES: Record<DiagnosticLevel, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** Range of a record's first line, from the level word (or message) to the end of the line. */
export function recordRange(record: LogRecord): vscode.Range {
  const line = Math.max(0, record.line - 1);
  const start = record.column < record.lineLength ? record.column : 0;
  return new vscode.Range(line, start, line, Math.max(start, record.lineLength));
}

/** Builds the diagnostics of one analyzed log. */
export function buildDiagnostics(uri: vscode.Uri, analysis: Analysis, settings: Settings): vscode.Diagnostic[] {
  return diagnosticFindings(analysis, settings).map(({ finding, level }) => {
    const diagnostic = new vscode.Diagnostic(recordRange(finding.record), diagnosticMessage(finding), SEVERITIES[level]);
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = { value: finding.code, target: explanationUri(uri, finding.record.line, finding.code) };
    if (finding.related.length > 0) {
      diagnostic.relatedInformation = finding.related.map(
        (record) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, recordRange(record)), relatedMessage(record)),
      );
    }
    return diagnostic;
  });
}

function relatedMessage(record: LogRecord): string {
  const firstLine = record.message.split('\n', 1)[0]!;
  return `Follow-on error: ${firstLine}`;
}

/**
 * Publishes the diagnostics of every stored analysis into the `criu-log` collection, replacing
 * a log's diagnostics only when its new analysis is stored, and removing them with it.
 */
export function registerDiagnostics(store: AnalysisStore, readSettings: () => Settings): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('criu-log');

  const publish = (uri: vscode.Uri): void => {
    const stored = store.get(uri);
    if (stored) collection.set(uri, buildDiagnostics(uri, stored.analysis, readSettings()));
    else collection.delete(uri);
  };

  return vscode.Disposable.from(
    collection,
    store.onDidChange(publish),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('checkpointLens.diagnostics')) for (const uri of store.uris()) publish(uri);
    }),
  );
}
