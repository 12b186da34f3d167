/**
 * The n-gram model's stored form (the model file's trigram section): trigram types as varint
 * bytes, and their decoding, by the wasm kernels where they run, else in JavaScript.
 * Pure: no DOM, no I/O.
 */
import { decodingScratch } from '../kernels/wasm.js';
import { VarintReader, writeFollowers, writeVarint } from '../kernels/varint.js';
import { DECODED, KEY_BASE } from '../model/ngram-tables.js';

// ---- compact storage -------------------------------------------------------------------------
// Trigram types sorted by (u, v, w), grouped by context: varint Δu, then v (or Δv within the
// same u), the number of followers, and for each follower Δw − 1 and count − 1. Typically
// 2–3 bytes a trigram instead of 16 as four int32.

/** Encodes flat [u, v, w, count, …] trigram types as bytes (see decodeTrigrams). */
export function encodeTrigrams(trigrams: Int32Array): Uint8Array {
  const n = trigrams.length / 4;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) =>
      trigrams[a * 4]! - trigrams[b * 4]! ||
      trigrams[a * 4 + 1]! - trigrams[b * 4 + 1]! ||
      trigrams[a * 4 + 2]! - trigrams[b * 4 + 2]!,
  );
  const out: number[] = [];
  let prevU = 0,
    prevV = 0;
  for (let i = 0; i < n;) {
    const u = trigrams[order[i]! * 4]!,
      v = trigrams[order[i]! * 4 + 1]!;
    let end = i;
    while (end < n && trigrams[order[end]! * 4]! === u && trigrams[order[end]! * 4 + 1]! === v) end++;
    writeVarint(out, u - prevU);
    writeVarint(out, u === prevU && i > 0 ? v - prevV : v);
    writeVarint(out, end - i);
    const at = i;
    writeFollowers(
      out,
      end - i,
      (j) => [trigrams[order[at + j]! * 4 + 2]!, trigrams[order[at + j]! * 4 + 3]!],
      (j) => `trigram ${order[at + j]!} (${u}, ${v}, …)`,
    );
    prevU = u;
    prevV = v;
    i = end;
  }
  return Uint8Array.from(out);
}

/**
 * Decodes encodeTrigrams' bytes into `count` flat trigram types; a RangeError names where
 * damaged bytes stop making sense. The kernels' `trigrams` decodes them (a page's stored model
 * in a few milliseconds, where this JavaScript runs cold for ~50); damaged bytes, or no
 * WebAssembly, go through decodeTrigramsInJs, which names the damage.
 */
export function decodeTrigrams(bytes: Uint8Array, count: number, wordCount: number): Int32Array {
  return decodeTrigramsInWasm(bytes, count, wordCount) ?? decodeTrigramsInJs(bytes, count, wordCount);
}

/** decodeTrigrams by the kernels, or null without them or when the bytes are damaged (exported for tests). */
export function decodeTrigramsInWasm(bytes: Uint8Array, count: number, wordCount: number): Int32Array | null {
  const scratch = decodingScratch(bytes, count, wordCount, {
    out: count * 16,
    keys: count * 8,
    totals: count * 8,
    start: (count + 1) * 4,
    perV: wordCount * 4,
    first: (wordCount + 1) * 4,
    next: wordCount * 4,
    ids: count * 4,
    biKeys: wordCount * 8,
    biStart: (wordCount + 1) * 4,
    biTotals: wordCount * 8,
    uniCont: wordCount * 8,
    lastV: wordCount * 4,
  });
  if (!scratch) return null;
  const { kernels, buffer, at } = scratch;
  const k = kernels.trigrams(at.src, bytes.length, count, wordCount, at.out, at.keys, at.start, at.totals, at.perV);
  if (k < 0) return null;
  // The bigram lists too, while the rows are in the kernels' memory (bigramParts with ones).
  const b = kernels.bigrams(
    at.out,
    count,
    at.perV,
    wordCount,
    at.first,
    at.next,
    at.ids,
    at.biKeys,
    at.biStart,
    at.biTotals,
    at.uniCont,
    at.lastV,
  );
  const i32 = (at: number, n: number) => new Int32Array(buffer, at, n).slice();
  const f64 = (at: number, n: number) => new Float64Array(buffer, at, n).slice();
  const out = i32(at.out, count * 4);
  DECODED.set(out, {
    wordCount,
    contexts: {
      keys: f64(at.keys, k),
      start: i32(at.start, k + 1),
      totals: f64(at.totals, k),
      perV: i32(at.perV, wordCount),
    },
    bigrams: {
      keys: f64(at.biKeys, b),
      start: i32(at.biStart, b + 1),
      totals: f64(at.biTotals, b),
      ids: i32(at.ids, count),
      uniCont: f64(at.uniCont, wordCount),
    },
  });
  return out;
}

/** decodeTrigrams in JavaScript: where there are no kernels, and what names damaged bytes. */
export function decodeTrigramsInJs(bytes: Uint8Array, count: number, wordCount: number): Int32Array {
  const out = new Int32Array(count * 4);
  const reader = new VarintReader(bytes, 'n-gram counts');
  const read = () => reader.read();
  // The contexts as they go by (the rows come in strict (u, v, w) order), for fromJSON.
  const keys = new Float64Array(count),
    start = new Int32Array(count + 1),
    totals = new Float64Array(count),
    perV = new Int32Array(wordCount);
  let i = 0,
    k = 0,
    u = 0,
    v = 0,
    first = true;
  while (i < count) {
    const du = read();
    const dv = read();
    if (!first && du === 0 && dv === 0)
      throw new RangeError(`n-gram counts: context (${u}, ${v}) comes twice, at trigram ${i}`);
    if (du > 0 || first) v = dv;
    else v += dv;
    u += du;
    first = false;
    const followers = read();
    if (followers < 1 || i + followers > count)
      throw new RangeError(`n-gram counts: a context claims ${followers} followers where ${count - i} are left`);
    if (u >= wordCount || v >= wordCount)
      throw new RangeError(`n-gram counts: trigram ${i} (${u}, ${v}, …) is out of range for ${wordCount} words`);
    keys[k] = u * KEY_BASE + v;
    start[k] = i;
    perV[v]! += followers;
    let total = 0;
    let w = -1;
    for (let j = 0; j < followers; j++, i++) {
      w += read() + 1;
      const c = read() + 1;
      if (u >= wordCount || v >= wordCount || w >= wordCount || c > 0x7fffffff)
        throw new RangeError(`n-gram counts: trigram ${i} (${u}, ${v}, ${w}) is out of range for ${wordCount} words`);
      out[i * 4] = u;
      out[i * 4 + 1] = v;
      out[i * 4 + 2] = w;
      out[i * 4 + 3] = c;
      total += c;
    }
    totals[k++] = total;
  }
  reader.end();
  start[k] = count;
  DECODED.set(out, {
    wordCount,
    contexts: { keys: keys.slice(0, k), start: start.slice(0, k + 1), totals: totals.slice(0, k), perV },
  });
  return out;
}
