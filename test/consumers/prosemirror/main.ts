// A ProseMirror editor as a site sets one up, given to <rnn-predict> through the field adapter
// beside this file (the worked example docs/element.md links to).
import 'rnn-predict/element';
import type { RnnPredict } from 'rnn-predict/element';
import { schema } from 'prosemirror-schema-basic';
import { EditorState } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
// ProseMirror's own rules (white-space: pre-wrap keeps a typed space a space, not a U+00A0).
import 'prosemirror-view/style/prosemirror.css';
import { prosemirrorField } from './prosemirror-field.js';

const view = new EditorView(document.querySelector('#editor'), {
  state: EditorState.create({ schema }),
  attributes: { 'aria-labelledby': 'label' },
});
document.querySelector<RnnPredict>('rnn-predict')!.field = prosemirrorField(view);

/** What the editor's own state holds (never its DOM): the test compares it with what is shown. */
export interface EditorSnapshot {
  /** The document's text. */
  text: string;
  /** The text before the caret; null when the selection is not collapsed. */
  beforeCaret: string | null;
}

(window as unknown as { editorSnapshot: () => EditorSnapshot }).editorSnapshot = () => {
  const { doc, selection } = view.state;
  return {
    text: doc.textBetween(0, doc.content.size, '\n'),
    beforeCaret: selection.empty ? doc.textBetween(0, selection.head, '\n') : null,
  };
};
