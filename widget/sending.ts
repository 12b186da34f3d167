/**
 * What the element does when the person sends (Enter that sends, the form's submit): the space
 * an accepted word left at the end goes first, so the page never sends it, and with `learn`
 * the message sent is learned (as a reply to `reply-to` when one is set), once.
 */
import type { Predictor } from '../src/index.js';
import type { FieldAdapter } from './fields/adapter.js';

/** What the sender reads from the element. */
export interface SendHost {
  field(): FieldAdapter | undefined;
  predictor(): Predictor | undefined;
  /** The `learn` attribute. */
  learning(): boolean;
  /** The message replied to, while replies are on. */
  inReplyTo(): string | undefined;
  /** After learning: predict again. */
  learned(): void;
  error(e: unknown): void;
}

export class Sending {
  #lastLearned = { text: '', at: 0 };
  /** The field's text right after an accepted word added a space at its end (undefined: none);
   * a send while the text is still that drops the space. */
  trailing: string | undefined;

  constructor(readonly host: SendHost) {}

  /** Enter that sends: the page handles the key or clears the field (a newline is not a send). */
  enter(e: KeyboardEvent): void {
    const field = this.host.field()!;
    this.dropTrailingSpace();
    if (!this.host.learning()) return;
    const text = field.text();
    setTimeout(() => {
      if (e.defaultPrevented || (field.text().trim() === '' && text.trim() !== '')) this.learn(text);
    });
  }

  /** The field's form is submitted. */
  submit(): void {
    this.dropTrailingSpace();
    const f = this.host.field();
    if (this.host.learning() && f) this.learn(f.text());
  }

  /** Removes the space an accepted word added at the end of the text, if nothing was typed since. */
  dropTrailingSpace(): void {
    const f = this.host.field();
    if (!f || this.trailing === undefined || f.text() !== this.trailing) return;
    this.trailing = undefined;
    if (f.textAfterCaret() === '' && f.textBeforeCaret()?.endsWith(' '))
      f.insertAtCaret({ deleteBefore: 1, deleteAfter: 0, text: '', caretAfter: 0 });
  }

  learn(text: string): void {
    const p = this.host.predictor();
    const now = Date.now();
    if (!p || typeof p.learn !== 'function' || text.trim() === '') return;
    if (this.#lastLearned.text === text && now - this.#lastLearned.at < 1000) return;
    this.#lastLearned = { text, at: now };
    // A message sent while one received is set is learned as a reply to it.
    p.learn(text, this.host.inReplyTo()).then(
      () => this.host.learned(),
      (e: unknown) => this.host.error(e),
    );
  }
}
