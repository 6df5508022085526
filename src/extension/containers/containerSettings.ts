import * as vscode from 'vscode';

import { parseHostSettings, type Host } from '../../engine/hosts';
import { SETTINGS_SECTION } from '../settings';

/** The `checkpointLens.*` settings of the Containers view, read fresh on each use. */
export interface ContainerSettings {
  hosts: Host[];
  /** One sentence per invalid `checkpointLens.hosts` entry. */
  hostProblems: string[];
  checkpointDefaultFlags: string[];
  restoreDefaultFlags: string[];
  /** Milliseconds between listings while a host's `podman events` stream is down. */
  pollIntervalMs: number;
}

export const HOSTS_SETTING = `${SETTINGS_SECTION}.hosts`;

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function readContainerSettings(): ContainerSettings {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const rawHosts = configuration.get<unknown>('hosts');
  // An explicit empty list turns the view off; the engine's parser would add the local host.
  const { hosts, problems } = Array.isArray(rawHosts) && rawHosts.length === 0 ? { hosts: [], problems: [] } : parseHostSettings(rawHosts, HOSTS_SETTING);
  const pollSeconds = configuration.get<number>('containers.pollIntervalSeconds', 10);
  return {
    hosts,
    hostProblems: problems,
    checkpointDefaultFlags: stringList(configuration.get('checkpoint.defaultFlags')),
    restoreDefaultFlags: stringList(configuration.get('restore.defaultFlags')),
    pollIntervalMs: (Number.isFinite(pollSeconds) ? Math.min(Math.max(pollSeconds, 2), 3600) : 10) * 1000,
  };
}
