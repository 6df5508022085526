import type { KbEntry } from '../types';
import { criuConfigFixes, criuOlderThan, describeErrno, explained, podmanFix, upgradeCriu } from './helpers';

/** Names of `level:option` pairs that sockets.c prints in `Can't get L:O opt`. */
const SOCKET_OPTIONS: Record<string, string> = {
  '1:16': 'SOL_SOCKET/SO_PASSCRED',
  '1:34': 'SOL_SOCKET/SO_PASSSEC',
  '1:7': 'SOL_SOCKET/SO_SNDBUF',
  '1:8': 'SOL_SOCKET/SO_RCVBUF',
  '1:25': 'SOL_SOCKET/SO_BINDTODEVICE',
  '1:26': 'SOL_SOCKET/SO_ATTACH_FILTER',
  '1:36': 'SOL_SOCKET/SO_MARK',
  '1:47': 'SOL_SOCKET/SO_PEEK_OFF',
  '6:19': 'SOL_TCP/TCP_REPAIR',
};

export const SOCKET_ENTRIES: readonly KbEntry[] = [
  {
    code: 'tcp.passcred-rejected-by-kernel',
    category: 'tcp',
    title: 'This CRIU cannot dump inet sockets on this kernel (SO_PASSCRED)',
    role: 'cause',
    patterns: [/Can't get 1:(16|34) opt: Operation not supported/],
    explain: ({ match, facts }) => {
      const option = match[1] === '16' ? 'SO_PASSCRED' : 'SO_PASSSEC';
      return explained(
        `CRIU reads the generic socket options of every socket it dumps, among them SOL_SOCKET/${option} (1:${match[1]}). Linux 6.16 and later accept SO_PASSCRED and SO_PASSSEC only on unix, netlink and Bluetooth sockets and return EOPNOTSUPP for inet (TCP, UDP) and packet sockets. CRIU before 4.2 still queries them on every socket, so any container with a listening or connected inet socket fails to dump, whatever options are given. CRIU 4.2 queries them only on unix and netlink sockets.${facts.kernel ? ` Kernel: ${facts.kernel}.` : ''} ${facts.criuVersion ? `CRIU: ${facts.criuVersion}.` : ''}`.trim(),
        [
          `CRIU ${facts.criuVersion && criuOlderThan(facts, '4.2') ? facts.criuVersion + ' is' : 'is'} older than 4.2 and the kernel is 6.16 or newer; the container has at least one TCP or UDP socket (a server port, a DNS client socket, a metrics listener).`,
        ],
        [
          upgradeCriu('4.2', 'it reads SO_PASSCRED and SO_PASSSEC only on unix and netlink sockets (commit "criu/sockets: Restrict SO_PASSCRED and SO_PASSSEC to supported families").'),
          { description: 'Until CRIU is upgraded, only containers without inet sockets can be checkpointed on this kernel (for example run with --network none and no listening sockets), or use a kernel older than 6.16.' },
        ],
      );
    },
  },
  {
    code: 'tcp.socket-option-read-failed',
    category: 'tcp',
    title: 'CRIU could not read a socket option',
    role: 'cause',
    patterns: [/Can't get (\d+):(\d+) opt(?::\s*(.*))?/],
    explain: ({ match }) => {
      const key = `${match[1]}:${match[2]}`;
      return explained(
        `CRIU reads the options of each socket with getsockopt(); reading ${SOCKET_OPTIONS[key] ?? `level ${match[1]}, option ${match[2]}`} failed with ${describeErrno(match[3])}. The kernel rejects this option for this socket type, or the call is blocked.`,
        ['The kernel is newer than this CRIU and changed which sockets accept the option.', 'An LSM denies getsockopt in the parasite\'s context.'],
        [upgradeCriu('the newest release', 'newer releases follow kernel changes in socket options.')],
      );
    },
  },
  {
    code: 'tcp.established-needs-option',
    category: 'tcp',
    title: 'The container has established TCP connections',
    role: 'cause',
    patterns: [/Connected TCP socket, consider using --tcp-established option/],
    explain: () =>
      explained(
        'A task has a TCP connection in ESTABLISHED (or another connected) state. CRIU can save it with the kernel\'s TCP repair mode, but only when asked with --tcp-established, because the peer must not notice and the connection must be restored with the same addresses.',
        [
          'The application has a client connection open (a database connection, an HTTP keep-alive, a message broker).',
          'With Docker or containerd, /etc/criu/default.conf has no effect on options runc sends: runc sets tcp-established itself over RPC.',
        ],
        [
          podmanFix('checkpoint', '--tcp-established', 'Checkpoint established connections; restore needs the same flag.'),
          podmanFix('restore', '--tcp-established', 'Restore established connections.'),
          ...criuConfigFixes('tcp-established', 'tcp-established', 'dump established connections (Docker has no flag for it).'),
        ],
      ),
  },
  {
    code: 'tcp.established-in-image',
    category: 'tcp',
    title: 'The checkpoint contains TCP connections but restore was not told to restore them',
    role: 'cause',
    patterns: [/Connected TCP socket in image/],
    explain: () =>
      explained(
        'The checkpoint was made with --tcp-established, and restore must be given the same option (or --tcp-close to drop the connections).',
        ['The restore command lacks --tcp-established.'],
        [
          podmanFix('restore', '--tcp-established', 'Restore with established connections.'),
          ...criuConfigFixes('tcp-close', 'tcp-close', 'drop the saved connections instead of restoring them.'),
        ],
      ),
  },
  {
    code: 'tcp.connect-back-failed',
    category: 'tcp',
    title: 'A TCP connection could not be recreated',
    role: 'cause',
    patterns: [/Can't connect inet socket back(?::\s*(.*))?/],
    explain: ({ match }) => {
      const errno = match[1]?.trim();
      return explained(
        `Restore recreates each saved TCP connection with its original local and remote address and port, then connects it in repair mode; this failed with ${describeErrno(errno)}.`,
        errno === 'Cannot assign requested address'
          ? ['The local IP address of the connection does not exist in the restored network namespace (restored on another host, or the container got another IP).', 'The original process or its peer still holds the same address/port pair (the container was restored while the original still runs).']
          : errno === 'Address already in use'
            ? ['The original container, or another restore from the same checkpoint, still uses the same address and port.']
            : ['The network namespace of the restored container differs from the checkpoint\'s.'],
        [
          { description: 'Make sure the original container is stopped and nothing else uses the port pair (ss -tanp), then restore again.' },
          { description: 'Restore into a network with the same IP address (podman keeps a static --ip; do not use --ignore-static-ip when connections must survive).' },
          ...criuConfigFixes('tcp-close', 'tcp-close', 'close the saved connections instead of restoring them.'),
        ],
      );
    },
  },
  {
    code: 'tcp.bind-failed-on-restore',
    category: 'tcp',
    title: 'An inet socket could not be bound on restore',
    role: 'cause',
    patterns: [/Can't bind inet socket \(id (\d+)\)(?::\s*(.*))?/],
    explain: ({ match }) =>
      explained(
        `Restore binds socket id ${match[1]} to its original address and port; bind() failed with ${describeErrno(match[2])}.`,
        ['Another process (often the original container) already listens on the same port in this network namespace.', 'The IP address the socket was bound to does not exist after restore.'],
        [{ description: 'Stop the original container and anything else using the port, and restore with the same IP address.' }],
      ),
  },
  {
    code: 'tcp.socket-create-failed',
    category: 'tcp',
    title: 'An inet socket could not be created on restore',
    role: 'cause',
    patterns: [/Can't create inet socket(?::\s*(.*))?$/],
    explain: ({ match }) => {
      const errno = match[1]?.trim();
      const noFamily = errno === 'Address family not supported by protocol';
      return explained(
        `Restore recreates each saved TCP, UDP or raw socket with socket(2) in the task's network namespace before binding it; the call failed with ${noFamily ? 'EAFNOSUPPORT ("Address family not supported by protocol": the kernel has no such address family, usually IPv6)' : describeErrno(errno)}.`,
        noFamily
          ? [
              'The restore host boots with IPv6 disabled (ipv6.disable=1 on the kernel command line) or without IPv6 support, while the checkpointed process had an IPv6 (AF_INET6) socket, as most servers that listen on [::] do.',
              'The checkpoint comes from another host whose kernel has a protocol module that is missing here (sctp, for example).',
            ]
          : ['A seccomp profile or an LSM of the restoring context denies socket creation.', 'The kernel lacks the protocol of the saved socket.'],
        [
          { description: 'Restore on a host whose kernel supports the same address families as the dump host; check with `cat /proc/cmdline` for ipv6.disable=1 and `ls /proc/net/if_inet6`.' },
          { description: 'If the application can live without IPv6, configure it to listen on IPv4 only and checkpoint again.' },
        ],
      );
    },
  },
  {
    code: 'tcp.tcp-close-required',
    category: 'tcp',
    title: 'The checkpoint was made with --tcp-close, and restore lacks it',
    role: 'cause',
    patterns: [/Need to set the --tcp-close options?/],
    explain: () =>
      explained(
        'The inventory image records that the dump ran with --tcp-close, which saves established TCP connections only to close them on restore. CRIU refuses to restore such a checkpoint unless restore is given --tcp-close as well, so that no caller expects the connections to survive.',
        ['The dump ran with tcp-close (a command-line option or a line in a CRIU configuration file) and the restore runs on another host or through another runtime without it.'],
        [
          ...criuConfigFixes('tcp-close', 'tcp-close', 'close the saved connections on restore, as the dump did.'),
          { description: 'Plain criu: add --tcp-close to criu restore.', command: 'criu restore --tcp-close ...', criuOption: 'tcp-close' },
        ],
      ),
  },
  {
    code: 'tcp.in-flight-connection',
    category: 'tcp',
    title: 'A listening socket has connections not yet accepted',
    role: 'cause',
    patterns: [/In-flight connection \(l\) for ([0-9a-f]+)/, /In-flight connections can be ignored with the --(\S+) option/],
    explain: () =>
      explained(
        'A listening TCP socket has connections that completed the handshake but were not yet accepted by the application. CRIU cannot save such half-owned connections.',
        ['The server is under load, or stuck, while the checkpoint runs.'],
        [...criuConfigFixes('skip-in-flight', 'skip-in-flight', 'drop connections that are not yet accepted (their clients will see a reset).')],
      ),
  },
  {
    code: 'tcp.mptcp-socket',
    category: 'tcp',
    title: 'The process uses Multipath TCP',
    role: 'cause',
    patterns: [/For Go programs, consider using "?GODEBUG=multipathtcp=0"?/, /Unsupported proto 262 for socket/],
    explain: () =>
      explained(
        'A socket uses IPPROTO_MPTCP (262). CRIU cannot dump Multipath TCP sockets. Go 1.24 and later create MPTCP listeners by default when the kernel supports them.',
        ['A Go program built with Go 1.24 or later listens on TCP.', 'The application opts into MPTCP explicitly.'],
        [{ description: 'Run Go programs with GODEBUG=multipathtcp=0 (podman run -e GODEBUG=multipathtcp=0), or disable MPTCP in the application.' }],
      ),
  },
  {
    code: 'tcp.unsupported-protocol',
    category: 'tcp',
    title: 'An inet socket uses a protocol CRIU cannot dump',
    role: 'cause',
    patterns: [/Unsupported proto (\d+) for socket ([0-9a-f]+)/, /Can't dump (\d+) inet socket ([0-9a-f]+)\. Only stream, dgram and raw are supported/],
    explain: ({ match }) =>
      explained(
        /Only stream/.test(match[0])
          ? `Inet socket ${match[2]} has type ${match[1]} (5 is SOCK_SEQPACKET, as SCTP uses). CRIU supports only stream, datagram and raw inet sockets.`
          : `Inet socket ${match[2]} uses IP protocol ${match[1]} (132 is SCTP, 136 UDP-Lite). CRIU supports TCP, UDP and raw sockets.`,
        ['The application uses SCTP, UDP-Lite or another protocol.'],
        [{ description: 'Close such sockets before the checkpoint, or switch the application to TCP or UDP.' }],
      ),
  },
  {
    code: 'tcp.unsupported-state',
    category: 'tcp',
    title: 'A TCP socket is in a state CRIU cannot dump',
    role: 'cause',
    patterns: [/Unknown inet socket ([0-9a-f]+) state (\d+)/, /Socket state (\d+) obtained but expected (\d+)/],
    explain: ({ match }) =>
      explained(
        `A TCP socket is in kernel state ${match[2] ?? match[1]} (2 SYN_SENT, 3 SYN_RECV, 4 FIN_WAIT1, 8 CLOSE_WAIT ...). CRIU dumps listening, established and some closing states; a connection in the middle of its handshake or teardown cannot be repaired.`,
        ['A connection was being opened or closed exactly when the task was frozen.'],
        [{ description: 'Retry the checkpoint when the application is idle.' }],
      ),
  },
  {
    code: 'tcp.repair-unavailable',
    category: 'tcp',
    title: 'TCP repair mode is not available',
    role: 'cause',
    patterns: [/TCP_REPAIR isn't available to unprivileged users/, /Can't turn TCP repair mode ON/, /Can't enable repair mode|Can't set TCP_REPAIR/],
    explain: () =>
      explained(
        'Saving or restoring TCP connections needs the TCP_REPAIR socket option, which requires CAP_NET_ADMIN in the socket\'s network namespace and a kernel built with TCP repair support (3.11 and later).',
        ['CRIU runs without root or without CAP_NET_ADMIN (rootless podman, --unprivileged).'],
        [{ description: 'Checkpoint containers with established connections as root (sudo podman).' }],
      ),
  },
  {
    code: 'tcp.corked-datagram',
    category: 'tcp',
    title: 'A UDP socket has corked data',
    role: 'cause',
    patterns: [/Can't dump corked dgram socket ([0-9a-f]+)/],
    explain: ({ match }) =>
      explained(
        `UDP socket ${match[1]} has data pending under UDP_CORK (or MSG_MORE). CRIU cannot save an unfinished datagram.`,
        ['The application builds datagrams with UDP_CORK and was frozen in the middle.'],
        [{ description: 'Retry the checkpoint; it usually succeeds when no datagram is being assembled.' }],
      ),
  },
  {
    code: 'unix-socket.half-stream-connection',
    category: 'unix-socket',
    title: 'A unix stream socket is connected to a process outside the container',
    role: 'cause',
    patterns: [/Can't dump half of stream unix connection(?:\. name: (.*); peer name: (.*))?/],
    explain: ({ match }) =>
      explained(
        `A connected SOCK_STREAM unix socket${match[1] ? ` (name ${match[1].trim() || 'none'}, peer ${match[2]?.trim() || 'none'})` : ''} has its peer in a process that is not being dumped. CRIU can save only one end, and --ext-unix-sk covers external datagram sockets and (with an inode) sockets named with --external unix[ino]; it cannot recreate a stream connection to a process it does not restore.`,
        [
          'The application talks to a daemon outside the container over a bind-mounted socket (docker.sock, the D-Bus system bus, systemd journal / notify socket, a database socket on a volume).',
          'A process was started with a socket inherited from its launcher (systemd socket activation, a supervisor).',
        ],
        [
          { description: 'Include the peer in the dump (run both processes in the same container), or make the application close the connection before the checkpoint and reconnect after restore.' },
          { description: 'Plain criu: mark the socket external with `--external unix[<inode>]` on dump and pass a replacement with `--inherit-fd fd[N]:socket:[<inode>]` on restore (the inode is in the log line "Dumping unix socket ... ino").' },
        ],
      ),
  },
  {
    code: 'unix-socket.external-socket',
    category: 'unix-socket',
    title: 'A unix socket is connected to a socket outside the container',
    role: 'cause',
    patterns: [/External socket is used\. Consider using --ext-unix-sk option/],
    explain: () =>
      explained(
        'A unix socket of the task is connected to a socket that belongs to no dumped process (typically a datagram socket sending to /dev/log or a host daemon). CRIU dumps it only with --ext-unix-sk, and on restore reconnects it by name.',
        ['The application logs to /dev/log (syslog) bound from the host, or sends to another host daemon\'s datagram socket.'],
        [
          ...criuConfigFixes('ext-unix-sk', 'ext-unix-sk', 'allow unix sockets connected to the outside.'),
          { description: 'Plain criu: add --ext-unix-sk on dump and restore.', command: 'criu dump --ext-unix-sk ...', criuOption: 'ext-unix-sk' },
        ],
      ),
  },
  {
    code: 'unix-socket.peer-in-other-namespace',
    category: 'unix-socket',
    title: 'A unix socket is connected to a socket in another network namespace',
    role: 'cause',
    patterns: [/Unix socket (\d+) without peer (\d+)/],
    explain: ({ match }) =>
      explained(
        `Unix socket ${match[1]} is connected to socket ${match[2]}, which CRIU did not find. CRIU lists unix sockets through sock_diag in each network namespace it dumps (criu/sk-unix.c), so a peer in any other namespace, such as the host's, is missing from that list. --ext-unix-sk does not help, because that option applies only to peers CRIU has found.`,
        [
          'The container reaches a host daemon through a bind-mounted socket (the podman or Docker API socket, D-Bus, the systemd journal) while the container has its own network namespace.',
          'The process inherited a connected socket from its launcher on the host.',
        ],
        [
          { description: 'Make the application close the connection before the checkpoint and reconnect after restore, or run the peer inside the container.' },
          { description: 'Find both sockets by their inodes in the output of `ss -x -a -p` on the host.' },
        ],
      ),
  },
  {
    code: 'unix-socket.external-in-image',
    category: 'unix-socket',
    title: 'The checkpoint has external unix sockets but restore did not allow them',
    role: 'cause',
    patterns: [/External socket found in image\. Consider using the --ext-unix-sk option/],
    explain: () =>
      explained('The checkpoint was made with --ext-unix-sk, and restore needs the same option.', ['The restore command or config file lacks ext-unix-sk.'], [...criuConfigFixes('ext-unix-sk', 'ext-unix-sk', 'allow external unix sockets on restore.')]),
  },
  {
    code: 'unix-socket.nameless-external',
    category: 'unix-socket',
    title: 'An external unix socket has no name',
    role: 'cause',
    patterns: [/Can't dump name-less external socket/],
    explain: () =>
      explained(
        'A unix socket is connected to an outside peer that has no filesystem name (a socketpair end or an abstract socket). CRIU reconnects external sockets by name, so it cannot restore this one.',
        ['A socketpair shared with the runtime or a launcher (conmon, a supervisor).', 'An abstract-namespace socket shared with the host.'],
        [{ description: 'Close the inherited socket in the application, or use `--external unix[<inode>]` and --inherit-fd when calling criu yourself.' }],
      ),
  },
  {
    code: 'unix-socket.dangling-connection',
    category: 'unix-socket',
    title: 'A connected unix stream socket has no peer',
    role: 'cause',
    patterns: [/Dangling connection (\d+)/],
    explain: ({ match }) =>
      explained(
        `Unix socket ${match[1]} is a connected stream or seqpacket socket whose peer CRIU cannot find: the kernel reports no peer inode, and no listener of the dump has it in its accept queue. CRIU accepts that state only for a connection shut down in both directions (it dumps it as semi-closed), so it stops.`,
        [
          'The task connected to a listener outside the container (a host socket reached through a bind mount) that has not accepted the connection yet.',
          'The peer closed its end and the task never shut the socket down.',
        ],
        [
          { description: 'Make the outside listener accept the connection, or close the socket in the application before the checkpoint and reconnect after restore.' },
          { description: `Find the socket: \`ss -x -a -n\` in the container's network namespace lists ${match[1]} with peer 0.` },
        ],
      ),
  },
  {
    code: 'unix-socket.bind-failed-on-restore',
    category: 'unix-socket',
    title: 'A unix socket could not be bound on restore',
    role: 'cause',
    // criu/sk-unix.c prints the id with %#x, so id 0 appears as "0". An abstract address starts with
    // a NUL byte and prints as nothing. CRIU before 3.11 printed "Can't bind socket" without details.
    patterns: [
      /Can't bind id (0x[0-9a-f]+|0) ino (\d+) addr (.*?)(?::\s*([A-Z][a-z].*))?$/,
      /ghost: Can't bind on socket id (0x[0-9a-f]+|0) ino (\d+) addr (.*?)(?::\s*([A-Z][a-z].*))?$/,
      /^sk unix: Can't bind socket(?: after move)?(?::\s*([A-Z][a-z].*))?$/,
    ],
    explain: ({ match }) => {
      const oldWording = match[0].includes("Can't bind socket");
      const errno = oldWording ? match[1] : match[4];
      const socket = oldWording ? 'a unix socket' : `unix socket ${match[1]} (inode ${match[2]} at dump time)`;
      let address = `its path ${match[3]}`;
      if (oldWording) address = 'its address';
      else if (match[3] === '') address = 'an abstract address (the log prints it as empty)';
      const inUse = errno === 'Address already in use';
      return explained(
        `Restore binds ${socket} to ${address}; bind() failed with ${describeErrno(errno)}.${
          inUse
            ? ' Before binding, CRIU removes a stale socket file at the path, but it keeps any file that is not a socket and never touches abstract addresses, which belong to the network namespace. So the address is taken by a non-socket file, or by a live socket of another process that shares the network namespace.'
            : ''
        }`,
        inUse
          ? [
              'The container shares the host network namespace (--network host) or another container\'s, and the original process, or a copy restored earlier, still holds the abstract address.',
              'A regular file or directory now exists at the socket path in the restored filesystem.',
              'The original container still runs (checkpointed with --leave-running) with the same volume that holds the socket path.',
            ]
          : [
              'The directory of the socket does not exist in the restored filesystem (ENOENT), e.g. a tmpfs /run that was not recreated.',
              'An LSM or the directory permissions deny creating the socket file (EACCES).',
            ],
        [
          { description: 'Stop the process that holds the address (`ss -xlp` lists listening unix sockets with their owners), remove a non-socket file at the path, and make sure the socket\'s directory exists with the same volumes mounted, then restore again.' },
          { description: 'Restore into a fresh network namespace (the podman default) instead of the host\'s, so that abstract addresses cannot collide.' },
        ],
      );
    },
  },
  {
    code: 'unix-socket.connect-failed-on-restore',
    category: 'unix-socket',
    title: 'A unix socket could not be reconnected to its peer on restore',
    role: 'cause',
    patterns: [/Can't connect (\d+) socket(?::\s*(.*))?$/],
    explain: ({ match }) =>
      explained(
        `Restore reconnects unix socket ${match[1]} (the inode number at dump time) to the address of its peer; connect() failed with ${describeErrno(match[2])}. For a socket whose peer was outside the dump (allowed with --ext-unix-sk), the peer must listen at the same path when the restore runs. ECONNREFUSED means the path exists but nothing listens there, ENOENT that the path is missing.`,
        [
          'The peer is a host daemon (syslog on /dev/log, journald, D-Bus) that is not running, or listens at another path, on the restore host.',
          'The socket file comes from a volume or tmpfs that was not mounted the same way at restore.',
          'The peer daemon was restarted after the checkpoint and recreated its socket file; datagram peers are then reachable again, stream peers are not.',
        ],
        [
          { description: 'Start the peer daemon on the restore host at the same path (check with `ls -l PATH` and `ss -xlp | grep PATH`) and restore again.' },
          { description: 'Otherwise make the application reconnect after restore instead of keeping the socket across the checkpoint.' },
        ],
      ),
  },
  {
    code: 'kernel-feature.unix-socket-name-resolution',
    category: 'kernel-feature',
    title: 'The kernel is too old to resolve unix socket names',
    role: 'cause',
    patterns: [/Unable to resolve unix socket name with obsolete method/],
    explain: () =>
      explained('CRIU finds the file of a bound unix socket with the SIOCUNIXFILE ioctl (Linux 4.10 and later); on this kernel it fell back to an older method, which failed.', ['The kernel is older than 4.10.'], [{ description: 'Run a kernel 4.10 or newer.' }]),
  },
  {
    code: 'unix-socket.queued-control-messages',
    category: 'unix-socket',
    title: 'A unix socket queue holds control messages CRIU cannot dump',
    role: 'cause',
    patterns: [/Control messages in queue, not supported/, /More than 1 SCM is not possible/, /Unsupported scm (\d+) in image/],
    explain: () =>
      explained(
        'A unix socket has unread messages carrying ancillary data (passed descriptors or credentials) that CRIU cannot save: it supports at most one SCM_RIGHTS message per packet and no other control message types.',
        ['The application passes file descriptors over unix sockets and a message was in flight during the checkpoint.'],
        [{ description: 'Retry when the queue is drained.' }],
      ),
  },
  {
    code: 'netlink.unread-data',
    category: 'netlink',
    title: 'A netlink socket has unread messages',
    role: 'cause',
    patterns: [/The socket has data to read/],
    explain: () =>
      explained('A netlink socket of the task has messages the application did not read yet. CRIU cannot save the receive queue of netlink sockets.', ['A program that listens to kernel events (udev, routing or audit messages) was frozen with messages queued.'], [{ description: 'Retry the checkpoint when the application is idle, or stop the event listener first.' }]),
  },
  {
    code: 'netlink.groups-unsupported',
    category: 'netlink',
    title: 'A netlink socket subscription cannot be dumped',
    role: 'cause',
    patterns: [/Groups above 32 are not supported yet/, /The netlink socket (0x[0-9a-f]+) has more than 32 groups/, /The netlink socket (0x[0-9a-f]+) is bound to groups but not to portid/],
    explain: () =>
      explained('A netlink socket subscribes to multicast groups in a way CRIU cannot record: more than 32 groups, or groups without a bound port id.', ['A network manager or monitoring tool inside the container subscribes to many netlink groups.'], [{ description: 'Restart the netlink listener after restore instead of checkpointing it, or use a simpler subscription.' }]),
  },
  {
    code: 'netlink.diag-missing',
    category: 'netlink',
    title: 'The kernel lacks the socket diag module for a socket family',
    role: 'cause',
    patterns: [/Diag module missing \((\d+)\)/, /Sockets \(family (\d+) proto (\d+)\) are not collected/],
    explain: ({ match }) =>
      explained(
        `CRIU lists sockets through the sock_diag netlink interface, and the kernel has no diag module for family ${match[1]}${match[2] ? `, protocol ${match[2]}` : ''} (1 unix, 2 inet, 10 inet6, 16 netlink, 17 packet). Without it CRIU cannot inspect such sockets.`,
        ['The diag modules (unix_diag, inet_diag, tcp_diag, udp_diag, netlink_diag, packet_diag) are not loaded or not built.'],
        [{ description: 'Load the modules: modprobe -a unix_diag inet_diag tcp_diag udp_diag netlink_diag packet_diag; `criu check` lists missing ones.' }],
      ),
  },
  {
    code: 'netlink.packet-socket-restore-failed',
    category: 'netlink',
    title: 'A packet socket could not be bound to its interface on restore',
    role: 'cause',
    patterns: [/Can't bind packet socket to (\S+?)(?::\s*(.*))?$/, /Can't get interface name \(ifindex (\d+)\)(?::\s*(.*))?$/],
    explain: ({ match }) =>
      explained(
        /ifindex/.test(match[0])
          ? `An AF_PACKET socket was bound to the interface with index ${match[1]}, and the restored network namespace has no interface with that index (${describeErrno(match[2])}).`
          : `An AF_PACKET socket (raw Ethernet access, as DHCP clients, tcpdump and keepalived use) was bound to interface ${match[1]}; binding it again failed with ${describeErrno(match[2])}. The interface must exist under the same name in the restored network namespace.`,
        [
          'The container is restored with a different network setup (another network, fewer interfaces, a different interface name).',
          'The interface was added to the container by hand after it started (ip link set ... netns), so the runtime does not recreate it.',
        ],
        [
          { description: 'Restore the container with the same networks and interface names as at checkpoint time (podman restore keeps them unless told otherwise, for example by --ignore-static-ip or --ignore-static-mac).' },
          { description: 'Or stop the packet-socket user (DHCP client, capture tool) before checkpointing and start it again after restore.' },
        ],
      ),
  },
];
