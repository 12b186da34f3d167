/**
 * The field adapter: what `<rnn-predict>` needs from a text field, whatever owns its DOM. The
 * element's own three kinds (`<input>`, `<textarea>`, a contenteditable element) are adapters
 * (native.ts, contenteditable.ts); an editor that owns its DOM (ProseMirror/Tiptap, Lexical,
 * Quill, CodeMirror) gets suggestions through one of its own, set as `el.field = adapter`
 * (docs/element.md has a worked example).
 *
 * Text is plain text: a line break (`<br>`, a new paragraph) is '\n'; offsets count UTF-16 code
 * units, as JavaScript strings do.
 */

/** An edit at the caret: replace `deleteBefore` characters before the caret and `deleteAfter`
 * after it with `text`, then put the caret `caretAfter` characters past the end of `text`
 * (0: right after it; 1: over the space that was already there). */
export interface CaretEdit {
  deleteBefore: number;
  deleteAfter: number;
  text: string;
  caretAfter: number;
}

/** What changed: the text (typing, a paste, an edit by code) or only the caret. */
export type FieldChange = 'text' | 'caret';

export interface FieldAdapter {
  /** The element the person types in (it, or an element inside it, has focus while typing): it
   * gets the ARIA attributes, and its keys, focus and IME composition events are read. It must be
   * inside `<rnn-predict>` (the element reads keys on their way down to it). */
  readonly element: HTMLElement;
  /** 'input' and 'textarea' (the ghost mirrors the field), 'contenteditable', or the editor's name. */
  readonly kind: string;
  /** The text before the caret (the whole text, or at least its current paragraph); null when
   * the selection is not collapsed or not in the field. */
  textBeforeCaret(): string | null;
  /** The text after the caret, up to and including the '\n' that ends its line ('' at the end). */
  textAfterCaret(): string;
  /** Applies `edit` at the caret as the person's own edit (undo knows it; the editor's model and
   * the page see an input). False when nothing was changed. */
  insertAtCaret(edit: CaretEdit): boolean;
  /** The caret's rectangle in viewport coordinates (its height is the line's), or null. */
  caretRect(): DOMRect | null;
  /** The whole text (what a send learns). */
  text(): string;
  /** Whether the person can type in it now (not disabled or read-only). */
  editable(): boolean;
  /** Calls `listener` when the text or the caret changes; returns the function that stops it. */
  subscribe(listener: (change: FieldChange) => void): () => void;
}

/** Whether `x` has the adapter's members (a value set as `el.field`). */
export function isFieldAdapter(x: unknown): x is FieldAdapter {
  const a = x as Partial<FieldAdapter> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof HTMLElement !== 'undefined' &&
    a.element instanceof HTMLElement &&
    (
      ['textBeforeCaret', 'textAfterCaret', 'insertAtCaret', 'caretRect', 'text', 'editable', 'subscribe'] as const
    ).every((m) => typeof a[m] === 'function')
  );
}

/** Whether `adapter`'s element, or an element inside it, has focus. */
export function hasFocus(adapter: FieldAdapter): boolean {
  const el = adapter.element;
  const active = (el.getRootNode() as Document | ShadowRoot).activeElement;
  return active !== null && (active === el || el.contains(active));
}

/** `subscribe` for a field that is a DOM element the person types in: an `input` event is a text
 * change; a click, a navigation key or a selection change while it has focus moves the caret. */
export function domChanges(adapter: FieldAdapter, listener: (change: FieldChange) => void): () => void {
  const el = adapter.element;
  const onInput = () => listener('text');
  const onCaret = () => listener('caret');
  const onKey = (e: Event) => /^(Arrow|Home|End|Page)/.test((e as KeyboardEvent).key) && onCaret();
  const onSelection = () => hasFocus(adapter) && onCaret();
  el.addEventListener('input', onInput);
  el.addEventListener('click', onCaret);
  el.addEventListener('keyup', onKey);
  document.addEventListener('selectionchange', onSelection);
  return () => {
    el.removeEventListener('input', onInput);
    el.removeEventListener('click', onCaret);
    el.removeEventListener('keyup', onKey);
    document.removeEventListener('selectionchange', onSelection);
  };
}
