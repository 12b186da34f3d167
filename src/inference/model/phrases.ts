/**
 * Several words at once (`WordPredictor.continue` and `.phrase`): what they return, their
 * options and defaults, and the one rule for how many of a phrase's words to show.
 * Pure: no DOM, no I/O.
 */

/** How several words are made: 'recursive', the next-word model fed back word by word
 * (one-to-many); 'direct', a seq2seq model's decoder output (many-to-many). */
export const PHRASE_METHODS = ['recursive', 'direct'] as const;
export type PhraseMethod = (typeof PHRASE_METHODS)[number];

export interface Continuation {
  /** The words, in order; the first completes a partly typed word when there is one. */
  words: string[];
  /** The probability of each word given everything before it, showing how confidence decays. */
  probabilities: number[];
  /** Their product: the probability of the whole continuation. */
  probability: number;
}

export interface ContinueOptions {
  /** How many words (default 3). */
  words?: number;
  /** Beam width for the recursive method (default 4). */
  beam?: number;
  /** How many continuations to return, best first (default 1, at most `beam`). */
  k?: number;
  /** 'recursive': each predicted word fed back (one-to-many, beam search); 'direct': the
   * seq2seq model's decoder output. Default: 'recursive'. */
  method?: PhraseMethod;
}

/** What `predictNext`, `continue` and `phrase` accept, and their defaults (the CLI's flags
 * read the same numbers). */
export const PREDICT_LIMITS = {
  /** Suggestions asked of predictNext: [least, most] and the default. */
  k: [1, 100],
  kDefault: 3,
  /** Words ahead (continue, phrase). */
  words: [1, 20],
  /** Beam width of the recursive method. */
  beam: [1, 16],
} as const;

/** `continue()`'s defaults: words ahead, beam width, continuations returned. */
export const CONTINUE_DEFAULTS = { words: 3, beam: 4, k: 1 } as const;

/** Phrase suggestions (`WordPredictor.phrase`): the defaults, chosen on tatoeba-es.dev.txt
 * (docs/quality.md, "Phrases: two ways compared"). */
export const PHRASE_DEFAULTS = {
  /** Most words in a phrase. */
  words: 4,
  /** Fewest words: a one-word phrase is just the top suggestion. */
  minWords: 2,
  /** Least probability of the whole phrase (the product of its words' probabilities). */
  threshold: 0.2,
  /** Beam width of the recursive method (1: greedy, the cheapest per word boundary). */
  beam: 1,
  /** How the words are made (PHRASE_METHODS); `continue()` uses the same. */
  method: PHRASE_METHODS[0],
} as const;

export interface PhraseOptions {
  /** Most words (default 4, at most the decoder's horizon with 'direct'). */
  words?: number;
  /** Least probability of the whole phrase, in [0, 1] (default `PHRASE_DEFAULTS.threshold`):
   * the phrase keeps its longest head whose probability reaches it. */
  threshold?: number;
  /** 'recursive': the next-word model fed back word by word, mixed with the trigram;
   * 'direct': a seq2seq model's decoder. Default: `'recursive'`. */
  method?: PhraseMethod;
  /** Beam width of the recursive method (default 1). */
  beam?: number;
}

/**
 * How many of a phrase's words to show: the longest head whose probability (the product of
 * its words' probabilities) is at least `threshold`, or 0 when that is under `minWords`.
 * The one rule for the element, the SDK and the evaluation's typist.
 */
export function phraseLength(
  probabilities: readonly number[],
  threshold: number,
  minWords: number = PHRASE_DEFAULTS.minWords,
): number {
  let p = 1,
    n = 0;
  while (n < probabilities.length && (p *= probabilities[n]!) >= threshold) n++;
  return n >= minWords ? n : 0;
}
