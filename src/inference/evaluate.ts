/**
 * Quality figures by the one protocol of docs/evaluation.md: top-1, top-3, keystroke savings
 * with 3 suggestions, perplexity over in-vocabulary targets, OOV rate.
 * Pure: no DOM, no I/O.
 */
import { EVAL_WORD_PATTERN, describe } from '../text/tokenize.js';

/** What the evaluation needs of a predictor. Words are lower case. */
export interface Scorer {
  /** The k best next words that start with `typed`, best first. `before` is the line's text
   * before the word (lower-cased NFC, punctuation included). */
  suggest(before: string, typed: string, k: number): string[];
  /** P(word | before), or undefined when the model gives no probabilities. */
  probability?(before: string, word: string): number | undefined;
  /** Whether the word can be predicted at all. */
  inVocabulary(word: string): boolean;
}

export interface EvaluationResult {
  /** Shares as fractions 0–1. */
  top1: number;
  top3: number;
  ksr: number;
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
}

/** Scores a predictor on test lines (one sentence each). */
export function evaluate(scorer: Scorer, lines: readonly string[], options: EvaluationOptions = {}): EvaluationResult {
  if (!Array.isArray(lines)) throw new TypeError(`lines must be an array of strings, got ${describe(lines)}`);
  let words = 0,
    hit1 = 0,
    hit3 = 0,
    oov = 0,
    keystrokes = 0,
    characters = 0,
    nll = 0,
    scored = 0;
  lines.forEach((raw, lineIndex) => {
    if (typeof raw !== 'string') throw new TypeError(`lines[${lineIndex}] must be a string, got ${describe(raw)}`);
    const line = raw.normalize('NFC').toLowerCase();
    for (const m of line.matchAll(EVAL_WORD_PATTERN)) {
      const word = m[0];
      const before = line.slice(0, m.index);
      words++;
      const letters = Array.from(word);
      characters += letters.length + 1;
      if (!scorer.inVocabulary(word)) {
        oov++;
        keystrokes += letters.length + 1;
        continue;
      }
      const top = scorer.suggest(before, '', 3);
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
        let cost = letters.length + 1;
        for (let j = 0; j < letters.length; j++) {
          const suggestions = j === 0 ? top : scorer.suggest(before, letters.slice(0, j).join(''), 3);
          if (suggestions.includes(word)) {
            cost = j + 1;
            break;
          }
        }
        keystrokes += cost;
      }
    }
    options.onLine?.(lineIndex + 1, lines.length);
  });
  const share = (n: number) => (words === 0 ? 0 : n / words);
  return {
    top1: share(hit1),
    top3: share(hit3),
    ksr: options.skipKsr || characters === 0 ? NaN : 1 - keystrokes / characters,
    perplexity: scored === 0 ? NaN : Math.exp(nll / scored),
    oov: share(oov),
    words,
    lines: lines.length,
  };
}
