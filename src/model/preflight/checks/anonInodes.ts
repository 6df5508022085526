/**
 * Other anonymous-inode fds. CRIU 4.1.1 (criu/files.c, dump_one_file) dumps eventfd, eventpoll,
 * inotify, fanotify, signalfd, timerfd, pidfd and BPF maps, and fails on any other kind with
 * "Can't dump file N of that type (anon …)": userfaultfd, perf events, KVM, BPF programs, ….
 * io_uring and BPF maps have their own checks.
 */
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import type { Evidence } from '../types';

const SUPPORTED = new Set([
  'anon_inode:[eventfd]',
  'anon_inode:[eventpoll]',
  'anon_inode:inotify',
  'anon_inode:[fanotify]',
  'anon_inode:[signalfd]',
  'anon_inode:[timerfd]',
  'anon_inode:[pidfd]',
  'anon_inode:bpf-map',
  'anon_inode:[io_uring]',
]);

export const anonInodesCheck: Check = {
  name: 'anon-inodes',
  run(ctx) {
    const evidence: Evidence[] = [];
    for (const process of ctx.processes) {
      for (const entry of process.fds) {
        if (!entry.target.startsWith('anon_inode:') || SUPPORTED.has(entry.target)) continue;
        evidence.push({ text: `pid ${process.pid} fd ${entry.fd} -> ${entry.target}`, pid: process.pid, fd: entry.fd, source: { file: `/proc/${process.pid}/fd/${entry.fd}` } });
      }
    }
    if (evidence.length === 0) return [];
    const first = evidence[0].text.split(' -> ')[1];
    return [
      makeFinding(ctx, 'anon-inodes', {
        category: 'device-file',
        verdict: 'blocks',
        title: `${plural(evidence.length, 'fd')} of a kind CRIU cannot dump`,
        detail: `CRIU dumps eventfd, epoll, inotify, fanotify, signalfd, timerfd, pidfd and BPF map fds, and fails on other anonymous inodes such as ${first}.`,
        evidence,
        kbCode: 'device-file.unsupported-anon-inode',
        kbMessage: `Can't dump file ${evidence[0].fd} of that type [0] (anon ${first})`,
      }),
    ];
  },
};
