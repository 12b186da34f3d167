// Completions of a partly typed word are ordered by the typing they are expected to save
// (src/inference/model/savings-order.ts); the next word after a space by probability.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { bySavings, checkCompletionOrder, SAVINGS_POWER } from '../../src/inference/model/savings-order.js';
import { WordPredictor } from '../../src/inference/model/word-predictor.js';
import { KneserNeyTrigram } from '../../src/inference/model/ngram.js';
import { evalWords } from '../../src/text/tokenize.js';

const s = (word: string, probability: number) => ({ word, probability });

describe('bySavings', () => {
  test('a word that would wait longest to show goes before a likelier one that shows a letter later', () => {
    const ranked = [s('de', 0.4), s('del', 0.3), s('después', 0.1)];
    // One place: after "d", "de" shows at "de" anyway (1 letter saved: 0.4); "del" would wait for
    // "del" (2 letters: 0.3·√2 ≈ 0.42); "después" shows at "des" (2 letters: 0.1·√2).
    assert.equal(SAVINGS_POWER, 0.5);
    assert.deepEqual(
      bySavings(ranked, 'd', 1).map((x) => x.word),
      ['del', 'de', 'después'],
    );
    // Two places: "del" shows at "de" beside "de", one letter saved each: probability order.
    assert.deepEqual(
      bySavings(ranked, 'd', 2).map((x) => x.word),
      ['de', 'del', 'después'],
    );
  });

  test('a word typed in full saves nothing and goes last; ties keep their order; the input is left as it is', () => {
    const ranked = [s('de', 0.9), s('desde', 0.05), s('dedo', 0.05)];
    const copy = structuredClone(ranked);
    assert.deepEqual(
      bySavings(ranked, 'de', 3).map((x) => x.word),
      ['desde', 'dedo', 'de'],
    );
    assert.deepEqual(ranked, copy);
  });

  test('letters are counted as code points (an emoji or an accented letter is one letter)', () => {
    // "añoranza" vs "año": after "a", with one place "año" shows at "a" already.
    const ranked = [s('año', 0.5), s('añoranza', 0.3)];
    // "añoranza" waits until "año" + "r" = 4 letters: 3 saved → 0.3·√3 ≈ 0.52 > 0.5.
    assert.deepEqual(
      bySavings(ranked, 'a', 1).map((x) => x.word),
      ['añoranza', 'año'],
    );
    assert.deepEqual(
      bySavings([s('😂', 0.6), s('😂😂', 0.5)], '😂', 1).map((x) => x.word),
      ['😂😂', '😂'],
    );
  });

  test('checkCompletionOrder: default savings, names a bad value and what is allowed', () => {
    assert.equal(checkCompletionOrder(undefined), 'savings');
    assert.equal(checkCompletionOrder('probability'), 'probability');
    assert.throws(
      () => checkCompletionOrder('alphabetical'),
      /completionOrder must be one of "savings", "probability", got the string "alphabetical"/,
    );
  });
});

describe('WordPredictor completion order', () => {
  const ngram = KneserNeyTrigram.train(
    [
      ...Array<string>(6).fill('voy a dar'),
      ...Array<string>(5).fill('voy a darle'),
      ...Array<string>(2).fill('voy a decir'),
    ].map(evalWords),
  );
  const savings = new WordPredictor({ ngram });
  const probability = new WordPredictor({ ngram, completionOrder: 'probability' });
  const words = (p: WordPredictor, text: string, k: number) => p.predictNext(text, { k }).map((x) => x.word);

  test('by default a completion is ranked by what it saves for the places shown', () => {
    const [dar, darle] = probability.predictNext('voy a d', { k: 2 });
    assert.deepEqual([dar!.word, darle!.word], ['dar', 'darle']);
    assert.ok(darle!.probability * Math.sqrt(3) > dar!.probability, 'the fixture: darle saves more');
    // One place: "darle" would otherwise wait until "darl" (3 letters), "dar" shows at "da".
    assert.deepEqual(words(savings, 'voy a d', 1), ['darle']);
    assert.deepEqual(words(probability, 'voy a d', 1), ['dar']);
    assert.deepEqual(savings.suggest('voy a ', 'd', 1), ['darle']);
    // Three places: every one shows a letter later anyway, so probability decides.
    assert.deepEqual(words(savings, 'voy a d', 3), ['dar', 'darle', 'decir']);
    // The word typed in full goes after the longer one.
    assert.deepEqual(words(savings, 'voy a dar', 2), ['darle', 'dar']);
    assert.deepEqual(words(probability, 'voy a dar', 2), ['dar', 'darle']);
  });

  test('the next word after a space keeps the order of probability', () => {
    assert.deepEqual(words(savings, 'voy a ', 1), words(probability, 'voy a ', 1));
    assert.deepEqual(words(savings, 'voy a ', 1), ['dar']);
  });

  test('a bad completionOrder is refused with its value', () => {
    assert.throws(
      () => new WordPredictor({ ngram, completionOrder: 'random' as never }),
      /completionOrder must be one of .*"random"/,
    );
  });
});
