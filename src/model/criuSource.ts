// API stub: the real implementation replaces this file. Signatures are final.
import type { SourceLocation } from './types';

/** Link to a CRIU source line at the release tag of `criuVersion`, or at the default branch when unknown. */
export function criuSourceUrl(criuVersion: string | undefined, location: SourceLocation): string {
  return `https://github.com/checkpoint-restore/criu/blob/${criuVersion ? 'v' + criuVersion : 'criu-dev'}/${location.file}#L${location.line}`;
}
