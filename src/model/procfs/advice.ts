/**
 * Owner and advice for each gap. The facts about the runtimes were read from their source:
 *
 * - crun 1.21, src/libcrun/linux.c: a constructor (`libcrun_rexec`) calls `ensure_cloned_binary`
 *   when crun starts, as protection against CVE-2019-5736. src/libcrun/cloned_binary.c first opens
 *   a read-only bind mount of /proc/self/exe made with open_tree(OPEN_TREE_CLONE), which is never
 *   attached. If that fails, it bind-mounts the binary on a temporary file, opens it and unmounts it
 *   with MNT_DETACH. If that fails too, it copies the binary into a sealed memfd. crun then
 *   re-executes itself from the fd it got. For a Wasm handler crun does not exec the container's program
 *   afterwards: the container process is crun (cmdline `[libcrun:<handler>] …`), so its binary stays
 *   mapped from the detached mount and its libraries from the runtime's root.
 * - runc 1.1.15 (libcontainer/nsenter/cloned_binary.c) copies its binary into a memfd; runc 1.3 and
 *   later (libcontainer/exeseal/) first open it through an internal overlayfs made with fsopen() and
 *   fsmount(), which is never attached, and fall back to a copy. In both, `runc init` ends with an
 *   execve of the container's program (libcontainer/standard_init_linux.go), so no runc mapping is
 *   left in the container process.
 * - CRIU 4.1.1, criu/files-reg.c: before the mount lookup that fails, CRIU checks whether the file
 *   was named with `--external file[<mnt_id hex>:<inode hex>]` and, if so, dumps it as external
 *   (restore then needs the file passed back with --inherit-fd).
 */
import type { Where } from './placement';

/**
 * Origin of the file in the process:
 * - `runtime-binary`: the container runtime's own executable (crun running a Wasm module in process);
 * - `runtime-library`: a shared library of the runtime, mapped from the runtime's root;
 * - `host-file`: a file passed in from outside, e.g. with `podman run --preserve-fds`;
 * - `unknown`: the data does not show.
 */
export type GapOwner = 'runtime-binary' | 'runtime-library' | 'host-file' | 'unknown';

/**
 * Confidence of a piece of advice:
 * - `removes-cause`: the file is then no longer outside the container, by construction;
 * - `unverified`: may work, but was not shown to on a real stack;
 * - `next-step`: gathers the data needed to say more; fixes nothing by itself.
 */
export type AdviceStatus = 'removes-cause' | 'unverified' | 'next-step';

export interface Advice {
  action: string;
  status: AdviceStatus;
}

/** Facts about a gap that decide its owner and advice. */
export interface GapFacts {
  kind: 'mapping' | 'fd' | 'exe' | 'cwd';
  where: Where;
  path: string | null;
  fd: number | null;
  mntId: number | null;
  inode: string | null;
  deleted: boolean;
  /** Handler name when the process is crun running a module in process (`[libcrun:wasmedge]`). */
  runtimeHandler: string | null;
}

const LIBRARY = /(^|\/)lib[^/]*\.so(\.[0-9.]+)?$|\/lib(64|32)?\//;

/** Returns who put the file into the process, and a sentence saying so. */
export function ownerOf(facts: GapFacts): { owner: GapOwner; ownerText: string } {
  if (facts.where === 'unknown') {
    return { owner: 'unknown', ownerText: 'unknown: the file is not on a container mount, and the mountinfo files given do not show where it is' };
  }
  if (facts.where === 'detached' && (facts.kind === 'mapping' || facts.kind === 'exe') && (facts.runtimeHandler !== null || facts.path === '/')) {
    const handler = facts.runtimeHandler === null ? '' : ` (the process is crun's ${facts.runtimeHandler} handler)`;
    return {
      owner: 'runtime-binary',
      ownerText: `the container runtime's own binary${handler}, re-executed from a detached read-only mount of /proc/self/exe as crun does at start-up`,
    };
  }
  if (facts.kind === 'mapping' && facts.path !== null && LIBRARY.test(facts.path) && (facts.runtimeHandler !== null || facts.where === 'runtime')) {
    return { owner: 'runtime-library', ownerText: `a shared library mapped from the ${facts.where === 'host' ? "host's" : "runtime's"} root filesystem, not from the image` };
  }
  return { owner: 'host-file', ownerText: 'a file from outside the container, passed in (e.g. with podman run --preserve-fds) or inherited when the process started' };
}

const CANNOT_TODAY = 'This container cannot be checkpointed with this runtime set-up today.';

function runtimeAdvice(facts: GapFacts): Advice[] {
  const handler = facts.runtimeHandler ?? 'Wasm';
  return [
    {
      action: `Ship the ${handler} runtime inside the image and make it the container's program (e.g. an image whose entrypoint is the ${handler} command-line tool running the module), so that its binary and libraries come from the container's own mounts.`,
      status: 'removes-cause',
    },
    {
      action: `CRIU's --external file[<mnt_id>:<inode>] (both in hex) skips the mount lookup at dump, but crun 1.21 has no option to pass it to CRIU, and restore would have to hand every such file back with --inherit-fd. Not shown to work for a runtime's own mappings.`,
      status: 'unverified',
    },
  ];
}

function hostFileAdvice(facts: GapFacts): Advice[] {
  const advice: Advice[] = [];
  if (facts.kind === 'fd') {
    advice.push({
      action: `Close fd ${facts.fd ?? '?'} in the program before the checkpoint, or stop passing it in (drop --preserve-fds or the inherited descriptor).`,
      status: 'removes-cause',
    });
  } else if (facts.kind === 'mapping') {
    advice.push({
      action: 'Unmap the file (munmap) before the checkpoint, or stop passing it in; closing its fd is not enough, because the mapping keeps the file (CRIU reports such a file with fd=-3).',
      status: 'removes-cause',
    });
  }
  advice.push({
    action: 'Put the file on a container mount instead, e.g. `podman run -v <host dir>:<container dir>` and open it there, so CRIU finds its mount in the container.',
    status: 'removes-cause',
  });
  const id = facts.mntId === null || facts.inode === null ? '<mnt_id hex>:<inode hex>' : `${facts.mntId.toString(16)}:${BigInt(facts.inode).toString(16)}`;
  advice.push({
    action: `Name the file as external: CRIU --external file[${id}] at dump and --inherit-fd at restore. Podman and crun 1.21 have no flag for it, so it would need a CRIU configuration file that the runtime's CRIU reads.`,
    status: 'unverified',
  });
  return advice;
}

/** Returns the advice for a gap, the verdict last when the gap cannot be closed without a set-up change. */
export function adviceFor(facts: GapFacts, owner: GapOwner): { advice: Advice[]; verdict: string | null } {
  if (owner === 'runtime-binary' || owner === 'runtime-library') {
    return { advice: runtimeAdvice(facts), verdict: CANNOT_TODAY };
  }
  if (owner === 'host-file') {
    const advice = hostFileAdvice(facts);
    if (facts.deleted) advice.unshift({ action: 'The file is deleted, so it cannot be reopened by path on restore; keep it from being deleted while the container runs.', status: 'unverified' });
    return { advice, verdict: null };
  }
  return {
    advice: [
      {
        action: 'Give the mountinfo of the runtime side (--runtime-mountinfo /proc/<conmon PID>/mountinfo) and of the host (--host-mountinfo /proc/1/mountinfo) to tell where the mount is.',
        status: 'next-step',
      },
    ],
    verdict: null,
  };
}
