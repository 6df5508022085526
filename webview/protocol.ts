/**
 * Messages between the extension host and the "Mounts and Mappings" webview. Both sides import
 * this file. A request carries an `id`, and its reply carries the same number as `requestId`.
 */
import type { WireGapView } from './viewModel';

/** Container or process a snapshot was collected from while it ran, for the panel's title and header. */
export interface LiveOrigin {
  /** Container name; unset when the snapshot was collected from a bare PID. */
  container?: string;
  /** PID given to "Show Mounts and Mappings for Process…". */
  pid?: number;
  host: string;
  /** OCI runtime that podman inspect reports, e.g. `crun`. */
  runtime?: string;
}

/** Input files of a panel, as URI strings; the host reads them again when VS Code restores the panel. */
export type PanelSource =
  | { kind: 'snapshot'; snapshot: string; log?: string; live?: LiveOrigin }
  | { kind: 'files'; mountinfo: string; maps: string; fdinfo?: string; fds?: string; runtimeMountinfo?: string; hostMountinfo?: string; cmdline?: string; log?: string };

/** Webview state that VS Code keeps across reloads: small, no rows. */
export interface PanelState {
  source: PanelSource;
  selectedGap: number | null;
  selectedMapping: number | null;
  mountFilter: string;
  tableScrollTop: number;
  /** Index into the view's processes of the process whose mappings the table shows; null or unset for all. */
  process?: number | null;
  /** Whether the mount tree is expanded; unset until the user toggles it, then the panel width decides. */
  treeOpen?: boolean;
}

/** Messages from the webview to the extension host. */
export type WebviewMessage =
  /** Requests the view; the host replies with `view` or `error`. */
  | { type: 'getView'; id: number }
  /** Reports that the view is drawn, with its counts; sent once per `view` received. */
  | { type: 'ready'; gapCount: number; mountCount: number; mappingCount: number; processCount: number }
  /** Requests that the host open the log at a 1-based line; the host replies with `shownInLog`. */
  | { type: 'showInLog'; id: number; line: number };

/** Messages from the extension host to the webview. */
export type HostMessage =
  /** Reply to `getView`: the rows, the input they came from and a log line whose gap to select first. */
  | { type: 'view'; requestId: number; view: WireGapView; source: PanelSource; focusLogLine: number | null; focusMapping?: string | null }
  /** Reply to a request that failed, with a message for the user. */
  | { type: 'error'; requestId: number; message: string }
  /** Reply to `showInLog`; `opened` is false when the panel has no log. */
  | { type: 'shownInLog'; requestId: number; opened: boolean }
  /** Asks the webview to select the gap reported at this log line. */
  | { type: 'selectLogLine'; line: number };
