/**
 * The n-gram model's tables (ngram.ts): counting trigram types, ordering rows, the follower
 * lists of each context behind a sorted key index, and the in-place updates learning makes.
 * Free functions over typed arrays, so the model class keeps only its probabilities.
 * Pure: no DOM, no I/O.
 */
import { describe } from '../../base/checks.js';
import { BOS, EOS } from '../../text/vocabulary.js';
import { MAX_WORD_LENGTH } from '../../text/tokenize.js';
import { firstAtLeast, sortByString } from './prefix.js';

/** Fewer distinct words than this (V³ < 2^53 keeps the training count keys exact). */
export const MAX_WORDS = 208_063;
/** Context keys u·KEY_BASE + v: fixed, so adding words never changes a key. */
export const KEY_BASE = 262_144;

export interface Followers {
  /** Word ids sorted by their string, so a typed prefix is a contiguous range. */
  ids: Int32Array;
  /** Count (trigram) or continuation count (bigram) of each follower. */
  counts: Int32Array;
  total: number;
  /** Positions in `ids` by count, highest first (built on first use, for the top-k search). */
  byCount?: Int32Array;
}

/**
 * Tables decodeTrigrams wrote: the word count it checked every id against, their contexts as
 * it read them (rows in strict (u, v, w) order) and, from the kernels, their bigram lists.
 * fromJSON neither checks them again nor reads them again to index them: passes over every
 * entry, on a page's way to its first suggestion.
 */
export const DECODED = new WeakMap<Int32Array, { wordCount: number; contexts: Contexts; bigrams?: BigramParts }>();

/** Buffers this module allocated with room to grow (never shared: each backs one array). */
export const ROOMY = new WeakSet<ArrayBufferLike>();

/**
 * `a` one element longer, its last element for the caller to set: a longer view of the same
 * buffer when it is one of ours with room left, else a copy into a buffer half as large again.
 * Learning adds words and followers one at a time; growing by one fresh array each time cost a
 * copy of the whole list and, in garbage, most of learn()'s time.
 */
export function withRoom<T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T {
  const n = a.length;
  if (ROOMY.has(a.buffer) && a.byteOffset === 0 && a.buffer.byteLength >= (n + 1) * a.BYTES_PER_ELEMENT) {
    // (subarray cannot reach past the view it is called on: a new view of the buffer can.)
    const View = a.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T;
    return new View(a.buffer, 0, n + 1);
  }
  const b = make(Math.max(8, Math.ceil(n * 1.5) + 1));
  ROOMY.add(b.buffer);
  b.set(a);
  return b.subarray(0, n + 1) as T;
}
export const int32 = (n: number) => new Int32Array(n);

/** `order` stably sorted by `keys[i]` (integers in [0, buckets)). */
export function countingSort(buckets: number, keys: Int32Array, order: Int32Array): Int32Array {
  const start = new Int32Array(buckets + 1);
  for (let j = 0; j < order.length; j++) start[keys[order[j]!]! + 1]!++;
  for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
  const out = new Int32Array(order.length);
  for (let j = 0; j < order.length; j++) {
    const i = order[j]!;
    out[start[keys[i]!]!++] = i;
  }
  return out;
}

/** Column `c` (0: u, 1: v, 2: w, 3: count) of a flat [u, v, w, count, …] table, through `map`. */
export function column(table: Int32Array, c: number, map?: Int32Array): Int32Array {
  const out = new Int32Array(table.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = map ? map[table[i * 4 + c]!]! : table[i * 4 + c]!;
  return out;
}

/** 0, 1, …, n − 1. */
export function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Puts built list i, rows [from, to) of its storage, in its final form on first use: ids and counts. */
export type Finish = (from: number, to: number) => [Int32Array, Int32Array];

/**
 * Follower lists by context key. The lists a model is built with stay in two shared arrays
 * behind a sorted key index, and a list becomes an object only when it is first asked for,
 * put in its final form then by `finish` (string order, repeated followers summed): a stored
 * model with hundreds of thousands of contexts is ready without making an object per context
 * or ordering any list by string before it is used. Lists changed by `add()` or new ones live
 * in a Map.
 */
export class FollowerIndex {
  /** Context keys, ascending; the list of keys[i] is rows [start[i], start[i + 1]) of `finish`'s storage. */
  readonly #keys: Float64Array;
  readonly #start: Int32Array;
  readonly #totals: Float64Array;
  readonly #finish: Finish;
  readonly #live = new Map<number, Followers>();

  constructor(keys: Float64Array, start: Int32Array, totals: Float64Array, finish: Finish) {
    this.#keys = keys;
    this.#start = start;
    this.#totals = totals;
    this.#finish = finish;
  }

  /** Position of key in the built index, or −1. */
  #position(key: number): number {
    const keys = this.#keys;
    let lo = 0,
      hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = keys[mid]!;
      if (x === key) return mid;
      if (x < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  get(key: number): Followers | undefined {
    const live = this.#live.get(key);
    if (live) return live;
    const i = this.#position(key);
    if (i < 0) return undefined;
    const from = this.#start[i]!,
      to = this.#start[i + 1]!;
    const [ids, counts] = this.#finish(from, to);
    // Kept, so that changes to it (add) are seen by every later lookup.
    const f = { ids, counts, total: this.#totals[i]! };
    this.#live.set(key, f);
    return f;
  }

  /** An independent copy: the same lists, and changes to either never reach the other. */
  copy(): FollowerIndex {
    // The built arrays are never written after construction (a list is finished into arrays of
    // its own): shared. Every list made or changed since is copied.
    const out = new FollowerIndex(this.#keys, this.#start, this.#totals, this.#finish);
    for (const [key, f] of this.#live) {
      out.#live.set(key, { ids: f.ids.slice(), counts: f.counts.slice(), total: f.total });
    }
    return out;
  }

  /** The list of `key`, made empty when there is none. */
  getOrCreate(key: number): Followers {
    let f = this.get(key);
    if (!f) this.#live.set(key, (f = { ids: new Int32Array(0), counts: new Int32Array(0), total: 0 }));
    return f;
  }

  /** Every list: the built ones in key order, then the new ones in the order they came. */
  *entries(): IterableIterator<[number, Followers]> {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) yield [keys[i]!, this.get(keys[i]!)!];
    for (const [key, f] of this.#live) if (this.#position(key) < 0) yield [key, f];
  }
}

/** The contexts of a flat [u, v, w, count, …] table in (u, v, w) order, and its rows per v. */
export interface Contexts {
  /** u·KEY_BASE + v of each context, ascending; its rows are [start[i], start[i + 1]). */
  keys: Float64Array;
  start: Int32Array;
  /** The sum of each context's counts. */
  totals: Float64Array;
  /** Rows by v (index v, V entries). */
  perV: Int32Array;
}

/** The contexts of a table whose rows are in (u, v, w) order (one pass). */
export function contextsOf(table: Int32Array, V: number): Contexts {
  const n = table.length / 4;
  const keys = new Float64Array(n),
    start = new Int32Array(n + 1),
    totals = new Float64Array(n),
    perV = new Int32Array(V);
  let k = -1,
    key = NaN;
  for (let j = 0; j < n; j++) {
    const u = table[j * 4]!,
      v = table[j * 4 + 1]!;
    const x = u * KEY_BASE + v;
    if (x !== key) {
      key = x;
      keys[++k] = x;
      start[k] = j;
    }
    totals[k]! += table[j * 4 + 3]!;
    perV[v]! += 1;
  }
  start[k + 1] = n;
  return { keys: keys.slice(0, k + 1), start: start.slice(0, k + 2), totals: totals.slice(0, k + 1), perV };
}

/** How many rows of a flat [u, v, w, count, …] table over V words have each v. */
export function rowsPerV(table: Int32Array, V: number): Int32Array {
  const perV = new Int32Array(V);
  for (let i = 1; i < table.length; i += 4) perV[table[i]!]! += 1;
  return perV;
}

/** Bigram lists by v, as flat arrays (see bigramParts), and N1+(•w). */
export interface BigramParts {
  /** Each v with rows, ascending, its list at ids[start[i] … start[i + 1]) summing to totals[i]. */
  keys: Float64Array;
  start: Int32Array;
  totals: Float64Array;
  ids: Int32Array;
  /** The followers' counts (1 each when absent). */
  counts?: Int32Array;
  /** N1+(•w): the number of distinct v before each w. */
  uniCont: Float64Array;
}

/**
 * Lists by v of a flat [u, v, w, count, …] table's rows, `perV` of them for each v (one pass
 * placing each row): its followers w with their counts, or 1 each with `ones` (bigram
 * continuation counts, one per trigram type, summed when a list is finished). Also N1+(•w),
 * the number of distinct v before each w. (The kernels' `bigrams` does the same with `ones`
 * for decoded rows.)
 */
export function bigramParts(table: Int32Array, perV: Int32Array, ones: boolean): BigramParts {
  const V = perV.length,
    n = table.length / 4;
  const first = new Int32Array(V + 1);
  let contexts = 0;
  for (let v = 0; v < V; v++) {
    first[v + 1] = first[v]! + perV[v]!;
    if (perV[v]! > 0) contexts++;
  }
  const next = first.slice(0, V);
  const ids = new Int32Array(n),
    counts = ones ? undefined : new Int32Array(n),
    sums = ones ? undefined : new Float64Array(V);
  for (let i = 0; i < n; i++) {
    const v = table[i * 4 + 1]!;
    const at = next[v]!++;
    ids[at] = table[i * 4 + 2]!;
    if (counts) {
      counts[at] = table[i * 4 + 3]!;
      sums![v]! += table[i * 4 + 3]!;
    }
  }
  const keys = new Float64Array(contexts),
    start = new Int32Array(contexts + 1),
    totals = new Float64Array(contexts);
  const uniCont = new Float64Array(V);
  const lastV = new Int32Array(V).fill(-1);
  let k = 0;
  for (let v = 0; v < V; v++) {
    if (perV[v] === 0) continue;
    keys[k] = v;
    start[k] = first[v]!;
    totals[k] = sums ? sums[v]! : perV[v]!;
    k++;
    for (let j = first[v]!; j < first[v + 1]!; j++) {
      const w = ids[j]!;
      if (lastV[w] !== v) {
        lastV[w] = v;
        uniCont[w]! += 1;
      }
    }
  }
  start[contexts] = n;
  return { keys, start, totals, ids, ...(counts ? { counts } : {}), uniCont };
}

/** Whether a flat [u, v, w, count, …] table's rows are in strictly ascending (u, v, w) order. */
export function rowsInOrder(table: Int32Array): boolean {
  for (let i = 4; i < table.length; i += 4) {
    if ((table[i - 4]! - table[i]! || table[i - 3]! - table[i + 1]! || table[i - 2]! - table[i + 2]!) >= 0)
      return false;
  }
  return true;
}

/**
 * A flat table over V words with its rows in (u, v, w) order (stable counting sorts) and rows
 * of the same trigram summed into one.
 */
export function orderedRows(table: Int32Array, V: number): Int32Array {
  const n = table.length / 4;
  const byW = countingSort(V, column(table, 2), identity(n));
  const order = countingSort(V, column(table, 0), countingSort(V, column(table, 1), byW));
  const out = new Int32Array(table.length);
  let m = 0;
  for (let j = 0; j < n; j++) {
    const at = order[j]! * 4;
    if (m > 0 && out[m - 4] === table[at] && out[m - 3] === table[at + 1] && out[m - 2] === table[at + 2]) {
      out[m - 1]! += table[at + 3]!;
      continue;
    }
    out.set(table.subarray(at, at + 4), m);
    m += 4;
  }
  return out.slice(0, m);
}

/**
 * Finishes built follower lists (FollowerIndex) kept in `data`: row j's follower is
 * data[j·stride + at] and its count counts[j·stride + countAt] (1 each without `counts`). A list
 * comes out with its followers in string order (so a typed prefix is a contiguous range) and
 * the counts of a follower that comes more than once summed, in arrays of its own. Lists are
 * short next to the vocabulary: only their distinct followers are sorted by string.
 */
export function finishList(
  words: readonly string[],
  data: Int32Array,
  at: number,
  counts: Int32Array | undefined,
  countAt: number,
  stride: number,
): Finish {
  let sums = new Int32Array(0); // by word id, all 0 between calls
  return (from, to) => {
    if (sums.length < words.length) sums = new Int32Array(words.length);
    const distinct: number[] = [];
    for (let j = from; j < to; j++) {
      const w = data[j * stride + at]!;
      if (sums[w] === 0) distinct.push(w);
      sums[w]! += counts ? counts[j * stride + countAt]! : 1;
    }
    const out = sortByString(Int32Array.from(distinct), words);
    const outCounts = new Int32Array(out.length);
    for (let j = 0; j < out.length; j++) {
      outCounts[j] = sums[out[j]!]!;
      sums[out[j]!] = 0;
    }
    return [out, outCounts];
  };
}

/** Positions of `counts` sorted by count, highest first (ties keep the string order). */
export function orderByCount(f: Followers): Int32Array {
  if (!f.byCount) {
    const { counts } = f;
    f.byCount = Int32Array.from(counts.keys()).sort((a, b) => counts[b]! - counts[a]! || a - b);
  }
  return f.byCount;
}

/** The words (ids 0 and 1 are <s>, </s>) and trigram types [u, v, w, count, …] of lines of words. */
export function countTrigrams(lines: Iterable<readonly string[]>): { words: string[]; flat: Int32Array } {
  const words = [BOS, EOS];
  const ids = new Map<string, number>([
    [BOS, 0],
    [EOS, 1],
  ]);
  const id = (w: string) => {
    let i = ids.get(w);
    if (i === undefined) {
      i = words.length;
      words.push(w);
      ids.set(w, i);
    }
    return i;
  };
  const encoded: number[][] = [];
  for (const line of lines) {
    if (!Array.isArray(line)) throw new TypeError(`each line must be an array of words, got ${describe(line)}`);
    // '<s>' and '</s>' mark the line's ends; the same strings inside a line are not words.
    encoded.push(lineIds(line, id));
  }
  if (words.length <= 2) throw new RangeError('the n-gram model needs at least one word to train on');
  // Count trigrams under one integer key (exact while V³ < 2^53, i.e. V < 208,063 words).
  const V = words.length;
  if (V >= MAX_WORDS) throw new RangeError(`the n-gram model supports fewer than 208,063 distinct words, got ${V}`);
  const counts = new Map<number, number>();
  for (const seq of encoded) {
    let u = 0,
      v = 0;
    for (const w of seq) {
      const key = (u * V + v) * V + w;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      u = v;
      v = w;
    }
  }
  const flat = new Int32Array(counts.size * 4);
  let i = 0;
  for (const [key, c] of counts) {
    const w = key % V;
    const uv = (key - w) / V;
    const v = uv % V;
    flat[i] = (uv - v) / V;
    flat[i + 1] = v;
    flat[i + 2] = w;
    flat[i + 3] = c;
    i += 4;
  }
  return { words, flat };
}

/** Adds one to w's count in a follower list (inserting it in string order); returns the count. */
export function bump(words: readonly string[], f: Followers, w: number): number {
  f.total += 1;
  const j = firstAtLeast(f.ids, words, words[w]!);
  if (f.ids[j] !== w) {
    const n = f.ids.length;
    const ids = withRoom(f.ids, int32),
      counts = withRoom(f.counts, int32);
    ids.copyWithin(j + 1, j, n);
    counts.copyWithin(j + 1, j, n);
    ids[j] = w;
    counts[j] = 0;
    f.ids = ids;
    f.counts = counts;
    if (f.byCount) {
      // Positions at or after j move one on; the new entry (count 0 for now) goes after all
      // entries with a higher count or an earlier position, i.e. before the first with count 0
      // and a later position (there are none with count 0): at the end.
      const by = withRoom(f.byCount, int32);
      for (let i = 0; i < n; i++) if (by[i]! >= j) by[i]! += 1;
      by[n] = j;
      f.byCount = by;
    }
  }
  const c = ++f.counts[j]!;
  if (f.byCount) {
    // Move j up past entries with a lower count, or the same count and a later position.
    const by = f.byCount,
      counts = f.counts;
    let p = by.indexOf(j);
    while (p > 0) {
      const x = by[p - 1]!;
      if (counts[x]! > c || (counts[x] === c && x < j)) break;
      by[p] = x;
      p--;
    }
    by[p] = j;
  }
  return c;
}

/** The bigram continuation counts as flat [0, v, w, N1+(•vw), …], from the follower lists. */
export function bigramTable(index: FollowerIndex): Int32Array {
  const table: number[] = [];
  for (const [v, f] of index.entries()) {
    for (let i = 0; i < f.ids.length; i++) table.push(0, v, f.ids[i]!, f.counts[i]!);
  }
  return Int32Array.from(table);
}

/** The trigram types as flat [u, v, w, count, …], from the follower lists. */
export function flattenTrigrams(index: FollowerIndex): Int32Array {
  let n = 0;
  for (const [, f] of index.entries()) n += f.ids.length;
  const out = new Int32Array(n * 4);
  let i = 0;
  for (const [key, f] of index.entries()) {
    const v = key % KEY_BASE,
      u = (key - v) / KEY_BASE;
    for (let j = 0; j < f.ids.length; j++, i += 4) {
      out[i] = u;
      out[i + 1] = v;
      out[i + 2] = f.ids[j]!;
      out[i + 3] = f.counts[j]!;
    }
  }
  return out;
}

/** The trigram types as "u\nv\nw" strings (prune's `keep`). */
export function typeNames(raw: Int32Array, w: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < raw.length; i += 4) out.add(`${w[raw[i]!]}\n${w[raw[i + 1]!]}\n${w[raw[i + 2]!]}`);
  return out;
}

/**
 * A line of words as ids, ending with </s> (1): '<s>' and '</s>' inside a line are not words.
 * A line that is not an array is a TypeError.
 */
export function lineIds(line: readonly string[], id: (word: string) => number): number[] {
  if (!Array.isArray(line)) throw new TypeError(`each line must be an array of words, got ${describe(line)}`);
  // Empty and over-long strings are not words a model keeps (checkWordList refuses them).
  const ids = line
    .map(String)
    .filter((w) => w !== BOS && w !== EOS && w.length > 0 && w.length <= MAX_WORD_LENGTH)
    .map(id);
  ids.push(1);
  return ids;
}

/**
 * A flat [u, v, w, count, …] table of n-gram JSON as an Int32Array, its ids checked against
 * V words (not again for a table decodeTrigrams wrote and checked).
 */
export function checkedTable(
  table: number[] | Int32Array,
  kind: 'trigram' | 'bigram' | '4-gram',
  V: number,
  width = 4,
): Int32Array {
  const t = table instanceof Int32Array ? table : Int32Array.from(table);
  if (t.length % width !== 0)
    throw new RangeError(`n-gram JSON: "${kind}s" length must be a multiple of ${width}, got ${t.length}`);
  if (DECODED.get(t)?.wordCount === V) return t;
  for (let i = 0; i < t.length; i++) {
    const x = t[i]!;
    if (x < 0 || (i % width !== width - 1 && x >= V))
      throw new RangeError(`n-gram JSON: ${kind} entry ${i} is out of range (${x})`);
  }
  return t;
}

/**
 * The rows of `raw` ([u, v, w, count, …]) a pruned model keeps: those seen at least `minCount`
 * times, those whose context was seen more than `maxContextCount` times, and those in
 * `keptTypes` ("u\nv\nw").
 */
export function keptRows(
  raw: Int32Array,
  w: readonly string[],
  minCount: number,
  maxContextCount: number,
  keptTypes: Set<string> | undefined,
): Int32Array {
  const seen = new Map<number, number>();
  if (maxContextCount !== Infinity)
    for (let i = 0; i < raw.length; i += 4) {
      const key = raw[i]! * KEY_BASE + raw[i + 1]!;
      seen.set(key, (seen.get(key) ?? 0) + raw[i + 3]!);
    }
  const kept: number[] = [];
  for (let i = 0; i < raw.length; i += 4) {
    const stays =
      raw[i + 3]! >= minCount ||
      (seen.get(raw[i]! * KEY_BASE + raw[i + 1]!) ?? 0) > maxContextCount ||
      !!keptTypes?.has(`${w[raw[i]!]}\n${w[raw[i + 1]!]}\n${w[raw[i + 2]!]}`);
    if (stays) kept.push(raw[i]!, raw[i + 1]!, raw[i + 2]!, raw[i + 3]!);
  }
  return Int32Array.from(kept);
}

/**
 * Word ids by continuation count N1+(•w), highest first, ties by id, and each id's position
 * in that order: a counting sort, keys and positions in plain loops (it runs cold on a page's
 * way to its first suggestion, where callbacks cost ten times as much).
 */
export function unigramOrder(c: Float64Array): [by: Int32Array, pos: Int32Array] {
  const n = c.length;
  let top = 0;
  for (let w = 0; w < n; w++) if (c[w]! > top) top = c[w]!;
  const keys = new Int32Array(n);
  for (let w = 0; w < n; w++) keys[w] = top - c[w]!;
  const by = countingSort(top + 1, keys, identity(n)),
    pos = new Int32Array(n);
  for (let p = 0; p < n; p++) pos[by[p]!] = p;
  return [by, pos];
}
