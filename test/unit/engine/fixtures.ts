import { readFileSync } from 'node:fs';
import path from 'node:path';

const fixtureRoot = path.resolve(__dirname, '../../fixtures/podman');

/** Reads a recorded file from test/fixtures/podman, e.g. `podman5/inspect-t-crun.json`. */
export function readFixture(relativePath: string): string {
  return readFileSync(path.join(fixtureRoot, relativePath), 'utf8');
}
