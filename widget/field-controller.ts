/**
 * The wiring between `<rnn-predict>` and its text field, as a Lit ReactiveController: finds the
 * field among the slotted elements (an `<input>`, a `<textarea>` or a contenteditable element,
 * or one inside them) or takes the adapter set as `el.field`, gives its element the ARIA
 * attributes (the page's own values are put back when it is let go of), and listens to it, to
 * its form and to keys on the element. Each event goes to one of the element's handlers
 * (FieldHandlers). Every listener added is removed when the element leaves the page (and added
 * again when it comes back), or when the field changes. When the slot holds elements and none
 * is a field, the element says so once (FieldHandlers.notAField).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { hasFocus, type FieldAdapter, type FieldChange } from './fields/adapter.js';
import { NATIVE_FIELD, nativeField, type NativeField } from './fields/native.js';
import { CONTENTEDITABLE, contentEditableField } from './fields/contenteditable.js';

/** What the element does with the field's events. */
export interface FieldHandlers {
  /** The field was found, replaced, or let go of (undefined: none, or the element left the page). */
  fieldChanged(field: FieldAdapter | undefined): void;
  /** A key went down in the field; read on the element in the capture phase, before the page's
   * own handlers on the field see it. */
  keydown(e: KeyboardEvent): void;
  /** The text changed, or only the caret moved. */
  change(change: FieldChange): void;
  /** An IME composition started ('') or changed (its text), or ended (null). */
  composition(text: string | null): void;
  focus(): void;
  blur(): void;
  scroll(): void;
  /** The field's form is submitted (capture phase: before a page handler clears the field). */
  submit(): void;
  /** The slot holds elements but no field: `found` names them. */
  notAField(found: string): void;
}

/** What the controller reads from the element. */
export interface FieldHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export class FieldController implements ReactiveController {
  readonly #host: FieldHost;
  readonly #handlers: FieldHandlers;
  /** The id of the listbox the field controls (`aria-controls`). */
  readonly #listboxId: string;
  #field: FieldAdapter | undefined;
  /** An adapter set from outside (`el.field`): it wins over the slot's elements. */
  #custom: FieldAdapter | undefined;
  #form: HTMLFormElement | null = null;
  #unsubscribe: (() => void) | undefined;
  /** The field's attributes as the page had them, put back when the field is let go of. */
  #restore: [string, string | null][] = [];

  /** The field element's listeners, each added on attach and removed on detach. */
  readonly #fieldListeners: [string, EventListener][] = [
    ['compositionstart', () => this.#handlers.composition('')],
    ['compositionupdate', (e) => this.#handlers.composition((e as CompositionEvent).data ?? '')],
    ['compositionend', () => this.#handlers.composition(null)],
    ['focusin', () => this.#handlers.focus()],
    ['focusout', () => this.#handlers.blur()],
    ['scroll', () => this.#handlers.scroll()],
  ];

  constructor(host: FieldHost, handlers: FieldHandlers, options: { listboxId: string }) {
    this.#host = host;
    this.#handlers = handlers;
    this.#listboxId = options.listboxId;
    host.addController(this);
  }

  /** The field wired now (undefined while none is found, or while the element is off the page). */
  get field(): FieldAdapter | undefined {
    return this.#field;
  }

  /** Uses `adapter` for the field (an editor's own); undefined: the slot's field again. */
  set custom(adapter: FieldAdapter | undefined) {
    this.#custom = adapter;
    if (this.#host.isConnected) this.#rediscover();
  }

  get custom(): FieldAdapter | undefined {
    return this.#custom;
  }

  /** Whether the field (or an element inside it) has focus. */
  get focused(): boolean {
    return this.#field !== undefined && hasFocus(this.#field);
  }

  /** Finds the field among the slot's elements (the first text field, or one inside them) and wires it. */
  discover(slot: HTMLSlotElement): void {
    if (this.#custom) return this.#attach(this.#custom);
    const elements = slot.assignedElements({ flatten: true });
    let field: FieldAdapter | undefined;
    for (const el of elements) {
      const native = el.matches(NATIVE_FIELD) ? el : el.querySelector(NATIVE_FIELD);
      if (native) {
        field = nativeField(native as NativeField);
        break;
      }
      const editable = el.matches(CONTENTEDITABLE) ? el : el.querySelector(CONTENTEDITABLE);
      if (editable instanceof HTMLElement) {
        field = this.#field?.element === editable ? this.#field : contentEditableField(editable);
        break;
      }
    }
    if (field && this.#field && field.element === this.#field.element) field = this.#field;
    if (!field && elements.length > 0) this.#handlers.notAField(elements.map(describeElement).join(', '));
    this.#attach(field);
  }

  hostConnected(): void {
    // Keys are read on the way down (capture, on the host), so a key the element uses (Tab,
    // Enter on a chosen suggestion, Escape …) never reaches the page's own handlers.
    this.#host.addEventListener('keydown', this.#onKeyDown, { capture: true });
    // Back on the page: the slot is there already (on the first connection the element has not
    // rendered yet, and its slotchange finds the field).
    this.#rediscover();
  }

  hostDisconnected(): void {
    this.#host.removeEventListener('keydown', this.#onKeyDown, { capture: true });
    this.#attach(undefined);
  }

  #rediscover(): void {
    const slot = this.#host.renderRoot?.querySelector?.<HTMLSlotElement>('slot:not([name])');
    if (slot) this.discover(slot);
    else if (this.#custom) this.#attach(this.#custom);
  }

  #attach(field: FieldAdapter | undefined): void {
    if (field === this.#field) return;
    const old = this.#field;
    if (old) {
      const el = old.element;
      for (const [type, fn] of this.#fieldListeners) el.removeEventListener(type, fn);
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
      this.#form?.removeEventListener('submit', this.#onSubmit, { capture: true });
      for (const [name, value] of this.#restore) {
        if (value === null) el.removeAttribute(name);
        else el.setAttribute(name, value);
      }
    }
    this.#field = field;
    this.#restore = [];
    this.#form = null;
    if (field) {
      const el = field.element;
      for (const [type, fn] of this.#fieldListeners) el.addEventListener(type, fn);
      this.#unsubscribe = field.subscribe((change) => this.#handlers.change(change));
      this.#form = (el as Partial<NativeField>).form ?? el.closest('form');
      this.#form?.addEventListener('submit', this.#onSubmit, { capture: true });
      const set = (name: string, value: string) => {
        this.#restore.push([name, el.getAttribute(name)]);
        el.setAttribute(name, value);
      };
      if (field.kind === 'input') {
        set('role', 'combobox');
        set('aria-expanded', 'false');
        if (!el.hasAttribute('autocomplete')) set('autocomplete', 'off');
      } else if (field.kind !== 'textarea' && !el.hasAttribute('role')) {
        // An editable element is a text box (the attributes below need a role that takes them).
        set('role', 'textbox');
      }
      set('aria-autocomplete', 'list');
      set('aria-controls', this.#listboxId);
      this.#restore.push(['aria-activedescendant', el.getAttribute('aria-activedescendant')]);
    }
    this.#handlers.fieldChanged(field);
  }

  #onKeyDown = (e: KeyboardEvent) => {
    const target = e.composedPath()[0];
    if (this.#field && target instanceof Node && this.#field.element.contains(target)) this.#handlers.keydown(e);
  };

  #onSubmit = () => this.#handlers.submit();
}

/** The error said once when the slot of `<tag>` holds elements (`found`) and none is a field. */
export function notAFieldError(tag: string, found: string): Error {
  return new Error(
    `<${tag}> found no text field in ${found}: it needs an <input> (type text or search), a <textarea>, ` +
      'a contenteditable element, or a field adapter set as its `field` property (docs/element.md).',
  );
}

/** How an element is named in a message: its tag and the attributes that say what it is. */
function describeElement(el: Element): string {
  const attrs = ['type', 'role', 'contenteditable']
    .filter((a) => el.hasAttribute(a))
    .map((a) => ` ${a}="${el.getAttribute(a)}"`)
    .join('');
  return `<${el.localName}${attrs}>`;
}
