/**
 * What a suggestion bar remembers while one word is typed: the words it offered for the
 * letters typed so far, which the person passed over by typing another letter instead of taking
 * one. Such a word is ranked after every word not yet passed over (it still shows when too few
 * others start with the letters typed), so the next letter brings new words into the few places
 * there are. The Suggester (suggester.ts) ranks the words it offers this way, for
 * `<rnn-predict>`'s chips and `evaluate()`'s `passedOverLast` typist (docs/evaluation.md).
 * Pure: no DOM, no I/O.
 */
export class PassedOver {
  /** The text before the word being typed at the last offer. */
  #context = '';
  /** Its letters typed then (lower case). */
  #typed: string | undefined;
  /** What was offered then (lower case). */
  #offered: readonly string[] = [];
  /** Offered for shorter prefixes of the word and passed over (lower case). */
  #passed = new Set<string>();

  /**
   * The `k` words to offer for the word begun with `typed` (its letters so far, '' before the
   * first) after `context` (the text before that word), best first, with words passed over
   * for this word last; they are remembered as offered. `suggest(n)` gives the predictor's `n`
   * best words for this place, best first: it is asked for `k` plus as many as were passed
   * over and still fit what is typed. The memory starts again for another `context`, or when
   * `typed` does not continue what was typed at the last offer (a letter deleted, a word
   * taken); the same `typed` again (a new model answering, a redraw) passes nothing over.
   * `alongFirst`: the first word also shows inline after the caret (ghost text), where a person
   * types along it; it is then never passed over.
   */
  rank(
    context: string,
    typed: string,
    k: number,
    suggest: (n: number) => readonly string[],
    alongFirst = false,
  ): string[] {
    const letters = typed.toLowerCase();
    if (context !== this.#context || this.#typed === undefined || !letters.startsWith(this.#typed)) {
      this.#passed = new Set();
    } else if (letters !== this.#typed) {
      for (const w of this.#offered) this.#passed.add(w);
    }
    let stillFit = 0;
    for (const w of this.#passed) if (w.startsWith(letters)) stillFit++;
    const candidates = suggest(k + stillFit);
    const fresh = candidates.filter((w) => !this.#passed.has(w.toLowerCase()));
    const passed = candidates.filter((w) => this.#passed.has(w.toLowerCase()));
    const out = [...fresh, ...passed].slice(0, k);
    this.#context = context;
    this.#typed = letters;
    this.#offered = out.slice(alongFirst ? 1 : 0).map((w) => w.toLowerCase());
    return out;
  }

  /** Forgets everything (a new field, a sent message). */
  clear(): void {
    this.#context = '';
    this.#typed = undefined;
    this.#offered = [];
    this.#passed = new Set();
  }
}
