/**
 * Reply suggestions: an encoder–decoder reads the message received, and its decoder scores
 * replies. The default ranks a fixed list of replies mined from the training pairs (the Smart
 * Reply way: fluent, safe, diverse); `beam` decodes freely for comparison. Plain JavaScript on
 * the RecurrentNetwork (the same kernels as the next-word model), no tfjs. Pure: no DOM, no I/O.
 *
 * The model is an RnnModel of shape 'seq2seq' whose decoder (`dec0`) reads the previous reply
 * token (BOS first) from the encoder's final state, trained by `rnn-predict train --shape qa`
 * (training/replies.ts), with its reply list in `model.replies`.
 */
import { checkInteger, describe } from '../../base/checks.js';
import { evalWords, tokenize } from '../../text/tokenize.js';
import { BOS_ID, EOS_ID, UNK_ID, type Vocabulary } from '../../text/vocabulary.js';
import { RecurrentNetwork, type RecurrentState } from '../model/recurrent-network.js';
import type { RnnModel } from '../format/artifacts.js';

/** The encoder reads the last this many tokens of a message. */
export const REPLY_MESSAGE_TOKENS = 24;
/** Longest reply, in tokens (EOS not counted): training cuts replies here, beam search stops. */
export const REPLY_MAX_TOKENS = 12;
/**
 * `replies()` answers [] when its best reply's probability is below this: the probability of a
 * reply among the replies scored for the message (their log-probabilities softmaxed), so with
 * a flat distribution, as for a message the model cannot read, nothing is offered.
 */
export const REPLY_MIN_PROBABILITY = 0.05;
/**
 * Replies are ranked by log P(reply | message) / tokensᵅ (EOS counted): α = 1 favoured long,
 * rare replies and α = 0 the shortest; on the first 1,200 held-out pairs α = 0.5 and α = 0
 * gave reply recall@3 2.2 %, α = 0.75 1.8 %, α = 1 1.75 %.
 */
export const REPLY_LENGTH_ALPHA = 0.5;
/** Replies fully scored per message: those with the best first word (one decoder step) first. */
export const REPLY_PRUNE = 40;

/** A reply offered. `probability`: its share among the replies scored for the message. */
export interface Reply {
  text: string;
  probability: number;
}

/** The normalised form replies are compared by: the evaluation's words, lower case, joined by a space. */
export function replyKey(text: string): string {
  return evalWords(text).join(' ');
}

/** The first `k` texts, best first, that differ by replyKey (none empty by it). */
export function firstDistinct(texts: Iterable<string>, k: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of texts) {
    const key = replyKey(text);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(text);
    if (out.length === k) break;
  }
  return out;
}

/** The tokens the reply model reads for a text (lower-cased, punctuation included). */
export function replyTokens(text: string): string[] {
  return tokenize(text).map((t) => t.norm);
}

/** The encoder's input ids of a message: its last REPLY_MESSAGE_TOKENS tokens. */
export function messageIds(vocabulary: Vocabulary, message: string): number[] {
  return vocabulary.encode(replyTokens(message).slice(-REPLY_MESSAGE_TOKENS));
}

/** Options of mineReplies. */
export interface MineOptions {
  /** How many replies to keep (default 1,000). */
  max?: number;
  /** Fewest times a reply (by replyKey) must occur (default 3). */
  minCount?: number;
  /** Most words a reply may have (default 8). */
  maxWords?: number;
}

/**
 * The fixed reply list: replies of the training pairs that occur at least `minCount` times
 * (compared by replyKey), of at most `maxWords` words and only known tokens, the most frequent
 * first, each written as it was most often written.
 */
export function mineReplies(
  replies: Iterable<string>,
  vocabulary: Vocabulary,
  { max = 1000, minCount = 3, maxWords = 8 }: MineOptions = {},
): string[] {
  checkInteger(max, 'max', 1);
  checkInteger(minCount, 'minCount', 1);
  checkInteger(maxWords, 'maxWords', 1);
  const byKey = new Map<string, { n: number; forms: Map<string, number> }>();
  for (const raw of replies) {
    const text = raw.trim().replace(/\s+/g, ' ');
    const key = replyKey(text);
    if (!key || key.split(' ').length > maxWords) continue;
    const ids = vocabulary.encode(replyTokens(text));
    if (ids.length === 0 || ids.length > REPLY_MAX_TOKENS || ids.includes(UNK_ID)) continue;
    let e = byKey.get(key);
    if (!e) byKey.set(key, (e = { n: 0, forms: new Map() }));
    e.n++;
    e.forms.set(text, (e.forms.get(text) ?? 0) + 1);
  }
  const kept = [...byKey].filter(([, e]) => e.n >= minCount);
  kept.sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return kept.slice(0, max).map(([, e]) => {
    let best = '',
      n = -1;
    for (const [form, c] of e.forms) if (c > n || (c === n && form < best)) [best, n] = [form, c];
    return best;
  });
}

/** log Σ exp(logits): the softmax's normaliser in log space. */
function logSumExp(logits: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let s = 0;
  for (let i = 0; i < logits.length; i++) s += Math.exp(logits[i]! - max);
  return max + Math.log(s);
}

/** A node of the reply trie: one token after its parent's prefix. */
interface TrieNode {
  children: Map<number, TrieNode>;
  /** The reply that ends here (its index), or -1. */
  reply: number;
}

/** A reply with its scores, as `score` returns them. */
export interface ScoredReply {
  index: number;
  text: string;
  /** log P(reply tokens, EOS | message). */
  logProbability: number;
  /** logProbability / tokens^REPLY_LENGTH_ALPHA (EOS counted), plus what was learned: what
   * replies are ranked by. */
  normalized: number;
}

/** Whether a list of replies has no two starting with the same word. */
export function distinctStarts(texts: readonly string[]): boolean {
  const firsts = texts.map((t) => replyKey(t).split(' ')[0]);
  return new Set(firsts).size === firsts.length;
}

/** Serves a reply model: ranking of its reply list, and beam search. */
export class ReplyRanker {
  readonly network: RecurrentNetwork;
  readonly vocabulary: Vocabulary;
  readonly #replies: string[] = [];
  readonly #keys = new Set<string>();
  readonly #ids: number[][] = [];
  readonly #firsts: string[] = [];
  readonly #root: TrieNode = { children: new Map(), reply: -1 };
  readonly #logits: Float32Array;
  /** Every token: the mask of the full softmax's normaliser. */
  readonly #all: Uint8Array;
  /** Added to a reply's normalised score, by replyKey (learnReply, boost). */
  readonly #boost = new Map<string, number>();
  /** How many times each reply was learned, by replyKey. */
  readonly #learned = new Map<string, number>();

  constructor(model: Pick<RnnModel, 'config' | 'vocabulary' | 'weights' | 'replies'>) {
    if (model.config.shape !== 'seq2seq' || model.config.layers !== 1)
      throw new RangeError(
        `a reply model is a one-layer seq2seq model (train --shape qa), got ${model.config.layers}-layer ${model.config.shape}`,
      );
    if (!Array.isArray(model.replies) || model.replies.length === 0)
      throw new RangeError(`a reply model needs its list of replies, got ${describe(model.replies)}`);
    this.network = new RecurrentNetwork(model.config, model.weights);
    this.vocabulary = model.vocabulary;
    this.#logits = new Float32Array(model.config.vocabSize);
    this.#all = new Uint8Array(model.config.vocabSize).fill(1);
    for (const r of model.replies) this.#add(r);
  }

  /** The replies ranked: the model's list, then the person's own (learnReply). */
  get replies(): readonly string[] {
    return this.#replies;
  }

  /** Adds a reply to the list and the trie; false when it is there already (by replyKey) or empty. */
  #add(text: string): boolean {
    const key = replyKey(text);
    const ids = this.vocabulary.encode(replyTokens(text)).slice(0, REPLY_MAX_TOKENS);
    if (!key || ids.length === 0 || this.#keys.has(key)) return false;
    const i = this.#replies.length;
    this.#keys.add(key);
    this.#replies.push(text);
    this.#ids.push(ids);
    this.#firsts.push(key.split(' ')[0]!);
    let node = this.#root;
    for (const id of ids) {
      let next = node.children.get(id);
      if (!next) node.children.set(id, (next = { children: new Map(), reply: -1 }));
      node = next;
    }
    if (node.reply < 0) node.reply = i;
    return true;
  }

  /** The encoder's final state for a message. */
  encode(message: string): RecurrentState {
    let s = this.network.initialState();
    for (const id of messageIds(this.vocabulary, message)) s = this.network.step(s, id, 'rnn');
    return s;
  }

  /** The decoder's logits of the next token after reading `id` from state `s`, and their
   * log-normaliser (the WebAssembly expsum where the kernels run). */
  #next(s: RecurrentState, id: number): { state: RecurrentState; logits: Float32Array; lse: number } {
    const state = this.network.step(s, id, 'dec');
    const logits = this.network.logits(state.top, this.#logits);
    if (!this.network.simd) return { state, logits, lse: logSumExp(logits) };
    let max = -Infinity;
    for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
    return { state, logits, lse: max + Math.log(this.network.expSum(logits, max, this.#all)) };
  }

  /**
   * Scores replies of the list for a message: one decoder step gives every reply's first
   * token; the `prune` best by it (all with `prune` ≥ the list) are scored in full, sharing the
   * decoder's steps over common prefixes. Best first by the length-normalised score.
   */
  score(message: string, prune = REPLY_PRUNE): ScoredReply[] {
    checkInteger(prune, 'prune', 1);
    const enc = this.encode(message);
    const first = this.#next(enc, BOS_ID);
    const firstLp = this.#ids.map((ids) => first.logits[ids[0]!]! - first.lse);
    let chosen: number[];
    if (prune >= this.#replies.length) chosen = this.#ids.map((_, i) => i);
    else {
      // At most a quarter of them (and 2 or more) per first token, the list's most frequent
      // first: the three offered start with different words, so that the best first token
      // ("sí" for a yes/no question) cannot fill the whole pruned set.
      const order = firstLp.map((lp, i) => [lp, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      const cap = Math.max(2, Math.ceil(prune / 4));
      const perFirst = new Map<number, number>();
      chosen = [];
      for (const [, i] of order) {
        const f = this.#ids[i]![0]!;
        const n = perFirst.get(f) ?? 0;
        if (n >= cap) continue;
        perFirst.set(f, n + 1);
        chosen.push(i);
        if (chosen.length === prune) break;
      }
    }
    const wanted = new Set(chosen);
    const out: ScoredReply[] = [];
    // Depth-first over the trie, only into prefixes of chosen replies.
    const prefixOf = new Set<TrieNode>();
    for (const i of chosen) {
      let node = this.#root;
      for (const id of this.#ids[i]!) {
        node = node.children.get(id)!;
        prefixOf.add(node);
      }
    }
    const visit = (node: TrieNode, id: number, lp: number, steps: number, parent: RecurrentState) => {
      const here = this.#next(parent, id);
      if (node.reply >= 0 && wanted.has(node.reply)) {
        const total = lp + here.logits[EOS_ID]! - here.lse;
        out.push({
          index: node.reply,
          text: this.#replies[node.reply]!,
          logProbability: total,
          normalized: total / Math.pow(steps + 1, REPLY_LENGTH_ALPHA),
        });
      }
      const kids = [...node.children].filter(([, n]) => prefixOf.has(n));
      // #next reuses one logits buffer: read every child's log-probability before descending.
      const lps = kids.map(([cid]) => here.logits[cid]! - here.lse);
      kids.forEach(([cid, child], j) => visit(child, cid, lp + lps[j]!, steps + 1, here.state));
    };
    // (#next reuses one logits buffer: the first tokens' log-probabilities are read first.)
    const roots = [...this.#root.children]
      .filter(([, n]) => prefixOf.has(n))
      .map(([id, n]) => [id, n, first.logits[id]! - first.lse] as const);
    for (const [id, child, lp] of roots) visit(child, id, lp, 1, first.state);
    for (const r of out) r.normalized += this.#boost.get(replyKey(r.text)) ?? 0;
    return out.sort((a, b) => b.normalized - a.normalized || a.index - b.index);
  }

  /**
   * The `k` best replies of the list for a message, no two starting with the same word, each
   * with its probability among the replies scored; [] for an empty message or when the best
   * is below `minProbability`.
   */
  rank(message: string, k = 3, minProbability = REPLY_MIN_PROBABILITY, prune = REPLY_PRUNE): Reply[] {
    checkInteger(k, 'k', 0);
    if (replyKey(message) === '' || k === 0) return [];
    const scored = this.score(message, prune);
    let max = -Infinity;
    for (const r of scored) max = Math.max(max, r.logProbability);
    let z = 0;
    for (const r of scored) z += Math.exp(r.logProbability - max);
    const out: Reply[] = [];
    const used = new Set<string>();
    for (const r of scored) {
      const first = this.#firsts[r.index]!;
      if (used.has(first)) continue;
      used.add(first);
      out.push({ text: r.text, probability: Math.exp(r.logProbability - max) / z });
      if (out.length === k) break;
    }
    if (out.length === 0 || Math.max(...out.map((r) => r.probability)) < minProbability) return [];
    return out;
  }

  /** Free decoding: the `k` best replies of a beam of `width`, length-normalised, as text. */
  beam(message: string, k = 3, width = 4): string[] {
    checkInteger(k, 'k', 1);
    checkInteger(width, 'width', 1);
    type Beam = { ids: number[]; lp: number; state: RecurrentState; last: number };
    let beams: Beam[] = [{ ids: [], lp: 0, state: this.encode(message), last: BOS_ID }];
    const done: { ids: number[]; score: number }[] = [];
    for (let t = 0; t <= REPLY_MAX_TOKENS && beams.length > 0; t++) {
      const next: Beam[] = [];
      for (const b of beams) {
        const { state, logits, lse } = this.#next(b.state, b.last);
        done.push({ ids: b.ids, score: (b.lp + logits[EOS_ID]! - lse) / (b.ids.length + 1) });
        if (t === REPLY_MAX_TOKENS) continue;
        // The `width` best continuations (never a special token).
        const top: [number, number][] = [];
        for (let v = EOS_ID + 1; v < logits.length; v++) {
          const x = logits[v]!;
          if (top.length < width || x > top[top.length - 1]![0]) {
            top.push([x, v]);
            top.sort((a, c) => c[0] - a[0]);
            if (top.length > width) top.pop();
          }
        }
        for (const [x, v] of top) next.push({ ids: [...b.ids, v], lp: b.lp + x - lse, state, last: v });
      }
      beams = next.sort((a, c) => c.lp - a.lp).slice(0, width);
    }
    const texts = done
      .filter((x) => x.ids.length > 0)
      .sort((a, b) => b.score - a.score)
      .map((d) => d.ids.map((id) => this.vocabulary.tokenOf(id)).join(' '));
    return firstDistinct(texts, k);
  }

  /** Adds `amount` to a reply's normalised score from now on. */
  boost(reply: string, amount: number): void {
    const key = replyKey(reply);
    this.#boost.set(key, (this.#boost.get(key) ?? 0) + amount);
  }

  /**
   * Learns a reply the person sent: it joins the list when it is not there (their own way of
   * saying it, scored by the decoder like the rest), and its normalised score gains
   * LEARNED_REPLY_BOOST × ln(1 + times sent), so that it ranks higher wherever the model finds it
   * plausible.
   */
  learnReply(reply: string): void {
    if (typeof reply !== 'string') throw new TypeError(`reply must be a string, got ${describe(reply)}`);
    const text = reply.trim().replace(/\s+/g, ' ');
    const key = replyKey(text);
    if (!key) return;
    this.#add(text);
    // ln(1 + times sent): the first few sends count most, and a reply sent a hundred times
    // does not drown what the message asks for.
    const n = this.#learned.get(key) ?? 0;
    this.#learned.set(key, n + 1);
    this.boost(text, LEARNED_REPLY_BOOST * (Math.log(n + 2) - Math.log(n + 1)));
  }
}

/** Reply quality on held-out pairs (`rnn-predict eval --replies`). */
export interface ReplyEvaluation {
  /** Pairs scored. */
  pairs: number;
  /** Share of pairs whose reply (by replyKey) is among the three offered. */
  replyRecall3: number;
  /** Mean of 1/rank of the pair's reply among the three offered (0 when absent). */
  replyMrr: number;
  /** Share of pairs whose offers (two or more) have no two starting with the same word. */
  replyDistinct: number;
  /** Share of pairs offered anything. */
  replyOffered: number;
}

/** Scores a reply method: `suggest` gives up to three replies for a message, best first. */
export function evaluateReplies(
  pairs: readonly (readonly [string, string])[],
  suggest: (message: string) => readonly string[],
): ReplyEvaluation {
  let hit = 0,
    rr = 0,
    distinct = 0,
    multi = 0,
    offered = 0;
  for (const [message, reply] of pairs) {
    const offers = suggest(message).slice(0, 3);
    const at = offers.map(replyKey).indexOf(replyKey(reply));
    if (at >= 0) {
      hit++;
      rr += 1 / (at + 1);
    }
    if (offers.length > 0) offered++;
    if (offers.length > 1) {
      multi++;
      if (distinctStarts(offers)) distinct++;
    }
  }
  const n = Math.max(pairs.length, 1);
  return {
    pairs: pairs.length,
    replyRecall3: hit / n,
    replyMrr: rr / n,
    replyDistinct: multi ? distinct / multi : 0,
    replyOffered: offered / n,
  };
}

/**
 * The weight of the person's own replies: a reply sent n times gains LEARNED_REPLY_BOOST ×
 * ln(1 + n) on its normalised score (log-probability per token), enough to lift it into the
 * three offered where the model finds it plausible (measured: docs/quality.md, "Replies: three ways compared").
 */
export const LEARNED_REPLY_BOOST = 1;
