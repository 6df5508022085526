import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import initWabt from 'wabt';

import {
  countNewlines,
  createJsNewlineCounter,
  createNewlineCounter,
  createWasmNewlineCounter,
  type NewlineCounter,
} from '../../../src/node/newlineCounter';
import { NEWLINE_COUNTER_WASM_BASE64 } from '../../../src/node/newlineCounterWasm';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const WAT_PATH = 'src/node/newlineCounter.wat';
const BUFFER_BYTES = 4 * 1024 * 1024;
/** Bytes that differ from LF (0x0a) in one bit or in the top bit, plus the extremes. */
const NEAR_NEWLINE_BYTES = [0x0a, 0x0b, 0x8a, 0x00, 0xff, 0x09, 0x0e, 0x2a];

function countByBytes(bytes: Uint8Array, start: number, end: number): number {
  let count = 0;
  for (let index = start; index < end; index++) {
    if (bytes[index] === 0x0a) count++;
  }
  return count;
}

/** Deterministic xorshift32 generator, so a failure reproduces. */
function randomBytes(length: number, seed: number, alphabet?: number[]): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[index] = alphabet ? alphabet[state % alphabet.length] : state & 0xff;
  }
  return bytes;
}

function wasmCounter(): NewlineCounter {
  const counter = createWasmNewlineCounter(BUFFER_BYTES);
  assert.ok(counter, 'this Node runs WebAssembly SIMD, so the WebAssembly counter must be available');
  return counter;
}

/**
 * Check `counter.count` against a byte loop for every start in 0..63 and every length in 0..200, on
 * random bytes drawn from `alphabet`, so that each start and end falls on every offset in a 16-byte block.
 */
function checkSmallRanges(counter: NewlineCounter, seed: number, alphabet?: number[]): void {
  const sample = randomBytes(64 + 200 + 64, seed, alphabet);
  counter.buffer.set(sample, 0);
  for (let start = 0; start < 64; start++) {
    for (let length = 0; length <= 200; length++) {
      const end = start + length;
      assert.equal(counter.count(start, end), countByBytes(sample, start, end), `seed ${seed}, [${start}, ${end})`);
    }
  }
}

/** Check `counter.count` over several MiB of random bytes, whole and at a few unaligned ranges. */
function checkLargeRanges(counter: NewlineCounter): void {
  const sample = randomBytes(BUFFER_BYTES, 7, NEAR_NEWLINE_BYTES);
  counter.buffer.set(sample, 0);
  const ranges: [number, number][] = [
    [0, BUFFER_BYTES],
    [1, BUFFER_BYTES - 1],
    [13, 3 * 1024 * 1024 + 7],
    [BUFFER_BYTES - 100, BUFFER_BYTES],
  ];
  for (const [start, end] of ranges) {
    assert.equal(counter.count(start, end), countByBytes(sample, start, end), `[${start}, ${end})`);
  }
}

function checkBlockBoundaries(counter: NewlineCounter): void {
  // Every byte next to LF, on both sides of each 16-byte boundary in the first 128 bytes.
  for (const other of NEAR_NEWLINE_BYTES) {
    const sample = new Uint8Array(128).fill(other);
    for (let boundary = 16; boundary < 128; boundary += 16) {
      sample[boundary - 1] = 0x0a;
      sample[boundary] = other === 0x0a ? 0x0b : 0x0a;
    }
    counter.buffer.set(sample, 0);
    for (let start = 0; start < 20; start++) {
      assert.equal(counter.count(start, 128), countByBytes(sample, start, 128), `filler 0x${other.toString(16)}, start ${start}`);
    }
  }
}

describe('newlineCounterWasm', () => {
  test('matches a fresh wabt build of the .wat', async () => {
    const wabt = await initWabt();
    const source = readFileSync(join(REPO_ROOT, WAT_PATH), 'utf8');
    const module = wabt.parseWat(WAT_PATH, source, { simd: true });
    let binary: Uint8Array;
    try {
      module.validate();
      binary = module.toBinary({}).buffer;
    } finally {
      module.destroy();
    }
    const rebuilt = Buffer.from(binary).toString('base64');
    assert.equal(NEWLINE_COUNTER_WASM_BASE64, rebuilt, 'src/node/newlineCounterWasm.ts is stale; run `npm run build:wasm`');
  });

  test('validates on this engine', () => {
    assert.equal(WebAssembly.validate(Buffer.from(NEWLINE_COUNTER_WASM_BASE64, 'base64')), true);
  });
});

describe('createWasmNewlineCounter', () => {
  test('shares memory with its buffer', () => {
    const counter = wasmCounter();
    assert.equal(counter.buffer.length, BUFFER_BYTES);
    assert.equal(counter.buffer.byteOffset, 0);
    assert.ok(counter.buffer.buffer instanceof ArrayBuffer);
    assert.notEqual(counter.buffer.buffer.byteLength, 0);
    counter.buffer.fill(0x41);
    counter.buffer[5] = 0x0a;
    counter.buffer[BUFFER_BYTES - 1] = 0x0a;
    assert.equal(counter.count(0, BUFFER_BYTES), 2);
  });

  test('matches a byte loop on small ranges', () => {
    const counter = wasmCounter();
    for (let seed = 1; seed <= 4; seed++) checkSmallRanges(counter, seed);
    for (let seed = 5; seed <= 8; seed++) checkSmallRanges(counter, seed, NEAR_NEWLINE_BYTES);
  });

  test('matches a byte loop on MiB ranges', () => {
    checkLargeRanges(wasmCounter());
  });

  test('counts bytes around 16-byte boundaries', () => {
    checkBlockBoundaries(wasmCounter());
  });

  test('returns 0 for empty and reversed ranges', () => {
    const counter = wasmCounter();
    counter.buffer.fill(0x0a, 0, 64);
    assert.equal(counter.count(10, 10), 0);
    assert.equal(counter.count(40, 10), 0);
  });

  test('rejects ranges outside the buffer', () => {
    const counter = wasmCounter();
    assert.throws(() => counter.count(-1, 10), RangeError);
    assert.throws(() => counter.count(0, BUFFER_BYTES + 1), RangeError);
  });

  test('countIn translates subarray offsets', () => {
    const counter = wasmCounter();
    const sample = randomBytes(4096, 11, NEAR_NEWLINE_BYTES);
    counter.buffer.set(sample, 0);
    const view = counter.buffer.subarray(100, 3000);
    for (const [start, end] of [[0, view.length], [3, 1777], [50, 51]]) {
      assert.equal(counter.countIn(view, start, end), countByBytes(sample, 100 + start, 100 + end), `[${start}, ${end})`);
    }
    assert.throws(() => counter.countIn(view, 0, view.length + 1), RangeError);
  });

  test('countIn counts other arrays in JS', () => {
    const counter = wasmCounter();
    const other = Buffer.from(randomBytes(1000, 12, NEAR_NEWLINE_BYTES));
    assert.equal(counter.countIn(other, 3, 997), countByBytes(other, 3, 997));
  });

  test('rounds the memory up to whole pages', () => {
    const counter = createWasmNewlineCounter(100_000);
    assert.ok(counter);
    assert.equal(counter.buffer.length, 100_000);
    counter.buffer.fill(0x0a);
    assert.equal(counter.count(0, 100_000), 100_000);
  });
});

describe('createJsNewlineCounter', () => {
  test('matches a byte loop on small ranges', () => {
    const counter = createJsNewlineCounter(BUFFER_BYTES);
    for (let seed = 1; seed <= 4; seed++) checkSmallRanges(counter, seed);
    for (let seed = 5; seed <= 8; seed++) checkSmallRanges(counter, seed, NEAR_NEWLINE_BYTES);
  });

  test('matches a byte loop on MiB ranges', () => {
    checkLargeRanges(createJsNewlineCounter(BUFFER_BYTES));
  });

  test('counts bytes around 16-byte boundaries', () => {
    checkBlockBoundaries(createJsNewlineCounter(BUFFER_BYTES));
  });

  test('rejects ranges outside the buffer', () => {
    const counter = createJsNewlineCounter(BUFFER_BYTES);
    assert.throws(() => counter.count(-1, 10), RangeError);
    assert.throws(() => counter.count(0, BUFFER_BYTES + 1), RangeError);
  });

  test('countNewlines handles unaligned subarrays', () => {
    const sample = Buffer.from(randomBytes(1000, 13, NEAR_NEWLINE_BYTES));
    for (let offset = 0; offset < 8; offset++) {
      const view = sample.subarray(offset, 900 + offset);
      assert.equal(countNewlines(view, 1, 899), countByBytes(view, 1, 899), `offset ${offset}`);
    }
  });
});

describe('createNewlineCounter', () => {
  test('uses WebAssembly memory on Node', () => {
    const counter = createNewlineCounter(1024);
    assert.equal(counter.buffer.length, 1024);
    // WebAssembly memory spans whole 64 KiB pages, while Buffer.alloc(1024) has a 1024-byte ArrayBuffer.
    assert.equal(counter.buffer.buffer.byteLength, 64 * 1024);
  });
});
