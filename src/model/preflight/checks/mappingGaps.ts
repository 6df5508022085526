/**
 * Mappings, fds and process links whose file lies on a mount outside the container's mount
 * namespace (the runtime's, the host's, or a detached mount). CRIU looks up the mount of every such
 * file in the dumped mount namespace and fails with "Can't lookup mount=N for fd=F path=P". The
 * placement is the gap analysis of src/model/procfs/analyzeGaps.ts.
 */
import { analyzeGaps, type Gap } from '../../procfs/analyzeGaps';
import { parseMaps } from '../../procfs/maps';
import type { Fix } from '../../types';
import type { CheckContext, ProcessView } from '../context';
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import type { Evidence, PreflightFinding } from '../types';

/** CRIU's fd number for a file that is mapped, not open (MAPPING_FD of src/model/procfs/logLink.ts). */
const MAPPING_FD = -3;

const WHERE_TEXT: Record<Gap['where'], string> = {
  runtime: "the runtime's mount namespace",
  host: "the host's mount namespace",
  detached: 'a detached mount',
  unknown: 'an unknown mount',
};

function evidenceOf(process: ProcessView, gap: Gap, mapsLines: Map<string, number>): Evidence {
  const pid = process.pid;
  const mount = gap.mntId === null ? 'an unknown mount' : `mount ${gap.mntId}`;
  const evidence: Evidence = { text: '', pid };
  if (gap.path !== null) evidence.path = gap.path;
  if (gap.mntId !== null) evidence.mntId = gap.mntId;
  if (gap.kind === 'mapping') {
    const range = gap.ranges?.[0];
    evidence.text = `pid ${pid} maps ${gap.path}${range ? ` at ${range}` : ''} from ${mount} in ${WHERE_TEXT[gap.where]}`;
    if (range !== undefined) {
      evidence.range = range;
      evidence.source = { file: `/proc/${pid}/maps`, line: mapsLines.get(range) };
    }
  } else if (gap.kind === 'fd') {
    evidence.text = `pid ${pid} fd ${gap.fd} -> ${gap.path ?? 'unknown target'} on ${mount} in ${WHERE_TEXT[gap.where]}`;
    if (gap.fd !== null && gap.fd !== undefined) {
      evidence.fd = gap.fd;
      evidence.source = { file: `/proc/${pid}/fdinfo/${gap.fd}` };
    }
  } else {
    evidence.text = `pid ${pid} ${gap.kind} ${gap.path} on ${mount} in ${WHERE_TEXT[gap.where]}`;
    evidence.source = { file: `/proc/${pid}/${gap.kind}` };
  }
  if (evidence.source?.line === undefined && evidence.source) delete evidence.source.line;
  return evidence;
}

/** Gaps of one process that share a place and an owner, e.g. all libraries from the runtime's root. */
interface GapGroup {
  gaps: Gap[];
  evidence: Evidence[];
}

/** Returns the text with its first letter in upper case, so that it can start a sentence. */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function groupFinding(ctx: CheckContext, group: GapGroup): PreflightFinding {
  const gap = group.gaps[0];
  const mapped = gap.kind === 'mapping' || gap.kind === 'exe';
  const fd = mapped ? MAPPING_FD : (gap.fd ?? -1);
  const message = `Can't lookup mount=${gap.mntId ?? 0} for fd=${fd} path=${gap.path ?? ''}`;
  const kbCode = mapped ? 'mount-lookup.mapping-mount-not-in-namespace' : 'mount-lookup.fd-mount-not-in-namespace';
  const count = group.gaps.length;
  const guessed = group.gaps.some((item) => item.fallback);
  const adviceFixes: Fix[] = [];
  for (const item of group.gaps) {
    for (const advice of item.advice) {
      if (!adviceFixes.some((fix) => fix.description === advice.action)) adviceFixes.push({ description: advice.action });
    }
  }
  const finding = makeFinding(ctx, 'mapping-gaps', {
    category: 'mount-lookup',
    verdict: 'blocks',
    title: `${plural(count, 'file')} in ${WHERE_TEXT[gap.where]}`,
    detail: `${sentence(gap.ownerText)}. ${sentence(gap.reason)}. CRIU finds no such mount in the container's mount namespace and stops at the first of these files, e.g. with "${message}".${guessed ? ' Some mounts were chosen by device and path because no mount id was readable, so they may be wrong.' : ''}${gap.verdict ? ` ${gap.verdict}` : ''}`.replace(/\s+/g, ' '),
    evidence: group.evidence,
    kbCode,
    kbMessage: message,
  });
  finding.fixes = [...adviceFixes, ...finding.fixes];
  return finding;
}

/** Returns the file name of an input of the gap analysis, for `inputIssues`. */
function inputFile(pid: number, input: string): string {
  if (input === 'mountinfo' || input === 'maps' || input === 'fdinfo') return `/proc/${pid}/${input}`;
  if (input === 'fd listing') return `/proc/${pid}/fd`;
  return input;
}

export const mappingGapsCheck: Check = {
  name: 'mapping-gaps',
  run(ctx) {
    const findings: PreflightFinding[] = [];
    for (const process of ctx.processes) {
      if (process.snapshot.mountinfo.trim() === '') {
        ctx.skip('mapping-gaps', `pid ${process.pid}: its mountinfo is empty or was not read`);
        continue;
      }
      const report = analyzeGaps(process.snapshot);
      for (const item of report.issues) ctx.reportIssues(inputFile(process.pid, item.input), [{ line: item.line, reason: item.reason, text: item.text }]);
      if (report.gaps.length === 0) continue;
      const mapsLines = new Map<string, number>();
      for (const entry of parseMaps(process.snapshot.maps).entries) mapsLines.set(`${entry.start}-${entry.end}`, entry.line);
      const groups = new Map<string, GapGroup>();
      for (const gap of report.gaps) {
        // CRIU dumps memfd contents itself (criu/memfd.c) and looks up no mount for them.
        if (gap.path?.startsWith('/memfd:')) continue;
        if (gap.where === 'unknown') {
          ctx.skip('mapping-gaps', `pid ${process.pid}: ${gap.kind} ${gap.path ?? ''} could not be placed: ${gap.reason}`);
          continue;
        }
        const key = `${gap.where}|${gap.owner}`;
        const group = groups.get(key) ?? { gaps: [], evidence: [] };
        group.gaps.push(gap);
        group.evidence.push(evidenceOf(process, gap, mapsLines));
        groups.set(key, group);
      }
      for (const group of groups.values()) findings.push(groupFinding(ctx, group));
    }
    return findings;
  },
};
