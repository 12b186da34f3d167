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
