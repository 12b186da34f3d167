/**
 * Unsigned LEB128 numbers (7 bits a byte, the high bit set while more follow): how the n-gram
 * counts are stored (ngram.ts, fourgram.ts). Pure: no DOM, no I/O.
 */

/** Appends n (a non-negative integer below 2^53) to `out`. */
export function writeVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/**
 * Appends one context's followers as both n-gram tables store them: `n` rows in ascending word
 * order, each as (word − previous word − 1, count − 1), the first word's previous being −1.
 * `row(j)` gives row j's [word, count]; a RangeError names `what(j)` when a word does not come
 * after the one before or a count is below 1.
 */
export function writeFollowers(
  out: number[],
  n: number,
  row: (j: number) => readonly [word: number, count: number],
  what: (j: number) => string,
): void {
  let previous = -1;
  for (let j = 0; j < n; j++) {
    const [w, c] = row(j);
    if (w <= previous || c < 1)
      throw new RangeError(
        `${what(j)} must follow the row before in word order with a count ≥ 1, got word ${w}, count ${c}`,
      );
    writeVarint(out, w - previous - 1);
    writeVarint(out, c - 1);
    previous = w;
  }
}

/** Reads varints from `bytes` in turn; a RangeError names `what` and the byte where they stop making sense. */
export class VarintReader {
  /** The next byte to read. */
  at = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
  ) {}

  read(): number {
    const bytes = this.bytes;
    let n = 0,
      scale = 1;
    for (;;) {
      if (this.at >= bytes.length) throw new RangeError(`${this.what} end early at byte ${this.at} of ${bytes.length}`);
      const b = bytes[this.at++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
      if (scale > 2 ** 35) throw new RangeError(`${this.what}: a number at byte ${this.at} is too long`);
    }
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.at !== this.bytes.length)
      throw new RangeError(`${this.what}: ${this.bytes.length - this.at} bytes left over`);
  }
}
