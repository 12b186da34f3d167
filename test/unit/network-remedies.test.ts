// The lecture's remedies as engine options (ModelConfig activation and norm): the page's
// inference (plain JS and the WebAssembly SIMD path) equals tfjs's forward pass on the same
// weights for every cell, activation and normalisation; the hand-written training pass equals
// tfjs's gradients with each activation; a model trained with them round-trips through its
// saved record; and what is not served is refused with an error that names it.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../../src/node/node-backend.js';
import {
  ACTIVATIONS,
  resolveModelConfig,
  type Activation,
  type CellType,
  type ModelConfig,
  type Norm,
} from '../../src/inference/model/model-config.js';
import { createWeights, forwardSeq2Vec, maskedCrossEntropy } from '../../src/training/network.js';
import { seq2vecPass } from '../../src/training/hand-pass.js';
import { RecurrentNetwork } from '../../src/inference/model/recurrent-network.js';
import { trainModel } from '../../src/training/train.js';
import { trainLanguageModel } from '../../src/training/pipeline.js';
import { toArtifacts, fromArtifacts, predictorOf } from '../../src/inference/format/artifacts.js';
import { mulberry32 } from '../../src/data/windows.js';

before(async () => {
  await initNodeBackend();
});

/** Every (cell, activation, norm) the engine trains: the activations are the SimpleRNN's. */
const COMBOS: [CellType, Activation, Norm][] = [
  ...ACTIVATIONS.flatMap((a) => (['none', 'layer'] as Norm[]).map((n): [CellType, Activation, Norm] => ['rnn', a, n])),
  ['lstm', 'tanh', 'none'],
  ['lstm', 'tanh', 'layer'],
  ['gru', 'tanh', 'none'],
  ['gru', 'tanh', 'layer'],
];

/** Glorot weights with the gains and biases moved off 1 and 0, so a mixed-up gain or bias shows. */
async function weightsFor(config: ModelConfig, seed: number) {
  const vars = createWeights(config, seed);
  const r = mulberry32(seed);
  for (const [name, v] of vars) {
    if (name.endsWith('/gain') || name.endsWith('/bias')) {
      const t = tf.tensor(
        Float32Array.from({ length: v.size }, () => (name.endsWith('/gain') ? 0.5 + r() : r() - 0.5)),
        v.shape,
      );
      v.assign(t);
      t.dispose();
    }
  }
  const plain = new Map<string, Float32Array>();
  for (const [k, v] of vars) plain.set(k, (await v.data()) as Float32Array);
  return { vars, plain };
}

describe('the page serves every remedy as tfjs trains it', () => {
  for (const [cell, activation, norm] of COMBOS) {
    test(`${cell} ${activation} norm ${norm}: plain JS and SIMD inference equal tfjs (2 layers)`, async () => {
      const config = resolveModelConfig({
        vocabSize: 30,
        embeddingSize: 8,
        hiddenSize: 8,
        layers: 2,
        cell,
        activation,
        norm,
        dropout: 0,
      });
      assert.equal(
        config.norm === 'layer',
        [...createWeights(config, 1).values()].some((v) => {
          const has = v.name.startsWith('rnn0_gain');
          v.dispose();
          return has;
        }),
        'a gain per layer with layer norm only',
      );
      const { vars, plain } = await weightsFor(config, 5);
      const ids = [2, 5, 9, 17, 4, 21, 3];
      const logits = tf.tidy(() =>
        forwardSeq2Vec(config, vars, tf.tensor2d([ids], [1, ids.length], 'int32'), { training: false }),
      );
      const expected = (await logits.array()) as number[][];
      logits.dispose();
      for (const simd of [false, true]) {
        const net = new RecurrentNetwork(config, plain, { simd, int8: false });
        assert.equal(net.simd, simd);
        let state = net.initialState();
        ids.forEach((id, t) => {
          state = net.step(state, id);
          const got = net.logits(state.top);
          for (let v = 0; v < 30; v++)
            assert.ok(
              Math.abs(got[v]! - expected[t]![v]!) < 1e-4,
              `${simd ? 'SIMD' : 'JS'} t=${t} v=${v}: ${got[v]} vs ${expected[t]![v]}`,
            );
        });
      }
      tf.dispose([...vars.values()]);
    });
  }

  test('a SimpleRNN with relu and layer norm trains, saves and loads: same config, same suggestions', async () => {
    const corpus = readFileSync(new URL('../../corpus/es-conversaciones.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, 300);
    const before = tf.memory().numTensors;
    const model = await trainLanguageModel(corpus, {
      epochs: 1,
      vocabularySize: 300,
      batchTokens: 256,
      model: { cell: 'rnn', activation: 'relu', norm: 'layer', hiddenSize: 16, embeddingSize: 16 },
      seed: 2,
      ngram: false,
    });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    assert.equal(model.config.activation, 'relu');
    assert.equal(model.config.norm, 'layer');
    const gain = model.weights.get('rnn0/gain')!;
    assert.ok(
      gain.some((g) => g !== 1),
      'the gain was trained',
    );
    const back = fromArtifacts(toArtifacts(model));
    assert.deepEqual(back.config, model.config);
    const text = 'Hola, ¿cómo ';
    assert.deepEqual(predictorOf(back).predictNext(text, { k: 5 }), predictorOf(model).predictNext(text, { k: 5 }));
  });
});

describe('the hand-written pass with each activation equals tfjs autograd', () => {
  const batch = {
    inputs: Int32Array.from([2, 5, 9, 17, 4, 2, 7, 8, 0, 0]),
    targets: Int32Array.from([5, 9, 17, 4, 3, 7, 8, 3, 0, 0]),
    size: 2,
    length: 5,
  };
  for (const activation of ACTIVATIONS) {
    test(`rnn ${activation}, 2 layers`, async () => {
      const config = resolveModelConfig({
        vocabSize: 23,
        embeddingSize: 6,
        hiddenSize: 5,
        layers: 2,
        cell: 'rnn',
        activation,
        dropout: 0,
      });
      const { vars } = await weightsFor(config, 3);
      const names = [...vars.keys()];
      const before = tf.memory().numTensors;
      const auto = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const logits = forwardSeq2Vec(config, vars, tf.tensor2d(batch.inputs, [2, 5], 'int32'), { training: false });
          const r = maskedCrossEntropy(logits, tf.tensor1d(batch.targets, 'int32'), 0);
          return tf.mul(r.loss, r.count) as tf.Scalar;
        }, [...vars.values()]);
        return [value, ...names.map((n) => grads[vars.get(n)!.name]!)];
      });
      const mine = tf.tidy(() => {
        const r = seq2vecPass(config, vars, batch, { training: false, grads: true });
        return [r.loss, ...names.map((n) => r.grads!.get(n)!)];
      });
      for (let i = 0; i < auto.length; i++) {
        const a = await auto[i]!.data(),
          m = await mine[i]!.data();
        let d = 0;
        for (let j = 0; j < a.length; j++) d = Math.max(d, Math.abs(a[j]! - m[j]!));
        assert.ok(d < 1e-4, `${i === 0 ? 'loss' : names[i - 1]}: max difference ${d}`);
      }
      tf.dispose([...auto, ...mine]);
      assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
      tf.dispose([...vars.values()]);
    });
  }
});

describe('what is not served is refused by name', () => {
  test('activations other than tanh are the SimpleRNN’s; unknown names are listed', () => {
    assert.throws(() => resolveModelConfig({ vocabSize: 10, cell: 'lstm', activation: 'relu' }), {
      name: 'RangeError',
      message: /activation "relu" is for the SimpleRNN \(cell "rnn"\); cell "lstm" takes only "tanh"/,
    });
    assert.throws(() => resolveModelConfig({ vocabSize: 10, cell: 'rnn', activation: 'sigmoid' as Activation }), {
      name: 'RangeError',
      message: /activation must be one of "tanh", "relu", "leaky-relu", "elu", got the string "sigmoid"/,
    });
    assert.throws(() => resolveModelConfig({ vocabSize: 10, norm: 'batch' as Norm }), {
      name: 'RangeError',
      message: /norm must be one of "none", "layer", got the string "batch"/,
    });
    const plain = resolveModelConfig({ vocabSize: 10 });
    assert.equal(plain.activation, 'tanh');
    assert.equal(plain.norm, 'none');
  });

  test('the hand-written pass and word dropout refuse layer norm', async () => {
    const config = resolveModelConfig({ vocabSize: 20, embeddingSize: 4, hiddenSize: 4, norm: 'layer' });
    const vars = createWeights(config, 1);
    const batch = { inputs: Int32Array.from([2, 3]), targets: Int32Array.from([3, 4]), size: 1, length: 2 };
    assert.throws(() => tf.tidy(() => void seq2vecPass(config, vars, batch, { training: true, grads: true })), {
      name: 'RangeError',
      message: /no layer normalisation/,
    });
    tf.dispose([...vars.values()]);
    await assert.rejects(trainModel(config, [[2, 3, 4]], { epochs: 1, wordDropout: 0.1 }), {
      name: 'RangeError',
      message: /wordDropout .* got norm "layer"/,
    });
  });
});
