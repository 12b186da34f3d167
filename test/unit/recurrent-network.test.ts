// Plain-JS inference with and without the WebAssembly SIMD kernels (recurrent-network.ts): the
// same logits for every cell and output layout, and the fallback where the sizes do not fit them.
// The kernels' bytes are those of their source, kernels.wat.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
// @ts-expect-error plain JS module without types
import { assembleKernels, kernelsSource, TS_PATH } from '../../scripts/assemble-kernels.js';
import { KERNELS_WASM } from '../../src/inference/kernels/kernels-wasm.js';
import { RecurrentNetwork, simdAvailable } from '../../src/inference/model/recurrent-network.js';
import {
  resolveModelConfig,
  weightShapes,
  type CellType,
  type ModelConfig,
} from '../../src/inference/model/model-config.js';
import { mulberry32 } from '../../src/data/windows.js';
import { fromArtifactsInStages } from '../../src/inference/format/artifacts.js';
import { LazyWeights } from '../../src/inference/kernels/quantize.js';

function randomWeights(config: ModelConfig, seed: number): Map<string, Float32Array> {
  const r = mulberry32(seed);
  return new Map(
    weightShapes(config).map(([n, s]) => [
      n,
      Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => (r() - 0.5) * 0.6),
    ]),
  );
}

describe('WebAssembly SIMD kernels', () => {
  test('are available in this Node', () => {
    assert.equal(simdAvailable(), true);
  });

  test('the bytes served are kernels.wat assembled by wabt (kernels-wasm.ts is current)', async () => {
    const bytes: Uint8Array = await assembleKernels();
    assert.deepEqual(KERNELS_WASM, bytes, 'run node scripts/assemble-kernels.js after editing kernels.wat');
    assert.equal(readFileSync(TS_PATH, 'utf8'), kernelsSource(bytes));
  });

  for (const cell of ['rnn', 'lstm', 'gru'] as CellType[]) {
    for (const [tied, layers, V] of [
      [true, 1, 101],
      [false, 2, 64],
    ] as const) {
      test(`${cell}, ${tied ? 'tied' : 'untied'}, ${layers} layer(s): SIMD and JS give the same states and logits`, () => {
        const config = resolveModelConfig({
          vocabSize: V,
          embeddingSize: 16,
          hiddenSize: 12,
          cell,
          tied,
          layers,
          shape: 'seq2seq',
          horizon: 2,
        });
        const w = randomWeights(config, 7);
        const fast = new RecurrentNetwork(config, w, { int8: false }),
          slow = new RecurrentNetwork(config, w, { simd: false });
        const int8 = new RecurrentNetwork(config, w);
        assert.equal(fast.simd, true);
        assert.equal(slow.simd, false);
        assert.equal(fast.int8, false);
        assert.equal(int8.int8, tied, 'the tied output layer runs on int8 by default');
        let a = fast.initialState(),
          b = slow.initialState();
        for (const id of [2, 9, 33, 5, 60, 17]) {
          a = fast.step(a, id);
          b = slow.step(b, id);
          for (let l = 0; l < layers; l++)
            a.h[l]!.forEach((x, j) => assert.ok(Math.abs(x - b.h[l]![j]!) < 1e-5, `h[${l}][${j}]`));
          const la = fast.logits(a.top),
            lb = slow.logits(b.top);
          la.forEach((x, v) => assert.ok(Math.abs(x - lb[v]!) < 1e-4, `logit ${v}: ${x} vs ${lb[v]}`));
          // int8: each logit within the rounding bound, half a step of its row times |q|₁.
          const li = int8.logits(a.top);
          if (!tied) li.forEach((x, v) => assert.ok(Math.abs(x - lb[v]!) < 1e-4));
          else {
            const E = config.embeddingSize,
              H = config.hiddenSize,
              P = w.get('output/projection')!,
              emb = w.get('embedding')!;
            let q1 = 0;
            for (let e = 0; e < E; e++) {
              let q = 0;
              for (let i = 0; i < H; i++) q += a.top[i]! * P[i * E + e]!;
              q1 += Math.abs(q);
            }
            li.forEach((x, v) => {
              let rowMax = 0;
              for (let e = 0; e < E; e++) rowMax = Math.max(rowMax, Math.abs(emb[v * E + e]!));
              const bound = (rowMax / 254) * q1 * 1.01 + 1e-4;
              assert.ok(Math.abs(x - lb[v]!) <= bound, `int8 logit ${v}: ${x} vs ${lb[v]} (bound ${bound})`);
            });
          }
        }
        const da = fast.decode(a),
          db = slow.decode(b);
        da.forEach((d, t) => d.forEach((p, v) => assert.ok(Math.abs(p - db[t]![v]!) < 1e-5)));
      });
    }
  }

  test('expSum: the SIMD normaliser over a mask matches the exact sum', () => {
    const config = resolveModelConfig({ vocabSize: 1003, embeddingSize: 16, hiddenSize: 8 });
    const w = randomWeights(config, 5);
    const fast = new RecurrentNetwork(config, w),
      slow = new RecurrentNetwork(config, w, { simd: false });
    const rand = mulberry32(11);
    for (const spread of [1, 20, 300]) {
      const logits = Float32Array.from({ length: 1003 }, () => (rand() - 0.5) * spread);
      const mask = Uint8Array.from({ length: 1003 }, () => (rand() < 0.9 ? 1 : 0));
      let max = -Infinity;
      logits.forEach((x, i) => {
        if (mask[i] === 1 && x > max) max = x;
      });
      let exact = 0;
      logits.forEach((x, i) => {
        if (mask[i] === 1) exact += Math.exp(x - max);
      });
      for (const net of [fast, slow]) {
        const z = net.expSum(logits, max, mask);
        assert.ok(Math.abs(z - exact) / exact < 1e-5, `spread ${spread}: ${z} vs ${exact} (simd ${net.simd})`);
      }
      // A second mask on the same network is not confused with the first.
      const none = new Uint8Array(1003);
      assert.equal(fast.expSum(logits, max, none), 0);
    }
    assert.throws(() => fast.expSum(new Float32Array(3), 0, new Uint8Array(3)), /length 1003/);
  });

  test('sizes the kernels cannot take (embedding not a multiple of 8, untied odd vocabulary) fall back to JS', () => {
    const odd = resolveModelConfig({ vocabSize: 30, embeddingSize: 6, hiddenSize: 5 });
    assert.equal(new RecurrentNetwork(odd, randomWeights(odd, 1)).simd, false);
    const untied = resolveModelConfig({ vocabSize: 30, embeddingSize: 8, hiddenSize: 8, tied: false });
    assert.equal(new RecurrentNetwork(untied, randomWeights(untied, 1)).simd, false);
  });

  test('a step leaves the given state and the weights unchanged', () => {
    const config = resolveModelConfig({ vocabSize: 40, embeddingSize: 8, hiddenSize: 8 });
    const w = randomWeights(config, 3);
    const copy = new Map([...w].map(([k, v]) => [k, v.slice()]));
    const net = new RecurrentNetwork(config, w);
    const s0 = net.step(net.initialState(), 5);
    const h0 = s0.h[0]!.slice();
    const s1 = net.step(s0, 6);
    net.probabilities(s1.top);
    assert.deepEqual(s0.h[0], h0);
    for (const [k, v] of w) assert.deepEqual(v, copy.get(k), k);
  });
});

describe('a stored int8 embedding kept as rows (LazyWeights)', () => {
  // The shipped model: int8 embedding, tied output; decoded, its embedding stays int8 rows.
  const json = JSON.parse(readFileSync(new URL('../../models/es/model.json', import.meta.url), 'utf8'));
  const bin = readFileSync(new URL('../../models/es/weights.bin', import.meta.url));
  const artifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  };

  test('predicts exactly as the float32 weights do, and never makes the float32 copy', () => {
    const lazy = fromArtifactsInStages(artifacts).model;
    const plain = new Map(fromArtifactsInStages(artifacts).model.weights); // iterating dequantises
    assert.ok(lazy.weights instanceof LazyWeights);
    assert.ok((lazy.weights as LazyWeights).int8('embedding'), 'decoded as rows');
    const a = new RecurrentNetwork(lazy.config, lazy.weights);
    const b = new RecurrentNetwork(lazy.config, plain);
    assert.ok(a.int8 && b.int8);
    let sa = a.initialState(),
      sb = b.initialState();
    for (const id of [5, 17, 2, 300, 7199]) {
      sa = a.step(sa, id);
      sb = b.step(sb, id);
      assert.deepEqual(sa.top, sb.top);
      assert.deepEqual(a.logits(sa.top), b.logits(sb.top));
    }
    assert.ok((lazy.weights as LazyWeights).int8('embedding'), 'still rows after predicting');
    // Read as a Map, the rows are float32 values, dequantised once.
    assert.deepEqual(lazy.weights.get('embedding'), plain.get('embedding'));
    assert.equal((lazy.weights as LazyWeights).int8('embedding'), undefined);
    assert.equal(lazy.weights.size, plain.size);
  });

  test('iteration, has, size and set see every weight as float32', () => {
    const w = fromArtifactsInStages(artifacts).model.weights as LazyWeights;
    const names = weightShapes(resolveModelConfig(json.modelTopology.config)).map(([n]) => n);
    assert.equal(w.size, names.length);
    assert.ok(names.every((n) => w.has(n)));
    const other = fromArtifactsInStages(artifacts).model.weights as LazyWeights;
    const replaced = new Float32Array(other.int8('embedding')!.q.length);
    other.set('embedding', replaced);
    assert.equal(other.int8('embedding'), undefined);
    assert.equal(other.get('embedding'), replaced);
    const entries = [...w];
    assert.deepEqual(entries.map(([n]) => n).sort(), [...names].sort());
    assert.ok(entries.every(([, v]) => v instanceof Float32Array));
    assert.equal(w.int8('embedding'), undefined, 'iterating dequantised it');
  });
});
