import type { Category } from '../categories';

export interface Subsystem {
  name: string;
  description: string;
  category: Category;
}

/**
 * CRIU source files by base name (without `.c`), for errors that no knowledge-base entry matches.
 * The category is the closest failure category; the analyser still reports such errors as `unknown`.
 */
const SUBSYSTEMS: Record<string, Subsystem> = {
  'sk-inet': { name: 'inet sockets', description: 'dumps and restores TCP, UDP and raw sockets', category: 'tcp' },
  'sk-tcp': { name: 'TCP connections', description: 'saves and restores established TCP connections with TCP repair mode', category: 'tcp' },
  soccr: { name: 'TCP repair library (libsoccr)', description: 'reads and recreates the state of TCP connections', category: 'tcp' },
  'sk-unix': { name: 'unix sockets', description: 'dumps and restores unix domain sockets and their peers', category: 'unix-socket' },
  'sk-queue': { name: 'socket queues', description: 'saves and restores unread data in socket queues', category: 'unix-socket' },
  'sk-netlink': { name: 'netlink sockets', description: 'dumps and restores netlink sockets', category: 'netlink' },
  'sk-packet': { name: 'packet sockets', description: 'dumps and restores AF_PACKET sockets', category: 'netlink' },
  sockets: { name: 'socket common code', description: 'collects sockets through sock_diag and reads generic socket options', category: 'tcp' },
  mount: { name: 'mounts', description: 'reads the mount tree of the mount namespace and recreates it on restore', category: 'mount-namespace' },
  'mount-v2': { name: 'mounts (mount-v2 engine)', description: 'recreates mounts and their propagation with MOVE_MOUNT_SET_GROUP', category: 'mount-propagation' },
  'files-reg': { name: 'regular files', description: 'dumps and reopens regular files, deleted (ghost) files and link remaps', category: 'mount-lookup' },
  files: { name: 'file descriptors', description: 'collects and restores the descriptor table of each task', category: 'device-file' },
  'files-ext': { name: 'unsupported and plugin files', description: 'handles files that only plugins can dump', category: 'device-file' },
  'file-lock': { name: 'file locks', description: 'dumps and restores POSIX, OFD and flock locks and leases', category: 'file-locks' },
  fsnotify: { name: 'inotify and fanotify', description: 'dumps and restores file watches by file handle', category: 'fsnotify' },
  memfd: { name: 'memfd files', description: 'dumps and restores memfd_create files with their seals', category: 'memfd' },
  bpfmap: { name: 'BPF maps', description: 'dumps and restores BPF maps held by the task', category: 'bpf' },
  vdso: { name: 'vDSO', description: 'learns the kernel\'s vDSO layout and redirects saved vDSOs on restore', category: 'vdso' },
  'parasite-vdso': { name: 'vDSO in the restorer', description: 'remaps the vDSO of the restored task', category: 'vdso' },
  seccomp: { name: 'seccomp', description: 'reads and restores seccomp filters', category: 'seccomp' },
  cgroup: { name: 'cgroups', description: 'records cgroup membership and settings, and places restored tasks', category: 'cgroup' },
  namespaces: { name: 'namespaces', description: 'identifies and dumps the namespaces of the tree', category: 'namespace' },
  net: { name: 'network namespace', description: 'dumps links, addresses, routes and firewall rules, and locks the network', category: 'namespace' },
  tun: { name: 'tun devices', description: 'dumps and restores tun/tap devices', category: 'namespace' },
  ipc_ns: { name: 'IPC namespace', description: 'dumps SysV IPC objects', category: 'namespace' },
  uts_ns: { name: 'UTS namespace', description: 'dumps the host and domain name', category: 'namespace' },
  timens: { name: 'time namespace', description: 'dumps and restores clock offsets', category: 'namespace' },
  sysctl: { name: 'sysctls', description: 'reads and writes namespaced sysctls', category: 'namespace' },
  proc_parse: { name: '/proc parsing', description: 'reads /proc/PID files: maps, mountinfo, fdinfo, status', category: 'mountinfo-parse' },
  tty: { name: 'terminals', description: 'dumps and restores pseudo-terminals and sessions', category: 'tty' },
  'cr-restore': { name: 'restore driver', description: 'forks the tasks and runs the restore stages', category: 'process-tree' },
  'cr-dump': { name: 'dump driver', description: 'runs the dump stages for each task', category: 'process-tree' },
  'cr-check': { name: 'feature check', description: 'checks kernel features (criu check)', category: 'kernel-feature' },
  kerndat: { name: 'kernel feature detection', description: 'probes kernel features at start-up', category: 'kernel-feature' },
  seize: { name: 'task seizing', description: 'freezes the tree and attaches to it with ptrace', category: 'process-tree' },
  pstree: { name: 'process tree', description: 'records and rebuilds the process tree, sessions and groups', category: 'process-tree' },
  pidfd: { name: 'pidfds', description: 'dumps and restores pidfd descriptors', category: 'process-tree' },
  lsm: { name: 'LSM labels', description: 'reads and restores SELinux and AppArmor labels', category: 'lsm' },
  mem: { name: 'memory', description: 'dumps and restores memory mappings and pages', category: 'parasite' },
  pagemap: { name: 'page images', description: 'reads memory pages from the images on restore', category: 'internal-bug' },
  'page-xfer': { name: 'page transfer', description: 'writes pages to the images or to a page server', category: 'internal-bug' },
  uffd: { name: 'lazy pages (userfaultfd)', description: 'serves memory on demand during lazy restore', category: 'kernel-feature' },
  shmem: { name: 'shared memory', description: 'dumps and restores shared anonymous memory', category: 'parasite' },
  eventpoll: { name: 'epoll', description: 'dumps and restores epoll instances and their watches', category: 'device-file' },
  timerfd: { name: 'timerfd', description: 'dumps and restores timer descriptors', category: 'kernel-feature' },
  pipes: { name: 'pipes', description: 'dumps and restores pipes and their buffered data', category: 'device-file' },
  fifo: { name: 'FIFOs', description: 'dumps and restores named pipes', category: 'device-file' },
  autofs: { name: 'autofs', description: 'dumps and restores autofs mounts', category: 'mount-namespace' },
  irmap: { name: 'inode reverse map', description: 'finds paths of inodes for fsnotify watches', category: 'fsnotify' },
  util: { name: 'utilities', description: 'runs helper programs and sets up temporary mounts', category: 'internal-bug' },
  crtools: { name: 'command line', description: 'parses options and starts the requested command', category: 'runtime-support' },
  config: { name: 'configuration', description: 'reads options and configuration files', category: 'runtime-support' },
  'cr-service': { name: 'RPC service', description: 'serves requests from runc, crun (libcriu) and other RPC clients', category: 'runtime-support' },
  image: { name: 'images', description: 'opens and validates image files', category: 'runtime-support' },
  protobuf: { name: 'image encoding', description: 'reads and writes protobuf image entries', category: 'runtime-support' },
  plugin: { name: 'plugins', description: 'loads plugins such as the CUDA and amdgpu plugins', category: 'runtime-support' },
  restorer: { name: 'restorer blob', description: 'code that runs inside each restored task to map its memory, restore threads and return to the process', category: 'parasite' },
  parasite: { name: 'parasite blob', description: 'code injected into each dumped task to read its state from inside', category: 'parasite' },
  infect: { name: 'parasite injection (compel)', description: 'injects and runs CRIU\'s parasite code in a task through ptrace', category: 'parasite' },
  ptrace: { name: 'ptrace helpers (compel)', description: 'reads and writes task memory and registers with ptrace', category: 'parasite' },
  rseq: { name: 'rseq', description: 'saves and restores restartable sequences', category: 'rseq' },
  aio: { name: 'AIO', description: 'dumps and restores asynchronous I/O rings', category: 'kernel-feature' },
  'fdstore': { name: 'descriptor store', description: 'keeps descriptors CRIU needs across stages', category: 'internal-bug' },
};

/** Paths inside the restorer or parasite blobs, whose files share names with other subsystems. */
const BLOB_SUBSYSTEMS: Array<[RegExp, string]> = [
  [/(^|\/)pie\/restorer\.c$/, 'restorer'],
  [/(^|\/)pie\/parasite\.c$/, 'parasite'],
  [/(^|\/)pie\/parasite-vdso\.c$/, 'parasite-vdso'],
  [/(^|\/)compel\/.*infect\.c$/, 'infect'],
  [/(^|\/)compel\/.*ptrace\.c$/, 'ptrace'],
];

/** Look up the CRIU subsystem of a source file such as `criu/sk-inet.c`, `mount.c` or `compel/src/lib/infect.c`. */
export function subsystemOf(file: string): Subsystem | undefined {
  for (const [pattern, key] of BLOB_SUBSYSTEMS) {
    if (pattern.test(file)) return SUBSYSTEMS[key];
  }
  const base = file.replace(/^.*\//, '').replace(/\.c$/, '');
  return SUBSYSTEMS[base];
}
