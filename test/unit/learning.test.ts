/**
 * Issue 16: learning the person. Incremental trigram counts (equal to a full rebuild), the
 * typo-tolerant completion, the controls (forget, block, learned) and the adaptation measure.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KneserNeyTrigram } from '../../src/inference/ngram.js';

/** Small word sets so that lines share contexts; plus odd strings and the sentence markers. */
const word = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'de', 'la', 'que', 'casa', 'cosa', 'como', 'cómo', 'b', 'ab', 'abc') },
  { weight: 1, arbitrary: fc.string({ minLength: 0, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom('<s>', '</s>') },
);
const lines = (min: number) => fc.array(fc.array(word, { maxLength: 7 }), { minLength: min, maxLength: 8 });

describe('incremental trigram counts', () => {
  test('add() gives the same probabilities, predictions and counts as a full rebuild', () => {
    fc.assert(
      fc.property(
        lines(1).filter((ls) => ls.some((l) => l.some((w) => w !== '<s>' && w !== '</s>'))),
        lines(1),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.array(word, { maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (base, added, times, histories, warm) => {
          const inc = KneserNeyTrigram.train(base);
          // Build the lazy orders first (as a page that already answered), or not.
          if (warm) {
            for (const h of histories) {
              inc.predict(h, 3);
              inc.predict(h, 2, 'c');
            }
          }
          for (const l of added) inc.add(l, times);
          const full = KneserNeyTrigram.train([...base, ...added.flatMap((l) => Array<string[]>(times).fill(l))]);
          const a = inc.toJSON(),
            b = full.toJSON();
          assert.deepEqual(a.words, b.words);
          const quads = (t: ArrayLike<number>) =>
            Array.from({ length: t.length / 4 }, (_, i) =>
              Array.from(Array.prototype.slice.call(t, i * 4, i * 4 + 4)).join(','),
            )
              .sort()
              .join(' ');
          assert.equal(quads(a.trigrams), quads(b.trigrams));
          const vocabulary = [...b.words.slice(1), 'nunca'];
          for (const h of [...histories, ...added.map((l) => l.slice(0, 2))]) {
            for (const w of vocabulary) assert.equal(inc.probability(h, w), full.probability(h, w));
            for (const prefix of ['', 'c', 'co', 'a', 'x']) {
              for (const k of [1, 3, 8]) assert.deepEqual(inc.predict(h, k, prefix), full.predict(h, k, prefix));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('add() checks its arguments', () => {
    const kn = KneserNeyTrigram.train([['a']]);
    assert.throws(() => kn.add('a b' as unknown as string[]), /line must be an array of words, got the string "a b"/);
    assert.throws(() => kn.add(['a'], 0), /times must be an integer ≥ 1, got the number 0/);
  });
});
