/**
 * Where an accepted word goes in a text field: pure string arithmetic, no DOM. The word replaces
 * the word being typed at the caret (all of it, also the letters after the caret) or follows the
 * last word, with one space before it when needed and one after it unless punctuation or a
 * space already follows.
 */
import { partialWord } from '../src/engine.js';

export interface WordEdit {
  /** Replace value[from, to) … */
  from: number;
  to: number;
  /** … with this text, */
  text: string;
  /** then put the caret here (an index into the new value). */
  caret: number;
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}'’]/u;
/** After these no space is needed before a word. */
const OPENER = /[\s¿¡([{«"“‘'—-]$/u;
/** Before these no space is added after a word. */
const CLOSER = /^[.,;:!?…)\]}»"”’%]/u;

export { partialWord };

/**
 * The edit that puts `word` at the selection [start, end) of `value`: it replaces the word being
 * typed (its letters before the caret and the rest of it after) or, after a space or punctuation,
 * inserts the word as the next one.
 */
export function wordEdit(value: string, start: number, end: number, word: string): WordEdit {
  const before = value.slice(0, start);
  const partial = partialWord(before);
  let from = start - partial.length;
  let to = end;
  if (partial !== '' && start === end) {
    while (to < value.length && WORD_CHAR.test(value[to]!)) to++;
  }
  const head = value.slice(0, from);
  const rest = value.slice(to);
  let text = word;
  if (head !== '' && !OPENER.test(head)) text = ' ' + text;
  let caret = from + text.length;
  if (rest === '') {
    text += ' ';
    caret++;
  } else if (/^\s/u.test(rest)) {
    caret++; // step over the space that is there already
  } else if (!CLOSER.test(rest)) {
    text += ' ';
    caret++;
  }
  if (from > to) [from, to] = [to, from];
  return { from, to, text, caret };
}

/** The text after the caret that the ghost shows for `word`, or '' when it cannot be shown inline
 * (`partial`: the word being typed at the end of `before`, when already known). */
export function ghostText(before: string, word: string, partial = partialWord(before)): string {
  if (partial === '') return before === '' || OPENER.test(before) ? word : ' ' + word;
  const p = Array.from(partial).length;
  const chars = Array.from(word);
  if (chars.slice(0, p).join('').toLowerCase() !== partial.toLowerCase()) return '';
  return chars.slice(p).join('');
}

/**
 * The ghost text of a phrase, one part per word: the first word's rest (as `ghostText`), then
 * ' word' for each next one, each with the phrase's probability up to that word. Empty when the
 * first word cannot show inline.
 */
export function phraseGhost(
  before: string,
  words: readonly string[],
  probabilities: readonly number[],
  partial = partialWord(before),
): { text: string; p: number }[] {
  const first = words[0] === undefined ? '' : ghostText(before, words[0], partial);
  if (first === '' && words[0] !== partial) return [];
  let p = 1;
  return words
    .map((w, i) => ({ text: i === 0 ? first : ' ' + w, p: (p *= probabilities[i] ?? 1) }))
    .filter((part) => part.text !== '');
}
