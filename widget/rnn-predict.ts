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
 * The parts: PredictorController (the predictor's lifecycle), FieldController (finds the field
 * and listens to it), fields/ (the adapters), keyboard.ts (the key map), ghost.ts (where the
 * ghost goes, its colours), styles.ts, aria.ts. This file is what the element shows and what it
 * does with each key, click and keystroke.
 */
import { LitElement, html, render, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Suggester, SUGGESTIONS, typing, type Typing, type Predictor, type CellType } from '../src/index.js';
import { wordEdit, ghostText, phraseGhost } from './text-edit.js';
import { PredictorController } from './predictor-controller.js';
import { FieldController } from './field-controller.js';
import type { FieldAdapter } from './fields/adapter.js';
import { keyAction, latinComposition, needsFresh } from './keyboard.js';
import { placeGhost } from './ghost.js';
import { elementStyles, addLightStyles } from './styles.js';
import { listbox, liveRegion, messages } from './aria.js';
import { RnnAcceptEvent, RnnErrorEvent, RnnRemoveEvent } from './events.js';

export type { AcceptDetail, RemoveDetail } from './events.js';
export type { FieldAdapter, CaretEdit, FieldChange } from './fields/adapter.js';

/** How long a touch on a chip removes its word (ms). */
const LONG_PRESS_MS = 600;

/** A phrase offered as ghost text: its words (as inserted) and each word's probability given those before it. */
type Phrase = { words: string[]; probabilities: number[] };

/** The ghost text in parts: one per phrase word (with the phrase's probability up to it), or the word's rest. */
type GhostPart = { text: string; p: number };

let instances = 0;

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
 * @fires {RnnReadyEvent} rnn-ready - Suggestions are available; `detail` is the predictor's info().
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
  /** How many suggestions to show (1–9, default 3). */
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
  /** The chips' listbox and the polite live region: light-DOM children, beside the field (ARIA ids resolve). */
  readonly #listbox = listbox(`${this.#id}-listbox`);
  readonly #live = liveRegion();
  readonly #predictors = new PredictorController(this, (p) => (p ? this.#schedule() : this.#show([])));
  readonly #fields = new FieldController(
    this,
    {
      fieldChanged: (field) => {
        this.#suggester.clear();
        this.#trailing = undefined;
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
      scroll: () => this.#placeGhost(),
      submit: () => {
        this.#dropTrailingSpace();
        if (this.learn && this.#field) this.#learnText(this.#field.text());
      },
      notAField: (found) => {
        if (this.#warned) return;
        this.#warned = true;
        const error = new Error(
          `<${this.localName}> found no text field in ${found}: it needs an <input> (type text or search), a <textarea>, ` +
            'a contenteditable element, or a field adapter set as its `field` property (docs/element.md).',
        );
        console.warn(error.message);
        this.dispatchEvent(new RnnErrorEvent(error));
      },
    },
    { listboxId: this.#listbox.id },
  );

  /** The ghost text shown (set before each render). */
  #ghost: GhostPart[] = [];
  /** Whether #ghost is the phrase (else the top or chosen word). */
  #ghostIsPhrase = false;
  /** How many of the phrase's last words are hidden so that the ghost stays inside the field. */
  #ghostHidden = 0;
  #announced = '';
  #announcedPhrase = '';
  /** The reply chips last announced (they are said once, not again when they come back). */
  #announcedReplies = '';
  /** The reply model is loading for this element (a prediction follows when it is in). */
  #awaitingReplies = false;
  /** The frame the next prediction runs in (0: none scheduled). */
  #raf = 0;
  /** The IME composition's text (null: none open). A Latin one is completed like typed letters;
   * any other holds suggestions back. A dead key waits for its letter: nothing is accepted. */
  #composition: string | null = null;
  #dead = false;
  /** Escape hid the suggestions until the next keystroke. */
  #dismissed = false;
  /** The suggestion bar's rules (the same as evaluate()'s typist's). */
  readonly #suggester = new Suggester();
  #lastLearned = { text: '', at: 0 };
  /** The field's text right after an accepted word added a space at its end (undefined: none);
   * a send while the text is still that drops the space. */
  #trailing: string | undefined;
  /** The slot's elements were reported as no field (said once). */
  #warned = false;
  /** A touch held on a chip (long press: remove); #pressed: it fired, so the click that ends it accepts nothing. */
  #pressTimer: ReturnType<typeof setTimeout> | undefined;
  #pressed = false;

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
    const phrase = this.#ghostPhraseNow();
    this.#ghostIsPhrase = phrase.length > 0;
    this.#ghost = this.#ghostIsPhrase ? phrase : this.#ghostNow();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // (The predictor follows model, corpus, cell and no-train: PredictorController.hostUpdated.)
    if (
      changed.has('suggestions') ||
      changed.has('noPhrases') ||
      changed.has('ghost') ||
      changed.has('replyTo') ||
      changed.has('noReplies')
    )
      this.#schedule();
    this.#renderLight();
    this.#placeGhost();
  }

  protected override render() {
    const native = this.#field?.kind === 'input' || this.#field?.kind === 'textarea';
    return html`<div class="field" part="field">
        <slot @slotchange=${this.#onSlotChange}></slot>
        ${
          this.#ghost.length > 0
            ? html`<div class="mirror" aria-hidden="true"><div class="inner"><span class="pre">${native ? this._typed.before : ''}</span><span part="ghost">${
                !this.#ghostIsPhrase
                  ? this.#ghost[0]!.text
                  : this.#ghost.map(
                      (g) =>
                        html`<span part="ghost-word" data-p=${g.p.toFixed(3)} data-level=${Math.round(g.p * 4)}>${g.text}</span>`,
                    )
              }</span></div></div>`
            : nothing
        }
      </div>
      <div part="bar"><slot name="listbox"></slot></div>
      <slot name="live"></slot>`;
  }

  /** The chips, into the light-DOM listbox, and the field's combobox state. The chip Tab
   * inserts (the chosen one, else the top one) is aria-selected and marked. */
  #renderLight(): void {
    const listbox = this.#listbox;
    const f = this.#field?.element;
    const open = this._open;
    const id = (i: number) => `${this.#id}-option-${i}`;
    const target = this._active >= 0 ? this._active : 0;
    const part = (i: number) => (i === this._active ? 'chip chip-active' : i === target ? 'chip chip-default' : 'chip');
    listbox.hidden = !open;
    listbox.setAttribute('aria-label', messages(this).label);
    render(
      html`${this._words.map(
        (w, i) =>
          html`<div role="option" id=${id(i)} data-rnn-chip part=${part(i)}
          aria-selected=${i === target ? 'true' : 'false'}
          @mousedown=${(e: Event) => e.preventDefault()} @pointerdown=${(e: PointerEvent) => this.#pressStart(e, i)}
          @pointerup=${() => this.#pressEnd()} @pointercancel=${() => this.#pressEnd()} @pointerleave=${() => this.#pressEnd()}
          @contextmenu=${(e: Event) => this.#pressTimer !== undefined && e.preventDefault()}
          @click=${() => this.#chipClick(i)}>${w}</div>`,
      )}`,
      listbox,
    );
    if (!f) return;
    if (this.#field!.kind === 'input') f.setAttribute('aria-expanded', String(open));
    if (open && this._active >= 0) f.setAttribute('aria-activedescendant', id(this._active));
    else f.removeAttribute('aria-activedescendant');
  }

  /** Lays the ghost over the field (ghost.ts); phrase words that would leave the field are hidden. */
  #placeGhost(): void {
    const f = this.#field;
    const mirror = this.renderRoot.querySelector<HTMLElement>('.mirror');
    this.#ghostHidden = f && mirror ? placeGhost(mirror, f) : 0;
  }

  // ── the field's events (wired by FieldController) ─────────────────────────

  /** The slot's elements changed: the field may have come, gone or been replaced. */
  #onSlotChange(e: Event): void {
    this.#fields.discover(e.target as HTMLSlotElement);
  }

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
    if (action.kind === 'send') return this.#send(e);
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

  /** Enter that sends: the page handles the key or clears the field (a newline is not a send).
   * The space an accepted word left at the end goes first, so the page never sends it. */
  #send(e: KeyboardEvent): void {
    const field = this.#field!;
    this.#dropTrailingSpace();
    if (!this.learn) return;
    const text = field.text();
    setTimeout(() => {
      if (e.defaultPrevented || (field.text().trim() === '' && text.trim() !== '')) this.#learnText(text);
    });
  }

  /** Removes the space an accepted word added at the end of the text, if nothing was typed since. */
  #dropTrailingSpace(): void {
    const f = this.#field;
    if (!f || this.#trailing === undefined || f.text() !== this.#trailing) return;
    this.#trailing = undefined;
    if (f.textAfterCaret() === '' && f.textBeforeCaret()?.endsWith(' '))
      f.insertAtCaret({ deleteBefore: 1, deleteAfter: 0, text: '', caretAfter: 0 });
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
    if (!this.#raf && !stale) return;
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
    this.#suggester.k = this.suggestions;
    const typed = typing(before);
    if (f.text().trim() === '' && this.replyTo && !this.noReplies) {
      const replies = this.#repliesFor(p, this.replyTo);
      if (replies.length > 0) return this.#show(replies, typed, null, true);
    }
    let words: string[] = [];
    try {
      // The ghost's word is never passed over: a person may be typing along it.
      words = this.#suggester.offer(
        typed,
        (head, partial, n) => p.predictNext(head + partial, { k: n }).map((s) => s.word),
        { alongFirst: this.ghost },
      );
    } catch (e) {
      this.dispatchEvent(new RnnErrorEvent(e));
    }
    this.#show(words, typed, this.#phraseFor(p, before, words));
  }

  /** The replies to `message` (empty while the reply model loads: a prediction follows when it is in). */
  #repliesFor(p: Predictor, message: string): string[] {
    if (typeof p.replies !== 'function') return [];
    try {
      const replies = p.replies(message, { k: this.#suggester.k }).map((r) => r.text);
      if (replies.length === 0 && !this.#awaitingReplies) {
        this.#awaitingReplies = true;
        p.repliesReady.then(
          () => this.#schedule(),
          (e: unknown) => this.dispatchEvent(new RnnErrorEvent(e)),
        );
      }
      return replies;
    } catch (e) {
      this.dispatchEvent(new RnnErrorEvent(e));
      return [];
    }
  }

  /** The phrase for the text before the caret (computed once per word boundary by the
   * predictor), or null: phrases off, no ghost, or not confident. */
  #phraseFor(p: Predictor, before: string, words: string[]): Phrase | null {
    if (this.noPhrases || !this.ghost || words.length === 0 || typeof p.phrase !== 'function') return null;
    try {
      const phrase = p.phrase(before);
      return phrase ? { words: phrase.words, probabilities: phrase.probabilities } : null;
    } catch (e) {
      this.dispatchEvent(new RnnErrorEvent(e));
      return null;
    }
  }

  /** Whether a phrase shows now as ghost text (keys act on it only then). */
  #phraseShown(): boolean {
    return (
      this._phrase !== null &&
      this.#ghostIsPhrase &&
      this._active < 0 &&
      this._open &&
      !this.#dead &&
      this.#ghostHidden !== Infinity
    );
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
    this._typed = typed;
    const samePhrase = (phrase?.words.join(' ') ?? '') === (this._phrase?.words.join(' ') ?? '');
    if (!samePhrase || phrase?.probabilities.join() !== this._phrase?.probabilities.join()) this._phrase = phrase;
    if (!same || !samePhrase) this.#announce();
  }

  /** The ghost text for the phrase, or else the chosen (or top) suggestion, in parts (one per
   * phrase word, with the phrase's probability up to it); none when it cannot show inline. */
  #ghostNow(): GhostPart[] {
    const f = this.#field;
    const word = this._words[this._active >= 0 ? this._active : 0];
    if (!this.ghost || !this._open || word === undefined || !f) return [];
    // Inline only where nothing follows on the line; elsewhere the chips suffice.
    if (!/^[^\S\n]*(\n|$)/.test(f.textAfterCaret())) return [];
    const text = ghostText(this._typed.before, word, this._typed.partial);
    return text ? [{ text, p: 1 }] : [];
  }

  /** The ghost parts of the phrase, when one shows (nothing chosen with ↑/↓, room inline). */
  #ghostPhraseNow(): GhostPart[] {
    const phrase = this._active < 0 ? this._phrase : null;
    if (!phrase || this.#ghostNow().length === 0) return [];
    return phraseGhost(this._typed.before, phrase.words, phrase.probabilities, this._typed.partial);
  }

  /** Says the top suggestion once per change ("hoy, 1 de 3"), and a phrase once, when it first shows. */
  #announce(): void {
    const m = messages(this);
    const n = this._words.length;
    if (this._replying) {
      // Replies to a message are said once; the same replies showing again say nothing.
      const replies = this._words.join('\n');
      if (replies === this.#announcedReplies) return;
      this.#announcedReplies = replies;
      this.#announced = this.#live.textContent = m.replies(this._words[0]!, n);
      return;
    }
    let text = n > 0 ? m.top(this._words[0]!, n) : '';
    // Letters that only filter the phrase say nothing new.
    const phrase = this._phrase && n > 0 ? this._phrase.words.join(' ') : '';
    if (phrase !== '' && phrase.toLowerCase() !== this.#announcedPhrase.toLowerCase()) text += `; ${m.phrase(phrase)}`;
    this.#announcedPhrase = phrase;
    if (text === this.#announced) return;
    this.#announced = text;
    this.#live.textContent = text;
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
    const before = f?.textBeforeCaret();
    if (!f || this.#held || before == null) return;
    const after = f.textAfterCaret();
    const done = f.insertAtCaret({
      deleteBefore: before.length,
      deleteAfter: after.length,
      text: reply,
      caretAfter: 0,
    });
    if (!done) return;
    this.#trailing = undefined;
    this._active = -1;
    this.#schedule();
    this.dispatchEvent(new RnnAcceptEvent({ word: reply, index, kind: 'reply', words: reply.split(/\s+/) }));
  }

  /** Inserts the phrase's first `count` words (all with Infinity; never the words hidden to fit). */
  #acceptPhrase(count: number): void {
    const phrase = this._phrase;
    if (!phrase) return;
    const shown = phrase.words.length - (Number.isFinite(this.#ghostHidden) ? this.#ghostHidden : 0);
    const words = phrase.words.slice(0, Math.min(count, shown));
    const all = words.length === phrase.words.length;
    const text = words.join(' ');
    const index = all ? -1 : this._words.indexOf(text);
    if (this.#insert(text))
      this.dispatchEvent(new RnnAcceptEvent({ word: text, index, kind: all ? 'phrase' : 'word', words }));
  }

  /** Puts `word` (or a phrase) at the caret as the person's own edit; false when nothing was
   * inserted. During a Latin composition the composed letters are replaced (the word being typed). */
  #insert(word: string): boolean {
    const f = this.#field;
    const before = f?.textBeforeCaret();
    if (!f || this.#held || before == null) return false;
    const after = f.textAfterCaret();
    const edit = wordEdit(before + after, before.length, before.length, word);
    const done = f.insertAtCaret({
      deleteBefore: before.length - edit.from,
      deleteAfter: edit.to - before.length,
      text: edit.text,
      caretAfter: edit.caret - edit.from - edit.text.length,
    });
    if (!done) return false;
    this.#composition = null;
    this.#trailing = edit.to === before.length + after.length && edit.text.endsWith(' ') ? f.text() : undefined;
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

  #learnText(text: string): void {
    const p = this.#predictors.predictor;
    const now = Date.now();
    if (!p || typeof p.learn !== 'function' || text.trim() === '') return;
    if (this.#lastLearned.text === text && now - this.#lastLearned.at < 1000) return;
    this.#lastLearned = { text, at: now };
    // A message sent while one received is set is learned as a reply to it.
    const inReplyTo = this.replyTo && !this.noReplies ? this.replyTo : undefined;
    p.learn(text, inReplyTo).then(
      () => this.#schedule(),
      (e: unknown) => this.dispatchEvent(new RnnErrorEvent(e)),
    );
  }

  /** A touch held LONG_PRESS_MS on a chip removes its word (the tap that ends it accepts nothing). */
  #pressStart(e: PointerEvent, index: number): void {
    if (e.pointerType !== 'touch' && e.pointerType !== 'pen') return;
    this.#pressEnd();
    this.#pressed = false;
    this.#pressTimer = setTimeout(() => {
      this.#pressTimer = undefined;
      this.#pressed = true;
      this.#remove(index);
    }, LONG_PRESS_MS);
  }

  #pressEnd(): void {
    clearTimeout(this.#pressTimer);
    this.#pressTimer = undefined;
  }

  #chipClick(index: number): void {
    if (this.#pressed) {
      this.#pressed = false;
      return;
    }
    this.#accept(index);
  }
}
