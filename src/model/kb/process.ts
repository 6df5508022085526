import type { Fix, KbEntry } from '../types';
import { criuConfigFixes, criuOlderThan, criuVersionNote, describeErrno, errnoName, explained, podmanFix, READ_FULL_LOG, upgradeCriu } from './helpers';

/** Return the last match group that reads like an errno text (`Connection refused`). */
function lastErrno(match: RegExpMatchArray): string | undefined {
  return match.slice(1).reverse().find((group) => group !== undefined && /^[A-Z][a-z]+( [a-z/]+)+$/.test(group.trim()));
}

/** Linux resource numbers as runc prints them in `error setting rlimit type N`. */
const RLIMIT_NAMES: Record<string, string> = { '6': 'RLIMIT_NPROC', '7': 'RLIMIT_NOFILE', '8': 'RLIMIT_MEMLOCK', '3': 'RLIMIT_STACK', '4': 'RLIMIT_CORE' };

/**
 * Line of `BUG_ON(!kdat.has_dirty_track)` in criu/mem.c by release, read from each release tag:
 * 38 up to v2.7, 39 in v2.8 to v2.12.1, 40 in v3.0 to v3.4, 44 in v3.5 to v3.15, 45 in v3.16 to
 * v4.1.1, 46 in v4.2.
 */
/** The releases whose criu/mem.c has that assertion at each line, for logs without a version header. */
const DIRTY_TRACK_RELEASES: Record<number, string> = {
  38: '2.7 and older',
  39: '2.8 to 2.12.1',
  40: '3.0 to 3.4',
  44: '3.5 to 3.15',
  45: '3.16 to 4.1.1',
  46: '4.2',
};

function dirtyTrackAssertionLine(version: string): number | undefined {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  if (Number.isNaN(major) || Number.isNaN(minor)) return undefined;
  if (major === 2) return minor <= 7 ? 38 : 39;
  if (major === 3 && minor <= 4) return 40;
  if (major === 3 && minor <= 15) return 44;
  if (major === 3 || (major === 4 && minor <= 1)) return 45;
  if (major === 4 && minor === 2) return 46;
  return undefined;
}

/** True when `BUG at criu/mem.c:LINE` is the soft-dirty assertion for this CRIU version (any known one when the version is unknown). */
function isDirtyTrackAssertion(line: number, criuVersion: string | undefined): boolean {
  if (criuVersion) return dirtyTrackAssertionLine(criuVersion) === line;
  return [38, 39, 40, 44, 45, 46].includes(line);
}

export const PROCESS_ENTRIES: readonly KbEntry[] = [
  {
    code: 'process-tree.criu-inside-dumped-tree',
    category: 'process-tree',
    title: 'CRIU runs inside the tree it is asked to dump',
    role: 'cause',
    patterns: [/The criu itself is within dumped tree/],
    explain: () =>
      explained(
        'The CRIU process is a descendant of the task given with -t, so dumping that tree would mean freezing CRIU itself.',
        ['criu was started from a shell inside the container or from the process being dumped (an application that checkpoints itself must use a separate helper or CRIU\'s RPC service).', 'The -t PID is an ancestor of CRIU, such as the login shell or systemd.'],
        [{ description: 'Run CRIU from outside the tree: from the host, from a sibling process, or through the container engine; pass the PID of the workload, not of an ancestor of CRIU.' }],
      ),
  },
  {
    code: 'process-tree.session-leader-outside-pidns',
    category: 'process-tree',
    title: 'The task\'s session leader is outside its PID namespace',
    role: 'cause',
    patterns: [/A session leader of (?:zombie process )?(\d+)\((\d+)\) is outside of its pid namespace/],
    explain: ({ match }) =>
      explained(
        `Task ${match[1]} (PID ${match[2]} inside its namespace) belongs to a session whose leader is outside the PID namespace, for example the shell or \`unshare\` that started it. CRIU can restore a session only if its leader is part of the dump, or if it is told to attach the tree to the current session (--shell-job).`,
        ['The workload was started with `unshare --pid --fork` from a terminal, without `setsid` inside the namespace.', 'A container runtime was bypassed and the process inherited the session of the shell that launched it.'],
        [
          { description: 'Start the workload as a session leader inside its PID namespace (`unshare --pid --fork --mount-proc setsid <cmd>`), or run it with a container engine.' },
          { description: 'For plain criu, dump and restore with --shell-job from the same terminal.', criuOption: 'shell-job' },
        ],
      ),
  },
  {
    code: 'process-tree.root-not-session-leader',
    category: 'process-tree',
    title: 'The root task is not a session leader',
    role: 'cause',
    patterns: [/The root process (\d+) is not a session leader/],
    explain: ({ match }) =>
      explained(`Root task ${match[1]} belongs to a session started outside the dump. CRIU restores foreign sessions only with --shell-job, which attaches the tree to the restoring terminal's session.`, ['The process was started from an interactive shell and dumped without --shell-job.'], [{ description: 'Dump and restore with --shell-job, or start the process with setsid so it leads its own session.', criuOption: 'shell-job' }]),
  },
  {
    code: 'process-tree.stopped-or-zombie-task',
    category: 'process-tree',
    title: 'A task is in a state CRIU cannot dump',
    role: 'cause',
    patterns: [/Stopped tasks are not supported/, /Zombies with threads are not supported/, /Zombie with children\?!/, /Individually stopped threads not supported/, /Zombie thread not supported/],
    explain: ({ match }) =>
      explained(
        `CRIU found a task it cannot handle: ${match[0].replace(/\.$/, '')}. Tasks stopped by SIGSTOP in certain ways, zombies that still have threads or children, and threads stopped one by one have no representation in the images.`,
        ['A process was stopped by a debugger or job control (Ctrl-Z).', 'A parent does not reap its children and a zombie keeps threads.'],
        [{ description: 'Continue stopped tasks (kill -CONT), let the parent reap zombies, then retry.' }],
      ),
  },
  {
    code: 'process-tree.pidfd-outside-tree',
    category: 'process-tree',
    title: 'A pidfd refers to a process outside the container',
    role: 'cause',
    patterns: [/pidfd pid (\d+) is not a part of process tree/, /PIDFD_THREAD flag is currently not supported/],
    explain: ({ match }) =>
      explained(
        match[1]
          ? `A pidfd of the task refers to PID ${match[1]}, which is not being dumped. CRIU (4.1 and later) restores pidfds only for processes it restores as well.`
          : 'A pidfd was opened with PIDFD_THREAD (it refers to one thread); CRIU does not support those yet.',
        ['A supervisor inside the container holds a pidfd of a process outside it.', 'systemd or a runtime passed a pidfd into the container.'],
        [{ description: 'Close pidfds of outside processes before checkpointing.' }],
      ),
  },
  {
    code: 'process-tree.pid-reused',
    category: 'process-tree',
    title: 'A task exited or its PID was reused during the dump',
    role: 'cause',
    patterns: [/Task pid reused while suspending \((\d+): (\d+) -> (\d+)\)/, /Pid reuse(?:.*) detected for pid (\d+)/],
    explain: () =>
      explained('While CRIU was freezing or pre-dumping the tree, a task exited and its PID was reused by another process, so CRIU would attach to the wrong process.', ['The container starts and exits many short-lived processes.'], [{ description: 'Retry the checkpoint when the workload is quieter; with pre-dumps, keep the time between pre-dump and dump short.' }]),
  },
  // `Can't fork for N: <errno>` (criu/cr-restore.c): CRIU creates each task with clone3() and set_tid
  // = N when the kernel has it (Linux 5.5 and later), else with clone() after writing N - 1 to
  // ns_last_pid. The kernel's alloc_pid() (kernel/pid.c) returns EEXIST when N is taken, EINVAL
  // when N is 0 or not below the PID namespace's pid_max or when that namespace has no init yet,
  // and EPERM without CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN over the namespace. So each errno
  // gets its own entry.
  {
    code: 'pid-collision.pid-in-use',
    category: 'pid-collision',
    title: 'A PID needed for restore is already in use',
    role: 'cause',
    patterns: [/Can't fork for (\d+): (File exists)$/],
    explain: ({ match }) =>
      explained(
        `Restore creates every task with its original PID (clone3 with set_tid); creating PID ${match[1]} failed with ${describeErrno(match[2])}: some process in the target PID namespace already has that PID.`,
        [
          'The original process (or a defunct one that nobody reaped) still exists, because the container was restored with --leave-running or the checkpoint is restored twice.',
          'A plain criu restore happens in the host PID namespace, where another process took the PID.',
        ],
        [
          { description: `Find the holder with \`ps -p ${match[1]}\`, stop it, then restore again.` },
          { description: 'Restore into a new PID namespace: containers do this automatically; for plain criu use criu-ns or `unshare -p -m --fork --mount-proc criu restore ...`.' },
        ],
      ),
  },
  {
    code: 'pid-collision.pid-above-pid-max',
    category: 'pid-collision',
    title: 'The restore host cannot create a PID this large',
    role: 'cause',
    patterns: [/Can't fork for (\d+): (Invalid argument)$/],
    explain: ({ match }) => {
      const pid = Number(match[1]);
      // PID_MAX_LIMIT of 64-bit kernels (include/linux/threads.h): pid_max can never exceed it.
      const overLimit = pid >= 4194304;
      // 32768 is the kernel's default pid_max on hosts with up to 32 CPUs; pid_max is at least 301.
      const aboveDefault = pid >= 32768;
      let likely = `PID ${match[1]} is below 32768, the default pid_max, so a small pid_max is unlikely here and a PID namespace without its init is the likelier reason.`;
      if (aboveDefault) likely = `PID ${match[1]} is at or above 32768, the default pid_max, so the restore host's pid_max is probably smaller than the dump host's.`;
      if (overLimit) likely = `PID ${match[1]} is not below 4194304, the largest pid_max a 64-bit kernel accepts, so no Linux host can recreate it: the images are damaged or were edited.`;
      const pidMaxCause = 'The dump host raised kernel.pid_max (systemd 243 and later set 4194304 on 64-bit hosts) and the restore host keeps a smaller value, such as the kernel default of 32768.';
      const namespaceCause = 'The restore runs in a PID namespace without its init, such as a namespace created by hand for a plain criu restore.';
      let fixes: Fix[] = [{ description: 'Restore through the container engine, or for plain criu into a fresh PID namespace whose first task is the checkpoint\'s init (criu-ns, or `unshare -p -m --fork --mount-proc criu restore ...`).' }];
      if (aboveDefault) {
        fixes = [
          {
            description: `Compare \`sysctl kernel.pid_max\` on both hosts, then raise it on the restore host above ${match[1]} (for example to 4194304) and restore again.`,
            command: 'sysctl -w kernel.pid_max=4194304',
          },
        ];
      }
      if (overLimit) fixes = [{ description: 'Check the images with `crit show pstree.img`, and dump the container again.' }];
      return explained(
        `Restore creates every task with its original PID (clone3 with set_tid); the kernel rejected PID ${match[1]} with ${describeErrno(match[2])}, not with EEXIST, so no other process holds it. clone3 returns EINVAL for a requested PID that is not below kernel.pid_max of the target PID namespace, or for a PID other than 1 in a PID namespace whose init does not exist yet. ${likely}`,
        aboveDefault ? [pidMaxCause, namespaceCause] : [namespaceCause, pidMaxCause],
        fixes,
      );
    },
  },
  {
    code: 'permission.pid-set-denied',
    category: 'permission',
    title: 'Restore may not choose the PID of a new task',
    role: 'cause',
    patterns: [/Can't fork for (\d+): (Operation not permitted)$/],
    explain: ({ match }) =>
      explained(
        `Restore creates every task with its original PID (clone3 with set_tid); the kernel refused PID ${match[1]} with ${describeErrno(match[2])}. Choosing a PID needs CAP_CHECKPOINT_RESTORE (Linux 5.9 and later) or CAP_SYS_ADMIN in the user namespace that owns the target PID namespace.`,
        ['CRIU runs as a normal user, rootless, or with --unprivileged without CAP_CHECKPOINT_RESTORE.', 'CRIU runs inside a container whose capability set lacks CAP_SYS_ADMIN and CAP_CHECKPOINT_RESTORE.'],
        [{ description: 'Run the restore as root with full capabilities; for --unprivileged restores give the criu binary CAP_CHECKPOINT_RESTORE and CAP_SYS_PTRACE (setcap) on Linux 5.9 or later.' }],
      ),
  },
  {
    code: 'process-tree.restore-fork-failed',
    category: 'process-tree',
    title: 'Restore could not create a task',
    role: 'cause',
    patterns: [/Can't fork for (\d+)(?::\s*(.*))?$/],
    explain: ({ match }) => {
      const errno = match[2]?.trim();
      const meanings: Record<string, string> = {
        'Resource temporarily unavailable': 'EAGAIN from fork means a task limit: the pids.max of the cgroup the parent task runs in, kernel.threads-max, or RLIMIT_NPROC of a non-root caller.',
        'Cannot allocate memory': 'ENOMEM from fork means the kernel is short of memory, or the target PID namespace is shutting down because its init has exited.',
        'No space left on device': 'ENOSPC from fork means that creating a namespace for the task hit a limit: a user.max_*_namespaces sysctl or the nesting depth of 32 PID or user namespaces.',
      };
      return explained(
        `Restore could not create the task with PID ${match[1]}: clone failed with ${describeErrno(errno)}. ${(errno && meanings[errno]) ?? 'The errno is not one that CRIU expects here; the kernel log may say more.'}`,
        [
          'The container\'s pids limit (podman --pids-limit, a Kubernetes pod limit) is smaller than its number of tasks and threads.',
          'A namespace limit (sysctl user.max_pid_namespaces, user.max_mnt_namespaces, ...) is lower than the restore needs.',
          'The host is short of memory.',
        ],
        [
          { description: 'Check the pids limit of the target cgroup (pids.max) and the namespace limits (`sysctl user`) against the task count of the checkpoint, raise them, and restore again.' },
        ],
      );
    },
  },
  {
    code: 'pid-collision.thread-id-in-use',
    category: 'pid-collision',
    title: 'A thread could not be created with its original ID',
    role: 'cause',
    patterns: [/Unable to create a thread: (-?\d+)/],
    explain: ({ match }) => {
      const code = Number(match[1]);
      const name = errnoName(code);
      return explained(
        `The restorer code running inside a restored task recreates its threads with their original thread IDs; clone failed with ${code}${name ? ` (-${name})` : ''}. ${code === -17 ? 'EEXIST means another process or thread in the target PID namespace already uses that ID.' : 'The restorer prints the raw negative errno.'}`,
        code === -17
          ? [
              'The original container or an earlier restore from the same checkpoint still runs in the same PID namespace.',
              'Plain criu restores into the host PID namespace, where other processes took the IDs.',
            ]
          : ['The restored container is under a pids limit (podman --pids-limit, a Kubernetes pod limit) smaller than its number of threads.', 'The host is short of memory for new threads.'],
        [
          { description: 'Stop the original container and any other copy of it, then restore again; restore plain criu trees into a new PID namespace (criu-ns, or unshare -p -m --fork --mount-proc criu restore ...).' },
          { description: 'Check the pids limit of the target cgroup (cat pids.max) against the thread count of the checkpointed process.' },
        ],
      );
    },
  },
  {
    code: 'pid-collision.pid-mismatch',
    category: 'pid-collision',
    title: 'A restored task got another PID than expected',
    role: 'cause',
    patterns: [/Pid (\d+) do not match expected (\d+)/, /First PID in a PID namespace needs to be (\d+) and not (\d+)/, /Can't set last_pid/],
    explain: ({ match }) =>
      explained(
        `Restore expected to create PID ${match[2] ?? match[1]} but the kernel gave ${match[1] ?? 'another'}. Without clone3 set_tid (Linux 5.5 and later) CRIU sets ns_last_pid and hopes nobody forks in between; something did.`,
        ['Another process forked in the same PID namespace during the restore.', 'The kernel is older than 5.5, so CRIU must use ns_last_pid.'],
        [{ description: 'Restore into a fresh PID namespace, or on a kernel 5.5 or later.' }],
      ),
  },
  {
    code: 'pid-collision.session-id-conflict',
    category: 'pid-collision',
    title: 'The restoring shell\'s session collides with PIDs in the checkpoint',
    role: 'cause',
    patterns: [/Current (sid|gid) (\d+) intersects with (pid|pgid of|sid of) \((\d+)\) in images/],
    explain: ({ match }) =>
      explained(`With --shell-job the restored tree joins the current session (${match[1]} ${match[2]}), but that id is also a PID, group or session id recorded in the checkpoint (${match[4]}).`, ['The restore runs from a shell whose session id equals a PID of the checkpointed tree.'], [{ description: 'Restore from another terminal or with setsid, so the session id differs.' }]),
  },
  {
    code: 'tty.dangling-tty',
    category: 'tty',
    title: 'The process uses a terminal of a session outside the dump',
    role: 'cause',
    patterns: [/Found dangling tty with sid (\d+) pgid (\d+) \((\S+)\) on peer fd (\d+)/],
    explain: ({ match }) =>
      explained(
        `Descriptor ${match[4]} is a terminal (${match[3]}) whose session ${match[1]} is not part of the dump. CRIU can restore a terminal only together with its session leader or, with --shell-job, by attaching to the terminal of the restoring shell.`,
        [
          'The workload was started from an interactive terminal (an IDE terminal such as VS Code\'s, SSH) and kept an inherited terminal descriptor even after setsid and redirection.',
          'A container was run with -t and checkpointed by hand rather than through the engine, which handles the console.',
        ],
        [
          { description: `Start the workload with every inherited descriptor closed or redirected (e.g. \`setsid cmd </dev/null >log 2>&1 ${match[4]}>&-\`), or inside tmux/screen.` },
          { description: 'Dump and restore with --shell-job from the same kind of terminal.', criuOption: 'shell-job' },
        ],
      ),
  },
  {
    code: 'tty.no-task-with-sid',
    category: 'tty',
    title: 'Restore found no task for a terminal\'s session',
    role: 'cause',
    patterns: [/No task found with sid (\d+)/],
    explain: ({ match }) =>
      explained(
        `A terminal in the images belongs to session ${match[1]}, and no restored task leads that session. The session leader was outside the dumped tree (a terminal emulator or IDE), so restore cannot recreate it.`,
        ['The process was dumped with --shell-job from an IDE terminal or other session whose leader is not part of the dump.'],
        [
          { description: 'Run the workload inside tmux or screen (their server becomes the session leader) or from a plain terminal, and dump again.' },
          { description: 'Plain criu: mark the terminal with `--external tty[<rdev>:<dev>]` on dump and hand a terminal in with --inherit-fd on restore.' },
        ],
      ),
  },
  {
    code: 'tty.no-tty-to-inherit',
    category: 'tty',
    title: 'Restore has no terminal to attach the shell job to',
    role: 'cause',
    patterns: [/Don't have tty to inherit session from, aborting/, /ctty inheritance detected sid\/pgrp (\d+)/],
    explain: () =>
      explained('The checkpoint was made with --shell-job and the task had a controlling terminal; restore needs a terminal on its standard input to attach the task to, and has none.', ['criu restore --shell-job was run from a script, a service or a podman command without a terminal.'], [{ description: 'Run the restore from an interactive terminal, or dump the process without a controlling terminal (setsid, stdin from /dev/null).' }]),
  },
  {
    code: 'tty.unsupported-terminal',
    category: 'tty',
    title: 'A terminal could not be dumped or reopened',
    role: 'cause',
    patterns: [/Unable to find a tty driver \(rdev (0x[0-9a-f]+)(?: dev (0x[0-9a-f]+))?\)/, /Can't open (master|slave) pty/, /Only one slave external peer is allowed/, /Too many external terminals/],
    explain: ({ match }) =>
      explained(
        `CRIU supports pseudo-terminals, the virtual consoles and serial lines it knows; ${/driver/.test(match[0]) ? `device ${match[1]} is a terminal type it has no driver for` : 'this terminal setup cannot be recreated'}.`,
        ['The process has a terminal of an unusual driver open (a USB serial line, a hardware console).', 'More than one terminal comes from outside the container.'],
        [{ description: 'Run the workload with stdio on pipes or files (podman run without -t), or close the terminal before the checkpoint.' }],
      ),
  },
  {
    code: 'transport-socket.connect-denied',
    category: 'transport-socket',
    title: 'The injected parasite could not connect back to CRIU',
    role: 'cause',
    patterns: [/Unable to connect a transport socket(?::\s*(.*))?/],
    explain: ({ match }) =>
      explained(
        `To dump a task CRIU injects parasite code into it, and the parasite connects to CRIU over a unix socket (the transport socket) created in the task's network namespace. connect() failed with ${describeErrno(match[1])}. EACCES here almost always means SELinux or AppArmor stopped the confined container process from connecting to a socket owned by CRIU. The POKEDATA and "Unable to detach" errors that follow are clean-up noise.`,
        [
          'CRIU is built without SELinux support (not linked with libselinux), so it cannot label the socket with the container\'s context; SELinux then denies the container_t process the connect.',
          'criu was run by hand on a confined container instead of through the engine (podman, runc), which sets up the labels.',
          'An AppArmor profile of the container denies unix socket connects.',
        ],
        [
          { description: 'Install a CRIU package built with SELinux support (Fedora, RHEL and CentOS builds are), together with the container-selinux policy.' },
          { description: 'Check the audit log for the denial: ausearch -m avc -ts recent | grep connectto.' },
          { description: 'Checkpoint through podman/runc rather than with a bare criu call; do not disable SELinux permanently.' },
        ],
      ),
  },
  {
    code: 'transport-socket.restore-bind-failed',
    category: 'transport-socket',
    title: 'A restore helper socket could not be bound',
    role: 'cause',
    patterns: [/Can't bind transport socket (\S+?)(?::\s*(.*))?$/],
    explain: ({ match }) =>
      explained(`During restore each task gets a unix socket (${match[1]}) to receive its file descriptors; bind() failed with ${describeErrno(match[2])}.`, ['A stale socket from an earlier restore attempt in the same network namespace.', 'An LSM denies the bind.'], [{ description: 'Retry in a fresh container; check the audit log for denials.' }]),
  },
  {
    code: 'parasite.injection-failed',
    category: 'parasite',
    title: 'CRIU could not inject its parasite code into a task',
    role: 'cause',
    patterns: [/Can't create memfd in victim/, /Can't allocate memory for parasite blob \(pid: (\d+)\)/, /Can't inject (?:syscall blob|memfd args) \(pid: (\d+)\)/, /Can't run parasite at (\d+)/, /Parasite exited with (-?\d+)/, /Can't map remote parasite map/],
    explain: ({ match }) =>
      explained(
        `To read a task's state CRIU makes the task run a small blob of code (the parasite): it executes memfd_create and mmap inside the task through ptrace. This step failed (${match[0]}).`,
        [
          'A seccomp filter of the task forbids memfd_create, mmap or the other system calls the parasite needs, and CRIU could not suspend it.',
          'The task is in a state that prevents running code (a pending SIGTRAP from a debugger, a broken stack).',
          'An LSM forbids ptrace writes to the task\'s memory.',
        ],
        [{ description: 'Check the seccomp profile of the container (podman inspect --format "{{.HostConfig.SecurityOpt}}") and whether a debugger or tracer is attached; retry without them.' }],
      ),
  },
  // compel_interrupt_task() (compel/src/lib/infect.c, CRIU 3.0 to 4.2; criu/ptrace.c before) only
  // warns when PTRACE_SEIZE fails. The error comes next from compel_wait_task(): "Unseizable
  // non-zombie N found, state S, err -1/10", where 10 is ECHILD from wait4() on a task CRIU never
  // attached to. So the warning is the cause, and the error is its follow-on.
  {
    code: 'parasite.seize-denied',
    category: 'parasite',
    title: 'The kernel refused to let CRIU attach to a task',
    role: 'cause',
    levels: ['warn', 'error'],
    patterns: [/Unable to interrupt task: (\d+) \(([^)]*)\)/, /Can't seize task (\d+)/],
    explain: ({ match }) => {
      const errno = match[2];
      const isPerm = errno === 'Operation not permitted';
      return explained(
        `CRIU attaches to every task with PTRACE_SEIZE before it freezes and dumps it; attaching to task ${match[1]} failed${errno ? ` with ${describeErrno(errno)}` : ''}. ${
          isPerm
            ? 'PTRACE_SEIZE returns EPERM when the task already has a tracer, when the Yama LSM forbids the attach, when CRIU lacks CAP_SYS_PTRACE over the task, or when an SELinux or AppArmor policy denies ptrace.'
            : errno === 'No such process'
              ? 'ESRCH means the task exited between CRIU listing it and attaching to it.'
              : 'The "Unseizable non-zombie" error that usually follows is a consequence.'
        }`,
        [
          'Another tracer is attached to the task: gdb, strace, a crash handler, a sandbox that uses ptrace, or a second CRIU run on the same container.',
          'Yama forbids attaching: kernel.yama.ptrace_scope is 3 (no ptrace at all until reboot), or 2 (only CAP_SYS_PTRACE) while CRIU runs without it.',
          'CRIU runs without CAP_SYS_PTRACE in the task\'s user namespace, for example rootless or inside a container.',
        ],
        [
          { description: `Check for a tracer: the TracerPid line of /proc/${match[1]}/status must be 0; detach the tracer and retry.` },
          { description: 'Check `sysctl kernel.yama.ptrace_scope`: run CRIU as root for 1 and 2, lower it with `sysctl -w kernel.yama.ptrace_scope=1` for 3 after a reboot, and search the audit log for ptrace denials.' },
        ],
      );
    },
  },
  {
    code: 'parasite.seize-failed',
    category: 'parasite',
    title: 'CRIU could not seize a task with ptrace',
    role: 'cause',
    // `SEIZE N: can't interrupt task` is a warning in compel; the other forms are errors.
    levels: ['warn', 'error'],
    patterns: [/SEIZE (\d+): can't interrupt task(?::\s*(.*))?/, /SEIZE (\d+): task not stopped after seize/, /SEIZE (\d+): unsupported stop signal (\d+)/, /Can't attach to (\d+)(?::\s*(.*))?/],
    explain: ({ match }) =>
      explained(
        `CRIU attaches to every task with ptrace (PTRACE_SEIZE, then PTRACE_INTERRUPT to stop it); this step failed for task ${match[1]}${match[2] && /^[A-Z]/.test(match[2]) ? ` with ${describeErrno(match[2])}` : ''}.`,
        ['Another tracer (gdb, strace, a sandbox using ptrace such as gVisor\'s ptrace platform) is already attached.', 'The Yama ptrace scope (/proc/sys/kernel/yama/ptrace_scope = 3) or an LSM forbids ptrace.', 'CRIU lacks CAP_SYS_PTRACE.'],
        [{ description: 'Detach other tracers, set kernel.yama.ptrace_scope to 1 or less, and run CRIU as root.' }],
      ),
  },
  {
    code: 'parasite.pending-sigtrap',
    category: 'parasite',
    title: 'A thread has a pending SIGTRAP from a debugger',
    role: 'cause',
    patterns: [/Can't dump the (\d+) thread with a pending SIGTRAP/],
    explain: ({ match }) =>
      explained(
        `Thread ${match[1]} has a SIGTRAP queued, the signal a breakpoint or single step raises. CRIU itself stops tasks through ptrace and cannot tell such a SIGTRAP from its own traps, so it refuses to dump the thread.`,
        ['A debugger (gdb, lldb, a language debugger) was attached and left a breakpoint trap pending when it detached.', 'The application raises SIGTRAP itself (some runtimes use it for internal breakpoints).'],
        [{ description: 'Detach debuggers, let the process handle or clear the signal (continue it), and retry the checkpoint.' }],
      ),
  },
  {
    code: 'parasite.unseizable-task',
    category: 'parasite',
    title: 'CRIU could not attach to a task with ptrace',
    role: 'cause',
    // err -1/10 (ECHILD) follows a failed PTRACE_SEIZE and is matched as a follow-on in followOn.ts.
    patterns: [/Unseizable non-zombie (\d+) found, state (\S), err (?!-1\/10\b)(-?\d+)\/(\d+)/],
    explain: ({ match }) => {
      const errno = errnoName(Number(match[4]));
      return explained(
        `CRIU attaches to every task with PTRACE_SEIZE and then waits for it with wait4(). Task ${match[1]} (state ${match[2]}, not a zombie) did not stop as expected: "err" is wait4's result and errno, here ${match[3]} and ${match[4]}${errno ? ` (${errno})` : ''}. ${match[3] === '-1' ? 'A failed wait4 means CRIU is not the task\'s tracer.' : 'A PID result means the task exited or was killed while CRIU attached to it.'} A warning "Unable to interrupt task" before this line, when present, gives the errno of the attach itself.`,
        [
          'Another tracer is already attached (gdb, strace, a crash handler, or a second CRIU run on the same container).',
          'The Yama LSM forbids attaching (kernel.yama.ptrace_scope = 3), or an SELinux/AppArmor policy denies ptrace for CRIU.',
          'The task was killed (OOM killer, a signal) while CRIU attached to it.',
        ],
        [
          { description: `Check for a tracer: the TracerPid line of /proc/${match[1]}/status must be 0.` },
          { description: 'Check the Yama setting (`sysctl kernel.yama.ptrace_scope`; 3 cannot be lowered without a reboot), the audit log for ptrace denials and `dmesg` for kills, and run CRIU as root.' },
        ],
      );
    },
  },
  {
    code: 'parasite.task-state-changed',
    category: 'parasite',
    title: 'A task changed state while CRIU was working on it',
    role: 'cause',
    patterns: [/Task (\d+) is in unexpected state: ([0-9a-fx]+)/, /Task is still running \(pid: (\d+), status: (0x[0-9a-f]+)\)/, /Unexpected exit code (\d+) of (\d+)/],
    explain: ({ match }) =>
      explained(`Task ${match[1]} was not in the stopped state CRIU expected (status ${match[2]}). It may have exited, been killed, or been resumed by something else while CRIU held it.`, ['The OOM killer or a signal ended the task during the checkpoint.', 'Another tracer or a freezer interfered.'], [{ description: 'Check dmesg and the container logs for a kill, then retry.' }]),
  },
  {
    code: 'permission.not-root',
    category: 'permission',
    title: 'CRIU runs without the privileges it needs',
    role: 'cause',
    patterns: [/You need to be root to run this command/, /CRIU needs to have the CAP_SYS_ADMIN or the CAP_CHECKPOINT_RESTORE capability/],
    explain: () =>
      explained(
        'CRIU needs CAP_SYS_ADMIN, or CAP_CHECKPOINT_RESTORE plus CAP_SYS_PTRACE (Linux 5.9 and later, CRIU 3.18 and later with --unprivileged), to read the task\'s private /proc files and to recreate it.',
        ['criu or podman was run as a normal user.', 'CRIU runs in a container without the capabilities.'],
        [{ description: 'Run as root (sudo podman container checkpoint ...), or for simple processes grant CAP_CHECKPOINT_RESTORE and CAP_SYS_PTRACE to criu and use --unprivileged.' }],
      ),
  },
  {
    code: 'permission.map-files-denied',
    category: 'permission',
    title: 'CRIU may not read /proc/PID/map_files',
    role: 'cause',
    patterns: [/Can't open (\d+)'s mapfile link ([0-9a-f]+): (Operation not permitted|Permission denied)/, /Failed fstatat on map ([0-9a-f]+): (Operation not permitted|Permission denied)/],
    explain: ({ match, facts }) =>
      explained(
        `CRIU opens each file mapping of the task through /proc/PID/map_files/, which the kernel allows only to CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE since Linux 5.9); the open failed with ${describeErrno(match[3] ?? match[2])}.${criuOlderThan(facts, '3.18') ? ` CRIU ${facts.criuVersion} has no --unprivileged mode.` : ''}`,
        ['criu was run as a normal user (earlier "Can\'t setup RLIMIT_NOFILE" and "Unable create a network namespace" errors point the same way).', 'CRIU runs inside a container without CAP_SYS_ADMIN.'],
        [
          { description: 'Run criu as root.', command: 'sudo criu dump -t <pid> ...' },
          upgradeCriu('3.18', 'with Linux 5.9 or later it can run with CAP_CHECKPOINT_RESTORE and CAP_SYS_PTRACE using --unprivileged, for simple processes.'),
        ],
      ),
  },
  {
    code: 'permission.set-mm-map-failed',
    category: 'permission',
    title: 'The kernel refused to restore the memory layout of a task',
    role: 'cause',
    patterns: [/sys_prctl\(PR_SET_MM, PR_SET_MM_MAP\) failed with (-?\d+)/],
    explain: ({ match }) => {
      const code = Number(match[1]);
      return explained(
        `At the end of restore the restorer sets the task's memory layout (code, data, heap and stack bounds, arguments, environment, auxv and /proc/PID/exe) with prctl(PR_SET_MM, PR_SET_MM_MAP); the kernel returned ${code}${errnoName(code) ? ` (-${errnoName(code)})` : ''}. ${code === -1 ? 'EPERM: replacing the exe link needs CAP_SYS_ADMIN, or CAP_CHECKPOINT_RESTORE since Linux 5.9, in the user namespace that owns the task.' : code === -22 ? 'EINVAL: the kernel lacks CONFIG_CHECKPOINT_RESTORE, or it rejected one of the saved values (for example a heap beyond RLIMIT_DATA).' : ''}`.trim(),
        code === -1
          ? ['CRIU runs without CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE (rootless or --unprivileged mode, or a capability set dropped by a service manager).', 'The restored tree runs in a user namespace where CRIU has no such capability.']
          : ['The restore host kernel lacks CONFIG_CHECKPOINT_RESTORE.', 'The task\'s limits (RLIMIT_DATA) on the restore host are lower than at dump time.'],
        [
          { description: 'Run the restore as root with full capabilities; for --unprivileged restores grant CAP_CHECKPOINT_RESTORE and CAP_SYS_PTRACE to the criu binary (Linux 5.9 or later).' },
          { description: 'Run `criu check` on the restore host to confirm kernel support.' },
        ],
      );
    },
  },
  {
    code: 'permission.loginuid-restore-failed',
    category: 'permission',
    title: 'Restore could not set the audit login uid',
    role: 'cause',
    patterns: [/Setting loginuid for CT init task failed, CAP_AUDIT_CONTROL\?/],
    explain: () =>
      explained('Restore writes the original audit login uid of the container\'s init; the write needs CAP_AUDIT_CONTROL.', ['CRIU runs without CAP_AUDIT_CONTROL (in a container or with dropped capabilities).'], [{ description: 'Run the restore as full root.' }]),
  },
  {
    code: 'rlimit.nofile-for-self',
    category: 'rlimit',
    title: 'CRIU could not raise its own open-file limit (harmless)',
    role: 'benign',
    patterns: [/rlimi[tr]: Can't setup RLIMIT_NOFILE for self(?::\s*(.*))?/],
    explain: ({ match }) =>
      explained(
        `At start-up CRIU tries to raise its own RLIMIT_NOFILE so that it can keep many files open; this failed with ${describeErrno(match[1])} and CRIU carries on with the current limit. (CRIU 3.10 printed the prefix as "rlimir:".) It matters only when the dump later fails with "Too many open files".`,
        ['CRIU runs without CAP_SYS_RESOURCE, or the hard limit of the calling shell or service is low.'],
        [{ description: 'Nothing to do unless EMFILE errors follow; then raise the hard limit (ulimit -Hn, LimitNOFILE= in the service unit).' }],
      ),
  },
  {
    code: 'rlimit.restore-limit-failed',
    category: 'rlimit',
    title: 'A resource limit could not be restored',
    role: 'cause',
    patterns: [/Can't restore cur > max for (\d+)\.(\d+)/, /setrlimit `?(RLIMIT_\w+)`?: (Operation not permitted)/, /error setting rlimit type (\d+): operation not permitted/],
    explain: ({ match }) =>
      explained(
        /setrlimit|rlimit type/.test(match[0])
          ? `The runtime could not set ${RLIMIT_NAMES[match[1]] ?? match[1]} for the container: the requested limit is higher than the hard limit of the environment podman runs in, and raising it needs CAP_SYS_RESOURCE.`
          : `The checkpoint records a resource limit (resource ${match[2]} of task ${match[1]}) whose soft value exceeds its hard value on this host.`,
        ['The environment that runs podman has lower hard limits (ulimit -H) than the container requests (podman defaults RLIMIT_NOFILE and RLIMIT_NPROC high).'],
        [{ description: 'Raise the hard limits of the environment, or start the container with explicit limits it may use, e.g. podman run --ulimit nofile=20000:20000 --ulimit nproc=32768:32768.' }],
      ),
  },
  // Before the generic assertion entry: this one BUG_ON has a known cause outside CRIU.
  {
    code: 'kernel-feature.dirty-tracking-assertion',
    category: 'kernel-feature',
    title: 'Memory tracking was asked for, but the kernel has no soft-dirty tracking',
    role: 'cause',
    patterns: [/BUG at (?:criu\/)?mem\.c:(\d+)/],
    accepts: ([, line], facts) => isDirtyTrackAssertion(Number(line), facts.criuVersion),
    explain: ({ match, facts }) =>
      explained(
        `CRIU stopped on an assertion at mem.c:${match[1]}, which in ${facts.criuVersion ? `CRIU ${facts.criuVersion}` : `CRIU ${DIRTY_TRACK_RELEASES[Number(match[1])] ?? 'releases with a BUG_ON at this line'}`} is BUG_ON(!kdat.has_dirty_track) in task_reset_dirty_track(). CRIU reaches it only when it tracks memory, that is for a pre-dump or a dump with --track-mem (podman --pre-checkpoint / --with-previous), and the kernel offers no soft-dirty page tracking. ${criuVersionNote(facts)}`,
        [
          'The kernel is built without CONFIG_MEM_SOFT_DIRTY, as some VM and container-host kernels are (LinuxKit of Docker Desktop, for example).',
          'The architecture does not implement soft-dirty tracking.',
        ],
        [
          { description: 'Checkpoint without memory tracking: drop --pre-checkpoint and --with-previous, or --track-mem for plain criu. A single full dump needs no tracking.' },
          { description: 'Check the kernel first: `criu check --feature mem_dirty_track` prints "Dirty tracking is OFF" on such a kernel.' },
        ],
      ),
  },
  {
    code: 'internal-bug.bug-assertion',
    category: 'internal-bug',
    title: 'CRIU hit an internal assertion',
    role: 'cause',
    patterns: [/BUG at (\S+?):(\d+)/],
    explain: ({ match, facts }) =>
      explained(
        `CRIU reached a BUG_ON() check in ${match[1]} (line ${match[2]} of that version's source). An assertion like this means CRIU met a state its code assumed impossible; the process usually dies with SIGSEGV right after, which the next error lines report.`,
        [
          'An old or distribution-patched CRIU build on a kernel it was not tested with.',
          'A combination of options and mounts that CRIU does not handle (for example a restore into an unexpected mount layout).',
        ],
        [
          upgradeCriu('the newest release', `the assertion may be fixed there. ${facts.criuVersion ? `This log is from ${facts.criuVersion}.` : ''}`.trim()),
          { description: 'Run `criu check --all` on the host, and report the failure to the CRIU project with the full log at -v4, `criu --version` and `uname -r`.' },
        ],
      ),
  },
  {
    code: 'runtime-support.image-missing-or-incompatible',
    category: 'runtime-support',
    title: 'The checkpoint images are missing or unusable',
    role: 'cause',
    patterns: [/Unexpected EOF on (\S+)/, /Not supported images version (\d+)/, /Too old image, no longer supported/, /(?:Head )?[Mm]agic doesn't match for (\S+)/, /Images corrupted or too old criu was used for dump/, /Reached EOF unexpectedly while reading page from image/, /Unable to open (\S+\.img)(?::\s*(.*))?$/],
    explain: ({ match }) =>
      explained(
        /EOF on \(empty-image\)|EOF on inventory/.test(match[0])
          ? 'Restore found no inventory.img in the image directory: the directory is empty or not a checkpoint at all.'
          : `CRIU could not read the checkpoint images (${match[0]}). They are truncated, corrupted, or were written by a CRIU version that this one does not read.`,
        ['The dump never ran or failed, so the directory is empty.', 'The checkpoint was copied incompletely, or an export archive was unpacked only in part.', 'Dump and restore hosts use CRIU versions far apart.'],
        [
          { description: 'Check the image directory (ls -l; crit show inventory.img), dump again if needed, and restore with the same or a newer CRIU than the one that dumped.' },
          READ_FULL_LOG,
        ],
      ),
  },
  {
    code: 'process-tree.freeze-timeout',
    category: 'process-tree',
    title: 'Freezing the process tree took longer than the timeout',
    role: 'cause',
    patterns: [/Timeout reached\. Try to interrupt: (\d+)/],
    explain: () =>
      explained(
        'CRIU arms an alarm of --timeout seconds (10 by default) while it pauses devices through plugins, freezes the cgroup and seizes every task. The alarm fired, so CRIU interrupted the step and gave up.',
        [
          'A GPU plugin (CUDA, amdgpu) needs longer than the timeout to pause the device and copy its state.',
          'Tasks in uninterruptible sleep (D state: NFS, FUSE, a stuck disk) cannot be frozen.',
          'The container has very many tasks or threads.',
        ],
        [
          ...criuConfigFixes('timeout', 'timeout 60', 'give freezing and device pausing more time (seconds).'),
          { description: 'Check for tasks in D state before retrying (ps -eo pid,stat,wchan,comm | awk \'$2 ~ /D/\').' },
        ],
      ),
  },
  {
    code: 'runtime-support.action-script-failed',
    category: 'runtime-support',
    title: 'An action script failed',
    role: 'cause',
    patterns: [
      /Script (\S+) exited with (-?\d+)/,
      /One of more action scripts failed/,
      /Pre dump script failed with (-?\d+)/,
      /Aborting restore due to (pre|post)-restore script ret code (-?\d+)/,
      /(Pre|Post)-resume script ret code (-?\d+)/,
    ],
    explain: ({ match }) => {
      const script = /^Script /.test(match[0]) ? match[1] : undefined;
      let outcome = 'A script reported failure.';
      if (script) {
        const status = Number(match[2]);
        const meanings: Record<number, string> = { 126: ' (126: the file is not executable)', 127: ' (127: the shell could not find the program or an interpreter it names)' };
        outcome = `${script} exited with ${status}${meanings[status] ?? ''}.`;
      }
      return explained(
        `CRIU runs the programs given with --action-script (or the "action-script" configuration line) at fixed points of a dump or restore (pre-dump, post-dump, network-lock, pre-restore, post-restore, pre-resume, post-resume, ...) with the stage in CRTOOLS_SCRIPT_ACTION, and stops when one exits with a non-zero status. ${outcome} The other script errors that follow are consequences.`,
        [
          'The hook script failed for its own reasons; its output is in the log right before this line.',
          'The script is missing, not executable, or uses an interpreter that is not installed where CRIU runs.',
          'The script does not ignore stages it does not handle: CRIU calls it for every stage, and it must exit 0 for those.',
        ],
        [
          { description: `Run the script by hand with the stage it failed in, e.g. \`CRTOOLS_SCRIPT_ACTION=pre-dump ${script ?? 'SCRIPT'}\`, and make it exit 0 for stages it does not handle.` },
          { description: 'Or remove the action-script line while debugging, from whichever CRIU configuration file sets it: /etc/criu/default.conf, /etc/criu/runc.conf (runc), /etc/criu/crun.conf (crun 1.26 and later), or the file of the org.criu.config annotation.' },
        ],
      );
    },
  },
  {
    code: 'runtime-support.page-server-unreachable',
    category: 'runtime-support',
    title: 'CRIU could not send memory pages to the page server',
    role: 'cause',
    // `Can't connect to server` is an info line (criu/util.c, setup_tcp_client(), 3.11 to 4.2):
    // CRIU prints no error of its own after it, only the FAILED banner.
    levels: ['error', 'info'],
    patterns: [
      /The page server doesn't answer(?::\s*(.*))?$/,
      /Can't write pages to socket(?::\s*(.*))?$/,
      /Can't send PSI (\d+) to server(?::\s*(.*))?$/,
      /^Can't connect to server (\S+):(\d+)$/,
      /^Failed to resolve hostname: (\S+?)(?::\s*(.*))?$/,
    ],
    explain: ({ match }) =>
      explained(
        `With --page-server (pre-dump and dump for live migration, or lazy migration with \`criu lazy-pages --page-server\`) CRIU sends or fetches memory pages over TCP through a \`criu page-server\` on the other host instead of using local images. ${
          /^Can't connect/.test(match[0])
            ? `The TCP connect to ${match[1]} port ${match[2]} failed; CRIU logs this only as information and then gives up.`
            : /^Failed to resolve/.test(match[0])
              ? `CRIU could not resolve the page server address ${match[1]}.`
              : `Talking to that server failed${lastErrno(match) ? ` with ${describeErrno(lastErrno(match))}` : ''}.`
        }`,
        [
          'The page server on the target is not running yet, listens on another port, or already exited after an earlier attempt.',
          'A firewall between the hosts blocks the port.',
          'The page server exited because it hit an error (disk full on the target); its own log names it.',
        ],
        [
          { description: 'Start `criu page-server --images-dir DIR --port PORT` on the target before the dump, check that the port is reachable (`nc -z HOST PORT`), and read the page server\'s log.' },
        ],
      ),
  },
  {
    code: 'runtime-support.config-file-invalid',
    category: 'runtime-support',
    title: 'A CRIU configuration file has invalid syntax',
    role: 'cause',
    patterns: [/Unsupported configuration file format\. Please consult man page criu\(8\)/],
    explain: () =>
      explained(
        'CRIU reads configuration files (/etc/criu/default.conf, $HOME/.criu/default.conf, the file named by --config or CRIU_CONFIG_FILE, and the RPC configuration file a runtime names: /etc/criu/runc.conf for runc, /etc/criu/crun.conf or runc.conf for crun 1.26 and later with libcriu 4.2) before every run and stops at a line it cannot parse. Each line holds one long option without the leading dashes, optionally followed by a value; a value that starts with a double quote must end with one.',
        [
          'A line has an unterminated or lone double quote, e.g. `log-file "` or `external "mnt[]:m`.',
          'A value was written with quoting that CRIU does not support.',
        ],
        [
          { description: 'Fix the file so that every line reads `option value` (for example `tcp-established` or `ghost-limit 64M`), with no leading dashes and with quotes only around a whole value; check /etc/criu/default.conf, /etc/criu/runc.conf and /etc/criu/crun.conf.' },
        ],
      ),
  },
  {
    code: 'runtime-support.plugin-init-failed',
    category: 'runtime-support',
    title: 'A CRIU plugin failed to initialise',
    role: 'cause',
    patterns: [/Failed in init\((\d+)\) of "([^"]+)"/],
    explain: ({ match }) =>
      explained(
        `CRIU loads every plugin in its plugin directory (usually /usr/lib/criu) and calls its init function at the start of ${match[1] === '0' ? 'a dump' : 'a restore'}; plugin "${match[2]}" reported failure. The plugin's own messages, printed right before this line, give the reason.`,
        [
          `The plugin's hardware or driver is missing on this host (${/amdgpu/i.test(match[2]) ? 'for amdgpu: /dev/kfd and /dev/dri are absent or not accessible, or ROCm is not installed' : /cuda/i.test(match[2]) ? 'for CUDA: the NVIDIA driver or the cuda-checkpoint utility is missing' : 'for example a GPU driver'}).`,
          'The plugin is installed on a host that does not need it.',
        ],
        [
          { description: 'Install the driver stack the plugin needs, or remove the plugin file from the CRIU plugin directory on hosts without that hardware.' },
        ],
      ),
  },
  {
    code: 'runtime-support.missing-plugin',
    category: 'runtime-support',
    title: 'The checkpoint needs a CRIU plugin that is not installed',
    role: 'cause',
    patterns: [/Missing required plugin: (\S+)/, /Can't load plugin (\S+)/, /Unable to load (\S+): (.*)/],
    explain: ({ match }) =>
      explained(`The images were written with the help of plugin ${match[1]} (for example the CUDA or amdgpu plugin), and this CRIU cannot load it.`, ['The restore host lacks the plugin package, or its CRIU looks in another plugin directory.'], [{ description: 'Install the same CRIU plugins on the restore host (usually /usr/lib/criu/*.so) as on the dump host.' }]),
  },
  {
    code: 'permission.podman-rootless',
    category: 'permission',
    title: 'Rootless podman cannot checkpoint containers',
    role: 'cause',
    patterns: [/checkpointing a container requires root/i],
    explain: () =>
      explained(
        'Podman checks before calling the runtime: container checkpoint and restore work only for root (rootful) podman, because CRIU needs privileges that a rootless user namespace does not give.',
        ['podman runs as a normal user (rootless mode).'],
        [{ description: 'Run the container and the checkpoint with sudo (rootful podman). A rootless container cannot be checkpointed; recreate it as root.', command: 'sudo podman container checkpoint <container>' }],
      ),
  },
  {
    code: 'process-tree.podman-container-not-running',
    category: 'process-tree',
    title: 'The container is not in a state that allows the operation',
    role: 'cause',
    patterns: [/"?(\w+)"? is not running, cannot checkpoint: container state improper/, /container state improper/],
    explain: ({ match }) =>
      explained(
        `Podman can checkpoint only a running container${match[1] ? `, and this one is "${match[1]}"` : ''}; restore needs a container that was checkpointed (state exited with State.Checkpointed true).`,
        ['The container was created but never started, or it already exited.', 'A restore was attempted on a container that is running or was not checkpointed.'],
        [{ description: 'Check with `podman inspect --format "{{.State.Status}} {{.State.Checkpointed}}" <container>`; start the container first, or restore only checkpointed containers.' }],
      ),
  },
  {
    code: 'process-tree.podman-rm-without-export',
    category: 'process-tree',
    title: 'A --rm container can be checkpointed only with --export',
    role: 'cause',
    patterns: [/cannot checkpoint containers that have been started with '--rm' unless '--export' is used/i],
    explain: () =>
      explained('A container started with --rm is removed when it stops, and a checkpoint stops it, so the checkpoint kept inside the container would vanish. Podman allows it only when the checkpoint is written to a file with --export.', ['The container was started with podman run --rm.'], [
        { description: 'Export the checkpoint to a file and restore from it later with --import.', command: 'podman container checkpoint --export=/tmp/checkpoint.tar.gz <container>', podmanFlag: '--export' },
        { description: 'Or start the container without --rm.' },
      ]),
  },
  {
    code: 'runtime-support.podman-no-complete-checkpoint',
    category: 'runtime-support',
    title: 'Podman found no complete checkpoint to restore',
    role: 'cause',
    patterns: [/a complete checkpoint for this container cannot be found, cannot restore/i],
    explain: () =>
      explained(
        'Podman looks for the checkpoint directory with inventory.img under the container\'s storage before restoring; it is missing. Podman deletes the checkpoint after a successful restore unless --keep was given, and a failed checkpoint leaves nothing.',
        ['The container was already restored once without --keep.', 'The checkpoint failed (check the dump.log of that attempt).', 'The container was never checkpointed, or was checkpointed with --export (then restore with --import).'],
        [
          podmanFix('checkpoint', '--keep', 'Checkpoint again with --keep so that the images stay after a restore.'),
          { description: 'If the checkpoint was exported, restore from the file.', command: 'podman container restore --import=<file>', podmanFlag: '--import' },
        ],
      ),
  },
];
