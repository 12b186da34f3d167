/**
 * An interpolated Kneser-Ney word trigram (absolute discount, continuation-count lower orders):
 * the baseline every model is compared with, and the instant predictor before a neural model
 * is ready. Trains in seconds; serialises to a compact list of trigram types.
 * Pure: no DOM, no I/O.
 */
import { checkInteger, checkNumber, describe, OPEN_SHARE } from '../../base/checks.js';
import { BOS, EOS } from '../../text/vocabulary.js';
import { checkWordList } from '../../text/tokenize.js';
import { FourgramLayer, decodedFor } from './fourgram.js';
import {
  bigramParts,
  bigramTable,
  bump,
  checkedTable,
  contextsOf,
  countTrigrams,
  DECODED,
  finishList,
  FollowerIndex,
  flattenTrigrams,
  int32,
  KEY_BASE,
  lineIds,
  MAX_WORDS,
  orderByCount,
  orderedRows,
  rowsInOrder,
  keptRows,
  unigramOrder,
  rowsPerV,
  typeNames,
  withRoom,
  type Followers,
} from './ngram-tables.js';
import { firstAtLeast, insertTop, prefixRange, sortByString } from './prefix.js';

export const NGRAM_FORMAT = 'rnn-predict/kn3';
export const NGRAM_VERSION = 1;
/** How many words before the target the n-gram model reads (the 4-gram layer's context). */
export const NGRAM_HISTORY = 3;
/** The absolute discount of every order, unless `train()` is given another. */
export const NGRAM_DISCOUNT = 0.75;

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

export class KneserNeyTrigram {
  readonly discount: number;
  readonly #words: string[];
  readonly #ids: Map<string, number>;
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
    /** `words`' ids, when the caller has them (fromJSON's check builds them): not built twice. */
    ids?: Map<string, number>,
  ) {
    this.discount = discount;
    this.#four = four ?? (copyOf ? copyOf.#four?.copy() : undefined);
    this.#words = words;
    if (ids) this.#ids = ids;
    else {
      this.#ids = new Map();
      for (let i = 0; i < words.length; i++) this.#ids.set(words[i]!, i); // a plain loop: it runs cold
    }
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
    const discount = checkNumber(options.discount ?? NGRAM_DISCOUNT, 'discount', ...OPEN_SHARE);
    const { words, flat } = countTrigrams(lines);
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
    const ids = checkWordList(j.words, 'n-gram word');
    const V = j.words.length;
    const tri = checkedTable(j.trigrams ?? [], 'trigram', V);
    const bi = j.bigrams === undefined ? undefined : checkedTable(j.bigrams, 'bigram', V);
    const four =
      j.fourgrams === undefined
        ? undefined
        : new FourgramLayer(decodedFor(j.fourgrams, V) ? j.fourgrams : checkedTable(j.fourgrams, '4-gram', V, 5));
    return new KneserNeyTrigram(j.words, tri, j.discount ?? NGRAM_DISCOUNT, bi, undefined, four, ids);
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
    const raw = (this.#raw ??= flattenTrigrams(this.#trigrams));
    const keptTypes = keep ? typeNames((keep.#raw ??= flattenTrigrams(keep.#trigrams)), keep.#words) : undefined;
    const kept = keptRows(raw, this.#words, minCount, maxContextCount, keptTypes);
    const exact = options.exactLowerOrders !== false;
    return new KneserNeyTrigram(
      this.#words,
      kept,
      this.discount,
      exact ? bigramTable(this.#bigrams) : undefined,
      undefined,
      this.#four?.copy(),
    );
  }

  toJSON(): NgramJSON {
    return {
      format: NGRAM_FORMAT,
      version: NGRAM_VERSION,
      discount: this.discount,
      words: [...this.#words],
      trigrams: (this.#raw ??= flattenTrigrams(this.#trigrams)),
      ...(this.#pruned ? { bigrams: (this.#rawBigrams ??= bigramTable(this.#bigrams)) } : {}),
      ...(this.#four ? { fourgrams: this.#four.rows() } : {}),
    };
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
    if (bump(this.#words, this.#trigrams.getOrCreate(u * KEY_BASE + v), w) > 1) return;
    // A new trigram type: N1+(•vw) grows by one.
    if (bump(this.#words, this.#bigrams.getOrCreate(v), w) > 1) return;
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
      const [by, pos] = unigramOrder(this.#uniCont);
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
