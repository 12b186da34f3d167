/**
 * What the element offers for the text before the caret, from the predictor: replies to the
 * message received while the field is empty, else the Suggester's words (the suggestion bar's
 * rules, the same as evaluate()'s typist's) and, with ghost text, a confident phrase. A
 * predictor's failure is reported (`error`) and offers nothing.
 */
import type { Predictor } from '../src/index.js';
import { Suggester, typing, type Typing } from '../src/engine.js';

/** A phrase offered as ghost text: its words (as inserted) and each word's probability given those before it. */
export type Phrase = { words: string[]; probabilities: number[] };

export interface Offer {
  words: string[];
  typed: Typing;
  phrase: Phrase | null;
  /** The words are replies to the message received (the field is empty), not next words. */
  replying: boolean;
}

export interface OfferOptions {
  /** How many (the `suggestions` attribute; Suggester.k reads it). */
  k: number;
  /** Ghost text shows: the top word is never passed over, and phrases may show. */
  ghost: boolean;
  phrases: boolean;
  /** The message received, while replies are on. */
  replyTo: string | undefined;
}

export class Offers {
  readonly #suggester = new Suggester();
  /** The reply model is loading for this element (`repliesReady` is called when it is in). */
  #awaitingReplies = false;

  constructor(readonly host: { error(e: unknown): void; repliesReady(): void }) {}

  /** Forgets what was passed over (a new field). */
  clear(): void {
    this.#suggester.clear();
  }

  /** What to offer for `before` (the text before the caret) in a field whose whole text is `text`. */
  offer(p: Predictor, before: string, text: string, o: OfferOptions): Offer {
    this.#suggester.k = o.k;
    const typed = typing(before);
    if (text.trim() === '' && o.replyTo) {
      const replies = this.#replies(p, o.replyTo);
      if (replies.length > 0) return { words: replies, typed, phrase: null, replying: true };
    }
    let words: string[] = [];
    try {
      // The ghost's word is never passed over: a person may be typing along it.
      words = this.#suggester.offer(
        typed,
        (head, partial, n) => p.predictNext(head + partial, { k: n }).map((s) => s.word),
        { alongFirst: o.ghost },
      );
    } catch (e) {
      this.host.error(e);
    }
    const phrase = o.ghost && o.phrases && words.length > 0 ? this.#phrase(p, before) : null;
    return { words, typed, phrase, replying: false };
  }

  /** The replies to `message` (empty while the reply model loads: `repliesReady` follows when it is in). */
  #replies(p: Predictor, message: string): string[] {
    if (typeof p.replies !== 'function') return [];
    try {
      const replies = p.replies(message, { k: this.#suggester.k }).map((r) => r.text);
      if (replies.length === 0 && !this.#awaitingReplies) {
        this.#awaitingReplies = true;
        p.repliesReady.then(
          () => this.host.repliesReady(),
          (e: unknown) => this.host.error(e),
        );
      }
      return replies;
    } catch (e) {
      this.host.error(e);
      return [];
    }
  }

  /** The phrase for the text before the caret (computed once per word boundary by the predictor), or null. */
  #phrase(p: Predictor, before: string): Phrase | null {
    if (typeof p.phrase !== 'function') return null;
    try {
      const phrase = p.phrase(before);
      return phrase ? { words: phrase.words, probabilities: phrase.probabilities } : null;
    } catch (e) {
      this.host.error(e);
      return null;
    }
  }
}
