import type { KbEntry } from '../types';
import { criuConfigFixes, criuOlderThan, describeErrno, explained, upgradeCriu } from './helpers';

export const KERNEL_ENTRIES: readonly KbEntry[] = [
  {
    code: 'vdso.rt-bounds-vvar-vclock',
    category: 'vdso',
    title: 'This CRIU does not know the kernel\'s vDSO layout ([vvar_vclock], Linux 6.13+)',
    role: 'cause',
    patterns: [/Unexpected rt vDSO area bounds/],
    explain: ({ facts }) =>
      explained(
        `At start-up, before touching any process, CRIU inspects its own [vdso] and [vvar] mappings to learn the kernel's vDSO layout ("kernel features detection"). Linux 6.13 split the virtual clock pages into a separate [vvar_vclock] mapping next to them; CRIU before 4.1 does not expect it, finds different bounds and gives up. Every dump, restore and check fails the same way, whatever the container does.${facts.kernel ? ` Kernel: ${facts.kernel}.` : ''}${facts.criuVersion ? ` CRIU: ${facts.criuVersion}${criuOlderThan(facts, '4.1') ? ' (older than 4.1)' : ''}.` : ''}`,
        [
          'The host runs Linux 6.13 or newer with CRIU older than 4.1 (for example Debian 12\'s CRIU 3.17.1 on a newer kernel).',
          'A CRIU fork or distribution build without the "vdso: handle vvar_vclock vma-s" change.',
        ],
        [
          upgradeCriu('4.1', 'it handles the [vvar_vclock] mapping.'),
          { description: 'Or boot a kernel older than 6.13 until CRIU can be upgraded.' },
        ],
      ),
  },
  {
    code: 'vdso.vvar-layout-unexpected',
    category: 'vdso',
    title: 'The vDSO/vvar mappings have a layout CRIU does not expect',
    role: 'cause',
    patterns: [/VVAR and VVAR_VCLOCK entries are not subsequent/, /two nonconsecutive vvar vma-s/, /Got second (?:VVAR|vDSO) entry/, /Can't find vDSO\/VVAR bounds/, /Kdat sizes of vdso\/vvar differ to maps file/],
    explain: ({ facts }) =>
      explained(
        `CRIU expects the kernel's [vvar], [vvar_vclock] and [vdso] mappings to be adjacent and unique. Here they are not, either because the kernel changed the layout again or because the process moved or duplicated them (mremap). ${facts.kernel ? `Kernel: ${facts.kernel}.` : ''}`.trim(),
        ['A kernel newer than this CRIU release.', 'The application (or a runtime such as Valgrind, a JIT or a sandbox) remapped its vDSO.'],
        [upgradeCriu('the newest release', 'vDSO handling follows kernel changes.')],
      ),
  },
  {
    code: 'vdso.missing-in-image',
    category: 'vdso',
    title: 'The checkpointed process has no vDSO',
    role: 'cause',
    patterns: [/Can't find vDSO area\s*>?\s*(?:in image)?/, /vDSO isn't provided by kernel, but exists in images/, /Task had vdso, restorer doesn't/],
    explain: ({ match }) =>
      explained(
        /isn't provided|restorer doesn't/.test(match[0])
          ? 'The image contains a vDSO, but the restoring kernel provides none (booted with vdso=0, or a compat task without a compat vDSO). The restorer cannot redirect the saved vDSO.'
          : 'On restore CRIU maps the current kernel\'s vDSO and patches the saved vDSO area to jump into it, because vDSO code differs between kernels. The image has no vDSO area, because the process unmapped it.',
        ['The process runs under Valgrind or another tool that unmaps the vDSO.', 'The kernel of the restore host was booted without a vDSO.'],
        [{ description: 'Processes without a vDSO cannot be restored by current CRIU releases; run the workload without such tools when it must be checkpointed.' }],
      ),
  },
  {
    code: 'rseq.kernel-lacks-rseq-config',
    category: 'rseq',
    title: 'The process uses rseq but the kernel cannot report its configuration',
    role: 'cause',
    patterns: [/(\d+) has rseq but kernel lacks get_rseq_conf feature/, /ptrace\(PTRACE_GET_RSEQ_CONFIGURATION, (\d+)\)/, /rseq: can't restore as kernel doesn't support it/],
    explain: () =>
      explained(
        'glibc 2.35 and later register a restartable-sequences (rseq) area for every thread. CRIU (3.17 and later) saves it with PTRACE_GET_RSEQ_CONFIGURATION, which exists since Linux 5.13, and restores it with the rseq system call. The kernel lacks one of them.',
        ['The dump host runs a kernel older than 5.13 with a glibc 2.35+ container image.', 'The restore host\'s kernel has no rseq support (CONFIG_RSEQ off).'],
        [
          { description: 'Use a kernel 5.13 or newer.' },
          { description: 'Or disable rseq registration in the container: podman run -e GLIBC_TUNABLES=glibc.pthread.rseq=0 ...' },
        ],
      ),
  },
  {
    code: 'rseq.critical-section',
    category: 'rseq',
    title: 'CRIU could not save or fix up a task\'s rseq state',
    role: 'cause',
    patterns: [/Can't fixup rseq for pid (\d+)/, /Dump (\d+) rseq failed/, /Fixup rseq for (\d+) failed/, /fail to read rseq(?:_cs)? struct/, /unsupported RSEQ ABI version = (\d+)/, /Can't restore rseq_cs pointer \(pid: (\d+)\)/],
    explain: ({ facts }) =>
      explained(
        `CRIU reads the rseq area of each thread and, when a thread was frozen inside an rseq critical section, moves its instruction pointer to the abort handler. Reading or fixing that state failed.${criuOlderThan(facts, '3.17') ? ` CRIU ${facts.criuVersion} predates rseq support (3.17).` : ''}`,
        ['An rseq layout or ABI version newer than this CRIU.', 'Memory of the rseq area is not readable (a guard page, a seccomp/LSM restriction on ptrace peeks).'],
        [upgradeCriu('the newest release', 'rseq handling follows glibc and kernel changes.'), { description: 'Workaround: start the container with GLIBC_TUNABLES=glibc.pthread.rseq=0.' }],
      ),
  },
  {
    code: 'seccomp.suspend-failed',
    category: 'seccomp',
    title: 'CRIU could not suspend the task\'s seccomp filters',
    role: 'cause',
    patterns: [/suspending seccomp failed(?::\s*(.*))?/, /Kernel doesn't support PTRACE_O_SUSPEND_SECCOMP/],
    explain: ({ match }) =>
      explained(
        `To run its parasite code in a task with a seccomp filter, CRIU sets PTRACE_O_SUSPEND_SECCOMP. The kernel allows this only to a tracer that has CAP_SYS_ADMIN and is not itself under a seccomp filter; here it ${match[1] ? `failed with ${describeErrno(match[1])}` : 'is not supported'}.`,
        [
          'CRIU itself runs under a seccomp filter: WSL2 attaches one to every process, and CRIU started from a container or a sandbox inherits that container\'s profile.',
          'CRIU lacks CAP_SYS_ADMIN (unprivileged mode).',
          'The kernel is built without CONFIG_CHECKPOINT_RESTORE.',
        ],
        [
          { description: 'Run CRIU on a regular Linux host or VM, not inside WSL2 or a seccomp-confined container; `grep Seccomp /proc/self/status` in CRIU\'s environment must show 0.' },
          { description: 'Run CRIU as root with full capabilities.' },
        ],
      ),
  },
  {
    code: 'seccomp.filter-dump-failed',
    category: 'seccomp',
    title: 'CRIU could not read a task\'s seccomp filters',
    role: 'cause',
    patterns: [/Can't fetch filter on tid_real (\d+)/, /Can't collect filter on (?:leader )?tid_real (\d+)/, /Dumping seccomp filters not supported/],
    explain: () =>
      explained('CRIU reads seccomp filters with PTRACE_SECCOMP_GET_FILTER, which needs CAP_SYS_ADMIN and a kernel with CONFIG_CHECKPOINT_RESTORE and CONFIG_SECCOMP_FILTER.', ['The kernel lacks these options.', 'CRIU runs without CAP_SYS_ADMIN or is itself seccomp-confined.'], [{ description: 'Use a distribution kernel with CONFIG_CHECKPOINT_RESTORE (run `criu check`), and run CRIU as root outside any seccomp profile.' }]),
  },
  {
    code: 'lsm.selinux-context-invalid',
    category: 'lsm',
    title: 'CRIU read an SELinux label it does not understand',
    role: 'cause',
    patterns: [/Invalid selinux context (\S+)/],
    explain: ({ match, facts }) =>
      explained(
        `CRIU reads each task's label from /proc/PID/attr/current and expects an SELinux context of the form user:role:type:level. It got "${match[1]}".${match[1] === 'kernel' ? ' The label "kernel" means SELinux is compiled in and /sys/fs/selinux exists, but no policy is loaded.' : ''} CRIU before 3.16 took the existence of /sys/fs/selinux as proof that SELinux is active; 3.16 checks the label format and falls back to no LSM handling.${criuOlderThan(facts, '3.16') ? ` This log is from CRIU ${facts.criuVersion}.` : ''}`,
        ['SELinux is half initialised on the host (enabled in the kernel, no policy loaded).', 'Another LSM owns /proc/PID/attr/current while CRIU assumes SELinux.'],
        [upgradeCriu('3.16', 'it recognises labels that are not SELinux contexts.'), { description: 'Or put SELinux in a consistent state: load a policy (enforcing or permissive) or disable it with selinux=0 on the kernel command line.' }],
      ),
  },
  {
    code: 'lsm.apparmor-label-unreadable',
    category: 'lsm',
    title: 'CRIU could not read the AppArmor label of a task',
    role: 'cause',
    patterns: [/err scanfing(?::\s*(.*))?/, /failed to collect AA namespace/],
    explain: ({ match }) =>
      explained(
        `CRIU reads the task's AppArmor profile from /proc/PID/attr/current; reading it failed${match[1] ? ` with ${describeErrno(match[1])}` : ''}. With several LSMs stacked, the legacy attr/current file belongs to the first major LSM in the boot order, which need not be AppArmor, and reading it can fail.`,
        ['The kernel stacks LSMs and AppArmor is not the owner of /proc/PID/attr/current (check `cat /proc/self/attr/current`).', 'AppArmor is in an inconsistent state.'],
        [{ description: 'Make AppArmor the first major LSM (lsm= boot parameter, e.g. lsm=landlock,lockdown,yama,apparmor,bpf) and check that `cat /proc/self/attr/current` works.' }],
      ),
  },
  {
    code: 'lsm.unavailable-on-restore',
    category: 'lsm',
    title: 'The checkpoint needs an LSM the restore host does not have',
    role: 'cause',
    patterns: [/(apparmor|selinux) LSM specified but \w+ not supported by kernel/, /mismatched lsm types and lsm profile specified/, /Unable to set the (\w+) socket SELinux context/, /Unable to reset socket SELinux context/],
    explain: ({ match }) =>
      explained(`The images record ${match[1] ?? 'an LSM'} labels, or CRIU must label its sockets, and this host's LSM setup does not allow it.`, ['Dump and restore hosts use different LSMs (SELinux vs AppArmor).', 'CRIU was built without SELinux support.'], [{ description: 'Restore on a host with the same LSM, or override the label with --lsm-profile (runc: --lsm-profile; CRIU 3.16 and later).' }]),
  },
  {
    code: 'kernel-feature.no-proc-children',
    category: 'kernel-feature',
    title: 'The kernel lacks /proc/PID/task/TID/children',
    role: 'cause',
    patterns: [/Can't open (\d+)\/task\/(\d+)\/children(?: on procfs)?(?::\s*(.*))?/],
    explain: () =>
      explained('CRIU walks the process tree through /proc/PID/task/TID/children, which exists only in kernels built with CONFIG_PROC_CHILDREN (selected by CONFIG_CHECKPOINT_RESTORE).', ['A vendor or embedded kernel without CONFIG_CHECKPOINT_RESTORE / CONFIG_PROC_CHILDREN.'], [{ description: 'Use a kernel with CONFIG_CHECKPOINT_RESTORE=y (all major distribution kernels have it); `criu check` reports missing features.' }]),
  },
  {
    code: 'kernel-feature.memory-tracking-off',
    category: 'kernel-feature',
    title: 'The kernel cannot track dirty memory (pre-dump unavailable)',
    role: 'cause',
    levels: ['error', 'warn'],
    patterns: [/Dirty tracking is OFF\. Memory snapshot will not work/, /memory tracking not supported/],
    explain: () =>
      explained(
        'Pre-dumps and iterative checkpoints (podman --pre-checkpoint / --with-previous) need the kernel\'s soft-dirty page tracking. It is missing on this kernel or architecture: CONFIG_MEM_SOFT_DIRTY is off, or the architecture (aarch64, for example) does not implement it.',
        ['The kernel is built without CONFIG_MEM_SOFT_DIRTY.', 'The architecture does not implement soft-dirty tracking.'],
        [{ description: 'Checkpoint without --pre-checkpoint/--with-previous; a plain checkpoint does not need memory tracking.' }],
      ),
  },
  {
    code: 'kernel-feature.runc-criu-features-missing',
    category: 'kernel-feature',
    title: 'runc found that CRIU lacks memory tracking or lazy pages on this host',
    role: 'cause',
    levels: ['error', 'warn', 'info'],
    patterns: [/CRIU is missing features/],
    explain: () =>
      explained(
        'Before a pre-dump (podman --pre-checkpoint) or a lazy-pages checkpoint, runc asks CRIU for the features it needs (in runc 1.1, checkCriuFeatures in libcontainer/container_linux.go): memory tracking (soft-dirty pages) for a pre-dump, userfaultfd for lazy pages. CRIU reported the feature as missing, so runc stopped before dumping anything.',
        [
          'A pre-checkpoint on a kernel without soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY off, or an architecture without it).',
          'A lazy-pages checkpoint on a kernel without userfaultfd.',
        ],
        [
          { description: 'Checkpoint without --pre-checkpoint and --with-previous; a single full checkpoint needs neither feature.' },
          { description: 'Confirm on the host with `criu check --feature mem_dirty_track` (or `--feature lazy_pages`).' },
        ],
      ),
  },
  {
    code: 'kernel-feature.userfaultfd-unavailable',
    category: 'kernel-feature',
    title: 'Lazy restore needs userfaultfd',
    role: 'cause',
    patterns: [/Unable to open an userfaultfd descriptor/, /Lazy pages are not available/, /Non-cooperative UFFD is not supported/],
    explain: () =>
      explained('Lazy migration (--lazy-pages, podman restore from a lazy checkpoint) loads memory on demand through userfaultfd with non-cooperative events (Linux 4.11 and later).', ['The kernel lacks CONFIG_USERFAULTFD, or vm.unprivileged_userfaultfd forbids it for CRIU.'], [{ description: 'Restore without lazy pages, or enable userfaultfd (kernel config, sysctl vm.unprivileged_userfaultfd=1 when CRIU is not root).' }]),
  },
  {
    code: 'kernel-feature.high-memory-region',
    category: 'kernel-feature',
    title: 'The kernel cannot handle a high memory region',
    role: 'cause',
    patterns: [/Can't dump high memory region ([0-9a-f]+)-([0-9a-f]+) of task (\d+)/, /Can't restore high memory region/],
    explain: () =>
      explained('The task maps memory above the 47-bit address space (5-level paging), and this kernel lacks the fix that lets ptrace and the restorer reach it.', ['A kernel older than the fix, with an application that uses high addresses (some JITs, sanitizers).'], [{ description: 'Update the kernel, or run the application without high-address hints.' }]),
  },
  {
    code: 'kernel-feature.missing-syscall',
    category: 'kernel-feature',
    title: 'The kernel lacks a system call or interface CRIU needs',
    role: 'cause',
    patterns: [/System call kcmp is not supported/, /No timerfd support for c\/r/, /ptrace doesn't support PTRACE_PEEKSIGINFO/, /Pidfd store requires pidfd_(?:open|getfd) syscall which is not supported/, /failed to mount autofs(?::\s*(.*))?/],
    explain: ({ match }) =>
      explained(`CRIU checked for a kernel interface and did not find it (${match[0]}). These interfaces come with CONFIG_CHECKPOINT_RESTORE and related options (kcmp, timerfd ioctl, PEEKSIGINFO, pidfd, autofs).`, ['A kernel built without CONFIG_CHECKPOINT_RESTORE or the named option, or a module that is not loaded (autofs4).'], [{ description: 'Run `criu check --all` and use a kernel with the missing features; load modules such as autofs4 if the workload needs them.' }]),
  },
  {
    code: 'kernel-feature.network-namespace-probe',
    category: 'kernel-feature',
    title: 'A kernel feature probe failed (harmless on its own)',
    role: 'noise',
    patterns: [/Unable create a network namespace(?::\s*(.*))?/, /NSID isn't reported for network links/, /Can't load \/run\/criu\.kdat/],
    explain: ({ match }) =>
      explained(`At start-up CRIU probes the kernel's features and caches them in /run/criu.kdat; this probe failed (${match[1] ? describeErrno(match[1]) : match[0]}). CRIU marks the feature as unavailable and carries on, so this is the cause only if nothing else failed. EPERM here shows that CRIU runs without root.`, ['CRIU runs without root or CAP_SYS_ADMIN.'], [{ description: 'Look for a later error; run CRIU as root if it is the only one.' }]),
  },
  {
    code: 'bpf.uprobes-vma',
    category: 'bpf',
    title: 'The process has a uprobe mapping',
    role: 'cause',
    patterns: [/PID (\d+) has uprobes vma\. Consider using --allow-uprobes/],
    explain: ({ match }) =>
      explained(`Task ${match[1]} has a [uprobes] mapping: a uprobe (usually placed by an eBPF tracer such as bpftrace, a profiler or a USDT probe) fired in it. The kernel recreates this mapping on demand, and CRIU 4.2 skips it only with --allow-uprobes.`, ['An eBPF tracer or profiler on the host attached uprobes to the container\'s binaries.'], [...criuConfigFixes('allow-uprobes', 'allow-uprobes', 'skip [uprobes] mappings (CRIU 4.2 and later).'), { description: 'Or stop the tracer before checkpointing.' }]),
  },
];
