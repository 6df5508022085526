// Code action choices for a finding: copy a fixed command, open a configuration snippet, show the
// explanation. No `vscode` import, so the unit tests run it in plain Node.
import type { Finding } from '../model/types';

export type FixAction =
  | { kind: 'copy-command'; title: string; command: string }
  | { kind: 'open-config-snippet'; title: string; snippet: string }
  | { kind: 'show-explanation'; title: string };

/**
 * podman keeps a container's CRIU logs under `.../overlay-containers/<64-hex id>/userdata/`.
 * The id lets a fixed command name the container instead of a placeholder.
 */
const PODMAN_CONTAINER_DIRECTORY = /overlay-containers\/([0-9a-f]{64})\/userdata\//;
const CONTAINER_PLACEHOLDER = /<container(?:[-_ ](?:name|id))?>/g;

/** Returns the podman container id from a log path, or undefined when the path is not podman's. */
export function containerIdFromLogPath(logPath: string): string | undefined {
  return PODMAN_CONTAINER_DIRECTORY.exec(logPath.replace(/\\/g, '/'))?.[1];
}

/**
 * Returns `command` with `<container>` replaced by the container whose log is at `logPath`
 * (its 12-character short id, as `podman ps` prints it). Other placeholders stay for the user.
 */
export function podmanCommandText(command: string, logPath: string | undefined): string {
  const id = logPath ? containerIdFromLogPath(logPath) : undefined;
  return id ? command.replace(CONTAINER_PLACEHOLDER, id.slice(0, 12)) : command;
}

/** Lists the code actions for one finding, fixes first, in the knowledge base's order. */
export function fixActions(finding: Finding, logPath: string | undefined): FixAction[] {
  const actions: FixAction[] = [];
  const commandFixes = finding.explanation.fixes.filter((fix) => fix.command);

  for (const fix of commandFixes) {
    const command = podmanCommandText(fix.command!, logPath);
    const what = /^\s*(sudo\s+)?podman\s/.test(command) ? 'Copy fixed podman command' : 'Copy command';
    // With several commands, the title adds the flag or the command to distinguish them.
    const title = commandFixes.length > 1 ? `${what}: ${fix.podmanFlag ?? shorten(command)}` : what;
    actions.push({ kind: 'copy-command', title, command });
  }

  for (const fix of finding.explanation.fixes) {
    if (!fix.configSnippet) continue;
    const title = fix.criuOption ? `Open CRIU configuration snippet (${fix.criuOption})` : 'Open CRIU configuration snippet';
    actions.push({ kind: 'open-config-snippet', title, snippet: fix.configSnippet });
  }

  actions.push({ kind: 'show-explanation', title: `Show explanation: ${finding.title}` });
  return actions;
}

function shorten(text: string, maxLength = 60): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

/**
 * Text of the untitled document opened for a configuration snippet: a comment naming where CRIU
 * reads configuration files, then the snippet. CRIU configuration files take `#` comments.
 */
export function configSnippetDocument(finding: Finding, snippet: string): string {
  const header = [
    `# CRIU configuration for: ${finding.title} (${finding.code})`,
    '# CRIU reads /etc/criu/default.conf on every run, but options the runtime sends override it.',
    '# runc also reads /etc/criu/runc.conf (or the org.criu.config annotation), which overrides them.',
    '# crun 1.26 and later with libcriu 4.2 read /etc/criu/crun.conf, else runc.conf, the same way.',
    '',
  ];
  return `${header.join('\n')}${snippet.replace(/\n?$/, '\n')}`;
}
