/**
 * The 4-gram layer of the n-gram model (KneserNeyTrigram): 4-gram counts on top of the
 * trigram, pruned of the rare types when a model is packed. For a context (t, u, v) it has
 * counts for,
 *
 *   P4(w | t, u, v) = (max(c(tuvw) − D, 0) + (T − Σc + D·n) · P3(w | u, v)) / T
 *
 * with T every occurrence of the context (the pruned types' too), Σc and n the counts and the
 * number of the followers kept: the pruned types' share and the discounts back off to the
 * trigram, and the probabilities still sum to 1. Other contexts answer with P3.
 * Stored as flat rows [t, u, v, w, count, …]; a row with w = 0 (<s>, which never follows a
 * context) holds the count of the pruned types. Pure: no DOM, no I/O.
 */

import { decodingScratch } from '../kernels/wasm.js';
import { VarintReader, writeFollowers, writeVarint } from '../kernels/varint.js';

/** Row tables known to be sorted without repeats (decodeFourgrams checked them as it read them). */
const SORTED = new WeakSet<Int32Array>();
/** The index of row tables decodeFourgrams read (made as it read them). */
const INDEXED = new WeakMap<
  Int32Array,
  { wordCount: number; start: Int32Array; total: Float64Array; sum: Float64Array; n: Int32Array }
>();

/** Whether decodeFourgrams read these rows, checking every id against this many words. */
export function decodedFor(rows: unknown, wordCount: number): rows is Int32Array {
  return rows instanceof Int32Array && INDEXED.get(rows)?.wordCount === wordCount;
}

/** Rows as (t, u, v, w) compare. */
function compareRows(a: Int32Array, i: number, b: Int32Array, j: number, columns: number): number {
  for (let c = 0; c < columns; c++) {
    const d = a[i * 5 + c]! - b[j * 5 + c]!;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The layer, read-only between changes: its rows sorted by (t, u, v, w) and an index of their
 * contexts (built in one pass: a stored model's layer is ready in a millisecond or two, with
 * no Map of its 100,000 rows). Learning merges the new counts in (addLines).
 */
export class FourgramLayer {
  /** Rows [0, #rowCount) hold the layer; past them, room to grow in place (owned arrays). */
  #rows: Int32Array;
  #rowCount = 0;
  /** Contexts [0, #contexts) (and #start[#contexts], the end of the rows). */
  #contexts = 0;
  /** Whether the arrays are this layer's alone (not shared with a copy, a decoded model or a
   * caller of rows()): only then does learning change them in place. */
  #owned = false;
  /** Context c's rows are [start[c], start[c + 1]). */
  #start: Int32Array = new Int32Array(1);
  /** Per context: every occurrence (T), the kept followers' counts (Σc) and their number (n). */
  #total: Float64Array = new Float64Array(0);
  #sum: Float64Array = new Float64Array(0);
  #n: Int32Array = new Int32Array(0);
  /** Per context, made on first use: its followers (w > 1) by count, highest first. */
  readonly #byCount = new Map<number, Int32Array>();
  /** Per context, made on first use: followersByString(c). */
  readonly #byString = new Map<number, Int32Array>();

  /** From rows sorted by (t, u, v, w), as rows() gives them (ids checked by the caller). */
  constructor(rows: Int32Array = new Int32Array(0)) {
    if (!SORTED.has(rows)) {
      for (let i = 1; i < rows.length / 5; i++)
        if (compareRows(rows, i - 1, rows, i, 4) >= 0)
          throw new RangeError(`4-gram rows must be sorted by (t, u, v, w) without repeats, row ${i} is not`);
      SORTED.add(rows);
    }
    this.#rows = rows;
    this.#index();
  }

  /** The contexts and their totals, in one pass over the rows (plain loops: it runs cold on a
   * page's way to its first suggestion). */
  #index(): void {
    this.#byCount.clear();
    this.#byString.clear();
    this.#rowCount = this.#rows.length / 5;
    this.#owned = false;
    const known = INDEXED.get(this.#rows);
    if (known) {
      this.#start = known.start;
      this.#total = known.total;
      this.#sum = known.sum;
      this.#n = known.n;
      this.#contexts = known.start.length - 1;
      return;
    }
    const rows = this.#rows,
      n = rows.length / 5;
    const start = new Int32Array(n + 1),
      total = new Float64Array(n),
      sum = new Float64Array(n),
      followers = new Int32Array(n);
    let k = -1;
    for (let i = 0, r = 0; i < n; i++, r += 5) {
      if (k < 0 || rows[r] !== rows[r - 5] || rows[r + 1] !== rows[r - 4] || rows[r + 2] !== rows[r - 3])
        start[++k] = i;
      const count = rows[r + 4]!;
      total[k]! += count;
      if (rows[r + 3] !== 0) {
        sum[k]! += count;
        followers[k]! += 1;
      }
    }
    start[++k] = n;
    this.#start = start.slice(0, k + 1);
    this.#contexts = k;
    this.#total = total.slice(0, k);
    this.#sum = sum.slice(0, k);
    this.#n = followers.slice(0, k);
    this.#byCount.clear();
    this.#byString.clear();
  }

  /**
   * The layer of lines of ids (each ending with </s> = 1; <s> = 0 pads the start), keeping the
   * types seen at least `minCount` times and, for each context with any kept, the count of the
   * rest. Contexts with none kept are left to the trigram entirely. A 4-gram with an id below 0
   * (a word the model does not know) is not counted.
   */
  static count(lines: Iterable<readonly number[]>, minCount: number): FourgramLayer {
    const all = FourgramLayer.#counted(lines, 1);
    const kept: number[] = [];
    for (let c = 0; c + 1 < all.#start.length; c++) {
      const from = all.#start[c]!,
        to = all.#start[c + 1]!;
      let rest = 0;
      const context: number[] = [];
      for (let i = from; i < to; i++) {
        const count = all.#rows[i * 5 + 4]!;
        if (count >= minCount) context.push(...all.#rows.subarray(i * 5, i * 5 + 5));
        else rest += count;
      }
      if (context.length === 0) continue;
      if (rest > 0) kept.push(all.#rows[from * 5]!, all.#rows[from * 5 + 1]!, all.#rows[from * 5 + 2]!, 0, rest);
      kept.push(...context);
    }
    return new FourgramLayer(Int32Array.from(kept));
  }

  /** Every 4-gram of the lines, `times` times each, as a sorted layer. */
  static #counted(lines: Iterable<readonly number[]>, times: number): FourgramLayer {
    const counts = new Map<string, number>();
    for (const seq of lines) {
      let t = 0,
        u = 0,
        v = 0;
      for (const w of seq) {
        if (t >= 0 && u >= 0 && v >= 0 && w >= 0) {
          const key = `${t},${u},${v},${w}`;
          counts.set(key, (counts.get(key) ?? 0) + times);
        }
        t = u;
        u = v;
        v = w;
      }
    }
    const list = [...counts].map(([key, c]) => [...key.split(',').map(Number), c]);
    list.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]! || a[3]! - b[3]!);
    const rows = Int32Array.from(list.flat());
    SORTED.add(rows);
    return new FourgramLayer(rows);
  }

  /** The index of context (t, u, v), or −1 when the layer has no counts for it. */
  find(t: number, u: number, v: number): number {
    const rows = this.#rows,
      start = this.#start;
    let lo = 0,
      hi = this.#contexts;
    while (lo < hi) {
      const mid = (lo + hi) >> 1,
        r = start[mid]! * 5;
      const d = rows[r]! - t || rows[r + 1]! - u || rows[r + 2]! - v;
      if (d === 0) return mid;
      if (d < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** w's count in context c (0 when not a kept follower). */
  count(c: number, w: number): number {
    if (w === 0) return 0;
    let lo = this.#start[c]!,
      hi = this.#start[c + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1,
        x = this.#rows[mid * 5 + 3]!;
      if (x === w) return this.#rows[mid * 5 + 4]!;
      if (x < w) lo = mid + 1;
      else hi = mid;
    }
    return 0;
  }

  /** P4(w | context c) from P3(w | u, v) = own + backoff·P3: see the top of this file. */
  probability(c: number, w: number, p3: number, discount: number): number {
    return this.own(c, this.count(c, w), discount) + this.backoff(c, discount) * p3;
  }

  /** The part of P4 that is not P3 scaled: max(c − D, 0)/T for a follower of count c. */
  own(c: number, count: number, discount: number): number {
    return Math.max(count - discount, 0) / this.#total[c]!;
  }

  /** What P3 is scaled by in context c: (T − Σc + D·n)/T, the share that backs off. */
  backoff(c: number, discount: number): number {
    const T = this.#total[c]!;
    return (T - this.#sum[c]! + discount * this.#n[c]!) / T;
  }

  /**
   * Context c's followers (w > 1) in string order, as `sort` puts ids (the n-gram model's
   * sortByString, so that a typed prefix's followers are one range: prefixRange). Made once a
   * context; their counts: count(c, w).
   */
  followersByString(c: number, sort: (ids: Int32Array) => Int32Array): Int32Array {
    let ids = this.#byString.get(c);
    if (!ids) {
      const byCount = this.followers(c);
      ids = sort(Int32Array.from({ length: byCount.length / 2 }, (_, i) => byCount[i * 2]!));
      this.#byString.set(c, ids);
    }
    return ids;
  }

  /** Context c's followers (w > 1: words), highest count first, with their counts. */
  followers(c: number): Int32Array {
    let list = this.#byCount.get(c);
    if (!list) {
      const pairs: [number, number][] = [];
      for (let i = this.#start[c]!; i < this.#start[c + 1]!; i++)
        if (this.#rows[i * 5 + 3]! > 1) pairs.push([this.#rows[i * 5 + 3]!, this.#rows[i * 5 + 4]!]);
      pairs.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      list = Int32Array.from(pairs.flat());
      this.#byCount.set(c, list);
    }
    return list;
  }

  /**
   * Adds every 4-gram of lines of ids (each ending with </s>) `times` times. A learned message
   * adds a few rows to ~100,000: each finds its place by binary search, the rows after are
   * moved up in place (each once, from the end), the new contexts are inserted into the index
   * and the others' starts moved along; nothing is allocated but the first time (this layer's
   * own copy, with room to grow) and when the room runs out. Allocating and filling a
   * megabyte-sized array per message cost 5–10 ms in Chromium.
   */
  addLines(lines: Iterable<readonly number[]>, times = 1): void {
    const add = FourgramLayer.#counted(lines, times).#rows;
    const m = add.length / 5;
    if (m === 0) return;
    const n = this.#rowCount,
      C = this.#contexts;
    // Where each new row goes among the old (rows sorted, so the places only grow), and
    // whether it is there already.
    const at = new Int32Array(m);
    const same = new Uint8Array(m);
    let inserted = 0;
    for (let j = 0, lo = 0; j < m; j++) {
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareRows(this.#rows, mid, add, j, 4) < 0) lo = mid + 1;
        else hi = mid;
      }
      at[j] = lo;
      same[j] = lo < n && compareRows(this.#rows, lo, add, j, 4) === 0 ? 1 : 0;
      if (!same[j]) inserted++;
    }
    // The new rows in groups of one context: first row, end, old context (−1: a new one), the
    // old context it goes before (new ones), rows inserted before it, its totals' growth.
    type Group = { from: number; to: number; c: number; place: number; before: number; rows: number };
    const groups: Group[] = [];
    for (let j = 0, before = 0; j < m;) {
      let to = j + 1;
      while (to < m && compareRows(add, j, add, to, 3) === 0) to++;
      const c = this.find(add[j * 5]!, add[j * 5 + 1]!, add[j * 5 + 2]!);
      let rows = 0;
      for (let i = j; i < to; i++) rows += same[i] ? 0 : 1;
      groups.push({ from: j, to, c, place: c >= 0 ? c : this.#contextPlace(add, j), before, rows });
      before += rows;
      j = to;
    }
    const opened = groups.filter((g) => g.c < 0).length;
    this.#reserve(n + inserted, C + opened);
    const rows = this.#rows,
      start = this.#start,
      total = this.#total,
      sum = this.#sum,
      followers = this.#n;
    // 1. Rows: counts of those already there, then the rest moved up from the end.
    for (let j = 0; j < m; j++) if (same[j]) rows[at[j]! * 5 + 4]! += add[j * 5 + 4]!;
    let src = n,
      dst = n + inserted;
    for (let j = m - 1; j >= 0; j--) {
      if (same[j]) continue;
      const len = src - at[j]!;
      rows.copyWithin((dst - len) * 5, at[j]! * 5, src * 5);
      dst -= len + 1;
      src = at[j]!;
      rows.set(add.subarray(j * 5, j * 5 + 5), dst * 5);
    }
    // 2. The contexts that were there: totals, then each start moved by the rows inserted before it.
    const grow = (g: Group, c: number) => {
      for (let j = g.from; j < g.to; j++) {
        const w = add[j * 5 + 3]!,
          count = add[j * 5 + 4]!;
        total[c]! += count;
        if (w !== 0) {
          sum[c]! += count;
          if (!same[j]) followers[c]! += 1;
        }
      }
    };
    for (let gi = 0, c = 0, shift = 0; c < C; c++) {
      while (gi < groups.length && (groups[gi]!.c < 0 ? groups[gi]!.place <= c : groups[gi]!.c < c))
        shift += groups[gi++]!.rows;
      start[c]! += shift;
    }
    for (const g of groups)
      if (g.c >= 0) {
        grow(g, g.c);
        this.#byCount.delete(g.c);
        this.#byString.delete(g.c);
      }
    // 3. The new contexts, inserted from the end (the old ones after each moved up).
    let readEnd = C,
      write = C + opened;
    for (let gi = groups.length - 1; gi >= 0; gi--) {
      const g = groups[gi]!;
      if (g.c >= 0) continue;
      const len = readEnd - g.place;
      for (const a of [start, total, sum, followers]) a.copyWithin(write - len, g.place, readEnd);
      write -= len + 1;
      readEnd = g.place;
      start[write] = at[g.from]! + g.before;
      total[write] = 0;
      sum[write] = 0;
      followers[write] = 0;
      grow(g, write);
    }
    this.#rowCount = n + inserted;
    this.#contexts = C + opened;
    start[this.#contexts] = this.#rowCount;
    // The cached follower lists (a few contexts: those predictions used) follow their
    // contexts: an old context moves up by the number of new ones placed at or before it.
    const places = groups.filter((g) => g.c < 0).map((g) => g.place);
    if (places.length > 0)
      for (const cache of [this.#byCount, this.#byString]) {
        const entries = [...cache];
        cache.clear();
        for (const [c, v] of entries) {
          let before = 0;
          while (before < places.length && places[before]! <= c) before++;
          cache.set(c + before, v);
        }
      }
  }

  /** Makes the arrays this layer's own, with room for `rows` rows and `contexts` contexts. */
  #reserve(rows: number, contexts: number): void {
    if (this.#owned && rows * 5 <= this.#rows.length && contexts < this.#start.length) return;
    const room = (x: number) => x + (x >> 3) + 1024;
    const grown = <T extends Int32Array | Float64Array>(a: T, used: number, size: number): T => {
      const out = new (a.constructor as new (n: number) => T)(size);
      out.set(a.subarray(0, used));
      return out;
    };
    const R = room(rows),
      K = room(contexts);
    this.#rows = grown(this.#rows, this.#rowCount * 5, R * 5);
    this.#start = grown(this.#start, this.#contexts + 1, K + 1);
    this.#total = grown(this.#total, this.#contexts, K);
    this.#sum = grown(this.#sum, this.#contexts, K);
    this.#n = grown(this.#n, this.#contexts, K);
    this.#owned = true;
  }

  /** The index of the first context after row j's context (t, u, v), in the current rows. */
  #contextPlace(rows: Int32Array, j: number): number {
    let lo = 0,
      hi = this.#contexts;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareRows(this.#rows, this.#start[mid]!, rows, j, 3) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A layer with the same counts; learning in either leaves the other as it was. */
  copy(): FourgramLayer {
    const rows = this.rows();
    const C = this.#contexts;
    INDEXED.set(rows, {
      wordCount: -1,
      start: this.#start.subarray(0, C + 1),
      total: this.#total.subarray(0, C),
      sum: this.#sum.subarray(0, C),
      n: this.#n.subarray(0, C),
    });
    return new FourgramLayer(rows);
  }

  /** The rows, sorted by (t, u, v, w): flat [t, u, v, w, count, …], w = 0 the pruned rest. A
   * view: this layer copies its arrays before it next learns. */
  rows(): Int32Array {
    this.#owned = false;
    const rows = this.#rows.subarray(0, this.#rowCount * 5);
    SORTED.add(rows);
    return rows;
  }

  /** Number of contexts. */
  get size(): number {
    return this.#contexts;
  }
}

// ---- compact storage -------------------------------------------------------------------------
// Rows sorted by (t, u, v, w), grouped by context: how many leading context ids equal the
// previous context's, the first that differs as a delta and the rest as they are, the number of
// rows, and for each Δw − 1 (w from −1) and count − 1.

/** Encodes FourgramLayer.rows() (sorted) as bytes (see decodeFourgrams). */
export function encodeFourgrams(rows: Int32Array): Uint8Array {
  const out: number[] = [];
  const n = rows.length / 5;
  let previous: number[] = [];
  for (let i = 0; i < n;) {
    const context = [rows[i * 5]!, rows[i * 5 + 1]!, rows[i * 5 + 2]!];
    let end = i;
    while (end < n && context.every((x, j) => rows[end * 5 + j] === x)) end++;
    let same = 0;
    while (same < 3 && context[same] === previous[same]) same++;
    if (same === 3) throw new RangeError(`4-gram rows must be sorted by context, row ${i} is not`);
    writeVarint(out, same);
    const delta = context[same]! - (previous[same] ?? 0);
    if (delta < 0) throw new RangeError(`4-gram rows must be sorted by context, row ${i} is not`);
    writeVarint(out, delta);
    for (let j = same + 1; j < 3; j++) writeVarint(out, context[j]!);
    writeVarint(out, end - i);
    const at = i;
    writeFollowers(
      out,
      end - i,
      (j) => [rows[(at + j) * 5 + 3]!, rows[(at + j) * 5 + 4]!],
      (j) => `4-gram row ${at + j}`,
    );
    previous = context;
    i = end;
  }
  return Uint8Array.from(out);
}

/** Decodes encodeFourgrams' `count` rows; a RangeError names where damaged bytes stop making sense. */
export function decodeFourgrams(bytes: Uint8Array, count: number, wordCount: number): Int32Array {
  return decodeFourgramsInWasm(bytes, count, wordCount) ?? decodeFourgramsInJs(bytes, count, wordCount);
}

/** decodeFourgrams by the kernels (the shipped layer in ~8 ms with the copying out, where the
 * JavaScript runs cold for ~30), or null without them or when the bytes are damaged. */
export function decodeFourgramsInWasm(bytes: Uint8Array, count: number, wordCount: number): Int32Array | null {
  const scratch = decodingScratch(bytes, count, wordCount, {
    out: count * 20,
    start: (count + 1) * 4,
    total: count * 8,
    sum: count * 8,
    n: count * 4,
  });
  if (!scratch) return null;
  const { kernels, buffer, at } = scratch;
  const k = kernels.fourgrams(at.src, bytes.length, count, wordCount, at.out, at.start, at.total, at.sum, at.n);
  if (k < 0) return null;
  const out = new Int32Array(buffer, at.out, count * 5).slice();
  SORTED.add(out);
  INDEXED.set(out, {
    wordCount,
    start: new Int32Array(buffer, at.start, k + 1).slice(),
    total: new Float64Array(buffer, at.total, k).slice(),
    sum: new Float64Array(buffer, at.sum, k).slice(),
    n: new Int32Array(buffer, at.n, k).slice(),
  });
  return out;
}

/** decodeFourgrams in JavaScript: where there are no kernels, and what names damaged bytes. */
export function decodeFourgramsInJs(bytes: Uint8Array, count: number, wordCount: number): Int32Array {
  const out = new Int32Array(count * 5);
  const reader = new VarintReader(bytes, '4-gram counts');
  const read = () => reader.read();
  // The index FourgramLayer would make, made here as the rows go by.
  const start = new Int32Array(count + 1),
    total = new Float64Array(count),
    sum = new Float64Array(count),
    followers = new Int32Array(count);
  let t = 0,
    u = 0,
    v = 0,
    i = 0,
    k = 0;
  while (i < count) {
    // Each context follows the one before: the first id that differs grows by at least 1.
    const same = read(),
      delta = read();
    if (same > 2 || (i === 0 && same !== 0) || (i > 0 && delta === 0))
      throw new RangeError(`4-gram counts: the context at row ${i} does not follow the one before`);
    if (same === 0) {
      t += delta;
      u = read();
      v = read();
    } else if (same === 1) {
      u += delta;
      v = read();
    } else v += delta;
    const rows = read();
    if (rows < 1 || i + rows > count)
      throw new RangeError(`4-gram counts: a context claims ${rows} rows where ${count - i} are left`);
    if (t >= wordCount || u >= wordCount || v >= wordCount)
      throw new RangeError(`4-gram counts: row ${i} (${t}, ${u}, ${v}, …) is out of range for ${wordCount} words`);
    start[k] = i;
    let w = -1;
    for (let j = 0; j < rows; j++, i++) {
      w += read() + 1;
      const c = read() + 1;
      if (w >= wordCount || c > 0x7fffffff)
        throw new RangeError(`4-gram counts: row ${i} (${t}, ${u}, ${v}, ${w}) is out of range for ${wordCount} words`);
      out.set([t, u, v, w, c], i * 5);
      total[k]! += c;
      if (w !== 0) {
        sum[k]! += c;
        followers[k]! += 1;
      }
    }
    k++;
  }
  reader.end();
  start[k] = count;
  SORTED.add(out);
  INDEXED.set(out, {
    wordCount,
    start: start.slice(0, k + 1),
    total: total.slice(0, k),
    sum: sum.slice(0, k),
    n: followers.slice(0, k),
  });
  return out;
}
