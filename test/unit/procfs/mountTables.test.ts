import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { findContainerMountByPath, findMountByDevice, type MountTables, readMountTable } from '../../../src/model/procfs/mountTables';
import { escapeMountinfoField, type MountEntry } from '../../../src/model/procfs/mountinfo';

/** Finds the mount by scanning every mount: the longest mount point above the path, the first on a tie. */
function scanForMount(mounts: readonly MountEntry[], path: string, device: string | null): MountEntry | null {
  let best: MountEntry | null = null;
  for (const mount of mounts) {
    if (device !== null && `${mount.major}:${mount.minor}` !== device) continue;
    const above = mount.mountPoint === '/' ? path.startsWith('/') : path === mount.mountPoint || path.startsWith(`${mount.mountPoint}/`);
    if (!above) continue;
    if (best === null || mount.mountPoint.length > best.mountPoint.length) best = mount;
  }
  return best;
}

function tablesOf(mounts: Array<{ mountPoint: string; device: string }>): MountTables {
  const lines = mounts.map(({ mountPoint, device }, index) => `${index + 1} 1 ${device} / ${escapeMountinfoField(mountPoint)} rw - ext4 /dev/sda rw`);
  return { container: readMountTable('container', lines.join('\n')) };
}

describe('mount lookup by path', () => {
  const segment = fc.constantFrom('a', 'b', 'ab', 'a b', '');
  const pathArbitrary = fc.array(segment, { minLength: 0, maxLength: 4 }).map((segments) => `/${segments.join('/')}`);
  const mountArbitrary = fc.record({ mountPoint: pathArbitrary, device: fc.constantFrom('8:1', '8:2', '0:53') });

  test('index agrees with a scan', () => {
    fc.assert(
      fc.property(fc.array(mountArbitrary, { maxLength: 12 }), fc.oneof(pathArbitrary, fc.constantFrom('a/b', '', '//a', '/a/')), fc.constantFrom('8:1', '8:2', '0:53'), (mounts, path, device) => {
        const tables = tablesOf(mounts);
        const [major, minor] = device.split(':').map(Number);
        assert.equal(findMountByDevice(tables, major, minor, path)?.mount ?? null, scanForMount(tables.container.mounts, path, device));
        assert.equal(findContainerMountByPath(tables, path)?.mount ?? null, scanForMount(tables.container.mounts, path, null));
      }),
      { numRuns: 2000 },
    );
  });

  test('deepest mount point wins', () => {
    const tables = tablesOf([
      { mountPoint: '/', device: '8:1' },
      { mountPoint: '/usr', device: '8:1' },
      { mountPoint: '/usr/lib', device: '8:2' },
      { mountPoint: '/usr/lib', device: '8:1' },
      { mountPoint: '/usr/lib64', device: '8:1' },
    ]);
    assert.equal(findMountByDevice(tables, 8, 1, '/usr/lib/libc.so.6')?.mount.mountId, 4);
    assert.equal(findMountByDevice(tables, 8, 2, '/usr/lib/libc.so.6')?.mount.mountId, 3);
    assert.equal(findMountByDevice(tables, 8, 2, '/usr/lib64/libc.so.6'), null);
    assert.equal(findMountByDevice(tables, 8, 1, '/usr/lib64')?.mount.mountId, 5);
    assert.equal(findContainerMountByPath(tables, '/usr/lib/x')?.mount.mountId, 3);
    assert.equal(findContainerMountByPath(tables, '/usr/libexec/x')?.mount.mountId, 2);
    assert.equal(findContainerMountByPath(tables, 'relative/x'), null);
  });
});
