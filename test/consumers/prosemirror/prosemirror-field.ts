// A field adapter for ProseMirror (and so Tiptap, whose `editor.view` is a ProseMirror view):
// <rnn-predict> then suggests for the editor as for a textarea. docs/element.md explains the
// interface. Needs prosemirror-state and prosemirror-view; consumers.test.ts runs it in the app
// beside it (main.ts), with the versions pinned in ../package.json. Copy it into your project.
//
//   const view = new EditorView(host, { state });          // host: a <div> inside <rnn-predict>
//   document.querySelector('rnn-predict').field = prosemirrorField(view);
import { TextSelection } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import type { CaretEdit, FieldAdapter, FieldChange } from 'rnn-predict/element';

export function prosemirrorField(view: EditorView): FieldAdapter {
  const listeners = new Set<(change: FieldChange) => void>();
  // Every change goes through dispatchTransaction: the editor's own one still runs, then the
  // element hears whether the text or only the selection changed.
  const own = view.props.dispatchTransaction;
  view.setProps({
    dispatchTransaction(tr) {
      if (own) own.call(view, tr);
      else view.updateState(view.state.apply(tr));
      for (const listener of listeners) listener(tr.docChanged ? 'text' : 'caret');
    },
  });
  // A new line between paragraphs, as the element reads a <textarea>.
  const text = (from: number, to: number) => view.state.doc.textBetween(from, to, '\n', '\n');
  return {
    element: view.dom,
    kind: 'prosemirror',
    textBeforeCaret() {
      const { empty, from } = view.state.selection;
      return empty ? text(0, from) : null;
    },
    textAfterCaret() {
      const { $from } = view.state.selection;
      const rest = text($from.pos, $from.end());
      return $from.end() + 1 < view.state.doc.content.size ? rest + '\n' : rest;
    },
    insertAtCaret(edit: CaretEdit) {
      if (!view.editable) return false;
      // Inside a word, positions and characters match one for one (a word holds no node).
      const at = view.state.selection.from;
      const from = at - edit.deleteBefore;
      const tr = view.state.tr.insertText(edit.text, from, at + edit.deleteAfter);
      const caret = Math.min(from + edit.text.length + edit.caretAfter, tr.doc.content.size);
      view.dispatch(tr.setSelection(TextSelection.create(tr.doc, caret)).scrollIntoView());
      return true;
    },
    caretRect() {
      const c = view.coordsAtPos(view.state.selection.head);
      return new DOMRect(c.left, c.top, 0, c.bottom - c.top);
    },
    text: () => text(0, view.state.doc.content.size),
    editable: () => view.editable,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
