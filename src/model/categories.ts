/**
 * Failure categories of the diagnosis. The `category` field of the CLI's JSON output uses exactly these
 * strings, so scripts may switch on them: add finer `code`s to the knowledge base, never new categories
 * without a version bump of the output.
 */
export const CATEGORIES = [
  'mount-lookup',
  'external-mount',
  'mount-propagation',
  'mount-namespace',
  'mountinfo-parse',
  'device-file',
  'tcp',
  'unix-socket',
  'netlink',
  'file-locks',
  'ghost-file',
  'link-remap',
  'fsnotify',
  'vdso',
  'seccomp',
  'cgroup',
  'namespace',
  'io-uring',
  'bpf',
  'tty',
  'pid-collision',
  'transport-socket',
  'rseq',
  'kernel-feature',
  'lsm',
  'permission',
  'process-tree',
  'parasite',
  'internal-bug',
  'memfd',
  'rlimit',
  'runtime-support',
  'unexplained',
  'unknown',
] as const;

export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}
