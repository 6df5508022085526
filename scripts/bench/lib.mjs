// Helpers shared by the benchmarks of `npm run bench`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The env file that scripts/stack/setup.sh writes, with the trixie stack's prefix and images. */
export const stackEnvFile =
  process.env.CHECKPOINT_LENS_STACK_ENV ??
  join(process.env.CHECKPOINT_LENS_STACK_CACHE ?? '/var/cache/checkpoint-lens/stack', 'stack.env');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Reads the trixie prefix, label and busybox image from the env file; returns a skip reason instead
 * when it cannot. `rootReason` completes "needs root, because ..." for a run as another user.
 */
export function readStack(rootReason) {
  if (process.getuid?.() !== 0) return { skip: `needs root, because ${rootReason}` };
  if (!existsSync(stackEnvFile)) return { skip: `${stackEnvFile} not found; run \`sudo npm run setup:stack\` first` };
  const values = new Map();
  for (const line of readFileSync(stackEnvFile, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)='([^']*)'$/.exec(line);
    if (match) values.set(match[1], match[2]);
  }
  for (const key of ['TRIXIE_PREFIX_JSON', 'STACK_LABEL', 'IMAGE_BUSYBOX', 'TRIXIE_VERSIONS']) {
    if (!values.has(key)) return { skip: `${stackEnvFile} has no ${key}; run \`sudo npm run setup:stack\` again` };
  }
  return {
    host: { name: 'trixie', prefix: JSON.parse(values.get('TRIXIE_PREFIX_JSON')) },
    label: values.get('STACK_LABEL'),
    busybox: values.get('IMAGE_BUSYBOX'),
    versions: values.get('TRIXIE_VERSIONS'),
  };
}
