/**
 * What an n-gram of a higher order than the shipped trigram would give, and what it would
 * weigh: an experiment for the shipped model's goals (docs/quality.md), not product code.
 * Builds an interpolated Kneser-Ney model of each order asked for (the shipped trigram's
 * smoothing: one absolute discount, continuation counts for the lower orders, sentence starts
 * padded with <s>) on the shipped recipe's training text, then scores it alone and mixed with a
 * model directory's network by the protocol of docs/evaluation.md. Also prints how many n-gram
 * types the top order has and the gzip size of their rows, coded as the shipped trigram's are
 * (sorted, context then followers, delta varints).
 *
 *   node --import tsx bench/ngram-order.ts [--model models/es] [--orders 3,4,5] [--mix 0.55]
 *     [--test FILE] [--test-lines N] [--modified] [--ksr] [--json]
 *
 * Order 3 is the shipped trigram's smoothing on all of the training text (the shipped one left out
 * the 5 % the network validated on). Everything is kept in Maps: a few hundred MB for order 5.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { loadModelDir } from '../src/node/model-dir.js';
import { predictorOf } from '../src/inference/format/artifacts.js';
import { evaluate, type Scorer } from '../src/inference/suggest/evaluate.js';
import { modelWords } from '../src/text/tokenize.js';
import { OPEN_SHARE, WEIGHT } from '../src/base/checks.js';
import { NGRAM_DISCOUNT } from '../src/inference/model/ngram.js';
import { defineOptions } from '../src/cli/options.js';
import { DEFAULT_TEST, fail, options, pct, readLines, table } from './common.js';

const TRAIN = ['corpus/es-conversaciones.txt', 'corpus/tatoeba-es.train.txt'];
const CANDIDATES = 10;

/** Interpolated Kneser-Ney of order n over word ids; 0 is <s>, 1 is </s>. */
class KneserNey {
  readonly ids = new Map<string, number>([
    ['<s>', 0],
    ['</s>', 1],
  ]);
  readonly words = ['<s>', '</s>'];
  /** levels[k]: context (k − 1 ids joined by ',') → follower id → count (continuation count below n). */
  readonly levels: Map<string, Map<number, number>>[] = [];
  readonly totals: Map<string, number>[] = [];
  /** Top-order types, for the size estimate. */
  readonly top = new Map<string, number>();
  #byString: number[] = [];
  /** Top-order contexts after --min-count: the count mass that backs off (else D × followers). */
  readonly #backoff = new Map<string, number>();
  /** --modified: each order's discounts for a count of 1, 2 and 3 or more (index 0 unused). */
  readonly modified: number[][] = [];
  /** --modified: a context's backoff mass, Σ over its followers of their discount. */
  readonly #mass = new Map<string, number>();

  constructor(
    readonly n: number,
    readonly discount: number,
    lines: string[],
    minCount = 1,
    modified = false,
  ) {
    for (let k = 0; k <= n; k++) {
      this.levels.push(new Map());
      this.totals.push(new Map());
    }
    for (const line of lines) {
      const t = [...Array<number>(n - 1).fill(0), ...modelWords(line).map((w) => this.#id(w)), 1];
      for (let i = n - 1; i < t.length; i++) {
        const key = t.slice(i - n + 1, i + 1).join(',');
        this.top.set(key, (this.top.get(key) ?? 0) + 1);
      }
    }
    // Order n counts; each distinct k-gram adds one to the continuation count of its suffix.
    let level = this.top;
    for (let k = n; k >= 1; k--) {
      const below = new Map<string, number>();
      for (const [key, count] of level) {
        const parts = key.split(',');
        const context = parts.slice(0, -1).join(',');
        const w = Number(parts[parts.length - 1]);
        let followers = this.levels[k]!.get(context);
        if (!followers) this.levels[k]!.set(context, (followers = new Map()));
        followers.set(w, count);
        this.totals[k]!.set(context, (this.totals[k]!.get(context) ?? 0) + count);
        if (k > 1) {
          const suffix = parts.slice(1).join(',');
          below.set(suffix, (below.get(suffix) ?? 0) + 1);
        }
      }
      level = below;
    }
    if (minCount > 1) {
      // A dropped type's count leaves the context's total as it was: its share backs off.
      for (const [context, followers] of this.levels[n]!) {
        let kept = 0;
        for (const [w, c] of followers) {
          if (c < minCount) followers.delete(w);
          else kept += c - this.discount;
        }
        this.#backoff.set(context, this.totals[n]!.get(context)! - kept);
      }
      for (const key of [...this.top.keys()]) if (this.top.get(key)! < minCount) this.top.delete(key);
    }
    if (modified) {
      for (let k = 2; k <= n; k++) {
        const m = [0, 0, 0, 0, 0]; // m[c]: the types of order k counted c times, c ≤ 4
        for (const followers of this.levels[k]!.values()) for (const c of followers.values()) if (c <= 4) m[c]!++;
        const y = m[1]! / (m[1]! + 2 * m[2]!);
        this.modified[k] = [0, 1 - (2 * y * m[2]!) / m[1]!, 2 - (3 * y * m[3]!) / m[2]!, 3 - (4 * y * m[4]!) / m[3]!];
      }
    }
    this.#byString = [...this.words.keys()].slice(2).sort((a, b) => (this.words[a]! < this.words[b]! ? -1 : 1));
  }

  #id(w: string): number {
    let i = this.ids.get(w);
    if (i === undefined) {
      i = this.words.length;
      this.ids.set(w, i);
      this.words.push(w);
    }
    return i;
  }

  /** The last n − 1 ids before the target (−1 for a word never seen). */
  history(before: string): number[] {
    return [...Array<number>(this.n - 1).fill(0), ...modelWords(before).map((w) => this.ids.get(w) ?? -1)].slice(
      -(this.n - 1),
    );
  }

  #context(h: number[], k: number): string {
    return k === 1 ? '' : h.slice(h.length - (k - 1)).join(',');
  }

  /** P(w | h); the unigram level is the continuation unigram (no discount), as the shipped trigram. */
  probability(h: number[], w: number, k = this.n): number {
    if (k === 1) return (this.levels[1]!.get('')!.get(w) ?? 0) / this.totals[1]!.get('')!;
    const lower = this.probability(h, w, k - 1);
    const context = this.#context(h, k);
    const followers = this.levels[k]!.get(context);
    if (!followers) return lower;
    const c = followers.get(w) ?? 0;
    const d = this.modified[k];
    if (d) {
      const key = `${k}|${context}`;
      let mass = this.#mass.get(key);
      if (mass === undefined) {
        mass = 0;
        for (const x of followers.values()) mass += d[Math.min(x, 3)]!;
        this.#mass.set(key, mass);
      }
      return (Math.max(c - (c > 0 ? d[Math.min(c, 3)]! : 0), 0) + mass * lower) / this.totals[k]!.get(context)!;
    }
    const backoff = (k === this.n && this.#backoff.get(context)) || this.discount * followers.size;
    return (Math.max(c - this.discount, 0) + backoff * lower) / this.totals[k]!.get(context)!;
  }

  /** Followers of a context by count, highest first (made on first use). */
  readonly #byCount = new Map<string, number[]>();

  #followersByCount(k: number, context: string): number[] {
    const key = `${k}|${context}`;
    let list = this.#byCount.get(key);
    if (!list) {
      const followers = this.levels[k]!.get(context);
      list = followers ? [...followers].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([w]) => w) : [];
      this.#byCount.set(key, list);
    }
    return list;
  }

  /** Words worth scoring after h starting with `typed`: the most frequent followers of each context and of all. */
  candidates(h: number[], typed: string): number[] {
    const out = new Set<number>();
    const take = (list: Iterable<number>) => {
      let taken = 0;
      for (const w of list) {
        if (taken === CANDIDATES) break;
        if (w > 1 && this.words[w]!.startsWith(typed)) {
          out.add(w);
          taken++;
        }
      }
    };
    for (let k = this.n; k >= 2; k--) take(this.#followersByCount(k, this.#context(h, k)));
    if (typed === '') take(this.#followersByCount(1, ''));
    else {
      // The words with the prefix are a range of the words in string order.
      let lo = 0,
        hi = this.#byString.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.words[this.#byString[mid]!]! < typed) lo = mid + 1;
        else hi = mid;
      }
      const uni = this.levels[1]!.get('')!;
      const range: number[] = [];
      for (let i = lo; i < this.#byString.length && this.words[this.#byString[i]!]!.startsWith(typed); i++)
        range.push(this.#byString[i]!);
      range.sort((a, b) => (uni.get(b) ?? 0) - (uni.get(a) ?? 0));
      take(range);
    }
    return [...out];
  }

  /** Gzip bytes of the top order's types coded as the shipped trigram's rows. */
  storedBytes(): number {
    const rows = [...this.top].map(([key, c]) => [...key.split(',').map(Number), c]);
    rows.sort((a, b) => {
      for (let i = 0; i < this.n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
      return 0;
    });
    const out: number[] = [];
    const varint = (x: number) => {
      while (x >= 0x80) {
        out.push((x & 0x7f) | 0x80);
        x = Math.floor(x / 128);
      }
      out.push(x);
    };
    let previous: number[] = [];
    for (let i = 0; i < rows.length;) {
      const context = rows[i]!.slice(0, this.n - 1);
      let end = i;
      while (end < rows.length && context.every((x, j) => rows[end]![j] === x)) end++;
      // The first context word that changed, then its delta and the words after it.
      let same = 0;
      while (same < context.length && context[same] === previous[same]) same++;
      varint(same);
      if (same < context.length) varint(context[same]! - (previous[same] ?? 0));
      for (let j = same + 1; j < context.length; j++) varint(context[j]!);
      varint(end - i);
      let w = -1;
      for (let j = i; j < end; j++) {
        varint(rows[j]![this.n - 1]! - w - 1);
        varint(rows[j]![this.n]! - 1);
        w = rows[j]![this.n - 1]!;
      }
      previous = context;
      i = end;
    }
    return gzipSync(Uint8Array.from(out), { level: 9 }).length;
  }
}

/** The orders --orders may ask for. */
const ORDERS = [2, 6] as const;

const { values: o } = options(
  'Usage: node --import tsx bench/ngram-order.ts [options]\n\n' +
    "Builds an interpolated Kneser-Ney model of each order asked for on the shipped recipe's\n" +
    "training text and scores it alone and mixed with a model directory's network (the protocol\n" +
    "of docs/evaluation.md); also prints the top order's type count and the gzip size of its rows.",
  defineOptions({
    model: {
      type: 'string',
      value: 'DIR',
      default: 'models/es',
      help: 'the model whose network is mixed in (default {default}, the shipped one)',
    },
    orders: {
      type: 'string',
      value: 'LIST',
      default: '3,4',
      help: `n-gram orders to build, comma-separated, each ${ORDERS[0]}–${ORDERS[1]}`,
    },
    mix: { type: 'number', rule: WEIGHT, help: "the network's weight in the mix (default: the model's)" },
    discount: {
      type: 'number',
      value: 'D',
      rule: OPEN_SHARE,
      default: NGRAM_DISCOUNT,
      help: 'the absolute discount of every order (default {default}, as the shipped trigram)',
    },
    modified: {
      type: 'boolean',
      help: "modified Kneser-Ney instead: three discounts per order (a count of 1, 2, 3 or more), estimated from that order's counts of counts (Chen and Goodman)",
    },
    test: { type: 'string', value: 'FILE', default: DEFAULT_TEST, help: 'test sentences' },
    'test-lines': { type: 'integer', limits: [1], help: 'score only the first N test lines' },
    'min-count': {
      type: 'integer',
      limits: [1],
      default: 1,
      help: 'drop the top order\'s types seen fewer than N times (their share goes to the order below, as "rnn-predict pack --prune" does for the trigram; default {default})',
    },
    ksr: { type: 'boolean', help: 'also the keystroke savings (several minutes per order)' },
    json: { type: 'boolean', help: 'one JSON object per line instead of the table' },
  }),
);
const orders = o.orders.split(',').map(Number);
if (orders.some((n) => !Number.isInteger(n) || n < ORDERS[0] || n > ORDERS[1]))
  fail(`--orders must list integers ${ORDERS[0]}-${ORDERS[1]}, got "${o.orders}"`);
const minCount = o['min-count'];
if (o.modified && minCount > 1) fail('--modified works on the whole counts: leave out --min-count');
const discount = o.discount;
const model = await loadModelDir(o.model);
const mix = o.mix ?? model.mix;
const test = readLines(o.test, 'test', o['test-lines']);
const train = TRAIN.flatMap((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim()),
);
const network = predictorOf({ ...model, ngram: undefined, mix: 1 });
const scoring = { skipKsr: !o.ksr };

const rows: Record<string, number | string>[] = [];
const report = (row: Record<string, number | string>) => {
  rows.push(row);
  if (o.json) process.stdout.write(JSON.stringify(row) + '\n');
};
const shipped = evaluate(predictorOf({ ...model, mix }), test, scoring);
report({ model: `the model's own trigram, network ${mix}`, top1: shipped.top1, top3: shipped.top3, ksr: shipped.ksr });

for (const n of orders) {
  const kn = new KneserNey(n, discount, train, minCount, o.modified);
  const scorer = (weight: number): Scorer => {
    const probability = (before: string, word: string) => {
      const w = kn.ids.get(word);
      const pn = w === undefined ? 0 : kn.probability(kn.history(before), w);
      return weight * (weight > 0 ? (network.probability(before, word) ?? 0) : 0) + (1 - weight) * pn;
    };
    return {
      suggest(before, typed, k) {
        const words = new Set(kn.candidates(kn.history(before), typed).map((w) => kn.words[w]!));
        // Exact completions only: the predictor adds completions of a mistyped prefix when it
        // has few, and those must not outrank the word being typed.
        if (weight > 0)
          for (const w of network.suggest(before, typed, CANDIDATES)) if (w.startsWith(typed)) words.add(w);
        return [...words]
          .map((w) => [w, probability(before, w)] as const)
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, k)
          .map(([w]) => w);
      },
      probability,
      inVocabulary: (w) => kn.ids.has(w) || network.inVocabulary(w),
    };
  };
  const types = kn.top.size;
  const gzip = kn.storedBytes();
  const alone = evaluate(scorer(0), test, scoring);
  report({ model: `${n}-gram alone`, top1: alone.top1, top3: alone.top3, ksr: alone.ksr, types, gzip });
  const mixed = evaluate(scorer(mix), test, scoring);
  report({ model: `${n}-gram, network ${mix}`, top1: mixed.top1, top3: mixed.top3, ksr: mixed.ksr, types, gzip });
}

if (!o.json) {
  process.stdout.write(
    table(
      ['model', 'top-1', 'top-3', 'KSR', 'types', 'gzip'],
      rows.map((r) => [
        String(r.model),
        pct(Number(r.top1)),
        pct(Number(r.top3)),
        pct(Number(r.ksr)),
        r.types === undefined ? '' : Number(r.types).toLocaleString('en'),
        r.gzip === undefined ? '' : `${(Number(r.gzip) / 1e6).toFixed(2)} MB`,
      ]),
    ) +
      `\n(${test.length} test lines, ${o.modified ? 'modified discounts' : `discount ${discount}`}, min count ${minCount}${o.ksr ? '' : ', KSR with --ksr'})\n`,
  );
}
