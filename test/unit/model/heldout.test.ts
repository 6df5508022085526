import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { analyzeText } from '../../../src/model/analyze';
import type { Category } from '../../../src/model/categories';

/**
 * Failures that are not in the fixture logs: other CRIU versions, other wording and other stacks.
 * Each CRIU line uses a format string and source file of the CRIU version in its `Version:` line.
 * Line numbers are near that version's but not all checked, because the analyser ignores them.
 * Wrapper lines follow what runc, crun, podman, containerd, CRI-O and LXD print on failure.
 */
interface HeldOut {
  name: string;
  lines: string[];
  category: Category;
  /** Text that only the root-cause line contains; the test turns it into a line number. */
  at: string;
  code?: string;
  /** Set when the product cannot get this row right without a change outside the knowledge base. */
  todo?: string;
}

const KERNEL_6_1 = 'Linux 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64';
const KERNEL_5_15 = 'Linux 5.15.0-94-generic #104-Ubuntu SMP Tue Jan 9 15:25:40 UTC 2024 x86_64';
const KERNEL_6_8 = 'Linux 6.8.0-45-generic #45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024 x86_64';

function dumpHeader(version: string, kernel: string, pid: number, comm = 'app'): string[] {
  return [
    `(00.000000) Version: ${version} (gitid 0)`,
    `(00.000024) Running on node-1 ${kernel}`,
    '(00.000031) Would overwrite RPC settings with values from /etc/criu/runc.conf',
    '(00.000062) Loaded kdat cache from /run/criu.kdat',
    '(00.000110) ========================================',
    `(00.000112) Dumping processes (pid: ${pid} comm: ${comm})`,
    '(00.000113) ========================================',
  ];
}

function restoreHeader(version: string, kernel: string): string[] {
  return [
    `(00.000000) Version: ${version} (gitid 0)`,
    `(00.000021) Running on node-2 ${kernel}`,
    '(00.000058) Loaded kdat cache from /run/criu.kdat',
    '(00.000420) Reading image tree',
    '(00.000481) Add mnt ns 5 pid 1',
    '(00.001022) Preparing info about shared resources',
  ];
}

/** Build the lines CRIU prints after a failed dump, ending with the banner at `location`. */
function dumpTail(location: string): string[] {
  return [
    '(00.041201) Unlock network',
    '(00.041205) Running network-unlock scripts',
    '(00.041206) \tRPC',
    '(00.052117) Unfreezing tasks into 1',
    `(00.052390) Error (${location}): Dumping FAILED.`,
  ];
}

const ROWS: HeldOut[] = [
  // Sockets
  {
    name: 'unix stream peer outside, 3.15 wording',
    lines: [
      ...dumpHeader('3.15', KERNEL_5_15, 2217, 'worker'),
      '(00.021334) sk unix: \tDumping unix socket at 4',
      '(00.021338) sk unix: \t\tDumping: ino 104329 peer_ino 104330 family    1 type    1 state  1 name /run/dbus/system_bus_socket',
      "(00.021360) Error (criu/sk-unix.c:815): sk unix: Can't dump half of stream unix connection.",
      '(00.021370) Error (criu/cr-dump.c:1395): Dump files (pid: 2217) failed with -1',
      ...dumpTail('criu/cr-dump.c:1768'),
    ],
    category: 'unix-socket',
    at: 'half of stream',
  },
  {
    name: 'external unix socket gone on restore',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      '(00.081190)      1: \t\tRestoring unix socket 0x1c ino 41234 peer 0 (external)',
      "(00.081230)      1: Error (criu/sk-unix.c:1406): sk unix: Can't connect 41234 socket: Connection refused",
      '(00.081262)      1: Error (criu/files.c:1221): Unable to open fd=3 id=0x1c',
      '(00.094117) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'unix-socket',
    at: "Can't connect 41234 socket",
  },
  {
    name: 'inet socket without IPv6 on restore host',
    lines: [
      ...restoreHeader('3.17.1', KERNEL_6_1),
      '(00.052301)     17: \t\tCreating inet socket 0xa family 10 type 1 proto 6',
      "(00.052340)     17: Error (criu/sk-inet.c:834): inet: Can't create inet socket: Address family not supported by protocol",
      '(00.052388)     17: Error (criu/files.c:1213): Unable to open fd=5 id=0xa',
      '(00.066012) Error (criu/cr-restore.c:2536): Restoring FAILED.',
    ],
    category: 'tcp',
    at: "Can't create inet socket",
  },
  {
    name: 'established TCP, podman with crun',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_8, 1, 'postgres'),
      '(00.018201) inet: \tDumping inet socket at 8',
      "(00.018230) inet: Dumping inet socket ino 88112 family 2 type 1 proto 6 state 1",
      '(00.018244) Error (criu/sk-inet.c:191): inet: Connected TCP socket, consider using --tcp-established option.',
      '(00.018260) Error (criu/cr-dump.c:1681): Dump files (pid: 318991) failed with -1',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'tcp',
    at: 'consider using --tcp-established',
  },
  {
    name: 'inet bind conflict on restore, 3.16.1',
    lines: [
      ...restoreHeader('3.16.1', KERNEL_5_15),
      "(00.061003)      8: Error (criu/sk-inet.c:1000): inet: Can't bind inet socket (id 9): Address already in use",
      '(00.061040)      8: Error (criu/files.c:1194): Unable to open fd=6 id=0x9',
      '(00.071022) Error (criu/cr-restore.c:2483): Restoring FAILED.',
    ],
    category: 'tcp',
    at: "Can't bind inet socket",
  },
  {
    name: 'packet socket interface missing on restore',
    lines: [
      ...restoreHeader('4.0', KERNEL_6_1),
      "(00.044500)      1: Error (criu/sk-packet.c:447): packet: Can't bind packet socket to eth1: No such device",
      '(00.044520)      1: Error (criu/files.c:1218): Unable to open fd=7 id=0x11',
      '(00.059812) Error (criu/cr-restore.c:2334): Restoring FAILED.',
    ],
    category: 'netlink',
    at: "Can't bind packet socket",
  },
  {
    name: 'tcp-close checkpoint restored without it',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8).slice(0, 3),
      '(00.000301) Error (criu/image.c:94): Need to set the --tcp-close options.',
      '(00.000330) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'tcp',
    at: '--tcp-close options',
  },
  {
    name: 'established TCP in image, Docker restore',
    lines: [
      ...restoreHeader('3.17.1', KERNEL_5_15),
      '(00.052110)      1: Error (criu/sk-inet.c:857): inet: Connected TCP socket in image',
      '(00.052140)      1: Error (criu/files.c:1213): Unable to open fd=4 id=0x8',
      '(00.060100) Error (criu/cr-restore.c:2536): Restoring FAILED.',
    ],
    category: 'tcp',
    at: 'Connected TCP socket in image',
  },
  {
    name: 'syslog datagram socket outside',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_1, 4410, 'rsyslogd'),
      '(00.013700) sk unix: \t\tDumping: ino 31337 peer_ino 2211 family    1 type    2 state  7 name (null)',
      '(00.013721) Error (criu/sk-unix.c:874): sk unix: External socket is used. Consider using --ext-unix-sk option.',
      '(00.013733) Error (criu/cr-dump.c:1681): Dump files (pid: 4410) failed with -1',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'unix-socket',
    at: 'External socket is used',
  },
  {
    name: 'netlink queue not empty',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_8, 90, 'udevadm'),
      '(00.011002) Error (criu/sk-netlink.c:77): netlink: The socket has data to read',
      '(00.011020) Error (criu/cr-dump.c:1681): Dump files (pid: 90) failed with -1',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'netlink',
    at: 'has data to read',
  },
  {
    name: 'SCTP socket',
    lines: [
      ...dumpHeader('3.17.1', KERNEL_5_15, 771, 'diameter'),
      '(00.015500) Error (criu/sk-inet.c:132): inet: Unsupported proto 132 for socket 5a1f',
      '(00.015530) Error (criu/cr-dump.c:1635): Dump files (pid: 771) failed with -1',
      ...dumpTail('criu/cr-dump.c:2053'),
    ],
    category: 'tcp',
    at: 'Unsupported proto 132',
  },
  {
    name: 'external unix socket in image without option',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_1),
      '(00.040010)      1: Error (criu/sk-unix.c:1912): sk unix: External socket found in image. Consider using the --ext-unix-sk option to allow restoring it.',
      '(00.050020) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'unix-socket',
    at: 'External socket found in image',
  },
  {
    name: 'inet connect back fails, address in use',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      "(00.071300)      1: Error (criu/sk-inet.c:1075): inet: Can't connect inet socket back: Address already in use",
      '(00.071320)      1: Error (criu/files.c:1221): Unable to open fd=12 id=0x2f',
      '(00.081000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'tcp',
    at: "Can't connect inet socket back",
  },

  // Files
  {
    name: 'deleted shm file over ghost limit',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_8, 1, 'firefox'),
      '(00.120010) Dumping ghost file for fd 41 id 0x6a',
      "(00.120030) Error (criu/files-reg.c:1031): Can't dump ghost file /dev/shm/org.mozilla.ipc.1.75 of 8392704 size, increase limit",
      '(00.120040) Error (criu/cr-dump.c:1681): Dump files (pid: 2731) failed with -1',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'ghost-file',
    at: "Can't dump ghost file",
  },
  {
    name: 'open file missing on restore, 3.14',
    lines: [
      ...restoreHeader('3.14', KERNEL_5_15),
      "(00.060023)      1: Error (criu/files-reg.c:1831): Can't open file var/lib/mysql/ib_logfile0 on restore: No such file or directory",
      '(00.060040)      1: Error (criu/files.c:1205): Unable to open fd=9 id=0x12',
      '(00.070000) Error (criu/cr-restore.c:2402): Restoring FAILED.',
    ],
    category: 'link-remap',
    at: 'ib_logfile0 on restore',
  },
  {
    name: 'FIFO missing on restore',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_1),
      "(00.033100)     12: Error (criu/fifo.c:104): Can't open fifo 0x1f [/run/app/ctl.fifo]: No such file or directory",
      '(00.033120)     12: Error (criu/files.c:1221): Unable to open fd=5 id=0x1f',
      '(00.041000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'link-remap',
    at: "Can't open fifo",
  },
  {
    name: 'tmpfs contents unreadable by tar',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_8, 1, 'nginx'),
      '(00.030100) mnt: Dumping tmpfs mount 1412 (./run/secrets)',
      'tar: ./token: Cannot open: Permission denied',
      'tar: Exiting with failure status due to previous errors',
      '(00.033010) Error (criu/util.c:656): exited, status=2',
      "(00.033020) Error (criu/filesystems.c:426): Can't dump tmpfs content",
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'mount-namespace',
    at: "Can't dump tmpfs content",
  },
  {
    name: 'tar missing for tmpfs',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_1, 1, 'app'),
      '(00.030100) mnt: Dumping tmpfs mount 980 (./tmp)',
      '(00.030150) Error (criu/util.c:634): execvp("tar", ...) failed: No such file or directory',
      '(00.030300) Error (criu/util.c:656): exited, status=1',
      "(00.030310) Error (criu/filesystems.c:426): Can't dump tmpfs content",
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'mount-namespace',
    at: 'execvp("tar"',
  },
  {
    name: 'tmpfs restore fails',
    lines: [
      ...restoreHeader('3.17.1', KERNEL_6_1),
      'tar: ./cache/db: Cannot open: No space left on device',
      '(00.091900)      1: Error (criu/util.c:640): exited, status=2',
      "(00.091920)      1: Error (criu/filesystems.c:455): Can't restore tmpfs content",
      '(00.101000) Error (criu/cr-restore.c:2536): Restoring FAILED.',
    ],
    category: 'mount-namespace',
    at: "Can't restore tmpfs content",
  },
  {
    name: 'KVM device open',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_8, 1, 'qemu-system-x86'),
      "(00.009900) Error (criu/files-ext.c:94): Can't dump file 11 of that type [20660] (chr 10:232)",
      '(00.009920) Error (criu/cr-dump.c:1681): Dump files (pid: 5120) failed with -1',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'device-file',
    at: '(chr 10:232)',
  },
  {
    name: 'descriptor number over nr_open',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_1),
      '(00.010020)      1: Error (criu/files.c:923): Too big FD number to restore 1048580',
      '(00.021000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'rlimit',
    at: 'Too big FD number',
  },
  {
    name: 'inherit fd closed by crun',
    lines: [
      ...restoreHeader('4.0', KERNEL_6_8).slice(0, 3),
      "(00.000410) Error (criu/files.c:1598): Can't fstat inherit fd 6: Bad file descriptor",
      '(00.000440) Error (criu/cr-service.c:809): Failed to set up inherit fd',
    ],
    category: 'runtime-support',
    at: "Can't fstat inherit fd",
  },
  {
    name: 'epoll watches closed fd',
    lines: [
      ...dumpHeader('3.17.1', KERNEL_5_15, 412, 'node'),
      '(00.019900) Error (criu/eventpoll.c:313): epoll: Escaped/closed fd descriptor 7 on pid 412',
      '(00.019920) Error (criu/cr-dump.c:1647): Dump eventpoll (pid: 412) failed with -1',
      ...dumpTail('criu/cr-dump.c:2053'),
    ],
    category: 'device-file',
    at: 'Escaped/closed',
  },
  {
    name: 'flock conflict on restore',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      '(00.099100)      1: Error (criu/file-lock.c:628): Can not set flock!',
      '(00.111000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'file-locks',
    at: 'Can not set flock',
  },
  {
    name: 'file locks, 3.16 wording',
    lines: [
      ...dumpHeader('3.16.1', KERNEL_5_15, 1, 'java'),
      '(00.211000) Error (criu/file-lock.c:213): Some file locks are hold by dumping tasks!You can try --file-locks to dump them.',
      ...dumpTail('criu/cr-dump.c:1994'),
    ],
    category: 'file-locks',
    at: 'Some file locks',
  },
  {
    name: 'memfd create blocked on restore',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_1),
      "(00.050400)      7: Error (criu/memfd.c:279): Can't create memfd:wayland-shm: Operation not permitted",
      '(00.050420)      7: Error (criu/files.c:1221): Unable to open fd=14 id=0x33',
      '(00.060000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'memfd',
    at: "Can't create memfd",
  },
  {
    name: 'fsnotify path not found',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_8, 1, 'nodemon'),
      '(00.044000) fsnotify: \tHandle 0x2e:0x1b3c cannot be opened',
      "(00.044010) Error (criu/fsnotify.c:284): fsnotify: Can't find suitable path for handle (dev 0x2e ino 0x1b3c): -2",
      "(00.044020) Error (criu/fsnotify.c:326): \tCan't dump that handle",
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'fsnotify',
    at: "Can't find suitable path",
  },

  // Mounts
  {
    name: 'resolv.conf bind without external, 3.17.1',
    lines: [
      ...dumpHeader('3.17.1', KERNEL_5_15, 23411, 'redis-server'),
      '(00.006040) mnt: Found /etc/resolv.conf mapping for ./etc/resolv.conf mountpoint',
      "(00.006110) Error (criu/mount.c:753): mnt: 1021:./etc/resolv.conf doesn't have a proper root mount",
      ...dumpTail('criu/cr-dump.c:2053'),
    ],
    category: 'external-mount',
    at: 'proper root mount',
  },
  {
    name: 'LXD fuse mount slave of host',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_8, 3310, 'systemd'),
      '(00.009300) Error (criu/mount.c:1089): mnt: Mount 3177 ./dev/fuse (master_id: 8 shared_id: 0) has unreachable sharing. Try --enable-external-masters.',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'mount-propagation',
    at: 'unreachable sharing',
  },
  {
    name: 'plain criu on container, autodetected external',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_1, 8812, 'sleep'),
      '(00.004400) Error (criu/mount.c:3109): mnt: Mount 331:./etc/hosts is autodetected external mount. Try "--ext-mount-map auto" to allow them.',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'external-mount',
    at: 'autodetected external',
  },
  {
    name: 'volume source missing on restore',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      "(00.012200)      1: Error (criu/mount.c:1268): mnt: Can't bind-mount 912:./data to /tmp/.criu.mntns.kz3Qd1/mnt-0000000912: No such file or directory",
      "(00.012230)      1: Error (criu/mount.c:2185): mnt: Can't restore ext mount (-1)",
      '(00.021000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'external-mount',
    at: "Can't bind-mount 912",
  },
  {
    name: 'FUSE mount inside container',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_1, 1, 'rclone'),
      '(00.008800) Error (criu/mount.c:601): mnt: FS mnt ./mnt/s3 dev 0x3a root / unsupported id 2041',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'mount-namespace',
    at: 'unsupported id 2041',
  },

  // Namespaces and network
  {
    name: 'wireguard link in netns',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_8, 1, 'wg-quick'),
      '(00.020100) \tLD: Got link 4, type 65534',
      '(00.020130) Error (criu/net.c:650): net: Unsupported link 4 (type 65534 kind wireguard)',
      '(00.020200) Error (criu/namespaces.c:1058): Namespaces dumping finished with error 256',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'namespace',
    at: 'Unsupported link 4',
  },
  {
    name: 'iptables legacy missing on restore',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_1),
      '(00.015400)      1: Error (criu/net.c:2494): net: Can\'t restore iptables dump - no legacy version present',
      '(00.025000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'namespace',
    at: 'no legacy version present',
  },
  {
    name: 'IPv6 sysctl missing on restore',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      "(00.016600)      1: Error (criu/sysctl.c:258): Can't open sysctl net/ipv6/conf/all/forwarding: No such file or directory",
      '(00.016700)      1: Error (criu/sysctl.c:324): worker failed: 256',
      '(00.026000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'namespace',
    at: "Can't open sysctl",
  },
  {
    name: 'runc external netns key missing',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_1),
      '(00.006600)      1: Error (criu/net.c:2792): Unable to find an external netns: extRootNetNS',
      '(00.016000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'namespace',
    at: 'external netns',
  },
  {
    name: 'nested UTS namespace',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_8, 1, 'bwrap'),
      "(00.003300) Error (criu/namespaces.c:460): Can't dump nested uts namespace for 5312",
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'namespace',
    at: 'nested uts namespace',
  },
  {
    name: 'iptables-restore missing for lock',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_1, 1, 'httpd'),
      '(00.010000) Error (criu/util.c:634): execvp("iptables-restore", ...) failed: No such file or directory',
      '(00.010100) Error (criu/util.c:656): exited, status=1',
      '(00.010120) Error (criu/net.c:3122): net: Locking network failed: iptables-restore returned -1. This may be connected to disabled CONFIG_NETFILTER_XT_MARK kernel build config option.',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'namespace',
    at: 'execvp("iptables-restore"',
  },
  {
    name: 'time namespace on old kernel',
    lines: [
      ...restoreHeader('4.1.1', 'Linux 5.4.0-169-generic #187-Ubuntu SMP Thu Nov 23 14:52:28 UTC 2023 x86_64'),
      '(00.003100)      1: Error (criu/timens.c:80): Unable to create a new time namespace: Invalid argument',
      '(00.013000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'kernel-feature',
    at: 'new time namespace',
  },

  // cgroups
  {
    name: 'misc controller on cgroup v1',
    lines: [
      ...restoreHeader('3.17.1', KERNEL_5_15),
      '(00.002709) cg: Skip restoring properties on cgroup dir freezer//kubepods.slice/crio-4680.scope',
      '(00.002725) cg:         Making controller dir .criu.cgyard.05WiQs/misc (misc)',
      "(00.003123) Error (criu/cgroup.c:1805): cg:     Can't mount controller dir .criu.cgyard.05WiQs/misc: Invalid argument",
      '(00.012000) Error (criu/cr-restore.c:2536): Restoring FAILED.',
    ],
    category: 'cgroup',
    at: "Can't mount controller dir",
  },
  {
    name: 'cgroup missing in strict mode',
    lines: [
      ...restoreHeader('3.17.1', KERNEL_6_1),
      "(00.002900) Error (criu/cgroup.c:1666): cg: Cgroup dir system.slice/docker-4d1e.scope doesn't exist",
      '(00.012000) Error (criu/cr-restore.c:2536): Restoring FAILED.',
    ],
    category: 'cgroup',
    at: "doesn't exist",
  },
  {
    name: 'freezer timeout, 3.15 wording',
    lines: [
      ...dumpHeader('3.15', KERNEL_5_15, 1834, 'mongod'),
      '(10.001200) Error (criu/seize.c:529): Unable to freeze cgroup /sys/fs/cgroup/freezer/docker/d911',
      ...dumpTail('criu/cr-dump.c:1768'),
    ],
    category: 'cgroup',
    at: 'Unable to freeze cgroup',
  },
  {
    name: 'cgroup move on restore, 3.16',
    lines: [
      ...restoreHeader('3.16.1', KERNEL_5_15),
      "(00.010200)      1: Error (criu/cgroup.c:1231): cg: Can't move into freezer//docker/4d1e/tasks (-1/-1): No such file or directory",
      '(00.020000) Error (criu/cr-restore.c:2483): Restoring FAILED.',
    ],
    category: 'cgroup',
    at: "Can't move into",
  },

  // Seizing and the parasite
  {
    name: 'debugger breakpoint pending',
    lines: [
      ...dumpHeader('3.17.1', KERNEL_6_1, 2301, 'python3'),
      "(00.002100) Error (compel/src/lib/infect.c:290): Can't dump the 2301 thread with a pending SIGTRAP.",
      ...dumpTail('criu/cr-dump.c:2053'),
    ],
    category: 'parasite',
    at: 'pending SIGTRAP',
  },
  {
    name: 'task traced by another tracer',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_8, 812, 'server'),
      '(00.001490) Warn  (compel/src/lib/infect.c:133): Unable to interrupt task: 812 (Operation not permitted)',
      '(00.001500) Error (compel/src/lib/infect.c:263): Unseizable non-zombie 812 found, state S, err -1/10',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'parasite',
    at: 'Unable to interrupt task',
    code: 'parasite.seize-denied',
  },
  {
    name: 'Yama blocks seize, 3.15 wording',
    lines: [
      ...dumpHeader('3.15', KERNEL_5_15, 4410, 'java'),
      '(00.000810) Warn  (compel/src/lib/infect.c:127): Unable to interrupt task: 4410 (Operation not permitted)',
      '(00.000822) Error (compel/src/lib/infect.c:235): Unseizable non-zombie 4410 found, state S, err -1/10',
      '(00.000900) Error (criu/cr-dump.c:1768): Dumping FAILED.',
    ],
    category: 'parasite',
    at: 'Unable to interrupt task',
    code: 'parasite.seize-denied',
  },
  {
    name: 'freeze timeout with GPU plugin',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_8, 1, 'python'),
      '(00.000900) cuda_plugin: pausing devices on pid 5511',
      '(10.001000) Error (criu/cr-dump.c:1791): Timeout reached. Try to interrupt: 0',
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'process-tree',
    at: 'Timeout reached',
  },
  {
    name: 'transport socket, old 2.x layout',
    lines: [
      '(00.083230) Warn  (criu/autofs.c:77): Failed to find pipe_ino option (old kernel?)',
      '(00.359325) Error (criu/parasite-syscall.c:532): Unable to connect a transport socket: Permission denied',
      "(00.359336) Error (criu/parasite-syscall.c:134): Can't block signals for 10113: No such process",
      "(00.359340) Error (criu/cr-dump.c:1244): Can't infect (pid: 10113) with parasite",
      '(00.375919) Error (criu/ptrace.c:54): Unable to detach from 10113: No such process',
      '(00.376281) Error (criu/cr-dump.c:1628): Dumping FAILED.',
    ],
    category: 'transport-socket',
    at: 'transport socket',
  },

  // Restore of tasks
  {
    name: 'thread id taken on restore',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      '(00.120000)     47: Restore via sigreturn',
      'pie: 47: Error (criu/pie/restorer.c:2106): Unable to create a thread: -17',
      'pie: 47: Error (criu/pie/restorer.c:2253): Restorer fail 47',
      '(00.130100) Error (criu/cr-restore.c:1262): 47 killed by signal 9: Killed',
      '(00.140000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'pid-collision',
    at: 'Unable to create a thread',
  },
  {
    name: 'PR_SET_MM_MAP denied in restorer',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_1),
      'pie: 1: Error (criu/pie/restorer.c:2001): sys_prctl(PR_SET_MM, PR_SET_MM_MAP) failed with -1',
      'pie: 1: Error (criu/pie/restorer.c:2253): Restorer fail 1',
      '(00.130100) Error (criu/cr-restore.c:1262): 1 killed by signal 9: Killed',
      '(00.140000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'permission',
    at: 'PR_SET_MM_MAP',
  },
  {
    name: 'action script fails on restore',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      '(00.000700) Running pre-restore scripts',
      '(00.010200) Error (criu/action-scripts.c:94): Script /etc/criu/hooks/restore.sh exited with 1',
      '(00.010210) Error (criu/action-scripts.c:156): One of more action scripts failed',
      '(00.010220) Error (criu/cr-restore.c:2005): Aborting restore due to pre-restore script ret code -1',
      '(00.010300) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'runtime-support',
    at: 'exited with 1',
  },
  {
    name: 'action script fails on dump',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_1, 1, 'app'),
      '(00.000200) Running pre-dump scripts',
      '(00.003300) Error (criu/action-scripts.c:94): Script /usr/local/bin/criu-notify exited with 127',
      '(00.003310) Error (criu/action-scripts.c:156): One of more action scripts failed',
      '(00.003400) Error (criu/cr-dump.c:2111): Dumping FAILED.',
    ],
    category: 'runtime-support',
    at: 'criu-notify exited',
  },
  {
    name: 'PID above pid_max of restore host',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_1),
      '(00.003300) Forking task with 72514 pid (flags 0x6c028000)',
      '(00.003310) Creating process using clone3()',
      "(00.003340) Error (criu/cr-restore.c:1230): Can't fork for 72514: Invalid argument",
      '(00.013000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'pid-collision',
    at: "Can't fork for 72514",
    code: 'pid-collision.pid-above-pid-max',
  },
  {
    name: 'pids limit on restore fork',
    lines: [
      ...restoreHeader('4.2', KERNEL_6_8),
      '(00.004100)      1: Forking task with 88 pid (flags 0x0)',
      "(00.004130)      1: Error (criu/cr-restore.c:1230): Can't fork for 88: Resource temporarily unavailable",
      '(00.014000) Error (criu/cr-restore.c:2324): Restoring FAILED.',
    ],
    category: 'process-tree',
    at: "Can't fork for 88",
    code: 'process-tree.restore-fork-failed',
  },
  {
    name: 'library replaced before restore',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      '(00.010200)      1: Error (criu/files-reg.c:2175): File usr/lib/x86_64-linux-gnu/libssl.so.3 has bad size 1093568 (expect 1089472)',
      '(00.020000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'runtime-support',
    at: 'has bad size',
    code: 'runtime-support.file-differs-on-restore',
  },
  {
    name: 'abstract unix address taken in host netns',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      "(00.005400)      1: Error (criu/sk-unix.c:1651): sk unix: Can't bind id 0 ino 51877 addr : Address already in use",
      '(00.015000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'unix-socket',
    at: "Can't bind id 0",
  },
  {
    name: 'PID in use for host restore',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      '(00.003300) Forking task with 15047 pid (flags 0x0)',
      "(00.003340) Error (criu/cr-restore.c:1230): Can't fork for 15047: File exists",
      '(00.013000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'pid-collision',
    at: "Can't fork for 15047",
  },
  {
    name: 'segfault without earlier error',
    lines: [
      ...restoreHeader('3.15', KERNEL_6_1),
      '(00.300100) Error (criu/cr-restore.c:1480): 41 killed by signal 11: Segmentation fault',
      '(00.310000) Error (criu/cr-restore.c:2483): Restoring FAILED.',
    ],
    category: 'unexplained',
    at: 'Restoring FAILED',
  },
  {
    name: 'loginuid needs CAP_AUDIT_CONTROL',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      '(00.003100) Error (criu/cr-restore.c:1952): Setting loginuid for CT init task failed, CAP_AUDIT_CONTROL?',
      '(00.013000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'permission',
    at: 'Setting loginuid',
  },

  // Memory and images
  {
    name: 'memory reservation fails',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_1),
      '(00.080010)      1: Error (criu/mem.c:1320): Unable to reserve memory (8589934592 bytes): Cannot allocate memory',
      '(00.090000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'cgroup',
    at: 'Unable to reserve memory',
  },
  {
    name: 'truncated pages image',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      '(00.200300)      1: Error (criu/pagemap.c:426): Reached EOF unexpectedly while reading page from image',
      '(00.210000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'runtime-support',
    at: 'Reached EOF',
  },
  {
    name: 'page server unreachable',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_1, 1, 'redis-server'),
      "(00.000400) Error (criu/page-xfer.c:244): The page server doesn't answer: Connection refused",
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'runtime-support',
    at: "page server doesn't answer",
  },
  {
    name: 'page server refuses the connection',
    lines: [
      '(00.000000) Version: 4.1.1 (gitid 0)',
      `(00.000024) Running on node-1 ${KERNEL_6_8}`,
      '(00.000512) Connecting to server 192.168.122.12:27',
      "(00.000690) Can't connect to server 192.168.122.12:27",
      '(00.000702) Error (criu/cr-dump.c:1905): Pre-dumping FAILED.',
    ],
    category: 'runtime-support',
    at: "Can't connect to server",
  },
  {
    name: 'page server host not resolvable',
    lines: [
      ...dumpHeader('4.2', KERNEL_6_8, 1, 'redis-server'),
      '(00.000400) Error (criu/util.c:1342): Failed to resolve hostname: target-host: No such file or directory',
      ...dumpTail('criu/cr-dump.c:2128'),
    ],
    category: 'runtime-support',
    at: 'Failed to resolve hostname',
  },
  {
    name: 'missing image file',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8).slice(0, 3),
      '(00.000300) Error (criu/image.c:630): Unable to open pstree.img: No such file or directory',
      '(00.000330) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'runtime-support',
    at: 'pstree.img',
  },
  {
    name: 'userfaultfd denied for lazy pages',
    lines: [
      ...restoreHeader('4.1.1', KERNEL_6_8),
      '(00.000900) Error (criu/uffd.c:314): uffd: Unable to open an userfaultfd descriptor: Operation not permitted',
      '(00.010000) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'kernel-feature',
    at: 'userfaultfd descriptor',
  },

  // Configuration and plugins
  {
    name: 'broken runc.conf',
    lines: [
      '(00.000000) Error (criu/config.c:127): Unsupported configuration file format. Please consult man page criu(8)',
      'time="2024-03-02T10:11:12Z" level=error msg="criu failed: type DUMP errno 0\\nlog file: /run/runc/web/criu.work/dump.log"',
    ],
    category: 'runtime-support',
    at: 'Unsupported configuration file format',
  },
  {
    name: 'plugin init fails',
    lines: [
      ...restoreHeader('4.0', KERNEL_6_8).slice(0, 3),
      '(00.000800) amdgpu_plugin: Failed to open /dev/kfd',
      '(00.000810) Error (criu/plugin.c:153): Failed in init(1) of "amdgpu_plugin"',
      '(00.000900) Error (criu/cr-restore.c:2320): Restoring FAILED.',
    ],
    category: 'runtime-support',
    at: 'Failed in init',
  },
  {
    name: 'SELinux label kernel, podman',
    lines: [
      ...dumpHeader('3.15', KERNEL_5_15, 1, 'httpd'),
      '(00.005100) Error (criu/lsm.c:112): Invalid selinux context kernel',
      ...dumpTail('criu/cr-dump.c:1768'),
    ],
    category: 'lsm',
    at: 'Invalid selinux context',
  },
  {
    name: 'seccomp filter unreadable',
    lines: [
      ...dumpHeader('4.1.1', KERNEL_6_1, 1, 'app'),
      "(00.003300) Error (criu/seccomp.c:149): seccomp: Can't fetch filter on tid_real 4412 i 0: Invalid argument",
      ...dumpTail('criu/cr-dump.c:2111'),
    ],
    category: 'seccomp',
    at: "Can't fetch filter",
  },

  // Wrapper output only
  {
    name: 'Docker daemon message only',
    lines: [
      'Error response from daemon: Cannot checkpoint container web: runc did not terminate successfully: exit status 1: criu failed: type NOTIFY errno 0 path= /run/containerd/io.containerd.runtime.v2.task/moby/5b1c/criu-dump.log: unknown',
    ],
    category: 'unexplained',
    at: 'criu failed: type NOTIFY',
  },
  {
    name: 'Docker without experimental features',
    lines: ['$ docker checkpoint create web cp1', 'docker checkpoint create is only supported on a Docker daemon with experimental features enabled'],
    category: 'runtime-support',
    at: 'only supported on a Docker daemon',
    code: 'runtime-support.docker-experimental-disabled',
  },
  {
    name: 'ctr checkpoint message only',
    lines: [
      'ctr: runc did not terminate successfully: exit status 1: criu failed: type NOTIFY errno 0 path= /run/containerd/io.containerd.runtime.v2.task/default/redis/criu-dump.log: unknown',
    ],
    category: 'unexplained',
    at: 'criu failed: type NOTIFY',
  },
  {
    name: 'kubelet event for CRI-O restore',
    lines: [
      '  Warning  Failed     37m   kubelet  Error: failed to restore container httpd: container restore failed: time="2024-07-12T07:05:08Z" level=error msg="criu failed: type NOTIFY errno 0\\nlog file: /run/containers/storage/overlay-containers/httpd/userdata/restore.log"',
    ],
    category: 'unexplained',
    at: 'criu failed: type NOTIFY',
  },
  {
    name: 'podman with crun restore',
    lines: [
      'Error: crun: CRIU restoring failed -52.  Please check CRIU logfile /var/lib/containers/storage/overlay-containers/5d6e/userdata/restore.log: OCI runtime error',
    ],
    category: 'unexplained',
    at: 'CRIU restoring failed',
  },
  {
    name: 'LXD stateful stop',
    lines: [
      '$ lxc stop c1 --stateful',
      'Error: snapshot dump failed',
      '(00.083230) Warn  (criu/autofs.c:77): Failed to find pipe_ino option (old kernel?)',
      '(00.359325) Error (compel/src/lib/infect.c:651): Unable to connect a transport socket: Permission denied',
      "(00.359340) Error (criu/cr-dump.c:1531): Can't infect (pid: 10113) with parasite",
      '(00.376281) Error (criu/cr-dump.c:2053): Dumping FAILED.',
      "Try `lxc info --show-log c1` for more info",
    ],
    category: 'transport-socket',
    at: 'Unable to connect a transport socket',
  },
  {
    name: 'containerd without criu binary',
    lines: [
      'E0714 06:49:21.396012  2211 remote_runtime.go:432] "CheckpointContainer from runtime service failed" err="rpc error: code = Unknown desc = failed to checkpoint container \\"7bc2694c41c0\\": criu binary not found in shim path or system PATH"',
    ],
    category: 'runtime-support',
    at: 'criu binary not found',
  },
];

function lineOf(lines: string[], text: string): number {
  const index = lines.findIndex((line) => line.includes(text));
  assert.ok(index >= 0, `no line contains ${JSON.stringify(text)}`);
  return index + 1;
}

describe('held-out failures', () => {
  test('seize warning carries its follow-ons', () => {
    const row = ROWS.find((candidate) => candidate.name === 'task traced by another tracer');
    assert.ok(row);
    const analysis = analyzeText(row.lines.join('\n'));
    const related = analysis.rootCause?.related.map((record) => record.line) ?? [];
    assert.ok(related.includes(lineOf(row.lines, 'Unseizable non-zombie')), `related: ${related.join(', ')}`);
    assert.ok(related.includes(lineOf(row.lines, 'Dumping FAILED')), `related: ${related.join(', ')}`);
  });

  test('table has at least 60 rows', () => {
    assert.ok(ROWS.length >= 60, `${ROWS.length} rows`);
  });

  for (const row of ROWS) {
    test(row.name, { todo: row.todo }, () => {
      const analysis = analyzeText(row.lines.join('\n'));
      const expectedLine = lineOf(row.lines, row.at);
      assert.equal(analysis.rootCause?.category, row.category, `root cause: ${analysis.rootCause?.code} at line ${analysis.rootCause?.record.line}`);
      assert.equal(analysis.rootCause?.record.line, expectedLine, 'root-cause line');
      if (row.code) assert.equal(analysis.rootCause?.code, row.code, 'code');
    });
  }
});
