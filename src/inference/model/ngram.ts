/**
 * An interpolated Kneser-Ney word trigram (absolute discount, continuation-count lower orders):
 * the baseline every model is compared with, and the instant predictor before a neural model
 * is ready. Trains in seconds; serialises to a compact list of trigram types.
 * Pure: no DOM, no I/O.
 */
import { checkInteger, describe } from '../../base/checks.js';
import { BOS, EOS } from '../../text/vocabulary.js';
import { checkWordList, MAX_WORD_LENGTH } from '../../text/tokenize.js';
import { decodingScratch } from '../kernels/wasm.js';
import { FourgramLayer, decodedFor } from './fourgram.js';
import { VarintReader, writeFollowers, writeVarint } from '../kernels/varint.js';

export const NGRAM_FORMAT = 'rnn-predict/kn3';
/** Fewer distinct words than this (V³ < 2^53 keeps the training count keys exact). */
const MAX_WORDS = 208_063;
/** Context keys u·KEY_BASE + v: fixed, so adding words never changes a key. */
const KEY_BASE = 262_144;
export const NGRAM_VERSION = 1;
/** How many words before the target the n-gram model reads (the 4-gram layer's context). */
export const NGRAM_HISTORY = 3;

export interface NgramJSON {
  format: typeof NGRAM_FORMAT;
  version: number;
  discount: number;
  /** Words by id; 0 is <s>, 1 is </s>. */
  words: string[];
  /** Trigram types as flat [u, v, w, count, …]. */
  trigrams: number[] | Int32Array;
  /**
   * Present when the trigrams were pruned: every bigram type with its continuation count, as
   * flat [0, v, w, N1+(•vw), …], so the lower orders stay those of the full counts.
   */
  bigrams?: number[] | Int32Array;
  /**
   * Present when the model has a 4-gram layer (fourgram.ts): its rows as flat
   * [t, u, v, w, count, …], w = 0 holding the count of a context's pruned types.
   */
  fourgrams?: number[] | Int32Array;
}

interface Followers {
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
const DECODED = new WeakMap<Int32Array, { wordCount: number; contexts: Contexts; bigrams?: BigramParts }>();

/** Buffers this module allocated with room to grow (never shared: each backs one array). */
const ROOMY = new WeakSet<ArrayBufferLike>();

/**
 * `a` one element longer, its last element for the caller to set: a longer view of the same
 * buffer when it is one of ours with room left, else a copy into a buffer half as large again.
 * Learning adds words and followers one at a time; growing by one fresh array each time cost a
 * copy of the whole list and, in garbage, most of learn()'s time.
 */
function withRoom<T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T {
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
const int32 = (n: number) => new Int32Array(n);

/** `order` stably sorted by `keys[i]` (integers in [0, buckets)). */
function countingSort(buckets: number, keys: Int32Array, order: Int32Array): Int32Array {
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
function column(table: Int32Array, c: number, map?: Int32Array): Int32Array {
  const out = new Int32Array(table.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = map ? map[table[i * 4 + c]!]! : table[i * 4 + c]!;
  return out;
}

/** 0, 1, …, n − 1. */
function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Puts built list i, rows [from, to) of its storage, in its final form on first use: ids and counts. */
type Finish = (from: number, to: number) => [Int32Array, Int32Array];

/**
 * Follower lists by context key. The lists a model is built with stay in two shared arrays
 * behind a sorted key index, and a list becomes an object only when it is first asked for,
 * put in its final form then by `finish` (string order, repeated followers summed): a stored
 * model with hundreds of thousands of contexts is ready without making an object per context
 * or ordering any list by string before it is used. Lists changed by `add()` or new ones live
 * in a Map.
 */
class FollowerIndex {
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
interface Contexts {
  /** u·KEY_BASE + v of each context, ascending; its rows are [start[i], start[i + 1]). */
  keys: Float64Array;
  start: Int32Array;
  /** The sum of each context's counts. */
  totals: Float64Array;
  /** Rows by v (index v, V entries). */
  perV: Int32Array;
}

/** The contexts of a table whose rows are in (u, v, w) order (one pass). */
function contextsOf(table: Int32Array, V: number): Contexts {
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
function rowsPerV(table: Int32Array, V: number): Int32Array {
  const perV = new Int32Array(V);
  for (let i = 1; i < table.length; i += 4) perV[table[i]!]! += 1;
  return perV;
}

/** Bigram lists by v, as flat arrays (see bigramParts), and N1+(•w). */
interface BigramParts {
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
function bigramParts(table: Int32Array, perV: Int32Array, ones: boolean): BigramParts {
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
function rowsInOrder(table: Int32Array): boolean {
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
function orderedRows(table: Int32Array, V: number): Int32Array {
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
function finishList(
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
function orderByCount(f: Followers): Int32Array {
  if (!f.byCount) {
    const { counts } = f;
    f.byCount = Int32Array.from(counts.keys()).sort((a, b) => counts[b]! - counts[a]! || a - b);
  }
  return f.byCount;
}

export class KneserNeyTrigram {
  readonly discount: number;
  readonly #words: string[];
  readonly #ids = new Map<string, number>();
  readonly #trigrams: FollowerIndex; // key u*KEY_BASE+v
  readonly #bigrams: FollowerIndex; // key v, continuation counts N1+(•vw)
  #uniCont: Float64Array; // N1+(•w); P1(w) = N1+(•w)/N1+(••)
  #totalCont: number;
  #sortedIds: Int32Array | undefined; // all word ids sorted by string (made on first use)
  #raw: Int32Array | undefined; // undefined after add(): toJSON() rebuilds it from the followers
  #rawBigrams: Int32Array | undefined; // pruned models: the bigram table (undefined after add())
  readonly #pruned: boolean; // the bigram lists do not follow from the trigrams: toJSON writes them
  readonly #four: FourgramLayer | undefined; // the 4-gram layer, when the model has one
  readonly #topByPrefix = new Map<string, number[]>();
  #byUnigram: Int32Array | undefined; // word ids by P1, highest first (ties by id)
  #uniPos: Int32Array | undefined; // id → position in #byUnigram

  /**
   * Builds the lookup structures in linear time, without comparing strings: each context's
   * follower list is put in string order when it is first used (finishList). Rows already in
   * (u, v, w) order need no sort: the trigram lists are their contexts (noted by the varint
   * decoder as it reads a stored model), the bigram lists one pass placing rows by v. A stored
   * model's trigram is most of a page's time to its first suggestion.
   */
  private constructor(
    words: string[],
    trigrams: Int32Array | undefined,
    discount: number,
    bigrams?: Int32Array,
    copyOf?: KneserNeyTrigram,
    four?: FourgramLayer,
  ) {
    this.discount = discount;
    this.#four = four ?? (copyOf ? copyOf.#four?.copy() : undefined);
    this.#words = words;
    for (let i = 0; i < words.length; i++) this.#ids.set(words[i]!, i); // a plain loop: it runs cold
    this.#raw = trigrams;
    this.#rawBigrams = bigrams;
    this.#pruned = bigrams !== undefined || (copyOf ? copyOf.#pruned : false);
    if (copyOf) {
      // A copy: the built structures are shared or copied (linear, no sorting), not built again.
      this.#trigrams = copyOf.#trigrams.copy();
      this.#bigrams = copyOf.#bigrams.copy();
      this.#sortedIds = copyOf.#sortedIds?.slice();
      this.#uniCont = copyOf.#uniCont.slice();
      this.#totalCont = copyOf.#totalCont;
      return;
    }
    if (!trigrams) throw new TypeError('a trigram table is needed');
    const V = words.length;
    const decoded = DECODED.get(trigrams);
    const known = decoded?.wordCount === V ? decoded.contexts : undefined;
    const rows = known || rowsInOrder(trigrams) ? trigrams : orderedRows(trigrams, V);
    const contexts = known ?? contextsOf(rows, V);
    this.#trigrams = new FollowerIndex(
      contexts.keys,
      contexts.start,
      contexts.totals,
      finishList(words, rows, 2, rows, 3, 4),
    );
    // Bigram continuation counts N1+(•vw): one per trigram type (u, v, w), i.e. per distinct u;
    // for pruned trigrams the given bigram table has them.
    const bi = bigrams
      ? bigramParts(bigrams, rowsPerV(bigrams, V), false)
      : ((known && decoded?.bigrams) ?? bigramParts(rows, contexts.perV, true));
    this.#bigrams = new FollowerIndex(bi.keys, bi.start, bi.totals, finishList(words, bi.ids, 0, bi.counts, 0, 1));
    this.#uniCont = bi.uniCont;
    this.#totalCont = bi.uniCont.reduce((a, b) => a + b, 0);
  }

  /**
   * Makes now what lookups otherwise make on first use: the vocabulary in string order (for a
   * typed prefix) and the unigram order (for none). A page calls it in idle time after its first
   * suggestion, so that the first letter typed does not wait for it. Predictions are the same.
   */
  prepare(): void {
    this.#stringOrder();
    this.#unigramOrder();
  }

  /** All word ids sorted by string (made on first use: a typed prefix's words are a range). */
  #stringOrder(): Int32Array {
    return (this.#sortedIds ??= sortByString(Int32Array.from(this.#words.keys()), this.#words));
  }

  /** P1(w) = N1+(•w)/N1+(••), the continuation unigram. */
  #p1(w: number): number {
    return this.#uniCont[w]! / (this.#totalCont || 1);
  }

  /** Trains on lines of words (already normalised, e.g. `modelWords(line)`). */
  static train(lines: Iterable<readonly string[]>, options: { discount?: number } = {}): KneserNeyTrigram {
    const discount = options.discount ?? 0.75;
    if (typeof discount !== 'number' || !(discount > 0 && discount < 1)) {
      throw new RangeError(`discount must be a number in (0, 1), got ${describe(discount)}`);
    }
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
    return new KneserNeyTrigram(words, flat, discount);
  }

  static fromJSON(json: unknown): KneserNeyTrigram {
    const j = json as Partial<NgramJSON>;
    if (typeof j !== 'object' || j === null || j.format !== NGRAM_FORMAT) {
      throw new TypeError(`n-gram JSON must have format "${NGRAM_FORMAT}", got ${describe(j?.format)}`);
    }
    if (j.version !== NGRAM_VERSION)
      throw new RangeError(`n-gram format version ${NGRAM_VERSION} expected, got ${describe(j.version)}`);
    if (!Array.isArray(j.words) || j.words[0] !== BOS || j.words[1] !== EOS)
      throw new TypeError('n-gram JSON: "words" must start with <s>, </s>');
    checkWordList(j.words, 'n-gram word');
    const V = j.words.length;
    const tri = checkedTable(j.trigrams ?? [], 'trigram', V);
    const bi = j.bigrams === undefined ? undefined : checkedTable(j.bigrams, 'bigram', V);
    const four =
      j.fourgrams === undefined
        ? undefined
        : new FourgramLayer(decodedFor(j.fourgrams, V) ? j.fourgrams : checkedTable(j.fourgrams, '4-gram', V, 5));
    return new KneserNeyTrigram(j.words, tri, j.discount ?? 0.75, bi, undefined, four);
  }

  /**
   * A new model with the trigram counts of `lines` (lines of words, as `train` takes them)
   * added to this one's; new words join the vocabulary. This model is left as it is.
   */
  withLines(lines: Iterable<readonly string[]>): KneserNeyTrigram {
    const copy = new KneserNeyTrigram([...this.#words], this.#raw, this.discount, this.#rawBigrams, this);
    copy.#addLines(lines, 1);
    return copy;
  }

  /**
   * The same model with a 4-gram layer counted on `lines` (lines of words, as `train` takes
   * them: the model's own training text), keeping the 4-gram types seen at least `minCount`
   * times; the rest of each context backs off to the trigram (fourgram.ts). 4-grams with a word
   * this model does not know are left out. Replaces a layer the model had.
   */
  withFourgrams(lines: Iterable<readonly string[]>, minCount: number): KneserNeyTrigram {
    checkInteger(minCount, 'minCount', 1);
    const ids: number[][] = [];
    for (const line of lines) {
      ids.push(lineIds(line, (w) => this.#ids.get(w) ?? -1));
    }
    const four = FourgramLayer.count(ids, minCount);
    return new KneserNeyTrigram([...this.#words], this.#raw, this.discount, this.#rawBigrams, this, four);
  }

  /**
   * The same model with the trigram types seen fewer than `minCount` times dropped (their
   * contexts back off to the bigram sooner) and the lower orders kept exactly: the bigram
   * continuation counts travel as a table of their own. Several times smaller to store.
   * `options.maxContextCount`: only the types whose context (u, v) was seen at most that many
   * times go (a context seen once is seldom met again; one seen often keeps its rare words).
   * `options.keep`: the types another model has (e.g. one counted on part of this one's text)
   * stay whatever their count. `options.exactLowerOrders: false`: the lower orders are those of
   * the kept types (no bigram table to store: smaller, but not the full counts' lower orders).
   */
  prune(
    minCount: number,
    options: { maxContextCount?: number; keep?: KneserNeyTrigram; exactLowerOrders?: boolean } = {},
  ): KneserNeyTrigram {
    checkInteger(minCount, 'minCount', 1);
    const { maxContextCount = Infinity, keep } = options;
    if (maxContextCount !== Infinity) checkInteger(maxContextCount, 'maxContextCount', 1);
    const raw = (this.#raw ??= this.#flatten());
    const seen = new Map<number, number>();
    if (maxContextCount !== Infinity)
      for (let i = 0; i < raw.length; i += 4) {
        const key = raw[i]! * KEY_BASE + raw[i + 1]!;
        seen.set(key, (seen.get(key) ?? 0) + raw[i + 3]!);
      }
    const w = this.#words;
    const keptTypes = keep ? keep.#typeNames() : undefined;
    const stays = new Uint8Array(raw.length / 4);
    for (let i = 0; i < raw.length; i += 4) {
      stays[i / 4] = Number(
        raw[i + 3]! >= minCount ||
          (seen.get(raw[i]! * KEY_BASE + raw[i + 1]!) ?? 0) > maxContextCount ||
          !!keptTypes?.has(`${w[raw[i]!]}\n${w[raw[i + 1]!]}\n${w[raw[i + 2]!]}`),
      );
    }
    const exact = options.exactLowerOrders !== false;
    const kept: number[] = [];
    for (let i = 0; i < raw.length; i += 4) if (stays[i / 4]) kept.push(raw[i]!, raw[i + 1]!, raw[i + 2]!, raw[i + 3]!);
    return new KneserNeyTrigram(
      this.#words,
      Int32Array.from(kept),
      this.discount,
      exact ? this.#bigramTable() : undefined,
      undefined,
      this.#four?.copy(),
    );
  }

  /** The trigram types as "u\nv\nw" strings (prune's `keep`). */
  #typeNames(): Set<string> {
    const raw = (this.#raw ??= this.#flatten());
    const w = this.#words;
    const out = new Set<string>();
    for (let i = 0; i < raw.length; i += 4) out.add(`${w[raw[i]!]}\n${w[raw[i + 1]!]}\n${w[raw[i + 2]!]}`);
    return out;
  }

  toJSON(): NgramJSON {
    return {
      format: NGRAM_FORMAT,
      version: NGRAM_VERSION,
      discount: this.discount,
      words: [...this.#words],
      trigrams: (this.#raw ??= this.#flatten()),
      ...(this.#pruned ? { bigrams: (this.#rawBigrams ??= this.#bigramTable()) } : {}),
      ...(this.#four ? { fourgrams: this.#four.rows() } : {}),
    };
  }

  /** The bigram continuation counts as flat [0, v, w, N1+(•vw), …], from the follower lists. */
  #bigramTable(): Int32Array {
    const table: number[] = [];
    for (const [v, f] of this.#bigrams.entries()) {
      for (let i = 0; i < f.ids.length; i++) table.push(0, v, f.ids[i]!, f.counts[i]!);
    }
    return Int32Array.from(table);
  }

  /** The trigram types as flat [u, v, w, count, …], from the follower lists. */
  #flatten(): Int32Array {
    let n = 0;
    for (const [, f] of this.#trigrams.entries()) n += f.ids.length;
    const out = new Int32Array(n * 4);
    let i = 0;
    for (const [key, f] of this.#trigrams.entries()) {
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

  /**
   * Adds one line of words `times` times, updating the counts and the lookup structures in
   * place: afterwards every probability and prediction equals that of a model trained from
   * scratch on the same lines followed by this one (`times` copies); the 4-gram layer, when
   * there is one, counts the line's 4-grams on top of its own (pruned) counts. Cost: the follower lists
   * of the line's contexts and, for a new word, one pass over the vocabulary (no rebuild).
   */
  add(line: readonly string[], times = 1): void {
    this.#addLines([line], times);
  }

  /** add() for several lines; the 4-gram layer takes them in one merge. */
  #addLines(lines: Iterable<readonly string[]>, times: number): void {
    checkInteger(times, 'times', 1);
    const seqs: number[][] = [];
    for (const line of lines) {
      const seq = lineIds(line, (w) => this.#idOrNew(w));
      for (let t = 0; t < times; t++) {
        let u = 0,
          v = 0;
        for (const w of seq) {
          this.#count(u, v, w);
          u = v;
          v = w;
        }
      }
      seqs.push(seq);
    }
    this.#four?.addLines(seqs, times);
    this.#raw = undefined;
    this.#rawBigrams = undefined; // a pruned model's table is written again from its lists
    this.#topByPrefix.clear();
  }

  #idOrNew(word: string): number {
    const known = this.#ids.get(word);
    if (known !== undefined) return known;
    const words = this.#words;
    const id = words.length;
    if (id + 1 >= MAX_WORDS) throw new RangeError(`the n-gram model supports fewer than 208,063 distinct words`);
    words.push(word);
    this.#ids.set(word, id);
    const grow = (a: Int32Array, x: number) => {
      const b = withRoom(a, int32);
      b[a.length] = x;
      return b;
    };
    const uni = withRoom(this.#uniCont.subarray(0, id), (n) => new Float64Array(n));
    uni[id] = 0;
    this.#uniCont = uni;
    // Insert into the string order, once made (else it is made with this word in it).
    const sorted = this.#sortedIds;
    if (sorted) {
      const lo = firstAtLeast(sorted, words, word);
      const next = withRoom(sorted, int32);
      next.copyWithin(lo + 1, lo, sorted.length);
      next[lo] = id;
      this.#sortedIds = next;
    }
    if (this.#byUnigram) {
      // Count 0 and the highest id: last in the order.
      this.#byUnigram = grow(this.#byUnigram, id);
      this.#uniPos = grow(this.#uniPos!, id);
    }
    return id;
  }

  /** One more occurrence of trigram (u, v, w), with the continuation counts it implies. */
  #count(u: number, v: number, w: number): void {
    if (this.#bump(this.#trigrams.getOrCreate(u * KEY_BASE + v), w) > 1) return;
    // A new trigram type: N1+(•vw) grows by one.
    if (this.#bump(this.#bigrams.getOrCreate(v), w) > 1) return;
    // A new bigram type: N1+(•w) grows by one.
    this.#uniCont[w]! += 1;
    this.#totalCont += 1;
    const by = this.#byUnigram,
      pos = this.#uniPos;
    if (by && pos) {
      const c = this.#uniCont;
      let p = pos[w]!;
      while (p > 0) {
        const x = by[p - 1]!;
        if (c[x]! > c[w]! || (c[x] === c[w] && x < w)) break;
        by[p] = x;
        pos[x] = p;
        p--;
      }
      by[p] = w;
      pos[w] = p;
    }
  }

  /** Adds one to w's count in a follower list (inserting it in string order); returns the count. */
  #bump(f: Followers, w: number): number {
    f.total += 1;
    const j = firstAtLeast(f.ids, this.#words, this.#words[w]!);
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

  /** Number of distinct words seen in training (without <s>, </s>). */
  get vocabularySize(): number {
    return this.#words.length - 2;
  }

  /** Whether a word was seen in training. */
  has(word: string): boolean {
    const i = this.#ids.get(word);
    return i !== undefined && i > 1;
  }

  /** The two-word context ids for the words before the target (line start padded with <s>). */
  #context(history: readonly string[]): [number, number] {
    const n = history.length;
    const id = (w: string | undefined) => (w === undefined ? 0 : (this.#ids.get(w) ?? -1));
    return [n >= 2 ? id(history[n - 2]) : 0, n >= 1 ? id(history[n - 1]) : 0];
  }

  #p2(v: number, w: number): number {
    const D = this.discount;
    const p1 = this.#p1(w);
    if (v < 0) return p1;
    const bi = this.#bigrams.get(v);
    if (!bi) return p1;
    const j = this.#find(bi.ids, w);
    const n = j >= 0 ? bi.counts[j]! : 0;
    return (Math.max(n - D, 0) + D * bi.ids.length * p1) / bi.total;
  }

  #p3(u: number, v: number, w: number, tri: Followers | undefined, count: number): number {
    const p2 = this.#p2(v, w);
    if (!tri) return p2;
    const D = this.discount;
    return (Math.max(count - D, 0) + D * tri.ids.length * p2) / tri.total;
  }

  /** P(word | the words before it in the line; the last NGRAM_HISTORY count). 0 for a word never seen in training. */
  probability(history: readonly string[], word: string): number {
    const w = this.#ids.get(word);
    if (w === undefined || w === 0) return 0;
    const [u, v] = this.#context(history);
    const tri = u >= 0 && v >= 0 ? this.#trigrams.get(u * KEY_BASE + v) : undefined;
    const p3 = this.#p3(u, v, w, tri, this.#countIn(tri, w));
    const four = this.#fourContext(history, u, v);
    return four >= 0 ? this.#four!.probability(four, w, p3, this.discount) : p3;
  }

  /** w's count among a context's followers (0 when not one). */
  #countIn(f: Followers | undefined, w: number): number {
    if (!f) return 0;
    const j = this.#find(f.ids, w);
    return j >= 0 ? f.counts[j]! : 0;
  }

  /** The 4-gram layer's context (t, u, v) before the target, or −1 (no layer, or no counts for it). */
  #fourContext(history: readonly string[], u: number, v: number): number {
    if (!this.#four || u < 0 || v < 0) return -1;
    const n = history.length;
    const t = n >= 3 ? (this.#ids.get(history[n - 3]!) ?? -1) : 0;
    return t < 0 ? -1 : this.#four.find(t, u, v);
  }

  /** Position of w in follower ids (sorted by string), or −1. */
  #find(ids: Int32Array, w: number): number {
    const j = firstAtLeast(ids, this.#words, this.#words[w]!);
    return ids[j] === w ? j : -1;
  }

  #topUnigrams(prefix: string, k: number): number[] {
    const key = `${k}\u0000${prefix}`;
    let top = this.#topByPrefix.get(key);
    if (!top) {
      const sorted = this.#stringOrder();
      const [from, to] = prefixRange(sorted, this.#words, prefix);
      const best: number[] = [];
      for (let i = from; i < to; i++) {
        const w = sorted[i]!;
        if (w <= 1) continue;
        insertTop(best, w, (x) => this.#uniCont[x]!, k);
      }
      top = best;
      if (this.#topByPrefix.size > 50_000) this.#topByPrefix.clear();
      this.#topByPrefix.set(key, top);
    }
    return top;
  }

  /**
   * The k most probable next words that start with `prefix` (lower case), best first, with
   * their probabilities. Exact: every word outside the candidates scores lower.
   */
  predict(history: readonly string[], k = 3, prefix = ''): { word: string; probability: number }[] {
    const [u, v] = this.#context(history);
    const tri = u >= 0 && v >= 0 ? this.#trigrams.get(u * KEY_BASE + v) : undefined;
    const scores = new Map<number, number>();
    const top3 = this.#top3(u, v, tri, k, prefix, scores);
    const c = this.#fourContext(history, u, v);
    const best = c < 0 ? top3 : this.#top4(c, u, v, tri, k, prefix, top3, scores);
    return best.map((w) => ({ word: this.#words[w]!, probability: scores.get(w)! }));
  }

  /**
   * The k best ids under P4 in 4-gram context c, given the trigram's k best (`top3`) with their
   * P3 in `scores`, which then holds P4 of every id scored. P4(w) = own(w) + g·P3(w), own(w) > 0
   * only for the context's followers: a word neither among the trigram's best k nor a follower
   * scores at most g·P3 of each of those k, so the k best are among them and the followers. A
   * follower scores at most own(w) plus g times the trigram's best P3 (with the prefix): it is
   * scored only where that reaches the k-th score found so far.
   */
  #top4(
    c: number,
    u: number,
    v: number,
    tri: Followers | undefined,
    k: number,
    prefix: string,
    top3: readonly number[],
    scores: Map<number, number>,
  ): number[] {
    const four = this.#four!,
      D = this.discount;
    const g = four.backoff(c, D);
    const gTop = top3.length > 0 ? g * scores.get(top3[0]!)! : 0;
    const best: number[] = [];
    const seen = new Set<number>();
    const consider = (w: number, p3: number) => {
      seen.add(w);
      scores.set(w, four.own(c, four.count(c, w), D) + g * p3);
      insertTop(best, w, (x) => scores.get(x)!, k);
    };
    for (const w of top3) consider(w, scores.get(w)!);
    const beaten = (count: number) => best.length === k && four.own(c, count, D) + gTop < scores.get(best[k - 1]!)!;
    if (prefix === '') {
      // By count: once one cannot reach the k-th score, none further can.
      const followers = four.followers(c);
      for (let i = 0; i < followers.length && !beaten(followers[i + 1]!); i += 2) {
        const w = followers[i]!;
        if (!seen.has(w)) consider(w, this.#p3(u, v, w, tri, this.#countIn(tri, w)));
      }
    } else {
      // The followers with the prefix are one range in string order; each is bounded first.
      const ids = four.followersByString(c, (x) => sortByString(x, this.#words));
      const [from, to] = prefixRange(ids, this.#words, prefix);
      for (let i = from; i < to; i++) {
        const w = ids[i]!;
        if (!seen.has(w) && !beaten(four.count(c, w))) consider(w, this.#p3(u, v, w, tri, this.#countIn(tri, w)));
      }
    }
    return best;
  }

  /** The trigram's k best ids after (u, v) that start with `prefix`; `scores` gets their P3 (and other ids'). */
  #top3(
    u: number,
    v: number,
    tri: Followers | undefined,
    k: number,
    prefix: string,
    scores: Map<number, number>,
  ): number[] {
    const bi = v >= 0 ? this.#bigrams.get(v) : undefined;
    if (prefix === '') this.#topWithoutPrefix(u, v, tri, bi, k, scores);
    else {
      if (tri) {
        const [from, to] = prefixRange(tri.ids, this.#words, prefix);
        for (let i = from; i < to; i++) {
          const w = tri.ids[i]!;
          if (w > 1) scores.set(w, this.#p3(u, v, w, tri, tri.counts[i]!));
        }
      }
      if (bi) {
        const [from, to] = prefixRange(bi.ids, this.#words, prefix);
        for (let i = from; i < to; i++) {
          const w = bi.ids[i]!;
          if (w > 1 && !scores.has(w)) scores.set(w, this.#p3(u, v, w, tri, 0));
        }
      }
      for (const w of this.#topUnigrams(prefix, k)) {
        if (!scores.has(w)) scores.set(w, this.#p3(u, v, w, tri, 0));
      }
    }
    const best: number[] = [];
    for (const w of scores.keys()) insertTop(best, w, (x) => scores.get(x)!, k);
    return best;
  }

  /**
   * The k best next words with no prefix, without scoring every follower: P3(w) is a sum of
   * three non-negative terms, a·max(c₃(w)−D, 0) + b·max(N₁₊(•vw)−D, 0) + c·P₁(w), so walking
   * the three lists by count in step (Fagin's threshold algorithm) can stop as soon as the k-th
   * score found reaches the sum of the terms at the current depth: no word further down can
   * beat it. After a common word ("de") this scores tens of words instead of thousands.
   */
  #unigramOrder(): Int32Array {
    if (!this.#byUnigram) {
      // countingSort by N1+(•w), highest first, ties by id; keys and positions in plain loops
      // (it runs cold on a page's way to its first suggestion, where callbacks cost ten times
      // as much).
      const c = this.#uniCont,
        n = c.length;
      let top = 0;
      for (let w = 0; w < n; w++) if (c[w]! > top) top = c[w]!;
      const keys = new Int32Array(n);
      for (let w = 0; w < n; w++) keys[w] = top - c[w]!;
      const by = countingSort(top + 1, keys, identity(n)),
        pos = new Int32Array(n);
      for (let p = 0; p < n; p++) pos[by[p]!] = p;
      this.#byUnigram = by;
      this.#uniPos = pos;
    }
    return this.#byUnigram;
  }

  #topWithoutPrefix(
    u: number,
    v: number,
    tri: Followers | undefined,
    bi: Followers | undefined,
    k: number,
    scores: Map<number, number>,
  ): void {
    const D = this.discount;
    const a = tri ? 1 / tri.total : 0;
    const toP2 = tri ? (D * tri.ids.length) / tri.total : 1;
    const b = bi ? toP2 / bi.total : 0;
    const c = bi ? (toP2 * D * bi.ids.length) / bi.total : toP2;
    const byTri = tri ? orderByCount(tri) : new Int32Array(0);
    const byBi = bi ? orderByCount(bi) : new Int32Array(0);
    const byUni = this.#unigramOrder();
    const best: number[] = [];
    const add = (w: number) => {
      if (w <= 1 || scores.has(w)) return;
      let count = 0;
      if (tri) {
        const j = this.#find(tri.ids, w);
        if (j >= 0) count = tri.counts[j]!;
      }
      scores.set(w, this.#p3(u, v, w, tri, count));
      insertTop(best, w, (x) => scores.get(x)!, k);
    };
    const n = Math.max(byTri.length, byBi.length, byUni.length);
    for (let d = 0; d < n; d++) {
      let bound = 0;
      if (d < byTri.length) {
        const j = byTri[d]!;
        add(tri!.ids[j]!);
        bound += a * Math.max(tri!.counts[j]! - D, 0);
      }
      if (d < byBi.length) {
        const j = byBi[d]!;
        add(bi!.ids[j]!);
        bound += b * Math.max(bi!.counts[j]! - D, 0);
      }
      if (d < byUni.length) {
        add(byUni[d]!);
        bound += c * this.#p1(byUni[d]!);
      }
      // Rounding: a word's score is computed along another path than the bound; a tiny slack
      // keeps the stop exact rather than stopping one word early.
      if (best.length === k && scores.get(best[k - 1]!)! > bound * (1 + 1e-12)) break;
    }
  }
}

/**
 * A line of words as ids, ending with </s> (1): '<s>' and '</s>' inside a line are not words.
 * A line that is not an array is a TypeError.
 */
function lineIds(line: readonly string[], id: (word: string) => number): number[] {
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
function checkedTable(
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

/** `ids` sorted by their strings in `words` (in place). */
export function sortByString(ids: Int32Array, words: readonly string[]): Int32Array {
  return ids.sort((a, b) => (words[a]! < words[b]! ? -1 : words[a]! > words[b]! ? 1 : 0));
}

/** The first position of `ids` (sorted by their strings in `words`) whose string is not below `s`. */
function firstAtLeast(ids: Int32Array, words: readonly string[], s: string): number {
  let lo = 0,
    hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (words[ids[mid]!]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Positions [from, to) of `ids` (sorted by their strings in `words`) whose strings start with `prefix`. */
export function prefixRange(ids: Int32Array, words: readonly string[], prefix: string): [number, number] {
  if (prefix === '') return [0, ids.length];
  const from = firstAtLeast(ids, words, prefix);
  let to = from;
  while (to < ids.length && words[ids[to]!]!.startsWith(prefix)) to++;
  return [from, to];
}

/** Keeps `best` as the top-k items by `score`, best first (ties by insertion order). */
export function insertTop(best: number[], item: number, score: (x: number) => number, k: number): void {
  const s = score(item);
  if (best.length === k && s <= score(best[k - 1]!)) return;
  let i = best.length;
  while (i > 0 && score(best[i - 1]!) < s) i--;
  best.splice(i, 0, item);
  if (best.length > k) best.pop();
}

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
