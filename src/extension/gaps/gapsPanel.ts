/** The "Mounts and Mappings" webview panel: its HTML, its CSP and the host side of its protocol. */
import { randomBytes } from 'node:crypto';

import * as vscode from 'vscode';

import type { HostMessage, PanelSource, WebviewMessage } from '../../../webview/protocol';
import { packGapView } from '../../../webview/viewModel';
import { loadView } from './loadView';

export const GAPS_VIEW_TYPE = 'checkpointLens.gaps';

export type ReadyMessage = Extract<WebviewMessage, { type: 'ready' }>;

/**
 * Result of the show commands: the panel's title and the webview's first `ready` message. `ready`
 * rejects with the message the panel shows when its input cannot be read or analysed.
 */
export interface GapsPanelHandle {
  title: string;
  ready: Promise<ReadyMessage>;
}

/**
 * Returns a panel title naming the input, e.g. `Mounts and Mappings: snapshot.json`,
 * `Mounts and Mappings: web on trixie` or `Mounts and Mappings: PID 4242 on local`.
 */
export function panelTitle(source: PanelSource): string {
  if (source.kind === 'snapshot' && source.live) return `Mounts and Mappings: ${source.live.container ?? `PID ${source.live.pid ?? '?'}`} on ${source.live.host}`;
  // Files are named by their mountinfo, as the gaps command names them.
  const uri = source.kind === 'snapshot' ? source.snapshot : source.mountinfo;
  const path = vscode.Uri.parse(uri).path;
  return `Mounts and Mappings: ${path.slice(path.lastIndexOf('/') + 1)}`;
}

/** Options for every panel; the webview loads files from dist/ and media/ only. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function isWebviewMessage(value: unknown): value is WebviewMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** One open panel: serves its view to the webview and opens the log when asked. */
export class GapsPanel implements vscode.Disposable {
  readonly ready: Promise<ReadyMessage>;
  private resolveReady!: (message: ReadyMessage) => void;
  private rejectReady!: (error: Error) => void;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    readonly source: PanelSource,
    private focusLogLine: number | null,
    private readonly log: vscode.LogOutputChannel,
    /** A mapping's `start-end` range whose gap, or else the mapping, to select first; wins over `focusLogLine`. */
    private readonly focusMapping: string | null = null,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // The panel shows the error itself, so a caller that never awaits `ready` has nothing to handle.
    this.ready.catch(() => undefined);
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = panelHtml(panel.webview, extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Selects the gap of a log line in a panel that is already open. */
  selectLogLine(line: number): void {
    this.focusLogLine = line;
    void this.post({ type: 'selectLogLine', line });
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private post(message: HostMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private async receive(message: unknown): Promise<void> {
    if (!isWebviewMessage(message)) return;
    switch (message.type) {
      case 'getView':
        try {
          const view = await loadView(this.source);
          await this.post({ type: 'view', requestId: message.id, view: packGapView(view), source: this.source, focusLogLine: this.focusLogLine, focusMapping: this.focusMapping });
        } catch (error) {
          const text = (error as Error).message;
          this.log.error(`Mounts and Mappings: ${text}`);
          this.rejectReady(new Error(text));
          await this.post({ type: 'error', requestId: message.id, message: text });
        }
        return;
      case 'ready':
        this.log.info(`Mounts and Mappings shows ${message.gapCount} gaps, ${message.mountCount} mounts and ${message.mappingCount} mappings of ${message.processCount} processes`);
        this.resolveReady(message);
        return;
      case 'showInLog':
        await this.post({ type: 'shownInLog', requestId: message.id, opened: await this.showInLog(message.line) });
        return;
    }
  }

  private async showInLog(line: number): Promise<boolean> {
    if (this.source.log === undefined || !Number.isInteger(line) || line < 1) return false;
    const position = new vscode.Position(line - 1, 0);
    await vscode.window.showTextDocument(vscode.Uri.parse(this.source.log), {
      viewColumn: vscode.ViewColumn.One,
      selection: new vscode.Range(position, position),
    });
    return true;
  }
}

/**
 * Returns the page of the panel. The CSP allows no inline script or style and no eval. The one
 * script runs by a nonce made fresh for every page, and styles and fonts come from the extension.
 */
function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const styles = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'gaps.css'));
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `img-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${styles.toString()}">
<title>Mounts and Mappings</title>
</head>
<body>
<main id="app" aria-busy="true">Loading…</main>
<script type="module" nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
