// The n-gram model's 4-gram layer (src/inference/model/fourgram.ts): probabilities that sum to 1,
// exact top-k, exact learning, storage that round-trips and names damage.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { KneserNeyTrigram } from '../../src/inference/model/ngram.js';
import { WordPredictor } from '../../src/inference/model/word-predictor.js';
import {
  FourgramLayer,
  decodeFourgrams,
  decodeFourgramsInJs,
  decodeFourgramsInWasm,
  encodeFourgrams,
} from '../../src/inference/model/fourgram.js';
import { simdAvailable } from '../../src/inference/model/recurrent-network.js';
import { fromArtifacts, toArtifacts } from '../../src/inference/format/artifacts.js';
import { resolveModelConfig, weightShapes } from '../../src/inference/model/model-config.js';
import { buildVocabulary } from '../../src/text/vocabulary.js';
import { mulberry32 } from '../../src/data/windows.js';

/** A Zipf-like random corpus with repeated phrases, so contexts have many followers and 4-grams repeat. */
function corpus(seed: number, n: number): string[][] {
  const rand = mulberry32(seed);
  const vocab = Array.from({ length: 60 }, (_, i) => `w${i}`);
  const pick = () => vocab[Math.floor(vocab.length * rand() ** 3)]!;
  return Array.from({ length: n }, () => Array.from({ length: 2 + Math.floor(rand() * 8) }, pick));
}
const lines = corpus(3, 800);
const words = [...new Set(lines.flat()), '</s>'];
const histories = [
  [],
  ['w0'],
  ['w0', 'w0'],
  ['w1', 'w0', 'w0'],
  ['w0', 'w1', 'w2'],
  ['nunca', 'w0', 'w1'],
  ['w2', 'nunca', 'w0'],
  ...lines.slice(0, 30).map((l) => l.slice(0, 3)),
];
const sum = (m: KneserNeyTrigram, h: readonly string[]) => words.reduce((s, w) => s + m.probability(h, w), 0);

describe('4-gram layer', () => {
  const tri = KneserNeyTrigram.train(lines);
  const whole = tri.withFourgrams(lines, 1);
  const pruned = tri.withFourgrams(lines, 2);

  test('probabilities sum to 1 in every context, whole or pruned, and differ from the trigram where 4-grams were seen', () => {
    for (const m of [whole, pruned])
      for (const h of histories) assert.ok(Math.abs(sum(m, h) - 1) < 1e-9, `sum ${sum(m, h)} after ${h.join(' ')}`);
    let differ = 0;
    for (const h of histories) if (Math.abs(whole.probability(h, 'w0') - tri.probability(h, 'w0')) > 1e-6) differ++;
    assert.ok(differ > histories.length / 2, `${differ} contexts differ`);
  });

  test('P4 by hand: (max(c − D, 0) + (T − Σc + D·n)·P3) / T', () => {
    const m = KneserNeyTrigram.train([
      ['a', 'b', 'c', 'd'],
      ['a', 'b', 'c', 'd'],
      ['a', 'b', 'c', 'e'],
    ]);
    const four = m.withFourgrams(
      [
        ['a', 'b', 'c', 'd'],
        ['a', 'b', 'c', 'd'],
        ['a', 'b', 'c', 'e'],
      ],
      2,
    );
    // Context (a, b, c): T = 3, d kept (2), e pruned (1): Σc = 2, n = 1.
    const D = m.discount;
    const p3 = m.probability(['a', 'b', 'c'], 'd');
    assert.ok(Math.abs(four.probability(['a', 'b', 'c'], 'd') - (2 - D + (3 - 2 + D) * p3) / 3) < 1e-12);
    const p3e = m.probability(['a', 'b', 'c'], 'e');
    assert.ok(Math.abs(four.probability(['a', 'b', 'c'], 'e') - ((3 - 2 + D) * p3e) / 3) < 1e-12);
    // Another first word: no 4-gram counts, the trigram answers.
    assert.equal(four.probability(['x', 'b', 'c'], 'd'), m.probability(['x', 'b', 'c'], 'd'));
  });

  test('predict() is exact: the k best by probability(), with and without a prefix', () => {
    for (const m of [whole, pruned]) {
      for (const h of histories) {
        for (const prefix of ['', 'w', 'w1', 'w5']) {
          for (const k of [1, 3, 8]) {
            const got = m.predict(h, k, prefix);
            const all = words
              .filter((w) => w !== '</s>' && w.startsWith(prefix))
              .map((w) => m.probability(h, w))
              .sort((x, y) => y - x);
            assert.equal(got.length, Math.min(k, all.length));
            got.forEach((s, i) => {
              assert.ok(s.word.startsWith(prefix));
              assert.ok(Math.abs(s.probability - all[i]!) < 1e-12, `${h.join(' ')} "${prefix}" k=${k} #${i}`);
              assert.ok(Math.abs(s.probability - m.probability(h, s.word)) < 1e-15);
            });
          }
        }
      }
    }
  });

  test('learning is exact: add() and withLines() on a whole layer equal counting everything afresh', () => {
    const extra = corpus(9, 40).concat([['zz', 'w0', 'w1', 'zz']]);
    const afresh = KneserNeyTrigram.train([...lines, ...extra]).withFourgrams([...lines, ...extra], 1);
    const added = tri.withFourgrams(lines, 1);
    for (const l of extra) added.add(l);
    const copied = whole.withLines(extra);
    for (const h of [...histories, ['zz', 'w0', 'w1'], ['w1', 'zz']])
      for (const w of [...words, 'zz']) {
        const p = afresh.probability(h, w);
        assert.ok(Math.abs(added.probability(h, w) - p) < 1e-12, `add: ${h.join(' ')} ${w}`);
        assert.ok(Math.abs(copied.probability(h, w) - p) < 1e-12, `withLines: ${h.join(' ')} ${w}`);
      }
    // Three times is three lines.
    const thrice = tri.withFourgrams(lines, 1);
    thrice.add(extra[0]!, 3);
    const three = whole.withLines([extra[0]!, extra[0]!, extra[0]!]);
    for (const h of histories) assert.ok(Math.abs(thrice.probability(h, 'w0') - three.probability(h, 'w0')) < 1e-12);
    // The model withLines() copied stays as it was.
    assert.deepEqual(whole.toJSON().fourgrams, tri.withFourgrams(lines, 1).toJSON().fourgrams);
  });

  test('the layer survives JSON, the model record (varint), prune() and withLines(); a model without it has none', () => {
    const back = KneserNeyTrigram.fromJSON(
      JSON.parse(
        JSON.stringify({
          ...pruned.toJSON(),
          fourgrams: [...pruned.toJSON().fourgrams!],
          trigrams: [...pruned.toJSON().trigrams],
        }),
      ),
    );
    const vocabulary = buildVocabulary(['w0', 'w1'], { maxSize: 10 });
    const config = resolveModelConfig({ vocabSize: vocabulary.size, embeddingSize: 4, hiddenSize: 4 });
    const weights = new Map(weightShapes(config).map(([n, s]) => [n, new Float32Array(s.reduce((a, b) => a * b, 1))]));
    const model = {
      config,
      vocabulary,
      weights,
      ngram: pruned,
      mix: 0.5,
      metrics: {},
      corpusHash: '',
      trainedAt: '',
      settings: {},
    };
    const stored = fromArtifacts(toArtifacts(model, { int8: true })).ngram!;
    assert.ok(toArtifacts(model).weightSpecs.some((s) => s.name === 'ngram/fourgrams'));
    const prunedTri = pruned.prune(2);
    for (const h of histories)
      for (const w of ['w0', 'w3', '</s>']) {
        const p = pruned.probability(h, w);
        assert.equal(back.probability(h, w), p);
        assert.equal(stored.probability(h, w), p);
      }
    assert.ok(prunedTri.toJSON().fourgrams!.length > 0, 'prune() keeps the layer');
    assert.equal(tri.toJSON().fourgrams, undefined);
    assert.ok(!toArtifacts({ ...model, ngram: tri }).weightSpecs.some((s) => s.name === 'ngram/fourgrams'));
  });

  test('pruning keeps the types seen minCount times and the rest of each context in one w = 0 row', () => {
    const rows = pruned.toJSON().fourgrams as Int32Array;
    const all = whole.toJSON().fourgrams as Int32Array;
    assert.ok(rows.length < all.length);
    for (let i = 0; i < rows.length; i += 5) assert.ok(rows[i + 3] === 0 || rows[i + 4]! >= 2, `row ${i / 5}`);
    // Every context's total is kept: the rows of a context sum to what the whole layer counts.
    const total = (r: Int32Array) => {
      const m = new Map<string, number>();
      for (let i = 0; i < r.length; i += 5) {
        const key = `${r[i]},${r[i + 1]},${r[i + 2]}`;
        m.set(key, (m.get(key) ?? 0) + r[i + 4]!);
      }
      return m;
    };
    const whole4 = total(all);
    for (const [key, t] of total(rows)) assert.equal(t, whole4.get(key), key);
  });

  test('the varint coding round-trips; damaged bytes and unsorted rows are named', () => {
    const rows = pruned.toJSON().fourgrams as Int32Array;
    const bytes = encodeFourgrams(rows);
    assert.ok(bytes.length < (rows.length * 4) / 3, `${bytes.length} bytes for ${rows.length / 5} rows`);
    assert.deepEqual(decodeFourgrams(bytes, rows.length / 5, words.length + 2), rows);
    assert.deepEqual(decodeFourgramsInJs(bytes, rows.length / 5, words.length + 2), rows);
    assert.throws(() => decodeFourgrams(bytes.subarray(0, bytes.length - 3), rows.length / 5, 100), /end early/);
    assert.throws(() => decodeFourgrams(bytes, rows.length / 5, 5), /out of range for 5 words/);
    assert.throws(() => decodeFourgrams(Uint8Array.from([...bytes, 0]), rows.length / 5, 100), /left over/);
    const swapped = rows.slice();
    swapped.set(rows.subarray(0, 5), 5);
    swapped.set(rows.subarray(5, 10), 0);
    assert.throws(() => new FourgramLayer(swapped), /sorted/);
    assert.throws(() => tri.withFourgrams(lines, 0), RangeError);
  });

  test('the kernels decode the layer as the JavaScript does, with the same index, and refuse what it refuses', (t) => {
    if (!simdAvailable()) return t.skip('no WebAssembly SIMD here');
    const rows = pruned.toJSON().fourgrams as Int32Array;
    const bytes = encodeFourgrams(rows);
    const V = words.length + 2;
    const fromWasm = decodeFourgramsInWasm(bytes, rows.length / 5, V)!;
    assert.deepEqual(fromWasm, rows);
    const a = new FourgramLayer(fromWasm),
      b = new FourgramLayer(decodeFourgramsInJs(bytes, rows.length / 5, V)),
      c = new FourgramLayer(rows.slice()); // indexed by the constructor
    for (let i = 0; i < rows.length; i += 5) {
      const [ct, cu, cv, w] = [rows[i]!, rows[i + 1]!, rows[i + 2]!, rows[i + 3]!];
      const x = a.find(ct, cu, cv);
      assert.ok(x >= 0 && x === b.find(ct, cu, cv) && x === c.find(ct, cu, cv));
      for (const layer of [b, c]) assert.equal(layer.probability(x, w, 0.01, 0.75), a.probability(x, w, 0.01, 0.75));
    }
    // Damaged: cut short, one byte too many, ids beyond the words, a context repeated.
    for (const bad of [bytes.subarray(0, bytes.length - 1), Uint8Array.from([...bytes, 0])])
      assert.equal(decodeFourgramsInWasm(bad, rows.length / 5, V), null);
    assert.equal(decodeFourgramsInWasm(bytes, rows.length / 5, 5), null);
    assert.throws(() => decodeFourgramsInJs(bytes, rows.length / 5, 5), /out of range/);
    // Two contexts, the second the same as the first (a step of 0 after 2 shared ids).
    const repeated = Uint8Array.from([0, 1, 2, 3, 1, 1, 0, 2, 0, 1, 1, 0]);
    assert.equal(decodeFourgramsInWasm(repeated, 2, 10), null);
    assert.throws(() => decodeFourgramsInJs(repeated, 2, 10), /does not follow/);
  });

  test('the word predictor reads three words of history, so the layer answers there', () => {
    const p = new WordPredictor({ ngram: pruned });
    let reached = 0;
    for (const l of lines.slice(0, 60).filter((l) => l.length >= 4)) {
      const before = l.slice(0, 3).join(' ') + ' ';
      const got = p.predictNext(before, { k: 3 });
      const expected = pruned.predict(l.slice(0, 3), 3);
      assert.deepEqual(
        got.map((s) => s.word),
        expected.map((s) => s.word),
        before,
      );
      got.forEach((s, i) => assert.ok(Math.abs(s.probability - expected[i]!.probability) < 1e-12));
      if (Math.abs(pruned.probability(l.slice(0, 3), l[3]!) - pruned.probability(l.slice(1, 3), l[3]!)) > 1e-9)
        reached++;
      assert.ok(Math.abs(p.probability(before, l[3]!)! - pruned.probability(l.slice(0, 3), l[3]!)) < 1e-12);
    }
    assert.ok(reached > 10, `the 4-gram context changed ${reached} answers`);
  });
});

test('learning moves the index along: every context reads as in a layer indexed from scratch', () => {
  const rand = mulberry32(11);
  const ids = (n: number) =>
    Array.from({ length: n }, () =>
      Array.from({ length: 2 + Math.floor(rand() * 6) }, () => 2 + Math.floor(30 * rand() ** 2)).concat(1),
    );
  // A pruned layer (rest rows, w = 0) that then learns lines in several merges: some 4-grams it
  // has, some new followers of its contexts, some contexts it has never seen (before the first,
  // between and after the last).
  const layer = FourgramLayer.count(ids(300), 2);
  // Cached follower lists must follow their contexts when new contexts are inserted before them.
  for (let c = 0; c < layer.size; c += 7) layer.followers(c);
  for (let round = 0; round < 20; round++) {
    // Three merges a round: the first copies the arrays (rows() below shared them), the next
    // two change them in place.
    for (let k = 0; k < 3; k++) layer.addLines(ids(1 + Math.floor(rand() * 4)), 1 + (round % 3));
    const fresh = new FourgramLayer(layer.rows().slice());
    assert.equal(layer.size, fresh.size, `round ${round}`);
    const rows = layer.rows();
    for (let r = 0; r < rows.length; r += 5) {
      const [t, u, v, w] = [rows[r]!, rows[r + 1]!, rows[r + 2]!, rows[r + 3]!];
      const c = layer.find(t, u, v);
      assert.equal(c, fresh.find(t, u, v), `round ${round}: context ${t},${u},${v}`);
      assert.equal(layer.count(c, w), fresh.count(c, w));
      assert.equal(layer.own(c, layer.count(c, w), 0.75), fresh.own(c, fresh.count(c, w), 0.75));
      assert.equal(layer.backoff(c, 0.75), fresh.backoff(c, 0.75));
      assert.deepEqual([...layer.followers(c)], [...fresh.followers(c)], `round ${round}: followers of ${c}`);
    }
  }
});

test('a copy and its original learn apart', () => {
  const rand = mulberry32(5);
  const ids = (n: number) =>
    Array.from({ length: n }, () => Array.from({ length: 6 }, () => 2 + Math.floor(20 * rand())).concat(1));
  const a = FourgramLayer.count(ids(200), 1);
  a.addLines(ids(3)); // a owns its arrays now
  const before = a.rows().slice();
  const b = a.copy();
  a.addLines(ids(5));
  a.addLines(ids(5));
  assert.deepEqual([...b.rows()], [...before], 'the copy did not change with its original');
  const aRows = a.rows().slice();
  b.addLines(ids(5));
  assert.deepEqual([...a.rows()], [...aRows], 'the original did not change with its copy');
});
