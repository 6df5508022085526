import type { Fix, KbEntry } from '../types';
import { criuConfigFixes, criuOlderThan, describeErrno, explained, formatBytes, podmanFix, upgradeCriu } from './helpers';

/** Return the last match group that reads like an errno text (`Operation not permitted`). */
function lastErrnoText(match: RegExpMatchArray): string | undefined {
  return match.slice(1).reverse().find((group) => group !== undefined && /^[A-Z][a-z]+( [a-z/]+)+$/.test(group.trim()));
}

/** Known character device majors, for `chr MAJOR:MINOR` in unsupported-file messages. */
const CHAR_MAJORS: Record<number, string> = {
  10: 'a misc device (10:200 is /dev/net/tun, 10:229 /dev/fuse, 10:232 /dev/kvm, 10:235 /dev/autofs)',
  180: 'a USB device',
  188: 'a USB serial device',
  189: 'a raw USB device (/dev/bus/usb)',
  195: 'an NVIDIA GPU device (/dev/nvidia0..N, 195:255 is /dev/nvidiactl, 195:254 /dev/nvidia-modeset)',
  226: 'a DRM graphics device (/dev/dri/card* or renderD*, e.g. an AMD or Intel GPU)',
  241: 'possibly /dev/nvidia-uvm or another dynamically numbered device',
  244: 'possibly /dev/nvidia-uvm or another dynamically numbered device',
};

/** Decode the octal st_mode that files-ext.c prints in brackets. */
function describeMode(octal: string): string {
  const mode = Number.parseInt(octal, 8);
  const type = mode & 0o170000;
  const kinds: Record<number, string> = { 0o020000: 'character device', 0o060000: 'block device', 0o010000: 'FIFO', 0o140000: 'socket', 0o100000: 'regular file', 0o040000: 'directory', 0: 'anonymous inode' };
  return `${kinds[type] ?? 'file'} with permissions ${(mode & 0o7777).toString(8).padStart(4, '0')}`;
}

const CUDA_PLUGIN_FIX: Fix = upgradeCriu(
  '4.0',
  'CRIU 4.0 ships the CUDA plugin (cuda_plugin.so), which together with the NVIDIA driver\'s checkpoint support (cuda-checkpoint, driver 550 or later) handles /dev/nvidia* descriptors. Install the plugin where CRIU looks for plugins (/usr/lib/criu).',
);

export const FILE_ENTRIES: readonly KbEntry[] = [
  {
    code: 'io-uring.unsupported-fd',
    category: 'io-uring',
    title: 'The process uses io_uring, which CRIU cannot checkpoint',
    role: 'cause',
    patterns: [/Can't dump file (\d+) of that type \[(\d+)\] \(anon (?:anon_inode:)?\[io_uring\]\)/, /Unknown shit [0-9a-f ]+ \((?:anon_inode:)?\[io_uring\]\)/],
    explain: ({ match }) =>
      explained(
        `The task has an io_uring instance (${/Unknown shit/.test(match[0]) ? 'its submission and completion rings are mapped into memory' : `descriptor ${match[1]}`}). No CRIU release up to 4.2 can dump io_uring: the rings and in-flight requests live in the kernel and there is no interface to read and recreate them.`,
        [
          'The application or its runtime uses io_uring (liburing, Tokio with io-uring, newer Node.js/libuv, some databases and proxies).',
          'A library picks io_uring automatically when the kernel offers it.',
        ],
        [
          { description: 'Configure the application to use epoll instead of io_uring (for libuv: UV_USE_IO_URING=0; many servers have an option for it).' },
          { description: 'Keep podman\'s default seccomp profile, which makes io_uring_setup fail so that libraries fall back to epoll; do not run the container with --security-opt seccomp=unconfined.' },
        ],
      ),
  },
  {
    code: 'device-file.unsupported-char-device',
    category: 'device-file',
    title: 'The process has a character device open that CRIU cannot dump',
    role: 'cause',
    patterns: [/Can't dump file (\d+) of that type \[(\d+)\] \(chr (\d+):(\d+)\)/],
    explain: ({ match, facts }) => {
      const [, fd, mode, majorText, minor] = match;
      const major = Number(majorText);
      const isNvidia = major === 195;
      const isDrm = major === 226;
      return explained(
        `Descriptor ${fd} is a ${describeMode(mode)} with device number ${major}:${minor}: ${CHAR_MAJORS[major] ?? 'a device CRIU has no handler for'}. CRIU handles only devices it knows (null, zero, random, tty, tun and a few more) or devices a plugin claims, so the dump stops.`,
        [
          ...(isNvidia ? [
            `A CUDA or NVIDIA process keeps /dev/nvidia* open. ${criuOlderThan(facts, '4.0') ? `CRIU ${facts.criuVersion} has no CUDA plugin.` : 'Without the CUDA plugin installed and a driver with checkpoint support, CRIU cannot dump these descriptors.'}`,
          ] : []),
          ...(isDrm ? ['A GPU process keeps /dev/dri open; only AMD GPUs are handled, by the amdgpu plugin (CRIU 3.17 and later) with ROCm.'] : []),
          'A device was passed into the container (podman run --device) and the application keeps it open.',
        ],
        [
          ...(isNvidia ? [CUDA_PLUGIN_FIX] : []),
          ...(isDrm ? [{ description: 'For AMD GPUs install CRIU\'s amdgpu plugin (amdgpu_plugin.so, CRIU 3.17 and later); other DRM devices cannot be checkpointed.' }] : []),
          { description: 'Make the application close the device before the checkpoint, or run it without the device (remove --device).' },
        ],
      );
    },
  },
  {
    code: 'device-file.unsupported-anon-inode',
    category: 'device-file',
    title: 'The process has an anonymous-inode file CRIU cannot dump',
    role: 'cause',
    patterns: [/Can't dump file (\d+) of that type \[(\d+)\] \(anon (.*)\)/],
    explain: ({ match, facts }) => {
      const kind = match[3].replace(/^anon_inode:/, '');
      const hints: Record<string, string> = {
        '[perf_event]': 'perf events (profilers, eBPF tools) have no dump support',
        '[userfaultfd]': 'userfaultfd descriptors of the application itself are not supported',
        '[pidfd]': `pidfds are supported from CRIU 4.1${criuOlderThan(facts, '4.1') ? `; this log is from ${facts.criuVersion}` : ''}`,
        'bpf-prog': 'loaded eBPF programs are not supported (only some BPF maps are)',
        '[fanotify]': 'fanotify is supported only on kernels and filesystems with file handles',
        '[dmabuf]': 'DMA buffers are GPU state',
        'kvm-vm': 'KVM virtual machines cannot be checkpointed by CRIU',
      };
      return explained(
        `Descriptor ${match[1]} is an anonymous-inode file of kind ${kind}. CRIU supports eventfd, eventpoll, signalfd, timerfd, inotify, fanotify, BPF maps, memfd and (since 4.1) pidfd; ${hints[kind] ?? 'this kind has no dump handler'}.`,
        ['The application or a library opened this kernel object and keeps it open at checkpoint time.'],
        [
          { description: 'Close the descriptor before checkpointing, or disable the feature that creates it (profiling, tracing, a KVM guest).' },
          ...(kind === '[pidfd]' ? [upgradeCriu('4.1', 'it dumps and restores pidfds.')] : []),
        ],
      );
    },
  },
  {
    code: 'device-file.unsupported-file-type',
    category: 'device-file',
    title: 'The process has a file of a type CRIU cannot dump',
    role: 'cause',
    patterns: [/Can't dump file (\d+) of that type \[(\d+)\] \((\w+) (.*)\)/],
    explain: ({ match }) =>
      explained(
        `Descriptor ${match[1]} is a ${describeMode(match[2])} (${match[3]} ${match[4]}) for which CRIU has no dump handler.`,
        ['A special file (a block device, a file of a special filesystem, an unknown socket family) is open in the task.'],
        [{ description: `Find it with ls -l /proc/PID/fd/${match[1]} and close it before the checkpoint, or run without the device or filesystem.` }],
      ),
  },
  {
    code: 'device-file.unknown-mapping',
    category: 'device-file',
    title: 'The process maps a special file CRIU does not understand',
    role: 'cause',
    patterns: [/Unknown shit ([0-9a-f ]+?) \((.*)\)/, /Can't handle non-regular mapping on (\d+)'s map ([0-9a-f]+)/, /Unsupported mapping found ([0-9a-f]+)/],
    explain: ({ match }) =>
      explained(
        `A memory mapping of the task is backed by ${match[2] && !/^[0-9a-f]+$/.test(match[2]) ? match[2] : 'a special file'}, not by a regular file, anonymous memory or shared memory. CRIU can dump only those kinds of mappings (plus a few kernel ones), so device memory mapped by a driver stops the dump.`,
        ['A GPU, RDMA or other driver mapped device memory into the process (CUDA, ROCm, DRM, InfiniBand).', 'A kernel object (io_uring, perf ring buffer) mapped its buffers.'],
        [
          { description: 'For NVIDIA GPUs, CRIU 4.0 or later with the CUDA plugin; for AMD GPUs, the amdgpu plugin. Otherwise the process must unmap the device memory before the checkpoint.' },
        ],
      ),
  },
  {
    code: 'ghost-file.size-over-limit',
    category: 'ghost-file',
    title: 'A deleted file is larger than the ghost file limit',
    role: 'cause',
    patterns: [/Can't dump ghost file (.+) of (\d+) size, increase limit/],
    explain: ({ match }) => {
      const size = Number(match[2]);
      const suggested = Math.max(16, 2 ** Math.ceil(Math.log2(size / (1 << 20) + 1)));
      return explained(
        `The task keeps ${match[1]} open or mapped although it was deleted. A deleted file has no name to reopen at restore, so CRIU copies its contents into the checkpoint as a "ghost file", but only up to --ghost-limit (1 MiB by default). This one is ${formatBytes(size)}.`,
        [
          'Browsers (Chrome), Java, databases and shared-memory IPC keep deleted files in /dev/shm or /tmp.',
          'A log or temporary file was deleted while still open.',
        ],
        [
          { description: 'Podman has no flag for this limit; set it in the CRIU configuration file that the runtime makes CRIU read.', criuOption: 'ghost-limit' },
          ...criuConfigFixes('ghost-limit', `ghost-limit ${suggested}M`, 'raise the size limit for deleted files.'),
          { description: `Plain criu: add --ghost-limit ${suggested}M.`, command: `criu dump --ghost-limit ${suggested}M ...`, criuOption: 'ghost-limit' },
        ],
      );
    },
  },
  {
    code: 'link-remap.option-required',
    category: 'link-remap',
    title: 'A file is reachable only through a link remap',
    role: 'cause',
    patterns: [/Can't create link remap for (.+?)\. Use link-remap option/],
    explain: ({ match }) =>
      explained(
        `CRIU cannot reopen ${match[1]} by its path at restore (the file was unlinked but still has other hard links, or the path the kernel reports does not lead back to it). It can preserve the file by creating a temporary hard link ("link remap") next to it, but does so only with --link-remap because that changes the filesystem.`,
        ['The file was deleted or renamed while open and has other hard links.', 'The storage driver (AUFS in old Docker versions) reports paths of its branch directories, which do not lead back to the file.'],
        [
          ...criuConfigFixes('link-remap', 'link-remap', 'allow CRIU to create temporary hard links.'),
          { description: 'Use the overlay2 storage driver instead of AUFS.' },
        ],
      ),
  },
  {
    code: 'link-remap.remap-missing-on-restore',
    category: 'link-remap',
    title: 'A link-remap file disappeared before restore',
    role: 'cause',
    patterns: [/Can't link (\S*link_remap\.\d+) -> (\S+?)(?::\s*(.*))?$/],
    explain: ({ match }) =>
      explained(
        `At dump time CRIU kept a deleted file alive as the hard link ${match[1]}; restore now tries to link it back to ${match[2]} and fails with ${describeErrno(match[3])}. The link-remap file is part of the filesystem, not of the checkpoint images, so it is lost when the filesystem does not survive until restore.`,
        ['The file was on a tmpfs (/dev/shm, /tmp, /run) whose contents were not kept between dump and restore.', 'The checkpoint was moved to another host or container root without the link_remap files.'],
        [
          { description: 'Do not use --link-remap for files on tmpfs; without it CRIU stores deleted files as ghost files inside the images (raise ghost-limit if they are large).', criuOption: 'ghost-limit' },
          { description: 'Keep the filesystem with the link_remap.N files until the restore has finished.' },
        ],
      ),
  },
  {
    code: 'link-remap.file-missing-on-restore',
    category: 'link-remap',
    title: 'A file that was open at checkpoint time is missing on restore',
    role: 'cause',
    patterns: [/Can't open file (.+?) on restore(?::\s*(.*))?$/],
    explain: ({ match }) =>
      explained(
        `Restore reopens every regular file by its path; ${match[1]} could not be opened (${describeErrno(match[2])}). The restored root filesystem differs from the one at dump time.`,
        [
          'The container is restored on another host or from an export without the same volumes, or its rootfs changes were dropped (podman restore --import --ignore-rootfs, or a checkpoint exported with --ignore-rootfs).',
          'A file on a tmpfs (/tmp, /run, /dev/shm) was not recreated.',
          'The file is on a volume that podman did not export (--ignore-volumes) or that is mounted differently.',
        ],
        [
          { description: 'Restore with the same volumes and rootfs: export with `podman container checkpoint --export=FILE` without --ignore-rootfs/--ignore-volumes, and restore with the same -v options.' },
        ],
      ),
  },
  {
    code: 'link-remap.fifo-missing-on-restore',
    category: 'link-remap',
    title: 'A named pipe that was open at checkpoint time is missing on restore',
    role: 'cause',
    patterns: [/Can't open (?:fake )?fifo (0x[0-9a-f]+) \[(.+?)\](?::\s*(.*))?$/],
    explain: ({ match }) =>
      explained(
        `Restore reopens a named pipe (FIFO) by its path, ${match[2]}, and the open failed with ${describeErrno(match[3])}. The FIFO's buffered data is in the checkpoint, but the FIFO node itself is a file of the container's filesystem and must exist again at restore.`,
        [
          'The FIFO lived on a tmpfs (/run, /tmp) or a volume that was not recreated with the same contents.',
          'The container is restored from an export without its rootfs changes (--ignore-rootfs), or with other volumes.',
        ],
        [
          { description: 'Restore with the same volumes and rootfs changes as at checkpoint time, or have the application create the FIFO in a directory that is part of the checkpointed container filesystem.' },
          { description: `Check the path before restoring: ls -l ${match[2]} inside the container's root must show a FIFO (type p).` },
        ],
      ),
  },
  // The category list has no filesystem category. A file that differs at restore means the engine
  // did not bring back the container's filesystem as it was dumped, so it is filed with the other
  // runtime-side causes, not with link-remap (which is about temporary hard links).
  {
    code: 'runtime-support.file-differs-on-restore',
    category: 'runtime-support',
    title: 'A file differs from the one that was open at checkpoint time',
    role: 'cause',
    patterns: [/File (.+?) has bad (size|mode|build-ID(?: length)?)(?: (0?\d+) \(expect (0?\d+)\))?/],
    explain: ({ match }) => {
      const values = match[3] !== undefined ? ` (now ${match[3]}, ${match[2] === 'size' ? 'bytes ' : ''}expected ${match[4]})` : '';
      return explained(
        `For every regular file a task has open or mapped, the dump records its size (except for files opened write-only with O_APPEND, such as logs), its mode, and by default the build-ID of ELF files. Restore reopens the file by its path and compares: ${match[1]} has another ${match[2]}${values}. The file at that path is not the file the checkpoint was taken with, so the container's filesystem was not restored as it was dumped, and CRIU stops rather than map the wrong contents into the process.`,
        [
          'The restore uses another image or rootfs than the checkpoint: the image was rebuilt or pulled again, or the checkpoint was exported or imported with --ignore-rootfs.',
          'The file is on a volume or bind mount whose contents changed after the checkpoint, for example because the container kept running (--leave-running) or another container or the host wrote to it.',
          'The file is on a tmpfs (/tmp, /run, /dev/shm) that was recreated empty or with other contents.',
        ],
        [
          { description: 'Restore on the same image and rootfs: export the checkpoint with its rootfs changes (`podman container checkpoint --export=FILE`, without --ignore-rootfs) and restore it with the same volumes.' },
          { description: `Compare the file on both sides (\`ls -l ${match[1]}\`, \`sha256sum\`); if it must change, stop the application, change the file, and checkpoint again.` },
        ],
      );
    },
  },
  {
    code: 'fsnotify.handle-cannot-be-opened',
    category: 'fsnotify',
    title: 'An inotify or fanotify watch cannot be reopened',
    role: 'cause',
    levels: ['error', 'warn'],
    patterns: [/Handle 0x([0-9a-f]+):0x([0-9a-f]+) cannot be opened/i],
    explain: ({ match }) => {
      const dev = Number.parseInt(match[1], 16);
      const major = dev >> 20;
      const minor = dev & 0xfffff;
      return explained(
        `The task has an inotify or fanotify watch on inode 0x${match[2]} of device 0x${match[1]} (${major}:${minor} in mountinfo notation). CRIU records watches by file handle and must reopen them with open_by_handle_at; the filesystem refused. This warning is the real cause even when the dump fails later with a generic error.`,
        [
          `The watched file is on a filesystem without file-handle support: overlayfs (the container rootfs) is the usual one${major === 0 ? `, and device ${major}:${minor} is an anonymous device as overlay and tmpfs mounts have` : ''}.`,
          'The watched file was deleted, so its handle is stale.',
        ],
        [
          { description: `Find the filesystem: grep ' ${major}:${minor} ' /proc/PID/mountinfo.` },
          { description: 'Keep watched files on a volume (bind mount of a host directory) instead of the overlay rootfs, or configure the application not to watch files (e.g. disable config reload or file watchers).' },
          { description: 'Use the vfs storage driver for this container if the watched files must be in the rootfs.' },
        ],
      );
    },
  },
  {
    code: 'fsnotify.no-path-for-handle',
    category: 'fsnotify',
    title: 'No path found for a watched inode',
    role: 'cause',
    patterns: [/Can't find suitable path for handle \(dev (0x[0-9a-f]+) ino (0x[0-9a-f]+)\)/],
    explain: ({ match }) =>
      explained(
        `CRIU could not find a path to the watched inode ${match[2]} on device ${match[1]}, neither by file handle nor by scanning directories (irmap). Without a path restore cannot place the watch again.`,
        ['The watched file or directory was deleted.', 'It lives in a directory CRIU does not scan (the default irmap scan path is limited).'],
        [
          ...criuConfigFixes('irmap-scan-path', 'irmap-scan-path /', 'let CRIU search the whole tree for watched inodes (slower).'),
          { description: 'Stop watching deleted files, or keep watched files on a volume.' },
        ],
      ),
  },
  {
    code: 'fsnotify.mount-for-device-missing',
    category: 'fsnotify',
    title: 'The mount of a watched file was not found',
    role: 'cause',
    levels: ['error', 'warn'],
    patterns: [/Unable to lookup a mount by dev (0x[0-9a-f]+)/, /Can't open mount for s_dev ([0-9a-f]+)/],
    explain: ({ match }) =>
      explained(
        `A watched file is on device ${match[1]}, and no mount of the dumped namespace has that device. The watch is on a mount outside the container.`,
        ['An inotify descriptor was inherited from the host or the runtime.'],
        [{ description: 'Create inotify watches only on files inside the container\'s mounts.' }],
      ),
  },
  {
    code: 'fsnotify.handle-not-found',
    category: 'fsnotify',
    title: 'A watched inode was found neither by file handle nor by path',
    role: 'cause',
    patterns: [/fsnotify:\s+Can't dump that handle/],
    explain: () =>
      explained(
        'A task watches a file with inotify or fanotify. CRIU could not open the watched inode by its file handle (the "Handle 0xDEV:0xINO cannot be opened" warning above names it) and then searched a fixed list of folders for it: /etc, /var/spool, /var/log, /lib/udev, the dbus-1 and polkit-1 folders and the root folder, plus any irmap-scan-path. The inode is in none of them, so CRIU has no way to place the watch on restore and stops the dump.',
        [
          'The watched file is in the container\'s overlay root filesystem outside those folders (e.g. /tmp or /app): overlayfs opens no file handles unless it is mounted with nfs_export=on.',
          'The watched file was deleted, so no path leads to it.',
        ],
        [
          ...criuConfigFixes('irmap-scan-path', 'irmap-scan-path /', 'let CRIU search the whole tree for watched inodes (slower), or name the watched folder instead of /.'),
          { description: 'Keep watched files on a volume or in /etc, or make the application remove its watches before the checkpoint.' },
        ],
      ),
  },
  {
    code: 'memfd.restore-failed',
    category: 'memfd',
    title: 'A memfd could not be recreated',
    role: 'cause',
    patterns: [/Can't create memfd:(\S*)(?::\s*(.*))?/, /Cannot apply seals on memfd(?::\s*(.*))?/, /Can't reopen memfd id=(\d+)(?::\s*(.*))?/],
    explain: ({ match }) =>
      explained(
        `Restore recreates memfd files (memfd_create) with their contents and seals; this step failed${lastErrnoText(match) ? ` with ${describeErrno(lastErrnoText(match))}` : ''}. CRIU supports memfd files since 3.14.`,
        ['A seccomp profile or an LSM blocks memfd_create in the restoring context.', 'The kernel lacks a memfd feature used in the image (hugetlb memfds, F_SEAL_FUTURE_WRITE).'],
        [{ description: 'Restore on a host with the same or a newer kernel than the checkpoint, and check the audit log for denials.' }],
      ),
  },
  {
    code: 'bpf.unsupported-map-type',
    category: 'bpf',
    title: 'The process holds a BPF map type CRIU cannot dump',
    role: 'cause',
    patterns: [/CRIU does not currently support dumping BPF map type (\d+)/],
    explain: ({ match }) =>
      explained(
        `The task holds a BPF map of type ${match[1]}. CRIU (3.15 and later, built with libbpf) dumps only hash and array maps; other types (ring buffers, per-CPU maps, program arrays) and loaded BPF programs are not supported.`,
        ['The application uses eBPF (observability agents, Cilium-like tooling) inside the container.'],
        [{ description: 'Checkpoint workloads without eBPF objects, or let the application recreate its BPF state after restore.' }],
      ),
  },
  {
    code: 'bpf.map-access-failed',
    category: 'bpf',
    title: 'CRIU could not read or recreate a BPF map',
    role: 'cause',
    patterns: [/Could not get BPF map info/, /Can't freeze bpfmap (0x[0-9a-f]+)/, /Can't create bpfmap (0x[0-9a-f]+)/, /Can't perform a batch lookup on BPF map/],
    explain: () =>
      explained(
        'CRIU reads BPF maps with the bpf() system call (freezing them first); the call failed. Distribution builds without libbpf cannot dump BPF maps at all.',
        ['CRIU runs without CAP_BPF/CAP_SYS_ADMIN, or a seccomp profile blocks bpf() (podman\'s default profile does).', 'The kernel lacks BPF_MAP_FREEZE or batch lookup (older than 5.6).', 'CRIU was built without libbpf (Debian\'s package, for example).'],
        [{ description: 'Use a CRIU built with libbpf on a kernel 5.6 or newer, running as root.' }],
      ),
  },
  {
    code: 'file-locks.option-required',
    category: 'file-locks',
    title: 'The process holds file locks',
    role: 'cause',
    patterns: [/Some file locks are hold by dumping tasks!\s*You can try --file-locks to dump them/],
    explain: ({ facts }) =>
      explained(
        `A task holds a POSIX, OFD or flock lock. Since CRIU 3.16 the dump fails in that case unless --file-locks is given, because a lock that is silently dropped can corrupt data after restore.${criuOlderThan(facts, '3.16') ? ` This log is from CRIU ${facts.criuVersion}.` : ''}`,
        ['Databases, Java runtimes (OpenJ9, HotSpot with some options), package managers and many daemons lock files they use.'],
        [
          podmanFix('checkpoint', '--file-locks', 'Checkpoint with file locks; restore needs the same flag.'),
          podmanFix('restore', '--file-locks', 'Restore with file locks.'),
          ...criuConfigFixes('file-locks', 'file-locks', 'dump file locks (Docker has no flag for it).'),
        ],
      ),
  },
  {
    code: 'file-locks.restore-conflict',
    category: 'file-locks',
    title: 'A file lock could not be taken again on restore',
    role: 'cause',
    patterns: [/Can not set (flock|posix lock|ofd lock)!/, /Can't set lease/],
    explain: ({ match }) =>
      explained(
        `Restore tries to take the ${match[1] ?? 'lease'} that the task held at dump time; the kernel refused. Another process now holds a conflicting lock on the same file.`,
        ['The original container (or another copy restored from the same checkpoint) still runs and holds the lock.', 'Another process on the host locked the file on a shared volume.'],
        [{ description: 'Stop the original container or any other holder of the lock (lslocks shows them), then restore again.' }],
      ),
  },
  {
    code: 'file-locks.unresolved-lock',
    category: 'file-locks',
    title: 'A lock belongs to a file CRIU cannot match',
    role: 'cause',
    patterns: [/Unresolved lock found pid (\d+) ino (\d+)/],
    explain: ({ match }) =>
      explained(
        `/proc/locks lists a lock of task ${match[1]} on inode ${match[2]}, but CRIU found no open file of the dumped tasks for it.`,
        ['The lock is held through a descriptor shared with a process outside the dumped tree.', 'The locked file is on a mount outside the container.'],
        [{ description: 'Make sure the locked file is opened inside the container and no outside process shares the descriptor.' }],
      ),
  },
  {
    code: 'device-file.epoll-closed-target',
    category: 'device-file',
    title: 'An epoll instance watches a descriptor that was closed',
    role: 'cause',
    patterns: [/Escaped\/closed fd descriptor (\d+) on pid (\d+)/],
    explain: ({ match }) =>
      explained(
        `An epoll instance of task ${match[2]} still has a watch for descriptor ${match[1]}, but the task no longer has that descriptor (it was closed while the file stays open elsewhere). CRIU cannot re-add a watch for a file it cannot reach through a descriptor.`,
        ['The application closed a descriptor without removing it from epoll first, and another descriptor (dup, fork) keeps the file alive.'],
        [{ description: 'Fix the application to call epoll_ctl(EPOLL_CTL_DEL) before close(), or checkpoint when no such stale watch exists.' }],
      ),
  },
  {
    code: 'rlimit.fd-number-too-big',
    category: 'rlimit',
    title: 'A descriptor number is above what the restore host allows',
    role: 'cause',
    patterns: [/Too big FD number to restore (\d+)/],
    explain: ({ match }) =>
      explained(
        `The checkpoint contains descriptor number ${match[1]}, and restore checks it against the kernel's fs.nr_open limit (the largest RLIMIT_NOFILE a process may get) on this host. A descriptor at or above that limit cannot be recreated.`,
        [
          'The dump host has a higher fs.nr_open (sysctl) than the restore host; some services raise it to allow millions of descriptors.',
          'The application calls dup2() to a very high descriptor number.',
        ],
        [
          {
            description: `Raise fs.nr_open on the restore host above ${match[1]} (check the current value with \`sysctl fs.nr_open\`) and restore again.`,
            command: `sysctl -w fs.nr_open=${Math.ceil((Number(match[1]) + 1) / 1024) * 1024}`,
          },
        ],
      ),
  },
  {
    code: 'runtime-support.inherit-fd-invalid',
    category: 'runtime-support',
    title: 'A descriptor the runtime hands to CRIU is not open',
    role: 'cause',
    patterns: [/Can't fstat inherit fd (\d+)(?::\s*(.*))?$/, /Invalid inherit fd argument: (.*)/],
    explain: ({ match }) =>
      explained(
        /Invalid inherit/.test(match[0])
          ? `CRIU could not parse the --inherit-fd argument "${match[1]}"; the expected form is \`fd[N]:KEY\`.`
          : `The caller of CRIU passed descriptor ${match[1]} with --inherit-fd (runtimes do this for the container's stdio pipes and for external namespaces), and fstat() on it failed with ${describeErrno(match[2])}. The runtime closed the descriptor, or never passed it, before CRIU started.`,
        [
          'A runtime or libcriu version combination in which the descriptors listed for CRIU are not the ones kept open for it (a regression of a development build of crun, runc or libcriu).',
          'A hand-written criu restore call names a descriptor that the shell did not open.',
        ],
        [
          { description: 'Use released, matching versions of the runtime, libcriu and criu (compare `crun --version` or `runc --version` with `criu --version`); after updating one of them, update the others.' },
          { description: 'When calling criu yourself, open the descriptor in the shell first (for example `3<file`) and pass the same number in `fd[3]:KEY`.' },
        ],
      ),
  },
];
