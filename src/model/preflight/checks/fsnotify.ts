/**
 * inotify and fanotify fds and their marks, from fdinfo (`inotify wd:… ino:… sdev:…`,
 * `fanotify ino:… sdev:…`, `fanotify mnt_id:…`). CRIU 4.1.1 (criu/fsnotify.c, criu/proc_parse.c)
 * saves inode marks as file handles and mount marks by mount id, and reads no other mark lines,
 * so a fanotify filesystem mark is not saved.
 *
 * For each inode mark, `check_open_handle` tries `open_by_handle_at` through every directory mount
 * of the container whose device is the mark's `sdev`. When no mount opens it, CRIU logs "Handle
 * 0xDEV:0xINO cannot be opened" and looks the inode up by scanning a fixed list of folders
 * (criu/irmap.c: /etc, /var/spool, /var/log, two dbus-1 and two polkit-1 folders, /lib/udev, each
 * recursively, and the root folder itself). When the scan does not find it, the dump fails with
 * "Can't dump that handle". overlayfs opens no handle unless it is mounted with nfs_export=on, so a
 * watch on the container's own files works only inside those folders.
 */
import type { MountEntry } from '../../procfs/mountinfo';
import { parseMountinfo } from '../../procfs/mountinfo';
import type { Snapshot } from '../../procfs/snapshot';
import type { ProcessView } from '../context';
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import type { Evidence, PreflightFinding } from '../types';

/** The folders CRIU 4.1.1 scans for an inode whose handle it cannot open (`hints` in criu/irmap.c), recursively. */
export const IRMAP_FOLDERS = ['/etc', '/var/spool', '/var/log', '/usr/share/dbus-1/services', '/usr/share/dbus-1/system-services', '/var/lib/polkit-1/localauthority', '/usr/share/polkit-1/actions', '/lib/udev'] as const;

interface InodeMark {
  /** The fdinfo line, 1-based within the snapshot's fdinfo text. */
  line: number;
  ino: number;
  /** The kernel's device number as fdinfo prints it: major << 20 | minor. */
  sdev: number;
}

interface Marks {
  inode: InodeMark[];
  mount: number;
  other: number;
  firstLine?: number;
}

const INODE_MARK = /^(?:inotify wd:\S+|fanotify) ino:([0-9a-f]{1,16}) sdev:([0-9a-f]{1,8})\b/;

/** Counts the marks in each fd's fdinfo block, by fd number, and keeps the inode marks' device and inode. */
function marksByFd(text: string | undefined): Map<number, Marks> {
  const marks = new Map<number, Marks>();
  if (text === undefined) return marks;
  const lines = text.split('\n');
  let current: Marks | undefined;
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index];
    const header = /^==\s+(?:\/proc\/\d{1,10}\/)?fdinfo\/(\d{1,10})/.exec(raw);
    if (header) {
      current = { inode: [], mount: 0, other: 0 };
      marks.set(Number(header[1]), current);
      continue;
    }
    if (current === undefined || raw.startsWith('==')) {
      current = undefined;
      continue;
    }
    if (raw.startsWith('inotify wd:') || raw.startsWith('fanotify ino:')) {
      const match = INODE_MARK.exec(raw);
      current.inode.push({ line: index + 1, ino: match ? Number.parseInt(match[1], 16) : -1, sdev: match ? Number.parseInt(match[2], 16) : -1 });
    } else if (raw.startsWith('fanotify mnt_id:')) {
      current.mount++;
    } else if (raw.startsWith('fanotify ') && !raw.startsWith('fanotify flags:')) {
      current.other++;
    } else {
      continue;
    }
    current.firstLine ??= index + 1;
  }
  return marks;
}

/** Converts the kernel's internal device number (fdinfo `sdev`) to major and minor. */
export function splitKernelDev(sdev: number): { major: number; minor: number } {
  return { major: Math.floor(sdev / 2 ** 20), minor: sdev % 2 ** 20 };
}

/** Converts major and minor to a user-space `st_dev` as `stat -c %d` prints it (glibc's makedev). */
export function userDev(major: number, minor: number): number {
  return (minor & 0xff) + (major & 0xfff) * 2 ** 8 + Math.floor(minor / 0x100) * 2 ** 20 + Math.floor(major / 0x1000) * 2 ** 32;
}

/** CRIU's outcome for one mark: the handle opens, the folder scan finds it, it fails, or it is unknown here. */
type Resolution = { kind: 'handle'; mount: MountEntry } | { kind: 'scan'; path: string; why: string } | { kind: 'fails'; why: string } | { kind: 'unknown'; why: string };

function handleMount(mounts: MountEntry[], major: number, minor: number): { mount?: MountEntry; why: string } {
  const candidates = mounts.filter((mount) => mount.major === major && mount.minor === minor);
  if (candidates.length === 0) return { why: `no mount of the container has device ${major}:${minor}` };
  const opening = candidates.find((mount) => mount.fsType !== 'overlay' || /(?:^|,)nfs_export=on(?:,|$)/.test(mount.superOptions));
  if (opening) return { mount: opening, why: '' };
  return { why: `the watched inode is on overlayfs (${candidates[0].mountPoint}, device ${major}:${minor}), which opens no file handle without nfs_export=on` };
}

function resolveMark(process: ProcessView, mounts: MountEntry[], mark: InodeMark): Resolution {
  if (mark.sdev < 0) return { kind: 'unknown', why: 'the fdinfo line has no ino and sdev fields' };
  const { major, minor } = splitKernelDev(mark.sdev);
  const opened = handleMount(mounts, major, minor);
  if (opened.mount) return { kind: 'handle', mount: opened.mount };
  const scan = process.extras?.irmapScan;
  if (scan === undefined || !scan.inodes.includes(mark.ino)) return { kind: 'unknown', why: `${opened.why}, and CRIU's folder scan was not repeated here` };
  const dev = userDev(major, minor);
  const found = scan.found.find((entry) => entry.dev === dev && entry.ino === mark.ino);
  if (found) return { kind: 'scan', path: found.path, why: opened.why };
  return { kind: 'fails', why: opened.why };
}

/**
 * Returns the inodes of one process's inotify and fanotify marks whose handle CRIU cannot open, so
 * that the engine repeats CRIU's folder scan for them (`irmapScan` of ProcessExtras).
 */
export function inodesToScan(snapshot: Pick<Snapshot, 'fdinfo' | 'mountinfo'>): number[] {
  const mounts = parseMountinfo(snapshot.mountinfo ?? '').mounts;
  const inodes = new Set<number>();
  for (const marks of marksByFd(snapshot.fdinfo).values()) {
    for (const mark of marks.inode) {
      if (mark.sdev < 0) continue;
      const { major, minor } = splitKernelDev(mark.sdev);
      if (handleMount(mounts, major, minor).mount === undefined) inodes.add(mark.ino);
    }
  }
  return [...inodes];
}

function markText(mark: InodeMark): string {
  return `0x${mark.sdev.toString(16)}:0x${mark.ino.toString(16)}`;
}

export const fsnotifyCheck: Check = {
  name: 'fsnotify',
  run(ctx) {
    const evidence: Evidence[] = [];
    const failing: Evidence[] = [];
    const unknown: Evidence[] = [];
    let unsavedMarks = 0;
    let firstFailing: InodeMark | undefined;
    for (const process of ctx.processes) {
      const notifyFds = process.fds.filter((entry) => entry.target === 'anon_inode:inotify' || entry.target === 'anon_inode:[fanotify]');
      if (notifyFds.length === 0) continue;
      const marks = marksByFd(process.snapshot.fdinfo);
      const mounts = parseMountinfo(process.snapshot.mountinfo ?? '').mounts;
      const file = (fd: number): string => `/proc/${process.pid}/fdinfo/${fd}`;
      for (const entry of notifyFds) {
        const counted = marks.get(entry.fd);
        const kind = entry.target.includes('fanotify') ? 'fanotify' : 'inotify';
        const summary = counted ? `${plural(counted.inode.length, 'inode mark')}${counted.mount > 0 ? `, ${counted.mount} mount marks` : ''}${counted.other > 0 ? `, ${counted.other} other marks` : ''}` : 'marks unknown (no fdinfo)';
        if (counted) unsavedMarks += counted.other;
        const item: Evidence = { text: `pid ${process.pid} fd ${entry.fd} -> ${entry.target}: ${summary}`, pid: process.pid, fd: entry.fd, source: { file: file(entry.fd) } };
        if (counted?.firstLine !== undefined) item.source = { file: file(entry.fd), line: counted.firstLine };
        evidence.push(item);
        if (!counted) {
          ctx.skip('fsnotify', `pid ${process.pid} fd ${entry.fd}: no fdinfo for this ${kind} fd, so its marks were not counted`);
          continue;
        }
        for (const mark of counted.inode) {
          const resolution = resolveMark(process, mounts, mark);
          const base = { pid: process.pid, fd: entry.fd, source: { file: file(entry.fd), line: mark.line } };
          if (resolution.kind === 'fails') {
            firstFailing ??= mark;
            failing.push({ ...base, text: `pid ${process.pid} fd ${entry.fd} ${kind} mark on inode ${mark.ino} (handle ${markText(mark)}): ${resolution.why}, and the inode is in none of the folders CRIU scans` });
          } else if (resolution.kind === 'unknown') {
            unknown.push({ ...base, text: `pid ${process.pid} fd ${entry.fd} ${kind} mark on inode ${mark.ino} (handle ${markText(mark)}): ${resolution.why}` });
          }
        }
      }
    }
    if (evidence.length === 0) return [];

    const findings: PreflightFinding[] = [];
    if (failing.length > 0 && firstFailing !== undefined) {
      findings.push(
        makeFinding(ctx, 'fsnotify', {
          category: 'fsnotify',
          verdict: 'blocks',
          title: `${failing.length} inotify/fanotify watch${failing.length === 1 ? '' : 'es'} CRIU cannot save`,
          detail: `CRIU saves each watched inode as a file handle that it opens during the dump. It cannot open these handles, and its fallback scan of ${IRMAP_FOLDERS.join(', ')} and the root folder does not find the inodes, so the dump fails with "Handle ${markText(firstFailing)} cannot be opened" and "Can't dump that handle". Watch a file in one of those folders or on a volume instead, or remove the watch before the checkpoint.`,
          evidence: failing,
          kbCode: 'fsnotify.handle-not-found',
          kbMessage: "fsnotify: Can't dump that handle",
        }),
      );
    }
    if (unknown.length > 0) {
      ctx.skip('fsnotify', `${unknown.length} inotify/fanotify watch${unknown.length === 1 ? '' : 'es'} may fail with "Can't dump that handle": ${unknown[0].text}`);
    }
    if (failing.length > 0) return findings;
    findings.push(
      makeFinding(ctx, 'fsnotify', {
        category: 'fsnotify',
        verdict: 'fine',
        title: `${plural(evidence.length, 'inotify/fanotify fd')}`,
        detail: `CRIU saves inotify and fanotify marks as file handles and reopens each watched inode by handle during the dump. A watch on a file that is deleted by then fails with "Handle … cannot be opened".${unsavedMarks > 0 ? ` ${unsavedMarks} mark${unsavedMarks === 1 ? ' is' : 's are'} neither an inode nor a mount mark (a fanotify filesystem mark), which CRIU does not save, so it is missing after restore.` : ''}`,
        evidence,
      }),
    );
    return findings;
  },
};
