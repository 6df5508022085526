import type { KbEntry } from '../types';
import { criuConfigFixes, criuOlderThan, describeErrno, explained, formatBytes, upgradeCriu } from './helpers';

/** Tools CRIU runs while dumping or restoring a network namespace, with the package that ships them. */
const NETWORK_TOOLS: Record<string, { package: string; purpose: string }> = {
  ip: { package: 'iproute2', purpose: 'save and restore IP addresses, routes and rules of the network namespace' },
  'iptables-restore': { package: 'iptables', purpose: 'lock the network (drop packets of the dumped connections) and restore firewall rules' },
  'ip6tables-restore': { package: 'iptables', purpose: 'lock the IPv6 network and restore IPv6 firewall rules' },
  'iptables-save': { package: 'iptables', purpose: 'save the namespace\'s firewall rules' },
  'ip6tables-save': { package: 'iptables', purpose: 'save the namespace\'s IPv6 firewall rules' },
  'iptables-legacy-restore': { package: 'iptables', purpose: 'lock the network with the legacy iptables backend' },
  nft: { package: 'nftables', purpose: 'save and restore nftables rules' },
};

export const NAMESPACE_ENTRIES: readonly KbEntry[] = [
  {
    code: 'namespace.network-tool-missing',
    category: 'namespace',
    title: 'A tool CRIU needs for the network namespace is not installed',
    role: 'cause',
    patterns: [/execvp\("([^"]+)", \.\.\.\) failed(?::\s*(.*))?/],
    explain: ({ match }) => {
      const tool = match[1];
      const known = NETWORK_TOOLS[tool];
      return explained(
        `CRIU runs the external program ${tool}${known ? ` to ${known.purpose}` : ''}, and starting it failed with ${describeErrno(match[2])}. CRIU looks it up in the PATH of the environment where CRIU itself runs (the runtime's root), not inside the container. The messages after this one ("IP tool failed", "Locking network failed") are consequences.`,
        [
          `${tool} is not installed where CRIU runs${known ? ` (package ${known.package})` : ''}: minimal hosts, chroots and runtime roots often lack it.`,
          'CRIU runs with an empty or short PATH (env -i, a systemd unit).',
        ],
        [
          { description: `Install ${known ? known.package : tool} on the host (or in the root where podman, the runtime and CRIU run), e.g. apt-get install ${known ? known.package : tool} or dnf install ${known ? known.package : tool}.` },
          { description: 'Make sure PATH includes /usr/sbin and /sbin for the process that starts CRIU.' },
        ],
      );
    },
  },
  {
    code: 'namespace.network-lock-failed',
    category: 'namespace',
    title: 'CRIU could not lock the container\'s network',
    role: 'cause',
    patterns: [/Locking network failed: iptables-restore returned (-?\d+)/, /Locking network failed using nftables/],
    explain: ({ match }) =>
      explained(
        `Before freezing tasks with network connections, CRIU installs firewall rules that drop their traffic ("network lock"); applying them ${match[1] ? `with iptables-restore failed (returned ${match[1]}; -1 means the program could not be run at all)` : 'with nftables failed'}.`,
        [
          ...(match[1] === '-1' ? ['iptables-restore is missing where CRIU runs; an execvp error before this line confirms it.'] : []),
          'The kernel lacks the netfilter modules CRIU\'s rules use (CONFIG_NETFILTER_XT_MARK, the iptables or nftables tables).',
          'iptables uses the nft backend while CRIU expects the legacy one, or the reverse.',
        ],
        [
          { description: 'Install iptables on the host (apt-get install iptables / dnf install iptables) and check that `iptables-restore --version` works as root.' },
          ...criuConfigFixes('network-lock', 'network-lock nftables', 'use nftables for the network lock (needs a CRIU built with libnftables).'),
        ],
      ),
  },
  {
    code: 'namespace.unsupported-link',
    category: 'namespace',
    title: 'The network namespace has an interface type CRIU cannot dump',
    role: 'cause',
    patterns: [/Unsupported link (\d+) \(type (\d+) kind (.*)\)/, /Unsupported link type (\d+)/],
    explain: ({ match }) =>
      explained(
        match[3] !== undefined
          ? `CRIU saves every interface of a dumped network namespace and knows how to recreate loopback, veth, tun/tap, macvlan, sit, bridge and a few others. Interface ${match[1]} is of kind "${match[3].trim() || 'none'}" (ARPHRD type ${match[2]}), which it cannot recreate, so the dump stops.`
          : `The image contains a network interface of type ${match[1]} that this CRIU cannot recreate on restore.`,
        [
          'A VPN or overlay tool inside the container created its own interface (WireGuard, VXLAN, GRE, ipvlan).',
          'The interface was moved into the container from the host (`ip link set <dev> netns <pid>`).',
        ],
        [
          { description: 'Delete the interface before checkpointing and let the application create it again after restore (`ip link del <dev>` inside the container).' },
          { description: 'Or run the tunnel on the host and give the container a plain veth network.' },
        ],
      ),
  },
  {
    code: 'namespace.iptables-legacy-missing',
    category: 'namespace',
    title: 'The checkpoint has iptables rules but the host has no legacy iptables',
    role: 'cause',
    patterns: [/Can't restore ip(6?)tables dump - no legacy version present/],
    explain: ({ match }) =>
      explained(
        `The checkpoint contains the network namespace's ip${match[1]}tables rules as written by ip${match[1]}tables-save. CRIU built with nftables support restores such rules only with the legacy backend (ip${match[1]}tables-legacy-restore, or an ip${match[1]}tables-restore that reports "legacy"), and this host has only the nftables-based tools.`,
        [
          'The dump host used legacy iptables and the restore host switched to iptables-nft (most current distributions).',
          'The iptables-legacy binaries are not installed where CRIU runs.',
        ],
        [
          { description: 'Install the legacy tools on the restore host (Debian/Ubuntu: apt-get install iptables, which ships iptables-legacy-restore; Fedora: dnf install iptables-legacy).' },
          { description: 'Or use the same iptables backend on dump and restore hosts (update-alternatives --display iptables).' },
        ],
      ),
  },
  {
    code: 'namespace.sysctl-restore-failed',
    category: 'namespace',
    title: 'A namespaced sysctl could not be restored',
    role: 'cause',
    patterns: [/Can't open sysctl (\S+?)(?::\s*(.*))?$/],
    explain: ({ match }) => {
      const name = match[1];
      const isIpv6 = /ipv6/.test(name);
      return explained(
        `Restore writes the sysctls it saved for the task's namespaces (network, IPC, UTS) through /proc/sys inside a helper process; opening ${name} failed with ${describeErrno(match[2])}. The "worker failed" line that follows reports the same failure.`,
        [
          ...(isIpv6 ? ['IPv6 is disabled on the restore host (ipv6.disable=1), so /proc/sys/net/ipv6 does not exist.'] : []),
          'The restore host runs a kernel without this sysctl (older or differently configured than the dump host).',
          'The sysctl belongs to an interface that does not exist in the restored network namespace.',
        ],
        [
          { description: `Check the sysctl on the restore host (sysctl ${name.replace(/\//g, '.')}) and restore on a host with the same kernel features${isIpv6 ? ', with IPv6 enabled' : ''}.` },
        ],
      );
    },
  },
  {
    code: 'namespace.external-ns-missing',
    category: 'namespace',
    title: 'Restore has no namespace for an external namespace key',
    role: 'cause',
    patterns: [/Unable to find an external (netns|pidns): (\S+)/],
    explain: ({ match }) =>
      explained(
        `The checkpoint marks the task's ${match[1] === 'netns' ? 'network' : 'PID'} namespace as external under the key ${match[2]}: it was not created by the container but joined from outside (runc and crun do this when the OCI spec names an existing namespace path). Restore needs the caller to hand in a namespace for that key (--inherit-fd fd[N]:${match[2]}), and none was passed.`,
        [
          'The checkpoint is restored by a different runtime or runtime configuration than the one that dumped it, and the new configuration creates a namespace instead of naming an existing path.',
          'criu restore is run by hand without the --inherit-fd the runtime would add.',
        ],
        [
          { description: 'Restore with the same engine and the same namespace setup (for example the same --network option) as the checkpoint.' },
          { description: `When calling criu yourself, open the namespace file and pass it: \`criu restore --inherit-fd fd[3]:${match[2]} 3</var/run/netns/<name> ...\`` },
        ],
      ),
  },
  {
    code: 'namespace.nested-pid-namespace',
    category: 'namespace',
    title: 'A task inside the dumped tree created its own PID namespace',
    role: 'cause',
    patterns: [/Can't dump nested pid namespace for (\d+)/],
    explain: ({ match }) =>
      explained(
        `Task ${match[1]} lives in a PID namespace below the one being dumped. CRIU supports one PID namespace per dump (the container's), not namespaces nested inside it.`,
        [
          'CRIU was pointed at a process outside the container (containerd-shim, conmon, crun, a shell running `unshare -p`), so the container\'s init is a nested namespace.',
          'A process inside the container runs its own PID namespace (a nested container, bubblewrap, Chrome\'s sandbox, systemd-nspawn).',
        ],
        [
          { description: 'Dump the container, not its shim: use podman container checkpoint, runc checkpoint or docker checkpoint create, or pass the PID of the container\'s init to criu -t.' },
          { description: 'Disable the application\'s own sandboxing (for Chrome: --no-sandbox) when it must be checkpointed.' },
        ],
      ),
  },
  {
    code: 'namespace.nested-namespace',
    category: 'namespace',
    title: 'A task inside the dumped tree created its own namespace',
    role: 'cause',
    patterns: [/Can't dump nested (\w+) namespace for (\d+)/],
    explain: ({ match }) =>
      explained(
        `Task ${match[2]} uses a ${match[1]} namespace that differs from the root task's. CRIU dumps only the namespaces of the root task for this type and cannot restore sub-namespaces of it.`,
        ['A sandbox inside the container (bubblewrap, a browser sandbox, a nested container) created its own namespaces.'],
        [{ description: 'Run the workload without nested namespaces, or checkpoint only the inner process tree.' }],
      ),
  },
  {
    code: 'namespace.pidns-without-init',
    category: 'namespace',
    title: 'The PID namespace\'s init is not part of the dump',
    role: 'cause',
    patterns: [/Can't dump a pid namespace without the process init/, /Can't restore pid namespace without the process init/],
    explain: () =>
      explained('CRIU dumps a PID namespace only together with its init process (PID 1 inside it); the tree given with -t starts below init.', ['criu -t was given a child of the container\'s init instead of the init itself.'], [{ description: 'Dump from the container\'s PID 1 (`podman inspect --format "{{.State.Pid}}" <container>`).' }]),
  },
  {
    code: 'namespace.userns-id-not-mapped',
    category: 'namespace',
    title: 'A user or group id is not mapped in the task\'s user namespace',
    role: 'cause',
    patterns: [/Unable to convert uid or gid/],
    explain: () =>
      explained(
        'CRIU translates the ids it records into the dumped user namespace; an id has no mapping there. CRIU also needs root (id 0) to be mapped in that user namespace to enter its other namespaces.',
        [
          'The process runs in a user namespace that maps only its own uid (a sandboxing launcher, a rootless desktop sandbox: "1000 1000 1").',
          'A file or process belongs to an id outside the container\'s idmap (podman --uidmap with a small range).',
        ],
        [{ description: 'Checkpoint processes whose user namespace maps uid 0 (regular rootful containers or podman --userns with a full range); sandboxed desktop programs cannot be checkpointed this way.' }],
      ),
  },
  {
    code: 'namespace.userns-not-owner',
    category: 'namespace',
    title: 'A namespace does not belong to the dumped user namespace',
    role: 'cause',
    patterns: [/One or more namespaces doesn't belong to the target user namespace/],
    explain: () =>
      explained('CRIU requires every namespace of the dumped tree to be owned by the tree\'s user namespace; at least one was created by another (usually the host\'s) user namespace.', ['The container joins a namespace of the host or of another container (--network host, --ipc host, --pid container:X) while using a user namespace.'], [{ description: 'Give the container private namespaces (no --network host / --ipc host / --pid host) when it runs in a user namespace.' }]),
  },
  {
    code: 'kernel-feature.time-namespace-unsupported',
    category: 'kernel-feature',
    title: 'The kernel has no time namespaces',
    role: 'cause',
    patterns: [/Unable to create a new time namespace/, /Time namespaces are not supported/],
    explain: () =>
      explained('The checkpoint contains a time namespace (CLOCK_MONOTONIC and BOOTTIME offsets), and restore needs the kernel to create one. Time namespaces exist since Linux 5.6 (CONFIG_TIME_NS).', ['The restore host runs an older kernel or one built without CONFIG_TIME_NS.'], [{ description: 'Restore on a kernel 5.6 or newer with CONFIG_TIME_NS.' }]),
  },
  {
    code: 'namespace.sysv-shm-outside-ipcns',
    category: 'namespace',
    title: 'A SysV shared memory segment is outside the dumped IPC namespace',
    role: 'cause',
    patterns: [/Task (\d+) with SysVIPC shmem map @([0-9a-f]+) doesn't live in IPC ns/],
    explain: ({ match }) =>
      explained(`Task ${match[1]} maps a SysV shared memory segment at 0x${match[2]} that belongs to the host's IPC namespace. CRIU dumps SysV IPC objects only as part of a dumped IPC namespace.`, ['The container shares the host IPC namespace (--ipc host).', 'criu dump was run without dumping the IPC namespace.'], [{ description: 'Give the container its own IPC namespace (the podman default).' }]),
  },
  {
    code: 'namespace.tun-without-netns',
    category: 'namespace',
    title: 'A tun device needs a dumped network namespace',
    role: 'cause',
    patterns: [/Net namespace is required to dump tun link/, /Can't dump tun-file device/],
    explain: () =>
      explained('The task has a tun/tap device open. CRIU restores tun devices only together with the network namespace they live in.', ['The container uses the host network (--network host) while the process opens /dev/net/tun (VPN clients, slirp4netns).'], [{ description: 'Run the container with its own network namespace, or close the tun device before checkpointing.' }]),
  },
  {
    code: 'cgroup.move-task-failed',
    category: 'cgroup',
    title: 'Restore could not put a task into its cgroup',
    role: 'cause',
    patterns: [/Can't move (\S+) into (\S+) \((-?\d+)\/(-?\d+)\)(?::\s*(.*))?/, /Can't move into (\S+) \((-?\d+)\/(-?\d+)\)(?::\s*(.*))?/, /cgroupd: Can't move thread (\d+) into (\S+)/],
    explain: ({ match, facts }) => {
      const target = /^\d+$/.test(match[1] ?? '') ? match[2] : match[1];
      const errno = match.slice(1).reverse().find((group) => group !== undefined && /[a-z] [a-z]/.test(group));
      return explained(
        `Restore writes each task into the cgroup.procs (or cgroup.threads) file of the cgroup it was dumped from, here ${target}; the write failed${errno ? ` with ${describeErrno(errno)}` : ''}. When a container engine restores, the engine creates a new cgroup and moves the process itself, so CRIU should not place it at all.`,
        [
          `The runtime did not pass --manage-cgroups-mode ignore, or CRIU ${criuOlderThan(facts, '3.17') ? facts.criuVersion + ' ' : ''}is older than 3.17, whose "ignore" mode still tried to place tasks in the recorded cgroup.`,
          'The checkpoint is restored under a different cgroup path (another container name or id, another systemd slice) than it was dumped from.',
          'cgroup v1 and v2 differ between the dump host and the restore host.',
        ],
        [
          upgradeCriu('3.17', 'its --manage-cgroups=ignore no longer moves tasks into the recorded cgroups; crun and runc pass ignore when podman restores into a new cgroup.'),
          ...criuConfigFixes('manage-cgroups', 'manage-cgroups ignore', 'leave cgroup placement to the runtime.'),
        ],
      );
    },
  },
  {
    code: 'cgroup.property-restore-failed',
    category: 'cgroup',
    title: 'A cgroup setting could not be restored',
    role: 'cause',
    patterns: [/Failed writing (.+) to (\S+?)(?::\s*(.*))?$/, /Restoring (\S+) special property failed/, /Restoring special cpuset props failed/],
    explain: ({ match }) =>
      explained(
        `CRIU restores cgroup properties it dumped (cpuset, memory limits, ...) when it manages cgroups; writing ${match[1]} to ${match[2] ?? 'the cgroup'} failed${match[3] ? ` with ${describeErrno(match[3])}` : ''}.`,
        ['The restore host has other CPUs or memory nodes (cpuset.cpus) than the dump host.', 'A controller is not enabled for the cgroup on this host.'],
        [...criuConfigFixes('manage-cgroups', 'manage-cgroups soft', 'restore only the cgroup placement, not its settings.')],
      ),
  },
  {
    code: 'cgroup.freeze-failed',
    category: 'cgroup',
    title: 'The container\'s cgroup could not be frozen',
    role: 'cause',
    patterns: [/Unable to freeze cgroup (\S+)/, /Neither a cgroupv1 \(freezer\.state\) or cgroupv2 \(cgroup\.freeze\) control file found/],
    explain: ({ match }) =>
      explained(
        `CRIU stops all tasks of a container with the cgroup freezer${match[1] ? ` (${match[1]})` : ''} before seizing them; ${/Neither/.test(match[0]) ? 'no freezer control file exists for the given cgroup' : 'the freezer did not reach FROZEN within the timeout'}.`,
        ['A task is in uninterruptible sleep (D state: NFS, FUSE, a stuck disk) and cannot be frozen.', 'The runtime passed a freezer cgroup path that does not exist in this cgroup hierarchy (v1 vs v2 mismatch).'],
        [
          { description: 'Check for tasks in D state (ps -o pid,stat,wchan -p PID) and retry when they are runnable.' },
          ...criuConfigFixes('timeout', 'timeout 30', 'give the freezer more time (seconds).'),
        ],
      ),
  },
  {
    code: 'cgroup.controller-mount-failed',
    category: 'cgroup',
    title: 'CRIU could not mount a cgroup controller recorded in the checkpoint',
    role: 'cause',
    patterns: [/Can't mount controller dir (\S+?)(?::\s*(.*))?$/, /Unable to mount the cgroup \((\S+)\) file system(?::\s*(.*))?$/],
    explain: ({ match }) => {
      const controller = match[1].replace(/^.*\//, '');
      return explained(
        `On restore CRIU mounts each cgroup controller recorded in the checkpoint into a temporary directory (.criu.cgyard.*) to find and create the container's cgroups; mounting controller "${controller}" failed with ${describeErrno(match[2])}. On cgroup v1, EINVAL means the kernel has no v1 hierarchy with that name: the controller does not exist on this host or is bound to the v2 hierarchy.`,
        [
          'The dump host and the restore host differ in kernel version or cgroup setup, so a controller recorded at dump time (for example "misc", which Linux 5.13 added) is not available as a cgroup v1 hierarchy here.',
          'The restore host mixes cgroup v1 and v2 (hybrid mode) differently from the dump host.',
        ],
        [
          { description: 'Restore on a node with the same kernel and cgroup layout as the dump host (compare `cat /proc/cgroups` and `stat -fc %T /sys/fs/cgroup` on both).' },
          { description: 'Prefer cgroup v2 on both hosts (systemd.unified_cgroup_hierarchy=1), where CRIU records a single hierarchy.' },
        ],
      );
    },
  },
  {
    code: 'cgroup.cgroup-missing-on-restore',
    category: 'cgroup',
    title: 'A cgroup of the checkpoint does not exist on the restore host',
    role: 'cause',
    patterns: [/Cgroup dir (\S+) doesn't exist/],
    explain: ({ match }) =>
      explained(
        `The checkpoint places tasks into cgroup ${match[1]}. In the "none" and "props" cgroup modes (--manage-cgroups=none or props) CRIU does not create missing cgroups, so the directory must exist before restore; it does not.`,
        [
          'The container is restored under another name or ID, so its cgroup path (systemd scope, Docker or Kubernetes slice) differs from the recorded one.',
          'A CRIU configuration file sets manage-cgroups to none or props.',
        ],
        [
          ...criuConfigFixes('manage-cgroups', 'manage-cgroups soft', 'let CRIU create missing cgroups and restore their settings where it can.'),
          { description: 'Or leave placement to the runtime with manage-cgroups ignore, which crun and runc select when they create a new cgroup for the restored container.' },
        ],
      ),
  },
  {
    code: 'cgroup.memory-reserve-failed',
    category: 'cgroup',
    title: 'Restore could not reserve memory for the restored process',
    role: 'cause',
    patterns: [/Unable to reserve memory \((\d+) bytes\)(?::\s*(.*))?/],
    explain: ({ match }) =>
      explained(
        `Before mapping the saved memory, CRIU reserves one area large enough for all private mappings of a task (${formatBytes(Number(match[1]))}); the mmap() failed with ${describeErrno(match[2])}. The reservation counts against the memory limits of the restored container and of the host.`,
        [
          'The container is restored with a lower memory limit (podman --memory, a Kubernetes limit) than the process used at checkpoint time.',
          'The host has less free memory, or strict overcommit (vm.overcommit_memory=2) refuses the reservation.',
        ],
        [
          { description: 'Restore with at least the memory limit the container had when it was checkpointed, on a host with enough free memory (free -h; cat /proc/sys/vm/overcommit_memory).' },
        ],
      ),
  },
  {
    code: 'cgroup.cgroupd-lost-peer',
    category: 'cgroup',
    title: 'CRIU\'s cgroup helper lost its connection',
    role: 'noise',
    patterns: [/cgroupd: recv req error(?::\s*(.*))?/],
    explain: () =>
      explained('cgroupd is a helper process CRIU starts during restore to move threads into cgroups. It logs this error when the restore is aborted for another reason and its socket is closed.', ['An earlier error aborted the restore.'], [{ description: 'Look for the first error before this line; it is the real cause.' }]),
  },
];
