/**
 * The word predictor: text before the caret → ranked words. Completes a partly typed word,
 * predicts the next one after a space or punctuation, re-cases suggestions, and continues
 * several words ahead. Answers from a recurrent network, a Kneser-Ney trigram, or their mix.
 * The recurrent state of each context is cached, so a new word costs one step and letters
 * inside a word only filter a cached distribution. Pure: no DOM, no I/O.
 */
import { isEmojiToken, isWordToken, modelWords, recase, typingContext } from '../../text/tokenize.js';
import { checkInteger, checkNumber, checkOneOf, describe, WEIGHT } from '../../base/checks.js';
import { BOS_ID, type Vocabulary } from '../../text/vocabulary.js';
import type { RecurrentNetwork, RecurrentState } from './recurrent-network.js';
import { NGRAM_HISTORY, type KneserNeyTrigram } from './ngram.js';
import { insertTop, prefixRange, sortByString } from './prefix.js';
import type { Scorer } from './scorer.js';
import { oneTypoPrefixes } from '../../text/typos.js';
import { bySavings, checkCompletionOrder, type CompletionOrder } from './savings-order.js';
import { boundedTail, MAX_CONTEXT } from './tail.js';
import { learningParts, type PredictorParts } from './predictor-parts.js';
import {
  CONTINUE_DEFAULTS,
  PHRASE_DEFAULTS,
  PHRASE_METHODS,
  PREDICT_LIMITS,
  phraseLength,
  type Continuation,
  type ContinueOptions,
  type PhraseOptions,
} from './phrases.js';

// What the predictor's methods take and return, declared beside the rules they go with.
export {
  PHRASE_DEFAULTS,
  PREDICT_LIMITS,
  CONTINUE_DEFAULTS,
  phraseLength,
  boundedTail,
  type PredictorParts,
  type Continuation,
  type ContinueOptions,
  type PhraseOptions,
};

export interface Suggestion {
  /** The word, re-cased for where it goes. */
  word: string;
  /** Its probability under the answering model, in [0, 1]. */
  probability: number;
}

/** Which model answers. */
export type Source = 'neural' | 'ngram' | 'mix';

/**
 * The network's next-word distribution after one context, kept as logits: P(id) =
 * exp(logit − shift) / z over the tokens offered: words, and emoji unless turned off (punctuation
 * and specials get 0). Ranking inside a
 * prefix range compares logits, so no softmax over the whole vocabulary is ever written out.
 */
interface Distribution {
  logits: Float32Array;
  shift: number;
  z: number;
  /** The best 8 offered ids, best first (after a space, the common case, this is the answer). */
  top8: number[];
}

/** A partial continuation in beam search: its words so far and what the models see after them. */
interface Beam {
  context: string[];
  history: string[];
  words: string[];
  probabilities: number[];
  logp: number;
}

/** Longest typed word searched for typos (letters): longer ones are no word's prefix, and the
 * search grows with the square of the length. */
const MAX_TYPO_PREFIX = 24;
/** States kept (one step each to recompute); distributions kept (V floats each). */
const STATE_CACHE = 512;
const DISTRIBUTION_CACHE = 16;
/**
 * Marks the n-gram model does not see (its history holds words only): after "¿", "¡", ",", ";"
 * or ":" its history reads on as if the mark were not there (or as a sentence start, after an
 * opening "¿"), and the network, which reads the mark, answers better (dev split: top-3 after
 * "¿" 23.9 % from the network, 5.0 % from the n-gram model). There the network's weight in the
 * mix is raised to NETWORK_AFTER_MARK, chosen on the dev split (docs/quality.md); the n-gram
 * model keeps the rest, so the words only it knows (a person's learned words) still show.
 */
const MARKS_UNSEEN_BY_NGRAM = new Set(['¿', '¡', ',', ';', ':']);
export const NETWORK_AFTER_MARK = 0.85;
/** Phrases kept (one per word boundary and settings). */
const PHRASE_CACHE = 32;

export class WordPredictor implements Scorer {
  readonly network: RecurrentNetwork | undefined;
  readonly vocabulary: Vocabulary | undefined;
  readonly ngram: KneserNeyTrigram | undefined;
  readonly mix: number;
  /** 1 for the network's tokens that may be suggested: words, and emoji unless turned off. */
  readonly #offered: Uint8Array;
  /** Network vocabulary ids of the offered tokens, sorted by string (prefix ranges): #sorted(). */
  #sortedIds: Int32Array | undefined;
  readonly #states = new Map<string, RecurrentState>();
  readonly #distributions = new Map<string, Distribution>();
  readonly #typos: boolean;
  readonly #blocked: ReadonlySet<string>;
  readonly #emoji: boolean;
  /** How completions of a partly typed word are ordered (`PredictorParts.completionOrder`). */
  readonly completionOrder: CompletionOrder;

  constructor(parts: PredictorParts) {
    if (typeof parts !== 'object' || parts === null)
      throw new TypeError(`parts must be an object, got ${describe(parts)}`);
    const { network, vocabulary, ngram } = parts;
    if (!network && !ngram) throw new TypeError('a predictor needs a network, an n-gram model, or both');
    if (network && !vocabulary) throw new TypeError('a network needs its vocabulary');
    if (network && vocabulary && network.config.vocabSize !== vocabulary.size) {
      throw new RangeError(
        `the network expects ${network.config.vocabSize} tokens but the vocabulary has ${vocabulary.size}`,
      );
    }
    const mix = parts.mix ?? (network && ngram ? 0.5 : network ? 1 : 0);
    checkNumber(mix, 'mix', ...WEIGHT);
    this.network = network;
    this.vocabulary = vocabulary;
    this.ngram = ngram;
    this.mix = network ? (ngram ? mix : 1) : 0;
    [this.#typos, this.#blocked, this.#emoji] = learningParts(parts);
    this.completionOrder = checkCompletionOrder(parts.completionOrder);
    const tokens = vocabulary?.tokens() ?? [];
    const suggestable = (t: string) => isWordToken(t) || (this.#emoji && isEmojiToken(t));
    this.#offered = Uint8Array.from(tokens, (t) => (suggestable(t) ? 1 : 0));
  }

  /** The offered tokens' ids sorted by string, made on the first typed prefix (or by prepare()). */
  #sorted(): Int32Array {
    if (!this.#sortedIds) {
      const tokens = this.vocabulary?.tokens() ?? [];
      this.#sortedIds = sortByString(
        Int32Array.from(tokens.keys()).filter((i) => this.#offered[i] === 1),
        tokens,
      );
    }
    return this.#sortedIds;
  }

  /**
   * Makes now what the first letter typed would otherwise wait for: the words in string order,
   * the network's and the n-gram model's. A page calls it in idle time after its first
   * suggestion. Predictions are the same.
   */
  prepare(): void {
    this.#sorted();
    this.ngram?.prepare();
  }

  /** Which model answers: the network, the n-gram model, or their mix. */
  get source(): Source {
    return this.mix === 1 ? 'neural' : this.mix === 0 ? 'ngram' : 'mix';
  }

  #distribution(context: readonly string[]): Distribution {
    const tokens = context.slice(-MAX_CONTEXT);
    const ids = [BOS_ID, ...tokens.map((t) => this.vocabulary!.idOf(t))];
    const key = ids.join(',');
    const hit = this.#distributions.get(key);
    if (hit) {
      this.#distributions.delete(key);
      this.#distributions.set(key, hit);
      return hit;
    }
    // Only the context asked about needs its distribution; the prefixes that led to it keep
    // their states alone (a step is several times cheaper than the output layer).
    const state = this.#stateOfIds(ids, key);
    let buffer: Float32Array | undefined;
    if (this.#distributions.size >= DISTRIBUTION_CACHE) {
      const oldest = this.#distributions.keys().next().value!;
      buffer = this.#distributions.get(oldest)!.logits; // recycled: no garbage per new word
      this.#distributions.delete(oldest);
    }
    const dist = this.#summarise(this.network!.logits(state.top, buffer));
    this.#distributions.set(key, dist);
    return dist;
  }

  /** The best 8 words in one pass of comparisons, then the normaliser over word tokens. */
  #summarise(logits: Float32Array): Distribution {
    const offered = this.#offered;
    const top8: number[] = [];
    const topValues: number[] = [];
    let floor = -Infinity;
    for (let i = 0; i < logits.length; i++) {
      const x = logits[i]!;
      if (x <= floor || offered[i] === 0) continue;
      let j = top8.length;
      while (j > 0 && topValues[j - 1]! < x) j--;
      top8.splice(j, 0, i);
      topValues.splice(j, 0, x);
      if (top8.length > 8) {
        top8.pop();
        topValues.pop();
      }
      if (top8.length === 8) floor = topValues[7]!;
    }
    const shift = topValues[0] ?? 0; // the largest word logit: exp cannot overflow
    const z = top8.length > 0 ? this.network!.expSum(logits, shift, offered) : 0;
    return { logits, shift, z, top8 };
  }

  #probability(dist: Distribution, id: number): number {
    return this.#offered[id] === 1 && dist.z > 0 ? Math.exp(dist.logits[id]! - dist.shift) / dist.z : 0;
  }

  /** The recurrent state after these ids, computing the missing prefix states. */
  #stateOfIds(ids: readonly number[], key = ids.join(',')): RecurrentState {
    const hit = this.#states.get(key);
    if (hit) {
      this.#states.delete(key);
      this.#states.set(key, hit);
      return hit;
    }
    const net = this.network!;
    const prev = ids.length > 1 ? this.#stateOfIds(ids.slice(0, -1)) : net.initialState();
    const state = net.step(prev, ids[ids.length - 1]!);
    this.#states.set(key, state);
    if (this.#states.size > STATE_CACHE) this.#states.delete(this.#states.keys().next().value!);
    return state;
  }

  /** Range [from, to) of #sorted whose tokens start with prefix. */
  #range(prefix: string): [number, number] {
    return prefixRange(this.#sorted(), this.vocabulary!.tokens(), prefix);
  }

  /**
   * The k best lower-case words after `context` (tokens) and `history` (words, for the n-gram
   * model) that start with `prefix`, with probabilities under the answering model. Most
   * probable first; completions of a non-empty `prefix` for a bar of `shown` places are in the
   * predictor's completion order instead (savings-order.ts) when `shown` is given.
   */
  #rank(
    context: readonly string[],
    history: readonly string[],
    prefix: string,
    k: number,
    shown?: number,
  ): { word: string; probability: number }[] {
    const wide = Math.max(k, 8);
    const scores = new Map<string, number>();
    const nn = this.network && this.mix > 0 ? this.#distribution(context) : undefined;
    const mix = this.#mixAfter(context);
    if (nn) {
      let best: number[];
      if (prefix === '' && wide <= 8) best = nn.top8.slice(0, wide);
      else {
        const [from, to] = this.#range(prefix);
        const logits = nn.logits,
          sorted = this.#sorted();
        best = [];
        for (let i = from; i < to; i++) insertTop(best, sorted[i]!, (x) => logits[x]!, wide);
      }
      const tokens = this.vocabulary!.tokens();
      for (const id of best) scores.set(tokens[id]!, 0);
    }
    if (this.ngram && this.mix < 1) {
      for (const s of this.ngram.predict(history, wide, prefix)) scores.set(s.word, 0);
    }
    for (const word of scores.keys()) scores.set(word, this.#mixed(nn, history, word, mix));
    const ranked = [...scores]
      .filter(([w, p]) => p > 0 && !this.#blocked.has(w) && (this.#emoji || !isEmojiToken(w)))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const asSuggestion = ([word, probability]: [string, number]) => ({ word, probability });
    // The savings order weighs every candidate; otherwise only the k best are turned into results.
    const out =
      shown !== undefined && prefix !== '' && this.completionOrder === 'savings'
        ? bySavings(ranked.map(asSuggestion), prefix, shown).slice(0, k)
        : ranked.slice(0, k).map(asSuggestion);
    if (out.length < k && this.#typos)
      out.push(...this.#typoCompletions(nn, history, prefix, k - out.length, scores, mix));
    return out;
  }

  /**
   * Completions of what the person meant when `prefix` holds one typing error (typos.ts), best
   * first, none of the exact ones (`exact`). Two letters at least (one letter is one error
   * away from nearly every word), MAX_TYPO_PREFIX at most. Candidates come from the n-gram
   * model (from the network alone when there is none) for each prefix that may have been
   * meant, scored as exact ones are.
   */
  #typoCompletions(
    nn: Distribution | undefined,
    history: readonly string[],
    prefix: string,
    k: number,
    exact: ReadonlyMap<string, number>,
    mix: number,
  ): { word: string; probability: number }[] {
    const letters = [...prefix].length;
    if (letters < 2 || letters > MAX_TYPO_PREFIX) return [];
    const found = new Map<string, number>();
    const tokens = this.vocabulary?.tokens();
    for (const meant of oneTypoPrefixes(prefix)) {
      if (this.ngram && this.mix < 1) {
        for (const s of this.ngram.predict(history, k, meant)) found.set(s.word, 0);
      } else if (nn && tokens) {
        const [from, to] = this.#range(meant);
        const best: number[] = [],
          sorted = this.#sorted();
        for (let i = from; i < to; i++) insertTop(best, sorted[i]!, (x) => nn.logits[x]!, k);
        for (const id of best) found.set(tokens[id]!, 0);
      }
    }
    const ranked: [string, number][] = [];
    for (const w of found.keys()) {
      if (exact.has(w) || this.#blocked.has(w)) continue;
      const p = this.#mixed(nn, history, w, mix);
      if (p > 0) ranked.push([w, p]);
    }
    ranked.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return ranked.slice(0, k).map(([word, probability]) => ({ word, probability }));
  }

  /** P(word) under the mix with the network's weight `mix` (#mixAfter). */
  #mixed(nn: Distribution | undefined, history: readonly string[], word: string, mix: number): number {
    let p = 0;
    if (nn && this.vocabulary!.has(word)) p += mix * this.#probability(nn, this.vocabulary!.idOf(word));
    if (this.ngram && mix < 1) p += (1 - mix) * this.ngram.probability(history, word);
    return p;
  }

  /** The network's weight in the mix after `context` (tokens): `mix`, raised to
   * NETWORK_AFTER_MARK after a mark the n-gram model does not see. */
  #mixAfter(context: readonly string[]): number {
    const mixed = this.mix > 0 && this.mix < NETWORK_AFTER_MARK;
    return mixed && MARKS_UNSEEN_BY_NGRAM.has(context[context.length - 1] ?? '') ? NETWORK_AFTER_MARK : this.mix;
  }

  /**
   * The k best words for the text before the caret. Inside a word, completions of it keeping
   * the typed letters' case; after a space or punctuation, the next word, capitalised at a
   * sentence start. Best first: the next word by probability; a word's completions by the typing
   * each is expected to save (`completionOrder`, savings-order.ts) unless the predictor was made
   * with `completionOrder: 'probability'`. Never throws on a string.
   */
  predictNext(text: string, options: { k?: number } = {}): Suggestion[] {
    if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`);
    const k = checkInteger(options?.k ?? PREDICT_LIMITS.kDefault, 'k', ...PREDICT_LIMITS.k);
    text = boundedTail(text);
    const { context, partial, sentenceStart } = typingContext(text);
    const history = this.#history(text, partial);
    const prefix = partial.toLowerCase();
    // Re-casing can make two stored words one (σα and ςα both give Σα): keep the first.
    const seen = new Set<string>();
    const out: Suggestion[] = [];
    for (const { word, probability } of this.#rank(context, history, prefix, k + 4, k)) {
      const shown = recase(word, partial, sentenceStart);
      if (seen.has(shown)) continue;
      seen.add(shown);
      out.push({ word: shown, probability });
      if (out.length === k) break;
    }
    return out;
  }

  #history(text: string, partial: string): string[] {
    const nfc = text.normalize('NFC');
    return modelWords(nfc.slice(0, nfc.length - partial.length)).slice(-NGRAM_HISTORY);
  }

  /**
   * Several words ahead. 'recursive' feeds each predicted word back (beam search), and the
   * per-step probabilities show confidence decaying; 'direct' reads the seq2seq decoder.
   */
  continue(text: string, options: ContinueOptions = {}): Continuation[] {
    if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`);
    const n = checkInteger(options?.words ?? CONTINUE_DEFAULTS.words, 'words', ...PREDICT_LIMITS.words);
    const beam = checkInteger(options.beam ?? CONTINUE_DEFAULTS.beam, 'beam', ...PREDICT_LIMITS.beam);
    const k = checkInteger(options.k ?? CONTINUE_DEFAULTS.k, 'k', 1, beam);
    const method = checkOneOf(options.method ?? PHRASE_DEFAULTS.method, 'method', PHRASE_METHODS);
    text = boundedTail(text);
    const { context, partial, sentenceStart } = typingContext(text);
    const history = this.#history(text, partial);
    if (method === 'direct') return [this.#direct(context, partial, sentenceStart, n)];
    const beams = this.#beamSearch(context, history, { words: n, beam, prefix: partial.toLowerCase() });
    return beams
      .slice(0, k)
      .filter((b) => b.words.length > 0)
      .map((b) => ({
        words: b.words.map((w, i) => (i === 0 ? recase(w, partial, sentenceStart) : w)),
        probabilities: b.probabilities,
        probability: Math.exp(b.logp),
      }));
  }

  #direct(context: readonly string[], partial: string, sentenceStart: boolean, n: number): Continuation {
    const net = this.network;
    if (!net || net.config.shape !== 'seq2seq') {
      throw new RangeError(
        `method 'direct' needs a seq2seq model, this predictor has ${net ? net.config.shape : 'no network'}`,
      );
    }
    const ids = [BOS_ID, ...context.slice(-MAX_CONTEXT).map((t) => this.vocabulary!.idOf(t))];
    let state = net.initialState();
    for (const id of ids) state = net.step(state, id);
    const tokens = this.vocabulary!.tokens();
    const words: string[] = [];
    const probabilities: number[] = [];
    for (const dist of net.decode(state).slice(0, n)) {
      let best = -1;
      for (const id of this.#sorted()) if (best < 0 || dist[id]! > dist[best]!) best = id;
      words.push(tokens[best]!);
      probabilities.push(dist[best]!);
    }
    if (words.length > 0) words[0] = recase(words[0]!, partial, sentenceStart);
    return { words, probabilities, probability: probabilities.reduce((a, b) => a * b, 1) };
  }

  // Phrases ---------------------------------------------------------------------------------

  /** Raw phrases (lower case, untruncated past the threshold) per word boundary, newest last. */
  readonly #phrases = new Map<string, { words: string[]; probabilities: number[] }>();

  /**
   * The phrase to offer after the text before the caret: the next words (up to `words`) while
   * the whole phrase is at least `threshold` likely, or null (fewer than 2 such words). It is
   * computed once per word boundary and cached; letters typed inside the next word only filter
   * it (the phrase goes when its first word no longer starts with them) and re-case its first
   * word. `probabilities` holds each word's probability given the words before it.
   */
  phrase(text: string, options: PhraseOptions = {}): Continuation | null {
    if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`);
    const words = checkInteger(options?.words ?? PHRASE_DEFAULTS.words, 'words', ...PREDICT_LIMITS.words);
    const beam = checkInteger(options.beam ?? PHRASE_DEFAULTS.beam, 'beam', ...PREDICT_LIMITS.beam);
    const threshold = checkNumber(options.threshold ?? PHRASE_DEFAULTS.threshold, 'threshold', ...WEIGHT);
    const method = checkOneOf(options.method ?? PHRASE_DEFAULTS.method, 'method', PHRASE_METHODS);
    text = boundedTail(text);
    const { context, partial, sentenceStart } = typingContext(text);
    const raw = this.phraseAt(context, this.#history(text, partial), { words, beam, threshold, method });
    const prefix = partial.toLowerCase();
    if (!raw.words[0]?.startsWith(prefix)) return null;
    const n = phraseLength(raw.probabilities, threshold);
    if (n === 0) return null;
    const probabilities = raw.probabilities.slice(0, n);
    return {
      words: raw.words.slice(0, n).map((w, i) => (i === 0 ? recase(w, partial, sentenceStart) : w)),
      probabilities,
      probability: probabilities.reduce((a, b) => a * b, 1),
    };
  }

  /**
   * The phrase at a word boundary, lower case: `context` (tokens) and `history` (the last NGRAM_HISTORY
   * words) as `typingContext` and the n-gram model see them. Extending stops once the phrase's
   * probability falls under `threshold` (0: always `words` words); cached per boundary.
   */
  phraseAt(
    context: readonly string[],
    history: readonly string[],
    o: Required<PhraseOptions>,
  ): { words: string[]; probabilities: number[] } {
    const key = `${o.method} ${o.words} ${o.beam} ${o.threshold}\u0000${context.slice(-MAX_CONTEXT).join('\u0001')}\u0000${history.join(' ')}`;
    const hit = this.#phrases.get(key);
    if (hit) return hit;
    const raw = o.method === 'direct' ? this.#directPhrase(context, o) : this.#recursivePhrase(context, history, o);
    this.#phrases.set(key, raw);
    if (this.#phrases.size > PHRASE_CACHE) this.#phrases.delete(this.#phrases.keys().next().value!);
    return raw;
  }

  /** One-to-many: each word fed back, beam search over the mixed next-word distribution. */
  #recursivePhrase(
    context: readonly string[],
    history: readonly string[],
    o: Required<PhraseOptions>,
  ): { words: string[]; probabilities: number[] } {
    const best = this.#beamSearch(context, history, { words: o.words, beam: o.beam, floor: Math.log(o.threshold) })[0]!;
    return { words: best.words, probabilities: best.probabilities };
  }

  /**
   * Beam search over the mixed next-word distribution, each word fed back: up to `words` steps,
   * `beam` beams kept, the first word starting with `prefix`. Stops early when no word follows,
   * or when the best beam's log-probability falls under `floor` (it bounds every longer one's).
   * Beams best first; one empty beam when nothing could be predicted.
   */
  #beamSearch(
    context: readonly string[],
    history: readonly string[],
    o: { words: number; beam: number; prefix?: string; floor?: number },
  ): Beam[] {
    let beams: Beam[] = [{ context: [...context], history: [...history], words: [], probabilities: [], logp: 0 }];
    for (let step = 0; step < o.words; step++) {
      const next: Beam[] = [];
      for (const b of beams) {
        const prefix = step === 0 ? (o.prefix ?? '') : '';
        for (const { word, probability } of this.#rank(b.context, b.history, prefix, o.beam)) {
          next.push({
            context: [...b.context, word],
            history: [...b.history, word].slice(-NGRAM_HISTORY),
            words: [...b.words, word],
            probabilities: [...b.probabilities, probability],
            logp: b.logp + Math.log(probability),
          });
        }
      }
      if (next.length === 0) break;
      next.sort((a, b) => b.logp - a.logp);
      beams = next.slice(0, o.beam);
      if (o.floor !== undefined && beams[0]!.logp < o.floor) break;
    }
    return beams;
  }

  /** The seq2seq decoder's words from the encoder state after the context, word tokens only. */
  #directPhrase(context: readonly string[], o: Required<PhraseOptions>): { words: string[]; probabilities: number[] } {
    const net = this.network;
    if (!net || net.config.shape !== 'seq2seq') {
      throw new RangeError(
        `method 'direct' needs a seq2seq model, this predictor has ${net ? net.config.shape : 'no network'}`,
      );
    }
    const E = net.config.embeddingSize;
    const steps = net.weights.get('decoder/steps')!;
    const ids = [BOS_ID, ...context.slice(-MAX_CONTEXT).map((t) => this.vocabulary!.idOf(t))];
    let state = this.#stateOfIds(ids);
    const tokens = this.vocabulary!.tokens();
    const words: string[] = [];
    const probabilities: number[] = [];
    let p = 1;
    for (let t = 0; t < Math.min(o.words, net.config.horizon) && p >= o.threshold; t++) {
      state = net.step(state, 0, 'dec', steps.subarray(t * E, (t + 1) * E));
      const dist = this.#summarise(net.logits(state.top, this.#decoderLogits));
      const best = dist.top8[0];
      if (best === undefined) break;
      words.push(tokens[best]!);
      probabilities.push(this.#probability(dist, best));
      p *= probabilities[probabilities.length - 1]!;
    }
    return { words, probabilities };
  }

  get #decoderLogits(): Float32Array {
    return (this.#decoderBuffer ??= new Float32Array(this.network!.config.vocabSize));
  }
  #decoderBuffer: Float32Array | undefined;

  // Scorer (evaluation) -------------------------------------------------------------------

  suggest(before: string, typed: string, k: number): string[] {
    const { context } = typingContext(before);
    const history = modelWords(before).slice(-NGRAM_HISTORY);
    return this.#rank(context, history, typed, k, k).map((s) => s.word);
  }

  probability(before: string, word: string): number | undefined {
    const { context } = typingContext(before);
    const nn = this.network && this.mix > 0 ? this.#distribution(context) : undefined;
    const p = this.#mixed(nn, modelWords(before).slice(-NGRAM_HISTORY), word, this.#mixAfter(context));
    return p > 0 ? p : undefined;
  }

  inVocabulary(word: string): boolean {
    return (
      (this.mix > 0 && !!this.vocabulary?.has(word) && isWordToken(word)) || (this.mix < 1 && !!this.ngram?.has(word))
    );
  }

  /** Forgets cached states (after the weights change). */
  clearCache(): void {
    this.#phrases.clear();
    this.#states.clear();
    this.#distributions.clear();
  }
}
