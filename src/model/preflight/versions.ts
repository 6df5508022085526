/** Version conditions of CRIU and the kernel that the checks share. */
import { compareVersions } from '../kb/helpers';

/** True when `version` is known and older than `minimum`. */
export function olderThan(version: string | undefined, minimum: string): boolean {
  return version !== undefined && compareVersions(version, minimum) < 0;
}

/** True when `version` is known and `minimum` or newer. */
export function atLeast(version: string | undefined, minimum: string): boolean {
  return version !== undefined && compareVersions(version, minimum) >= 0;
}

/** Returns the `major.minor` release of a `uname -r` string such as `6.18.0-1-amd64`, or undefined. */
export function kernelRelease(kernel: string | undefined): string | undefined {
  return /^(\d+\.\d+)/.exec(kernel ?? '')?.[1];
}
