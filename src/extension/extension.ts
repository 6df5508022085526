import * as vscode from 'vscode';

import { registerAnalyzeFileCommand } from './analyzeFileCommand';
import { AnalysisStore } from './analysisStore';
import { registerCodeActions, registerFixCommands } from './codeActions';
import { registerContainers, type ContainersTestApi } from './containers/registerContainers';
import { registerDiagnostics } from './diagnostics';
import { registerDocumentAnalysis } from './documentAnalysis';
import { registerDocumentLinks } from './documentLinks';
import { registerExplanationDocuments } from './explanationDocument';
import { registerGaps } from './gaps/registerGaps';
import { registerHover } from './hover';
import { registerSetLanguageCommand } from './languageCommand';
import { registerNavigationCommands } from './navigationCommands';
import { registerOutline } from './outlineSymbols';
import { readSettings } from './settings';
import { registerSummaryCodeLens } from './summaryCodeLens';

/** Return value of `activate`: read access for the in-host tests, not a public API. */
export interface ExtensionExports {
  containers: ContainersTestApi;
}

/** Composition root: builds the shared services and registers every feature. */
export function activate(context: vscode.ExtensionContext): ExtensionExports {
  const log = vscode.window.createOutputChannel('Checkpoint Lens', { log: true });
  const store = new AnalysisStore();
  const containers = registerContainers(log, context.globalStorageUri);

  context.subscriptions.push(
    log,
    store,
    // Diagnostics subscribe to the store before the first analysis runs, so none is missed.
    registerDiagnostics(store, readSettings),
    registerDocumentAnalysis(store, readSettings, log),
    registerExplanationDocuments(store, log),
    registerHover(store),
    registerCodeActions(store),
    registerFixCommands(),
    registerDocumentLinks(store),
    registerOutline(store, readSettings),
    registerSummaryCodeLens(store, readSettings),
    registerNavigationCommands(store, log),
    registerSetLanguageCommand(),
    registerAnalyzeFileCommand(store, log),
    containers.disposable,
    registerGaps(context.extensionUri, log, context.globalStorageUri),
  );
  log.info(`Checkpoint Lens ${String(context.extension.packageJSON.version)} activated`);
  return { containers: containers.testApi };
}

export function deactivate(): void {}
