import * as vscode from 'vscode';

import type { ContainerHosts } from './containerHosts';
import { settingProblem } from './hostProblems';
import type { PreflightRecord } from './preflightText';
import { containerRow, emptyHostRow, hostRow, problemRow, welcomeState, type Row } from './treeRows';

/** A node of the Containers tree. Containers are keyed by ID, so a rename keeps the selection. */
export type ContainerNode =
  | { kind: 'host'; hostName: string }
  | { kind: 'container'; hostName: string; id: string }
  | { kind: 'problem'; hostName: string; index: number }
  | { kind: 'message'; hostName: string }
  /** An invalid entry of the hosts setting, shown above the hosts. */
  | { kind: 'setting'; index: number };

export function isContainerNode(value: unknown): value is Extract<ContainerNode, { kind: 'container' }> {
  return typeof value === 'object' && value !== null && (value as ContainerNode).kind === 'container';
}

export function isHostNode(value: unknown): value is Extract<ContainerNode, { kind: 'host' }> {
  return typeof value === 'object' && value !== null && (value as ContainerNode).kind === 'host';
}

/** The preflight results the rows show, and the event that fires when one is stored. */
export interface PreflightResults {
  /** Returns the result taken in the container's current state, if any. */
  current(hostName: string, id: string): PreflightRecord | undefined;
  readonly onDidChange: vscode.Event<void>;
}

/**
 * Tree data of the Containers view. `getChildren` only reads the hosts' snapshots: probing and
 * listing run in the HostMonitors, and their failures become problem rows, never notifications.
 */
export class ContainersTreeProvider implements vscode.TreeDataProvider<ContainerNode> {
  private readonly changeEmitter = new vscode.EventEmitter<ContainerNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly hosts: ContainerHosts,
    private readonly preflights?: PreflightResults,
  ) {
    const fire = (): void => this.changeEmitter.fire(undefined);
    this.subscription = vscode.Disposable.from(hosts.onDidChange(fire), ...(preflights ? [preflights.onDidChange(fire)] : []));
  }

  getChildren(element?: ContainerNode): ContainerNode[] {
    if (!element) {
      const snapshots = this.hosts.snapshots();
      // An empty tree lets the viewsWelcome text for these states show.
      const settings: ContainerNode[] = this.hosts.invalidSettings().map((_, index) => ({ kind: 'setting', index }));
      if (welcomeState(snapshots) !== 'ready') return settings;
      return [...settings, ...snapshots.map((snapshot): ContainerNode => ({ kind: 'host', hostName: snapshot.host.name }))];
    }
    if (element.kind !== 'host') return [];

    const snapshot = this.hosts.snapshot(element.hostName);
    if (!snapshot) return [];
    const problems: ContainerNode[] = snapshot.problems.map((_, index) => ({ kind: 'problem', hostName: element.hostName, index }));
    const containers: ContainerNode[] = snapshot.containers.map((container) => ({ kind: 'container', hostName: element.hostName, id: container.id }));
    if (snapshot.status === 'ready' && containers.length === 0) return [...problems, { kind: 'message', hostName: element.hostName }];
    return [...problems, ...containers];
  }

  getTreeItem(element: ContainerNode): vscode.TreeItem {
    const row = this.rowOf(element);
    const item = new vscode.TreeItem(row.label, row.collapsible ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = nodeId(element);
    item.description = row.description;
    item.iconPath = new vscode.ThemeIcon(row.icon.id, row.icon.color ? new vscode.ThemeColor(row.icon.color) : undefined);
    item.contextValue = row.contextValue;
    const tooltip = new vscode.MarkdownString(row.tooltip);
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    if (row.command) item.command = { title: row.command.title, command: row.command.command, arguments: row.command.arguments };
    return item;
  }

  getParent(element: ContainerNode): ContainerNode | undefined {
    return element.kind === 'host' || element.kind === 'setting' ? undefined : { kind: 'host', hostName: element.hostName };
  }

  private rowOf(element: ContainerNode): Row {
    if (element.kind === 'setting') return problemRow(settingProblem(this.hosts.invalidSettings()[element.index] ?? ''));
    const snapshot = this.hosts.snapshot(element.hostName);
    if (element.kind === 'host' && snapshot) return hostRow(snapshot);
    if (element.kind === 'problem' && snapshot?.problems[element.index]) return problemRow(snapshot.problems[element.index]);
    if (element.kind === 'container') {
      const container = this.hosts.container(element.hostName, element.id);
      if (container) {
        const preflight = this.preflights?.current(element.hostName, element.id);
        return containerRow(container, new Date(), this.hosts.lastCheckpoint(element.hostName, element.id), this.hosts.operation(element.hostName, element.id)?.label, preflight);
      }
    }
    if (element.kind === 'message') return emptyHostRow();
    // The host or container went away between getChildren and getTreeItem; the next refresh drops the row.
    return { label: 'Refreshing…', description: undefined, icon: { id: 'loading~spin' }, contextValue: 'message:stale', tooltip: '', collapsible: false, command: undefined };
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

function nodeId(element: ContainerNode): string {
  switch (element.kind) {
    case 'host':
      return `host/${element.hostName}`;
    case 'container':
      return `container/${element.hostName}/${element.id}`;
    case 'problem':
      return `problem/${element.hostName}/${element.index}`;
    case 'message':
      return `message/${element.hostName}`;
    case 'setting':
      return `setting/${element.index}`;
  }
}
