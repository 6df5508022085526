/**
 * CRIU configuration files: which ones CRIU reads for a container's runtime, and the value of an
 * option in them. The file choice follows `criuConfigFixes` in src/model/kb/helpers.ts.
 */
import { compareVersions } from '../kb/helpers';
import type { PreflightInput } from './types';

export const DEFAULT_CONF = '/etc/criu/default.conf';

/**
 * Returns the configuration files CRIU reads when the container's runtime calls it, in the order CRIU
 * applies them: default.conf first, then the runtime's own file, whose options override the RPC
 * options. Returns only default.conf when the runtime names no file.
 */
export function configFilesFor(input: PreflightInput): string[] {
  const runtime = input.container.runtime;
  const configs = input.criuConfigs ?? {};
  if (runtime?.name === 'runc') return [DEFAULT_CONF, '/etc/criu/runc.conf'];
  if (runtime?.name === 'crun' && runtime.version !== undefined && compareVersions(runtime.version, '1.26') >= 0) {
    const criuVersion = input.host.criuVersion;
    // NOTE: crun calls libcriu, not the criu binary, and the two are assumed to be the same release.
    if (criuVersion !== undefined && compareVersions(criuVersion, '4.2') >= 0) {
      return [DEFAULT_CONF, configs['/etc/criu/crun.conf'] !== undefined ? '/etc/criu/crun.conf' : '/etc/criu/runc.conf'];
    }
  }
  return [DEFAULT_CONF];
}

/** Returns the file a new option for this runtime goes into: the runtime's own file, else default.conf. */
export function configFileToEdit(input: PreflightInput): string {
  const files = configFilesFor(input);
  return files[files.length - 1];
}

/**
 * Returns the last value of `option` in the given configuration texts, in order, as CRIU applies them.
 * CRIU reads `option value` (or `--option value`) per line and skips `#` comments.
 */
export function configValue(texts: (string | undefined)[], option: string): string | undefined {
  let value: string | undefined;
  for (const text of texts) {
    if (text === undefined) continue;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*$/, '').trim();
      const match = /^(?:--)?([a-z0-9-]+)(?:[\s=]+(.*))?$/.exec(line);
      if (match && match[1] === option) value = (match[2] ?? '').trim();
    }
  }
  return value;
}

/** Parses a size as CRIU's parse_size does: the leading number, times 1024 per K, M or G anywhere in it. */
export function parseCriuSize(text: string): number | undefined {
  const digits = /^\d+/.exec(text.trim());
  if (!digits) return undefined;
  const number = Number(digits[0]);
  if (text.includes('K')) return number * 1024;
  if (text.includes('M')) return number * 1024 * 1024;
  if (text.includes('G')) return number * 1024 * 1024 * 1024;
  return number;
}
