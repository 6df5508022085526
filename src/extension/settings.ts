import * as vscode from 'vscode';

/** The `checkpointLens.*` settings, read fresh on each use so changes apply without a reload. */
export interface Settings {
  showBenign: boolean;
  /** Milliseconds to wait after the last edit before re-analyzing an open log. */
  debounceMs: number;
  summaryCodeLens: boolean;
}

export const SETTINGS_SECTION = 'checkpointLens';

export function readSettings(): Settings {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const debounceMs = configuration.get<number>('diagnostics.debounceMs', 300);
  return {
    showBenign: configuration.get<boolean>('diagnostics.showBenign', true),
    debounceMs: Number.isFinite(debounceMs) ? Math.min(Math.max(debounceMs, 0), 10_000) : 300,
    summaryCodeLens: configuration.get<boolean>('codeLens.summary', true),
  };
}
