import * as vscode from 'vscode';

import { criuSourceUrl } from '../model/criuSource';
import { CRIU_LOG_LANGUAGE, type AnalysisStore } from './analysisStore';
import { findSourceLocations } from './sourceLocations';

/** Registers links from `criu/<file>.c:<line>` locations to the CRIU source at the log's release tag. */
export function registerDocumentLinks(store: AnalysisStore): vscode.Disposable {
  return vscode.languages.registerDocumentLinkProvider(CRIU_LOG_LANGUAGE, {
    async provideDocumentLinks(document, token) {
      const criuVersion = (await store.analysisFor(document, token))?.facts.criuVersion;
      const at = criuVersion ? `CRIU ${criuVersion}` : 'the CRIU development branch';
      const links: vscode.DocumentLink[] = [];

      for (let line = 0; line < document.lineCount; line++) {
        if (line % 10_000 === 0 && token.isCancellationRequested) return undefined;
        const text = document.lineAt(line).text;
        // Cheap test first: most lines of a large log name no source file.
        if (!text.includes('.c:') && !text.includes('.h:')) continue;

        for (const found of findSourceLocations(text)) {
          const link = new vscode.DocumentLink(
            new vscode.Range(line, found.start, line, found.end),
            vscode.Uri.parse(criuSourceUrl(criuVersion, found.location)),
          );
          link.tooltip = `Open ${found.location.file} line ${found.location.line} of ${at}`;
          links.push(link);
        }
      }
      return links;
    },
  });
}
