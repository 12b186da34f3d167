/**
 * The wiring between `<rnn-predict>` and its text field, as a Lit ReactiveController: finds the
 * `<input>` or `<textarea>` among the slotted elements, gives it the combobox attributes (the
 * page's own values are put back when it is let go of), and listens to it, to its form, to the
 * document's selection and to keys on the element. Each event goes to one of the element's
 * handlers (FieldHandlers). Every listener added is removed when the element leaves the page
 * (and added again when it comes back), or when the field changes.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type Field = HTMLInputElement | HTMLTextAreaElement;

/** What the element does with the field's events. */
export interface FieldHandlers {
  /** The field was found, replaced, or let go of (undefined: none, or the element left the page). */
  fieldChanged(field: Field | undefined): void;
  /** A key went down in the field; read on the element in the capture phase, before the page's
   * own handlers on the field see it. */
  keydown(e: KeyboardEvent): void;
  input(e: InputEvent): void;
  /** An IME composition started (true) or ended (false). */
  composition(composing: boolean): void;
  focus(): void;
  blur(): void;
  /** The caret may have moved: a click, a navigation key, or a selection change while the field has focus. */
  caret(): void;
  scroll(): void;
  /** The field's form is submitted (capture phase: before a page handler clears the field). */
  submit(): void;
}

/** What the controller reads from the element. */
export interface FieldHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** Text only: never a password, e-mail or number field. */
const TEXT_FIELD = 'textarea, input:is([type=text i], [type=search i], :not([type]))';

export class FieldController implements ReactiveController {
  readonly #host: FieldHost;
  readonly #handlers: FieldHandlers;
  /** The id of the listbox the field controls (`aria-controls`). */
  readonly #listboxId: string;
  #field: Field | undefined;
  #form: HTMLFormElement | null = null;
  /** The field's attributes as the page had them, put back when the field is let go of. */
  #restore: [string, string | null][] = [];

  /** The field's listeners, each added on attach and removed on detach. */
  readonly #fieldListeners: [string, EventListener][] = [
    ['input', (e) => this.#handlers.input(e as InputEvent)],
    ['compositionstart', () => this.#handlers.composition(true)],
    ['compositionend', () => this.#handlers.composition(false)],
    ['focus', () => this.#handlers.focus()],
    ['blur', () => this.#handlers.blur()],
    ['click', () => this.#handlers.caret()],
    ['keyup', (e) => /^(Arrow|Home|End|Page)/.test((e as KeyboardEvent).key) && this.#handlers.caret()],
    ['scroll', () => this.#handlers.scroll()],
  ];

  constructor(host: FieldHost, handlers: FieldHandlers, options: { listboxId: string }) {
    this.#host = host;
    this.#handlers = handlers;
    this.#listboxId = options.listboxId;
    host.addController(this);
  }

  /** The field wired now (undefined while none is found, or while the element is off the page). */
  get field(): Field | undefined {
    return this.#field;
  }

  /** Whether the field has focus (in its own document or shadow root). */
  get focused(): boolean {
    const f = this.#field;
    return f !== undefined && (f.getRootNode() as Document | ShadowRoot).activeElement === f;
  }

  /** Finds the field among the slot's elements (the first text field, or one inside them) and wires it. */
  discover(slot: HTMLSlotElement): void {
    let field: Field | undefined;
    for (const el of slot.assignedElements({ flatten: true })) {
      const f = el.matches(TEXT_FIELD) ? el : el.querySelector(TEXT_FIELD);
      if (f) {
        field = f as Field;
        break;
      }
    }
    this.#attach(field);
  }

  hostConnected(): void {
    // Keys are read on the way down (capture, on the host), so a key the element uses (Tab,
    // Enter on a chosen suggestion, Escape …) never reaches the page's own handlers.
    this.#host.addEventListener('keydown', this.#onKeyDown, { capture: true });
    document.addEventListener('selectionchange', this.#onSelectionChange);
    // Back on the page: the slot is there already (on the first connection the element has not
    // rendered yet, and its slotchange finds the field).
    const slot = this.#host.renderRoot?.querySelector?.<HTMLSlotElement>('slot:not([name])');
    if (slot) this.discover(slot);
  }

  hostDisconnected(): void {
    this.#host.removeEventListener('keydown', this.#onKeyDown, { capture: true });
    document.removeEventListener('selectionchange', this.#onSelectionChange);
    this.#attach(undefined);
  }

  #attach(field: Field | undefined): void {
    if (field === this.#field) return;
    const old = this.#field;
    if (old) {
      for (const [type, fn] of this.#fieldListeners) old.removeEventListener(type, fn);
      this.#form?.removeEventListener('submit', this.#onSubmit, { capture: true });
      for (const [name, value] of this.#restore) {
        if (value === null) old.removeAttribute(name);
        else old.setAttribute(name, value);
      }
    }
    this.#field = field;
    this.#restore = [];
    this.#form = null;
    if (field) {
      for (const [type, fn] of this.#fieldListeners) field.addEventListener(type, fn);
      this.#form = field.form;
      this.#form?.addEventListener('submit', this.#onSubmit, { capture: true });
      const set = (name: string, value: string) => {
        this.#restore.push([name, field.getAttribute(name)]);
        field.setAttribute(name, value);
      };
      if (field instanceof HTMLInputElement) {
        set('role', 'combobox');
        set('aria-expanded', 'false');
        if (!field.hasAttribute('autocomplete')) set('autocomplete', 'off');
      }
      set('aria-autocomplete', 'list');
      set('aria-controls', this.#listboxId);
      this.#restore.push(['aria-activedescendant', field.getAttribute('aria-activedescendant')]);
    }
    this.#handlers.fieldChanged(field);
  }

  #onKeyDown = (e: KeyboardEvent) => {
    if (this.#field && e.composedPath()[0] === this.#field) this.#handlers.keydown(e);
  };

  #onSelectionChange = () => {
    if (this.focused) this.#handlers.caret();
  };

  #onSubmit = () => this.#handlers.submit();
}
