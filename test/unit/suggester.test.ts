// The suggestion bar's rules in one place (src/inference/suggest/suggester.ts): nothing in an
// empty field, k words (1–9, 3 by default) asked for once, each once, never the letters typed as a
// word of their own, words passed over last; and evaluate()'s passedOverLast typist is offered
// exactly what a Suggester offers (the element's chips come from one too).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  Suggester,
  SUGGESTIONS,
  barSize,
  offersNothing,
  typing,
  type WordSource,
} from '../../src/inference/suggest/suggester.js';
import { evaluate, wordKeystrokes } from '../../src/inference/suggest/evaluate.js';

const WORDS = ['casa', 'cosa', 'cama', 'como', 'casas', 'camino', 'casado'];

/** A source ranking WORDS by the letters typed; `asked` records each call's (head, partial, n). */
function source(words = WORDS) {
  const asked: [string, string, number][] = [];
  const fn: WordSource = (head, partial, n) => {
    asked.push([head, partial, n]);
    return words.filter((w) => w.startsWith(partial.toLowerCase())).slice(0, n);
  };
  return { fn, asked };
}

describe('Suggester', () => {
  test('nothing in an empty or blank field, without asking the predictor', () => {
    const s = source();
    const bar = new Suggester();
    assert.deepEqual(bar.offer('', s.fn), []);
    assert.deepEqual(bar.offer(' \n ', s.fn), []);
    assert.deepEqual(s.asked, []);
    assert.equal(offersNothing('  '), true);
    assert.equal(offersNothing('¿'), false);
  });

  test('k words, 3 by default, at most 9; the predictor asked once per offer', () => {
    const many = Array.from({ length: 20 }, (_, i) => `palabra${i}`);
    const s = source(many);
    assert.equal(new Suggester().offer('hola ', s.fn).length, SUGGESTIONS.default);
    assert.equal(new Suggester({ k: 5 }).offer('hola ', s.fn).length, 5);
    assert.equal(new Suggester({ k: 50 }).offer('hola ', s.fn).length, SUGGESTIONS.max);
    assert.deepEqual(
      s.asked.map((a) => a[2]),
      [3, 5, 9],
    );
    for (const bad of [0, -1, 2.5, NaN, '4', undefined]) assert.equal(barSize(bad), SUGGESTIONS.default, String(bad));
    const bar = new Suggester();
    bar.k = 7;
    assert.equal(bar.k, 7);
  });

  test('each word once, never an empty one', () => {
    const bar = new Suggester();
    assert.deepEqual(
      bar.offer('hola ', () => ['sí', '', 'sí', 'no', 'no', 'ya']),
      ['sí', 'no', 'ya'],
    );
  });

  test('the word typed in full is not offered again, unless it is the only one', () => {
    assert.deepEqual(
      new Suggester().offer('la casa', () => ['casa', 'casas', 'casado']),
      ['casas', 'casado'],
    );
    assert.deepEqual(
      new Suggester().offer('la casa', () => ['casa']),
      ['casa'],
    );
  });

  test('the text before the caret is parsed once: the head and the word being typed', () => {
    assert.deepEqual(typing('Hola cómo se sie'), { before: 'Hola cómo se sie', head: 'Hola cómo se ', partial: 'sie' });
    assert.deepEqual(typing('Hola, '), { before: 'Hola, ', head: 'Hola, ', partial: '' });
    const s = source();
    new Suggester().offer('me gusta la ca', s.fn);
    assert.deepEqual(s.asked, [['me gusta la ', 'ca', 3]]);
  });

  test('words shown for the word being typed and passed over come last', () => {
    const s = source();
    const bar = new Suggester();
    assert.deepEqual(bar.offer('c', s.fn), ['casa', 'cosa', 'cama']);
    // 'ca' passes over casa and cama (still fitting): asked for 3 + 2, they come last.
    assert.deepEqual(bar.offer('ca', s.fn), ['casas', 'camino', 'casado']);
    assert.equal(s.asked.at(-1)![2], 5);
    // A new field: nothing was passed over.
    bar.clear();
    assert.deepEqual(bar.offer('ca', s.fn), ['casa', 'cama', 'casas']);
  });

  test('the first word shown inline (ghost text) is never passed over', () => {
    const s = source();
    const bar = new Suggester();
    bar.offer('c', s.fn, { alongFirst: true });
    assert.deepEqual(bar.offer('ca', s.fn, { alongFirst: true }), ['casa', 'casas', 'camino']);
  });
});

describe("evaluate(): the passedOverLast typist is offered a Suggester's words", () => {
  // 'casa' is among the words while 'casado' is typed: a Suggester drops it once 'casa' is typed.
  const scorer = {
    suggest: (_before: string, typed: string, k: number) =>
      ['casa', 'camino', 'casas', 'cosa', 'casado'].filter((w) => w.startsWith(typed)).slice(0, k),
    inVocabulary: () => true,
  };

  test('its keystrokes are those of a typist shown what a Suggester offers', () => {
    const lines = ['x casado', 'casa casado', 'camino cas casado casas'];
    const bar = new Suggester();
    const offered = {
      inVocabulary: () => true,
      suggest: (head: string, typed: string) =>
        bar.offer({ before: head + typed, head, partial: typed }, (h, t, n) => scorer.suggest(h, t, n)),
    };
    let keys = 0;
    let characters = 0;
    for (const line of lines) {
      bar.clear();
      for (const m of line.matchAll(/\S+/g)) {
        const before = line.slice(0, m.index);
        keys += wordKeystrokes(offered, before, m[0], offered.suggest(before, ''));
        characters += m[0].length + 1;
      }
    }
    const r = evaluate(scorer, lines, { passedOverLast: true });
    assert.equal(r.ksrPassedOverLast, 1 - keys / characters);
    assert.notEqual(r.ksrPassedOverLast, r.ksr);
  });
});
