import * as vscode from 'vscode';

import { analyzeText } from '../model/analyze';
import type { Analysis } from '../model/types';

export const CRIU_LOG_LANGUAGE = 'criu-log';

/** Largest document (in UTF-16 code units) that a provider analyzes synchronously; about 2 MB. */
const SYNCHRONOUS_ANALYSIS_MAX_CHARACTERS = 2 * 1024 * 1024;
/** Time a provider waits for the background analysis of a large document before giving up. */
const NEXT_ANALYSIS_TIMEOUT_MS = 60_000;

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
   * Returns the stored analysis of a CRIU log document. While a re-analysis waits for its
   * debounce, that is the analysis of an older version. The providers accept that, because a
   * growing log only adds lines at the end.
   *
   * Without a stored analysis, a small document is analyzed at once. A large one would block the
   * extension host, so this waits for the sliced analysis that opening the document started.
   */
  async analysisFor(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<Analysis | undefined> {
    if (document.languageId !== CRIU_LOG_LANGUAGE) return undefined;
    const stored = this.get(document.uri);
    if (stored) return stored.analysis;

    if (document.getText().length <= SYNCHRONOUS_ANALYSIS_MAX_CHARACTERS) {
      const analysis = analyzeText(document.getText());
      this.set(document.uri, { analysis, source: 'document', version: document.version });
      return analysis;
    }
    return this.nextAnalysis(document.uri, token);
  }

  private nextAnalysis(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<Analysis | undefined> {
    return new Promise((resolve) => {
      const finish = (analysis: Analysis | undefined): void => {
        clearTimeout(timer);
        subscription.dispose();
        cancellation?.dispose();
        resolve(analysis);
      };
      const subscription = this.onDidChange((changed) => {
        if (changed.toString() === uri.toString()) finish(this.get(uri)?.analysis);
      });
      const cancellation = token?.onCancellationRequested(() => finish(undefined));
      const timer = setTimeout(() => finish(this.get(uri)?.analysis), NEXT_ANALYSIS_TIMEOUT_MS);
    });
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.analyses.clear();
  }
}
