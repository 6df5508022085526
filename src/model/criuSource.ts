import type { SourceLocation } from './types';

export const CRIU_REPOSITORY = 'https://github.com/checkpoint-restore/criu';
/** CRIU develops on `criu-dev`, its default branch; `master` only receives releases. */
export const CRIU_DEFAULT_BRANCH = 'criu-dev';

/**
 * Return the git ref of a CRIU release: `4.1.1` -> `v4.1.1`. Versions that are not plain releases
 * (`4.1.1-dirty`, an empty string) give `undefined`, so callers link to the default branch.
 */
export function criuReleaseTag(criuVersion: string | undefined): string | undefined {
  if (!criuVersion || !/^\d+\.\d+(?:\.\d+)?$/.test(criuVersion)) return undefined;
  return `v${criuVersion}`;
}

/** Link to a CRIU source line at the release tag of `criuVersion`, or at the default branch when unknown. */
export function criuSourceUrl(criuVersion: string | undefined, location: SourceLocation): string {
  const tag = criuReleaseTag(criuVersion);
  // Before CRIU 2.0 the sources sat at the top of the tree, and logs print `mount.c:713`. Such a bare
  // name is right at an old tag; on the default branch the file now lives under `criu/`.
  const file = !tag && !location.file.includes('/') ? `criu/${location.file}` : location.file;
  return `${CRIU_REPOSITORY}/blob/${tag ?? CRIU_DEFAULT_BRANCH}/${file}#L${location.line}`;
}
