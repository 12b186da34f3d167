// The words shown and passed over for a word come last (src/inference/suggest/passed-over.ts), in the
// element and in evaluate()'s ksrPassedOverLast.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PassedOver } from '../../src/inference/suggest/passed-over.js';
import { evaluate } from '../../src/inference/suggest/evaluate.js';

/** A predictor that always ranks these words, filtered by the letters typed. */
const WORDS = ['casa', 'cosa', 'cama', 'como', 'casas', 'camino', 'casado'];
const ranked = (typed: string) => (n: number) => WORDS.filter((w) => w.startsWith(typed)).slice(0, n);

describe('PassedOver', () => {
  test('words offered for shorter prefixes of the same word come after the others', () => {
    const m = new PassedOver();
    assert.deepEqual(m.rank('hola ', '', 3, ranked('')), ['casa', 'cosa', 'cama']);
    // 'c' typed: the three shown before were passed over; two still start with 'c' and fit.
    assert.deepEqual(m.rank('hola ', 'c', 3, ranked('c')), ['como', 'casas', 'camino']);
    // 'ca': casa and cama were passed over (before 'c'), casas and camino after it.
    assert.deepEqual(m.rank('hola ', 'ca', 3, ranked('ca')), ['casado', 'casa', 'cama']);
  });

  test('asks for as many more words as were passed over and still fit', () => {
    const m = new PassedOver();
    const asked: number[] = [];
    const spy = (typed: string) => (n: number) => (asked.push(n), ranked(typed)(n));
    m.rank('', '', 2, spy(''));
    m.rank('', 'c', 2, spy('c')); // casa, cosa passed over, both fit 'c'
    m.rank('', 'ca', 2, spy('ca')); // + como, cama... offered at 'c' were como, casas: casa, casas fit 'ca'
    assert.deepEqual(asked, [2, 4, 4]);
  });

  test('the same letters again pass nothing over; another word, a deleted letter or clear() start again', () => {
    const m = new PassedOver();
    m.rank('a ', '', 3, ranked(''));
    assert.deepEqual(m.rank('a ', '', 3, ranked('')), ['casa', 'cosa', 'cama'], 'a redraw');
    m.rank('a ', 'c', 3, ranked('c'));
    assert.deepEqual(m.rank('a ', 'c', 3, ranked('c')), ['como', 'casas', 'camino'], 'same letters: same list');
    assert.deepEqual(m.rank('b ', 'c', 3, ranked('c')), ['casa', 'cosa', 'cama'], 'another context');
    m.rank('b ', 'ca', 3, ranked('ca'));
    assert.deepEqual(m.rank('b ', 'c', 3, ranked('c')), ['casa', 'cosa', 'cama'], 'a letter deleted');
    m.rank('b ', 'ca', 3, ranked('ca'));
    m.clear();
    assert.deepEqual(m.rank('b ', 'cas', 3, ranked('cas')), ['casa', 'casas', 'casado'], 'cleared');
  });

  test('letters and words compare in lower case; words come back as the predictor cased them', () => {
    const m = new PassedOver();
    const cased = (typed: string) => (n: number) =>
      ranked(typed.toLowerCase())(n).map((w) => w[0]!.toUpperCase() + w.slice(1));
    assert.deepEqual(m.rank('', '', 2, cased('')), ['Casa', 'Cosa']);
    assert.deepEqual(m.rank('', 'C', 2, cased('C')), ['Cama', 'Como']);
    assert.deepEqual(m.rank('', 'Ca', 2, cased('Ca')), ['Casas', 'Camino']);
  });

  test('alongFirst: the first word (shown inline too) is never passed over while typed along', () => {
    const m = new PassedOver();
    assert.deepEqual(m.rank('', '', 3, ranked(''), true), ['casa', 'cosa', 'cama']);
    assert.deepEqual(m.rank('', 'c', 3, ranked('c'), true), ['casa', 'como', 'casas']);
    assert.deepEqual(m.rank('', 'ca', 3, ranked('ca'), true), ['casa', 'camino', 'casado']);
  });

  test('a passed-over word still shows when too few others fit', () => {
    const m = new PassedOver();
    m.rank('', 'cas', 3, ranked('cas'));
    assert.deepEqual(m.rank('', 'casa', 3, ranked('casa')), ['casa', 'casas', 'casado']);
  });
});

describe('evaluate: passedOverLast', () => {
  const scorer = {
    suggest: (_before: string, typed: string, k: number) => ranked(typed)(k),
    inVocabulary: (w: string) => WORDS.includes(w) || w === 'x',
  };

  test('measures the KSR of a typist shown passed-over words last, beside the plain one', () => {
    // casado: plain lists show it at 'cas' (3 letters + 1); passed over last, at 'ca' (2 + 1).
    // camino: plain at 'cam' (3 + 1); passed over last at 'c' (1 + 1). x is never offered (2).
    const r = evaluate(scorer, ['casado camino x'], { passedOverLast: true });
    const characters = 7 + 7 + 2;
    assert.equal(r.ksr, 1 - (4 + 4 + 2) / characters);
    assert.equal(r.ksrPassedOverLast, 1 - (3 + 2 + 2) / characters);
    assert.ok(Number.isNaN(evaluate(scorer, ['casado']).ksrPassedOverLast), 'only when asked');
    assert.ok(Number.isNaN(evaluate(scorer, ['casado'], { passedOverLast: true, skipKsr: true }).ksrPassedOverLast));
  });

  test("nothing is offered in an empty field: a line's first word shows after its first letter", () => {
    // casa is offered before any letter: plain lists take it with 1 key; the element shows
    // nothing in an empty field, so its typist types "c" first (2). After "¿" the field is not empty.
    const characters = 4 + 1;
    assert.equal(evaluate(scorer, ['casa'], { passedOverLast: true }).ksr, 1 - 1 / characters);
    assert.equal(evaluate(scorer, ['casa'], { passedOverLast: true }).ksrPassedOverLast, 1 - 2 / characters);
    assert.equal(evaluate(scorer, ['¿casa'], { passedOverLast: true }).ksrPassedOverLast, 1 - 1 / characters);
    // The second word of a line is offered before its first letter, as after any word.
    assert.equal(evaluate(scorer, ['x casa'], { passedOverLast: true }).ksrPassedOverLast, 1 - (2 + 1) / (2 + 5));
  });

  test('each line starts afresh', () => {
    // The same one-word line twice costs the same both times.
    const once = evaluate(scorer, ['casado'], { passedOverLast: true }).ksrPassedOverLast;
    assert.equal(evaluate(scorer, ['casado', 'casado'], { passedOverLast: true }).ksrPassedOverLast, once);
  });
});
