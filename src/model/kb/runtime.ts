import type { KbEntry } from '../types';
import { errnoName, explained, READ_FULL_LOG } from './helpers';

/** CRIU RPC request types that runc prints in `criu failed: type X errno N`. */
const RPC_TYPES: Record<string, string> = {
  NOTIFY: 'CRIU sent a notification (an action-script hook such as network-lock or post-dump) and then reported failure: the dump or restore itself failed',
  DUMP: 'the dump request failed',
  RESTORE: 'the restore request failed',
  PRE_DUMP: 'the pre-dump request failed',
  FEATURE_CHECK: 'the feature check failed',
  VERSION: 'the version query failed',
};

export const RUNTIME_ENTRIES: readonly KbEntry[] = [
  {
    code: 'runtime-support.runtime-without-criu',
    category: 'runtime-support',
    title: 'The OCI runtime has no checkpoint/restore support',
    role: 'cause',
    patterns: [/configured runtime does not support checkpoint\/restore/i],
    explain: () =>
      explained(
        'Before checkpointing, podman asks the OCI runtime whether it supports CRIU: for crun it looks for "+CRIU" in `crun --version`. The configured runtime answered no.',
        [
          'crun was built without CRIU support (Debian 12\'s crun 1.8.1, for example, lacks "+CRIU").',
          'libcriu (package libcriu2 / criu-libs) is not installed, so a crun built with CRIU support cannot use it.',
        ],
        [
          { description: 'Install a crun built with CRIU support plus libcriu2 (criu-libs on Fedora); `crun --version` then lists +CRIU.' },
          { description: 'Or use runc, which always supports CRIU: create the container again with `podman run --runtime runc ...` (or set runtime = "runc" in containers.conf). A container keeps the runtime it was created with.' },
        ],
      ),
  },
  {
    code: 'runtime-support.criu-too-old-for-podman',
    category: 'runtime-support',
    title: 'CRIU is missing or older than podman requires',
    role: 'cause',
    patterns: [/checkpoint\/restore requires at least CRIU (\d+)(?:, current version is (\d+))?/i],
    explain: ({ match }) => {
      const toDotted = (value: string) => {
        const n = Number(value);
        return `${Math.floor(n / 10000)}.${Math.floor(n / 100) % 100}${n % 100 ? '.' + (n % 100) : ''}`;
      };
      return explained(
        `Podman requires CRIU ${toDotted(match[1])} (it prints the version as a number, ${match[1]})${match[2] ? `, and found ${toDotted(match[2])}` : ''}. When CRIU is not installed or cannot be run, podman reports the same message.`,
        ['criu is not installed or not in PATH for podman.', 'The distribution ships an older CRIU.'],
        [{ description: `Install or upgrade CRIU to ${toDotted(match[1])} or later, then check that \`criu --version\` runs as root.` }],
      );
    },
  },
  {
    code: 'runtime-support.criu-binary-missing',
    category: 'runtime-support',
    title: 'containerd cannot find the criu binary',
    role: 'cause',
    patterns: [/criu binary not found in shim path or system PATH/],
    explain: () =>
      explained(
        'containerd\'s runc shim looks for the criu executable next to the shim binary and then in the PATH of the containerd service before it asks runc to checkpoint or restore (the Kubernetes kubelet checkpoint API and `ctr` go through it). It found none.',
        ['CRIU is not installed on the node (many Kubernetes node images, minikube and COS among them, ship without it).', 'criu is installed in a directory outside the PATH of the containerd systemd unit (for example /usr/local/sbin on some distributions).'],
        [
          { description: 'Install CRIU on every node that should checkpoint containers (apt-get install criu, dnf install criu), then run `criu check` as root to confirm that it works.' },
          { description: 'If criu lives elsewhere, add its directory to the PATH of the containerd service (systemctl edit containerd; Environment=PATH=...) and restart containerd.' },
        ],
      ),
  },
  {
    code: 'runtime-support.libcriu-missing',
    category: 'runtime-support',
    title: 'crun cannot load libcriu',
    role: 'cause',
    patterns: [/could not load `?libcriu\.so\.2`?/, /could not find symbol `(\w+)` in `libcriu\.so`/],
    explain: ({ match }) =>
      explained(
        `crun loads libcriu.so.2 at run time (dlopen) for checkpoint and restore; ${match[1] ? `the library lacks the function ${match[1]}, so it is older than this crun expects` : 'the library is not installed'}.`,
        ['The libcriu2 (Debian/Ubuntu) or criu-libs (Fedora) package is missing.', 'libcriu is older than crun, or installed in a path the loader does not search.'],
        [{ description: 'Install libcriu: apt-get install libcriu2, or dnf install criu-libs; keep it at the same version as criu.' }],
      ),
  },
  {
    code: 'runtime-support.crun-rpc-config-needs-criu-4-2',
    category: 'runtime-support',
    title: 'crun needs CRIU 4.2 for a CRIU configuration annotation',
    role: 'cause',
    patterns: [/libcriu RPC config files supported in CRIU >= 4\.2/],
    explain: () =>
      explained(
        'The container has the org.criu.config annotation, and crun (1.26 and later) can pass a configuration file to CRIU only through the criu_set_config_file function of libcriu 4.2 or later. The libcriu that crun loaded is older.',
        ['libcriu (libcriu2, criu-libs) is older than 4.2, even if the criu binary is newer.'],
        [
          { description: 'Upgrade CRIU and libcriu to 4.2 or later; crun then passes the annotated file, and CRIU applies it after the options crun sends.' },
          {
            description:
              'Or drop the annotation. CRIU then reads only /etc/criu/default.conf, which sets the options crun does not send (ghost-limit, link-remap, timeout, irmap-scan-path, ...) but not the ones it sends (tcp-established, file-locks, ext-unix-sk, shell-job, manage-cgroups).',
          },
        ],
      ),
  },
  {
    code: 'cgroup.crun-hybrid-mode',
    category: 'cgroup',
    title: 'crun does not support this cgroup hybrid setup',
    role: 'cause',
    patterns: [/cgroups in hybrid mode not supported/],
    explain: () =>
      explained(
        'The host uses cgroup v1 with a cgroup v2 hierarchy mounted as well (hybrid mode, usually at /sys/fs/cgroup/unified), and controllers are enabled in the v2 part. crun refuses to run containers there.',
        ['systemd booted in hybrid mode and a controller was moved to the unified hierarchy.'],
        [
          { description: 'Boot with the unified cgroup v2 hierarchy (systemd.unified_cgroup_hierarchy=1), or with pure v1.' },
          { description: 'Or create the container with runc, which supports hybrid mode: `podman run --runtime runc ...`.' },
        ],
      ),
  },
  {
    code: 'runtime-support.docker-experimental-disabled',
    category: 'runtime-support',
    title: 'Docker checkpoints need the daemon\'s experimental features',
    role: 'cause',
    // The docker CLI prints this refusal without a prefix, so a pasted terminal line is a plain (info) record.
    levels: ['error', 'info'],
    patterns: [/(docker checkpoint (?:create|ls|rm)) is only supported on a Docker daemon with experimental features enabled/, /"--(checkpoint(?:-dir)?)" is only supported on a Docker daemon with experimental features enabled/],
    explain: ({ match }) =>
      explained(
        `The docker CLI asked the daemon whether experimental features are on before it ran ${match[1].startsWith('docker') ? `\`${match[1]}\`` : `\`docker start --${match[1]}\``}, and they are off. Docker marks checkpoint and restore as experimental, so the CLI rejects the command before any CRIU call: nothing was checkpointed or restored.`,
        ['The Docker daemon runs without "experimental": true in /etc/docker/daemon.json (the default).'],
        [
          { description: 'Add `"experimental": true` to /etc/docker/daemon.json, restart the daemon (systemctl restart docker), and check that `docker version` shows Experimental: true for the server. CRIU must be installed on the host as well.' },
          { description: 'Or checkpoint the container with podman, which does not need an experimental switch.' },
        ],
      ),
  },
  {
    code: 'follow-on.docker-checkpoint-failed',
    category: 'unexplained',
    title: 'Docker reports that the checkpoint failed',
    role: 'follow-on',
    patterns: [/^(?:Error response from daemon: )?Cannot checkpoint container (\S+?): /],
    explain: ({ match }) =>
      explained(
        `The Docker daemon asked containerd, and containerd asked runc, to checkpoint container ${match[1]}; the error text after the name is what runc returned. It names runc's CRIU request and the CRIU log (criu-dump.log under the containerd task directory, /run/containerd/io.containerd.runtime.v2.task/moby/ID/), which holds the reason.`,
        ['See the errors in the CRIU log that the message names.'],
        [
          { description: 'Read the CRIU log named in the message (criu-dump.log under /run/containerd/io.containerd.runtime.v2.task/moby/ID/) before containerd removes it, or repeat the checkpoint and copy the log while the command runs.' },
        ],
      ),
  },
  {
    code: 'follow-on.crun-criu-failed',
    category: 'unexplained',
    title: 'crun reports that CRIU failed',
    role: 'follow-on',
    patterns: [/CRIU (checkpointing|restoring|feature checking) failed:? (-?\d+)/],
    explain: ({ match }) => {
      const code = Number(match[2]);
      const name = errnoName(code);
      return explained(
        `crun called CRIU through libcriu and got ${code}${name ? ` (-${name})` : ''}. ${code === -52 ? '-52 is EBADE, which libcriu returns for any failed RPC request: it carries no reason.' : 'This code comes from libcriu and does not name the reason.'} The cause is in CRIU's own log, ${match[1] === 'restoring' ? 'restore.log' : 'dump.log'} in the work directory crun names.`,
        ['See the errors in CRIU\'s log file.'],
        [READ_FULL_LOG],
      );
    },
  },
  {
    code: 'follow-on.runc-criu-failed',
    category: 'unexplained',
    title: 'runc reports that CRIU failed',
    role: 'follow-on',
    patterns: [/criu failed: type (\w+) errno (\d+)/],
    explain: ({ match }) =>
      explained(
        `runc talks to CRIU over its RPC socket and received a failure for request type ${match[1]}: ${RPC_TYPES[match[1]] ?? 'the request failed'}. errno ${match[2]}${match[2] === '0' ? ' means CRIU did not report an errno' : ` is ${errnoName(Number(match[2])) ?? 'an errno value'}`}. The reason is in the log file runc names (dump.log or restore.log).`,
        ['See the errors in CRIU\'s log file.'],
        [READ_FULL_LOG],
      ),
  },
  {
    code: 'follow-on.runc-container-still-running',
    category: 'unexplained',
    title: 'runc left the container running after a failed checkpoint',
    role: 'follow-on',
    patterns: [/^container still running$/],
    explain: () =>
      explained(
        'runc prints this after CRIU failed to dump the container: the checkpoint was abandoned and the container keeps running unchanged. The preceding "criu failed" line and CRIU\'s dump.log hold the reason.',
        ['See the "criu failed" line and the dump.log it names.'],
        [READ_FULL_LOG],
      ),
  },
  {
    code: 'follow-on.lxd-criu-failed',
    category: 'unexplained',
    title: 'LXD reports that CRIU failed',
    role: 'follow-on',
    patterns: [/^(?:snapshot|checkpoint) dump failed$/i, /^Migrate: Failed to run: .*\bforkmigrate\b/],
    explain: () =>
      explained(
        'LXD (through liblxc) runs CRIU for `lxc stop --stateful`, stateful snapshots and live migration, and prints this summary when CRIU exits with an error. Some LXD versions print the last CRIU errors after it; otherwise the CRIU log is in the container\'s log directory.',
        ['See the CRIU errors printed with this message, or the CRIU log in the container\'s log directory.'],
        [{ description: 'Show the liblxc log of the container with `lxc info --show-log NAME`; it reports the CRIU failure and CRIU\'s output.' }],
      ),
  },
  {
    code: 'pid-collision.podman-container-id-in-use',
    category: 'pid-collision',
    title: 'A container with the checkpoint\'s ID already exists',
    role: 'cause',
    patterns: [/creating container storage: that ID is already in use/],
    explain: () =>
      explained(
        'podman container restore --import recreates the container with the ID and name stored in the exported checkpoint, and a container with that ID still exists on this host.',
        ['The original container was not removed before importing its checkpoint on the same host.'],
        [
          { description: 'Restore the export as a new container with another name (podman gives it a new ID).', command: 'podman container restore --import=<file> --name <new-name>' },
          { description: 'Or remove the original container first (`podman rm <container>`), then import again.' },
        ],
      ),
  },
  {
    code: 'follow-on.podman-runtime-command-failed',
    category: 'unexplained',
    title: 'The runtime\'s checkpoint or restore command failed',
    role: 'follow-on',
    patterns: [/`[^`]*\b(crun|runc|crun-wasm|youki)\b[^`]*\b(checkpoint|restore)\b[^`]*` failed: exit status (\d+)/],
    explain: ({ match }) =>
      explained(`Podman ran the OCI runtime${match[1] ? ` (${match[1]} ${match[2]})` : ''} and it exited with an error. The runtime's own message, printed before this line, and CRIU's log explain why.`, ['See the runtime message and CRIU\'s log.'], [READ_FULL_LOG]),
  },
];
