/**
 * The element's edits to the field, as the person's own (the adapter's insertAtCaret: undo
 * knows them): an accepted word or phrase at the caret (where wordEdit puts it), or a reply
 * that fills the field.
 */
import type { FieldAdapter } from './fields/adapter.js';
import { wordEdit } from './text-edit.js';

/** Puts `word` (or a phrase) at the caret; null when nothing was inserted, else `trailing`: the
 * field's text when the edit left a space at its very end (a send then drops it). During a Latin
 * composition the composed letters are replaced (the word being typed). */
export function insertWord(f: FieldAdapter, word: string): { trailing: string | undefined } | null {
  const before = f.textBeforeCaret();
  if (before == null) return null;
  const after = f.textAfterCaret();
  const edit = wordEdit(before + after, before.length, before.length, word);
  const done = f.insertAtCaret({
    deleteBefore: before.length - edit.from,
    deleteAfter: edit.to - before.length,
    text: edit.text,
    caretAfter: edit.caret - edit.from - edit.text.length,
  });
  if (!done) return null;
  return { trailing: edit.to === before.length + after.length && edit.text.endsWith(' ') ? f.text() : undefined };
}

/** Fills the field (its line) with `text`, a reply; false when nothing was changed. */
export function fillField(f: FieldAdapter, text: string): boolean {
  const before = f.textBeforeCaret();
  if (before == null) return false;
  const after = f.textAfterCaret();
  return f.insertAtCaret({ deleteBefore: before.length, deleteAfter: after.length, text, caretAfter: 0 });
}

/** The phrase's first `count` words (Infinity: all), never the `hidden` last ones that do not
 * fit in the field (Infinity: none hidden counts, the whole ghost is hidden). */
export function phraseHead(words: readonly string[], count: number, hidden: number): string[] {
  const shown = words.length - (Number.isFinite(hidden) ? hidden : 0);
  return words.slice(0, Math.min(count, shown));
}
