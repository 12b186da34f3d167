import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { initNodeBackend } from '../../src/node/node-backend.js';
import { trainLanguageModel } from '../../src/training/pipeline.js';
import { predictorOf } from '../../src/inference/format/artifacts.js';
import { KneserNeyTrigram } from '../../src/inference/model/ngram.js';
import { WordPredictor, phraseLength, boundedTail } from '../../src/inference/model/word-predictor.js';
import { evaluatePhrases, type Scorer } from '../../src/inference/suggest/evaluate.js';
import { evalWords } from '../../src/text/tokenize.js';

const lines = [
  'me gusta mucho el café con leche',
  'me gusta mucho el café con leche',
  'me gusta mucho el café con leche',
  'hola cómo estás hoy',
  'hola cómo estás hoy',
  'el perro come carne',
];

function trigramPredictor(): { predictor: WordPredictor; ngram: KneserNeyTrigram } {
  const ngram = KneserNeyTrigram.train(lines.map(evalWords));
  return { predictor: new WordPredictor({ ngram }), ngram };
}

describe('phrases', () => {
  test('phraseLength keeps the longest head at least threshold likely, two words or none', () => {
    assert.equal(phraseLength([0.9, 0.8, 0.5, 0.9], 0.3), 4); // 0.9, 0.72, 0.36, 0.324
  });

  test('phraseLength stops where the product falls under the threshold', () => {
    assert.equal(phraseLength([0.9, 0.8, 0.5, 0.5], 0.3), 3);
    assert.equal(phraseLength([0.9, 0.2, 0.9], 0.3), 0); // one word is not a phrase
    assert.equal(phraseLength([0.9, 0.9], 0), 2);
    assert.equal(phraseLength([], 0), 0);
  });

  test('a phrase after a word boundary, filtered and re-cased by the letters typed', () => {
    const { predictor } = trigramPredictor();
    const at = predictor.phrase('Me gusta ', { threshold: 0.1 });
    assert.ok(at, 'a phrase after "Me gusta "');
    assert.deepEqual(at.words.slice(0, 3), ['mucho', 'el', 'café']);
    assert.equal(at.probabilities.length, at.words.length);
    assert.ok(at.words.length >= 2 && at.words.length <= 4);
    const typed = predictor.phrase('Me gusta Mu', { threshold: 0.1 });
    assert.deepEqual(typed?.words, ['Mucho', ...at.words.slice(1)]);
    assert.equal(predictor.phrase('Me gusta x', { threshold: 0.1 }), null, 'letters that do not fit hide it');
    assert.equal(predictor.phrase('Me gusta ', { threshold: 0.99 }), null, 'not confident: none');
  });

  test('letters inside a word only filter the phrase computed at the boundary', () => {
    const { predictor, ngram } = trigramPredictor();
    let calls = 0;
    const predict = ngram.predict.bind(ngram);
    ngram.predict = ((...args: Parameters<typeof predict>) => {
      calls++;
      return predict(...args);
    }) as typeof ngram.predict;
    predictor.phrase('hola ', { threshold: 0.1 });
    const atBoundary = calls;
    assert.ok(atBoundary > 0);
    for (const text of ['hola c', 'hola có', 'hola cóm', 'hola cómo']) predictor.phrase(text, { threshold: 0.1 });
    assert.equal(calls, atBoundary, 'no new prediction while typing the word');
    predictor.phrase('hola cómo ', { threshold: 0.1 });
    assert.ok(calls > atBoundary, 'a new boundary computes a new phrase');
  });

  test('a long text reads a bounded tail, with the same suggestions and phrase', () => {
    const { predictor } = trigramPredictor();
    const long = 'el perro come carne. '.repeat(50_000) + 'hola cómo ';
    assert.ok(long.length > 1_000_000);
    const tail = boundedTail(long);
    assert.ok(tail.length <= 4096, `tail of ${tail.length} characters`);
    assert.ok(long.endsWith(tail) && /^\s\S/u.test(tail), 'cut at a space: no word split');
    assert.deepEqual(predictor.predictNext(long), predictor.predictNext('Hola cómo '.toLowerCase()));
    assert.deepEqual(predictor.phrase(long, { threshold: 0.1 }), predictor.phrase('hola cómo ', { threshold: 0.1 }));
    assert.equal(boundedTail('hola cómo '), 'hola cómo ');
  });

  test('the phrase typist: one keystroke per accepted phrase, the word typist otherwise', () => {
    // A scorer that always suggests "zz" (so words cost letters + 1) and phrases that are right
    // after "a " only.
    const scorer: Scorer = { suggest: () => ['zz'], inVocabulary: () => true };
    const phraseOf = (before: string) =>
      before === 'a '
        ? { words: ['bb', 'cc', 'dd'], probabilities: [0.9, 0.9, 0.1] }
        : { words: ['x', 'y'], probabilities: [0.5, 0.5] };
    const r = evaluatePhrases(scorer, ['a bb cc ee'], phraseOf, [0.5, 0.2, 0.9], phraseLength);
    // characters: 2 + 3 + 3 + 3 = 11; word-only keystrokes = 11.
    assert.equal(r.ksr, 0);
    const [t05, t02, t09] = r.thresholds;
    // 0.5: "bb cc" (0.81) shows after "a " and is right: 1 keystroke for 6 characters; the
    // phrase "x y" (0.25) does not show; a, ee typed: 2 + 3.
    assert.equal(t05!.phrasesShown, 1);
    assert.equal(t05!.phrasePrecision, 1);
    assert.equal(t05!.wordsPerPhrase, 2);
    assert.equal(t05!.ksrWithPhrases, 1 - 6 / 11);
    // 0.2: "x y" shows before a and ee (wrong, ignored), "bb cc" after "a ".
    assert.equal(t02!.phrasesShown, 3);
    assert.equal(t02!.phrasePrecision, 1 / 3);
    assert.equal(t02!.ksrWithPhrases, 1 - 6 / 11);
    // 0.9: no phrase at all.
    assert.equal(t09!.phrasesShown, 0);
    assert.equal(t09!.ksrWithPhrases, 0);
    // The ceiling takes "bb cc" (two right words of three) for one keystroke: what 0.5 reached.
    assert.equal(r.ksrCeiling, 1 - 6 / 11);
    // At 0.05 the three-word phrase shows, its third word is wrong and it is ignored: the
    // ceiling is the same, the threshold's KSR is not.
    const low = evaluatePhrases(scorer, ['a bb cc ee'], phraseOf, [0.05], phraseLength);
    assert.equal(low.thresholds[0]!.ksrWithPhrases, 0);
    assert.equal(low.ksrCeiling, 1 - 6 / 11);
    // A longer right phrase later beats a shorter one now when it saves more.
    const chain = (before: string) =>
      before === ''
        ? { words: ['a', 'bb'], probabilities: [0.9, 0.9] }
        : before === 'a '
          ? { words: ['bb', 'cc', 'ee'], probabilities: [0.9, 0.9, 0.9] }
          : { words: ['x', 'y'], probabilities: [0.5, 0.5] };
    // "a bb" then "cc", "ee" typed: 1 + 3 + 3 = 7; "a" typed then "bb cc ee": 2 + 1 = 3.
    assert.equal(evaluatePhrases(scorer, ['a bb cc ee'], chain, [0.5], phraseLength).ksrCeiling, 1 - 3 / 11);
  });
});

describe('seq2seq', () => {
  before(async () => {
    await initNodeBackend();
  });

  test('trained for real: predictNext as good as seq2vec, the decoder gives the phrase', async () => {
    const corpus = Array.from({ length: 40 }, (_, i) => lines[i % lines.length]!);
    const options = {
      epochs: 25,
      vocabularySize: 40,
      ngram: false,
      validationSplit: 0,
      learningRate: 0.02,
      seed: 3,
    };
    const size = { hiddenSize: 16, embeddingSize: 16, dropout: 0 };
    const s2s = await trainLanguageModel(corpus, { ...options, model: { ...size, shape: 'seq2seq', horizon: 3 } });
    const s2v = await trainLanguageModel(corpus, { ...options, model: { ...size, shape: 'seq2vec' } });
    assert.equal(s2s.config.shape, 'seq2seq');
    const a = predictorOf(s2s);
    const b = predictorOf(s2v);
    // The encoder and its next-word head train as the seq2vec model does, then stay frozen.
    for (const text of ['me gusta ', 'hola ', 'el perro ', 'me gusta mucho el '])
      assert.deepEqual(a.predictNext(text), b.predictNext(text));
    assert.equal(a.predictNext('me gusta ', { k: 1 })[0]!.word, 'mucho');
    // The decoder learned the next three words at once.
    const direct = a.continue('me gusta ', { method: 'direct', words: 3 })[0]!;
    assert.deepEqual(direct.words, ['mucho', 'el', 'café']);
    assert.ok(
      direct.probabilities.every((p) => p > 0.3),
      direct.probabilities.join(),
    );
    const phrase = a.phrase('me gusta ', { method: 'direct', threshold: 0.05 });
    assert.deepEqual(phrase?.words, ['mucho', 'el', 'café']);
    assert.throws(() => b.phrase('me gusta ', { method: 'direct' }), /seq2seq/);
  });
});
