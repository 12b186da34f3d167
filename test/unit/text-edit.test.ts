// widget/text-edit.ts: where an accepted word goes in a text field (pure string arithmetic),
// the inline ghost text, and the word being typed at the caret.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ghostText, partialWord, wordEdit } from '../../widget/text-edit.js';

/** The field's value and caret after accepting `word` at the selection [start, end). */
function accept(value: string, start: number, end: number, word: string): [string, number] {
  const e = wordEdit(value, start, end, word);
  return [value.slice(0, e.from) + e.text + value.slice(e.to), e.caret];
}

describe('wordEdit', () => {
  test('completes the word being typed and adds one space after it', () => {
    assert.deepEqual(wordEdit('Hola có', 7, 7, 'cómo'), { from: 5, to: 7, text: 'cómo ', caret: 10 });
    assert.deepEqual(accept('Hola', 4, 4, 'amigo'), ['amigo ', 6]);
  });

  test('after a space or at the start, inserts the next word', () => {
    assert.deepEqual(accept('Hola ', 5, 5, 'cómo'), ['Hola cómo ', 10]);
    assert.deepEqual(accept('', 0, 0, 'Hola'), ['Hola ', 5]);
  });

  test('after an opener (¿, parenthesis) no space is put before the word', () => {
    assert.deepEqual(accept('¿qu', 3, 3, 'qué'), ['¿qué ', 5]);
    assert.deepEqual(accept('(ho', 3, 3, 'hola'), ['(hola ', 6]);
  });

  test('replaces the whole word at the caret, also the letters after it; steps over the space that follows', () => {
    assert.deepEqual(accept('Hola cmo estás', 6, 6, 'cómo'), ['Hola cómo estás', 10]);
    assert.deepEqual(accept('Hola qu tal', 7, 7, 'qué'), ['Hola qué tal', 9]);
  });

  test('adds no space before punctuation that follows', () => {
    assert.deepEqual(accept('Hola, gracias', 4, 4, 'amigo'), ['amigo, gracias', 5]);
    assert.deepEqual(accept('dime.', 4, 4, 'dime'), ['dime.', 4]);
  });

  test('a selection is replaced by the word', () => {
    assert.deepEqual(accept('Hola xyz', 5, 8, 'buenos'), ['Hola buenos ', 12]);
  });
});

describe('ghostText', () => {
  test('shows the rest of the word being typed, whatever the case typed', () => {
    assert.equal(ghostText('Hola có', 'cómo'), 'mo');
    assert.equal(ghostText('Hola CÓ', 'cómo'), 'mo');
    assert.equal(ghostText('Hola có', 'CÓMO'), 'MO');
  });

  test('after a space, an opener or nothing, the whole word; after a finished word, a space first', () => {
    assert.equal(ghostText('Hola ', 'cómo'), 'cómo');
    assert.equal(ghostText('¿', 'qué'), 'qué');
    assert.equal(ghostText('', 'Hola'), 'Hola');
  });

  test('nothing when the word does not continue what is typed', () => {
    assert.equal(ghostText('Hola xy', 'cómo'), '');
    assert.equal(ghostText('Hola', 'amigo'), '');
  });
});

describe('partialWord', () => {
  test('the letters before the caret, apostrophes included; empty after a space', () => {
    assert.equal(partialWord('Hola có'), 'có');
    assert.equal(partialWord('Hola '), '');
    assert.equal(partialWord("l'ét"), "l'ét");
  });

  test('text that is not NFC (a combining accent) keeps its own code units', () => {
    assert.equal(partialWord('Hola co\u0301'), 'co\u0301');
  });
});
