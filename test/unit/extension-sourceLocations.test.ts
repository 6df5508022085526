import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findSourceLocations } from '../../src/extension/sourceLocations';

describe('findSourceLocations', () => {
  it('finds a criu/ location with its columns', () => {
    const line = "(00.019137) Error (criu/files-reg.c:1790): Can't lookup mount=174 for fd=-3 path=/";
    const [found, ...rest] = findSourceLocations(line);
    assert.deepEqual(found?.location, { file: 'criu/files-reg.c', line: 1790 });
    assert.equal(line.slice(found!.start, found!.end), 'criu/files-reg.c:1790');
    assert.deepEqual(rest, []);
  });

  it('finds compel, pie and bare names', () => {
    assert.deepEqual(findSourceLocations('Error (compel/src/lib/infect.c:1234): x')[0]?.location, { file: 'compel/src/lib/infect.c', line: 1234 });
    assert.deepEqual(findSourceLocations('pie: 1: Error (criu/pie/restorer.c:99): x')[0]?.location, { file: 'criu/pie/restorer.c', line: 99 });
    assert.deepEqual(findSourceLocations('(00.002902) Error (mount.c:713): 1147:./proc')[0]?.location, { file: 'mount.c', line: 713 });
  });

  it('skips absolute paths and plain text', () => {
    assert.deepEqual(findSourceLocations('Opened /usr/src/linux/fs/proc/base.c:12 and mount=174'), []);
    assert.deepEqual(findSourceLocations('Dumping FAILED.'), []);
  });

  it('finds several locations in one line', () => {
    const found = findSourceLocations('see criu/a.c:1 and criu/b.h:22');
    assert.deepEqual(found.map((item) => item.location), [
      { file: 'criu/a.c', line: 1 },
      { file: 'criu/b.h', line: 22 },
    ]);
  });
});
