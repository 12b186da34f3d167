/**
 * What a word predictor is made of (a network and its vocabulary, an n-gram model, or both)
 * and its settings, with the one check of those settings. Pure: no DOM, no I/O.
 */
import { checkBoolean, describe } from '../../base/checks.js';
import type { Vocabulary } from '../../text/vocabulary.js';
import type { RecurrentNetwork } from './recurrent-network.js';
import type { KneserNeyTrigram } from './ngram.js';
import type { CompletionOrder } from './savings-order.js';

export interface PredictorParts {
  network?: RecurrentNetwork;
  vocabulary?: Vocabulary;
  ngram?: KneserNeyTrigram;
  /** Weight of the network in the mix, 0–1 (default 0.5 when both are present); raised to
   * `NETWORK_AFTER_MARK` (0.85) right after "¿", "¡", ",", ";" or ":", which the n-gram model
   * does not see. */
  mix?: number;
  /** Complete a word typed with one error (a neighbouring key, a forgotten accent, a letter
   * left out or one too many), ranked below every exact completion (default true). */
  typos?: boolean;
  /** Words never suggested (any case; compared in lower-case NFC). */
  blocked?: Iterable<string>;
  /** Suggest emoji that the models know (from the corpus or learned messages) after a word,
   * as they suggest words (default true); false: words only. */
  emoji?: boolean;
  /** How the completions of a partly typed word are ordered: 'savings' (default), by the typing
   * each is expected to save (probability × √letters saved: savings-order.ts), or 'probability'.
   * The next word after a space is always ordered by probability. */
  completionOrder?: CompletionOrder;
}

/** The typo, block and emoji settings of a predictor's parts, checked. */
export function learningParts(parts: PredictorParts): [boolean, ReadonlySet<string>, boolean] {
  const typos = checkBoolean(parts.typos ?? true, 'typos');
  const emoji = checkBoolean(parts.emoji ?? true, 'emoji');
  const blocked = new Set<string>();
  if (parts.blocked !== undefined) {
    if (typeof parts.blocked !== 'object' || parts.blocked === null || !(Symbol.iterator in parts.blocked))
      throw new TypeError(`blocked must be an iterable of words, got ${describe(parts.blocked)}`);
    for (const w of parts.blocked) {
      if (typeof w !== 'string') throw new TypeError(`blocked must hold words (strings), got ${describe(w)}`);
      blocked.add(w.normalize('NFC').toLowerCase());
    }
  }
  return [typos, blocked, emoji];
}
