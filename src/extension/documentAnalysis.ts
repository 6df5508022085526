import * as vscode from 'vscode';

import { analyzeInSlices } from './analyzeInSlices';
import { AnalysisStore, CRIU_LOG_LANGUAGE } from './analysisStore';
import type { Settings } from './settings';

/**
 * A log that keeps growing (CRIU still writing it) re-analyzes at least this many debounce
 * intervals after its first unanalyzed change, so bursts of appends never postpone it forever.
 */
const MAX_WAIT_IN_DEBOUNCE_INTERVALS = 4;

interface DocumentState {
  timer?: ReturnType<typeof setTimeout>;
  /** Time of the first change not yet analyzed, for the maximum wait. */
  firstChangeAt?: number;
  running: boolean;
  closed: boolean;
}

/**
 * Analyzes CRIU log documents when they open and again after edits, debounced. The previous
 * analysis stays in the store until the new one is ready, so diagnostics do not flicker while a
 * log grows. Closing a document or changing its language removes its analysis.
 */
export function registerDocumentAnalysis(
  store: AnalysisStore,
  readSettings: () => Settings,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  const states = new Map<string, DocumentState>();

  const schedule = (document: vscode.TextDocument, delayMs: number): void => {
    const key = document.uri.toString();
    let state = states.get(key);
    if (!state) {
      state = { running: false, closed: false };
      states.set(key, state);
    }
    state.firstChangeAt ??= Date.now();
    // A run in progress reschedules itself when the document changed meanwhile, see `run`.
    if (state.running) return;

    clearTimeout(state.timer);
    const maxWait = MAX_WAIT_IN_DEBOUNCE_INTERVALS * delayMs;
    const delay = Math.min(delayMs, Math.max(0, state.firstChangeAt + maxWait - Date.now()));
    const runState = state;
    state.timer = setTimeout(() => void run(document, runState), delay);
  };

  const run = async (document: vscode.TextDocument, state: DocumentState): Promise<void> => {
    state.timer = undefined;
    state.firstChangeAt = undefined;
    state.running = true;
    const version = document.version;
    const started = Date.now();

    try {
      const analysis = await analyzeInSlices(document.getText(), () => state.closed);
      if (!analysis || state.closed) return;
      store.set(document.uri, { analysis, source: 'document', version });
      log.debug(`Analyzed ${document.uri.toString(true)} v${version}: ${analysis.lineCount} lines, ${analysis.findings.length} findings, ${Date.now() - started} ms`);
    } catch (error) {
      log.error(`Analyzing ${document.uri.toString(true)} failed`, error);
    } finally {
      state.running = false;
    }

    if (!state.closed && document.version !== version) schedule(document, readSettings().debounceMs);
  };

  const forget = (document: vscode.TextDocument): void => {
    const key = document.uri.toString();
    const state = states.get(key);
    if (state) {
      clearTimeout(state.timer);
      state.closed = true;
      states.delete(key);
    }
    // Keep an analysis that the file command streamed from disk: it does not belong to this document.
    if (store.get(document.uri)?.source === 'document') store.delete(document.uri);
  };

  const onOpen = (document: vscode.TextDocument): void => {
    if (document.languageId === CRIU_LOG_LANGUAGE) schedule(document, 0);
  };

  for (const document of vscode.workspace.textDocuments) onOpen(document);

  return vscode.Disposable.from(
    vscode.workspace.onDidOpenTextDocument(onOpen),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document.languageId !== CRIU_LOG_LANGUAGE || event.contentChanges.length === 0) return;
      schedule(event.document, readSettings().debounceMs);
    }),
    // VS Code reports a language change as a close followed by an open.
    vscode.workspace.onDidCloseTextDocument(forget),
    {
      dispose: () => {
        for (const state of states.values()) {
          clearTimeout(state.timer);
          state.closed = true;
        }
        states.clear();
      },
    },
  );
}
