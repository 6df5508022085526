/**
 * Orders a finding's fixes for the host at hand: fixes for this container's runtime and version
 * and this CRIU come first, and the rest keep their text behind a "For other set-ups:" label, so
 * no fact is lost. The knowledge base words its per-runtime fixes as `SET-UP: what to do`, e.g.
 * `crun before 1.26, or crun with a libcriu older than 4.2: ...` (criuConfigFixes in kb/helpers.ts).
 */
import { compareVersions } from '../kb/helpers';
import type { Fix } from '../types';
import type { PreflightInput } from './types';

export const OTHER_SETUPS_LABEL = 'For other set-ups: ';

/**
 * Reports whether one clause such as `crun 1.26 or later with libcriu 4.2 or later` holds, or
 * undefined when the clause names no set-up.
 * NOTE: this reads the knowledge base's wording, so a fix worded another way counts as applying.
 */
function clauseHolds(clause: string, runtime: string | undefined, version: string | undefined, criuVersion: string | undefined): boolean | undefined {
  if (/^Plain criu$/i.test(clause)) return false;
  const named = /^(runc|crun)\b(.*)$/.exec(clause);
  if (named === null) return undefined;
  if (runtime === undefined) return undefined;
  if (named[1] !== runtime) return false;
  const rest = named[2].trim();
  const atLeast = (have: string | undefined, want: string): boolean => have === undefined || compareVersions(have, want) >= 0;
  const before = /^before ([\d.]+)$/.exec(rest);
  if (before) return version === undefined || compareVersions(version, before[1]) < 0;
  const orLater = /^([\d.]+) or later(?: with (?:a )?libcriu (?:([\d.]+) or later|older than ([\d.]+)))?$/.exec(rest);
  if (orLater) {
    if (!atLeast(version, orLater[1])) return false;
    if (orLater[2] !== undefined) return atLeast(criuVersion, orLater[2]);
    if (orLater[3] !== undefined) return criuVersion === undefined || compareVersions(criuVersion, orLater[3]) < 0;
    return true;
  }
  const olderLibcriu = /^with a libcriu older than ([\d.]+)$/.exec(rest);
  if (olderLibcriu) return criuVersion === undefined || compareVersions(criuVersion, olderLibcriu[1]) < 0;
  // A runtime name with a remark in brackets, e.g. `runc (podman --runtime runc, Docker, containerd)`.
  return true;
}

/** Reports whether a fix applies to this set-up: true for fixes that name no set-up or cannot be decided. */
export function fixApplies(fix: Fix, input: PreflightInput): boolean {
  const colon = fix.description.indexOf(': ');
  if (colon < 0) return true;
  const runtime = input.container.runtime?.name;
  const results = fix.description
    .slice(0, colon)
    .split(/, or /)
    .map((clause) => clauseHolds(clause.trim(), runtime, input.container.runtime?.version, input.host.criuVersion));
  if (results.every((result) => result === undefined)) return true;
  return results.some((result) => result !== false);
}

/** Puts the fixes that apply first and labels the others, keeping each group's order. */
export function orderFixes(fixes: Fix[], input: PreflightInput): Fix[] {
  const applying = fixes.filter((fix) => fixApplies(fix, input));
  if (applying.length === 0 || applying.length === fixes.length) return fixes;
  const others = fixes.filter((fix) => !fixApplies(fix, input)).map((fix) => ({ ...fix, description: `${OTHER_SETUPS_LABEL}${fix.description}` }));
  return [...applying, ...others];
}
