import type { KbEntry } from '../types';
import { criuConfigFixes, criuOlderThan, describeErrno, explained, upgradeCriu } from './helpers';

/** Explain which kind of object the `fd=` field of a files-reg.c message refers to. */
function describeFdField(fd: number): string {
  if (fd === -3) return 'fd=-3 is not a descriptor: CRIU uses -3 for a file-backed memory mapping (a VMA it found in /proc/PID/map_files)';
  if (fd < 0) return `fd=${fd} marks an object CRIU opened itself (the task's cwd, root or exe link)`;
  return `fd=${fd} is an open file descriptor of the task (see /proc/PID/fdinfo/${fd}, whose mnt_id line names the mount)`;
}

export const MOUNT_ENTRIES: readonly KbEntry[] = [
  {
    code: 'mount-lookup.mapping-mount-not-in-namespace',
    category: 'mount-lookup',
    title: 'A memory mapping comes from a mount outside the container',
    role: 'cause',
    patterns: [/Can't lookup mount=(\d+) for fd=(-3) path=(.*)/],
    explain: ({ match }) => {
      const [, mount, , path] = match;
      const isRoot = path.trim() === '/';
      return explained(
        `While collecting the task's memory mappings, CRIU looked for mount ${mount} (a mnt_id as in /proc/PID/mountinfo) in the dumped mount namespace and did not find it. ${describeFdField(-3)}, here backed by ${path}. CRIU must reopen every mapped file by a path inside the container at restore, so a mapping whose mount is not in the container's mountinfo cannot be described.` +
          (isRoot
            ? ' The path "/" means the mapped file is reachable only through a detached mount, as happens when a runtime executes a protected copy of its own binary inside the container (crun with a Wasm handler such as WasmEdge does this).'
            : ''),
        [
          ...(isRoot ? ['The container process is the runtime itself (crun +WASM: wasmedge and similar handlers): the Wasm engine and crun\'s own binary are mapped from mounts that are not in the container\'s mount namespace.'] : []),
          'The process mapped a file that was handed in from the host (an inherited descriptor, --preserve-fds, a file opened before entering the container) and then closed the descriptor.',
          'A library or binary is mapped from the runtime\'s root or a host mount that is not bind-mounted into the container.',
        ],
        [
          { description: `Find the mapping: grep the VMAs of the task in /proc/PID/maps for ${path} and read mnt_id in the fdinfo of \`/proc/PID/map_files/<range>\`; then check whether mount ${mount} appears in /proc/PID/mountinfo.` },
          isRoot
            ? { description: 'Checkpoint a non-Wasm image, or run the Wasm module with an engine that lives inside the container image, so that every mapped file comes from the container\'s own mounts.' }
            : { description: 'Bind-mount the file\'s directory into the container (podman run -v) and open it by that path, so that the mapping lives on a mount CRIU can see.' },
        ],
      );
    },
  },
  {
    code: 'mount-lookup.fd-mount-not-in-namespace',
    category: 'mount-lookup',
    title: 'An open file lives on a mount outside the container',
    role: 'cause',
    patterns: [/Can't lookup mount=(\d+) for fd=(-?\d+) path=(.*)/],
    explain: ({ match }) => {
      const [, mount, fdText, path] = match;
      const fd = Number(fdText);
      const trimmedPath = path.trim();
      const isDevNull = trimmedPath === '/dev/null';
      const looksLikeMqueue = /^\/[^/]+$/.test(trimmedPath) && !isDevNull;
      return explained(
        `While dumping files, CRIU looked for mount ${mount} (a mnt_id as in /proc/PID/mountinfo and fdinfo) in the dumped mount namespace and did not find it. ${describeFdField(fd)}; its path is ${trimmedPath}. A file must be reachable through a mount of the container so that restore can open it again.` +
          (isDevNull ? ' /dev/null opened from another mount namespace is the usual case: the host shell or the runtime opened stdio before the container\'s mount namespace existed.' : '') +
          (looksLikeMqueue ? ' A single-component path like this is also what a POSIX message queue (mq_open) looks like: such descriptors live on the kernel-internal mqueue mount of the IPC namespace, and CRIU has no support for them.' : ''),
        [
          ...(isDevNull ? ['The descriptor was opened outside the container (stdio inherited from the host shell, or a non-CLOEXEC copy that a shell kept), so it points at the host\'s /dev.'] : []),
          ...(looksLikeMqueue ? ['The descriptor is a POSIX message queue; CRIU cannot checkpoint those.'] : []),
          'The file was passed in from the host (podman run --preserve-fds, a socket-activated descriptor, a descriptor sent over a unix socket).',
          'The file was opened in a mount that was unmounted or is not part of the container\'s namespace any more.',
        ],
        [
          { description: `Identify the descriptor: cat /proc/PID/fdinfo/${fd >= 0 ? fd : 'N'} (mnt_id: ${mount}) and compare with /proc/PID/mountinfo.` },
          ...(isDevNull ? [{ description: 'Start the workload with stdio opened inside its own mount namespace (redirect after entering it) and close inherited descriptors; for plain criu, start the task with `setsid` and redirect stdio inside the namespace.' }] : []),
          ...(looksLikeMqueue ? [{ description: 'Close POSIX message queues before checkpointing, or use another IPC mechanism (pipes, unix sockets, SysV message queues in the container\'s IPC namespace).' }] : []),
          { description: 'Do not hand host descriptors into the container; bind-mount the file and open it from inside instead.' },
        ],
      );
    },
  },
  {
    code: 'mount-lookup.overmounted-open-file',
    category: 'mount-lookup',
    title: 'An open file lives on a mount that another mount hides',
    role: 'cause',
    patterns: [/Open files on overmounted mounts are not supported yet; mount=(\d+) fd=(-?\d+) path=(.*)/],
    explain: ({ match }) =>
      explained(
        `Mount ${match[1]} is overmounted: another mount sits on top of it at the same place, so the path ${match[3]} of fd ${match[2]} cannot be reached by name. CRIU (3.12 and later) rejects open files on such mounts because restore would have to reopen them through a path that is hidden.`,
        [
          'The application opened a file, then something mounted over its directory (a volume mounted over an image path, a tmpfs over /run or /tmp).',
          'The runtime mounts a tmpfs or secret over a directory that already had files open.',
        ],
        [
          { description: 'Avoid mounting over directories the process keeps files open in: mount the volume at a path of its own, or open the file only after the mounts are in place.' },
        ],
      ),
  },
  {
    code: 'mount-lookup.ghost-in-foreign-mount',
    category: 'mount-lookup',
    title: 'A deleted file lives on a mount outside the container',
    role: 'cause',
    patterns: [/The (\d+) mount is not found for ghost/],
    explain: ({ match }) =>
      explained(
        `A deleted ("ghost") file is still open or mapped, and its mount ${match[1]} is not in the dumped mount namespace. CRIU records which mount a ghost file belongs to so that restore can recreate it there; a mount from the host's (or another) namespace cannot be recreated.`,
        ['A deleted host file was passed into the container (inherited descriptor or a file opened before the container\'s namespace existed).', 'An old CRIU version that mishandled ghost files on some storage drivers.'],
        [
          { description: 'Do not pass deleted or temporary host files into the container; create them inside the container\'s filesystem.' },
          upgradeCriu('3.17', 'later versions fixed several ghost-file lookups on overlay and bind mounts.'),
        ],
      ),
  },
  {
    code: 'mount-lookup.file-on-other-device',
    category: 'mount-lookup',
    title: 'An open file is not reachable through its path',
    role: 'cause',
    patterns: [/Unaccessible path opened (\d+):(\d+), need (\d+):(\d+)/],
    explain: ({ match }) =>
      explained(
        `CRIU opened the file by the path the kernel reports and got device ${match[1]}:${match[2]}, but the original file lives on device ${match[3]}:${match[4]}. The name now leads to a different filesystem, so the file cannot be found by name.`,
        ['A mount was placed over the file\'s directory after it was opened.', 'A storage driver (AUFS, some FUSE filesystems) reports paths that do not lead back to the same inode.'],
        [{ description: 'Keep files that stay open on a plain bind mount or the container rootfs (overlay), and avoid AUFS and FUSE roots for checkpointed containers.' }],
      ),
  },
  {
    code: 'external-mount.no-proper-root-mount',
    category: 'external-mount',
    title: 'A bind mount comes from outside the container and is not declared external',
    role: 'cause',
    patterns: [/(\d+):(\S+) doesn'?t\s+hav\s*e\s+a\s+proper\s+root\s+mount/],
    explain: ({ match }) => {
      const [, mount, mountpoint] = match;
      const path = mountpoint.replace(/^\./, '');
      const isProcMask = /^\/proc\//.test(path) || /^\/sys\/firmware/.test(path);
      const isGpu = /nvidia|firmware|dri/i.test(path);
      return explained(
        `Mount ${mount} at ${path} is a bind mount whose source lies outside the container's mount tree. CRIU can recreate a bind mount only when its source mount is part of the dump or when the runtime declares it external (\`--external mnt[${path}]:<key>\`); neither is the case, so CRIU stops.`,
        [
          ...(isGpu ? ['A GPU toolkit (nvidia-container-toolkit, CDI) bind-mounted driver files from the host, and the runtime did not declare them external.'] : []),
          ...(isProcMask ? ['The runtime masks a /proc or /sys path by bind-mounting /dev/null or a tmpfs over it; old CRIU or runc versions did not recognise such masks, especially with user namespaces.'] : []),
          'The container was started with a single-file bind mount (for example -v /var/run/docker.sock:/var/run/docker.sock) and CRIU is called by hand, or by an engine that does not declare every spec mount external.',
          'A mount was added into the running container after it started (nsenter + mount), so the runtime does not know about it.',
        ],
        [
          { description: 'Let the container engine do the checkpoint (podman, runc or crun declare the mounts of the OCI spec as external); when calling criu yourself, add `--external mnt[' + path + ']:<key>` on dump and `--external mnt[<key>]:<host path>` on restore.' },
          { description: 'Remove the bind mount from the container if the process does not need it, or bind-mount a whole directory that the runtime manages as a volume.' },
          ...(isProcMask ? [upgradeCriu('3.x', 'CRIU 1.x and 2.x lack most of the external-mount handling that runc masks need.')] : []),
        ],
      );
    },
  },
  {
    code: 'external-mount.autodetected-external',
    category: 'external-mount',
    title: 'An external mount was detected but auto mapping is off',
    role: 'cause',
    patterns: [/Mount (\d+):(\S+) is autodetected external mount/],
    explain: ({ match }) =>
      explained(
        `Mount ${match[1]} at ${match[2]} comes from outside the container, and CRIU detected that it is external. CRIU accepts such mounts only with --ext-mount-map auto, because restore then expects the same source to exist on the target.`,
        ['CRIU is called by hand on a container, without the options a container engine would add.', 'LXD or another manager was bypassed.'],
        [
          { description: 'Add `--ext-mount-map auto` (plus `--enable-external-sharing --enable-external-masters` for shared mounts) when you call criu yourself, or use the engine\'s checkpoint command.' },
          ...criuConfigFixes('ext-mount-map', 'ext-mount-map auto', 'let CRIU accept external mounts it detects.'),
        ],
      ),
  },
  {
    code: 'external-mount.no-mapping-on-restore',
    category: 'external-mount',
    title: 'Restore has no source for an external mount',
    role: 'cause',
    patterns: [/No mapping for (\d+):(\S+) mountpoint/],
    explain: ({ match }) =>
      explained(
        `The image marks mount ${match[1]} as external, and restore needs a matching \`--external mnt[<key>]:<host path>\` (or --ext-mount-map) that tells it which host path to bind there. None was given for this key${match[2] === '(null)' ? ' (the key is printed as "(null)", so the image records no mountpoint name for it)' : ''}.`,
        [
          'The checkpoint is restored by a different runtime, runtime version or engine than the one that dumped it, and the new one declares a different set of external mounts (for example podman container restore --import into a container with other volumes, a changed /dev or /etc/hosts handling).',
          'The container is restored by hand with criu restore, without the external mount map the runtime would pass.',
        ],
        [
          { description: 'Restore with the same engine and runtime that made the checkpoint, and keep the container\'s volumes and mounts identical (same -v options when restoring with --import).' },
          { description: 'When calling criu yourself, pass `--external mnt[<key>]:<host path>` for every external mount key listed in mountpoints-*.img (crit show mountpoints-N.img).' },
        ],
      ),
  },
  {
    code: 'external-mount.restore-ext-mount-failed',
    category: 'external-mount',
    title: 'An external mount could not be bound on restore',
    role: 'cause',
    patterns: [/Can't restore ext mount \((-?\d+)\)/, /Can't bind-mount (\d+):(\S+) to (\S+?)(?::\s+(.*))?$/],
    explain: ({ match }) =>
      explained(
        `Restore tried to bind the host source of an external mount into the new mount tree and the mount call failed${match[4] ? ` with ${describeErrno(match[4])}` : ''}. The source path given for the external mount key is missing, of another type (file vs directory), or not allowed for the restoring process.`,
        ['The volume or bind-mount source no longer exists on this host, or is a file where a directory is expected.', 'An LSM (SELinux mount context, AppArmor) forbids the bind mount.'],
        [{ description: 'Check that each external mount\'s host path exists with the same type as at dump time, then restore again.' }],
      ),
  },
  {
    code: 'mount-propagation.unreachable-sharing',
    category: 'mount-propagation',
    title: 'A mount receives propagation from a mount outside the container',
    role: 'cause',
    patterns: [/Mount (\d+) (\S+) \(master_id: (\d+) shared_id: (\d+)\) has unreachable sharing/, /(\d+):(\d+) has unreachable sharing/],
    explain: ({ match }) =>
      explained(
        `Mount ${match[1]}${match[2] && !/^\d+$/.test(match[2]) ? ` at ${match[2]}` : ''} is a slave of peer group ${match[3] ?? match[2]}, and no mount of that peer group is inside the dumped namespace. CRIU cannot recreate a propagation master it cannot see, so it refuses unless told that external masters are acceptable.`,
        [
          'CRIU is run by hand on a container (LXD, Docker) whose /dev/console, /dev/tty or /proc/driver mounts are slaves of host mounts; the manager passes extra options that a plain criu call lacks.',
          'The container\'s volumes were mounted with rslave/rshared propagation from the host.',
        ],
        [
          { description: 'Use the manager\'s checkpoint command (lxc stop --stateful, lxc move, podman container checkpoint) instead of calling criu directly.' },
          { description: 'When calling criu yourself add `--enable-external-masters` (and usually `--ext-mount-map auto --enable-external-sharing`).', criuOption: 'enable-external-masters' },
          ...criuConfigFixes('enable-external-masters', 'enable-external-masters', 'allow slave mounts whose master is outside the container.'),
        ],
      ),
  },
  {
    code: 'mount-namespace.root-differs-from-mntns',
    category: 'mount-namespace',
    title: 'The task\'s root is not the root of its mount namespace',
    role: 'cause',
    patterns: [/The root task has another root than mntns: (.*)/],
    explain: ({ match }) =>
      explained(
        `The root task runs chrooted: its root directory is ${match[1]}, not the root of its mount namespace. CRIU dumps whole mount namespaces and cannot describe a task whose root is a subdirectory of one.`,
        ['The container stack was started with chroot instead of pivot_root in its own mount namespace.', 'CRIU is run on a process started by `chroot`.'],
        [{ description: 'Start the task (or the whole runtime) in its own mount namespace and pivot_root into the root directory, e.g. `unshare --mount --propagation private` followed by pivot_root, instead of chroot.' }],
      ),
  },
  {
    code: 'mount-namespace.nested-without-mnt-id',
    category: 'mount-namespace',
    title: 'Nested mount namespaces need mnt_id in fdinfo',
    role: 'cause',
    patterns: [/Nested mount namespaces are not supported without mnt_id in fdinfo/],
    explain: () =>
      explained(
        'The dumped tree contains more than one mount namespace, and the kernel does not report mnt_id in /proc/PID/fdinfo. Without it CRIU cannot tell which namespace an open file belongs to.',
        ['A very old kernel (mnt_id in fdinfo arrived in Linux 3.15).', 'A process inside the container created its own mount namespace (unshare -m, a sandbox).'],
        [{ description: 'Run a kernel that reports mnt_id in fdinfo (any current distribution kernel), or avoid nested mount namespaces in the container.' }],
      ),
  },
  {
    code: 'mount-namespace.two-children-same-mountpoint',
    category: 'mount-namespace',
    title: 'Two mounts sit at the same mountpoint',
    role: 'cause',
    patterns: [/Mount (\d+) has two children with same mountpoint: (\d+) (\d+)/],
    explain: ({ match }) =>
      explained(
        `Mounts ${match[2]} and ${match[3]} are both mounted on the same place under mount ${match[1]}. CRIU expects one child per mountpoint (the lower one being overmounted) and cannot order these two.`,
        ['Something mounted twice at the same path (a volume added twice, a systemd unit remounting /run).'],
        [{ description: 'Remove the duplicate mount before checkpointing; `findmnt -N PID` shows the stack.' }],
      ),
  },
  {
    code: 'mount-namespace.yard-busy',
    category: 'mount-namespace',
    title: 'CRIU could not clean up its temporary mount directory',
    role: 'cause',
    patterns: [/Can't remove the directory (\/tmp\/\.criu\.mntns\.\S+|\S+)(?::\s*(.*))?/],
    explain: ({ match }) =>
      explained(
        `Restore builds the new mount tree under a temporary directory (${match[1]}) and removes it at the end; the removal failed with ${describeErrno(match[2])}. Something still has mounts or open files under that directory.`,
        [
          'A mount namespace is restored by hand with --root pointing at a directory that is not a private mount of its own, or at "/".',
          'Mount propagation carried a mount into the yard (the root was shared).',
        ],
        [{ description: 'Restore containers through their runtime, or give --root a dedicated directory that is a private mount (mount --bind DIR DIR; mount --make-private DIR).' }],
      ),
  },
  {
    code: 'mount-namespace.remount-private-failed',
    category: 'mount-namespace',
    title: 'CRIU could not make a mount private',
    role: 'cause',
    patterns: [/Can't remount (root|\S+) with MS_PRIVATE(?::\s*(.*))?/, /Can't mark (\S+) as private(?::\s*(.*))?/, /Unable to mark yard as private(?::\s*(.*))?/],
    explain: ({ match }) =>
      explained(
        `CRIU changes the propagation of its mount yard to private so that its temporary mounts do not leak to the host; the call failed${match[2] ? ` with ${describeErrno(match[2])}` : ''}. EINVAL here usually means the path is not a mount point, which happens when restore runs in a root that is not itself a mount.`,
        ['CRIU runs in a chroot or a root directory that is not a mount point.', 'It lacks CAP_SYS_ADMIN in the mount namespace (user namespace without the right mapping).'],
        [{ description: 'Run CRIU (and the runtime) in a mount namespace whose root is a mount point: bind-mount the root onto itself and pivot_root into it.' }],
      ),
  },
  {
    code: 'mount-namespace.root-option-required',
    category: 'mount-namespace',
    title: 'Restoring a mount namespace needs --root',
    role: 'cause',
    patterns: [/The --root option is required to restore a mount namespace/],
    explain: () =>
      explained(
        'The image contains a mount namespace, and restore needs --root to know which directory becomes the root of the new namespace.',
        ['criu restore was run by hand on a container checkpoint.'],
        [{ description: 'Restore through the runtime (runc restore, crun restore, podman container restore), or pass `--root` with the path of the container\'s root filesystem.' }],
      ),
  },
  {
    code: 'mount-namespace.yard-tmpfs-failed',
    category: 'mount-namespace',
    title: 'CRIU could not mount its temporary tmpfs',
    role: 'cause',
    patterns: [/Unable to mount tmpfs in (\S+?)(?::\s*(.*))?$/],
    explain: ({ match }) =>
      explained(
        `CRIU mounts a tmpfs on ${match[1]} to build the restored mount tree, and the mount failed with ${describeErrno(match[2])}. ENOENT means the directory vanished or is not visible from the namespace CRIU switched into.`,
        ['CRIU runs with --mntns-compat-mode, or in a root where /tmp is not writable or not the same /tmp it created the directory in.', 'A tmp cleaner removed the directory.'],
        [{ description: 'Restore without --mntns-compat-mode unless the kernel lacks MOVE_MOUNT_SET_GROUP, and make sure /tmp of the restoring environment is a writable tmpfs or directory.' }],
      ),
  },
  {
    code: 'mount-namespace.unsupported-filesystem',
    category: 'mount-namespace',
    title: 'A mount has a filesystem type CRIU cannot dump',
    role: 'cause',
    patterns: [/FS mnt (\S+) dev (0x[0-9a-f]+) root (\S+) unsupported id (\d+)/, /The file system (0x[0-9a-f]+) (0x[0-9a-f]+) \((0x[0-9a-f]+)\) (\S+) (\S+) is inaccessible/],
    explain: ({ match }) =>
      explained(
        `CRIU does not know how to dump or recreate the filesystem of mount ${match[4] ?? match[1]} (device ${match[2]}). Virtual filesystems with private state (FUSE, NFS, cifs, some device filesystems) are either unsupported or need to be external mounts.`,
        ['The container has a FUSE, NFS or other network filesystem mounted inside it rather than bind-mounted from the host.', 'A filesystem that is not reachable from the container\'s root.'],
        [{ description: 'Mount such filesystems on the host and bind-mount them into the container so the runtime declares them external.' }],
      ),
  },
  {
    code: 'mount-namespace.mount-invisible',
    category: 'mount-namespace',
    title: 'A mount is hidden under another mount',
    role: 'cause',
    patterns: [/The mount (\d+) is overmounted so paths are invisible/],
    explain: ({ match }) =>
      explained(
        `Mount ${match[1]} is completely covered by another mount, and CRIU needs a path to it (for open files or child mounts).`,
        ['A volume or tmpfs was mounted over a directory that has submounts or open files.'],
        [{ description: 'Mount the volume elsewhere, or close files under the covered directory before checkpointing.' }],
      ),
  },
  {
    code: 'mountinfo-parse.bad-format',
    category: 'mountinfo-parse',
    title: 'CRIU could not parse /proc/PID/mountinfo',
    role: 'cause',
    patterns: [/Bad format in (\d+) mountinfo(?::\s*'?(.*))?/s, /Failed to parse mountinfo line (.*)/],
    explain: ({ match, facts }) =>
      explained(
        `A line of /proc/${match[1] ?? 'PID'}/mountinfo did not have the expected fields. CRIU 2.x read mountinfo with a fixed-size buffer, so overlay mounts with long lowerdir= option strings were split in two and the tail parsed as a malformed line.${criuOlderThan(facts, '3.0') ? ` This log is from CRIU ${facts.criuVersion}, which has that limit.` : ''}`,
        ['An old CRIU (2.x) with overlay2 or another storage driver that produces very long mount option strings.', 'A mountpoint path with characters CRIU did not expect (newlines, very long paths).'],
        [upgradeCriu('3.x (current 4.x preferred)', 'current versions parse long mountinfo lines.')],
      ),
  },
  {
    code: 'mount-namespace.tar-missing',
    category: 'mount-namespace',
    title: 'tar is not installed where CRIU runs',
    role: 'cause',
    patterns: [/execvp\("tar", \.\.\.\) failed(?::\s*(.*))?/],
    explain: ({ match }) =>
      explained(
        `CRIU saves the contents of every tmpfs mount that belongs to the container (not the external ones the runtime declares) by running \`tar --create --gzip\`, and restores them with \`tar --extract\`. Starting tar failed with ${describeErrno(match[1])}. CRIU looks tar up in the PATH of its own environment on the host, not inside the container. The "exited, status=1" and "Can't dump tmpfs content" errors that follow are consequences.`,
        ['tar (GNU tar, with gzip) is not installed on the host, a minimal image or the root where the runtime runs CRIU.', 'CRIU runs with a PATH that does not include /usr/bin or /bin.'],
        [{ description: 'Install GNU tar and gzip on the host (apt-get install tar gzip, or dnf install tar gzip) and retry.' }],
      ),
  },
  {
    code: 'mount-namespace.tmpfs-content-failed',
    category: 'mount-namespace',
    title: 'The contents of a tmpfs mount could not be saved or restored',
    role: 'cause',
    patterns: [/Can't (dump|restore) tmpfs content/],
    explain: ({ match }) =>
      explained(
        `A tmpfs mounted inside the container lives only in memory, so CRIU ${match[1] === 'dump' ? 'archives its files with `tar --create` into the image directory' : 'unpacks its saved files with `tar --extract` into the new mount'}; tar failed. Its own messages ("tar: ...: Cannot open: ...") and its exit status are printed right before this line.`,
        match[1] === 'dump'
          ? [
              'tar cannot read a file on the tmpfs (a socket, a file without read permission in a user namespace, a file removed while tar ran).',
              'The image directory is full or not writable.',
              'tar or gzip is missing where CRIU runs (an execvp error names it).',
            ]
          : [
              'The tmpfs on the restore host is smaller than the saved contents (size= mount option, "No space left on device").',
              'The archive in the image directory is incomplete (the checkpoint was copied only in part).',
            ],
        [
          { description: 'Read the tar messages above this line; they name the file and the reason.' },
          { description: 'If the files need not be part of the checkpoint, bind-mount a host directory there instead of a tmpfs (podman run -v HOSTDIR:PATH): runc and crun declare bind mounts external, so CRIU does not archive them.' },
        ],
      ),
  },
];
