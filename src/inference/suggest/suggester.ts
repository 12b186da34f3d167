/**
 * The suggestion bar's rules, in one place: `<rnn-predict>` shows what a Suggester offers, and
 * `evaluate()` measures a typist offered the same (`ksrPassedOverLast`), so the two cannot
 * drift. The rules: nothing in an empty field; `k` words (1–9, 3 by default), each once, never
 * an empty one nor the word already typed in full (unless it is the only one); words shown for
 * the word being typed and passed over come last (PassedOver). The text before the caret is
 * parsed once per offer: the parts (`Typing`) go with the words, for the ghost text and the
 * phrase. Pure: no DOM, no I/O, no tfjs.
 */
import { typingContext } from '../../text/tokenize.js';
import { PassedOver } from './passed-over.js';

/** How many words a bar offers: `default` unless asked for 1 to `max`. */
export const SUGGESTIONS = { default: 3, max: 9 } as const;

/** The text before the caret in its two parts. */
export interface Typing {
  /** All of it. */
  readonly before: string;
  /** The text before the word being typed (`before` without `partial`). */
  readonly head: string;
  /** The letters of the word being typed ('' after a space or punctuation). */
  readonly partial: string;
}

/** The predictor's `n` best words after `head` that start with `partial`, best first. */
export type WordSource = (head: string, partial: string, n: number) => readonly string[];

/** The word being typed at the end of `before` (the text up to the caret), as the predictor sees it. */
export function partialWord(before: string): string {
  if (before.normalize('NFC') === before) return typingContext(before).partial;
  return /[\p{L}\p{M}\p{N}'’]+$/u.exec(before)?.[0] ?? '';
}

/** Splits the text before the caret into the text before the word being typed and its letters. */
export function typing(before: string): Typing {
  const partial = partialWord(before);
  return { before, head: before.slice(0, before.length - partial.length), partial };
}

/**
 * Whether a suggestion bar offers nothing for this text before the caret: an empty (or blank)
 * field. `<rnn-predict>` shows no suggestions there, and `evaluate()`'s typist is offered a
 * line's first word only after its first letter.
 */
export function offersNothing(before: string): boolean {
  return before.trim() === '';
}

/** `k` as a bar takes it: an integer from 1 to SUGGESTIONS.max (larger ones are cut to it), else the default. */
export function barSize(k: unknown): number {
  return Number.isInteger(k) && (k as number) >= 1 ? Math.min(k as number, SUGGESTIONS.max) : SUGGESTIONS.default;
}

export class Suggester {
  /** The words offered for the word being typed, which the person typed past. */
  readonly #passedOver = new PassedOver();
  #k: number = SUGGESTIONS.default;

  constructor(options: { k?: number } = {}) {
    this.k = options.k;
  }

  /** How many words an offer holds (set: any value; see `barSize`). */
  get k(): number {
    return this.#k;
  }

  set k(k: unknown) {
    this.#k = barSize(k);
  }

  /**
   * The words to offer for the text before the caret (a string, parsed once, or its parts),
   * best first: none in an empty field; else the source's best, each once, with those passed
   * over for the word being typed last. `alongFirst`: the first word also shows inline (ghost
   * text), where a person types along it; it is then never passed over.
   */
  offer(text: string | Typing, source: WordSource, options: { alongFirst?: boolean } = {}): string[] {
    const t = typeof text === 'string' ? typing(text) : text;
    if (offersNothing(t.before)) return [];
    // Asked for once: `k` plus as many as were passed over and still fit what is typed.
    return this.#passedOver.rank(
      t.head,
      t.partial,
      this.#k,
      (n) => {
        const words = [...new Set(source(t.head, t.partial, n))].filter((w) => w !== '');
        // Suggesting exactly the word already typed in full adds nothing.
        return t.partial && words.length > 1 ? words.filter((w) => w !== t.partial) : words;
      },
      options.alongFirst,
    );
  }

  /** Forgets what was passed over (a new field, a new message). */
  clear(): void {
    this.#passedOver.clear();
  }
}
