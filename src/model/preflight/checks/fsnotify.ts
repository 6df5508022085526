/**
 * inotify and fanotify fds and their marks, from fdinfo (`inotify wd:… ino:… sdev:…`,
 * `fanotify ino:…`, `fanotify mnt_id:…`). CRIU 4.1.1 (criu/fsnotify.c, criu/proc_parse.c) saves
 * inode marks as file handles and mount marks by mount id. It reopens each watched inode by its
 * handle during the dump, and a handle it cannot open (a deleted file, a filesystem without
 * handles) fails the dump. It reads no other mark lines, so a fanotify filesystem mark is not saved.
 */
import type { ProcessView } from '../context';
import type { Check } from '../finding';
import { makeFinding } from '../finding';
import type { Evidence } from '../types';

interface Marks {
  inode: number;
  mount: number;
  other: number;
  firstLine?: number;
}

/** Counts the marks in each fd's fdinfo block, by fd number. */
function marksByFd(process: ProcessView): Map<number, Marks> {
  const marks = new Map<number, Marks>();
  const text = process.snapshot.fdinfo;
  if (text === undefined) return marks;
  const lines = text.split('\n');
  let current: Marks | undefined;
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index];
    const header = /^==\s+(?:\/proc\/\d{1,10}\/)?fdinfo\/(\d{1,10})/.exec(raw);
    if (header) {
      current = { inode: 0, mount: 0, other: 0 };
      marks.set(Number(header[1]), current);
      continue;
    }
    if (current === undefined || raw.startsWith('==')) {
      current = undefined;
      continue;
    }
    let kind: keyof Omit<Marks, 'firstLine'> | undefined;
    if (raw.startsWith('inotify wd:') || raw.startsWith('fanotify ino:')) kind = 'inode';
    else if (raw.startsWith('fanotify mnt_id:')) kind = 'mount';
    else if (raw.startsWith('fanotify ') && !raw.startsWith('fanotify flags:')) kind = 'other';
    if (kind === undefined) continue;
    current[kind]++;
    current.firstLine ??= index + 1;
  }
  return marks;
}

export const fsnotifyCheck: Check = {
  name: 'fsnotify',
  run(ctx) {
    const evidence: Evidence[] = [];
    let unsavedMarks = 0;
    for (const process of ctx.processes) {
      const notifyFds = process.fds.filter((entry) => entry.target === 'anon_inode:inotify' || entry.target === 'anon_inode:[fanotify]');
      if (notifyFds.length === 0) continue;
      const marks = marksByFd(process);
      for (const entry of notifyFds) {
        const counted = marks.get(entry.fd);
        const kind = entry.target.includes('fanotify') ? 'fanotify' : 'inotify';
        const summary = counted ? `${counted.inode} inode mark${counted.inode === 1 ? '' : 's'}${counted.mount > 0 ? `, ${counted.mount} mount marks` : ''}${counted.other > 0 ? `, ${counted.other} other marks` : ''}` : 'marks unknown (no fdinfo)';
        if (counted) unsavedMarks += counted.other;
        const item: Evidence = { text: `pid ${process.pid} fd ${entry.fd} -> ${entry.target}: ${summary}`, pid: process.pid, fd: entry.fd, source: { file: `/proc/${process.pid}/fdinfo/${entry.fd}` } };
        if (counted?.firstLine !== undefined) item.source = { file: `/proc/${process.pid}/fdinfo/${entry.fd}`, line: counted.firstLine };
        evidence.push(item);
        if (!counted) ctx.skip('fsnotify', `pid ${process.pid} fd ${entry.fd}: no fdinfo for this ${kind} fd, so its marks were not counted`);
      }
    }
    if (evidence.length === 0) return [];
    return [
      makeFinding(ctx, 'fsnotify', {
        category: 'fsnotify',
        verdict: 'fine',
        title: `${evidence.length} inotify/fanotify fd${evidence.length === 1 ? '' : 's'}`,
        detail: `CRIU saves inotify and fanotify marks as file handles and reopens each watched inode by handle during the dump; a watch on a file that is deleted by then, or on a filesystem without file handles, fails with "Handle … cannot be opened".${unsavedMarks > 0 ? ` ${unsavedMarks} mark${unsavedMarks === 1 ? ' is' : 's are'} neither an inode nor a mount mark (a fanotify filesystem mark), which CRIU does not save, so it is missing after restore.` : ''}`,
        evidence,
      }),
    ];
  },
};
