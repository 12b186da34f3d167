/**
 * `<rnn-predict>`: next-word suggestions for the text field placed inside it: an `<input>`, a
 * `<textarea>`, a contenteditable element, or an editor's own field through a field adapter
 * (`el.field`; fields/adapter.ts). The field stays the page's own (forms, frameworks and styles
 * keep working); the element adds a bar of suggestion chips and, optionally, the top suggestion
 * as ghost text after the caret.
 *
 * Accessibility (WAI-ARIA combobox pattern): an `<input>` becomes the combobox (`role`,
 * `aria-expanded`, `aria-controls`, `aria-autocomplete="list"`, `aria-activedescendant`); a
 * `<textarea>` or an editable element keeps (or gets) the textbox role and the same attributes
 * but `aria-expanded`. The listbox of chips and a polite live region ("hoy, 1 de 3") are
 * light-DOM children of the element, beside the field, so the ids resolve.
 *
 * The parts: PredictorController (the predictor), FieldController and fields/ (the field),
 * offers.ts (what to offer: the Suggester's words, replies, the phrase), keyboard.ts (the key
 * map), chips.ts, ghost.ts (the ghost text), edits.ts (accepting), sending.ts, aria.ts,
 * styles.ts. This file ties them: what shows, and what each key, click and keystroke does.
 */
import { LitElement, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Predictor, CellType, Register } from '../src/index.js';
import { SUGGESTIONS, markStep, typing, type Typing } from '../src/engine.js';
import { insertWord, fillField, phraseHead } from './edits.js';
import { PredictorController } from './predictor-controller.js';
import { FieldController, notAFieldError } from './field-controller.js';
import type { FieldAdapter } from './fields/adapter.js';
import { keyAction, latinComposition, needsFresh } from './keyboard.js';
import { GhostText } from './ghost.js';
import { elementStyles, addLightStyles } from './styles.js';
import { listbox, liveRegion, messages, Announcer } from './aria.js';
import { Chips } from './chips.js';
import { Sending } from './sending.js';
import { Offers, type Phrase } from './offers.js';
import { RnnAcceptEvent, RnnErrorEvent, RnnRemoveEvent } from './events.js';

export type { AcceptDetail, RemoveDetail } from './events.js';
export type { FieldAdapter, CaretEdit, FieldChange } from './fields/adapter.js';

let instances = 0;
/** Whether an element of this page has shown next words yet (marked 'first-suggestion' once). */
let suggestedOnPage = false;

/**
 * Next-word suggestions for the text field inside it.
 *
 * @tag rnn-predict
 * @summary Next-word suggestions (chips and ghost text) for a slotted `<input>`, `<textarea>` or contenteditable element, or an editor's field adapter.
 *
 * ```html
 * <rnn-predict ghost learn><input name="message" aria-label="Mensaje"></rnn-predict>
 * <rnn-predict ghost learn><div contenteditable role="textbox" aria-label="Mensaje"></div></rnn-predict>
 * ```
 *
 * Keys: Tab accepts the top (or the chosen) suggestion while suggestions show; ↑/↓ choose one and
 * Enter accepts it; Alt+1…9 accept that one; Escape hides them until the next keystroke
 * (Alt+↓ shows them again). With `ghost`, a confident phrase (the next 2–4 words) shows as
 * ghost text: → at the end of the text accepts all of it, Ctrl+→ its next word. A click or tap
 * accepts without moving focus. During a Latin-script IME composition (Android keyboards compose
 * every word) the composed letters are the word being typed: a tap or Tab replaces them with the
 * word; any other composition (CJK …) or a dead key is left alone, and nothing is accepted. Shift+Delete on the chosen suggestion, or a long
 * press on a chip, removes that word: `predictor.forget(word)`, never suggested again.
 *
 * @slot - The text field: one `<input>` (text or search), `<textarea>` or contenteditable element (or an element containing one). Anything else is reported once (`rnn-error` and a console warning).
 * @fires {RnnReadyEvent} rnn-ready - Suggestions are available (those for what is typed already are shown first); `detail` is the predictor's info().
 * @fires {RnnProgressEvent} rnn-progress - Training progress; `detail` is a TrainProgress (epoch, batch, loss, accuracy, …).
 * @fires {RnnModelEvent} rnn-model - A new model answers (the network took over); `detail` is info().
 * @fires {RnnErrorEvent} rnn-error - The predictor failed or reported a problem; `detail` is the Error.
 * @fires {RnnAcceptEvent} rnn-accept - The person accepted a suggestion or a phrase; `detail` is `{word, index, kind, words}` (`kind`: 'word' or 'phrase'). Fired on user action only.
 * @fires {RnnRemoveEvent} rnn-remove - The person removed a suggestion (Shift+Delete, long press); `detail` is `{word, index}`.
 * @csspart bar - The bar that holds the suggestion chips (below the field; `--rnn-bar-order: -1` puts it above).
 * @csspart ghost - The ghost text: the top suggestion's rest, or the phrase, shown after the caret (`ghost` attribute).
 * @csspart ghost-word - Each word of a ghost phrase; it fades (never below 4.5:1 contrast) as the phrase's probability up to it falls (`data-p`: that probability, 0–1). Words that would leave the field are hidden.
 * @csspart chip - Each suggestion. The chips are light-DOM children (ARIA needs them beside the field), so style them with `rnn-predict [part~="chip"]` or the custom properties.
 * @csspart chip-default - The top suggestion, which Tab inserts while none is chosen (also `[aria-selected="true"]`).
 * @csspart chip-active - The suggestion chosen with ↑/↓ (also `[aria-selected="true"]`).
 * @cssprop --rnn-chip-bg - Chip background.
 * @cssprop --rnn-chip-fg - Chip text colour.
 * @cssprop --rnn-chip-border - Chip border colour.
 * @cssprop --rnn-chip-radius - Chip corner radius (default fully rounded).
 * @cssprop --rnn-chip-padding - Chip padding.
 * @cssprop --rnn-chip-height - Chip minimum height (default 2rem; at least 44px on a phone: coarse pointer or a window under 40rem).
 * @cssprop --rnn-chip-hover-bg - Chip background under the pointer.
 * @cssprop --rnn-chip-active-bg - Background (and focus ring) of the chosen chip.
 * @cssprop --rnn-chip-active-fg - Text colour of the chosen chip.
 * @cssprop --rnn-gap - Space between chips, and between the field and the bar.
 * @cssprop --rnn-bar-min-height - Height kept for the bar while no suggestion shows, so the page does not jump (default 2.25rem; 0 to collapse).
 * @cssprop --rnn-bar-order - -1 puts the bar above the field (chat boxes at the bottom of a page).
 * @cssprop --rnn-ghost-fg - Ghost text colour (default: the field's text colour faded as far as 4.5:1 contrast allows).
 */
export class RnnPredict extends LitElement {
  static override styles = elementStyles;

  /** URL of a model directory (model.json + weights.bin) written by `rnn-predict train`. */
  @property() model?: string;
  /** URL of the corpus (UTF-8 text, one message per line); default: the Spanish corpus shipped with the SDK. */
  @property() corpus?: string;
  /** Recurrent cell the predictor trains: 'gru' (default), 'lstm' or 'rnn'. */
  @property() cell?: CellType;
  /** How many suggestions to show (1–9, default 3).
   * @default 3 */
  @property({ type: Number }) suggestions: number = SUGGESTIONS.default;
  /** Show the top suggestion as ghost text after the caret. */
  @property({ type: Boolean }) ghost = false;
  /** Adapt to what the person sends: the field's form submits, or Enter sends (the page clears the field or handles the key). */
  @property({ type: Boolean }) learn = false;
  /** Do not train a network in the background: suggestions come from the trigram (and a stored or `model` network). */
  @property({ type: Boolean, attribute: 'no-train' }) noTrain = false;
  /** Never show phrases: the ghost text completes one word (phrases need `ghost`). */
  @property({ type: Boolean, attribute: 'no-phrases' }) noPhrases = false;
  /** Never suggest emoji (by default emoji the corpus or the person uses are suggested after a word, as words are). */
  @property({ type: Boolean, attribute: 'no-emoji' }) noEmoji = false;
  /** The kind of text the field takes: 'chat' (default) or 'formal' (email, support tickets). */
  @property() register?: Register;
  /** The last message received: while the field is empty the chips offer replies to it
   * (`predictor.replies`); a click or Tab fills the field with one (the page decides whether to
   * send); typing brings the next words back. */
  @property({ attribute: 'reply-to' }) replyTo?: string;
  /** Never offer replies (`reply-to` is ignored). */
  @property({ type: Boolean, attribute: 'no-replies' }) noReplies = false;

  /** The suggestions, best first (shown while `_open`). */
  @state() private _words: string[] = [];
  /** The suggestion chosen with ↑/↓ (-1: none). */
  @state() private _active = -1;
  @state() private _open = false;
  /** The text before the caret the suggestions are for, in its parts (parsed once). */
  @state() private _typed: Typing = typing('');
  /** The phrase offered for that text, or null. */
  @state() private _phrase: Phrase | null = null;
  /** The chips are replies to `replyTo` (the field is empty), not next words. */
  @state() private _replying = false;

  readonly #id = `rnn-predict-${++instances}`;
  /** The slot's elements changed: the field may have come, gone or been replaced. */
  readonly #onSlotChange = (e: Event) => this.#fields.discover(e.target as HTMLSlotElement);
  /** The chips' listbox and the polite live region: light-DOM children, beside the field (ARIA ids resolve). */
  readonly #listbox = listbox(`${this.#id}-listbox`);
  readonly #live = liveRegion();
  readonly #announcer = new Announcer(this, this.#live);
  readonly #ghost = new GhostText();
  readonly #offers = new Offers({
    error: (e) => this.dispatchEvent(new RnnErrorEvent(e)),
    repliesReady: () => this.#schedule(),
  });
  readonly #chips = new Chips(this.#listbox, { accept: (i) => this.#accept(i), remove: (i) => this.#remove(i) });
  readonly #sending = new Sending({
    field: () => this.#field,
    predictor: () => this.#predictors.predictor,
    learning: () => this.learn,
    inReplyTo: () => (this.replyTo && !this.noReplies ? this.replyTo : undefined),
    learned: () => this.#schedule(),
    error: (e) => this.dispatchEvent(new RnnErrorEvent(e)),
  });
  // A predictor that starts answering (ready, or a model joined) answers what is typed at once,
  // not at the next frame: on a busy page the first frame can be long in coming.
  readonly #predictors = new PredictorController(this, (p) => (p ? this.#predictNow() : this.#show([])));
  readonly #fields = new FieldController(
    this,
    {
      fieldChanged: (field) => {
        this.#offers.clear();
        this.#sending.trailing = undefined;
        this.#show([]);
        if (field) this.#schedule();
      },
      keydown: (e) => this.#onKeyDown(e),
      change: (change) => {
        if (change === 'text') this.#dead = this.#dismissed = false;
        this.#schedule();
      },
      composition: (text) => {
        this.#composition = text;
        if (text !== null && !latinComposition(text)) this.#show([]);
        else this.#schedule();
      },
      focus: () => this.#schedule(),
      blur: () => this.#show([]),
      scroll: () => this.#ghost.place(this.renderRoot, this.#field),
      submit: () => this.#sending.submit(),
      notAField: (found) => {
        if (this.#warned) return;
        this.#warned = true;
        const error = notAFieldError(this.localName, found);
        console.warn(error.message);
        this.dispatchEvent(new RnnErrorEvent(error));
      },
    },
    { listboxId: this.#listbox.id },
  );

  /** The frame the next prediction runs in (0: none scheduled). */
  #raf = 0;
  /** The IME composition's text (null: none open). A Latin one is completed like typed letters;
   * any other holds suggestions back. A dead key waits for its letter: nothing is accepted. */
  #composition: string | null = null;
  #dead = false;
  /** Escape hid the suggestions until the next keystroke. */
  #dismissed = false;
  /** The slot's elements were reported as no field (said once). */
  #warned = false;
  /** The text field's adapter (found in the slot by FieldController, or set as `field`). */
  get #field(): FieldAdapter | undefined {
    return this.#fields.field;
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  // ── public API ────────────────────────────────────────────────────────────

  /** The suggestions shown now, best first (empty while hidden). */
  get currentSuggestions(): string[] {
    return this._open ? [...this._words] : [];
  }

  /** The phrase shown as ghost text now, its words joined by spaces ('' when none). */
  get currentPhrase(): string {
    return this.#phraseShown() ? this._phrase!.words.join(' ') : '';
  }

  /** Resolves when suggestions are available (rejects when the corpus or model cannot be loaded). */
  get ready(): Promise<void> {
    return this.#predictors.ready;
  }

  /** The predictor answering (info(), train(), save(), delete() …). Set one to share it between
   * fields: the element then neither creates nor disposes its own. */
  get predictor(): Predictor | undefined {
    return this.#predictors.predictor;
  }

  set predictor(p: Predictor | undefined) {
    this.#predictors.predictor = p;
  }

  /** The field the element serves, as a field adapter (docs/element.md). Set one for an editor
   * that owns its DOM (ProseMirror, Lexical, Quill, CodeMirror); its element must be inside this
   * one. Undefined: the `<input>`, `<textarea>` or contenteditable element in the slot. */
  get field(): FieldAdapter | undefined {
    return this.#fields.field;
  }

  set field(adapter: FieldAdapter | undefined) {
    this.#fields.custom = adapter;
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────

  override connectedCallback(): void {
    super.connectedCallback();
    this.append(this.#listbox, this.#live);
    addLightStyles(this.getRootNode(), this.localName);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.#raf);
    this.#raf = 0;
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  protected override willUpdate(): void {
    this.#ghost.update({
      on: this.ghost && this._open,
      words: this._words,
      active: this._active,
      typed: this._typed,
      phrase: this._phrase,
      after: this.#field?.textAfterCaret() ?? null,
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    // (The predictor follows model, corpus, cell and no-train: PredictorController.hostUpdated.)
    const options = ['suggestions', 'noPhrases', 'ghost', 'replyTo', 'noReplies'] as const;
    if (options.some((name) => changed.has(name))) this.#schedule();
    const id = (i: number) => `${this.#id}-option-${i}`;
    const label = messages(this).label;
    this.#chips.render({ words: this._words, active: this._active, open: this._open, label, id }, this.#field);
    this.#ghost.place(this.renderRoot, this.#field);
  }

  protected override render() {
    const native = this.#field?.kind === 'input' || this.#field?.kind === 'textarea';
    return html`<div class="field" part="field">
        <slot @slotchange=${this.#onSlotChange}></slot>
        ${this.#ghost.template(native ? this._typed.before : '')}
      </div>
      <div part="bar"><slot name="listbox"></slot></div>
      <slot name="live"></slot>`;
  }

  // ── the field's events (wired by FieldController) ─────────────────────────

  /** A composition is open that the element stays out of (not Latin script), or a dead key waits. */
  get #held(): boolean {
    return this.#dead || (this.#composition !== null && !latinComposition(this.#composition));
  }

  #onKeyDown(e: KeyboardEvent): void {
    const composing = this.#composition !== null || e.isComposing || e.keyCode === 229;
    if (composing && (this.#held || e.key !== 'Tab')) return;
    if (e.key === 'Dead') {
      this.#dead = true;
      this.#show([]);
      return;
    }
    if (needsFresh(e, this._open, this._phrase !== null)) this.#freshen();
    const action = keyAction(e, {
      open: this._open && this._words.length > 0 && !this.#dead,
      count: this._words.length,
      active: this._active,
      phrase: this.#phraseShown(),
      composing,
    });
    if (!action) return;
    if (action.kind === 'send') return this.#sending.enter(e);
    if (action.kind === 'reopen') {
      this.#dismissed = false;
      this.#schedule();
      return;
    }
    e.preventDefault();
    e.stopPropagation();
    if (action.kind === 'accept') this.#accept(action.index);
    else if (action.kind === 'phrase') this.#acceptPhrase(action.words);
    else if (action.kind === 'choose') this._active = action.index;
    else if (action.kind === 'remove') this.#remove(action.index);
    else {
      this.#dismissed = true;
      this.#show([]);
    }
  }

  // ── suggestions ───────────────────────────────────────────────────────────

  /** Predicts once typing settles (next frame); later keystrokes in the same frame fold in. */
  #schedule(): void {
    if (this.#raf || !this.isConnected) return;
    this.#raf = requestAnimationFrame(() => {
      this.#raf = 0;
      this.#predict();
    });
  }

  /** A key arrived before the frame's prediction: predict now, so that a stale list (for text
   * that has changed since) is never accepted. */
  #freshen(): void {
    const f = this.#field;
    const stale = f !== undefined && (f.textBeforeCaret() ?? '') !== this._typed.before;
    if (this.#raf || stale) this.#predictNow();
  }

  /** Predicts now; the frame's prediction, if one is scheduled, is dropped. */
  #predictNow(): void {
    if (!this.isConnected) return;
    cancelAnimationFrame(this.#raf);
    this.#raf = 0;
    this.#predict();
  }

  #predict(): void {
    const f = this.#field;
    const p = this.#predictors.answering;
    if (!f || !p || this.#held || this.#dismissed || !f.editable() || !this.#fields.focused) return this.#show([]);
    const before = f.textBeforeCaret();
    if (before === null) return this.#show([]);
    const o = this.#offers.offer(p, before, f.text(), {
      k: this.suggestions,
      ghost: this.ghost,
      phrases: !this.noPhrases,
      replyTo: this.noReplies ? undefined : this.replyTo,
    });
    this.#show(o.words, o.typed, o.phrase, o.replying);
  }

  /** Whether a phrase shows now as ghost text (keys act on it only then). */
  #phraseShown(): boolean {
    const fits = this.#ghost.phrase && this.#ghost.hidden !== Infinity;
    return fits && this._phrase !== null && this._active < 0 && this._open && !this.#dead;
  }

  #show(words: string[], typed: Typing = typing(''), phrase: Phrase | null = null, replying = false): void {
    const same =
      replying === this._replying && words.length === this._words.length && words.every((w, i) => w === this._words[i]);
    if (!same) {
      this._words = words;
      this._active = -1;
    }
    this._replying = replying && words.length > 0;
    this._open = words.length > 0;
    if (this._open && !replying && !suggestedOnPage) {
      suggestedOnPage = true;
      void this.updateComplete.then(() => markStep('first-suggestion'));
    }
    this._typed = typed;
    const samePhrase = (phrase?.words.join(' ') ?? '') === (this._phrase?.words.join(' ') ?? '');
    if (!samePhrase || phrase?.probabilities.join() !== this._phrase?.probabilities.join()) this._phrase = phrase;
    if (!same || !samePhrase) this.#announcer.say(this._words, this._phrase?.words.join(' ') ?? '', this._replying);
  }

  // ── accepting and removing ────────────────────────────────────────────────

  #accept(index: number): void {
    const word = this._words[index];
    if (word === undefined) return;
    if (this._replying) return this.#acceptReply(word, index);
    if (this.#insert(word)) this.dispatchEvent(new RnnAcceptEvent({ word, index, kind: 'word', words: [word] }));
  }

  /** Fills the empty field with a reply (the page decides whether to send it). */
  #acceptReply(reply: string, index: number): void {
    const f = this.#field;
    if (!f || this.#held || !fillField(f, reply)) return;
    this.#sending.trailing = undefined;
    this._active = -1;
    this.#schedule();
    this.dispatchEvent(new RnnAcceptEvent({ word: reply, index, kind: 'reply', words: reply.split(/\s+/) }));
  }

  /** Inserts the phrase's first `count` words (all with Infinity; never the words hidden to fit). */
  #acceptPhrase(count: number): void {
    const phrase = this._phrase;
    if (!phrase) return;
    const words = phraseHead(phrase.words, count, this.#ghost.hidden);
    const all = words.length === phrase.words.length;
    const text = words.join(' ');
    const index = all ? -1 : this._words.indexOf(text);
    if (this.#insert(text))
      this.dispatchEvent(new RnnAcceptEvent({ word: text, index, kind: all ? 'phrase' : 'word', words }));
  }

  /** Puts `word` (or a phrase) at the caret (edits.ts); false when nothing was inserted. */
  #insert(word: string): boolean {
    const f = this.#field;
    const done = f && !this.#held ? insertWord(f, word) : null;
    if (!done) return false;
    this.#composition = null;
    this.#sending.trailing = done.trailing;
    this._active = -1;
    this.#schedule();
    return true;
  }

  /** Removes a suggestion for good: the predictor forgets the word (stored), the list updates. */
  #remove(index: number): void {
    const word = this._words[index];
    const p = this.#predictors.predictor;
    if (word === undefined || !p || typeof p.forget !== 'function') return;
    this._active = -1;
    this._words = this._words.filter((_, i) => i !== index);
    this.dispatchEvent(new RnnRemoveEvent({ word, index }));
    p.forget(word).then(
      () => this.#schedule(),
      (e: unknown) => this.dispatchEvent(new RnnErrorEvent(e)),
    );
  }
}
