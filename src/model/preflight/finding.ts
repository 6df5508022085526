/** The shape of a check and the helper that builds findings with knowledge-base fixes. */
import type { Fix } from '../types';
import type { CheckContext } from './context';
import { explainAs } from './kbAdvice';
import type { PreflightFinding } from './types';

/** One check: reads the context and returns its findings; a check that cannot run calls `ctx.skip`. */
export interface Check {
  /** The name findings carry in `check`, e.g. `inet-sockets`. */
  name: string;
  run(ctx: CheckContext): PreflightFinding[];
}

export interface FindingSpec extends Omit<PreflightFinding, 'fixes' | 'check'> {
  fixes?: Fix[];
  /**
   * The log message CRIU (or podman) would print, e.g. `Connected TCP socket, consider using
   * --tcp-established option.`. With `kbCode`, the fixes come from that knowledge-base entry.
   */
  kbMessage?: string;
}

/** Builds a finding; its fixes are `spec.fixes`, else those the knowledge base gives for `kbMessage`. */
export function makeFinding(ctx: CheckContext, check: string, spec: FindingSpec): PreflightFinding {
  const { kbMessage, fixes, ...rest } = spec;
  let kbFixes: Fix[] = [];
  if (spec.kbCode !== undefined && kbMessage !== undefined) {
    kbFixes = explainAs(spec.kbCode, kbMessage, ctx.facts)?.fixes ?? [];
  }
  const finding: PreflightFinding = { check, ...rest, fixes: fixes ?? kbFixes };
  if (finding.flag === undefined) delete finding.flag;
  if (finding.kbCode === undefined) delete finding.kbCode;
  return finding;
}

/** Returns a count with its noun, adding "s" to the noun unless the count is 1: `2 deleted files`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
