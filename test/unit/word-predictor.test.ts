// WordPredictor internals changed for speed (cached states, distributions only for the
// contexts asked about, the best words after a space kept per context): the answers must not
// depend on the order in which contexts were reached, nor on the cache.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { NETWORK_AFTER_MARK, WordPredictor } from '../../src/inference/model/word-predictor.js';
import { RecurrentNetwork } from '../../src/inference/model/recurrent-network.js';
import { KneserNeyTrigram } from '../../src/inference/model/ngram.js';
import { resolveModelConfig, weightShapes } from '../../src/inference/model/model-config.js';
import { buildVocabulary } from '../../src/text/vocabulary.js';
import { evalWords } from '../../src/text/tokenize.js';
import { lineTokens } from '../../src/training/pipeline.js';
import { mulberry32 } from '../../src/data/windows.js';

const text = [
  'hola cómo estás hoy',
  'hola cómo se siente usted',
  'buenos días a todos',
  'cómo se dice eso en español',
  'hoy hace buen día',
];
const vocabulary = buildVocabulary(text.flatMap(lineTokens), { maxSize: 100 });
const config = resolveModelConfig({ vocabSize: vocabulary.size, embeddingSize: 8, hiddenSize: 8 });
const r = mulberry32(4);
const weights = new Map(
  weightShapes(config).map(([n, s]) => [
    n,
    Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => (r() - 0.5) * 2),
  ]),
);
const ngram = KneserNeyTrigram.train(text.map(evalWords));
const make = () => new WordPredictor({ network: new RecurrentNetwork(config, weights), vocabulary, ngram, mix: 0.6 });

describe('WordPredictor caching', () => {
  test('prepare() makes the string orders ahead and changes no suggestion', () => {
    // The network alone (its own prefix ranges), and mixed with a fresh trigram (the n-gram
    // model's orders are made by prepare() too).
    const network = () => new RecurrentNetwork(config, weights);
    const pairs = [
      [new WordPredictor({ network: network(), vocabulary }), new WordPredictor({ network: network(), vocabulary })],
      [
        new WordPredictor({
          network: network(),
          vocabulary,
          ngram: KneserNeyTrigram.train(text.map(evalWords)),
          mix: 0.6,
        }),
        make(),
      ],
    ] as const;
    for (const [prepared, lazy] of pairs) {
      prepared.prepare();
      for (const t of ['Hola c', 'hola cómo s', 'Buenos d', 'h', 'cómo se ', 'x', 'hoy hace b'])
        assert.deepEqual(prepared.predictNext(t, { k: 4 }), lazy.predictNext(t, { k: 4 }), t);
    }
  });

  test('typing letter by letter and asking at once give the same suggestions and probabilities', () => {
    const typed = make(),
      direct = make();
    const line = 'Hola cómo se siente usted hoy';
    const progressive = Array.from({ length: line.length }, (_, i) =>
      typed.predictNext(line.slice(0, i + 1), { k: 5 }),
    );
    const fresh = Array.from({ length: line.length }, (_, i) => {
      direct.clearCache();
      return direct.predictNext(line.slice(0, i + 1), { k: 5 });
    });
    assert.deepEqual(progressive, fresh);
    assert.ok(progressive.some((s) => s.length > 0));
  });

  test('k larger than the cached best 8 after a space, and probabilities match the ranking', () => {
    const p = make();
    const small = p.predictNext('hola cómo ', { k: 3 });
    const large = p.predictNext('hola cómo ', { k: 12 });
    assert.deepEqual(large.slice(0, 3), small);
    for (let i = 1; i < large.length; i++) assert.ok(large[i - 1]!.probability >= large[i]!.probability);
    assert.equal(p.probability('hola cómo ', 'se'), make().probability('hola cómo ', 'se'));
  });

  test('a long context reached at once equals the same context reached word by word', () => {
    const a = make(),
      b = make();
    const words = 'buenos días a todos hola cómo estás hoy'.split(' ');
    for (let i = 1; i <= words.length; i++) a.predictNext(words.slice(0, i).join(' ') + ' ', { k: 3 });
    assert.deepEqual(a.predictNext(words.join(' ') + ' ', { k: 4 }), b.predictNext(words.join(' ') + ' ', { k: 4 }));
    assert.deepEqual(
      a.continue('hola ', { words: 3, beam: 3, k: 2 }),
      b.continue('hola ', { words: 3, beam: 3, k: 2 }),
    );
  });
});

describe('the mix after a mark the n-gram model does not see', () => {
  const network = () => new RecurrentNetwork(config, weights);
  const netAlone = new WordPredictor({ network: network(), vocabulary });
  const ngramAlone = new WordPredictor({ ngram });
  const both = (mix: number) => new WordPredictor({ network: network(), vocabulary, ngram, mix });

  test(`after ¿ ¡ , ; : the network weighs ${NETWORK_AFTER_MARK}, elsewhere the model's mix`, () => {
    const p = both(0.6);
    for (const before of ['¿', 'hola, ', 'Hola, ¡', 'sí; ', 'dice: ', 'hola ', 'hola. ', '']) {
      const afterMark = /[¿¡,;:]\s*$/u.test(before);
      const w = afterMark ? NETWORK_AFTER_MARK : 0.6;
      for (const word of ['cómo', 'hoy', 'se']) {
        const expected =
          w * (netAlone.probability(before, word) ?? 0) + (1 - w) * (ngramAlone.probability(before, word) ?? 0);
        const got = p.probability(before, word) ?? 0;
        assert.ok(Math.abs(got - expected) < 1e-12, `${JSON.stringify(before)} ${word}: ${got} ≠ ${expected}`);
      }
      // The suggestions are ranked by the same probabilities.
      for (const s of p.predictNext(before + 'h', { k: 3 }))
        assert.ok(Math.abs(s.probability - (p.probability(before, s.word.toLowerCase()) ?? 0)) < 1e-12);
    }
  });

  test('a mix already above it, the network alone and the n-gram model alone are left as they are', () => {
    const p = both(0.9);
    const expected = 0.9 * (netAlone.probability('¿', 'cómo') ?? 0) + 0.1 * (ngramAlone.probability('¿', 'cómo') ?? 0);
    assert.ok(Math.abs((p.probability('¿', 'cómo') ?? 0) - expected) < 1e-12);
    assert.equal(both(0).probability('¿', 'cómo'), ngramAlone.probability('¿', 'cómo'));
    assert.equal(both(1).probability('¿', 'cómo'), netAlone.probability('¿', 'cómo'));
  });
});
