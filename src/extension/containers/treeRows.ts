// Labels, icons, context values and tooltips of the Containers view's rows. No `vscode` import, so
// the unit tests run it in plain Node; containersView.ts turns these into TreeItems.
import type { HostCapabilities } from '../../engine/capabilities';
import type { ContainerState } from '../../engine/podmanJson';
import { escapeMarkdown } from '../findingText';
import type { CheckpointRecord, ContainerView, FixAction, HostProblem, HostSnapshot } from './model';
import { logPathOf } from './model';
import { markdownWithCode, preflightIcon, preflightSummary, preflightTooltipLine, type PreflightRecord } from './preflightText';

export interface RowIcon {
  /** Codicon id, e.g. `vm-running` or `loading~spin`. */
  id: string;
  /** Theme color id, e.g. `charts.green`. */
  color?: string;
}

/** Content of one tree row. `tooltip` is Markdown. */
export interface Row {
  label: string;
  description: string | undefined;
  icon: RowIcon;
  /**
   * `container:<state>`, `container:busy`, `host:<status>` or `problem:<kind>`. Menus match
   * them with `when` regular expressions such as `viewItem =~ /^container:(running|restored)$/`.
   */
  contextValue: string;
  tooltip: string;
  collapsible: boolean;
  command: FixAction | undefined;
}

const STATE_ICONS: Record<ContainerState, RowIcon> = {
  running: { id: 'vm-running', color: 'charts.green' },
  restored: { id: 'debug-restart', color: 'charts.green' },
  paused: { id: 'debug-pause', color: 'charts.yellow' },
  checkpointed: { id: 'archive', color: 'charts.purple' },
  exited: { id: 'vm-outline', color: 'disabledForeground' },
  stopped: { id: 'vm-outline', color: 'disabledForeground' },
  stopping: { id: 'vm-outline', color: 'charts.yellow' },
  created: { id: 'circle-large-outline' },
  initialized: { id: 'circle-large-outline' },
  removing: { id: 'trash', color: 'disabledForeground' },
  unknown: { id: 'question' },
};

/** Formats the time between `time` and `now` as `just now`, `5 min ago`, `3 h ago` or `2 days ago`. */
export function relativeTime(time: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - time.getTime()) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** Formats a byte count with binary units: `512 B`, `4.0 KiB`, `12.3 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function stateText(container: ContainerView, now: Date): string {
  if (container.state === 'checkpointed' && container.checkpointedAt) return `checkpointed ${relativeTime(container.checkpointedAt, now)}`;
  if (container.state === 'restored' && container.restoredAt) return `restored ${relativeTime(container.restoredAt, now)}`;
  return container.state;
}

function code(text: string): string {
  // Markdown code spans cannot escape a backtick, so pick a fence longer than any run inside.
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${longest > 0 ? ' ' : ''}${text}${longest > 0 ? ' ' : ''}${fence}`;
}

function lastCheckpointText(record: CheckpointRecord, now: Date): string {
  const parts = [`${relativeTime(record.at, now)} (${record.at.toISOString()})`];
  if (record.sizeBytes !== undefined) parts.push(formatBytes(record.sizeBytes));
  if (record.archive) parts.push(`exported to ${code(record.archive)}`);
  return parts.join(', ');
}

/**
 * Builds a container row. `busy` names the operation that runs on it, which replaces the state
 * icon with a spinner and the context value with `container:busy`, so no second operation starts.
 * `preflight` is the last preflight taken in the container's current state.
 */
export function containerRow(container: ContainerView, now: Date, lastCheckpoint?: CheckpointRecord, busy?: string, preflight?: PreflightRecord): Row {
  const state = stateText(container, now);
  let description = busy ? `${busy}…` : `${container.image} · ${state}`;
  // The verdict goes first, because the image name is often long enough to push it out of a narrow view.
  if (preflight && !busy) description = `${preflightSummary(preflight.report)} · ${description}`;

  const lines = [
    `**${escapeMarkdown(container.name)}** · ${code(container.id.slice(0, 12))}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Image | ${code(container.image)} |`,
    `| State | ${escapeMarkdown(state)}${container.status ? ` (${escapeMarkdown(container.status)})` : ''} |`,
    `| Runtime | ${container.runtime ? code(container.runtime) : 'unknown'} |`,
    `| PID | ${container.pid ?? '–'} |`,
    `| Ports | ${container.ports.length > 0 ? container.ports.map(code).join(', ') : 'none'} |`,
  ];
  const dumpLog = logPathOf(container, 'dump');
  if (dumpLog) lines.push(`| Checkpoint log | ${code(dumpLog)} |`);
  if (container.restoreLog) lines.push(`| Restore log | ${code(container.restoreLog)} |`);
  if (lastCheckpoint) {
    lines.push(`| Last checkpoint | ${lastCheckpointText(lastCheckpoint, now)} |`);
    if (lastCheckpoint.statsText) lines.push(`| Statistics | ${escapeMarkdown(lastCheckpoint.statsText)} |`);
  } else if (container.checkpointedAt) {
    lines.push(`| Last checkpoint | ${relativeTime(container.checkpointedAt, now)} (${container.checkpointedAt.toISOString()}) |`);
  }
  if (preflight) {
    lines.push('', `${preflightIcon(preflight.report.verdict)} ${markdownWithCode(preflightTooltipLine(preflight.report, relativeTime(preflight.checkedAt, now)))}`);
  }

  return {
    label: container.name,
    description,
    icon: busy ? { id: 'loading~spin' } : STATE_ICONS[container.state],
    contextValue: busy ? 'container:busy' : `container:${container.state}`,
    tooltip: lines.join('\n'),
    collapsible: false,
    command: undefined,
  };
}

/** Returns the probe as Markdown table rows, shared by the host tooltip and the capabilities document. */
export function probeTableRows(probe: HostCapabilities): string[] {
  const { info, runtime } = probe;
  const podman = probe.podmanVersion?.text ?? 'unknown';
  let mode = '';
  if (info) mode = info.rootless ? ', **rootless**' : ', rootful';
  let criuSupport = '';
  if (runtime?.supportsCheckpoint === true) criuSupport = runtime.name === 'crun' ? ' +CRIU' : ' (runs criu)';
  if (runtime?.supportsCheckpoint === false) criuSupport = ' **without CRIU support**';
  let criuCheck = 'did not run';
  if (probe.criuCheck?.ok === true) criuCheck = 'passed';
  if (probe.criuCheck?.ok === false) criuCheck = `**failed**: ${escapeMarkdown(probe.criuCheck.errors.slice(0, 2).join(' / '))}`;

  const rows = [
    `| podman | ${escapeMarkdown(podman)}${mode} |`,
    `| Runtime | ${runtime ? `${code(runtime.name)} ${escapeMarkdown(runtime.version ?? '')}${criuSupport}` : 'unknown'} |`,
    `| CRIU | ${probe.criuVersion ? escapeMarkdown(probe.criuVersion) : 'unknown'} |`,
    `| criu check | ${criuCheck} |`,
  ];
  if (info) {
    rows.push(`| Kernel | ${escapeMarkdown(info.kernel)} |`);
    rows.push(`| cgroup | ${escapeMarkdown(info.cgroupVersion)}${info.cgroupManager ? ` (${escapeMarkdown(info.cgroupManager)})` : ''} |`);
    if (info.distribution) rows.push(`| OS | ${escapeMarkdown(`${info.distribution.name} ${info.distribution.version}`.trim())} |`);
  }
  return rows;
}

/** Summarizes the probe in a few words for the host row's description. */
export function probeSummary(probe: HostCapabilities): string {
  const parts = [`podman ${probe.podmanVersion?.text ?? '?'}`];
  if (probe.runtime) parts.push(`${probe.runtime.name}${probe.runtime.name === 'crun' && probe.runtime.supportsCheckpoint ? ' +CRIU' : ''}`);
  // When podman did not reply, nothing is known about CRIU either: unknown, not missing.
  if (probe.criuVersion) parts.push(`CRIU ${probe.criuVersion}`);
  else parts.push(probe.podmanVersion ? 'no CRIU' : 'CRIU ?');
  if (probe.info?.rootless) parts.push('rootless');
  return parts.join(' · ');
}

export function hostRow(snapshot: HostSnapshot): Row {
  const { host, probe } = snapshot;
  const prefix = host.prefix.length > 0 ? code(host.prefix.join(' ')) : 'none (podman on this machine)';
  const lines = [`**${escapeMarkdown(host.name)}**`, '', `Command prefix: ${prefix}`, ''];
  if (probe) {
    lines.push('| | |', '|---|---|', ...probeTableRows(probe));
    const findings = probe.findings.map((finding) => `- ${finding.severity}: ${escapeMarkdown(finding.message)}`);
    if (findings.length > 0) lines.push('', ...findings);
  }
  if (snapshot.status === 'loading') lines.push('Loading…');
  for (const problem of snapshot.problems) lines.push('', `**${escapeMarkdown(problem.message)}**`);
  const refresh = { events: 'Updated by `podman events`.', polling: 'Updated by polling.', none: '' }[snapshot.refreshMode];
  if (refresh) lines.push('', refresh);

  let description: string;
  if (snapshot.status === 'loading') description = 'loading…';
  else if (probe) description = probeSummary(probe);
  else description = snapshot.problems[0]?.message ?? '';

  return {
    label: host.name,
    description,
    icon: snapshot.status === 'failed' ? { id: 'warning', color: 'problemsWarningIcon.foreground' } : { id: 'server' },
    contextValue: `host:${snapshot.status}`,
    tooltip: lines.join('\n'),
    collapsible: true,
    command: undefined,
  };
}

/** Builds the row of a host problem. Clicking it runs the fix action. */
export function problemRow(problem: HostProblem): Row {
  // Problems that leave the host's containers listed are warnings; the others hide the host's containers.
  const error = !['rootless', 'capability', 'invalid-setting'].includes(problem.kind);
  return {
    label: problem.message,
    description: problem.fix.title,
    icon: error ? { id: 'error', color: 'problemsErrorIcon.foreground' } : { id: 'warning', color: 'problemsWarningIcon.foreground' },
    contextValue: `problem:${problem.kind}`,
    tooltip: `**${escapeMarkdown(problem.message)}**\n\n${escapeMarkdown(problem.detail)}\n\nClick to run: ${escapeMarkdown(problem.fix.title)}`,
    collapsible: false,
    command: problem.fix,
  };
}

/** Row shown under a reachable host with no containers. */
export function emptyHostRow(): Row {
  return {
    label: 'No containers',
    description: 'podman ps --all lists none',
    icon: { id: 'info' },
    contextValue: 'message:empty',
    tooltip: 'This host has no containers. Create one with `podman run`, then refresh.',
    collapsible: false,
    command: undefined,
  };
}

/** Renders the capabilities document of a host: the probe table, every finding with its fix, and the prefix. */
export function capabilitiesMarkdown(snapshot: HostSnapshot): string {
  const { host, probe } = snapshot;
  const lines = [`# Checkpoint capabilities of host ${escapeMarkdown(host.name)}`, ''];
  lines.push(`Command prefix: ${host.prefix.length > 0 ? code(JSON.stringify(host.prefix)) : 'none (podman on this machine)'}`, '');
  if (!probe) {
    lines.push(snapshot.status === 'loading' ? 'The probe is still running. Open this document again in a moment.' : 'The probe did not run.');
    for (const problem of snapshot.problems) lines.push('', `**${escapeMarkdown(problem.message)}**`, '', escapeMarkdown(problem.detail));
    return lines.join('\n') + '\n';
  }

  lines.push('| | |', '|---|---|', ...probeTableRows(probe), '');
  lines.push(probe.canCheckpoint ? 'Nothing rules out a checkpoint on this host.' : '**A blocking finding rules out every checkpoint on this host.**', '');
  if (probe.findings.length > 0) {
    lines.push('## Findings', '');
    for (const finding of probe.findings) {
      lines.push(`- **${finding.severity}** (${code(finding.code)}): ${escapeMarkdown(finding.message)}`);
      if (finding.fix) lines.push(`  Fix: ${escapeMarkdown(finding.fix)}`);
    }
    lines.push('');
  }
  if (probe.runtime && probe.runtime.features.length > 0) {
    lines.push(`Runtime features: ${probe.runtime.features.map((feature) => code(`+${feature}`)).join(' ')}`, '');
  }
  if (probe.criuCheck && probe.criuCheck.errors.length > 0) {
    lines.push('## criu check errors', '', ...probe.criuCheck.errors.map((error) => `- ${code(error)}`), '');
  }
  return lines.join('\n');
}

/**
 * State of the whole view for `viewsWelcome`. The tree is empty, so the welcome text shows, when
 * no host is configured, when the only host lacks podman, or when every host listed no
 * containers and no problem. Otherwise host rows show, with problem rows under failed hosts.
 */
export type WelcomeState = 'no-hosts' | 'podman-missing' | 'no-containers' | 'ready';

export function welcomeState(snapshots: readonly HostSnapshot[]): WelcomeState {
  if (snapshots.length === 0) return 'no-hosts';
  if (snapshots.length === 1) {
    const [only] = snapshots;
    if (only.status === 'failed' && only.problems.some((problem) => problem.kind === 'podman-missing' || problem.kind === 'prefix-program-missing')) return 'podman-missing';
  }
  const quietAndEmpty = snapshots.every((snapshot) => snapshot.status === 'ready' && snapshot.containers.length === 0 && snapshot.problems.length === 0);
  return quietAndEmpty ? 'no-containers' : 'ready';
}
