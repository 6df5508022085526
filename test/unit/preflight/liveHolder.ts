/**
 * Loads test/fixtures/preflight/live-holder (recorded from a real process on this project's
 * development host, see the README there) as a PreflightInput.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SNAPSHOT_VERSION } from '../../../src/model/procfs/snapshot';
import type { PreflightInput } from '../../../src/model/preflight';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'preflight');
export const LIVE = join(FIXTURES, 'live-holder');

export function readLive(name: string): string {
  return readFileSync(join(LIVE, name), 'utf8');
}

/** The PID the live-holder files were recorded from. */
export const LIVE_PID = Number(readLive('pid.txt').trim());

function sizes(name: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const line of readLive(name).split('\n')) {
    const [key, size] = line.trim().split(' ');
    if (key && size) result[key] = Number(size);
  }
  return result;
}

/** Builds the input of a one-process container from the recorded process, on a host like the recording one. */
export function liveInput(overrides: { host?: Partial<PreflightInput['host']>; container?: Partial<PreflightInput['container']> } = {}): PreflightInput {
  const ns: Record<string, string> = {};
  for (const line of readLive('ns.txt').split('\n')) {
    const [key, link] = line.split(' ');
    if (key && link) ns[key] = link;
  }
  return {
    host: { name: 'recording-host', rootful: true, kernel: '6.18.44-fc-v1272', criuVersion: '4.2', podmanVersion: '5.4.2', criuCheck: { ok: true, errors: [] }, ...overrides.host },
    container: { name: 'holder', id: 'f'.repeat(64), runtime: { name: 'crun', version: '1.21', supportsCheckpoint: true }, autoRemove: false, tty: false, pid: LIVE_PID, ...overrides.container },
    snapshot: {
      version: SNAPSHOT_VERSION,
      pid: LIVE_PID,
      mountinfo: readLive('mountinfo.txt'),
      maps: readLive('maps.txt'),
      fdinfo: readLive('fdinfo.txt'),
      fds: readLive('fd.txt'),
    },
    processes: [{ pid: LIVE_PID, status: readLive('status.txt'), ns, deletedFdSizes: sizes('deleted-fd-sizes.txt'), deletedMapSizes: sizes('deleted-map-sizes.txt') }],
    net: [
      {
        ns: ns.net,
        pid: LIVE_PID,
        tcp: readLive('net/tcp'),
        tcp6: readLive('net/tcp6'),
        udp: readLive('net/udp'),
        udp6: readLive('net/udp6'),
        unix: readLive('net/unix'),
        netlink: readLive('net/netlink'),
        ssUnix: readLive('net/ss-unix.txt'),
      },
    ],
    locks: readLive('locks.txt'),
  };
}
