/**
 * The batched walk of the gap snapshot's process script (collect.ts), for hosts with GNU find and
 * a head that takes -v. It reads all processes of a container with a fixed number of commands
 * plus two per process. The per-file walk needs about a dozen per process and two per fd.
 * `expandBatchRecords` turns its combined records back into the per-file records of the walk, so
 * the rest of collect.ts reads both alike.
 *
 * The walk runs in /proc with relative paths, so that find's `%h` (the folder) is the PID.
 */
import type { ProcRecord } from './collect';

/**
 * Shell text run in place of the per-process loop, after `rec`, `end` and `$first` are set:
 * 1. the process tree, level by level from /proc/PID/task/TID/children, as one `walk` record;
 * 2. mountinfo and maps of every process through one `head -v` (`head-all`);
 * 3. exe, cwd and root links of every process through one `find -printf`, which writes the
 *    `exe`/`cwd`/`root` records itself (`\000` is NUL, so `\0000` is NUL then the status 0);
 * 4. every fd link through one `find -printf` (`fd` records keyed `PID/fd/N`);
 * 5. every fdinfo file through `find -exec head -v {} +` (`fdinfo-all`);
 * 6. per process, cmdline through `tr`, and the fdinfo of exe, cwd and root opened on fds 3 to 5
 *    through one `head -v` (`links-fdinfo`), which gives their real mount ids.
 */
export const BATCH_WALK_SCRIPT = `cd /proc || exit 1
all= level=$first
while [ -n "$level" ]; do
  all="$all $level"
  set --
  for p in $level; do set -- "$@" $p/task/*/children; done
  level=$(cat "$@" 2>/dev/null)
done
rec walk 0; printf '%s ' $all; end 0
set --
for p in $all; do set -- "$@" $p/mountinfo $p/maps; done
rec head-all 0; head -v -c 1000000000 -- "$@" 2>/dev/null; end $?
set --
for p in $all; do set -- "$@" $p/exe $p/cwd $p/root; done
find "$@" -maxdepth 0 -printf '%f\\000%h\\000%l\\0000\\000' 2>/dev/null
set --
for p in $all; do set -- "$@" $p/fd; done
find "$@" -mindepth 1 -maxdepth 1 -printf 'fd\\000%h/%f\\000%l\\0000\\000' 2>/dev/null
set --
for p in $all; do set -- "$@" $p/fdinfo; done
rec fdinfo-all 0; find "$@" -mindepth 1 -maxdepth 1 -exec head -v -n 100000 -- {} + 2>/dev/null; end 0
for p in $all; do
  rec cmdline "$p"; tr '\\0' ' ' < "$p/cmdline"; end $?
  rec links-fdinfo "$p"; head -v -n 100 self/fdinfo/3 self/fdinfo/4 self/fdinfo/5 3<"$p/exe" 4<"$p/cwd" 5<"$p/root" 2>/dev/null; end $?
done`;

/**
 * Splits `head -v` output into the files it printed: each starts after a `==> FILE <==` line that
 * `header` matches.
 */
function splitHeadSections(content: string, header: RegExp): { match: RegExpMatchArray; text: string }[] {
  const starts = [...content.matchAll(header)];
  return starts.map((match, index) => {
    const to = index + 1 < starts.length ? starts[index + 1].index! : content.length;
    let text = content.slice(match.index! + match[0].length, to);
    // head writes one newline before every header but the first, also after an empty file.
    if (index + 1 < starts.length && text.endsWith('\n')) text = text.slice(0, -1);
    return { match, text };
  });
}

const LINK_BY_FD: Record<string, 'exe' | 'cwd' | 'root'> = { 3: 'exe', 4: 'cwd', 5: 'root' };

/**
 * Turns the batched walk's records into the per-file records of the per-process walk, in the
 * order of the `walk` record, and passes all other records through. A file that `head-all` did not
 * print becomes a failed record, as a failed `cat` would be.
 *
 * mountinfo and maps cannot contain a line that looks like a header, because the kernel escapes
 * newlines in their paths. fdinfo can, in io_uring's list of registered files on some kernels, so
 * an fd whose fdinfo appears twice gets none, rather than text another process wrote.
 */
export function expandBatchRecords(records: readonly ProcRecord[]): ProcRecord[] {
  if (!records.some((record) => record.tag === 'walk')) return [...records];
  const walk = records.find((record) => record.tag === 'walk')!;
  const pids = walk.content.split(/\s+/).filter((word) => /^\d+$/.test(word));
  const known = new Set(pids);
  const expanded: ProcRecord[] = [];

  for (const record of records) {
    if (record.tag === 'walk') continue;
    if (record.tag === 'head-all') {
      const files = new Map<string, string>();
      for (const { match, text } of splitHeadSections(record.content, /^==> (\d+)\/(mountinfo|maps) <==\n/gm)) files.set(`${match[1]}/${match[2]}`, text);
      for (const pid of pids) {
        for (const tag of ['mountinfo', 'maps']) {
          const text = files.get(`${pid}/${tag}`);
          expanded.push(text === undefined ? { tag, key: pid, content: '', status: 1 } : { tag, key: pid, content: text, status: 0 });
        }
      }
    } else if (record.tag === 'fdinfo-all') {
      const sections = splitHeadSections(record.content, /^==> (\d+)\/fdinfo\/(\d+) <==\n/gm).filter(({ match }) => known.has(match[1]));
      const counts = new Map<string, number>();
      for (const { match } of sections) counts.set(`${match[1]}/${match[2]}`, (counts.get(`${match[1]}/${match[2]}`) ?? 0) + 1);
      for (const { match, text } of sections) {
        const key = `${match[1]}/${match[2]}`;
        if (counts.get(key) === 1) expanded.push({ tag: 'fdinfo', key, content: text, status: 0 });
      }
    } else if (record.tag === 'links-fdinfo') {
      if (record.status !== 0) continue;
      for (const { match, text } of splitHeadSections(record.content, /^==> self\/fdinfo\/([345]) <==\n/gm)) {
        expanded.push({ tag: `${LINK_BY_FD[match[1]]}-fdinfo`, key: record.key, content: text, status: 0 });
      }
    } else if (record.tag === 'fd' && /^\d+\/fd\/\d+$/.test(record.key)) {
      const [pid, , fd] = record.key.split('/');
      expanded.push({ ...record, key: `${pid}/${fd}` });
    } else if ((record.tag === 'exe' || record.tag === 'cwd' || record.tag === 'root') && record.content === '') {
      // find prints an empty %l where the link cannot be read, e.g. the exe of a kernel thread.
      expanded.push({ ...record, status: 1 });
    } else {
      expanded.push(record);
    }
  }
  return expanded;
}
