// Outline tree of a CRIU log: phases with the findings inside them.
// No `vscode` import, so the unit tests run it in plain Node.
import type { Analysis, Finding } from '../model/types';

export interface OutlineNode {
  kind: 'phase' | 'finding';
  name: string;
  /** Shown after the name, e.g. the finding's code. */
  detail: string;
  /** 1-based first line. */
  line: number;
  /** 1-based last line of the node's range (a phase runs up to the line before the next phase). */
  endLine: number;
  finding?: Finding;
  children: OutlineNode[];
}

/**
 * Builds the outline: one node per phase in line order, each holding the findings between it and
 * the next phase. Findings before the first phase stay at the top level. Follow-on findings are
 * listed too, so the outline shows where a failure surfaced.
 */
export function buildOutline(analysis: Analysis, options: { includeBenign: boolean }): OutlineNode[] {
  const lastLine = Math.max(1, analysis.lineCount);
  const phases = [...analysis.phases].sort((a, b) => a.line - b.line);
  const findings = analysis.findings.filter((finding) => options.includeBenign || finding.role !== 'benign');

  const topLevel: OutlineNode[] = [];
  const phaseNodes: OutlineNode[] = phases.map((phase, index) => ({
    kind: 'phase',
    name: phase.title,
    detail: phase.pid !== undefined ? `pid ${phase.pid}` : '',
    line: phase.line,
    endLine: Math.max(phase.line, (phases[index + 1]?.line ?? lastLine + 1) - 1),
    children: [],
  }));

  for (const finding of findings) {
    const node = findingNode(finding);
    const parent = findLastPhaseAtOrBefore(phaseNodes, finding.record.line);
    (parent ? parent.children : topLevel).push(node);
  }

  // Keep everything in line order, with the findings before the first phase in front.
  return [...topLevel, ...phaseNodes].sort((a, b) => a.line - b.line);
}

function findingNode(finding: Finding): OutlineNode {
  return {
    kind: 'finding',
    name: finding.title,
    detail: finding.role === 'root-cause' ? `root cause · ${finding.code}` : `${finding.role} · ${finding.code}`,
    line: finding.record.line,
    endLine: finding.record.endLine,
    finding,
    children: [],
  };
}

function findLastPhaseAtOrBefore(phases: OutlineNode[], line: number): OutlineNode | undefined {
  let found: OutlineNode | undefined;
  for (const phase of phases) {
    if (phase.line > line) break;
    found = phase;
  }
  return found;
}
