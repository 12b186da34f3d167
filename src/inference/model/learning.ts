/**
 * What learning a person's message does to the trigram, written once for the SDK's `learn()`
 * and the evaluation of a stream (`rnn-predict eval --adapt`). Pure: no DOM, no I/O.
 */
import { modelWords } from '../../text/tokenize.js';
import type { KneserNeyTrigram } from './ngram.js';

/** How many times a learned message counts in the trigram, against one corpus line. */
export const LEARNED_WEIGHT = 3;

/** Adds a learned message to the trigram's counts in place; false when it has no words (nor emoji). */
export function learnInto(ngram: KneserNeyTrigram, text: string): boolean {
  const words = modelWords(text);
  if (words.length === 0) return false;
  ngram.add(words, LEARNED_WEIGHT);
  return true;
}

/** Learned messages as trigram training lines: each message's words, `LEARNED_WEIGHT` times
 * (what `learnInto` adds one message at a time, for a full build). */
export function learnedLines(messages: Iterable<string>): string[][] {
  const out: string[][] = [];
  for (const m of messages) {
    const words = modelWords(m);
    for (let i = 0; i < LEARNED_WEIGHT; i++) out.push(words);
  }
  return out;
}
