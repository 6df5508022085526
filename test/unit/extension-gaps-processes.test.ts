import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { analyzeText } from '../../src/model/analyze';
import { readSnapshot, type Snapshot, SNAPSHOT_VERSION } from '../../src/model/procfs/snapshot';
import { analyzeProcesses, checkParsable, PanelInputError } from '../../src/extension/gaps/processAnalysis';
import { buildProcessesView, escapeField, MappingList, type MappingRow, MAPPING_CLASSES, packGapView, panelWording, processOfMapping, unescapeField, unpackGapView, visibleText } from '../../webview/viewModel';

const ROOT = join(__dirname, '..', '..');
// A busybox container on podman 5.4.2, crun 1.21, CRIU 4.1.1: its first process (pid 5847) closed
// a preserved fd 3, its child (pid 5861) keeps it open, and the checkpoint failed on the child.
const CHILD_FD = join(ROOT, 'test', 'fixtures', 'procfs', 'child-preserved-fd');

function childFdView() {
  const snapshot = readSnapshot(readFileSync(join(CHILD_FD, 'snapshot.json'), 'utf8'), 'snapshot.json');
  const text = readFileSync(join(CHILD_FD, 'dump.log'), 'utf8');
  return buildProcessesView(analyzeProcesses(snapshot, { analysis: analyzeText(text), text }), { source: 'snapshot.json' });
}

describe('gap view of a two-process snapshot', () => {
  const view = childFdView();

  test('lists both processes, first process first', () => {
    assert.deepEqual(
      view.processes.map((process) => process.pid),
      [5847, 5861],
    );
    assert.equal(view.processes[0].gapCount, 0);
    assert.equal(view.processes[1].gapCount, 1);
  });

  test('shows the child fd gap with its pid', () => {
    assert.equal(view.gaps.length, 1);
    const gap = view.gaps[0];
    assert.equal(gap.pid, 5861);
    assert.equal(gap.process, 1);
    assert.equal(gap.kind, 'fd');
    assert.equal(gap.mntId, 65);
    assert.equal(gap.where, 'host');
    assert.match(gap.title, /^fd 3 of \/var\/cache\/checkpoint-lens\/stack\/trixie\/tmp\/h8src\/childfile\.txt on mount 65/);
  });

  test('ties the log line to the child', () => {
    assert.equal(view.gaps[0].logLine, 810);
    assert.match(view.gaps[0].logMessage ?? '', /Can't lookup mount=65 for fd=3/);
  });

  test('groups mapping rows by process', () => {
    const [first, second] = view.processes;
    assert.equal(first.mappingStart, 0);
    assert.equal(second.mappingStart, first.mappingCount);
    assert.equal(first.mappingCount + second.mappingCount, view.mappings.length);
    assert.ok(second.mappingCount > 0);
    assert.equal(processOfMapping(view.processes, 0), 0);
    assert.equal(processOfMapping(view.processes, second.mappingStart), 1);
    assert.equal(processOfMapping(view.processes, view.mappings.length), -1);
  });

  test('names the pid in notes of each process', () => {
    assert.ok(view.notes.some((note) => note.includes("pid 5847's mappings")));
    assert.ok(view.notes.some((note) => note.includes("pid 5861's mappings")));
  });

  test('lists a shared mount-id gap once', () => {
    assert.equal(view.idGaps.filter((gap) => gap.from === 111 && gap.to === 143).length, 1);
  });

  test('merges shared mounts without duplicates', () => {
    const keys = view.mounts.map((mount) => mount.key);
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(keys.includes('host:65'));
    assert.deepEqual(view.mounts.find((mount) => mount.key === 'host:65')?.gapIndexes, [0]);
  });
});

describe('panel input checks', () => {
  const mountinfo = '1 0 0:20 / / rw - overlay overlay rw';

  test('rejects maps without a valid line', () => {
    const snapshot = { version: SNAPSHOT_VERSION, mountinfo, maps: 'not a maps line\nnor this' } as const;
    assert.throws(() => checkParsable({ ...snapshot }, 'mi.txt', 'maps2'), (error: unknown) => {
      assert.ok(error instanceof PanelInputError);
      assert.match(error.message, /^maps2: the maps file has no valid line \(line 1: /);
      return true;
    });
  });

  test('rejects mountinfo without a valid line', () => {
    assert.throws(() => checkParsable({ version: SNAPSHOT_VERSION, mountinfo: 'garbage', maps: '' }, 'mi.txt', 'maps.txt'), {
      name: 'PanelInputError',
      message: /^mi\.txt: the container's mountinfo has no valid line \(line 1: /,
    });
  });

  test('accepts maps with one valid line', () => {
    checkParsable({ version: SNAPSHOT_VERSION, mountinfo, maps: '55f3893d8000-55f3893e0000 r--p 00000000 fe:00 2200394 /bin/sh\ngarbage' }, 'mi.txt', 'maps.txt');
  });
});

describe('visible text', () => {
  test('escapes newline and tab', () => {
    assert.equal(visibleText('/tab\there'), '/tab\\there');
    assert.equal(visibleText('/nl\nFAKE'), '/nl\\nFAKE');
  });

  test('escapes other controls as hex', () => {
    assert.equal(visibleText('/esc\u001b[2J'), '/esc\\x1b[2J');
    assert.equal(visibleText('a\u007fb\u0085c'), 'a\\x7fb\\x85c');
  });

  test('escapes bidirectional controls', () => {
    assert.equal(visibleText('/x\u202eos.bin'), '/x\\u{202E}os.bin');
  });

  test('doubles a backslash', () => {
    assert.equal(visibleText('/a\\nb'), '/a\\\\nb');
  });

  test('leaves plain text alone', () => {
    assert.equal(visibleText('/usr/lib/x86_64-linux-gnu/libc.so.6 (deleted)'), '/usr/lib/x86_64-linux-gnu/libc.so.6 (deleted)');
  });

  test('is injective on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => a === b || visibleText(a) !== visibleText(b)),
      { numRuns: 2000 },
    );
  });
});

describe('packed mapping rows', () => {
  const rowArbitrary: fc.Arbitrary<MappingRow> = fc.record({
    start: fc.string({ unit: 'binary' }),
    end: fc.string({ unit: 'binary' }),
    perms: fc.string({ unit: 'binary' }),
    offset: fc.string({ unit: 'binary' }),
    device: fc.string({ unit: 'binary' }),
    inode: fc.string({ unit: 'binary' }),
    path: fc.string({ unit: 'binary' }),
    mntId: fc.option(fc.nat()),
    mappingClass: fc.constantFrom(...MAPPING_CLASSES),
    gapIndex: fc.option(fc.nat()),
  });

  test('field escape round-trips', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => unescapeField(escapeField(text)) === text));
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => !/[\t\n]/.test(escapeField(text))));
  });

  test('pack and unpack round-trip any rows', () => {
    const view = childFdView();
    fc.assert(
      fc.property(fc.array(rowArbitrary, { maxLength: 20 }), (rows) => {
        const wire = packGapView({ ...view, mappings: rows });
        const list = new MappingList(wire.mappings);
        assert.equal(list.length, rows.length);
        rows.forEach((row, index) => {
          // fast-check builds records without a prototype.
          assert.deepEqual(list.row(index), { ...row });
          assert.equal(list.mappingClass(index), row.mappingClass);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('path with newline keeps every row', () => {
    const snapshot: Snapshot = {
      version: SNAPSHOT_VERSION,
      mountinfo: '1 0 0:20 / / rw - overlay overlay rw',
      maps: ['7fc000005000-7fc000006000 r--p 00000000 00:14 15 /nl\\012FAKE\tpath', '7fc000006000-7fc000007000 r--p 00000000 00:14 16 /after'].join('\n'),
    };
    const view = buildProcessesView(analyzeProcesses(snapshot, undefined), { source: 'maps2' });
    const client = unpackGapView(packGapView(view));
    assert.equal(client.mappings.length, 2);
    assert.equal(client.mappings.row(0).path, '/nl\nFAKE\tpath');
    assert.equal(client.mappings.row(1).path, '/after');
    assert.equal(client.mappings.row(1).start, '7fc000006000');
  });
});

describe('panel wording of advice', () => {
  test('names the panel input for runtime and host mountinfo', () => {
    const text = panelWording('Give the mountinfo of the runtime side (--runtime-mountinfo /proc/<conmon PID>/mountinfo) and of the host (--host-mountinfo /proc/1/mountinfo) to tell where the mount is.');
    assert.equal(
      text,
      'Give the mountinfo of the runtime side (/proc/<conmon PID>/mountinfo, added as "Runtime side\'s mountinfo" in Show Mounts and Mappings from Files…) and of the host (/proc/1/mountinfo, added as "Host\'s mountinfo" in Show Mounts and Mappings from Files…) to tell where the mount is.',
    );
  });

  test('rewrites the placement reason form', () => {
    assert.equal(panelWording('the runtime side (--runtime-mountinfo, e.g. /proc/<conmon PID>/mountinfo)'), 'the runtime side (e.g. /proc/<conmon PID>/mountinfo, added as "Runtime side\'s mountinfo" in Show Mounts and Mappings from Files…)');
  });

  test('advice in a view quotes no CLI option', () => {
    const view = buildProcessesView(
      analyzeProcesses({ version: SNAPSHOT_VERSION, mountinfo: '1 0 0:20 / / rw - overlay overlay rw', maps: '7fc000005000-7fc000006000 r--p 00000000 00:99 15 /lib/x.so' }, undefined),
      { source: 'x' },
    );
    assert.ok(view.gaps.length > 0);
    for (const gap of view.gaps) {
      assert.doesNotMatch(gap.reason, /--(runtime|host)-mountinfo/);
      for (const advice of gap.advice) assert.doesNotMatch(advice.action, /--(runtime|host)-mountinfo/);
    }
  });
});
