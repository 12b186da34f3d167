// @tier full: trains networks; `npm run test:quick` leaves it out.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../../src/node/node-backend.js';
import { resolveModelConfig, parameterCount, type CellType } from '../../src/inference/model/model-config.js';
import { createWeights, forwardSeq2Vec, forwardSeq2Seq } from '../../src/training/network.js';
import { RecurrentNetwork } from '../../src/inference/model/recurrent-network.js';
import { trainModel } from '../../src/training/train.js';
import { trainLanguageModel } from '../../src/training/pipeline.js';
import { toArtifacts, fromArtifacts, predictorOf, ModelFormatError } from '../../src/inference/format/artifacts.js';

const corpus = readFileSync(new URL('../../corpus/es-conversaciones.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean);

before(async () => {
  await initNodeBackend();
});

async function weightsOf(vars: Map<string, tf.Variable>): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [k, v] of vars) out.set(k, (await v.data()) as Float32Array);
  return out;
}

describe('network', () => {
  for (const cell of ['rnn', 'lstm', 'gru'] as CellType[]) {
    test(`${cell}: plain-JS inference equals the tfjs forward pass (2 layers)`, async () => {
      const config = resolveModelConfig({
        vocabSize: 30,
        embeddingSize: 6,
        hiddenSize: 5,
        layers: 2,
        cell,
        dropout: 0,
      });
      const vars = createWeights(config, 7);
      const ids = [2, 5, 9, 17, 4];
      const logits = tf.tidy(() =>
        forwardSeq2Vec(config, vars, tf.tensor2d([ids], [1, ids.length], 'int32'), { training: false }),
      );
      const expected = (await logits.array()) as number[][];
      logits.dispose();
      const net = new RecurrentNetwork(config, await weightsOf(vars));
      let state = net.initialState();
      ids.forEach((id, t) => {
        state = net.step(state, id);
        const got = net.logits(state.top);
        for (let v = 0; v < 30; v++)
          assert.ok(
            Math.abs(got[v]! - expected[t]![v]!) < 1e-4,
            `${cell} t=${t} v=${v}: ${got[v]} vs ${expected[t]![v]}`,
          );
      });
      tf.dispose([...vars.values()]);
    });
  }

  test('seq2seq: the decoder output equals the tfjs forward pass', async () => {
    const config = resolveModelConfig({
      vocabSize: 20,
      embeddingSize: 4,
      hiddenSize: 6,
      cell: 'lstm',
      shape: 'seq2seq',
      horizon: 3,
      dropout: 0,
    });
    const vars = createWeights(config, 3);
    const ids = [2, 7, 8];
    const logits = tf.tidy(() =>
      tf.softmax(forwardSeq2Seq(config, vars, tf.tensor2d([ids], [1, 3], 'int32'), { training: false })),
    );
    const expected = (await logits.array()) as number[][];
    logits.dispose();
    const net = new RecurrentNetwork(config, await weightsOf(vars));
    let s = net.initialState();
    for (const id of ids) s = net.step(s, id);
    const got = net.decode(s);
    assert.equal(got.length, 3);
    got.forEach((dist, t) => dist.forEach((p, v) => assert.ok(Math.abs(p - expected[t]![v]!) < 1e-5)));
    tf.dispose([...vars.values()]);
  });

  test('Glorot initialisation is seeded: same seed, same weights', async () => {
    const config = resolveModelConfig({ cell: 'lstm', vocabSize: 10, embeddingSize: 3, hiddenSize: 4 });
    const a = createWeights(config, 11),
      b = createWeights(config, 11),
      c = createWeights(config, 12);
    const [wa, wb, wc] = (await Promise.all([a, b, c].map(weightsOf))) as [
      Map<string, Float32Array>,
      Map<string, Float32Array>,
      Map<string, Float32Array>,
    ];
    assert.deepEqual(wa.get('rnn0/kernel'), wb.get('rnn0/kernel'));
    assert.notDeepEqual(wa.get('rnn0/kernel'), wc.get('rnn0/kernel'));
    const limit = Math.sqrt(6 / (3 + 16));
    assert.ok(wa.get('rnn0/kernel')!.every((x) => Math.abs(x) <= limit));
    tf.dispose([a, b, c].flatMap((m) => [...m.values()]));
  });

  test('config errors name the field', () => {
    assert.throws(() => resolveModelConfig({ vocabSize: 10, cell: 'tcn' as CellType }), {
      name: 'RangeError',
      message: /cell must be one of "rnn", "lstm", "gru", got the string "tcn"/,
    });
    assert.throws(
      () => resolveModelConfig({ vocabSize: 10, layers: 3 as 1 }),
      /layers must be one of 1, 2, got the number 3/,
    );
    assert.throws(() => resolveModelConfig({ vocabSize: 10, dropout: 1 }), /dropout/);
    assert.throws(() => resolveModelConfig({ vocabSize: 2 }), /vocabSize/);
    assert.equal(
      parameterCount(resolveModelConfig({ vocabSize: 10, embeddingSize: 2, hiddenSize: 3, cell: 'rnn', tied: false })),
      20 + 6 + 9 + 3 + 30 + 10,
    );
  });
});

describe('training', () => {
  const lines = Array.from({ length: 60 }, (_, i) => [4 + (i % 5), 10 + (i % 5), 15 + (i % 5)]);
  const config = resolveModelConfig({ vocabSize: 20, embeddingSize: 8, hiddenSize: 12, dropout: 0 });

  test('learns a deterministic pattern, reports progress, leaves no tensor behind, reproducible', async () => {
    const before = tf.memory().numTensors;
    const events: string[] = [];
    const r = await trainModel(config, lines, {
      epochs: 30,
      batchTokens: 64,
      learningRate: 0.03,
      seed: 5,
      patience: 30,
      decay: false,
      onProgress: (p) => events.push(p.phase),
    });
    assert.equal(tf.memory().numTensors, before, 'no tensor left after training');
    assert.ok(events.includes('batch') && events.includes('epoch'));
    const last = r.history[r.history.length - 1]!;
    assert.ok(last.validationAccuracy! > 0.6, `validation accuracy ${last.validationAccuracy}`);
    const net = new RecurrentNetwork(config, r.weights);
    let s = net.initialState();
    s = net.step(s, 2);
    s = net.step(s, 6);
    const p = net.probabilities(s.top);
    assert.equal(p.indexOf(Math.max(...p)), 12, 'after 6 comes 12 (lines are [a, a+6, a+11])');
    const again = await trainModel(config, lines, {
      epochs: 30,
      batchTokens: 64,
      learningRate: 0.03,
      seed: 5,
      patience: 30,
      decay: false,
    });
    assert.deepEqual(again.weights.get('rnn0/kernel'), r.weights.get('rnn0/kernel'), 'same seed, same weights');
    const net2 = new RecurrentNetwork(config, r.weights);
    const before2 = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) net2.probabilities(net2.step(net2.initialState(), 4 + (i % 10)).top);
    assert.equal(tf.memory().numTensors, before2, 'no tensor after 1,000 predictions');
  });

  test('cancellation: an aborted signal rejects with AbortError within a batch, nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let batches = 0;
    await assert.rejects(
      trainModel(config, lines, {
        epochs: 50,
        batchTokens: 16,
        onProgress: (p) => {
          if (p.phase === 'batch' && ++batches === 3) controller.abort();
        },
        signal: controller.signal,
      }),
      { name: 'AbortError' },
    );
    assert.equal(batches, 3);
    assert.equal(tf.memory().numTensors, before);
  });

  test('early stopping and clipping options; bad options are named', async () => {
    const r = await trainModel(config, lines, {
      epochs: 30,
      batchTokens: 64,
      learningRate: 0.5,
      clipNorm: 0.5,
      patience: 1,
      seed: 2,
    });
    assert.ok(r.history.every((h) => Number.isFinite(h.loss)));
    assert.equal(r.stopped, 'early');
    await assert.rejects(trainModel(config, lines, { epochs: 0 }), {
      name: 'RangeError',
      message: /epochs must be an integer ≥ 1/,
    });
    await assert.rejects(trainModel(config, [], {}), /too small/);
    await assert.rejects(trainModel(config, lines, { signal: {} as AbortSignal }), /signal must be an AbortSignal/);
  });
});

describe('the pipeline on the shipped corpus', () => {
  test('the validation lines are held out of the network and counted by the trigram at the end', async () => {
    // Every line has a word of its own: the network's vocabulary (built on the training part)
    // lacks the validation lines' words; the trigram has them all.
    const lines = Array.from({ length: 40 }, (_, i) => `hola amigo número palabra${i} hoy`);
    const model = await trainLanguageModel(lines, {
      epochs: 1,
      validationSplit: 0.25,
      model: { hiddenSize: 8, embeddingSize: 4 },
      seed: 3,
    });
    const own = lines.map((_, i) => `palabra${i}`);
    const inNetwork = own.filter((w) => model.vocabulary.has(w));
    assert.equal(inNetwork.length, 30, 'the network saw the training part only');
    assert.deepEqual(
      own.filter((w) => !model.ngram!.has(w)),
      [],
    );
    // Another seed (as a second phase may go on with) holds out the same lines.
    const trainedOn = (m: { vocabulary: { has(w: string): boolean } }) => own.filter((w) => m.vocabulary.has(w));
    const fresh = await trainLanguageModel(lines, {
      epochs: 1,
      validationSplit: 0.25,
      model: { hiddenSize: 8, embeddingSize: 4 },
      seed: 4,
    });
    assert.deepEqual(trainedOn(fresh), inNetwork);
  });

  test('trains a small model that suggests "hoy" after "Hola cómo se siente"; artifacts round-trip', async () => {
    const before = tf.memory().numTensors;
    const model = await trainLanguageModel(corpus.slice(0, 2500), {
      epochs: 2,
      vocabularySize: 1500,
      batchTokens: 512,
      model: { hiddenSize: 64, embeddingSize: 32 },
      seed: 1,
    });
    assert.equal(tf.memory().numTensors, before);
    assert.ok(model.metrics.top3! > 0.1, `top-3 ${model.metrics.top3}`);
    const p = predictorOf(model);
    const words = p.predictNext('Hola cómo se siente ', { k: 3 }).map((s) => s.word);
    assert.ok(words.includes('hoy'), words.join(','));
    assert.equal(p.predictNext('Hola cómo se sie', { k: 1 })[0]!.word, 'siente');
    const back = predictorOf(fromArtifacts(toArtifacts(model)));
    assert.deepEqual(back.predictNext('Buenos días, ¿cómo ', { k: 5 }), p.predictNext('Buenos días, ¿cómo ', { k: 5 }));
    const half = toArtifacts(model, { float16: true });
    const floatBytes = [...model.weights.values()].reduce((n, w) => n + w.byteLength, 0);
    assert.equal(
      toArtifacts(model).weightData.byteLength - half.weightData.byteLength,
      floatBytes / 2,
      'float16 halves the weights',
    );
    const halfWords = predictorOf(fromArtifacts(half))
      .predictNext('Hola cómo se siente ', { k: 3 })
      .map((s) => s.word);
    assert.equal(halfWords[0], words[0]);

    // The trigram counts are varint-coded: far smaller than four int32 a trigram.
    const a = toArtifacts(model);
    const spec = a.weightSpecs.find((w) => w.name === 'ngram/trigrams')!;
    const raw = model.ngram!.toJSON().trigrams as Int32Array;
    assert.equal(spec.encoding, 'varint');
    assert.ok(spec.byteLength! * 3 < raw.byteLength, `${spec.byteLength} bytes coded vs ${raw.byteLength} raw`);
    // A version-1 record (int32 counts), as earlier releases stored it, still loads.
    const head = new Uint8Array(a.weightData, 0, a.weightData.byteLength - spec.byteLength!);
    const v1Data = new Uint8Array(head.byteLength + raw.byteLength);
    v1Data.set(head);
    v1Data.set(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), head.byteLength);
    const v1 = {
      modelTopology: { ...a.modelTopology, version: 1 },
      weightSpecs: a.weightSpecs.map((w) =>
        w === spec ? { name: w.name, shape: w.shape, dtype: 'int32' as const } : w,
      ),
      weightData: v1Data.buffer,
    };
    assert.deepEqual(
      predictorOf(fromArtifacts(v1)).predictNext('Buenos días, ¿cómo ', { k: 5 }),
      p.predictNext('Buenos días, ¿cómo ', { k: 5 }),
    );
    // Damaged counts are named.
    const cut = {
      ...a,
      weightSpecs: a.weightSpecs.map((w) => (w === spec ? { ...w, byteLength: w.byteLength! - 5 } : w)),
      weightData: a.weightData.slice(0, -5),
    };
    assert.throws(() => fromArtifacts(cut), { name: 'ModelFormatError', message: /damaged: n-gram counts/ });
  });

  test('damaged or foreign records give ModelFormatError', () => {
    assert.throws(() => fromArtifacts(null), ModelFormatError);
    assert.throws(() => fromArtifacts({ modelTopology: { format: 'other' } }), /not an rnn-predict model/);
    assert.throws(
      () => fromArtifacts({ modelTopology: { format: 'rnn-predict/model', version: 0 } }),
      /version 3 expected/,
    );
  });
});
