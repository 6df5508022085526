import { NEWLINE_COUNTER_WASM_BASE64 } from './newlineCounterWasm';

const NEWLINE = 0x0a;
const WASM_PAGE_BYTES = 64 * 1024;

/** A chunk buffer for file reads, with LF counting over it. */
export interface NewlineCounter {
  /** The buffer to read file data into: a view of the WebAssembly memory, or a plain `Buffer` in the fallback. */
  readonly buffer: Buffer;
  /** Count LF bytes in `buffer[start, end)`, or return 0 when `end <= start`. Throws `RangeError` for a range outside the buffer. */
  count(start: number, end: number): number;
  /**
   * Count LF bytes in `bytes[start, end)`. Uses WebAssembly when `bytes` is a view of `buffer`'s memory
   * and `countNewlines` for any other array.
   */
  countIn(bytes: Uint8Array, start: number, end: number): number;
}

/**
 * Count LF bytes in `bytes[start, end)`. Four bytes at a time: for each byte of `x = word ^ 0x0a0a0a0a`,
 * `((x & 0x7f) + 0x7f) | x` has its top bit set exactly when the byte is not zero, and no carry crosses
 * bytes because each sum stays below 0x100. This runs several times faster than `indexOf` in a loop.
 */
export function countNewlines(bytes: Uint8Array, start: number, end: number): number {
  let count = 0;
  let index = start;
  while (index < end && ((bytes.byteOffset + index) & 3) !== 0) {
    if (bytes[index] === NEWLINE) count++;
    index++;
  }
  const wordCount = (end - index) >> 2;
  if (wordCount > 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + index, wordCount);
    for (let word = 0; word < wordCount; word++) {
      const x = words[word] ^ 0x0a0a0a0a;
      const zeroBytes = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      // Move each flag from bit 7 to bit 0 of its byte, then add the four bytes up in the top byte.
      count += Math.imul((zeroBytes >>> 7) & 0x01010101, 0x01010101) >>> 24;
    }
    index += wordCount << 2;
  }
  while (index < end) {
    if (bytes[index] === NEWLINE) count++;
    index++;
  }
  return count;
}

/** The compiled module; `null` once the engine has rejected it, `undefined` before the first try. */
let compiledModule: WebAssembly.Module | null | undefined;

/**
 * Compile src/node/newlineCounter.wat on first use. Compiling synchronously is fine for a module of a
 * few hundred bytes, and it keeps module loading free of top-level await, which the CommonJS bundles lack.
 */
function newlineCounterModule(): WebAssembly.Module | null {
  if (compiledModule !== undefined) return compiledModule;
  compiledModule = null;
  if (typeof WebAssembly !== 'object') return compiledModule;
  const bytes = Buffer.from(NEWLINE_COUNTER_WASM_BASE64, 'base64');
  // validate() returns false on an engine without fixed-width SIMD, and the caller then uses countNewlines.
  if (WebAssembly.validate(bytes)) compiledModule = new WebAssembly.Module(bytes);
  return compiledModule;
}

/**
 * Create a counter whose buffer is `chunkBytes` of WebAssembly memory, counted with SIMD.
 * Returns `undefined` when the engine cannot run the module.
 */
export function createWasmNewlineCounter(chunkBytes: number): NewlineCounter | undefined {
  const module = newlineCounterModule();
  if (module === null) return undefined;

  const pages = Math.max(1, Math.ceil(chunkBytes / WASM_PAGE_BYTES));
  // The memory never grows, so `buffer` stays a valid view for the counter's lifetime.
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const wasmCount = instance.exports.count as (start: number, end: number) => number;
  const buffer = Buffer.from(memory.buffer, 0, chunkBytes);

  const count = (start: number, end: number): number => {
    if (end <= start) return 0;
    if (start < 0 || end > chunkBytes) {
      throw new RangeError(`Newline count range [${start}, ${end}) is outside the ${chunkBytes}-byte chunk buffer.`);
    }
    return wasmCount(start, end);
  };
  const countIn = (bytes: Uint8Array, start: number, end: number): number => {
    if (bytes.buffer !== memory.buffer) return countNewlines(bytes, start, end);
    if (end <= start) return 0;
    if (start < 0 || end > bytes.length) {
      throw new RangeError(`Newline count range [${start}, ${end}) is outside the ${bytes.length}-byte array.`);
    }
    return count(bytes.byteOffset + start, bytes.byteOffset + end);
  };
  return { buffer, count, countIn };
}

/** Create a counter with a plain buffer, counted by `countNewlines`. */
export function createJsNewlineCounter(chunkBytes: number): NewlineCounter {
  // Buffer.alloc gives an unpooled buffer at offset 0, which keeps the word reads of countNewlines aligned.
  const buffer = Buffer.alloc(chunkBytes);
  const count = (start: number, end: number): number => {
    if (end <= start) return 0;
    if (start < 0 || end > chunkBytes) {
      throw new RangeError(`Newline count range [${start}, ${end}) is outside the ${chunkBytes}-byte chunk buffer.`);
    }
    return countNewlines(buffer, start, end);
  };
  return { buffer, count, countIn: countNewlines };
}

/** Create a chunk buffer of `chunkBytes` with the fastest LF counter this engine runs. */
export function createNewlineCounter(chunkBytes: number): NewlineCounter {
  return createWasmNewlineCounter(chunkBytes) ?? createJsNewlineCounter(chunkBytes);
}
