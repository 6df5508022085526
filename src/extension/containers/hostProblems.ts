// Turns a failed probe or listing into a problem row with a fix action. No `vscode` import, so the
// unit tests run it in plain Node.
import type { HostCapabilities } from '../../engine/capabilities';
import { CommandError, NotFoundError, PermissionError, TimedOutError } from '../../engine/errors';
import { HostCommandError, type Host } from '../../engine/hosts';
import { PodmanOutputError } from '../../engine/podmanJson';
import { CONTAINER_COMMANDS } from './commandIds';
import type { FixAction, HostProblem } from './model';

/** ssh's exit status when the connection or authentication fails (ssh(1), EXIT STATUS). */
const SSH_CONNECTION_FAILED = 255;

const editHosts: FixAction = { title: 'Edit Hosts Setting', command: CONTAINER_COMMANDS.editHosts };
const showOutput: FixAction = { title: 'Show Output', command: CONTAINER_COMMANDS.showOutput };

function retry(host: Host): FixAction {
  return { title: 'Retry', command: CONTAINER_COMMANDS.refresh, arguments: [host.name] };
}

function detailOf(error: unknown): string {
  if (error instanceof CommandError) {
    const parts = [error.message];
    if (error.hint) parts.push(error.hint);
    parts.push(`Command: ${error.commandLine}`);
    return parts.join('\n\n');
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Classifies why `podman info` or `podman ps` failed on a host. `during` names the step that failed,
 * so a listing failure after a good probe reads differently from an unreachable host.
 */
export function hostProblemFromError(host: Host, error: unknown, during: 'probe' | 'list'): HostProblem {
  const detail = detailOf(error);
  const viaPrefix = host.prefix.length > 0;

  if (error instanceof NotFoundError && error.missing === 'program') {
    const program = error.command[0] ?? '';
    if (viaPrefix && program === host.prefix[0] && error.exitCode === undefined) {
      return { kind: 'prefix-program-missing', message: `${program} not found: host "${host.name}" cannot start its prefix`, detail, fix: editHosts };
    }
    return { kind: 'podman-missing', message: `podman not found on host "${host.name}"`, detail, fix: editHosts };
  }
  if (error instanceof TimedOutError) {
    return { kind: 'unreachable', message: `Host "${host.name}" timed out`, detail, fix: retry(host) };
  }
  if (error instanceof CommandError && error.exitCode === SSH_CONNECTION_FAILED && host.prefix.some((word) => /(^|\/)ssh$/.test(word))) {
    return { kind: 'unreachable', message: `Host "${host.name}" is unreachable over ssh`, detail, fix: retry(host) };
  }
  if (error instanceof PermissionError) {
    return { kind: 'permission', message: `Permission denied on host "${host.name}"`, detail, fix: editHosts };
  }
  if (error instanceof HostCommandError) {
    return { kind: 'probe-failed', message: error.message, detail, fix: editHosts };
  }
  if (error instanceof PodmanOutputError) {
    return { kind: during === 'probe' ? 'probe-failed' : 'list-failed', message: `Unexpected podman output on host "${host.name}"`, detail, fix: showOutput };
  }
  const message = during === 'probe' ? `Capability probe failed on host "${host.name}"` : `Listing containers failed on host "${host.name}"`;
  return { kind: during === 'probe' ? 'probe-failed' : 'list-failed', message, detail, fix: showOutput };
}

/**
 * Turns the probe's findings into problem rows. When `podman info` failed the probe has no
 * `info`, and its first blocking finding gives the reason: podman or the prefix's program missing, a
 * permission error, or a host that cannot be reached. Other blocking findings (rootless podman,
 * CRIU missing or too old) and a runtime without CRIU support get a row above the host's
 * containers. The other findings appear in the tooltip and the capabilities document only.
 */
export function problemsFromCapabilities(host: Host, capabilities: HostCapabilities): HostProblem[] {
  const showCapabilities: FixAction = { title: 'Show Host Capabilities', command: CONTAINER_COMMANDS.showHostCapabilities, arguments: [host.name] };

  if (!capabilities.info) {
    const finding = capabilities.findings.find((candidate) => candidate.severity === 'blocking') ?? capabilities.findings[0];
    const detail = [finding?.message, finding?.fix].filter(Boolean).join('\n\n') || 'podman info failed without a message.';
    const prefixProgram = host.prefix[0];
    if (finding?.code === 'podman-missing') {
      if (prefixProgram && !/(^|\/)podman$/.test(prefixProgram) && finding.message.includes(`Program not found: ${prefixProgram}`)) {
        return [{ kind: 'prefix-program-missing', message: `${prefixProgram} not found: host "${host.name}" cannot start its prefix`, detail, fix: editHosts }];
      }
      return [{ kind: 'podman-missing', message: `podman not found on host "${host.name}"`, detail, fix: editHosts }];
    }
    if (finding?.code === 'podman-permission') {
      return [{ kind: 'permission', message: `Permission denied on host "${host.name}"`, detail, fix: editHosts }];
    }
    if (/timed out|ssh:|Connection (?:refused|timed out|closed)|Could not resolve hostname|No route to host/i.test(detail)) {
      return [{ kind: 'unreachable', message: `Host "${host.name}" is unreachable`, detail, fix: retry(host) }];
    }
    return [{ kind: 'probe-failed', message: `Capability probe failed on host "${host.name}"`, detail, fix: showOutput }];
  }

  const problems: HostProblem[] = [];
  for (const finding of capabilities.findings) {
    const detail = [finding.message, finding.fix].filter(Boolean).join('\n\n');
    if (finding.code === 'rootless') {
      problems.push({ kind: 'rootless', message: `Rootless podman on "${host.name}" cannot checkpoint or restore`, detail, fix: editHosts });
    } else if (finding.severity === 'blocking' || finding.code === 'runtime-without-criu') {
      problems.push({ kind: 'capability', message: firstClause(finding.message), detail, fix: showCapabilities });
    }
  }
  return problems;
}

/** Returns the text up to the first `:` or `(`, so a row label stays short; the tooltip has the rest. */
function firstClause(message: string): string {
  const cut = message.search(/[:(]/);
  return (cut > 20 ? message.slice(0, cut) : message).trim().replace(/[.,]$/, '');
}

/** Host problems described by the settings themselves, e.g. a prefix with a space in its program name. */
export function settingProblem(message: string): HostProblem {
  return { kind: 'invalid-setting', message: 'Invalid checkpointLens.hosts entry', detail: message, fix: editHosts };
}
