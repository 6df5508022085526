import { criuSourceUrl } from '../criuSource';
import type { Explanation, Fix, KbEntry, LogFacts, LogRecord, RecordLevel } from '../types';
import { FILE_ENTRIES } from './files';
import { FOLLOW_ON_ENTRIES } from './followOn';
import { criuVersionNote, describeErrno, READ_FULL_LOG } from './helpers';
import { KERNEL_ENTRIES } from './kernel';
import { MOUNT_ENTRIES } from './mounts';
import { NAMESPACE_ENTRIES } from './namespaces';
import { PROCESS_ENTRIES } from './process';
import { RUNTIME_ENTRIES } from './runtime';
import { SOCKET_ENTRIES } from './sockets';
import { subsystemOf } from './subsystems';

export { subsystemOf } from './subsystems';
export type { Subsystem } from './subsystems';

/**
 * All entries in matching order. Within each area file the specific entries come before the
 * generic ones (io_uring before other anonymous files, SO_PASSCRED before other socket options),
 * and the follow-on entries come last so that a message that names its own cause wins.
 */
export const KNOWLEDGE_BASE: readonly KbEntry[] = [
  ...RUNTIME_ENTRIES,
  ...MOUNT_ENTRIES,
  ...FILE_ENTRIES,
  ...SOCKET_ENTRIES,
  ...NAMESPACE_ENTRIES,
  ...PROCESS_ENTRIES,
  ...KERNEL_ENTRIES,
  ...FOLLOW_ON_ENTRIES,
];

/** The entries for each record level, in matching order; a long `-v4` log has thousands of warnings to match. */
const ENTRIES_BY_LEVEL = new Map<RecordLevel, KbEntry[]>(
  (['error', 'warn', 'info'] as const).map((level) => [level, KNOWLEDGE_BASE.filter((entry) => (entry.levels ?? ['error']).includes(level))]),
);

/** Find the first entry whose levels include the record's level and one of whose patterns matches its message. */
export function matchEntry(record: LogRecord, facts: LogFacts = { logKind: 'unknown' }): { entry: KbEntry; match: RegExpMatchArray } | undefined {
  for (const entry of ENTRIES_BY_LEVEL.get(record.level) ?? []) {
    for (const pattern of entry.patterns) {
      const match = record.message.match(pattern);
      if (match && (!entry.accepts || entry.accepts(match, facts))) return { entry, match };
    }
  }
  return undefined;
}

/** Return the errno text at the end of a message such as `Can't do X: Operation not permitted`, when present. */
function trailingErrno(message: string): string | undefined {
  const match = message.match(/:\s*([A-Z][a-z]+(?: [a-zA-Z/]+)+)\s*$/);
  return match ? match[1] : undefined;
}

/** Build the explanation for an error that no entry matches, from its source file and errno. */
export function unknownExplanation(record: LogRecord, facts: LogFacts): Explanation {
  const subsystem = record.location ? subsystemOf(record.location.file) : undefined;
  const errno = trailingErrno(record.message);
  const where = record.location ? `${record.location.file}:${record.location.line}` : 'an unknown location';
  const parts = [
    `The knowledge base has no entry for this message. CRIU printed it from ${where}${subsystem ? `, part of ${subsystem.name}, which ${subsystem.description}` : ''}.`,
  ];
  if (errno) parts.push(`The system call behind it failed with ${describeErrno(errno)}.`);
  parts.push(criuVersionNote(facts));

  const causes: string[] = [];
  if (subsystem) causes.push(`Something in the area of ${subsystem.name} (closest failure category: ${subsystem.category}).`);
  if (errno === 'Operation not permitted' || errno === 'Permission denied') causes.push('Missing privileges or an LSM/seccomp denial: run as root and check the audit log.');
  if (errno === 'No such file or directory') causes.push('A path recorded at dump time does not exist now (a changed rootfs or a missing volume).');
  causes.push('A CRIU or kernel version combination with a known incompatibility; compare with the newest CRIU release.');

  const fixes: Fix[] = [];
  if (record.location) {
    fixes.push({ description: `Read the code around the message in CRIU's source: ${criuSourceUrl(facts.criuVersion, record.location)}` });
  }
  fixes.push({ description: 'Run `criu check --all` on the host to list missing kernel features.' });
  fixes.push(READ_FULL_LOG);
  return { explanation: parts.join(' '), causes, fixes };
}

/** Build the explanation for a failure banner with no error before it: what to collect next. */
export function unexplainedExplanation(facts: LogFacts): Explanation {
  const restore = facts.logKind === 'restore' || facts.operation === 'restore';
  let operation = 'dump';
  if (restore) operation = 'restore';
  else if (facts.logKind === 'pre-dump') operation = 'pre-dump';
  const logName = facts.referencedLog?.replace(/^.*\//, '') ?? (restore ? 'restore.log' : 'dump.log');
  const explanation = [
    facts.logKind === 'terminal'
      ? `The ${operation} failed, but the text at hand contains no CRIU error line.`
      : `CRIU reported that the ${operation} failed, but the text at hand contains no error before the failure banner.`,
    facts.runtime ? `It looks like output of ${facts.runtime}, which prints only the last lines of CRIU's log (or none).` : 'Either the log was cut, or CRIU wrote it at a log level that hides the cause.',
    facts.referencedLog ? `The full log is ${facts.referencedLog}.` : `The full log is ${logName} in the runtime's work directory.`,
    criuVersionNote(facts),
    facts.kernel ? `Kernel: ${facts.kernel}.` : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
  return {
    explanation,
    causes: [
      'The pasted text is only the runtime\'s excerpt; the real error is earlier in the full CRIU log.',
      'A new kernel changed an interface CRIU relies on, and this CRIU version fails without a specific message.',
      'CRIU was killed (OOM killer, timeout) before it could log the reason.',
    ],
    fixes: [
      {
        description: `Open the whole ${logName}${facts.referencedLog ? ` (${facts.referencedLog})` : ''}; for podman it is in the container's StaticDir (\`podman inspect --format "{{.StaticDir}}" <container>\`), kept after a restore with --keep.`,
      },
      {
        description: 'For plain criu, repeat with full logging (`-v4 -o dump.log`). crun (1.21) and runc (1.1) already ask CRIU for level 4, so their log is complete when it is whole.',
        command: 'criu dump -v4 -o dump.log ...',
      },
      { description: 'Record versions and the kernel check: `criu --version`, `uname -r`, `criu check --all`, and the runtime version (`crun --version` or `runc --version`).' },
      { description: 'Look at the kernel log around the time of the failure for oopses, OOM kills or LSM denials (`dmesg --ctime | tail -n 100`).' },
    ],
  };
}
