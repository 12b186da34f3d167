/**
 * What an evaluation (suggest/evaluate.ts) needs of a predictor: the word predictor implements
 * it, so it is declared beside it. Pure: no DOM, no I/O.
 */

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
