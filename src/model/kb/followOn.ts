import type { KbEntry } from '../types';
import { describeErrno, explained, READ_FULL_LOG } from './helpers';

/** Explanation shared by the generic "an earlier step failed" records. */
function earlierStep(what: string) {
  return () =>
    explained(
      `${what} It reports that an earlier step failed; the error logged before it (by the same task) names the reason.`,
      ['See the first error above this line.'],
      [READ_FULL_LOG],
    );
}

export const FOLLOW_ON_ENTRIES: readonly KbEntry[] = [
  {
    code: 'follow-on.operation-failed-banner',
    category: 'unexplained',
    title: 'CRIU gave up',
    role: 'follow-on',
    patterns: [/^(Dumping|Restoring|Pre-dumping|Lazy pages transfer) FAILED\.?\s*$/],
    explain: ({ match }) => earlierStep(`"${match[1]} FAILED" is CRIU's final banner for the whole operation.`)(),
  },
  {
    code: 'follow-on.dump-step-failed',
    category: 'unexplained',
    title: 'A dump step failed',
    role: 'follow-on',
    patterns: [/^(Collect mappings|Dump files|Dump core|Collect fds|Dump mappings|Dump fs|Dump ids|Dump eventpoll|Dump cgroup of threads in process|Pre-dumping files failed|Can't dump misc|Can't dump sigactions|Can't dump threads?|Can't dump posix timers|Can't dump itimers|Can't infect|Can't cure)\b.*\(pid: (\d+)\)(?: failed)?(?: with (-?\d+))?/, /^Can't infect \(pid: (\d+)\) with parasite/],
    explain: ({ match }) => earlierStep(`"${match[0].trim()}" summarises one dump step of task ${match[2] ?? match[1]}.`)(),
  },
  {
    code: 'follow-on.restore-fd-failed',
    category: 'unexplained',
    title: 'Restore of a file descriptor failed',
    role: 'follow-on',
    patterns: [/Unable to open fd=(\d+) id=(0x[0-9a-f]+)/],
    explain: ({ match }) => earlierStep(`Restore could not reopen descriptor ${match[1]} (file id ${match[2]}).`)(),
  },
  {
    code: 'follow-on.restore-vma-failed',
    category: 'unexplained',
    title: 'Restore of a memory mapping failed',
    role: 'follow-on',
    patterns: [/^`- Can't open vma/],
    explain: earlierStep('Restore could not open the file behind a memory mapping.'),
  },
  {
    code: 'follow-on.restorer-failed',
    category: 'unexplained',
    title: 'The restorer blob failed',
    role: 'follow-on',
    patterns: [/Restorer fail (-?\d+)/, /Restorer abnormal termination for (-?\d+)/],
    explain: ({ match }) => earlierStep(`The restorer code running in task ${match[1]} (the last stage of restore, which maps memory and returns into the process) reported failure.`)(),
  },
  {
    code: 'follow-on.task-killed-by-signal',
    category: 'unexplained',
    title: 'A task died during restore',
    role: 'follow-on',
    patterns: [/(\d+) killed by signal (\d+)(?::\s*(.*))?/, /Child (\d+) died too early/],
    explain: ({ match }) =>
      explained(
        `Task ${match[1]} died${match[2] ? ` from signal ${match[2]}${match[3] ? ` (${match[3]})` : ''}` : ''} while being restored. When a BUG or another error precedes this line, the task died because of it; SIGSEGV without an earlier error points to an incompatibility between the image and this CRIU or kernel (for example an old CRIU on a new kernel, or rseq/vDSO state).`,
        ['See the error before this line; if none, check the CRIU and kernel versions of dump and restore.'],
        [READ_FULL_LOG],
      ),
  },
  {
    code: 'follow-on.ptrace-cleanup',
    category: 'parasite',
    title: 'Clean-up after an aborted parasite injection',
    role: 'follow-on',
    patterns: [/^POKEDATA failed/, /^PEEKDATA failed/, /^Can't poke (\d+) @/, /Can't restore the original data with poke/, /^Unable to detach from (\d+)/],
    explain: earlierStep('CRIU restores the task\'s original code and detaches after a failed parasite injection; these ptrace calls fail with ESRCH when the task is no longer stopped.'),
  },
  {
    code: 'follow-on.unseizable-after-failed-seize',
    category: 'parasite',
    title: 'CRIU could not wait for a task it failed to attach to',
    role: 'follow-on',
    patterns: [/Unseizable non-zombie (\d+) found, state (\S), err -1\/10\b/],
    explain: ({ match }) =>
      earlierStep(
        `CRIU waits for task ${match[1]} after attaching to it, and wait4() failed with ECHILD (10): the task is not CRIU's tracee, because the PTRACE_SEIZE before it failed. The warning "Unable to interrupt task: ${match[1]}" above names the errno of that attach.`,
      )(),
  },
  {
    code: 'follow-on.namespaces-dump-failed',
    category: 'namespace',
    title: 'Namespace dumping failed',
    role: 'follow-on',
    patterns: [/Namespaces dumping finished with error (-?\d+)/, /^Can't make (\w+) id/],
    explain: earlierStep('CRIU dumps namespaces in a helper process, and this line reports that the helper or the namespace lookup failed.'),
  },
  {
    code: 'follow-on.kerndat-init-failed',
    category: 'kernel-feature',
    title: 'Kernel feature detection failed',
    role: 'follow-on',
    patterns: [/Could not initialize kernel features detection/, /(\w+) failed when initializing kerndat/, /Failed to fill self vdso symtable/, /Failed to fill compat vdso symtable/],
    explain: earlierStep('CRIU detects the kernel\'s features at start-up; when this fails, no command can run.'),
  },
  {
    code: 'follow-on.mountinfo-parse-failed',
    category: 'mountinfo-parse',
    title: 'Reading mountinfo failed',
    role: 'follow-on',
    patterns: [/Can't parse (\d+)'s mountinfo/],
    explain: ({ match }) => earlierStep(`CRIU could not read /proc/${match[1]}/mountinfo.`)(),
  },
  {
    code: 'follow-on.mapfile-no-device',
    category: 'device-file',
    title: 'A special mapping could not be opened',
    role: 'follow-on',
    patterns: [/Can't open (\d+)'s mapfile link ([0-9a-f]+): No such device or address/],
    explain: ({ match }) =>
      earlierStep(`The mapping at 0x${match[2]} of task ${match[1]} has no file behind it that /proc/PID/map_files can open (ENXIO); CRIU already reported what kind of mapping it is.`)(),
  },
  {
    code: 'follow-on.fsnotify-handle-dump',
    category: 'fsnotify',
    title: 'An fsnotify watch could not be dumped',
    role: 'follow-on',
    patterns: [/^\s*Can't dump that handle/],
    explain: earlierStep('CRIU could not record an inotify or fanotify watch.'),
  },
  {
    code: 'follow-on.network-tool-failed',
    category: 'namespace',
    title: 'The ip tool failed while saving the network namespace',
    role: 'follow-on',
    patterns: [/IP tool failed on (.*)/],
    explain: ({ match }) =>
      explained(
        `CRIU ran \`ip\` to ${match[1].trim()} (save or restore addresses, routes, rules) and it failed. If an execvp("ip", ...) error precedes this line, iproute2 is missing where CRIU runs; otherwise the ip command's own error is in the log above.`,
        ['iproute2 is not installed in the environment where CRIU runs.', 'ip could not enter the network namespace.'],
        [{ description: 'Install iproute2 on the host (or in the root where the runtime and CRIU run).' }],
      ),
  },
  {
    code: 'follow-on.vdso-proxify-failed',
    category: 'vdso',
    title: 'The restorer could not redirect the vDSO',
    role: 'follow-on',
    patterns: [/Failed to proxify dumpee contents/, /Failed to unmap dumpee (?:vdso|vvar)/],
    explain: earlierStep('The restorer maps the new kernel\'s vDSO and patches the saved one.'),
  },
  {
    code: 'noise.helper-exit-status',
    category: 'unexplained',
    title: 'A helper program exited with an error',
    role: 'noise',
    patterns: [/^exited, status=(\d+)/, /^Can't wait or bad status: errno=(\d+), status=(\d+)/],
    explain: ({ match }) =>
      explained(
        `A helper program that CRIU started (ip, iptables-restore, a tar of tmpfs contents, an action script) exited with status ${match[1]}. The program's own messages usually appear right before this line; CRIU often carries on, and it is the cause only if nothing else failed.`,
        ['A tool CRIU runs during kerndat probing or namespace dumping failed (often harmlessly).'],
        [READ_FULL_LOG],
      ),
  },
  {
    code: 'benign.ip-address-already-assigned',
    category: 'namespace',
    title: 'The ip tool found an address already assigned (harmless)',
    role: 'benign',
    patterns: [/^(?:Error: )?ipv[46]: [Aa]ddress already assigned\.?/],
    explain: () =>
      explained('When restoring a network namespace, CRIU replays the saved addresses with `ip`. Addresses that already exist, such as 127.0.0.1 and ::1 on the loopback device, are reported by ip as errors, but the restore goes on and succeeds.', ['The runtime set up the container\'s network before CRIU replayed it.'], []),
  },
  {
    code: 'benign.loginuid-write',
    category: 'permission',
    title: 'CRIU could not write the login uid (harmless)',
    role: 'benign',
    levels: ['error', 'warn', 'info'],
    patterns: [/Write (\d+) to \/proc\/self\/loginuid failed(?::\s*(.*))?/],
    explain: ({ match }) =>
      explained(`CRIU probes whether it can restore the audit login uid by writing ${match[1]} to /proc/self/loginuid; this failed with ${describeErrno(match[2])}, so it will not restore login uids. Dumps continue.`, ['CRIU runs without CAP_AUDIT_CONTROL.'], []),
  },
];
