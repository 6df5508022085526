/**
 * Processes in namespaces other than the container's first process. CRIU 4.1.1
 * (criu/namespaces.c, generate_ns_id) dumps the namespaces of the root task, and of other tasks only
 * nested mount and network namespaces (CLONE_SUBNS). A process in its own PID, IPC, UTS, user,
 * cgroup or time namespace fails the dump with "Can't dump nested <kind> namespace for <pid>".
 */
import type { Check } from '../finding';
import { makeFinding } from '../finding';
import type { Evidence, PreflightFinding } from '../types';

/** The entries of /proc/PID/ns that CRIU accepts nested (CLONE_NEWNS | CLONE_NEWNET). */
const NESTABLE = new Set(['mnt', 'net']);
/** The entries of /proc/PID/ns that name a namespace of the process itself. */
const OWN_NAMESPACES = ['pid', 'ipc', 'uts', 'user', 'cgroup', 'time', 'mnt', 'net'];

export const nestedNamespacesCheck: Check = {
  name: 'nested-namespaces',
  run(ctx) {
    const [root, ...others] = ctx.processes;
    if (root === undefined || others.length === 0) return [];
    const rootNs = root.extras?.ns;
    if (rootNs === undefined) {
      ctx.skip('nested-namespaces', `the namespaces of the first process (pid ${root.pid}) were not read`);
      return [];
    }
    const blocking = new Map<string, Evidence[]>();
    const nested: Evidence[] = [];
    for (const process of others) {
      const ns = process.extras?.ns;
      if (ns === undefined) {
        ctx.skip('nested-namespaces', `pid ${process.pid}: /proc/${process.pid}/ns was not read`);
        continue;
      }
      for (const kind of OWN_NAMESPACES) {
        const link = ns[kind];
        if (link === undefined || rootNs[kind] === undefined || link === rootNs[kind]) continue;
        const item: Evidence = { text: `pid ${process.pid} ns/${kind} -> ${link}, pid ${root.pid} has ${rootNs[kind]}`, pid: process.pid, source: { file: `/proc/${process.pid}/ns/${kind}` } };
        if (NESTABLE.has(kind)) {
          nested.push(item);
        } else {
          const list = blocking.get(kind) ?? [];
          list.push(item);
          blocking.set(kind, list);
        }
      }
    }

    const findings: PreflightFinding[] = [];
    for (const [kind, evidence] of blocking) {
      const isPid = kind === 'pid';
      findings.push(
        makeFinding(ctx, 'nested-namespaces', {
          category: 'namespace',
          verdict: 'blocks',
          title: `a process in a nested ${kind} namespace`,
          detail: `CRIU dumps only the ${kind} namespace of the container's first process and fails with "Can't dump nested ${kind} namespace" for a process in another one, e.g. one started by unshare, a sandbox (bubblewrap, Chrome) or a nested container runtime.`,
          evidence,
          kbCode: isPid ? 'namespace.nested-pid-namespace' : 'namespace.nested-namespace',
          kbMessage: isPid ? `Can't dump nested pid namespace for ${evidence[0].pid}` : `Can't dump nested ${kind} namespace for ${evidence[0].pid}`,
        }),
      );
    }
    if (nested.length > 0) {
      findings.push(
        makeFinding(ctx, 'nested-namespaces', {
          category: 'namespace',
          verdict: 'fine',
          title: 'processes in nested mount or network namespaces',
          detail: 'CRIU dumps nested mount and network namespaces along with the container\'s own.',
          evidence: nested,
        }),
      );
    }
    return findings;
  },
};
