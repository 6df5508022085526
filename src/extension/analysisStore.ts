import * as vscode from 'vscode';

import { analyzeText } from '../model/analyze';
import type { Analysis } from '../model/types';

export const CRIU_LOG_LANGUAGE = 'criu-log';

/** Origin of an analysis: an open editor document, or a file streamed from disk. */
export type AnalysisSource = 'document' | 'file';

export interface StoredAnalysis {
  analysis: Analysis;
  source: AnalysisSource;
  /** Document version that was analyzed; unset for files streamed from disk. */
  version?: number;
}

/**
 * The latest analysis of each CRIU log, keyed by URI. Diagnostics, hovers, CodeLens, the outline
 * and explanation documents all read from here, so one analysis serves every feature.
 */
export class AnalysisStore implements vscode.Disposable {
  private readonly analyses = new Map<string, StoredAnalysis>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();

  /** Fires after an analysis is stored or removed. */
  readonly onDidChange = this.changeEmitter.event;

  get(uri: vscode.Uri): StoredAnalysis | undefined {
    return this.analyses.get(uri.toString());
  }

  set(uri: vscode.Uri, stored: StoredAnalysis): void {
    this.analyses.set(uri.toString(), stored);
    this.changeEmitter.fire(uri);
  }

  delete(uri: vscode.Uri): void {
    if (this.analyses.delete(uri.toString())) this.changeEmitter.fire(uri);
  }

  uris(): vscode.Uri[] {
    return [...this.analyses.keys()].map((key) => vscode.Uri.parse(key));
  }

  /**
   * Returns the stored analysis of a CRIU log document, analyzing it now when none exists yet.
   * While a re-analysis waits for its debounce, the stored analysis is of an older version. The
   * providers accept that, because a growing log only adds lines at the end.
   */
  forDocument(document: vscode.TextDocument): Analysis | undefined {
    if (document.languageId !== CRIU_LOG_LANGUAGE) return undefined;
    const stored = this.get(document.uri);
    if (stored) return stored.analysis;

    const analysis = analyzeText(document.getText());
    this.set(document.uri, { analysis, source: 'document', version: document.version });
    return analysis;
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.analyses.clear();
  }
}
