/**
 * Issue 16: learning the person. Incremental trigram counts (equal to a full rebuild), the
 * typo-tolerant completion, the controls (forget, block, learned) and the adaptation measure.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KneserNeyTrigram } from '../../src/inference/model/ngram.js';
import { WordPredictor } from '../../src/inference/model/word-predictor.js';
import { evaluate, evaluateAdaptation } from '../../src/inference/suggest/evaluate.js';
import { LEARNED_WEIGHT, learnInto, learnedLines } from '../../src/inference/model/learning.js';
import { neighbours, oneTypoPrefixes, typeWithTypos } from '../../src/text/typos.js';
import { DEFAULT_BLOCKLIST_ES } from '../../src/text/blocklist-es.js';
import { evalWords, isEmojiToken, modelWords } from '../../src/text/tokenize.js';
import { buildVocabulary } from '../../src/text/vocabulary.js';
import { RecurrentNetwork } from '../../src/inference/model/recurrent-network.js';
import { resolveModelConfig, weightShapes } from '../../src/inference/model/model-config.js';
import { lineTokens } from '../../src/training/pipeline.js';
import { mulberry32 } from '../../src/data/windows.js';
import { createPredictor } from '../../src/sdk/create-predictor.js';
import { learnedFromRemoved, TrainingGuard } from '../../src/sdk/training.js';
import type { RnnModel } from '../../src/inference/format/artifacts.js';
import { isAbortError } from '../../src/base/checks.js';

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
        lines(1).filter((ls) => ls.some((l) => l.some((w) => w !== '<s>' && w !== '</s>' && w !== ''))),
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

  test('withLines() copies without rebuilding: the copy equals a full rebuild, and the original stays as it was', () => {
    const same = (x: KneserNeyTrigram, y: KneserNeyTrigram, histories: string[][], vocabulary: string[]) => {
      for (const h of histories) {
        for (const w of vocabulary) assert.equal(x.probability(h, w), y.probability(h, w), `${h} → ${w}`);
        for (const prefix of ['', 'c', 'a']) assert.deepEqual(x.predict(h, 3, prefix), y.predict(h, 3, prefix));
      }
    };
    fc.assert(
      fc.property(
        lines(1).filter((ls) => ls.some((l) => l.some((w) => w !== '<s>' && w !== '</s>' && w !== ''))),
        lines(0),
        lines(1),
        fc.array(fc.array(word, { maxLength: 3 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (base, added, extra, histories, warm) => {
          const kn = KneserNeyTrigram.train(base);
          if (warm) for (const h of histories) kn.predict(h, 3);
          for (const l of added) kn.add(l); // lists bumped in place and lists grown: both copied
          const copy = kn.withLines(extra);
          const vocabulary = [...new Set([...base, ...added, ...extra].flat()), 'nunca', '</s>'];
          const hs = [...histories, ...extra.map((l) => l.slice(0, 2)), []];
          same(copy, KneserNeyTrigram.train([...base, ...added, ...extra]), hs, vocabulary);
          // Changing the copy further leaves the original alone, and the reverse.
          for (const l of extra) copy.add(l);
          for (const l of histories) kn.add(l);
          same(kn, KneserNeyTrigram.train([...base, ...added, ...histories]), hs, vocabulary);
          same(copy, KneserNeyTrigram.train([...base, ...added, ...extra, ...extra]), hs, vocabulary);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('learnedLines: each message LEARNED_WEIGHT times, as learnInto counts it', () => {
    assert.deepEqual(
      learnedLines(['Hola 😂', '']),
      Array(LEARNED_WEIGHT).fill(['hola', '😂']).concat(Array(LEARNED_WEIGHT).fill([])),
    );
    const base = [['la', 'casa']];
    const one = KneserNeyTrigram.train(base);
    learnInto(one, 'la casa es mía');
    const full = KneserNeyTrigram.train([...base, ...learnedLines(['la casa es mía'])]);
    for (const h of [['la'], ['la', 'casa'], ['casa', 'es']]) assert.deepEqual(one.predict(h, 5), full.predict(h, 5));
  });

  test('add() checks its arguments', () => {
    const kn = KneserNeyTrigram.train([['a']]);
    assert.throws(() => kn.add('a b' as unknown as string[]), /line must be an array of words, got the string "a b"/);
    assert.throws(() => kn.add(['a'], 0), /times must be an integer ≥ 1, got the number 0/);
  });
});

describe('typing errors', () => {
  const kn = KneserNeyTrigram.train(
    [
      'hola cómo estás',
      'hola cómo está usted',
      'cómo te llamas',
      'comemos a las dos',
      'quiero comer algo',
      'la casa es grande',
      'que tengas un buen día',
    ].map(evalWords),
  );

  test('the Spanish layout: neighbours, accents, one-error prefixes', () => {
    assert.deepEqual([...neighbours('a')].sort(), ['q', 's', 'w', 'z']);
    assert.deepEqual([...neighbours('ñ')].sort(), ['l', 'p']);
    assert.deepEqual(neighbours('ó'), neighbours('o'));
    const meant = oneTypoPrefixes('cpm');
    for (const p of ['com', 'cm', 'cp', 'cpom']) assert.ok(meant.includes(p), p);
    assert.ok(oneTypoPrefixes('como').includes('cómo'), 'a forgotten accent');
    assert.ok(!meant.includes('cpm') && !meant.includes('zzz'));
  });

  test('a prefix with one error completes to the intended word, below exact matches', () => {
    const p = new WordPredictor({ ngram: kn });
    const words = (text: string, k = 3) => p.predictNext(text, { k }).map((s) => s.word);
    assert.ok(words('Hola cpm').includes('cómo'), `neighbouring key: ${words('Hola cpm')}`);
    assert.ok(words('Hola cmo').includes('cómo'), `a letter left out: ${words('Hola cmo')}`);
    assert.ok(words('Hola cóimo').includes('cómo'), `an extra letter: ${words('Hola cóimo')}`);
    assert.ok(words('Hola como').includes('cómo'), `a forgotten accent: ${words('Hola como')}`);
    // Exact completions first: "com" has exact ones (comemos, comer), then cómo.
    const com = words('Quiero com', 5);
    assert.deepEqual(com.slice(0, 2).sort(), ['comemos', 'comer']);
    assert.ok(com.indexOf('cómo') >= 2, com.join(','));
    // One letter is no basis for a guess; and the option turns it off.
    assert.deepEqual(words('x'), []);
    assert.deepEqual(
      new WordPredictor({ ngram: kn, typos: false }).predictNext('Hola cpm').map((s) => s.word),
      [],
    );
  });

  test('the typist mistypes the share of letters asked, the same way for the same seed', () => {
    const rand = mulberry32(3);
    const word = 'abcdefghijklmnopqrstuvwxyz'.repeat(40);
    const typed = typeWithTypos(word, 0.08, rand);
    let wrong = 0;
    for (let i = 0; i < 5000; i++) if (typeWithTypos('a', 0.08, rand) !== 'a') wrong++;
    assert.ok(Math.abs(wrong / 5000 - 0.08) < 0.015, `${wrong} of 5000 letters mistyped`);
    assert.notEqual(typed, word);
    assert.equal(typeWithTypos('cómo', 0, mulberry32(1)), 'cómo');
    assert.equal(typeWithTypos('cómo', 1, mulberry32(5)).includes('ó'), false, 'the accent always goes at rate 1');
    assert.equal(typeWithTypos(word, 0.08, mulberry32(3)), typed);
    // Clean text: KSR unchanged by typo-tolerant completion; typos cost keystrokes.
    // Random words, so that several letters are needed: typos then cost keystrokes.
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const vocab = Array.from({ length: 300 }, () =>
      Array.from({ length: 6 }, () => letters[Math.floor(rand() * 26)]).join(''),
    );
    const random = Array.from({ length: 400 }, () =>
      Array.from({ length: 5 }, () => vocab[Math.floor(rand() * vocab.length)]).join(' '),
    );
    const big = KneserNeyTrigram.train(random.map(evalWords));
    const lines = random.slice(0, 30);
    const clean = evaluate(new WordPredictor({ ngram: big }), lines).ksr;
    assert.equal(clean, evaluate(new WordPredictor({ ngram: big, typos: false }), lines).ksr);
    const noisyOff = evaluate(new WordPredictor({ ngram: big, typos: false }), lines, { typos: 0.2 }).ksr;
    const noisyOn = evaluate(new WordPredictor({ ngram: big }), lines, { typos: 0.2 }).ksr;
    assert.ok(noisyOff < clean && noisyOn > noisyOff, `${clean} ${noisyOff} ${noisyOn}`);
    assert.throws(() => evaluate(new WordPredictor({ ngram: kn }), lines, { typos: 2 }), /typos must be a share.*2/);
  });
});

describe('controls and adaptation', () => {
  test('blocked words are never suggested, in any case', () => {
    const kn = KneserNeyTrigram.train(['la casa es grande', 'la casa es mía', 'la cosa es grande'].map(evalWords));
    const p = new WordPredictor({ ngram: kn, blocked: ['CASA'] });
    const open = new WordPredictor({ ngram: kn });
    const words = (q: WordPredictor, text: string) => q.predictNext(text, { k: 9 }).map((s) => s.word);
    assert.equal(words(open, 'la ')[0], 'casa');
    assert.ok(!words(p, 'la ').includes('casa') && words(p, 'la ')[0] === 'cosa', words(p, 'la ').join());
    assert.ok(words(open, 'la cas').includes('casa'));
    assert.ok(!words(p, 'la cas').includes('casa'), 'not as a typo either');
    assert.throws(() => new WordPredictor({ ngram: kn, blocked: 'casa' as never }), /blocked must be an iterable/);
    assert.throws(() => new WordPredictor({ ngram: kn, blocked: [3] as never }), /blocked must hold words/);
  });

  test('the default Spanish block list holds lower-case NFC words', () => {
    assert.ok(DEFAULT_BLOCKLIST_ES.length >= 20);
    for (const w of DEFAULT_BLOCKLIST_ES) assert.equal(w, w.normalize('NFC').toLowerCase().trim());
  });

  test('evaluateAdaptation: learning the first half of a stream helps on the second', () => {
    const base = KneserNeyTrigram.train(['hola cómo estás', 'la casa es grande'].map(evalWords));
    const stream = Array.from({ length: 10 }, () => 'el hidalgo de la mancha cabalga con sancho');
    const r = evaluateAdaptation(new WordPredictor({ ngram: base }), stream, (l) => learnInto(base, l));
    assert.equal(r.learned, 5);
    assert.equal(r.scored, 5);
    assert.ok(r.ksrAfter > r.ksrBefore + 0.3, `${r.ksrBefore} → ${r.ksrAfter}`);
    assert.throws(() => evaluateAdaptation(new WordPredictor({ ngram: base }), ['x'], () => {}), /at least 2 lines/);
  });
});

describe('the SDK: learn, forget, learned, block (in memory; IndexedDB in test/browser)', () => {
  const corpus = ['hola cómo estás', 'la casa es grande', 'la casa es mía', 'la cosa es grande', 'qué mierda'].join(
    '\n',
  );
  const make = (o: object = {}) => createPredictor({ corpus, persist: false, autoTrain: false, ...o });

  test('learn() counts at once; forget() removes the word and its messages; learned() lists them', async () => {
    const p = make();
    await p.ready;
    await p.learn('la zarzuela es grande');
    assert.ok(
      p.predictNext('la ', { k: 5 }).some((s) => s.word === 'zarzuela'),
      'the learned word is suggested',
    );
    await p.learn('me gusta la zarzuela');
    await p.learn('la casa es mía');
    assert.deepEqual(p.learned().messages, ['la zarzuela es grande', 'me gusta la zarzuela', 'la casa es mía']);
    await p.forget('Zarzuela');
    assert.deepEqual(p.learned(), { messages: ['la casa es mía'], forgotten: ['zarzuela'] });
    assert.ok(!p.predictNext('la ', { k: 9 }).some((s) => s.word === 'zarzuela'));
    assert.ok(!p.predictNext('la zar', { k: 9 }).some((s) => s.word === 'zarzuela'));
    await p.forget('casa');
    assert.ok(!p.predictNext('la ', { k: 9 }).some((s) => s.word === 'casa'), 'a corpus word too');
    await assert.rejects(p.forget(''), /word must be a non-empty string, got the string ""/);
    p.dispose();
  });

  test('block: the default list hides offensive words, a site can replace or turn it off', async () => {
    const words = async (o: object) => {
      const p = make(o);
      await p.ready;
      const out = p.predictNext('qué ', { k: 9 }).map((s) => s.word);
      p.dispose();
      return out;
    };
    assert.ok(!(await words({})).includes('mierda'));
    assert.equal((await words({ block: [] }))[0], 'mierda');
    assert.ok(!(await words({ block: ['Mierda'] })).includes('mierda'));
    await assert.rejects(make({ block: 'mierda' }).ready, /block must be an array of words/);
    await assert.rejects(make({ typos: 'sí' }).ready, /typos must be a boolean, got the string "sí"/);
  });

  test('completionOrder reaches the predictor: savings by default, probability on request, a bad value refused', async () => {
    const lines = [
      ...Array<string>(6).fill('voy a dar'),
      ...Array<string>(5).fill('voy a darle'),
      ...Array<string>(2).fill('voy a decir'),
    ].join('\n');
    const first = async (o: object) => {
      const p = createPredictor({ corpus: lines, persist: false, autoTrain: false, block: [], ...o });
      await p.ready;
      const out = p.predictNext('voy a d', { k: 1 }).map((s) => s.word);
      p.dispose();
      return out;
    };
    // One place: "darle" would wait for "darl" (3 letters), "dar" shows at "da" (savings-order.test.ts).
    assert.deepEqual(await first({}), ['darle']);
    assert.deepEqual(await first({ completionOrder: 'probability' }), ['dar']);
    await assert.rejects(
      make({ completionOrder: 'length' }).ready,
      /completionOrder must be one of "savings", "probability", got the string "length"/,
    );
  });

  test('emoji the person sends are suggested after learn(); emoji: false turns them off; forget() removes one', async () => {
    for (const emoji of [true, false]) {
      const p = make({ emoji });
      await p.ready;
      await p.learn('jajaja 😂');
      const shown = p.predictNext('Jajaja ', { k: 3 }).map((s) => s.word);
      assert.equal(shown.includes('😂'), emoji, `emoji: ${emoji} → ${shown.join()}`);
      if (emoji) {
        await p.forget('😂');
        assert.deepEqual(p.learned(), { messages: [], forgotten: ['😂'] });
        assert.ok(!p.predictNext('Jajaja ', { k: 9 }).some((s) => s.word === '😂'));
      }
      p.dispose();
    }
    await assert.rejects(make({ emoji: 1 }).ready, /emoji must be a boolean, got the number 1/);
  });
});

describe('emoji (item 5): suggested when the corpus or the person uses them, and an option turns them off', () => {
  const chat = ['jajaja 😂 qué risa', 'jajaja 😂', 'jajaja 😂 vale', 'jajaja qué bueno', 'gracias 👍🏽 hasta luego'];

  test('modelWords counts each emoji as one token among the words; evalWords (the evaluation) ignores them', () => {
    assert.deepEqual(modelWords('Jajaja 😂 vale 👍🏽, 🇪🇸 👨‍👩‍👧 ❤️ 1️⃣'), [
      'jajaja',
      '😂',
      'vale',
      '👍🏽',
      '🇪🇸',
      '👨‍👩‍👧',
      '❤️',
      '1️⃣',
    ]);
    assert.deepEqual(evalWords('Jajaja 😂 vale'), ['jajaja', 'vale']);
    assert.deepEqual(modelWords('la casa es grande'), evalWords('la casa es grande'));
    for (const e of ['😂', '👍🏽', '🇪🇸', '👨‍👩‍👧', '❤️']) assert.ok(isEmojiToken(e), e);
    for (const w of ['jaja', 'a😂', '😂 ', '', ':)', '1']) assert.ok(!isEmojiToken(w), w);
  });

  test('the trigram suggests an emoji after a word that it follows, never as a completion of letters', () => {
    const kn = KneserNeyTrigram.train(chat.map(modelWords));
    const words = (p: WordPredictor, text: string) => p.predictNext(text, { k: 5 }).map((s) => s.word);
    const on = new WordPredictor({ ngram: kn });
    const off = new WordPredictor({ ngram: kn, emoji: false });
    assert.equal(words(on, 'Jajaja ')[0], '😂');
    assert.ok(words(on, 'Gracias ').includes('👍🏽'), words(on, 'Gracias ').join());
    assert.ok(words(on, 'jajaja 😂 ').includes('qué'), 'the emoji is context for the next word');
    assert.ok(!words(on, 'jajaja j').some(isEmojiToken));
    assert.ok(!words(off, 'Jajaja ').some(isEmojiToken), words(off, 'Jajaja ').join());
    assert.equal(words(off, 'Jajaja ')[0], 'qué', 'words still come');
    assert.ok(!on.continue('jajaja', { words: 3 })[0]!.words.slice(0, 1).some(isEmojiToken));
    assert.throws(
      () => new WordPredictor({ ngram: kn, emoji: 'no' as never }),
      /emoji must be a boolean, got the string "no"/,
    );
  });

  test("the network's emoji tokens are offered, and left out (and out of its normaliser) when turned off", () => {
    const vocabulary = buildVocabulary(chat.flatMap(lineTokens), { maxSize: 100 });
    const config = resolveModelConfig({ vocabSize: vocabulary.size, embeddingSize: 4, hiddenSize: 4 });
    const r = mulberry32(2);
    const weights = new Map(
      weightShapes(config).map(([n, s]) => [
        n,
        Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => r() - 0.5),
      ]),
    );
    weights.get('output/bias')![vocabulary.idOf('😂')] = 20; // the network's favourite
    const network = new RecurrentNetwork(config, weights);
    const on = new WordPredictor({ network, vocabulary });
    const off = new WordPredictor({ network, vocabulary, emoji: false });
    const top = on.predictNext('hola ', { k: 3 });
    assert.equal(top[0]!.word, '😂');
    assert.ok(top[0]!.probability > 0.99);
    const words = off.predictNext('hola ', { k: 3 });
    assert.ok(words.length === 3 && !words.some((s) => isEmojiToken(s.word)), JSON.stringify(words));
    assert.ok(
      Math.abs(words.reduce((a, s) => a + s.probability, 0) - top.slice(1).reduce((a, s) => a + s.probability, 0)) >
        0.5,
    );
  });
});

test('a very long typed word is not searched for typos (the search grows with its square)', () => {
  const kn = KneserNeyTrigram.train([['hola', 'cómo', 'estás']]);
  const p = new WordPredictor({ ngram: kn });
  // Without the limit this never finishes (400,000 prefixes of 20,000 letters each).
  assert.deepEqual(p.predictNext('x'.repeat(20_000)), []);
});

test('deleting the learned messages ends a fine-tuning and drops any training that learned from them', () => {
  const guard = new TrainingGuard();
  const caller = new AbortController();
  const tuning = guard.start(true, true, caller.signal);
  const corpusOnly = guard.start(false, false);
  const corpusAndLearned = guard.start(false, true);
  assert.equal(tuning.signal?.aborted, false);
  assert.equal(tuning.stale(), false);
  guard.cleared();
  assert.equal(tuning.signal?.aborted, true);
  assert.ok(isAbortError(tuning.signal?.reason), String(tuning.signal?.reason));
  assert.equal(tuning.stale(), true);
  assert.equal(corpusAndLearned.stale(), true);
  assert.equal(corpusOnly.stale(), false, 'it learned nothing that was deleted');
  for (const run of [tuning, corpusOnly, corpusAndLearned]) run.end();
  // The caller's signal ends a fine-tuning too; one started after the deletion is not stale.
  const next = guard.start(true, true, caller.signal);
  assert.equal(next.stale(), false);
  caller.abort(new Error('stop'));
  assert.equal(next.signal?.aborted, true);
  next.end();
});

test('forgetting a word ends a fine-tuning and drops its result; a training on the corpus goes on', () => {
  const guard = new TrainingGuard();
  const tuning = guard.start(true, true);
  const corpusAndLearned = guard.start(false, true);
  guard.forgot();
  assert.equal(tuning.signal?.aborted, true);
  assert.match(String((tuning.signal?.reason as Error).message), /forget\(\) ran while it trained/);
  assert.equal(tuning.stale(), true);
  assert.equal(corpusAndLearned.stale(), false, 'the training the person started is kept');
  for (const run of [tuning, corpusAndLearned]) run.end();
  const next = guard.start(true, true);
  assert.equal(next.stale(), false, 'a fine-tuning started after the forget() is kept');
  next.end();
});

test('a network that may have learned removed messages is refused: deleted since, or fine-tuned before a forget', () => {
  const model = (settings: Record<string, unknown>) => ({ settings }) as unknown as RnnModel;
  const now = { generation: 2, forgotten: 3 };
  assert.equal(learnedFromRemoved(model({}), now), false, 'trained on no learned message, or by an older version');
  assert.equal(learnedFromRemoved(model({ learnedGeneration: 2 }), now), false);
  assert.equal(learnedFromRemoved(model({ learnedGeneration: 1 }), now), true, 'a delete() since');
  const tuned = { learnedGeneration: 2, fineTunedOn: 40 };
  assert.equal(learnedFromRemoved(model({ ...tuned, learnedForgotten: 3 }), now), false);
  assert.equal(learnedFromRemoved(model({ ...tuned, learnedForgotten: 2 }), now), true, 'a word forgotten since');
  assert.equal(learnedFromRemoved(model({ ...tuned, learnedForgotten: 3 }), { ...now, forgotten: 4 }), true);
  // Fine-tuned by an older version (no stamp): as if before any forgotten word.
  assert.equal(learnedFromRemoved(model(tuned), { ...now, forgotten: 1 }), true);
  assert.equal(learnedFromRemoved(model(tuned), { ...now, forgotten: 0 }), false);
});
