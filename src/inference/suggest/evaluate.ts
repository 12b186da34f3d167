/**
 * Quality figures by the one protocol of docs/evaluation.md: top-1, top-3, keystroke savings
 * with 3 suggestions, perplexity over in-vocabulary targets, OOV rate.
 * Pure: no DOM, no I/O.
 */
import { EVAL_WORD_PATTERN } from '../../text/tokenize.js';
import { checkNumber, describe, WEIGHT } from '../../base/checks.js';
import { mulberry32 } from '../../data/windows.js';
import { typeWithTypos } from '../../text/typos.js';
import { Suggester, SUGGESTIONS, type WordSource } from './suggester.js';
import type { Scorer } from '../model/scorer.js';

export type { Scorer };

export interface EvaluationResult {
  /** Shares as fractions 0–1. */
  top1: number;
  top3: number;
  ksr: number;
  /** KSR by the same typist offered words as `<rnn-predict>` offers them (Suggester): those
   * shown and passed over for the word being typed last, nothing in an empty field (before a
   * line's first letter), never the letters typed as a word of their own (unless alone); NaN
   * unless `passedOverLast`. */
  ksrPassedOverLast: number;
  /** exp(mean −log p) over in-vocabulary targets; NaN when the scorer gives no probabilities. */
  perplexity: number;
  oov: number;
  /** Targets scored. */
  words: number;
  lines: number;
}

export interface EvaluationOptions {
  /** Skip KSR (the slowest figure). */
  skipKsr?: boolean;
  /** Called after each line with the number of lines done. */
  onLine?: (done: number, total: number) => void;
  /** Called with each line (as given) once it is scored, before the next: where a stream
   * evaluation learns it, as a page's `learn()` does after a message is sent. */
  afterLine?: (line: string) => void;
  /** KSR by a typist who mistypes this share of letters (0–1, default 0): see
   * `typeWithTypos` in typos.ts. The words before are always the intended ones. */
  typos?: number;
  /** Seed of the typist's errors (default 1). */
  seed?: number;
  /** Also measure `ksrPassedOverLast` (a second KSR pass over the same words). */
  passedOverLast?: boolean;
}

/**
 * Keystrokes to type `word` after `before` with 3 suggestions (docs/evaluation.md, KSR): its
 * letters one by one until it is among the suggestions for the letters typed so far, then one
 * to choose it (which types the space too); letters + space when it never shows. `top` is the
 * suggestion list before its first letter, when already known.
 */
export function wordKeystrokes(
  scorer: Scorer,
  before: string,
  word: string,
  top?: readonly string[],
  keys: readonly string[] = Array.from(word),
): number {
  if (!scorer.inVocabulary(word)) return keys.length + 1;
  for (let j = 0; j < keys.length; j++) {
    const suggestions = j === 0 && top ? top : scorer.suggest(before, keys.slice(0, j).join(''), SUGGESTIONS.default);
    if (suggestions.includes(word)) return j + 1;
  }
  return keys.length + 1;
}

/** Scores a predictor on test lines (one sentence each). */
export function evaluate(scorer: Scorer, lines: readonly string[], options: EvaluationOptions = {}): EvaluationResult {
  if (!Array.isArray(lines)) throw new TypeError(`lines must be an array of strings, got ${describe(lines)}`);
  let words = 0,
    hit1 = 0,
    hit3 = 0,
    oov = 0,
    keystrokes = 0,
    keystrokesPassedOver = 0,
    characters = 0,
    nll = 0,
    scored = 0;
  // The typist offered what <rnn-predict> offers: one Suggester, the element's rules.
  const bar = options.passedOverLast ? new Suggester() : undefined;
  const typos = options.typos ?? 0;
  if (typeof typos !== 'number' || !(typos >= 0 && typos <= 1))
    throw new RangeError(`typos must be a share of letters in [0, 1], got ${describe(typos)}`);
  const random = mulberry32(options.seed ?? 1);
  lines.forEach((raw, lineIndex) => {
    if (typeof raw !== 'string') throw new TypeError(`lines[${lineIndex}] must be a string, got ${describe(raw)}`);
    const line = raw.normalize('NFC').toLowerCase();
    bar?.clear(); // a new message: nothing passed over carries over (another context)
    for (const m of line.matchAll(EVAL_WORD_PATTERN)) {
      const word = m[0];
      const before = line.slice(0, m.index);
      words++;
      const letters = Array.from(word);
      characters += letters.length + 1;
      if (!scorer.inVocabulary(word)) {
        oov++;
        keystrokes += letters.length + 1;
        keystrokesPassedOver += letters.length + 1;
        continue;
      }
      const top = scorer.suggest(before, '', SUGGESTIONS.default);
      if (top[0] === word) hit1++;
      if (top.includes(word)) hit3++;
      if (scorer.probability) {
        const p = scorer.probability(before, word);
        if (p !== undefined && p > 0) {
          nll -= Math.log(p);
          scored++;
        }
      }
      if (!options.skipKsr) {
        // What the typist's keys give, letter by letter; with typos, the word may never come.
        const keys = typos > 0 ? Array.from(typeWithTypos(word, typos, random)) : undefined;
        keystrokes += wordKeystrokes(scorer, before, word, top, keys);
        if (bar) {
          // Before a word's first letter nothing is passed over yet: the list is `top`.
          const source: WordSource = (head, typed, n) =>
            typed === '' && head === before && n === SUGGESTIONS.default ? top : scorer.suggest(head, typed, n);
          const offered: Scorer = {
            inVocabulary: (w) => scorer.inVocabulary(w),
            suggest: (head, typed) => bar.offer({ before: head + typed, head, partial: typed }, source),
          };
          // In an empty field nothing shows: a line's first word gets its first offer after its first letter.
          const shown = bar.offer({ before, head: before, partial: '' }, source);
          keystrokesPassedOver += wordKeystrokes(offered, before, word, shown, keys);
        }
      }
    }
    options.afterLine?.(raw);
    options.onLine?.(lineIndex + 1, lines.length);
  });
  const share = (n: number) => (words === 0 ? 0 : n / words);
  return {
    top1: share(hit1),
    top3: share(hit3),
    ksr: options.skipKsr || characters === 0 ? NaN : 1 - keystrokes / characters,
    ksrPassedOverLast: options.skipKsr || !bar || characters === 0 ? NaN : 1 - keystrokesPassedOver / characters,
    perplexity: scored === 0 ? NaN : Math.exp(nll / scored),
    oov: share(oov),
    words,
    lines: lines.length,
  };
}

/** A phrase at a word boundary: lower-case words, each with its probability given the words
 * before it, untruncated (the typist applies each threshold). */
export interface RawPhrase {
  words: readonly string[];
  probabilities: readonly number[];
}

export interface PhraseEvaluation {
  threshold: number;
  /** KSR with 3 suggestions and the phrase (fraction 0–1). */
  ksrWithPhrases: number;
  /** Accepted phrases / phrases shown. */
  phrasePrecision: number;
  /** Mean words per accepted phrase. */
  wordsPerPhrase: number;
  /** Word boundaries where a phrase showed. */
  phrasesShown: number;
  phrasesAccepted: number;
}

export interface PhraseEvaluationResult {
  /** KSR with the 3 suggestions alone, by the same typist. */
  ksr: number;
  /**
   * The most any threshold or length rule could reach with these phrases: the KSR of a typist
   * shown, at each boundary, whichever head of the phrase (of a length `length` can show) saves
   * the most keystrokes over the whole line, as if it knew the text.
   */
  ksrCeiling: number;
  words: number;
  lines: number;
  /** One per threshold, in the order given. */
  thresholds: PhraseEvaluation[];
}

/**
 * The phrase typist (docs/quality.md, "Phrases: two ways compared"): types each line as the KSR typist does, but at each
 * word boundary (before the first letter of a word) first looks at the phrase shown there —
 * its longest head at least `threshold` likely, 2 words or more (`phraseLength`). When the
 * phrase's words are exactly the line's next words, accepting it costs one keystroke (which
 * types them and the space after); otherwise the phrase is ignored and the word is typed with
 * the 3 suggestions. `phraseOf(before)` gives the phrase after a line's text `before` (lower
 * case); it is read once per boundary and every threshold is scored on the same phrases.
 */
export function evaluatePhrases(
  scorer: Scorer,
  lines: readonly string[],
  phraseOf: (before: string) => RawPhrase,
  thresholds: readonly number[],
  length: (probabilities: readonly number[], threshold: number) => number,
  options: { onLine?: (done: number, total: number) => void } = {},
): PhraseEvaluationResult {
  if (!Array.isArray(lines)) throw new TypeError(`lines must be an array of strings, got ${describe(lines)}`);
  for (const t of thresholds) checkNumber(t, 'each threshold', ...WEIGHT);
  const stats = thresholds.map((threshold) => ({ threshold, keystrokes: 0, shown: 0, accepted: 0, acceptedWords: 0 }));
  let characters = 0,
    wordOnly = 0,
    ceiling = 0,
    total = 0;
  lines.forEach((raw, lineIndex) => {
    if (typeof raw !== 'string') throw new TypeError(`lines[${lineIndex}] must be a string, got ${describe(raw)}`);
    const line = raw.normalize('NFC').toLowerCase();
    const matches = [...line.matchAll(EVAL_WORD_PATTERN)];
    const words = matches.map((m) => m[0]);
    const befores = matches.map((m) => line.slice(0, m.index));
    const costs = words.map((w, i) => wordKeystrokes(scorer, befores[i]!, w));
    const phrases = befores.map((b) => phraseOf(b));
    const chars = words.map((w) => Array.from(w).length + 1);
    total += words.length;
    for (let i = 0; i < words.length; i++) {
      characters += chars[i]!;
      wordOnly += costs[i]!;
    }
    // The ceiling: fewest keystrokes from word i on, taking a right head of n words (n the rule
    // can show at all, i.e. at threshold 0) for one keystroke, or typing word i.
    const fewest = new Array<number>(words.length + 1).fill(0);
    for (let i = words.length - 1; i >= 0; i--) {
      let best = costs[i]! + fewest[i + 1]!;
      const { words: shown, probabilities } = phrases[i]!;
      for (let n = 1; n <= shown.length && i + n <= words.length && shown[n - 1] === words[i + n - 1]; n++) {
        if (length(probabilities.slice(0, n), 0) === n) best = Math.min(best, 1 + fewest[i + n]!);
      }
      fewest[i] = best;
    }
    ceiling += fewest[0]!;
    for (const s of stats) {
      for (let i = 0; i < words.length;) {
        const phrase = phrases[i]!;
        const n = length(phrase.probabilities, s.threshold);
        if (n > 0) {
          s.shown++;
          if (i + n <= words.length && phrase.words.slice(0, n).every((w, j) => w === words[i + j])) {
            s.accepted++;
            s.acceptedWords += n;
            s.keystrokes += 1;
            i += n;
            continue;
          }
        }
        s.keystrokes += costs[i]!;
        i++;
      }
    }
    options.onLine?.(lineIndex + 1, lines.length);
  });
  const ksr = (k: number) => (characters === 0 ? NaN : 1 - k / characters);
  return {
    ksr: ksr(wordOnly),
    ksrCeiling: ksr(ceiling),
    words: total,
    lines: lines.length,
    thresholds: stats.map((s) => ({
      threshold: s.threshold,
      ksrWithPhrases: ksr(s.keystrokes),
      phrasePrecision: s.shown === 0 ? 0 : s.accepted / s.shown,
      wordsPerPhrase: s.accepted === 0 ? 0 : s.acceptedWords / s.accepted,
      phrasesShown: s.shown,
      phrasesAccepted: s.accepted,
    })),
  };
}

export interface AdaptationResult {
  /** KSR on the second half of the stream before learning anything (fraction 0–1). */
  ksrBefore: number;
  /** KSR on the second half once the first half was learned, each of its lines scored and
   * then learned in turn. */
  ksrAfter: number;
  top1Before: number;
  top1After: number;
  /** Lines learned before the second half, and lines scored in it. */
  learned: number;
  scored: number;
}

/**
 * How much learning helps on a stream of a person's messages, in order: the second half is
 * scored by the model as it is, then the first half is learned (`learn`, as a page's
 * `learn()` after each sent message) and the second half is scored again, each line predicted
 * and then learned. The model is changed by `learn`: pass a fresh one.
 */
export function evaluateAdaptation(
  scorer: Scorer,
  lines: readonly string[],
  learn: (line: string) => void,
  options: Omit<EvaluationOptions, 'afterLine' | 'skipKsr'> = {},
): AdaptationResult {
  if (!Array.isArray(lines)) throw new TypeError(`lines must be an array of strings, got ${describe(lines)}`);
  if (lines.length < 2) throw new RangeError(`an adaptation stream needs at least 2 lines, got ${lines.length}`);
  const half = Math.floor(lines.length / 2);
  const second = lines.slice(half);
  const before = evaluate(scorer, second, options);
  for (const line of lines.slice(0, half)) learn(line);
  const after = evaluate(scorer, second, { ...options, afterLine: learn });
  return {
    ksrBefore: before.ksr,
    ksrAfter: after.ksr,
    top1Before: before.top1,
    top1After: after.top1,
    learned: half,
    scored: second.length,
  };
}
