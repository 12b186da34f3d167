// @tier full: trains networks; `npm run test:quick` leaves it out.
// The training loop's engine (train.ts): Adam in plain arrays, data-parallel replicas (in
// process and in worker threads), the linear schedule, checkpoints, and the wasm kernels it
// relies on (backend.ts).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../../src/node/node-backend.js';
import { workerThreads } from '../../src/node/parallel.js';
import { resolveModelConfig } from '../../src/inference/model/model-config.js';
import { RecurrentNetwork } from '../../src/inference/model/recurrent-network.js';
import { adamStep, trainModel, type TrainProgress } from '../../src/training/train.js';
import { localReplica, weightLayout } from '../../src/training/replica.js';

before(async () => {
  const b = await initNodeBackend();
  assert.equal(b.backend, 'wasm');
});

const lines = Array.from({ length: 60 }, (_, i) => [4 + (i % 5), 10 + (i % 5), 15 + (i % 5)]);
const config = resolveModelConfig({ vocabSize: 20, embeddingSize: 8, hiddenSize: 12, dropout: 0 });

/** Whether the model predicts 12 after [<s>, 6] (lines are [a, a+6, a+11]). */
function predictsPattern(weights: Map<string, Float32Array>): boolean {
  const net = new RecurrentNetwork(config, weights);
  const s = net.step(net.step(net.initialState(), 2), 6);
  const p = net.probabilities(s.top);
  return p.indexOf(Math.max(...p)) === 12;
}

describe('Adam in plain arrays', () => {
  test('matches tf.train.adam step for step', async () => {
    const w0 = Float32Array.from([0.5, -1.2, 2.0, 0.1]);
    const target = tf.tensor1d([1, 2, -1, 0]);
    const v = tf.variable(tf.tensor1d(w0));
    const opt = tf.train.adam(0.05);
    const w = w0.slice(),
      m = new Float32Array(4),
      s = new Float32Array(4);
    for (let step = 1; step <= 20; step++) {
      const g = Float32Array.from(w, (x, i) => 2 * (x - [1, 2, -1, 0][i]!));
      adamStep(w, g, m, s, step, 0.05);
      opt.minimize(() => tf.sum(tf.square(tf.sub(v, target))) as tf.Scalar, false, [v]);
    }
    const expected = await v.data();
    w.forEach((x, i) => assert.ok(Math.abs(x - expected[i]!) < 1e-4, `${i}: ${x} vs ${expected[i]}`));
    opt.dispose();
    tf.dispose([v, target]);
  });

  test('scale multiplies the gradient (used for the mean and for clipping)', () => {
    const a = Float32Array.from([1, 1]),
      b = Float32Array.from([1, 1]);
    const z = () => [new Float32Array(2), new Float32Array(2)] as const;
    const [m1, v1] = z(),
      [m2, v2] = z();
    adamStep(a, Float32Array.from([4, -8]), m1, v1, 1, 0.1, 0.25);
    adamStep(b, Float32Array.from([1, -2]), m2, v2, 1, 0.1);
    assert.deepEqual(a, b);
  });
});

describe('replicas', () => {
  test('localReplica: summed gradients into the flat buffer; evaluation without gradients', async () => {
    const layout = weightLayout(config);
    const P = layout.reduce((n, l) => n + l.size, 0);
    assert.equal(layout[layout.length - 1]!.offset + layout[layout.length - 1]!.size, P);
    const weights = new Float32Array(P).map((_, i) => Math.sin(i) * 0.1);
    const grads = new Float32Array(P);
    const before = tf.memory().numTensors;
    const r = await localReplica(config, weights, grads);
    const batch = {
      inputs: Int32Array.from([2, 5, 10, 2, 6, 11]),
      targets: Int32Array.from([5, 10, 3, 6, 11, 3]),
      size: 2,
      length: 3,
      targetLength: 3,
    };
    const s = await r.run(batch, { seed: 1, training: true, grads: true, version: 0 });
    assert.equal(s.count, 6);
    assert.ok(s.loss > 6 * Math.log(20) * 0.5, `summed loss ${s.loss}`);
    assert.ok(grads.some((g) => g !== 0));
    grads.fill(0);
    const e = await r.run(batch, { seed: 1, training: false, grads: false, version: 0 });
    assert.ok(Math.abs(e.loss - s.loss) < 1e-3, 'no dropout here: same loss');
    assert.ok(
      grads.every((g) => g === 0),
      'evaluation leaves the gradients alone',
    );
    await r.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('two in-process replicas (the parallel protocol without threads) learn the pattern', async () => {
    const r = await trainModel(config, lines, {
      epochs: 60,
      batchTokens: 32,
      learningRate: 0.03,
      seed: 5,
      patience: 60,
      decay: false,
      parallel: { threads: 2, create: (c, w, g) => localReplica(c, w, g) },
    });
    assert.ok(predictsPattern(r.weights));
  });

  test('worker threads: two tfjs-wasm workers learn the pattern and shut down', async () => {
    const events: TrainProgress[] = [];
    const r = await trainModel(config, lines, {
      epochs: 60,
      batchTokens: 32,
      learningRate: 0.03,
      seed: 5,
      patience: 60,
      decay: false,
      parallel: workerThreads(2),
      onProgress: (p) => events.push(p),
    });
    assert.ok(predictsPattern(r.weights));
    assert.ok(r.targets > 0 && events.some((e) => e.phase === 'epoch'));
    for (const w of r.weights.values()) assert.ok(w.every(Number.isFinite));
  });

  test('workerThreads rejects a bad thread count', () => {
    assert.throws(() => workerThreads(0), /threads must be an integer in 1…64, got the number 0/);
  });
});

describe('the optimiser on the device (deviceOptimizer, the default on WebGL)', () => {
  const close = (a: Map<string, Float32Array>, b: Map<string, Float32Array>) => {
    let worst = 0;
    for (const [name, x] of a) {
      const y = b.get(name)!;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    }
    return worst;
  };
  for (const [what, cfg, extra] of [
    [
      'seq2vec, clipped, sampled softmax, word dropout, the weights averaged',
      resolveModelConfig({ vocabSize: 20, embeddingSize: 8, hiddenSize: 12, dropout: 0, tied: true }),
      { clipNorm: 0.05, sampledSoftmax: { samples: 6, until: 0.5 }, wordDropout: 0.2, average: 0.5 },
    ],
    [
      'seq2seq with a frozen encoder',
      resolveModelConfig({ vocabSize: 20, embeddingSize: 8, hiddenSize: 12, dropout: 0, shape: 'seq2seq', horizon: 2 }),
      { frozen: ['embedding'] },
    ],
  ] as const) {
    test(`takes the same steps as the JS Adam: ${what}; every tensor disposed`, async () => {
      const o = {
        epochs: 2,
        batchTokens: 64,
        seed: 3,
        validationSplit: 0.1,
        learningRate: 0.02,
        schedule: 'linear' as const,
        ...extra,
      };
      const js = await trainModel(cfg, lines, { ...o, deviceOptimizer: false });
      const before = tf.memory().numTensors;
      const dev = await trainModel(cfg, lines, { ...o, deviceOptimizer: true });
      assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
      const worst = close(js.weights, dev.weights);
      assert.ok(worst < 1e-4, `largest weight difference ${worst}`);
      assert.equal(dev.history.length, js.history.length);
      if ('average' in extra) assert.ok(js.history.some((p) => p.averageValidationLoss !== undefined));
      dev.history.forEach((p, i) => {
        assert.ok(Math.abs(p.loss - js.history[i]!.loss) < 1e-3, `loss ${p.loss} vs ${js.history[i]!.loss}`);
        assert.ok(Math.abs(p.gradientNorm - js.history[i]!.gradientNorm) < 1e-3 * Math.max(1, p.gradientNorm));
        assert.equal(p.averageValidationLoss === undefined, js.history[i]!.averageValidationLoss === undefined);
        if (p.averageValidationLoss !== undefined)
          assert.ok(Math.abs(p.averageValidationLoss - js.history[i]!.averageValidationLoss!) < 1e-5, 'the same mean');
      });
      // It learned: far from where a run that cannot move (learning rate 1e-12) ends.
      const still = await trainModel(cfg, lines, { ...o, learningRate: 1e-12 });
      assert.ok(
        close(dev.weights, still.weights) > 100 * Math.max(worst, 1e-6),
        `${close(dev.weights, still.weights)}`,
      );
    });
  }
});

describe('schedule and checkpoints', () => {
  test('linear schedule: warm-up then decay; checkpoints see weights and can stop training', async () => {
    const rates: number[] = [];
    let calls = 0;
    const r = await trainModel(config, lines, {
      epochs: 200,
      batchTokens: 16,
      learningRate: 0.01,
      schedule: 'linear',
      seed: 2,
      validationSplit: 0,
      onProgress: (p) => p.phase === 'batch' && rates.push(p.learningRate!),
      checkpoint: {
        everySeconds: 1e-9,
        callback: (w, s) => {
          calls++;
          assert.ok(w.get('embedding')!.length === 160 && s >= 0);
          return calls === 40;
        },
      },
    });
    assert.equal(calls, 40);
    assert.equal(r.stopped, 'time');
    assert.ok(rates[0]! < rates[20]!, 'warms up');
    const peak = Math.max(...rates);
    assert.ok(peak <= 0.01 + 1e-12);
    const constant = await trainModel(config, lines, {
      epochs: 2,
      batchTokens: 16,
      learningRate: 0.01,
      seed: 2,
      validationSplit: 0,
      onProgress: (p) => p.phase === 'batch' && assert.equal(p.learningRate, 0.01),
    });
    assert.ok(constant.targets > 0);
  });

  test('the linear schedule decays towards the end of the epochs', async () => {
    const rates: number[] = [];
    await trainModel(config, lines, {
      epochs: 4,
      batchTokens: 16,
      learningRate: 0.01,
      schedule: 'linear',
      seed: 2,
      validationSplit: 0,
      onProgress: (p) => p.phase === 'batch' && rates.push(p.learningRate!),
    });
    assert.ok(
      rates[rates.length - 1]! < 0.2 * Math.max(...rates),
      `last ${rates[rates.length - 1]} vs peak ${Math.max(...rates)}`,
    );
  });
});

describe('weight averaging and word dropout', () => {
  test('average: the running mean of the weights after each step is validated, and kept when it validates better', async () => {
    const o = { epochs: 2, batchTokens: 16, learningRate: 0.2, schedule: 'constant' as const, decay: false };
    const common = { ...o, seed: 4, validationSplit: 0.2, patience: 5 };
    const secondEpoch: Map<string, Float32Array>[] = [];
    let epoch = 0;
    const r = await trainModel(config, lines, {
      ...common,
      average: 0.5, // the second of two epochs
      onProgress: (p) => void (epoch = p.epoch),
      // A checkpoint after every step sees the weights the mean is taken over.
      checkpoint: { everySeconds: 1e-9, callback: (w) => void (epoch === 2 && secondEpoch.push(w)) },
    });
    const [first, second] = r.history as [TrainProgress, TrainProgress];
    assert.equal(first.averageValidationLoss, undefined, 'no mean before half the budget');
    assert.ok(second.averageValidationLoss !== undefined && second.validationLoss !== undefined);
    // In this run the mean validates better than any epoch's last step, so the mean comes back.
    assert.equal(r.bestValidationLoss, second.averageValidationLoss);
    assert.ok(second.averageValidationLoss < Math.min(first.validationLoss!, second.validationLoss));
    assert.ok(secondEpoch.length > 3);
    for (const [name, w] of r.weights) {
      for (let i = 0; i < w.length; i++) {
        const mean = secondEpoch.reduce((s, m) => s + m.get(name)![i]!, 0) / secondEpoch.length;
        assert.ok(Math.abs(w[i]! - mean) < 1e-5, `${name}[${i}]: ${w[i]} vs the mean ${mean}`);
      }
    }
    // Without average: no mean reported, the last step's weights come back.
    const plain = await trainModel(config, lines, common);
    assert.ok(plain.history.every((p) => p.averageValidationLoss === undefined));
    assert.equal(plain.bestValidationLoss, Math.min(...plain.history.map((p) => p.validationLoss!)));
  });

  test('wordDropout reaches the replicas, worker threads too, and is checked', async () => {
    const o = { epochs: 1, batchTokens: 16, learningRate: 0.02, seed: 4, validationSplit: 0 };
    const losses = async (extra: object) =>
      (await trainModel(config, lines, { ...o, ...extra })).history.map((p) => p.loss);
    const base = await losses({});
    assert.notDeepEqual(await losses({ wordDropout: 0.5 }), base);
    const threads = { parallel: workerThreads(2) };
    assert.notDeepEqual(await losses({ ...threads, wordDropout: 0.5 }), await losses(threads));
    await assert.rejects(trainModel(config, lines, { ...o, wordDropout: 1 }), /wordDropout.*\[0, 1\)/);
    await assert.rejects(trainModel(config, lines, { ...o, average: -0.1 }), /average/);
  });
});

describe('wasm kernels replaced for speed (backend.ts)', () => {
  test('Slice, Transpose and Sum over rows give the same values as the cpu backend would', async () => {
    const x = tf.tensor2d(
      Array.from({ length: 7 * 5 }, (_, i) => i * 0.5 - 3),
      [7, 5],
    );
    const xi = tf.tensor2d(
      Array.from({ length: 7 * 5 }, (_, i) => i),
      [7, 5],
      'int32',
    );
    const v = (t: tf.Tensor) => Array.from(t.dataSync());
    const ref = (r0: number, c0: number, nr: number, nc: number) =>
      Array.from({ length: nr * nc }, (_, k) => ((r0 + Math.floor(k / nc)) * 5 + c0 + (k % nc)) * 0.5 - 3);
    assert.deepEqual(v(tf.slice(x, [2, 0], [3, 5])), ref(2, 0, 3, 5));
    assert.deepEqual(v(tf.slice(x, [1, 2], [4, 2])), ref(1, 2, 4, 2));
    assert.deepEqual(v(tf.slice(x, [1, 2], [-1, -1])), ref(1, 2, 6, 3));
    assert.deepEqual(v(tf.slice(xi, [6, 1], [1, 3])), [31, 32, 33]);
    assert.deepEqual(v(tf.slice(tf.range(0, 10), 3, 4)), [3, 4, 5, 6]);
    const t = tf.transpose(x);
    assert.deepEqual(t.shape, [5, 7]);
    const xv = v(x),
      tv = v(t);
    for (let i = 0; i < 7; i++) for (let j = 0; j < 5; j++) assert.equal(tv[j * 7 + i], xv[i * 5 + j]);
    const big = tf.randomNormal([70, 45], 0, 1, 'float32', 3);
    const bt = v(tf.transpose(big)),
      bv = v(big);
    for (let i = 0; i < 70; i++) for (let j = 0; j < 45; j++) assert.equal(bt[j * 70 + i], bv[i * 45 + j]);
    assert.deepEqual(
      v(tf.transpose(tf.ones([2, 3, 4]), [2, 0, 1])).length,
      24,
      '3-D transposes go to the original kernel',
    );
    const colSums = Array.from({ length: 5 }, (_, j) => xv.filter((_, k) => k % 5 === j).reduce((a, b) => a + b, 0));
    v(tf.sum(x, 0)).forEach((s, j) => assert.ok(Math.abs(s - colSums[j]!) < 1e-5));
    assert.deepEqual(tf.sum(x, 0, true).shape, [1, 5]);
    assert.ok(
      Math.abs(v(tf.sum(x))[0]! - xv.reduce((a, b) => a + b, 0)) < 1e-4,
      'a full sum goes to the original kernel',
    );
    tf.dispose([x, xi, t, big]);
  });
});
