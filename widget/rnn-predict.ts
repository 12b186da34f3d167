/**
 * `<rnn-predict>`: next-word suggestions for the `<input>` or `<textarea>` placed inside it. The
 * field stays the page's own (forms, frameworks and styles keep working); the element adds a bar
 * of suggestion chips and, optionally, the top suggestion as ghost text after the caret.
 *
 * Accessibility (WAI-ARIA combobox pattern): an `<input>` becomes the combobox (`role`,
 * `aria-expanded`, `aria-controls`, `aria-autocomplete="list"`, `aria-activedescendant`); a
 * `<textarea>` keeps its textbox role (ARIA in HTML allows no other) and gets the same
 * attributes but `aria-expanded`. The listbox of chips and a polite live region ("3 sugerencias")
 * are light-DOM children of the element, beside the field, so the ids resolve.
 *
 * Two controllers do the wiring: PredictorController (predictor-controller.ts) makes, follows and
 * disposes the predictor; FieldController (field-controller.ts) finds the field and listens to
 * it. This file is what the element shows and what each key, click and keystroke does.
 */
import { LitElement, html, css, render, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { PassedOver, offersNothing, type Predictor, type CellType } from '../src/index.js';
import { wordEdit, ghostText, partialWord, phraseGhost } from './text-edit.js';
import { PredictorController } from './predictor-controller.js';
import { FieldController, type Field } from './field-controller.js';
import { RnnAcceptEvent, RnnErrorEvent, RnnRemoveEvent } from './events.js';

export type { AcceptDetail, RemoveDetail } from './events.js';

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
 * @summary Next-word suggestions (chips and ghost text) for a slotted `<input>` or `<textarea>`.
 *
 * ```html
 * <rnn-predict ghost learn><input name="message" aria-label="Mensaje"></rnn-predict>
 * ```
 *
 * Keys: Tab accepts the top (or the chosen) suggestion while suggestions show; ↑/↓ choose one and
 * Enter accepts it; Alt+1…9 accept that one; Escape hides them until the next keystroke
 * (Alt+↓ shows them again). With `ghost`, a confident phrase (the next 2–4 words) shows as
 * ghost text: → at the end of the text accepts all of it, Ctrl+→ its next word. A click or tap accepts without moving focus. Nothing is accepted
 * during an IME composition or a dead key. Shift+Delete on the chosen suggestion, or a long
 * press on a chip, removes that word: `predictor.forget(word)`, never suggested again.
 *
 * @slot - The text field: one `<input>` or `<textarea>` (or an element containing one).
 * @fires {RnnReadyEvent} rnn-ready - Suggestions are available; `detail` is the predictor's info().
 * @fires {RnnProgressEvent} rnn-progress - Training progress; `detail` is a TrainProgress (epoch, batch, loss, accuracy, …).
 * @fires {RnnModelEvent} rnn-model - A new model answers (the network took over); `detail` is info().
 * @fires {RnnErrorEvent} rnn-error - The predictor failed or reported a problem; `detail` is the Error.
 * @fires {RnnAcceptEvent} rnn-accept - The person accepted a suggestion or a phrase; `detail` is `{word, index, kind, words}` (`kind`: 'word' or 'phrase'). Fired on user action only.
 * @fires {RnnRemoveEvent} rnn-remove - The person removed a suggestion (Shift+Delete, long press); `detail` is `{word, index}`.
 * @csspart bar - The bar that holds the suggestion chips (below the field; `--rnn-bar-order: -1` puts it above).
 * @csspart ghost - The ghost text: the top suggestion's rest, or the phrase, shown after the caret (`ghost` attribute).
 * @csspart ghost-word - Each word of a ghost phrase; it fades as the phrase's probability up to it falls (`data-p`: that probability, 0–1).
 * @csspart chip - Each suggestion. The chips are light-DOM children (ARIA needs them beside the field), so style them with `rnn-predict [part~="chip"]` or the custom properties.
 * @csspart chip-active - The suggestion chosen with ↑/↓ (also `[aria-selected="true"]`).
 * @cssprop --rnn-chip-bg - Chip background.
 * @cssprop --rnn-chip-fg - Chip text colour.
 * @cssprop --rnn-chip-border - Chip border colour.
 * @cssprop --rnn-chip-radius - Chip corner radius (default fully rounded).
 * @cssprop --rnn-chip-padding - Chip padding.
 * @cssprop --rnn-chip-height - Chip minimum height (default 2rem, a comfortable touch target).
 * @cssprop --rnn-chip-hover-bg - Chip background under the pointer.
 * @cssprop --rnn-chip-active-bg - Background (and focus ring) of the chosen chip.
 * @cssprop --rnn-chip-active-fg - Text colour of the chosen chip.
 * @cssprop --rnn-gap - Space between chips, and between the field and the bar.
 * @cssprop --rnn-bar-min-height - Height kept for the bar while no suggestion shows, so the page does not jump (default 2.25rem; 0 to collapse).
 * @cssprop --rnn-bar-order - -1 puts the bar above the field (chat boxes at the bottom of a page).
 * @cssprop --rnn-ghost-fg - Ghost text colour.
 */
export class RnnPredict extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      gap: var(--rnn-gap, 0.375rem);
    }
    :host([hidden]) {
      display: none;
    }
    .field {
      position: relative;
      display: block;
    }
    .mirror {
      position: absolute;
      top: 0;
      left: 0;
      overflow: hidden;
      pointer-events: none;
      box-sizing: border-box;
      border-style: solid;
      border-color: transparent;
      background: transparent;
      margin: 0;
    }
    .inner {
      position: relative;
    }
    .pre {
      color: transparent;
    }
    [part~='ghost'] {
      color: var(--rnn-ghost-fg, #6b7280);
    }
    /* A phrase fades word by word as its probability falls (CSS only: no inline style, CSP-safe). */
    [part~='ghost-word'][data-level='3'] {
      opacity: 0.85;
    }
    [part~='ghost-word'][data-level='2'] {
      opacity: 0.7;
    }
    [part~='ghost-word'][data-level='1'] {
      opacity: 0.55;
    }
    [part~='ghost-word'][data-level='0'] {
      opacity: 0.4;
    }
    [part~='bar'] {
      order: var(--rnn-bar-order, 1);
      min-height: var(--rnn-bar-min-height, 2.25rem);
      display: flex;
      align-items: center;
    }
    ::slotted([data-rnn-live]) {
      position: absolute !important;
      width: 1px !important;
      height: 1px !important;
      overflow: hidden !important;
      clip-path: inset(50%) !important;
      white-space: nowrap !important;
      margin: -1px !important;
      padding: 0 !important;
      border: 0 !important;
    }
    @media (prefers-color-scheme: dark) {
      [part~='ghost'] {
        color: var(--rnn-ghost-fg, #9aa3b2);
      }
    }
  `;

  /** URL of a model directory (model.json + weights.bin) written by `rnn-predict train`. */
  @property() model?: string;
  /** URL of the corpus (UTF-8 text, one message per line); default: the Spanish corpus shipped with the SDK. */
  @property() corpus?: string;
  /** Recurrent cell the predictor trains: 'gru' (default), 'lstm' or 'rnn'. */
  @property() cell?: CellType;
  /** How many suggestions to show (1–9, default 3). */
  @property({ type: Number }) suggestions = 3;
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

  /** The suggestions, best first (shown while `_open`). */
  @state() private _words: string[] = [];
  /** The suggestion chosen with ↑/↓ (-1: none). */
  @state() private _active = -1;
  @state() private _open = false;
  /** The text before the caret the suggestions are for. */
  @state() private _before = '';
  /** The phrase offered for that text, or null. */
  @state() private _phrase: Phrase | null = null;

  readonly #id = `rnn-predict-${++instances}`;
  /** The chips' listbox and the polite live region: light-DOM children, beside the field (ARIA ids resolve). */
  readonly #listbox = listbox(`${this.#id}-listbox`);
  readonly #live = liveRegion();
  readonly #predictors = new PredictorController(this, (p) => (p ? this.#schedule() : this.#show([])));
  readonly #fields = new FieldController(
    this,
    {
      fieldChanged: (field) => {
        this.#passedOver.clear();
        this.#show([]);
        if (field) this.#schedule();
      },
      keydown: (e) => this.#onKeyDown(e),
      input: (e) => this.#onInput(e),
      composition: (composing) => {
        this.#composing = composing;
        if (composing) this.#show([]);
        else this.#schedule();
      },
      focus: () => this.#schedule(),
      blur: () => this.#show([]),
      caret: () => this.#schedule(),
      scroll: () => this.#placeGhost(),
      submit: () => {
        if (this.learn && this.#field) this.#learnText(this.#field.value);
      },
    },
    { listboxId: this.#listbox.id },
  );

  /** The ghost text shown (set before each render). */
  #ghost: GhostPart[] = [];
  /** Whether #ghost is the phrase (else the top or chosen word). */
  #ghostIsPhrase = false;
  #announced = '';
  #announcedPhrase = '';
  /** The frame the next prediction runs in (0: none scheduled). */
  #raf = 0;
  /** IME state: a composition runs, or a dead key waits for its letter; nothing is accepted meanwhile. */
  #composing = false;
  #dead = false;
  /** Escape hid the suggestions until the next keystroke. */
  #dismissed = false;
  /** The words shown for the word being typed, which the person typed past. */
  readonly #passedOver = new PassedOver();
  #lastLearned = { text: '', at: 0 };
  /** A touch held on a chip (long press: remove); #pressed: it fired, so the click that ends it accepts nothing. */
  #pressTimer: ReturnType<typeof setTimeout> | undefined;
  #pressed = false;

  /** The text field (found in the slot by FieldController). */
  get #field(): Field | undefined {
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
    if (changed.has('suggestions') || changed.has('noPhrases') || changed.has('ghost')) this.#schedule();
    this.#renderLight();
    this.#placeGhost();
  }

  protected override render() {
    return html`<div class="field" part="field">
        <slot @slotchange=${this.#onSlotChange}></slot>
        ${
          this.#ghost.length > 0
            ? html`<div class="mirror" aria-hidden="true"><div class="inner"><span class="pre">${this._before}</span><span part="ghost">${
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

  /** The chips, into the light-DOM listbox, and the field's combobox state. */
  #renderLight(): void {
    const listbox = this.#listbox;
    const f = this.#field;
    const open = this._open;
    const id = (i: number) => `${this.#id}-option-${i}`;
    listbox.hidden = !open;
    listbox.setAttribute('aria-label', this.#messages().label);
    render(
      html`${this._words.map(
        (w, i) =>
          html`<div role="option" id=${id(i)} data-rnn-chip part=${i === this._active ? 'chip chip-active' : 'chip'}
          aria-selected=${i === this._active ? 'true' : 'false'}
          @mousedown=${(e: Event) => e.preventDefault()} @pointerdown=${(e: PointerEvent) => this.#pressStart(e, i)}
          @pointerup=${() => this.#pressEnd()} @pointercancel=${() => this.#pressEnd()} @pointerleave=${() => this.#pressEnd()}
          @contextmenu=${(e: Event) => this.#pressTimer !== undefined && e.preventDefault()}
          @click=${() => this.#chipClick(i)}>${w}</div>`,
      )}`,
      listbox,
    );
    if (!f) return;
    if (f instanceof HTMLInputElement) f.setAttribute('aria-expanded', String(open));
    if (open && this._active >= 0) f.setAttribute('aria-activedescendant', id(this._active));
    else f.removeAttribute('aria-activedescendant');
  }

  /** Lays the ghost's mirror over the field: same box, font and scroll, so the ghost sits after the caret. */
  #placeGhost(): void {
    const f = this.#field;
    const mirror = this.renderRoot.querySelector<HTMLElement>('.mirror');
    if (!f || !mirror) return;
    const cs = getComputedStyle(f);
    const s = mirror.style;
    for (const p of MIRRORED) s.setProperty(p, cs.getPropertyValue(p));
    const box = f.getBoundingClientRect();
    const wrap = (mirror.parentElement as HTMLElement).getBoundingClientRect();
    s.left = `${box.left - wrap.left}px`;
    s.top = `${box.top - wrap.top}px`;
    s.width = `${box.width}px`;
    s.height = `${box.height}px`;
    const single = f instanceof HTMLInputElement;
    s.whiteSpace = single ? 'pre' : 'pre-wrap';
    s.overflowWrap = single ? 'normal' : 'break-word';
    if (single) {
      const inner = f.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
      s.lineHeight = `${inner}px`;
    }
    const inner = mirror.firstElementChild as HTMLElement;
    inner.style.transform = `translate(${-f.scrollLeft}px, ${-f.scrollTop}px)`;
  }

  // ── the field's events (wired by FieldController) ─────────────────────────

  /** The slot's elements changed: the field may have come, gone or been replaced. */
  #onSlotChange(e: Event): void {
    this.#fields.discover(e.target as HTMLSlotElement);
  }

  #onInput(e: InputEvent): void {
    this.#dead = false;
    this.#dismissed = false;
    if (e.isComposing) return;
    this.#schedule();
  }

  #onKeyDown(e: KeyboardEvent): void {
    const consume = () => {
      e.preventDefault();
      e.stopPropagation();
    };
    if (e.isComposing || this.#composing || e.keyCode === 229) return;
    if (e.key === 'Dead') {
      this.#dead = true;
      this.#show([]);
      return;
    }
    if ((this._open && ['Tab', 'Enter', 'ArrowDown', 'ArrowUp'].includes(e.key)) || e.altKey) this.#freshen();
    const open = this._open && this._words.length > 0 && !this.#dead;
    const plain = !e.altKey && !e.ctrlKey && !e.metaKey;
    const n = this._words.length;
    if (e.key === 'ArrowRight' && this._phrase) this.#freshen();
    if (e.key === 'ArrowRight' && !e.shiftKey && !e.altKey && !e.metaKey && this.#phraseShown()) {
      // The phrase shows only where nothing follows the caret on its line, so → (which would
      // not move the caret there) accepts it all and Ctrl+→ its next word, as shells do.
      consume();
      this.#acceptPhrase(e.ctrlKey ? 1 : Infinity);
    } else if (open && e.key === 'Tab' && plain && !e.shiftKey) {
      consume();
      this.#accept(this._active >= 0 ? this._active : 0);
    } else if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp') && plain && !e.shiftKey) {
      consume();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      this._active = this._active < 0 ? (step > 0 ? 0 : n - 1) : (this._active + step + n) % n;
    } else if (open && e.key === 'Enter' && this._active >= 0 && plain && !e.shiftKey) {
      consume();
      this.#accept(this._active);
    } else if (open && e.key === 'Escape') {
      consume();
      this.#dismissed = true;
      this.#show([]);
    } else if (open && e.key === 'Delete' && e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      // Shift+Delete removes the chosen suggestion, as browsers remove an autofill entry.
      if (this._active >= 0) {
        consume();
        this.#remove(this._active);
      }
    } else if (open && e.altKey && !e.ctrlKey && !e.metaKey && /^(Digit|Numpad)[1-9]$/.test(e.code)) {
      const index = Number(e.code.slice(-1)) - 1;
      if (index < n) {
        consume();
        this.#accept(index);
      }
    } else if (!open && e.altKey && e.key === 'ArrowDown') {
      this.#dismissed = false;
      this.#schedule();
    } else if (e.key === 'Enter' && plain && !e.shiftKey && this.learn) {
      // Enter that sends: the page handles the key or clears the field. A newline is not a send.
      const field = this.#field!;
      const text = field.value;
      setTimeout(() => {
        if (e.defaultPrevented || (field.value.trim() === '' && text.trim() !== '')) this.#learnText(text);
      });
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
    const stale = f !== undefined && f.value.slice(0, f.selectionStart ?? 0) !== this._before;
    if (!this.#raf && !stale) return;
    cancelAnimationFrame(this.#raf);
    this.#raf = 0;
    this.#predict();
  }

  #predict(): void {
    const f = this.#field;
    const p = this.#predictors.answering;
    if (
      !f ||
      !p ||
      this.#composing ||
      this.#dead ||
      this.#dismissed ||
      f.readOnly ||
      f.disabled ||
      !this.#fields.focused
    ) {
      this.#show([]);
      return;
    }
    const start = f.selectionStart ?? f.value.length;
    if (start !== (f.selectionEnd ?? start)) return this.#show([]);
    const before = f.value.slice(0, start);
    if (offersNothing(before)) return this.#show([]);
    let words: string[] = [];
    try {
      const k = Number.isInteger(this.suggestions) && this.suggestions >= 1 ? Math.min(this.suggestions, 9) : 3;
      const partial = partialWord(before);
      // Words shown for this word and passed over (another letter typed) come last; not the
      // ghost's word, which a person may be typing along.
      words = this.#passedOver.rank(
        before.slice(0, before.length - partial.length),
        partial,
        k,
        (n) => {
          const ranked = [...new Set(p.predictNext(before, { k: n }).map((s) => s.word))].filter((w) => w !== '');
          // Suggesting exactly the word already typed in full adds nothing.
          return partial && ranked.length > 1 ? ranked.filter((w) => w !== partial) : ranked;
        },
        this.ghost,
      );
    } catch (e) {
      this.dispatchEvent(new RnnErrorEvent(e));
    }
    this.#show(words, before, this.#phraseFor(p, before, words));
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
    return this._phrase !== null && this.#ghostIsPhrase && this._active < 0 && this._open && !this.#dead;
  }

  #show(words: string[], before = '', phrase: Phrase | null = null): void {
    const same = words.length === this._words.length && words.every((w, i) => w === this._words[i]);
    if (!same) {
      this._words = words;
      this._active = -1;
    }
    this._open = words.length > 0;
    this._before = before;
    const samePhrase = (phrase?.words.join(' ') ?? '') === (this._phrase?.words.join(' ') ?? '');
    if (!samePhrase || phrase?.probabilities.join() !== this._phrase?.probabilities.join()) this._phrase = phrase;
    if (!same || !samePhrase) this.#announce(words.length);
  }

  /** The ghost text for the phrase, or else the chosen (or top) suggestion, in parts (one per
   * phrase word, with the phrase's probability up to it); none when it cannot show inline. */
  #ghostNow(): GhostPart[] {
    const f = this.#field;
    const word = this._words[this._active >= 0 ? this._active : 0];
    if (!this.ghost || !this._open || word === undefined || !f) return [];
    // Inline only where nothing follows on the line; elsewhere the chips suffice. (A window
    // after the caret is read, not the whole rest of a long text.)
    const start = f.selectionStart ?? 0;
    const after = f.value.slice(start, start + 256);
    if (!(start + 256 >= f.value.length ? /^[^\S\n]*(\n|$)/ : /^[^\S\n]*\n/).test(after)) return [];
    const text = ghostText(this._before, word);
    return text ? [{ text, p: 1 }] : [];
  }

  /** The ghost parts of the phrase, when one shows (nothing chosen with ↑/↓, room inline). */
  #ghostPhraseNow(): GhostPart[] {
    const phrase = this._active < 0 ? this._phrase : null;
    if (!phrase || this.#ghostNow().length === 0) return [];
    return phraseGhost(this._before, phrase.words, phrase.probabilities);
  }

  #announce(n: number): void {
    let text = n > 0 ? this.#messages().count(n) : '';
    // The phrase is said once, when it first shows (letters that only filter it say nothing new).
    const phrase = this._phrase && n > 0 ? this._phrase.words.join(' ') : '';
    if (phrase !== '' && phrase.toLowerCase() !== this.#announcedPhrase.toLowerCase())
      text += `; ${this.#messages().phrase(phrase)}`;
    this.#announcedPhrase = phrase;
    if (text !== '' && text === this.#announced) text += '\u00a0'; // new words, same count: say it again
    this.#announced = text;
    this.#live.textContent = text;
  }

  #messages() {
    const lang = (this.closest('[lang]')?.getAttribute('lang') ?? 'es').toLowerCase().slice(0, 2);
    return MESSAGES[lang] ?? MESSAGES.es!;
  }

  // ── accepting and removing ────────────────────────────────────────────────

  #accept(index: number): void {
    const word = this._words[index];
    if (word === undefined) return;
    if (this.#insert(word)) this.dispatchEvent(new RnnAcceptEvent({ word, index, kind: 'word', words: [word] }));
  }

  /** Inserts the phrase's first `count` words (all with Infinity). */
  #acceptPhrase(count: number): void {
    const phrase = this._phrase;
    if (!phrase) return;
    const words = phrase.words.slice(0, count);
    const all = words.length === phrase.words.length;
    const text = words.join(' ');
    const index = all ? -1 : this._words.indexOf(text);
    if (this.#insert(text))
      this.dispatchEvent(new RnnAcceptEvent({ word: text, index, kind: all ? 'phrase' : 'word', words }));
  }

  /** Puts `word` (or a phrase) at the caret as an edit the field's undo knows; false when nothing was inserted. */
  #insert(word: string): boolean {
    const f = this.#field;
    if (!f || this.#composing || this.#dead) return false;
    const start = f.selectionStart ?? f.value.length;
    const end = f.selectionEnd ?? start;
    const edit = wordEdit(f.value, start, end, word);
    const expected = f.value.slice(0, edit.from) + edit.text + f.value.slice(edit.to);
    let done = false;
    if (this.#fields.focused) {
      // execCommand keeps the field's undo history and fires beforeinput/input natively.
      f.setSelectionRange(edit.from, edit.to);
      try {
        done = document.execCommand('insertText', false, edit.text);
      } catch {
        done = false;
      }
    }
    if (!done) {
      f.value = expected;
      f.dispatchEvent(
        new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertReplacementText', data: edit.text }),
      );
    }
    if (f.value === expected) f.setSelectionRange(edit.caret, edit.caret);
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
    p.learn(text).then(
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

/** The element's own words (the live region, the listbox's name), by `lang`. */
const MESSAGES: Record<string, { label: string; count: (n: number) => string; phrase: (p: string) => string }> = {
  es: {
    label: 'Sugerencias',
    count: (n) => (n === 1 ? '1 sugerencia' : `${n} sugerencias`),
    phrase: (p) => `frase: ${p}`,
  },
  en: {
    label: 'Suggestions',
    count: (n) => (n === 1 ? '1 suggestion' : `${n} suggestions`),
    phrase: (p) => `phrase: ${p}`,
  },
};

/** The field's styles the ghost's mirror copies, so its text lines up with the field's. */
const MIRRORED = [
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant',
  'font-stretch',
  'letter-spacing',
  'word-spacing',
  'text-transform',
  'text-indent',
  'tab-size',
  'direction',
  'text-align',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'border-top-width',
  'border-right-width',
  'border-bottom-width',
  'border-left-width',
  'line-height',
];

function listbox(id: string): HTMLElement {
  const el = document.createElement('div');
  el.id = id;
  el.setAttribute('role', 'listbox');
  el.dataset.rnnListbox = '';
  el.slot = 'listbox';
  el.hidden = true;
  return el;
}

function liveRegion(): HTMLElement {
  const el = document.createElement('div');
  el.setAttribute('role', 'status');
  el.setAttribute('aria-live', 'polite');
  el.setAttribute('aria-atomic', 'true');
  el.dataset.rnnLive = '';
  el.slot = 'live';
  return el;
}

const styledRoots = new WeakMap<Node, Set<string>>();

/** Styles for the light-DOM chips (the listbox must live beside the field for ARIA), added once
 * per root and tag name. Zero specificity: any page rule wins. */
function lightStyles(tag: string): string {
  return `
:where(${tag} [data-rnn-listbox]){display:flex;flex-wrap:wrap;align-items:center;gap:var(--rnn-gap,.375rem);margin:0;padding:0}
:where(${tag} [data-rnn-listbox][hidden]){display:none}
:where(${tag} [data-rnn-chip]){display:inline-flex;align-items:center;min-height:var(--rnn-chip-height,2rem);box-sizing:border-box;padding:var(--rnn-chip-padding,.25rem .85rem);border-radius:var(--rnn-chip-radius,999px);border:1px solid var(--rnn-chip-border,#00000024);background:var(--rnn-chip-bg,#eef1f6);color:var(--rnn-chip-fg,#1a2230);font:inherit;line-height:1.2;cursor:pointer;user-select:none;-webkit-user-select:none;touch-action:manipulation;white-space:pre}
:where(${tag} [data-rnn-chip]:hover){background:var(--rnn-chip-hover-bg,#dfe6f0)}
:where(${tag} [data-rnn-chip][aria-selected=true]){background:var(--rnn-chip-active-bg,#1f5fbf);color:var(--rnn-chip-active-fg,#fff);border-color:transparent;outline:2px solid var(--rnn-chip-active-bg,#1f5fbf);outline-offset:2px}
@media (prefers-color-scheme:dark){
:where(${tag} [data-rnn-chip]){border-color:var(--rnn-chip-border,#ffffff2e);background:var(--rnn-chip-bg,#2a3240);color:var(--rnn-chip-fg,#e8edf5)}
:where(${tag} [data-rnn-chip]:hover){background:var(--rnn-chip-hover-bg,#364052)}
:where(${tag} [data-rnn-chip][aria-selected=true]){background:var(--rnn-chip-active-bg,#8ab4f8);color:var(--rnn-chip-active-fg,#0b1a33);outline-color:var(--rnn-chip-active-bg,#8ab4f8)}
}`;
}

function addLightStyles(root: Node, tag: string): void {
  let tags = styledRoots.get(root);
  if (tags?.has(tag)) return;
  styledRoots.set(root, (tags ??= new Set()));
  tags.add(tag);
  const target = root as Document | ShadowRoot;
  if (
    'adoptedStyleSheets' in target &&
    typeof CSSStyleSheet === 'function' &&
    'replaceSync' in CSSStyleSheet.prototype
  ) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(lightStyles(tag));
    target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = lightStyles(tag);
    (root instanceof Document ? root.head : (root as ShadowRoot)).append(style);
  }
}
