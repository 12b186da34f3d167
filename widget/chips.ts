/**
 * The suggestion chips: rendered into the element's light-DOM listbox (ARIA ids resolve beside
 * the field), with the field's combobox state, and the touch gestures on them (a tap accepts, a
 * long press removes its word).
 */
import { html, render } from 'lit';
import type { FieldAdapter } from './fields/adapter.js';

/** How long a touch on a chip removes its word (ms). */
export const LONG_PRESS_MS = 600;

export interface ChipsState {
  words: readonly string[];
  /** The chip chosen with ↑/↓ (-1: none). */
  active: number;
  open: boolean;
  /** The listbox's name. */
  label: string;
  /** The id of chip `i`. */
  id: (i: number) => string;
}

/** Chip actions: a tap or click accepts (`accept`), a long press removes (`remove`). */
export class Chips {
  #pressTimer: ReturnType<typeof setTimeout> | undefined;
  /** A long press fired: the click that ends it accepts nothing. */
  #pressed = false;

  constructor(
    readonly listbox: HTMLElement,
    readonly actions: { accept(i: number): void; remove(i: number): void },
  ) {}

  /** The chips, and the field's combobox state. The chip Tab inserts (the chosen one, else the
   * top one) is aria-selected and marked. */
  render(s: ChipsState, field: FieldAdapter | undefined): void {
    const listbox = this.listbox;
    const target = s.active >= 0 ? s.active : 0;
    const part = (i: number) => (i === s.active ? 'chip chip-active' : i === target ? 'chip chip-default' : 'chip');
    listbox.hidden = !s.open;
    listbox.setAttribute('aria-label', s.label);
    render(
      html`${s.words.map(
        (w, i) =>
          html`<div role="option" id=${s.id(i)} data-rnn-chip part=${part(i)}
          aria-selected=${i === target ? 'true' : 'false'}
          @mousedown=${(e: Event) => e.preventDefault()} @pointerdown=${(e: PointerEvent) => this.#pressStart(e, i)}
          @pointerup=${() => this.#pressEnd()} @pointercancel=${() => this.#pressEnd()} @pointerleave=${() => this.#pressEnd()}
          @contextmenu=${(e: Event) => this.#pressTimer !== undefined && e.preventDefault()}
          @click=${() => this.#click(i)}>${w}</div>`,
      )}`,
      listbox,
    );
    const f = field?.element;
    if (!f) return;
    if (field.kind === 'input') f.setAttribute('aria-expanded', String(s.open));
    if (s.open && s.active >= 0) f.setAttribute('aria-activedescendant', s.id(s.active));
    else f.removeAttribute('aria-activedescendant');
  }

  /** A touch held LONG_PRESS_MS on a chip removes its word (the tap that ends it accepts nothing). */
  #pressStart(e: PointerEvent, index: number): void {
    if (e.pointerType !== 'touch' && e.pointerType !== 'pen') return;
    this.#pressEnd();
    this.#pressed = false;
    this.#pressTimer = setTimeout(() => {
      this.#pressTimer = undefined;
      this.#pressed = true;
      this.actions.remove(index);
    }, LONG_PRESS_MS);
  }

  #pressEnd(): void {
    clearTimeout(this.#pressTimer);
    this.#pressTimer = undefined;
  }

  #click(index: number): void {
    if (this.#pressed) {
      this.#pressed = false;
      return;
    }
    this.actions.accept(index);
  }
}
