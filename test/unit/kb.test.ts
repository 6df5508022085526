import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isCategory } from '../../src/model/categories';
import { criuConfigFixes } from '../../src/model/kb/helpers';
import { KNOWLEDGE_BASE, matchEntry, subsystemOf, unexplainedExplanation, unknownExplanation } from '../../src/model/kb/index';
import type { Explanation, Fix, LogFacts, LogRecord, RecordLevel } from '../../src/model/types';

function record(message: string, level: RecordLevel = 'error', file = 'criu/cr-dump.c', line = 100): LogRecord {
  return { line: 1, endLine: 1, level, origin: 'criu', location: { file, line }, message, column: 0, lineLength: message.length };
}

const FACTS: LogFacts = { logKind: 'dump', criuVersion: '4.1.1', kernel: '6.18.0' };

/**
 * Real messages per entry code: from the public corpus and the local podman/crun/runc logs where one
 * exists, otherwise built from the format string of the CRIU, crun, runc or podman source.
 */
const EXAMPLES: Record<string, Array<{ message: string; level?: RecordLevel }>> = {
  'runtime-support.runtime-without-criu': [{ message: 'configured runtime does not support checkpoint/restore' }, { message: 'Configured runtime does not support checkpoint/restore' }],
  'runtime-support.criu-too-old-for-podman': [{ message: 'checkpoint/restore requires at least CRIU 31600' }, { message: 'checkpoint/restore requires at least CRIU 31600, current version is 31100' }],
  'runtime-support.libcriu-missing': [{ message: 'could not load `libcriu.so.2`' }, { message: 'crun: could not load `libcriu.so.2`: `libcriu.so.2: cannot open shared object file: No such file or directory`' }],
  'runtime-support.crun-rpc-config-needs-criu-4-2': [{ message: 'libcriu RPC config files supported in CRIU >= 4.2' }],
  'cgroup.crun-hybrid-mode': [{ message: 'OCI runtime error: crun: cgroups in hybrid mode not supported, drop all controllers from cgroupv2' }],
  'follow-on.crun-criu-failed': [
    { message: 'CRIU checkpointing failed -52.  Please check CRIU logfile /var/lib/containers/storage/overlay-containers/e07743b7/userdata/dump.log: Invalid exchange' },
    { message: 'CRIU restoring failed -52.  Please check CRIU logfile `/var/lib/x/restore.log`' },
    { message: 'CRIU checkpointing failed: -52' },
  ],
  'follow-on.runc-criu-failed': [{ message: 'criu failed: type NOTIFY errno 0\nlog file: /var/lib/containers/storage/overlay-containers/0c73/userdata/dump.log' }, { message: 'criu failed: type RESTORE errno 0' }],
  'follow-on.runc-container-still-running': [{ message: 'container still running' }],
  'pid-collision.podman-container-id-in-use': [{ message: 'creating container storage: that ID is already in use' }],
  'follow-on.podman-runtime-command-failed': [{ message: '`/usr/bin/crun checkpoint --image-path /var/lib/x/userdata/checkpoint --work-path /var/lib/x/userdata 1b04` failed: exit status 1' }],
  'mount-lookup.mapping-mount-not-in-namespace': [{ message: "Can't lookup mount=476 for fd=-3 path=/" }, { message: "Can't lookup mount=128 for fd=-3 path=/root/hostfile.txt" }],
  'mount-lookup.fd-mount-not-in-namespace': [{ message: "Can't lookup mount=22 for fd=3 path=/test_queue" }, { message: "Can't lookup mount=24 for fd=0 path=/dev/null" }, { message: "Can't lookup mount=128 for fd=3 path=/root/hostfile.txt" }],
  'mount-lookup.overmounted-open-file': [{ message: 'Open files on overmounted mounts are not supported yet; mount=312 fd=5 path=/run/app.sock' }],
  'mount-lookup.ghost-in-foreign-mount': [{ message: 'The 46 mount is not found for ghost' }],
  'mount-lookup.file-on-other-device': [{ message: 'Unaccessible path opened 0:52, need 0:49' }],
  'external-mount.no-proper-root-mount': [
    { message: "mnt: 283:./run/docker.sock doesn't have a proper root mount" },
    { message: "1147:./proc/sched_debug doesn't have a proper root mount" },
    { message: "mnt: 637:./usr/lib/firmware/nvidia/550.127.05/gsp_tu10x.bin doesn't hav    e a proper root mount" },
  ],
  'external-mount.autodetected-external': [{ message: 'mnt: Mount 205:./etc/hosts is autodetected external mount. Try "--ext-mount-map auto" to allow them.' }],
  'external-mount.no-mapping-on-restore': [{ message: 'mnt: No mapping for 248:(null) mountpoint' }],
  'external-mount.restore-ext-mount-failed': [{ message: "mnt: Can't restore ext mount (-1)" }, { message: "mnt: Can't bind-mount 248:/etc/hosts to /tmp/.criu.mntns.abc/mnt-248: No such file or directory" }],
  'mount-propagation.unreachable-sharing': [{ message: 'mnt: Mount 352 ./dev/console (master_id: 3 shared_id: 0) has unreachable sharing. Try --enable-external-masters.' }],
  'mount-namespace.root-differs-from-mntns': [{ message: 'mnt: The root task has another root than mntns: /opt/stack/trixie' }],
  'mount-namespace.nested-without-mnt-id': [{ message: 'Nested mount namespaces are not supported without mnt_id in fdinfo' }],
  'mount-namespace.two-children-same-mountpoint': [{ message: 'mnt: Mount 80 has two children with same mountpoint: 91 92' }],
  'mount-namespace.yard-busy': [{ message: "mnt: Can't remove the directory /tmp/.criu.mntns.Dxd7XG: Device or resource busy" }],
  'mount-namespace.remount-private-failed': [{ message: "mnt: Can't remount root with MS_PRIVATE: Invalid argument" }],
  'mount-namespace.root-option-required': [{ message: 'mnt: The --root option is required to restore a mount namespace' }],
  'mount-namespace.yard-tmpfs-failed': [{ message: 'Unable to mount tmpfs in /tmp/.criu.mntns.yyNDZ6: No such file or directory' }],
  'mount-namespace.unsupported-filesystem': [{ message: 'mnt: FS mnt ./mnt/nfs dev 0x2e root / unsupported id 77' }],
  'mount-namespace.mount-invisible': [{ message: 'mnt: The mount 120 is overmounted so paths are invisible' }],
  'mountinfo-parse.bad-format': [{ message: "Bad format in 22902 mountinfo: 'd03334010331327dcb1d3c4e0d3d98937740a23cfa43e0a0bbbd3da29/work\n'" }],
  'io-uring.unsupported-fd': [{ message: 'Unknown shit f000 600 (anon_inode:[io_uring])' }, { message: "Can't dump file 5 of that type [600] (anon anon_inode:[io_uring])" }],
  'device-file.unsupported-char-device': [{ message: "Can't dump file 17 of that type [20666] (chr 195:255)" }],
  'device-file.unsupported-anon-inode': [{ message: "Can't dump file 7 of that type [600] (anon anon_inode:[perf_event])" }],
  'device-file.unsupported-file-type': [{ message: "Can't dump file 4 of that type [60660] (unknown /dev/sda)" }],
  'device-file.unknown-mapping': [{ message: 'Unknown shit 20666 (/dev/nvidia0)' }, { message: "Can't handle non-regular mapping on 4321's map 7f0000000000" }],
  'ghost-file.size-over-limit': [{ message: "Can't dump ghost file /dev/shm/.com.google.Chrome.U6lkKv of 4198400 size, increase limit" }],
  'link-remap.option-required': [{ message: "Can't create link remap for /var/lib/docker/0.0/aufs/diff/e0dd/bin/sh. Use link-remap option." }],
  'link-remap.remap-missing-on-restore': [{ message: "Can't link dev/shm/link_remap.6 -> dev/shm/TEUyiI: No such file or directory" }],
  'link-remap.file-missing-on-restore': [{ message: "Can't open file var/log/app.log on restore: No such file or directory" }],
  'runtime-support.file-differs-on-restore': [
    { message: 'File usr/lib/libc.so.6 has bad size 2105184 (expect 2105176)' },
    { message: 'File usr/bin/app has bad mode 0100644 (expect 0100755)' },
    { message: 'File usr/bin/app has bad build-ID' },
  ],
  'fsnotify.handle-cannot-be-opened': [{ message: 'fsnotify:      Handle 0x48:0x824f9bb cannot be opened', level: 'warn' }, { message: '\tHandle 0x48:0x824f9bb cannot be opened' }],
  'fsnotify.no-path-for-handle': [{ message: "fsnotify: Can't find suitable path for handle (dev 0x48 ino 0x824f9bb): -2" }],
  'fsnotify.mount-for-device-missing': [{ message: 'fsnotify: Unable to lookup a mount by dev 0x48' }],
  'fsnotify.handle-not-found': [{ message: "fsnotify: \tCan't dump that handle" }],
  'memfd.restore-failed': [{ message: "Can't create memfd:java_heap: Function not implemented" }, { message: 'Cannot apply seals on memfd: Operation not permitted' }],
  'bpf.unsupported-map-type': [{ message: 'CRIU does not currently support dumping BPF map type 27!' }],
  'bpf.map-access-failed': [{ message: 'Could not get BPF map info: Operation not permitted' }],
  'file-locks.option-required': [{ message: 'Some file locks are hold by dumping tasks!You can try --file-locks to dump them.' }, { message: 'Some file locks are hold by dumping tasks! You can try --file-locks to dump them.' }],
  'file-locks.restore-conflict': [{ message: 'Can not set posix lock!' }],
  'file-locks.unresolved-lock': [{ message: 'Unresolved lock found pid 123 ino 456789' }],
  'device-file.epoll-closed-target': [{ message: 'epoll: Escaped/closed fd descriptor 9 on pid 77' }],
  'tcp.passcred-rejected-by-kernel': [{ message: "sockets: Can't get 1:16 opt: Operation not supported" }, { message: "Can't get 1:34 opt: Operation not supported" }],
  'tcp.socket-option-read-failed': [{ message: "sockets: Can't get 1:47 opt: Invalid argument" }],
  'tcp.established-needs-option': [{ message: 'inet: Connected TCP socket, consider using --tcp-established option.' }],
  'tcp.established-in-image': [{ message: 'inet: Connected TCP socket in image' }],
  'tcp.connect-back-failed': [{ message: "Can't connect inet socket back: Cannot assign requested address" }],
  'tcp.bind-failed-on-restore': [{ message: "inet: Can't bind inet socket (id 12): Address already in use" }],
  'tcp.in-flight-connection': [{ message: 'inet: In-flight connection (l) for 1f2e3d' }],
  'tcp.mptcp-socket': [{ message: 'inet: For Go programs, consider using "GODEBUG=multipathtcp=0" to disable MPTCP' }],
  'tcp.unsupported-protocol': [{ message: 'inet: Unsupported proto 132 for socket 4d2' }, { message: "inet: Can't dump 5 inet socket 4d2. Only stream, dgram and raw are supported." }],
  'tcp.unsupported-state': [{ message: 'inet: Unknown inet socket 4d2 state 2' }],
  'tcp.repair-unavailable': [{ message: "TCP_REPAIR isn't available to unprivileged users" }],
  'tcp.corked-datagram': [{ message: "inet: Can't dump corked dgram socket 4d2" }],
  'unix-socket.half-stream-connection': [{ message: "sk unix: Can't dump half of stream unix connection." }, { message: "Can't dump half of stream unix connection. name: /run/app.sock; peer name: " }],
  'unix-socket.external-socket': [{ message: 'sk unix: External socket is used. Consider using --ext-unix-sk option.' }],
  'unix-socket.peer-in-other-namespace': [{ message: 'sk unix: Unix socket 41234 without peer 41235' }],
  'unix-socket.external-in-image': [{ message: 'sk unix: External socket found in image. Consider using the --ext-unix-sk option to allow restoring it.' }],
  'unix-socket.nameless-external': [{ message: "sk unix: Can't dump name-less external socket." }],
  'unix-socket.dangling-connection': [{ message: 'unix: Dangling connection 1365567' }],
  'unix-socket.bind-failed-on-restore': [
    { message: "sk unix: Can't bind id 0x1a ino 41234 addr /run/app.sock: Address already in use" },
    { message: "sk unix: Can't bind id 0 ino 41234 addr : Address already in use" },
    { message: "sk unix: ghost: Can't bind on socket id 0x1a ino 41234 addr /run/app.sock: Address already in use" },
    { message: "sk unix: Can't bind socket: Address already in use" },
  ],
  'kernel-feature.unix-socket-name-resolution': [{ message: 'sk unix: Unable to resolve unix socket name with obsolete method. Try a linux kernel newer than 4.10' }],
  'unix-socket.queued-control-messages': [{ message: 'Control messages in queue, not supported' }],
  'netlink.unread-data': [{ message: 'netlink: The socket has data to read' }],
  'netlink.groups-unsupported': [{ message: 'netlink: Groups above 32 are not supported yet' }],
  'netlink.diag-missing': [{ message: 'Diag module missing (16)' }],
  'namespace.network-tool-missing': [{ message: 'execvp("iptables-restore", ...) failed: No such file or directory' }, { message: 'execvp("ip", ...) failed: No such file or directory' }],
  'namespace.network-lock-failed': [{ message: 'net: Locking network failed: iptables-restore returned -1. This may be connected to disabled CONFIG_NETFILTER_XT_MARK kernel build config option.' }],
  'namespace.nested-pid-namespace': [{ message: "Can't dump nested pid namespace for 398984" }],
  'namespace.nested-namespace': [{ message: "Can't dump nested uts namespace for 4000" }],
  'namespace.pidns-without-init': [{ message: "Can't dump a pid namespace without the process init" }],
  'namespace.userns-id-not-mapped': [{ message: 'Unable to convert uid or gid' }],
  'namespace.userns-not-owner': [{ message: "One or more namespaces doesn't belong to the target user namespace" }],
  'kernel-feature.time-namespace-unsupported': [{ message: 'Unable to create a new time namespace: Invalid argument' }],
  'namespace.sysv-shm-outside-ipcns': [{ message: "Task 41 with SysVIPC shmem map @7f1200000000 doesn't live in IPC ns" }],
  'namespace.tun-without-netns': [{ message: 'tun: Net namespace is required to dump tun link' }],
  'cgroup.move-task-failed': [{ message: "cg: Can't move 1 into unifie//machine.slice/libpod-dd47.scope/container/cgroup.procs (-1/-1): Bad file descriptor" }],
  'cgroup.property-restore-failed': [{ message: 'cg: Failed writing 0-7 to cpuset/machine.slice/cpuset.cpus: Invalid argument' }],
  'cgroup.freeze-failed': [{ message: 'Unable to freeze cgroup /sys/fs/cgroup/machine.slice/libpod-1.scope (100 x 100ms attempts, timeout: 10s)' }],
  'cgroup.cgroupd-lost-peer': [{ message: 'cg: cgroupd: recv req error: No such file or directory' }],
  'process-tree.criu-inside-dumped-tree': [{ message: 'The criu itself is within dumped tree.' }],
  'process-tree.session-leader-outside-pidns': [{ message: 'A session leader of 25659(1) is outside of its pid namespace' }],
  'process-tree.root-not-session-leader': [{ message: 'The root process 4242 is not a session leader. Consider using --shell-job option' }],
  'process-tree.stopped-or-zombie-task': [{ message: 'Stopped tasks are not supported' }],
  'process-tree.pidfd-outside-tree': [{ message: 'pidfd: pidfd pid 1 is not a part of process tree..' }],
  'process-tree.pid-reused': [{ message: 'Task pid reused while suspending (812: 812 -> 901)' }],
  'pid-collision.pid-in-use': [{ message: "Can't fork for 15047: File exists" }],
  'pid-collision.pid-above-pid-max': [{ message: "Can't fork for 4194305: Invalid argument" }, { message: "Can't fork for 72514: Invalid argument" }, { message: "Can't fork for 310: Invalid argument" }],
  'permission.pid-set-denied': [{ message: "Can't fork for 15047: Operation not permitted" }],
  'process-tree.restore-fork-failed': [{ message: "Can't fork for 15047: Resource temporarily unavailable" }, { message: "Can't fork for 1: No space left on device" }],
  'pid-collision.pid-mismatch': [{ message: 'Pid 1021 do not match expected 1020' }],
  'pid-collision.session-id-conflict': [{ message: 'Current sid 3320 intersects with pid (3320) in images' }],
  'tty.dangling-tty': [{ message: 'tty: Found dangling tty with sid 376362 pgid 376362 (ptmx) on peer fd 20.' }],
  'tty.no-task-with-sid': [{ message: 'tty: No task found with sid 124454' }],
  'tty.no-tty-to-inherit': [{ message: "tty: Don't have tty to inherit session from, aborting" }],
  'tty.unsupported-terminal': [{ message: 'tty: Unable to find a tty driver (rdev 0x400001 dev 0x6)' }],
  'transport-socket.connect-denied': [{ message: 'Unable to connect a transport socket: Permission denied' }],
  'transport-socket.restore-bind-failed': [{ message: "Can't bind transport socket crtools-fd-1021: Address already in use" }],
  'parasite.injection-failed': [{ message: "Can't create memfd in victim" }, { message: 'Parasite exited with 6' }],
  'parasite.seize-denied': [{ message: 'Unable to interrupt task: 812 (Operation not permitted)', level: 'warn' }, { message: "Can't seize task 812" }],
  'parasite.seize-failed': [{ message: "SEIZE 4021: can't interrupt task: Operation not permitted" }, { message: "SEIZE 4021: can't interrupt task: No such process", level: 'warn' }],
  'parasite.task-state-changed': [{ message: 'Task 4021 is in unexpected state: f7f' }],
  'permission.not-root': [{ message: 'You need to be root to run this command' }],
  'permission.map-files-denied': [{ message: "Can't open 17577's mapfile link 400000: Operation not permitted" }, { message: 'Failed fstatat on map 400000: Operation not permitted' }],
  'permission.loginuid-restore-failed': [{ message: 'Setting loginuid for CT init task failed, CAP_AUDIT_CONTROL?' }],
  'rlimit.nofile-for-self': [{ message: "rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted" }, { message: "rlimir: Can't setup RLIMIT_NOFILE for self: Operation not permitted" }],
  'rlimit.restore-limit-failed': [{ message: "Can't restore cur > max for 42.7" }, { message: 'crun: setrlimit `RLIMIT_NOFILE`: Operation not permitted: OCI permission denied' }, { message: 'runc: runc create failed: unable to start container process: error during container init: error setting rlimits for ready process: error setting rlimit type 7: operation not permitted: OCI permission denied' }],
  'internal-bug.bug-assertion': [{ message: 'mnt: BUG at criu/mount.c:48' }, { message: 'BUG at criu/mem.c:47' }],
  'kernel-feature.dirty-tracking-assertion': [{ message: 'BUG at criu/mem.c:45' }, { message: 'BUG at criu/mem.c:44' }],
  'kernel-feature.runc-criu-features-missing': [{ message: 'CRIU is missing features' }],
  'runtime-support.image-missing-or-incompatible': [
    { message: 'Unexpected EOF on (empty-image)' },
    { message: 'Reached EOF unexpectedly while reading page from image' },
    { message: 'Unable to open pstree.img: No such file or directory' },
  ],
  'runtime-support.missing-plugin': [{ message: 'Missing required plugin: CUDA_PLUGIN' }],
  'permission.podman-rootless': [{ message: 'checkpointing a container requires root' }],
  'process-tree.podman-container-not-running': [{ message: '"created" is not running, cannot checkpoint: container state improper' }],
  'process-tree.podman-rm-without-export': [{ message: "cannot checkpoint containers that have been started with '--rm' unless '--export' is used" }],
  'runtime-support.podman-no-complete-checkpoint': [{ message: 'a complete checkpoint for this container cannot be found, cannot restore: stat /var/lib/containers/storage/overlay-containers/1b04/userdata/checkpoint/inventory.img: no such file or directory' }],
  'vdso.rt-bounds-vvar-vclock': [{ message: 'vdso: Unexpected rt vDSO area bounds' }, { message: 'Unexpected rt vDSO area bounds' }],
  'vdso.vvar-layout-unexpected': [{ message: 'vdso: VVAR and VVAR_VCLOCK entries are not subsequent' }],
  'vdso.missing-in-image': [{ message: "vdso: Can't find vDSO area >\nin image" }, { message: "vdso: Can't find vDSO area in image" }],
  'rseq.kernel-lacks-rseq-config': [{ message: '812 has rseq but kernel lacks get_rseq_conf feature' }],
  'rseq.critical-section': [{ message: "Can't fixup rseq for pid 812" }],
  'seccomp.suspend-failed': [{ message: 'suspending seccomp failed: Operation not permitted' }],
  'seccomp.filter-dump-failed': [{ message: "seccomp: Can't fetch filter on tid_real 812 i 0: Invalid argument" }],
  'lsm.selinux-context-invalid': [{ message: 'Invalid selinux context kernel' }],
  'lsm.apparmor-label-unreadable': [{ message: 'err scanfing: Invalid argument' }],
  'lsm.unavailable-on-restore': [{ message: 'selinux LSM specified but selinux not supported by kernel' }],
  'kernel-feature.no-proc-children': [{ message: "Can't open 2833428/task/2833428/children on procfs: No such file or directory" }],
  'kernel-feature.memory-tracking-off': [{ message: 'Dirty tracking is OFF. Memory snapshot will not work.', level: 'warn' }, { message: 'memory tracking not supported. Please check CRIU logfile /var/lib/x/dump.log' }],
  'kernel-feature.userfaultfd-unavailable': [{ message: 'uffd: Unable to open an userfaultfd descriptor: Function not implemented' }],
  'kernel-feature.high-memory-region': [{ message: "Can't dump high memory region 800000000000-800000001000 of task 12 because kernel commit ee71d16d22bb is missing" }],
  'kernel-feature.missing-syscall': [{ message: 'failed to mount autofs: No such device' }, { message: 'System call kcmp is not supported' }],
  'kernel-feature.network-namespace-probe': [{ message: 'Unable create a network namespace: Operation not permitted' }],
  'bpf.uprobes-vma': [{ message: 'PID 812 has uprobes vma. Consider using --allow-uprobes.' }],
  'tcp.socket-create-failed': [{ message: "inet: Can't create inet socket: Address family not supported by protocol" }],
  'tcp.tcp-close-required': [{ message: 'Need to set the --tcp-close options.' }],
  'unix-socket.connect-failed-on-restore': [{ message: "sk unix: Can't connect 41234 socket: Connection refused" }],
  'netlink.packet-socket-restore-failed': [{ message: "packet: Can't bind packet socket to eth1: No such device" }, { message: "packet: Can't get interface name (ifindex 3): No such device" }],
  'link-remap.fifo-missing-on-restore': [{ message: "Can't open fifo 0x1f [/run/app/ctl.fifo]: No such file or directory" }],
  'rlimit.fd-number-too-big': [{ message: 'Too big FD number to restore 1048580' }],
  'runtime-support.inherit-fd-invalid': [{ message: "Can't fstat inherit fd 6: Bad file descriptor" }],
  'mount-namespace.tar-missing': [{ message: 'execvp("tar", ...) failed: No such file or directory' }],
  'mount-namespace.tmpfs-content-failed': [{ message: "Can't dump tmpfs content" }, { message: "Can't restore tmpfs content" }],
  'namespace.unsupported-link': [{ message: 'net: Unsupported link 4 (type 65534 kind wireguard)' }, { message: 'net: Unsupported link type 7' }],
  'namespace.iptables-legacy-missing': [{ message: "net: Can't restore iptables dump - no legacy version present" }, { message: "net: Can't restore ip6tables dump - no legacy version present" }],
  'namespace.sysctl-restore-failed': [{ message: "Can't open sysctl net/ipv6/conf/all/forwarding: No such file or directory" }],
  'namespace.external-ns-missing': [{ message: 'Unable to find an external netns: extRootNetNS' }],
  'cgroup.controller-mount-failed': [{ message: "cg:     Can't mount controller dir .criu.cgyard.05WiQs/misc: Invalid argument" }],
  'cgroup.cgroup-missing-on-restore': [{ message: "cg: Cgroup dir system.slice/docker-4d1e.scope doesn't exist" }],
  'cgroup.memory-reserve-failed': [{ message: 'Unable to reserve memory (8589934592 bytes): Cannot allocate memory' }],
  'parasite.pending-sigtrap': [{ message: "Can't dump the 2301 thread with a pending SIGTRAP." }],
  'parasite.unseizable-task': [{ message: 'Unseizable non-zombie 812 found, state S, err -1/1' }, { message: 'Unseizable non-zombie 812 found, state R, err 812/0' }],
  'follow-on.unseizable-after-failed-seize': [{ message: 'Unseizable non-zombie 812 found, state S, err -1/10' }],
  'pid-collision.thread-id-in-use': [{ message: 'Unable to create a thread: -17' }],
  'permission.set-mm-map-failed': [{ message: 'sys_prctl(PR_SET_MM, PR_SET_MM_MAP) failed with -1' }, { message: 'sys_prctl(PR_SET_MM, PR_SET_MM_MAP) failed with -22' }],
  'process-tree.freeze-timeout': [{ message: 'Timeout reached. Try to interrupt: 0' }],
  'runtime-support.action-script-failed': [
    { message: 'Script /etc/criu/hooks/restore.sh exited with 1' },
    { message: 'One of more action scripts failed' },
    { message: 'Pre dump script failed with 256!' },
    { message: 'Aborting restore due to pre-restore script ret code -1' },
  ],
  'runtime-support.page-server-unreachable': [
    { message: "The page server doesn't answer: Connection refused" },
    { message: "Can't write pages to socket: Broken pipe" },
    { message: "Can't connect to server 192.168.122.12:27", level: 'info' },
    { message: 'Failed to resolve hostname: target-host: No such file or directory' },
  ],
  'runtime-support.docker-experimental-disabled': [
    { message: 'docker checkpoint create is only supported on a Docker daemon with experimental features enabled', level: 'info' },
    { message: 'docker checkpoint create is only supported on a Docker daemon with experimental features enabled' },
    { message: 'Error response from daemon: docker checkpoint create is only supported on a Docker daemon with experimental features enabled' },
    { message: '"--checkpoint" is only supported on a Docker daemon with experimental features enabled', level: 'info' },
  ],
  'follow-on.docker-checkpoint-failed': [
    { message: 'Error response from daemon: Cannot checkpoint container web: runc did not terminate successfully: exit status 1: criu failed: type NOTIFY errno 0 path= /run/containerd/io.containerd.runtime.v2.task/moby/5b1c/criu-dump.log: unknown' },
    { message: 'Cannot checkpoint container web: runc did not terminate successfully: exit status 1: unknown' },
  ],
  'runtime-support.config-file-invalid': [{ message: 'Unsupported configuration file format. Please consult man page criu(8)' }],
  'runtime-support.plugin-init-failed': [{ message: 'Failed in init(1) of "amdgpu_plugin"' }],
  'follow-on.lxd-criu-failed': [{ message: 'snapshot dump failed' }, { message: 'Migrate: Failed to run: /snap/lxd/current/bin/lxd forkmigrate c1 /var/snap/lxd/common/lxd/containers /var/snap/lxd/common/lxd/logs/c1/lxc.conf /var/snap/lxd/common/lxd/containers/c1/state false: ' }],
  'runtime-support.criu-binary-missing': [{ message: 'failed to checkpoint container "7bc2694c41c0": criu binary not found in shim path or system PATH' }],
  'follow-on.operation-failed-banner': [{ message: 'Dumping FAILED.' }, { message: 'Restoring FAILED.' }, { message: 'Pre-dumping FAILED.' }],
  'follow-on.dump-step-failed': [
    { message: 'Collect mappings (pid: 5571) failed with -1' },
    { message: 'Dump files (pid: 406) failed with -1' },
    { message: 'Dump core (pid: 8132) failed with -1' },
    { message: 'Dump core (pid: 8132) failed' },
    { message: "Can't infect (pid: 812) with parasite" },
  ],
  'follow-on.restore-fd-failed': [{ message: 'Unable to open fd=0 id=0x10' }],
  'follow-on.restore-vma-failed': [{ message: "`- Can't open vma" }],
  'follow-on.restorer-failed': [{ message: 'Restorer fail 27729' }],
  'follow-on.task-killed-by-signal': [{ message: '1214 killed by signal 11: Segmentation fault' }],
  'follow-on.ptrace-cleanup': [{ message: 'POKEDATA failed: No such process' }, { message: "Can't poke 192578 @ 0x55887f472000 from 0x7ffc2ad59a58 sized 8" }, { message: 'Unable to detach from 1008: No such process' }],
  'follow-on.namespaces-dump-failed': [{ message: 'Namespaces dumping finished with error 65280' }, { message: "Can't make pidns id" }],
  'follow-on.kerndat-init-failed': [
    { message: 'Could not initialize kernel features detection.' },
    { message: 'kerndat_vdso_fill_symtable failed when initializing kerndat.' },
    { message: 'vdso: Failed to fill self vdso symtable' },
  ],
  'follow-on.mountinfo-parse-failed': [{ message: "mnt: Can't parse 22902's mountinfo" }],
  'follow-on.mapfile-no-device': [{ message: "Can't open 4569's mapfile link 7fc705299000: No such device or address" }],
  'follow-on.fsnotify-handle-dump': [{ message: "\tCan't dump that handle" }],
  'follow-on.network-tool-failed': [{ message: 'net: IP tool failed on addr save  ' }],
  'follow-on.vdso-proxify-failed': [{ message: 'vdso: Failed to proxify dumpee contents' }],
  'noise.helper-exit-status': [{ message: 'exited, status=3' }, { message: 'exited, status=1' }],
  'benign.ip-address-already-assigned': [{ message: 'Error: ipv4: Address already assigned.' }, { message: 'ipv6: address already assigned.' }],
  'benign.loginuid-write': [{ message: 'Write 4294967295 to /proc/self/loginuid failed: Operation not permitted' }],
};

describe('knowledge base', () => {
  it('has unique codes', () => {
    const codes = KNOWLEDGE_BASE.map((entry) => entry.code);
    assert.equal(new Set(codes).size, codes.length);
  });

  it('prefixes each cause code with its category', () => {
    for (const entry of KNOWLEDGE_BASE.filter((candidate) => candidate.role === 'cause')) {
      assert.equal(entry.code.split('.')[0], entry.category, entry.code);
    }
  });

  it('uses only valid categories', () => {
    for (const entry of KNOWLEDGE_BASE) assert.ok(isCategory(entry.category), `${entry.code}: ${entry.category}`);
  });

  it('has an example for every entry', () => {
    for (const entry of KNOWLEDGE_BASE) assert.ok(EXAMPLES[entry.code]?.length, `no example for ${entry.code}`);
  });

  it('has no examples for unknown codes', () => {
    const codes = new Set(KNOWLEDGE_BASE.map((entry) => entry.code));
    for (const code of Object.keys(EXAMPLES)) assert.ok(codes.has(code), `example for missing entry ${code}`);
  });

  for (const [code, examples] of Object.entries(EXAMPLES)) {
    it(`matches ${code}`, () => {
      for (const example of examples) {
        const result = matchEntry(record(example.message, example.level));
        assert.equal(result?.entry.code, code, `message: ${example.message}`);
      }
    });
  }

  it('explains every example without empty fields', () => {
    for (const [code, examples] of Object.entries(EXAMPLES)) {
      for (const example of examples) {
        const rec = record(example.message, example.level);
        const result = matchEntry(rec);
        assert.ok(result, code);
        const explanation = result.entry.explain({ match: result.match, record: rec, facts: FACTS });
        assert.ok(explanation.explanation.length > 40, `${code}: short explanation`);
        assert.ok(!/undefined|NaN/.test(explanation.explanation), `${code}: ${explanation.explanation}`);
        assert.ok(explanation.causes.length > 0, `${code}: no causes`);
        if (result.entry.role === 'cause') assert.ok(explanation.fixes.length > 0, `${code}: no fixes`);
        for (const fix of explanation.fixes) assert.ok(!/undefined/.test(JSON.stringify(fix)), `${code}: ${JSON.stringify(fix)}`);
      }
    }
  });

  it('ignores the source location when matching', () => {
    const message = "Can't lookup mount=476 for fd=-3 path=/";
    const first = matchEntry(record(message, 'error', 'criu/files-reg.c', 1710));
    const second = matchEntry(record(message, 'error', 'criu/files-reg.c', 1790));
    const third = matchEntry(record(message, 'error', 'files-reg.c', 9));
    assert.equal(first?.entry.code, 'mount-lookup.mapping-mount-not-in-namespace');
    assert.equal(second?.entry.code, first?.entry.code);
    assert.equal(third?.entry.code, first?.entry.code);
  });

  it('has no line numbers in patterns', () => {
    for (const entry of KNOWLEDGE_BASE) {
      for (const pattern of entry.patterns) {
        assert.ok(!/\.c:\d/.test(pattern.source), `${entry.code}: ${pattern.source}`);
      }
    }
  });

  it('ignores warnings unless an entry allows them', () => {
    assert.equal(matchEntry(record('Dumping FAILED.', 'warn')), undefined);
    assert.equal(matchEntry(record('fsnotify:      Handle 0x48:0x824f9bb cannot be opened', 'warn'))?.entry.code, 'fsnotify.handle-cannot-be-opened');
  });

  it('never suggests --tcp-established for SO_PASSCRED', () => {
    const rec = record("sockets: Can't get 1:16 opt: Operation not supported", 'error', 'criu/sockets.c', 628);
    const result = matchEntry(rec);
    assert.ok(result);
    const explanation = result.entry.explain({ match: result.match, record: rec, facts: FACTS });
    assert.ok(!JSON.stringify(explanation.fixes).includes('tcp-established'));
    assert.ok(!explanation.causes.join(' ').includes('--tcp-established'));
    assert.ok(explanation.fixes.some((fix) => fix.description.includes('4.2')));
  });

  it('decodes fd=-3 as a memory mapping', () => {
    const rec = record("Can't lookup mount=476 for fd=-3 path=/");
    const result = matchEntry(rec);
    assert.ok(result);
    const explanation = result.entry.explain({ match: result.match, record: rec, facts: FACTS });
    assert.match(explanation.explanation, /memory mapping/);
    assert.match(explanation.explanation, /mnt_id/);
  });

  it('decodes NVIDIA major 195', () => {
    const rec = record("Can't dump file 17 of that type [20666] (chr 195:255)");
    const result = matchEntry(rec);
    assert.ok(result);
    const explanation = result.entry.explain({ match: result.match, record: rec, facts: { logKind: 'dump', criuVersion: '3.19' } });
    assert.match(explanation.explanation, /NVIDIA/);
    assert.ok(explanation.fixes.some((fix) => fix.description.includes('4.0')));
  });

  it('blames execvp, not the IP tool line', () => {
    assert.equal(matchEntry(record('execvp("ip", ...) failed: No such file or directory'))?.entry.role, 'cause');
    assert.equal(matchEntry(record('net: IP tool failed on addr save'))?.entry.role, 'follow-on');
  });

  it('marks rlimit for self as benign', () => {
    assert.equal(matchEntry(record("rlimir: Can't setup RLIMIT_NOFILE for self: Operation not permitted"))?.entry.role, 'benign');
  });

  it('offers the podman flag for file locks', () => {
    const rec = record('Some file locks are hold by dumping tasks!You can try --file-locks to dump them.');
    const result = matchEntry(rec);
    assert.ok(result);
    const explanation = result.entry.explain({ match: result.match, record: rec, facts: FACTS });
    const fix = explanation.fixes.find((candidate) => candidate.podmanFlag === '--file-locks');
    assert.equal(fix?.command, 'podman container checkpoint --file-locks <container>');
  });

  it('gives ghost-limit a config snippet', () => {
    const rec = record("Can't dump ghost file /dev/shm/x of 4198400 size, increase limit");
    const result = matchEntry(rec);
    assert.ok(result);
    const explanation = result.entry.explain({ match: result.match, record: rec, facts: FACTS });
    assert.ok(explanation.fixes.some((fix) => fix.criuOption === 'ghost-limit' && fix.configSnippet?.includes('ghost-limit')));
  });

  it('reads mem.c BUG lines by CRIU version', () => {
    const bug = (line: number) => record(`BUG at criu/mem.c:${line}`, 'error', 'criu/mem.c', line);
    assert.equal(matchEntry(bug(45), { logKind: 'dump', criuVersion: '4.1.1' })?.entry.code, 'kernel-feature.dirty-tracking-assertion');
    assert.equal(matchEntry(bug(44), { logKind: 'dump', criuVersion: '3.8.1' })?.entry.code, 'kernel-feature.dirty-tracking-assertion');
    assert.equal(matchEntry(bug(46), { logKind: 'dump', criuVersion: '4.2' })?.entry.code, 'kernel-feature.dirty-tracking-assertion');
    // Line 45 of 3.8.1's mem.c is not the soft-dirty assertion.
    assert.equal(matchEntry(bug(45), { logKind: 'dump', criuVersion: '3.8.1' })?.entry.code, 'internal-bug.bug-assertion');
    assert.equal(matchEntry(bug(48), { logKind: 'dump', criuVersion: '4.1.1' })?.entry.code, 'internal-bug.bug-assertion');
  });

  it('names the vvar_vclock fix version', () => {
    const rec = record('vdso: Unexpected rt vDSO area bounds', 'error', 'criu/vdso.c', 381);
    const result = matchEntry(rec);
    assert.ok(result);
    const explanation = result.entry.explain({ match: result.match, record: rec, facts: { logKind: 'dump', criuVersion: '3.17.1' } });
    assert.match(explanation.explanation, /older than 4\.1/);
  });
});

/** Explain one message with the entry it matches; fails the test when nothing matches. */
function explain(message: string, level: RecordLevel = 'error', facts: LogFacts = FACTS): { code: string; explanation: Explanation } {
  const rec = record(message, level);
  const result = matchEntry(rec);
  assert.ok(result, `no entry matches ${message}`);
  return { code: result.entry.code, explanation: result.entry.explain({ match: result.match, record: rec, facts }) };
}

/** Every explanation the examples produce, plus the fallback ones. */
function allExplanations(): Array<{ code: string; explanation: Explanation }> {
  const all: Array<{ code: string; explanation: Explanation }> = [];
  for (const examples of Object.values(EXAMPLES)) {
    for (const example of examples) all.push(explain(example.message, example.level));
  }
  all.push({ code: 'unknown', explanation: unknownExplanation(record("Can't set SO_TIMESTAMP: Operation not permitted", 'error', 'criu/sk-inet.c', 42), FACTS) });
  all.push({ code: 'unexplained', explanation: unexplainedExplanation({ logKind: 'dump', runtime: 'crun', referencedLog: '/var/lib/x/dump.log' }) });
  return all;
}

describe("Can't fork for N", () => {
  it('keeps EEXIST as a PID collision', () => {
    const { code, explanation } = explain("Can't fork for 15047: File exists");
    assert.equal(code, 'pid-collision.pid-in-use');
    assert.match(explanation.explanation, /already has that PID/);
  });

  it('explains EINVAL without EEXIST', () => {
    const { code, explanation } = explain("Can't fork for 72514: Invalid argument");
    assert.equal(code, 'pid-collision.pid-above-pid-max');
    assert.match(explanation.explanation, /EINVAL/);
    assert.match(explanation.explanation, /pid_max/);
    assert.doesNotMatch(explanation.explanation, /already has that PID/);
    assert.ok(explanation.fixes.some((fix) => fix.command === 'sysctl -w kernel.pid_max=4194304'));
  });

  it('calls a PID over the 64-bit limit damaged', () => {
    const { explanation } = explain("Can't fork for 4194305: Invalid argument");
    assert.match(explanation.explanation, /4194304/);
    assert.ok(explanation.fixes.every((fix) => fix.command === undefined));
  });

  it('blames a missing init for small PIDs', () => {
    const { explanation } = explain("Can't fork for 310: Invalid argument");
    assert.match(explanation.causes[0]!, /without its init/);
  });

  it('files EPERM under permission', () => {
    assert.equal(explain("Can't fork for 15047: Operation not permitted").code, 'permission.pid-set-denied');
  });

  it('explains EAGAIN as a task limit', () => {
    const { code, explanation } = explain("Can't fork for 15047: Resource temporarily unavailable");
    assert.equal(code, 'process-tree.restore-fork-failed');
    assert.match(explanation.explanation, /pids\.max/);
  });
});

/** Options that crun 1.21 and 1.26 send over RPC on every call (src/libcrun/criu.c). */
const CRUN_SENT_OPTIONS = ['tcp-established', 'ext-unix-sk', 'file-locks', 'shell-job', 'manage-cgroups'];

function defaultConfFixes(fixes: Fix[]): Fix[] {
  return fixes.filter((fix) => fix.configSnippet?.startsWith('# /etc/criu/default.conf'));
}

describe('criuConfigFixes', () => {
  it('never offers default.conf for options crun sends', () => {
    for (const option of CRUN_SENT_OPTIONS) {
      const fixes = criuConfigFixes(option, option, 'test.');
      assert.equal(defaultConfFixes(fixes).length, 0, option);
      assert.ok(fixes.some((fix) => /crun sends .* over RPC/.test(fix.description)), option);
    }
  });

  it('offers default.conf for options crun leaves alone', () => {
    for (const option of ['ghost-limit', 'external', 'irmap-scan-path', 'link-remap', 'timeout']) {
      const fixes = defaultConfFixes(criuConfigFixes(option, option, 'test.'));
      assert.equal(fixes.length, 1, option);
      assert.match(fixes[0]!.description, /^crun before 1\.26, or crun with a libcriu older than 4\.2:/);
    }
  });

  it('limits default.conf for tcp-close to crun before 1.26', () => {
    const fixes = criuConfigFixes('tcp-close', 'tcp-close', 'test.');
    const defaultConf = defaultConfFixes(fixes);
    assert.equal(defaultConf.length, 1);
    assert.match(defaultConf[0]!.description, /^crun before 1\.26:/);
    assert.ok(fixes.some((fix) => /^crun 1\.26 or later with a libcriu older than 4\.2: crun sends tcp-close/.test(fix.description)));
  });

  it('names runc.conf and crun.conf for every option', () => {
    const snippets = criuConfigFixes('ghost-limit', 'ghost-limit 64M', 'test.').map((fix) => fix.configSnippet?.split('\n')[0]);
    assert.ok(snippets.includes('# /etc/criu/runc.conf'));
    assert.ok(snippets.includes('# /etc/criu/crun.conf'));
  });

  it('keeps entries consistent with the helper', () => {
    for (const { code, explanation } of allExplanations()) {
      for (const fix of defaultConfFixes(explanation.fixes)) {
        const sentAlways = CRUN_SENT_OPTIONS.includes(fix.criuOption ?? '');
        assert.ok(!sentAlways, `${code}: default.conf offered for ${fix.criuOption}`);
      }
      const text = [explanation.explanation, ...explanation.causes, ...explanation.fixes.map((fix) => fix.description)].join(' ');
      assert.doesNotMatch(text, /crun names no file/, code);
      assert.doesNotMatch(text, /use \/etc\/criu\/default\.conf\./, code);
    }
  });
});

describe('fix commands', () => {
  /** Commands that only inspect the system; copying one as a "fixed command" fixes nothing. */
  const DIAGNOSTIC = /^(?:sudo\s+)?(?:criu (?:--version|check)|crun --version|runc --version|uname\b|dmesg\b|lxc info\b|podman inspect\b|sysctl [\w.]+$)/;

  it('contain no diagnostic commands', () => {
    for (const { code, explanation } of allExplanations()) {
      for (const fix of explanation.fixes) {
        if (fix.command === undefined) continue;
        assert.doesNotMatch(fix.command, DIAGNOSTIC, `${code}: ${fix.command}`);
        assert.notEqual(fix.command, 'podman run --runtime runc ...', code);
      }
    }
  });
});

describe('Markdown safety', () => {
  it('keeps placeholders inside backticks', () => {
    for (const { code, explanation } of allExplanations()) {
      const texts = [explanation.explanation, ...explanation.causes, ...explanation.fixes.map((fix) => fix.description)];
      for (const text of texts) {
        const outsideCode = text.replace(/`[^`]*`/g, '');
        assert.doesNotMatch(outsideCode, /<[A-Za-z]/, `${code}: ${text}`);
      }
    }
  });
});

describe('ptrace seize', () => {
  it('makes the failed-seize warning the cause', () => {
    const { code, explanation } = explain('Unable to interrupt task: 812 (Operation not permitted)', 'warn');
    assert.equal(code, 'parasite.seize-denied');
    assert.match(explanation.explanation, /EPERM/);
    assert.match(explanation.causes.join(' '), /ptrace_scope/);
  });

  it('reads err -1/10 as a follow-on', () => {
    const result = matchEntry(record('Unseizable non-zombie 812 found, state S, err -1/10'));
    assert.equal(result?.entry.role, 'follow-on');
  });
});

describe('subsystemOf', () => {
  it('maps CRIU source files', () => {
    assert.equal(subsystemOf('criu/sk-inet.c')?.category, 'tcp');
    assert.equal(subsystemOf('criu/mount.c')?.name, 'mounts');
    assert.equal(subsystemOf('mount.c')?.name, 'mounts');
    assert.equal(subsystemOf('compel/src/lib/infect.c')?.category, 'parasite');
    assert.equal(subsystemOf('criu/pie/restorer.c')?.name, 'restorer blob');
    assert.equal(subsystemOf('criu/pie/parasite-vdso.c')?.category, 'vdso');
  });

  it('returns undefined for unknown files', () => {
    assert.equal(subsystemOf('criu/no-such-file.c'), undefined);
  });
});

describe('fallback explanations', () => {
  it('builds an unknown explanation from the location', () => {
    const explanation = unknownExplanation(record("Can't set SO_TIMESTAMP: Operation not permitted", 'error', 'criu/sk-inet.c', 42), FACTS);
    assert.match(explanation.explanation, /inet sockets/);
    assert.match(explanation.explanation, /EPERM/);
    assert.ok(explanation.fixes.length > 0);
  });

  it('says what to collect when unexplained', () => {
    const explanation = unexplainedExplanation({ logKind: 'dump', runtime: 'crun', referencedLog: '/var/lib/x/dump.log' });
    assert.match(explanation.explanation, /\/var\/lib\/x\/dump\.log/);
    assert.ok(explanation.fixes.some((fix) => fix.description.includes('`criu check --all`')));
    assert.ok(explanation.fixes.some((fix) => fix.description.includes('`dmesg')));
  });
});
