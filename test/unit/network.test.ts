// The hand-written training pass (network.ts seq2vecPass) against tfjs's automatic gradients
// of the reference forward pass, for every cell, tied and untied, one and two layers.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../../src/node/node-backend.js';
import { resolveModelConfig, type CellType } from '../../src/inference/model/model-config.js';
import { createWeights, forwardSeq2Vec, maskedCrossEntropy, mm } from '../../src/training/network.js';
import { seq2vecPass, sampleCandidates } from '../../src/training/hand-pass.js';
import { mulberry32 } from '../../src/data/windows.js';

before(async () => {
  await initNodeBackend();
});

function maxDiff(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

// Two rows, lengths 5 and 3 (padded with 0): targets 0 are ignored.
const batch = {
  inputs: Int32Array.from([2, 5, 9, 17, 4, 2, 7, 8, 0, 0]),
  targets: Int32Array.from([5, 9, 17, 4, 3, 7, 8, 3, 0, 0]),
  size: 2,
  length: 5,
};

describe('hand-written gradients equal tfjs autograd', () => {
  for (const cell of ['rnn', 'lstm', 'gru'] as CellType[]) {
    for (const [layers, tied] of [
      [1, true],
      [2, false],
    ] as const) {
      test(`${cell}, ${layers} layer(s), ${tied ? 'tied' : 'untied'} output`, async () => {
        const config = resolveModelConfig({
          vocabSize: 23,
          embeddingSize: 6,
          hiddenSize: 5,
          layers,
          cell,
          tied,
          dropout: 0,
        });
        const vars = createWeights(config, 3);
        const before = tf.memory().numTensors;
        const names = [...vars.keys()];
        const auto = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => {
            const logits = forwardSeq2Vec(config, vars, tf.tensor2d(batch.inputs, [2, 5], 'int32'), {
              training: false,
            });
            const r = maskedCrossEntropy(logits, tf.tensor1d(batch.targets, 'int32'), 0);
            return tf.mul(r.loss, r.count) as tf.Scalar;
          }, [...vars.values()]);
          return [value, ...names.map((n) => grads[vars.get(n)!.name]!)];
        });
        const mine = tf.tidy(() => {
          const r = seq2vecPass(config, vars, batch, { training: false, grads: true });
          assert.equal(r.count, 8);
          return [r.loss, ...names.map((n) => r.grads!.get(n)!)];
        });
        const [la, lm] = [await auto[0]!.data(), await mine[0]!.data()];
        assert.ok(Math.abs(la[0]! - lm[0]!) < 1e-4, `loss ${la[0]} vs ${lm[0]}`);
        for (let i = 0; i < names.length; i++) {
          const a = await auto[i + 1]!.data(),
            m = await mine[i + 1]!.data();
          assert.deepEqual(auto[i + 1]!.shape, mine[i + 1]!.shape, names[i]);
          assert.ok(maxDiff(a, m) < 1e-4, `${names[i]}: max difference ${maxDiff(a, m)}`);
        }
        tf.dispose([...auto, ...mine]);
        assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
        tf.dispose([...vars.values()]);
      });
    }
  }

  test('the cross-entropy kernel and the plain-ops fallback agree (loss, correct count, gradients)', async () => {
    const config = resolveModelConfig({ vocabSize: 23, embeddingSize: 6, hiddenSize: 5, cell: 'lstm', dropout: 0 });
    const vars = createWeights(config, 4);
    const [a, b] = [true, false].map((xent) =>
      tf.tidy(() => {
        const r = seq2vecPass(config, vars, batch, { training: false, grads: true, xent });
        return [r.loss, r.correct, r.grads!.get('embedding')!, r.grads!.get('rnn0/recurrent')!];
      }),
    );
    for (let i = 0; i < 4; i++) assert.ok(maxDiff(await a![i]!.data(), await b![i]!.data()) < 1e-5, `output ${i}`);
    tf.dispose([...a!, ...b!, ...vars.values()]);
  });

  test('dropout: the same seed gives the same gradients, another seed others; dropout 0.5 changes them', async () => {
    const config = resolveModelConfig({ vocabSize: 23, embeddingSize: 6, hiddenSize: 5, cell: 'gru', dropout: 0.5 });
    const vars = createWeights(config, 5);
    const run = (seed: number, training: boolean) =>
      tf.tidy(() => seq2vecPass(config, vars, batch, { training, grads: true, seed }).grads!.get('rnn0/kernel')!);
    const [g1, g2, g3, g0] = [run(1, true), run(1, true), run(2, true), run(1, false)];
    assert.deepEqual(await g1.data(), await g2.data());
    assert.ok(maxDiff(await g1.data(), await g3.data()) > 1e-6);
    assert.ok(maxDiff(await g1.data(), await g0.data()) > 1e-6);
    tf.dispose([g1, g2, g3, g0, ...vars.values()]);
  });

  test('word dropout drops a word at every position it occurs, as zeroing its embedding row would', async () => {
    // Untied, so the embedding's gradient comes from the inputs alone: a dropped word's row is 0.
    const config = resolveModelConfig({
      vocabSize: 23,
      embeddingSize: 6,
      hiddenSize: 5,
      cell: 'gru',
      tied: false,
      dropout: 0,
    });
    const vars = createWeights(config, 7);
    const words = [2, 5, 9, 17, 4, 7, 8]; // 2 occurs twice, in both rows
    let checked = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const dropped = (await tf
        .tidy(() =>
          seq2vecPass(config, vars, batch, { training: true, grads: true, seed, wordDropout: 0.5 }).grads!.get(
            'embedding',
          )!,
        )
        .array()) as number[][];
      const gone = new Set(words.filter((w) => dropped[w]!.every((x) => x === 0)));
      if (gone.size === 0 || gone.size === words.length) continue;
      checked++;
      // The same pass without word dropout on an embedding with those rows zeroed and the rest
      // doubled (1 / (1 − 0.5)) gives the same loss and recurrent gradients.
      const scaled = new Map<string, tf.Tensor>(vars);
      const emb = (await vars.get('embedding')!.array()) as number[][];
      scaled.set('embedding', tf.tensor2d(emb.map((row, i) => row.map((x) => (gone.has(i) ? 0 : 2 * x)))));
      const [a, b] = [
        { v: vars, o: { wordDropout: 0.5 } },
        { v: scaled, o: {} },
      ].map(({ v, o }) =>
        tf.tidy(() => {
          const r = seq2vecPass(config, v, batch, { training: true, grads: true, seed, ...o });
          return [r.loss, r.grads!.get('rnn0/kernel')!, r.grads!.get('output/kernel')!];
        }),
      );
      for (let i = 0; i < 3; i++)
        assert.ok(maxDiff(await a![i]!.data(), await b![i]!.data()) < 1e-5, `seed ${seed}, output ${i}`);
      tf.dispose([...a!, ...b!, scaled.get('embedding')!]);
    }
    assert.ok(checked >= 2, `some seeds drop some words and keep others (${checked})`);
    // Not while evaluating.
    const [off, none] = [{ wordDropout: 0.5 }, {}].map((o) =>
      tf.tidy(() => seq2vecPass(config, vars, batch, { training: false, grads: false, seed: 1, ...o }).loss),
    );
    assert.equal(await off!.data().then((d) => d[0]), await none!.data().then((d) => d[0]));
    tf.dispose([off!, none!, ...vars.values()]);
  });

  test('sampled softmax over every token with no correction equals the full softmax; a subset trains only its rows', async () => {
    const config = resolveModelConfig({ vocabSize: 23, embeddingSize: 6, hiddenSize: 5, cell: 'lstm', dropout: 0 });
    const vars = createWeights(config, 6);
    const all = { ids: Int32Array.from({ length: 23 }, (_, i) => i), logInclusion: new Float32Array(23) };
    const [a, b] = [undefined, all].map((sample) =>
      tf.tidy(() => {
        const r = seq2vecPass(config, vars, batch, { training: false, grads: true, sample });
        return [r.loss, r.grads!.get('embedding')!, r.grads!.get('output/bias')!, r.grads!.get('rnn0/kernel')!];
      }),
    );
    for (let i = 0; i < 4; i++) assert.ok(maxDiff(await a![i]!.data(), await b![i]!.data()) < 1e-5, `output ${i}`);
    const some = { ids: Int32Array.from([3, 4, 5, 7, 8, 9, 11, 17]), logInclusion: new Float32Array(8).fill(-0.5) };
    const bias = tf.tidy(() =>
      seq2vecPass(config, vars, batch, { training: false, grads: true, sample: some }).grads!.get('output/bias')!,
    );
    const g = await bias.data();
    g.forEach((x, id) => assert.equal(x !== 0, some.ids.includes(id), `bias gradient of ${id}: ${x}`));
    assert.throws(
      () =>
        tf.tidy(() => {
          seq2vecPass(config, vars, batch, {
            training: false,
            grads: true,
            sample: { ids: Int32Array.from([3, 4]), logInclusion: new Float32Array(2) },
          });
        }),
      /not among the candidates/,
    );
    tf.dispose([...a!, ...b!, bias, ...vars.values()]);
  });

  test('sampleCandidates: targets always in, sorted unique, inclusion probabilities in (0, 1]', () => {
    const counts = [0, 5, 0, 50, 10, 10, 1, 1, 200, 3];
    const cumulative = new Float64Array(counts.length);
    counts.reduce((acc, c, i) => (cumulative[i] = acc + c ** 0.75), 0);
    const total = counts.reduce((a, b) => a + b, 0);
    const unigram = Float64Array.from(counts, (c) => c / total);
    const s = sampleCandidates([6, 7, 0, 9], 5, cumulative, unigram, mulberry32(1));
    for (const t of [6, 7, 9]) assert.ok(s.ids.includes(t));
    assert.ok(!s.ids.includes(0) && !s.ids.includes(2), 'never a token that never occurs, nor padding');
    assert.deepEqual(
      [...s.ids],
      [...new Set(s.ids)].sort((x, y) => x - y),
    );
    s.logInclusion.forEach((l) => assert.ok(l <= 0 && Number.isFinite(l)));
    // With this seed the most frequent word (8) is drawn; it must be likelier to be in than a rare target.
    const frequent = s.ids.indexOf(8);
    assert.ok(frequent >= 0, `the most frequent word is among the candidates: ${[...s.ids].join(' ')}`);
    assert.ok(s.logInclusion[frequent]! > s.logInclusion[s.ids.indexOf(6)]!, 'frequent words are likelier to be drawn');
    // Each inclusion probability is 1 − (1 − q)^k·(1 − u)^n, q the proposal, u the unigram, n = 3 targets.
    s.ids.forEach((id, i) => {
      const q = counts[id]! ** 0.75 / cumulative[counts.length - 1]!;
      const expected = Math.log(1 - (1 - q) ** 5 * (1 - unigram[id]!) ** 3);
      assert.ok(Math.abs(s.logInclusion[i]! - expected) < 1e-5, `id ${id}: ${s.logInclusion[i]} vs ${expected}`);
    });
  });

  test('mm: the product and its gradients equal matMul', async () => {
    const a = tf.randomNormal([4, 3], 0, 1, 'float32', 1) as tf.Tensor2D,
      b = tf.randomNormal([3, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
    const f1 = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.sum(tf.square(mm(x, y)));
    const f2 = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.sum(tf.square(tf.matMul(x, y)));
    const [ga, gb] = tf.grads(f1 as (...t: tf.Tensor[]) => tf.Tensor)([a, b]);
    const [ha, hb] = tf.grads(f2 as (...t: tf.Tensor[]) => tf.Tensor)([a, b]);
    assert.ok(maxDiff(await ga!.data(), await ha!.data()) < 1e-4);
    assert.ok(maxDiff(await gb!.data(), await hb!.data()) < 1e-4);
    tf.dispose([a, b, ga!, gb!, ha!, hb!]);
  });
});
