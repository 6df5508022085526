/**
 * A container in a pod, or sharing namespaces with another container. The checkpoint itself works:
 * crun 1.21 and runc 1.1.15 mark a joined network or PID namespace as external for CRIU
 * (`--external net[INODE]`, `pid[INODE]`). On restore crun 1.21 joins shared IPC, UTS and time
 * namespaces through criu_join_ns_add, which needs CRIU 3.16.1. A restore into a pod needs one that
 * shares the same namespaces (podman's pkg/checkpoint rejects one that does not).
 */
import type { Check } from '../finding';
import { makeFinding } from '../finding';
import type { Evidence } from '../types';

export const sharedNamespacesCheck: Check = {
  name: 'shared-namespaces',
  run(ctx) {
    const { container } = ctx.input;
    const evidence: Evidence[] = [];
    if (container.pod) evidence.push({ text: `container ${container.name} is in pod ${container.pod}` });
    for (const [kind, source] of Object.entries(container.sharedNamespaces ?? {})) {
      if (source) evidence.push({ text: `${kind} namespace shared with ${source}` });
    }
    if (evidence.length === 0) return [];
    return [
      makeFinding(ctx, 'shared-namespaces', {
        category: 'namespace',
        verdict: 'fine',
        title: container.pod ? `in pod ${container.pod}` : 'shares namespaces with another container',
        detail:
          'The runtime tells CRIU that a joined network or PID namespace is external, so the checkpoint does not dump it. Restore the container into a pod that shares the same namespaces (podman container restore --pod POD), which needs CRIU 3.16.1 or later; a restore without --pod recreates the namespaces.',
        evidence,
        fixes: [{ description: 'Restore into a pod that shares the same namespaces.', command: 'podman container restore --import=<file> --pod <pod>', podmanFlag: '--pod' }],
      }),
    ];
  },
};
