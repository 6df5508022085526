/**
 * Reuse of equal strings cut from a large text. The maps parser keeps several strings per line.
 * When equal fields share one string, 100,000 parsed lines leave fewer objects for the garbage
 * collector to copy.
 */

/**
 * The string last cut from a text for one field, to reuse when the next one is equal. Comparing
 * a fresh slice with `===` is faster than a loop over character codes, and the slice dies young.
 */
export class RecentString {
  private value = '';

  /** Returns text[start, end), the earlier string when it is equal. */
  cut(text: string, start: number, end: number): string {
    const value = text.slice(start, end);
    if (value === this.value) return this.value;
    this.value = value;
    return value;
  }
}

/** Number of strings after which a pool starts over, so that a pool stays small. */
const POOL_SIZE = 1024;

/**
 * Strings cut from a text for one field, to reuse when an equal one comes again, e.g. the offset
 * `00000000` between the other offsets of a library's mappings in maps.
 */
export class StringPool {
  private readonly values = new Map<string, string>();

  private last = '';

  /** Returns text[start, end), the pooled string when an equal one is in the pool. */
  cut(text: string, start: number, end: number): string {
    const value = text.slice(start, end);
    // Most values equal the one of the line before, and === is cheaper than a lookup.
    if (value === this.last) return this.last;
    let pooled = this.values.get(value);
    if (pooled === undefined) {
      if (this.values.size >= POOL_SIZE) this.values.clear();
      this.values.set(value, value);
      pooled = value;
    }
    this.last = pooled;
    return pooled;
  }
}
