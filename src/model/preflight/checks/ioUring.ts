/** io_uring instances: CRIU 4.1.1 has no dump code for `anon_inode:[io_uring]` (criu/files.c). */
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import type { Evidence } from '../types';

export const IO_URING_TARGET = 'anon_inode:[io_uring]';

export const ioUringCheck: Check = {
  name: 'io-uring',
  run(ctx) {
    const evidence: Evidence[] = [];
    for (const process of ctx.processes) {
      for (const entry of process.fds) {
        if (entry.target !== IO_URING_TARGET) continue;
        evidence.push({ text: `pid ${process.pid} fd ${entry.fd} -> ${entry.target}`, pid: process.pid, fd: entry.fd, source: { file: `/proc/${process.pid}/fd/${entry.fd}` } });
      }
    }
    if (evidence.length === 0) return [];
    return [
      makeFinding(ctx, 'io-uring', {
        category: 'io-uring',
        verdict: 'blocks',
        title: `${plural(evidence.length, 'io_uring instance')}`,
        detail: 'CRIU cannot dump io_uring instances and fails with "Can\'t dump file N of that type (anon [io_uring])". The application has to run without io_uring (many runtimes have a switch, e.g. an environment variable) to be checkpointed.',
        evidence,
        kbCode: 'io-uring.unsupported-fd',
        kbMessage: `Can't dump file ${evidence[0].fd} of that type [0] (anon [io_uring])`,
      }),
    ];
  },
};
