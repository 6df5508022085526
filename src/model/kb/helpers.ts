import type { Explanation, Fix, LogFacts } from '../types';

/** Meaning of the errno texts glibc prints through `strerror()`, keyed by that text. */
const ERRNO_BY_TEXT: Record<string, { name: string; meaning: string }> = {
  'Operation not permitted': { name: 'EPERM', meaning: 'the caller lacks a capability or a security policy forbids the operation' },
  'No such file or directory': { name: 'ENOENT', meaning: 'the path or object does not exist' },
  'No such process': { name: 'ESRCH', meaning: 'the task is gone or is no longer traced' },
  'Interrupted system call': { name: 'EINTR', meaning: 'a signal interrupted the call' },
  'Bad file descriptor': { name: 'EBADF', meaning: 'the descriptor is closed or was opened in the wrong mode' },
  'No child processes': { name: 'ECHILD', meaning: 'there is no child left to wait for' },
  'Cannot allocate memory': { name: 'ENOMEM', meaning: 'the kernel could not allocate memory' },
  'Permission denied': { name: 'EACCES', meaning: 'file permissions or an LSM (SELinux, AppArmor) denied access' },
  'Device or resource busy': { name: 'EBUSY', meaning: 'something still uses the object, e.g. a mount with submounts or open files' },
  'File exists': { name: 'EEXIST', meaning: 'the object (for CRIU usually a PID) already exists' },
  'No such device': { name: 'ENODEV', meaning: 'the kernel lacks the driver or filesystem type' },
  'Invalid argument': { name: 'EINVAL', meaning: 'the kernel rejected an argument, often because a feature is missing or a state is wrong' },
  'No space left on device': { name: 'ENOSPC', meaning: 'the filesystem, or a kernel table such as the inotify watch limit, is full' },
  'Read-only file system': { name: 'EROFS', meaning: 'the target filesystem is mounted read-only' },
  'Function not implemented': { name: 'ENOSYS', meaning: 'the kernel does not have this system call, or a seccomp profile hides it' },
  'Operation not supported': { name: 'EOPNOTSUPP', meaning: 'the kernel does not support this operation on this object' },
  'Address already in use': { name: 'EADDRINUSE', meaning: 'another socket holds the same address and port' },
  'Cannot assign requested address': { name: 'EADDRNOTAVAIL', meaning: 'the IP address does not exist in this network namespace, or the port pair is taken' },
  'Connection refused': { name: 'ECONNREFUSED', meaning: 'nothing listens at the peer address' },
  'No such device or address': { name: 'ENXIO', meaning: 'the object has no backing device or file that can be opened' },
  'Invalid exchange': { name: 'EBADE', meaning: 'libcriu reports that the RPC call to CRIU failed; the reason is in the CRIU log' },
  'Protocol not supported': { name: 'EPROTONOSUPPORT', meaning: 'the kernel lacks this protocol or diag module' },
  'Resource temporarily unavailable': { name: 'EAGAIN', meaning: 'the operation would block or a resource is temporarily short' },
  'Too many open files': { name: 'EMFILE', meaning: 'the process reached RLIMIT_NOFILE' },
  'Input/output error': { name: 'EIO', meaning: 'the device or filesystem returned an I/O error' },
};

/** Numeric errno values that CRIU and runtimes print as numbers. */
const ERRNO_BY_NUMBER: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 9: 'EBADF', 10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES',
  16: 'EBUSY', 17: 'EEXIST', 19: 'ENODEV', 22: 'EINVAL', 28: 'ENOSPC', 38: 'ENOSYS', 52: 'EBADE',
  95: 'EOPNOTSUPP', 98: 'EADDRINUSE', 99: 'EADDRNOTAVAIL',
};

/** Decode an errno text such as `Operation not permitted` into `EPERM (…meaning…)`; unknown texts come back as they are. */
export function describeErrno(text: string | undefined): string {
  if (!text) return 'an unspecified error';
  const trimmed = text.trim();
  const known = ERRNO_BY_TEXT[trimmed];
  return known ? `${known.name} ("${trimmed}": ${known.meaning})` : `"${trimmed}"`;
}

/** Return the errno name (`EPERM`) for an errno text or a number, when known. */
export function errnoName(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return ERRNO_BY_NUMBER[Math.abs(value)];
  return ERRNO_BY_TEXT[value.trim()]?.name;
}

/** Compare two dotted versions (`3.17.1`, `4.2`); returns a negative, zero or positive number. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** True when the log names a CRIU version older than `version`; false when it is newer or unknown. */
export function criuOlderThan(facts: LogFacts, version: string): boolean {
  return facts.criuVersion !== undefined && compareVersions(facts.criuVersion, version) < 0;
}

/** A sentence naming the CRIU version of the log, or saying that it is unknown. */
export function criuVersionNote(facts: LogFacts): string {
  return facts.criuVersion ? `This log was written by CRIU ${facts.criuVersion}.` : 'The log does not state the CRIU version (see `criu --version`).';
}

/** Format a number as a size in KiB/MiB for messages such as the ghost file limit. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Build the fix of a podman command line with one flag added, for a "retry with" action. */
export function podmanFix(verb: 'checkpoint' | 'restore', flag: string, description: string): Fix {
  return { description, command: `podman container ${verb} ${flag} <container>`, podmanFlag: flag };
}

/**
 * CRIU options that crun sets over RPC, with the first crun version that sends each (`all` for
 * every version with CRIU support), read from `src/libcrun/criu.c` of crun 1.21 and 1.26. CRIU
 * (`criu/cr-service.c`, 4.1.1 and 4.2) applies RPC options after `/etc/criu/default.conf`, so that
 * file cannot change these. Options that crun never sends (ghost-limit, link-remap, timeout,
 * irmap-scan-path, ...) keep the value from default.conf.
 */
const CRUN_RPC_OPTIONS: Record<string, string> = {
  'ext-unix-sk': 'all',
  'shell-job': 'all',
  'tcp-established': 'all',
  'file-locks': 'all',
  'leave-running': 'all',
  'manage-cgroups': 'all',
  // crun 1.26 added `crun restore --tcp-close` and sends the flag on every restore.
  'tcp-close': '1.26',
};

/**
 * Fixes that set a CRIU option which podman does not expose, one per runtime, with one recommendation
 * per option and version:
 *
 * - runc (since 1.0.0-rc7) asks CRIU to read `/etc/criu/runc.conf`, or the file named by the
 *   `org.criu.config` annotation, after the RPC options, so the file overrides what runc sends.
 * - crun 1.26 and later, when the libcriu it loads is 4.2 or later (`criu_set_config_file`), names
 *   an RPC configuration file the same way: the `org.criu.config` annotation, else
 *   `/etc/criu/crun.conf` when it exists, else `/etc/criu/runc.conf`. That file also overrides
 *   the RPC options.
 * - Older crun, or crun with an older libcriu, names no file. CRIU then reads only
 *   `/etc/criu/default.conf`, and the options in CRUN_RPC_OPTIONS override that file.
 */
export function criuConfigFixes(option: string, line: string, purpose: string): Fix[] {
  const fixes: Fix[] = [
    {
      description: `runc (podman --runtime runc, Docker, containerd): ${purpose} Put \`${line}\` into /etc/criu/runc.conf, or into the file named by the container annotation org.criu.config. runc asks CRIU to read that file after the options runc sends, so it overrides them.`,
      criuOption: option,
      configSnippet: `# /etc/criu/runc.conf\n${line}\n`,
    },
  ];
  const defaultConfFix = (runtimeVersions: string, notSentReason: string): Fix => ({
    description: `${runtimeVersions}: ${purpose} Put \`${line}\` into /etc/criu/default.conf. CRIU reads that file on every run, and ${notSentReason}, so nothing overrides the line.`,
    criuOption: option,
    configSnippet: `# /etc/criu/default.conf\n${line}\n`,
  });
  const noFileFix = (runtimeVersions: string): Fix => ({
    description: `${runtimeVersions}: crun sends ${option} over RPC, and RPC options override /etc/criu/default.conf, so no configuration file can change it. Use the podman flag for it if one exists, run the container with runc (podman run --runtime runc), or use crun 1.26 or later with libcriu 4.2 or later.`,
  });
  const sentSince = CRUN_RPC_OPTIONS[option];
  if (sentSince === undefined) {
    fixes.push(defaultConfFix('crun before 1.26, or crun with a libcriu older than 4.2', `crun does not send ${option} over RPC`));
  } else if (sentSince === 'all') {
    fixes.push(noFileFix('crun before 1.26, or crun with a libcriu older than 4.2'));
  } else {
    fixes.push(defaultConfFix(`crun before ${sentSince}`, `those versions do not send ${option} over RPC`));
    fixes.push(noFileFix(`crun ${sentSince} or later with a libcriu older than 4.2`));
  }
  fixes.push({
    description: `crun 1.26 or later with libcriu 4.2 or later: ${purpose} Put \`${line}\` into /etc/criu/crun.conf (crun names /etc/criu/runc.conf instead when crun.conf does not exist), or name a file with \`--annotation org.criu.config=FILE\` when creating the container. CRIU reads that file after the options crun sends, so it overrides them.`,
    criuOption: option,
    configSnippet: `# /etc/criu/crun.conf\n${line}\n`,
  });
  return fixes;
}

/** Fix that points to the full log when a wrapper printed only its last line. */
export const READ_FULL_LOG: Fix = {
  description:
    'Read the whole CRIU log: podman keeps dump.log and restore.log in the container\'s StaticDir (`podman inspect --format "{{.StaticDir}}" <container>`), and `--keep` stops podman from deleting them after a restore.',
  command: 'podman container checkpoint --keep <container>',
  podmanFlag: '--keep',
};

/** Fix that upgrades CRIU to at least `version`; the description names the check, because a version query fixes nothing. */
export function upgradeCriu(version: string, reason: string): Fix {
  return { description: `Upgrade CRIU to ${version} or later (check the installed one with \`criu --version\`): ${reason}` };
}

/** Build an explanation from its text, ranked causes and fixes. */
export function explained(explanation: string, causes: string[], fixes: Fix[]): Explanation {
  return { explanation, causes, fixes };
}
