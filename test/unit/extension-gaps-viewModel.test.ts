import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { analyzeText } from '../../src/model/analyze';
import { analyzeGaps } from '../../src/model/procfs/analyzeGaps';
import { readSnapshot, SNAPSHOT_VERSION, type Snapshot } from '../../src/model/procfs/snapshot';
import { buildGapView, filterMounts, filterMountTree, groupKey, MappingList, mountChildren, mountPath, packGapView, propagationBadges, scrollTopFor, virtualWindow } from '../../webview/viewModel';

const ROOT = join(__dirname, '..', '..');
const WASM = join(ROOT, 'test', 'fixtures', 'procfs', 'wasm-crun-wasmedge');
const HOSTILE = '<img src=x onerror=window.__pwned=1>';

function wasmView() {
  const snapshot = readSnapshot(readFileSync(join(WASM, 'snapshot.json'), 'utf8'), 'snapshot.json');
  const text = readFileSync(join(WASM, 'dump.log'), 'utf8');
  const report = analyzeGaps(snapshot, { analysis: analyzeText(text), text });
  return buildGapView(snapshot, report, { source: 'snapshot.json', logVerdict: 'Dump failed' });
}

function hostileSnapshot(): Snapshot {
  return {
    version: SNAPSHOT_VERSION,
    mountinfo: [
      '1 0 0:20 / / rw - overlay overlay rw',
      // mountinfo escapes a space as \040, as the kernel prints it.
      `2 1 0:21 / /${HOSTILE.replace(/ /g, '\\040')} rw shared:7 - tmpfs <b>src</b> rw`,
    ].join('\n'),
    maps: [
      '55f3893d8000-55f3893e0000 r--p 00000000 fe:00 2200394                    /',
      `7f0000000000-7f0000001000 r--p 00000000 00:15 12                         /${HOSTILE}/x.so`,
      '7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]',
    ].join('\n'),
    mapFiles: [{ range: '55f3893d8000-55f3893e0000', mntId: 174 }],
  };
}

describe('gap view of the wasm snapshot', () => {
  const view = wasmView();

  test('first gap is crun binary on detached mount 174', () => {
    const gap = view.gaps[0];
    assert.equal(gap.mntId, 174);
    assert.equal(gap.where, 'detached');
    assert.match(gap.title, /mount 174, detached/);
    assert.match(gap.ownerText, /runtime's own binary/);
    assert.match(gap.ownerText, /crun's wasmedge handler/);
    assert.equal(gap.logLine, 338);
  });

  test('gap mappings point back at their gap', () => {
    const gap = view.gaps[0];
    assert.equal(gap.mappingRows.length, 5);
    for (const row of gap.mappingRows) {
      assert.equal(view.mappings[row].gapIndex, 0);
      assert.equal(view.mappings[row].mappingClass, 'gap');
      assert.equal(view.mappings[row].path, '/');
    }
    assert.equal(view.mappings[gap.mappingRows[0]].start, '55f3893d8000');
  });

  test('detached mount gets a row outside every table', () => {
    const row = view.mounts.find((mount) => mount.key === view.gaps[0].mountKey);
    assert.ok(row);
    assert.equal(row.table, 'outside');
    assert.equal(row.mountId, 174);
    // The process's exe link also reads "/" on mount 174, so its gap shares the row.
    const exe = view.gaps.findIndex((gap) => gap.kind === 'exe');
    assert.equal(view.gaps[exe].mntId, 174);
    assert.deepEqual(row.gapIndexes, [0, exe]);
  });

  test('runtime library gaps land on runtime mount 128', () => {
    const libraries = view.gaps.filter((gap) => gap.where === 'runtime');
    assert.ok(libraries.length > 0);
    for (const gap of libraries) assert.equal(gap.mountKey, 'runtime:128');
    const mount = view.mounts.find((row) => row.key === 'runtime:128');
    assert.ok(mount);
    assert.equal(mount.gapIndexes.length, libraries.length);
  });

  test('mapping classes cover kernel, stack and anonymous areas', () => {
    const classes = new Set(view.mappings.map((row) => row.mappingClass));
    for (const expected of ['gap', 'stack', 'kernel', 'anonymous']) assert.ok(classes.has(expected as never), `no ${expected} row`);
  });

  test('mount rows follow their parents', () => {
    const index = new Map(view.mounts.map((row, position) => [row.key, position]));
    for (const row of view.mounts) {
      if (row.parentKey === null) continue;
      assert.ok(index.get(row.parentKey)! < index.get(row.key)!, `${row.key} before its parent ${row.parentKey}`);
      assert.equal(row.depth, view.mounts[index.get(row.parentKey)!].depth + 1);
    }
  });

  test('header reads pid and runtime', () => {
    assert.equal(view.header.pid, 23349);
    assert.equal(view.header.runtime, 'crun (wasmedge handler)');
    assert.equal(view.header.logVerdict, 'Dump failed');
  });
});

describe('mount filter', () => {
  const view = wasmView();

  test('empty filter shows every row', () => {
    assert.equal(filterMounts(view.mounts, '  ').size, view.mounts.length);
  });

  test('match keeps its ancestors', () => {
    const target = view.mounts.find((row) => row.depth >= 2)!;
    const shown = filterMounts(view.mounts, target.mountPoint.toUpperCase());
    assert.ok(shown.has(target.key));
    for (let key = target.parentKey; key !== null; key = view.mounts.find((row) => row.key === key)!.parentKey) assert.ok(shown.has(key), `ancestor ${key} hidden`);
  });

  test('filter by mount id', () => {
    const shown = filterMounts(view.mounts, '174');
    assert.ok(shown.has('outside:174'));
  });

  test('no match shows nothing', () => {
    assert.equal(filterMounts(view.mounts, 'no-such-mount-anywhere').size, 0);
  });
});

/** Returns the view of a container whose root has `count` directories, each with one tmpfs mount below it. */
function wideView(count: number) {
  const lines = ['1 0 0:20 / / rw - overlay overlay rw'];
  for (let index = 0; index < count; index++) {
    lines.push(`${100 + index} 1 0:21 / /d${index} rw - ext4 /dev/vda rw`);
    lines.push(`${1000 + index} ${100 + index} 0:22 / /d${index}/scratch rw - tmpfs tmpfs rw`);
  }
  const snapshot: Snapshot = { version: SNAPSHOT_VERSION, mountinfo: lines.join('\n'), maps: '7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]' };
  return buildGapView(snapshot, analyzeGaps(snapshot), { source: 'wide' });
}

describe('lazy mount tree', () => {
  const view = wasmView();
  const byKey = new Map(view.mounts.map((row) => [row.key, row]));

  test('children list every row once', () => {
    const children = mountChildren(view.mounts);
    const listed = [...children.values()].flat().map((row) => row.key);
    assert.equal(listed.length, view.mounts.length);
    assert.equal(new Set(listed).size, view.mounts.length);
  });

  test('roots sit under their group', () => {
    const children = mountChildren(view.mounts);
    const roots = children.get(groupKey('outside'))!.map((row) => row.key);
    assert.ok(roots.includes('outside:174'), `outside roots: ${roots.join(', ')}`);
    for (const row of children.get(groupKey('container'))!) assert.equal(row.parentKey, null);
  });

  test('path runs from group to row', () => {
    const deep = view.mounts.find((row) => row.table === 'runtime' && row.depth >= 2)!;
    const path = mountPath(byKey, deep.key);
    assert.equal(path[0], 'group:runtime');
    assert.equal(path.at(-1), deep.key);
    assert.equal(path.length, deep.depth + 2);
    for (let index = 2; index < path.length; index++) assert.equal(byKey.get(path[index])!.parentKey, path[index - 1]);
  });

  test('path of a detached mount', () => {
    assert.deepEqual(mountPath(byKey, 'outside:174'), ['group:outside', 'outside:174']);
  });

  test('path of an unknown key is empty', () => {
    assert.deepEqual(mountPath(byKey, 'container:999999'), []);
  });

  test('empty filter opens nothing', () => {
    const result = filterMountTree(view.mounts, ' ', 10);
    assert.equal(result.shown, null);
    assert.equal(result.opened.size, 0);
  });

  test('filter opens paths of first matches only', () => {
    const wide = wideView(100);
    const result = filterMountTree(wide.mounts, 'scratch', 5);
    assert.equal(result.matchCount, 100);
    // 100 matches, their 100 parents and the root.
    assert.equal(result.shown!.size, 201);
    assert.ok(result.opened.has('group:container'));
    assert.ok(result.opened.has('container:1'));
    for (let index = 0; index < 5; index++) assert.ok(result.opened.has(`container:${100 + index}`), `d${index} not opened`);
    assert.ok(!result.opened.has('container:105'), 'the sixth match was opened');
    assert.ok(!result.opened.has('container:1000'), 'a match itself was opened');
  });

  test('filter shows the same rows as filterMounts', () => {
    const result = filterMountTree(view.mounts, 'tmpfs', 3);
    assert.deepEqual([...result.shown!].sort(), [...filterMounts(view.mounts, 'tmpfs')].sort());
  });
});

describe('packed mapping rows', () => {
  test('wasm rows survive packing', () => {
    const view = wasmView();
    const packed = packGapView(view);
    assert.equal(packed.mappings.count, view.mappings.length);
    const list = new MappingList(JSON.parse(JSON.stringify(packed.mappings)));
    assert.equal(list.length, view.mappings.length);
    for (let index = 0; index < view.mappings.length; index++) {
      assert.deepEqual(list.row(index), view.mappings[index], `row ${index}`);
      assert.equal(list.mappingClass(index), view.mappings[index].mappingClass, `class of row ${index}`);
    }
  });

  test('path with tabs and markup survives', () => {
    const view = wasmView();
    const row = { ...view.mappings[0], path: `/opt/a\tb/${HOSTILE}\t`, mntId: null, gapIndex: null };
    const list = new MappingList(packGapView({ ...view, mappings: [row, row] }).mappings);
    assert.deepEqual(list.row(1), row);
  });

  test('empty list', () => {
    const view = wasmView();
    const list = new MappingList(packGapView({ ...view, mappings: [] }).mappings);
    assert.equal(list.length, 0);
  });
});

describe('propagation badges', () => {
  test('private when no optional field', () => {
    assert.deepEqual(propagationBadges({ unbindable: false, unknown: [] }), ['private']);
  });

  test('shared, master and propagate_from', () => {
    assert.deepEqual(propagationBadges({ shared: 1, master: 3, propagateFrom: 2, unbindable: false, unknown: [] }), ['shared:1', 'master:3', 'propagate_from:2']);
  });

  test('unbindable', () => {
    assert.deepEqual(propagationBadges({ unbindable: true, unknown: [] }), ['unbindable']);
  });
});

describe('virtual window', () => {
  test('top of a long list', () => {
    assert.deepEqual(virtualWindow(0, 220, 22, 100_000, 10), { first: 0, end: 21, offsetTop: 0, totalHeight: 2_200_000 });
  });

  test('middle row with overscan', () => {
    // Row 5000 starts at 110000 px; 10 rows fit, one more for the partial row, 10 overscan on each side.
    assert.deepEqual(virtualWindow(110_000, 220, 22, 100_000, 10), { first: 4990, end: 5021, offsetTop: 4990 * 22, totalHeight: 2_200_000 });
  });

  test('partly scrolled row counts as visible', () => {
    const window = virtualWindow(11, 220, 22, 100, 0);
    assert.equal(window.first, 0);
    assert.equal(window.end, 11);
  });

  test('scroll past the end is clamped', () => {
    const window = virtualWindow(10_000_000, 220, 22, 100_000, 10);
    assert.equal(window.end, 100_000);
    assert.equal(window.first, 100_000 - 10 - 10);
  });

  test('negative scroll is clamped', () => {
    assert.equal(virtualWindow(-50, 220, 22, 1000, 0).first, 0);
  });

  test('empty list', () => {
    assert.deepEqual(virtualWindow(0, 220, 22, 0, 10), { first: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  });

  test('short list renders all rows', () => {
    assert.deepEqual(virtualWindow(0, 500, 22, 5, 10), { first: 0, end: 5, offsetTop: 0, totalHeight: 110 });
  });
});

describe('scrollTopFor', () => {
  test('visible row keeps scroll', () => {
    assert.equal(scrollTopFor(5, 0, 220, 22), 0);
  });

  test('row above scrolls up to it', () => {
    assert.equal(scrollTopFor(2, 220, 220, 22), 44);
  });

  test('row below aligns to bottom', () => {
    assert.equal(scrollTopFor(20, 0, 220, 22), 21 * 22 - 220);
  });
});

describe('hostile snapshot', () => {
  const snapshot = hostileSnapshot();
  const view = buildGapView(snapshot, analyzeGaps(snapshot), { source: `${HOSTILE}.json` });

  test('mount point kept as literal text', () => {
    const row = view.mounts.find((mount) => mount.mountId === 2);
    assert.ok(row);
    assert.equal(row.mountPoint, `/${HOSTILE}`);
    assert.equal(row.source, '<b>src</b>');
    assert.deepEqual(row.propagation, ['shared:7']);
  });

  test('mapping path kept as literal text', () => {
    assert.ok(view.mappings.some((row) => row.path === `/${HOSTILE}/x.so`));
  });

  test('header source kept as literal text', () => {
    assert.equal(view.header.source, `${HOSTILE}.json`);
  });

  test('webview code never parses text as HTML', () => {
    // Every string in the view reaches the DOM through textContent; these sinks would parse it as markup.
    const sinks = /\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|createContextualFragment|srcdoc/;
    const dir = join(ROOT, 'webview');
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.ts'))) {
      const source = readFileSync(join(dir, name), 'utf8');
      assert.doesNotMatch(source, sinks, `webview/${name} uses an HTML sink`);
    }
  });
});
