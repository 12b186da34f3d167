/**
 * The adapter for an `<input>` (type text or search) or a `<textarea>`: the field's value and
 * selection, edits through `execCommand('insertText')` (the field's undo knows them and it fires
 * beforeinput/input natively), and the caret measured on a hidden copy of the field.
 */
import type { CaretEdit, FieldAdapter, FieldChange } from './adapter.js';
import { domChanges, hasFocus } from './adapter.js';
import { MIRRORED } from '../ghost.js';

export type NativeField = HTMLInputElement | HTMLTextAreaElement;

/** Text only: never a password, e-mail or number field. */
export const NATIVE_FIELD = 'textarea, input:is([type=text i], [type=search i], :not([type]))';

export function nativeField(f: NativeField): FieldAdapter {
  const caret = () => f.selectionStart ?? f.value.length;
  const adapter: FieldAdapter = {
    element: f,
    kind: f instanceof HTMLInputElement ? 'input' : 'textarea',
    textBeforeCaret() {
      const start = caret();
      return start === (f.selectionEnd ?? start) ? f.value.slice(0, start) : null;
    },
    textAfterCaret() {
      const rest = f.value.slice(caret());
      const nl = rest.indexOf('\n');
      return nl < 0 ? rest : rest.slice(0, nl + 1);
    },
    insertAtCaret(edit: CaretEdit) {
      const value = f.value;
      const start = caret();
      const from = Math.max(0, start - edit.deleteBefore);
      const to = Math.min(value.length, start + edit.deleteAfter);
      const expected = value.slice(0, from) + edit.text + value.slice(to);
      let done = false;
      if (hasFocus(adapter)) {
        f.setSelectionRange(from, to);
        try {
          done = document.execCommand(edit.text === '' ? 'delete' : 'insertText', false, edit.text);
        } catch {
          done = false;
        }
      }
      if (!done || f.value !== expected) {
        f.value = expected;
        f.dispatchEvent(
          new InputEvent('input', {
            bubbles: true,
            composed: true,
            inputType: 'insertReplacementText',
            data: edit.text,
          }),
        );
      }
      const at = from + edit.text.length + edit.caretAfter;
      if (f.value === expected) f.setSelectionRange(at, at);
      return true;
    },
    caretRect() {
      const cs = getComputedStyle(f);
      const box = f.getBoundingClientRect();
      const copy = document.createElement('div');
      const s = copy.style;
      for (const p of MIRRORED) s.setProperty(p, cs.getPropertyValue(p));
      s.position = 'fixed';
      s.visibility = 'hidden';
      s.left = `${box.left}px`;
      s.top = `${box.top}px`;
      s.width = `${box.width}px`;
      s.boxSizing = 'border-box';
      s.borderStyle = 'solid';
      s.whiteSpace = f instanceof HTMLInputElement ? 'pre' : 'pre-wrap';
      s.overflowWrap = f instanceof HTMLInputElement ? 'normal' : 'break-word';
      copy.textContent = f.value.slice(0, caret());
      const mark = document.createElement('span');
      mark.textContent = '\u200b';
      copy.append(mark);
      document.body.append(copy);
      const r = mark.getBoundingClientRect();
      copy.remove();
      return new DOMRect(r.left - f.scrollLeft, r.top - f.scrollTop, 0, r.height);
    },
    text: () => f.value,
    editable: () => !f.readOnly && !f.disabled,
    subscribe: (listener: (change: FieldChange) => void) => domChanges(adapter, listener),
  };
  return adapter;
}
