/**
 * The lab's experiment: the lecture's remedies for vanishing gradients, measured on a task that
 * needs long memory. Each sequence opens with a key (one of `keys` tokens), then distractors,
 * then a query token; the target at the last step is the key. Lengths 10–50: the key is 9–49
 * steps behind the answer. Every configuration (cell, activation, normalisation, initialisation,
 * clipping) is trained for the same number of batches on the same data, once per seed, and
 * reports:
 *
 *  - `norms`: ‖∂ℓ/∂x_t‖ for t = 1 … T on probe sequences of the longest length, ℓ the
 *    cross-entropy at the last step and x_t the input (embedding) at step t, mean over the probe
 *    sequences: what of the error signal reaches each step back through the recurrence. The
 *    same quantity for the three cells (an LSTM carries memory in c, which ∂ℓ/∂h_t alone would
 *    not show);
 *  - `ratio` = norms[1] / norms[T], after training, and `ratioBefore` the same at
 *    initialisation;
 *  - accuracy at the last step on fresh sequences of each length.
 *
 * tfjs (training side); run by `rnn-predict lab` (src/cli/lab.ts) and the lab page's worker.
 */
import * as tf from '@tensorflow/tfjs';
import { LEARNING_RATE, resolveModelConfig, type ModelConfig } from '../inference/model/model-config.js';
import {
  LAB_DEFAULTS,
  checkLabConfig,
  defaultLabConfigs,
  type LabClip,
  type LabConfig,
  type LabInit,
  type LabProgress,
  type LabResult,
} from '../inference/model/lab-config.js';
import { checkInteger, checkNumber, describe } from '../base/checks.js';
import { mulberry32 } from '../data/windows.js';
import { createWeights, maskedCrossEntropy, outputLogits, runLayer, type Weights } from './network.js';

export type LabOptions = {
  configs?: LabConfig[];
  seeds?: number[];
  steps?: number;
  batchSize?: number;
  minLength?: number;
  maxLength?: number;
  hiddenSize?: number;
  learningRate?: number;
  /** Called after every training batch, and when a run starts and ends. */
  onProgress?: (p: LabProgress) => void;
  /** Set `stop` to end the experiment early (between batches); the results so far are returned. */
  control?: { stop: boolean };
};

// Token ids: 0 padding (unused), 1 the query, 2 … 1+keys the keys, then the distractors.
const QUERY = 1;
const FIRST_KEY = 2;

/** B sequences of length T (row-major ids) and their targets (the key each opened with). */
function sequences(B: number, T: number, random: () => number) {
  const { keys, distractors } = LAB_DEFAULTS;
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const key = FIRST_KEY + Math.floor(random() * keys);
    inputs[b * T] = key;
    for (let t = 1; t < T - 1; t++) inputs[b * T + t] = FIRST_KEY + keys + Math.floor(random() * distractors);
    inputs[b * T + T - 1] = QUERY;
    targets[b] = key;
  }
  return { inputs, targets };
}

/** The weights of a configuration: the engine's (Glorot, LSTM forget bias 1), or N(0, 1) matrices. */
function initialWeights(config: ModelConfig, init: LabInit, seed: number): Weights {
  const weights = createWeights(config, seed);
  if (init === 'normal') {
    let s = seed * 31;
    for (const [name, v] of weights) {
      if (name.endsWith('/kernel') || name.endsWith('/recurrent'))
        v.assign(tf.tidy(() => tf.randomNormal(v.shape, 0, 1, 'float32', s++)));
    }
  }
  return weights;
}

/** The loss at the last step of each sequence (mean), and the last step's logits. */
function lastStepLoss(config: ModelConfig, w: Weights, x: tf.Tensor2D, B: number, T: number, targets: tf.Tensor1D) {
  const hidden = runLayer(config, w, 'rnn0', x, B, T).outputs; // rows b·T + t
  const last = tf.gather(hidden, tf.range(T - 1, B * T, T, 'int32')) as tf.Tensor2D;
  return maskedCrossEntropy(outputLogits(config, w, last), targets, -1);
}

/** ‖∂ℓ_b/∂x_t‖ averaged over the probe's sequences, t = 1 … T. */
async function probeNorms(
  config: ModelConfig,
  w: Weights,
  probe: { inputs: Int32Array; targets: Int32Array },
  B: number,
  T: number,
): Promise<number[]> {
  const norms = tf.tidy(() => {
    const x0 = tf.gather(w.get('embedding')!, tf.tensor1d(probe.inputs, 'int32')) as tf.Tensor2D;
    const targets = tf.tensor1d(probe.targets, 'int32');
    const dx = tf.grad((x: tf.Tensor) => lastStepLoss(config, w, x as tf.Tensor2D, B, T, targets).loss)(x0);
    // ℓ is the batch mean: B·‖∂L/∂x_t[b]‖ is each sequence's own ‖∂ℓ_b/∂x_t‖.
    return tf.mul(tf.mean(tf.norm(dx, 'euclidean', 1).reshape([B, T]), 0), B);
  });
  const out = Array.from(await norms.data());
  norms.dispose();
  return out;
}

/** Accuracy at the last step on `n` fresh sequences of length T. */
async function accuracyAt(config: ModelConfig, w: Weights, T: number, n: number, random: () => number) {
  const s = sequences(n, T, random);
  const correct = tf.tidy(() => {
    const x = tf.gather(w.get('embedding')!, tf.tensor1d(s.inputs, 'int32')) as tf.Tensor2D;
    return lastStepLoss(config, w, x, n, T, tf.tensor1d(s.targets, 'int32')).correct;
  });
  const c = (await correct.data())[0]!;
  correct.dispose();
  return c / n;
}

/** Runs the experiment: every configuration on every seed, the same budget each. */
export async function runLab(options: LabOptions = {}): Promise<LabResult[]> {
  const configs = (options.configs ?? defaultLabConfigs()).map(checkLabConfig);
  const seeds = options.seeds ?? [...LAB_DEFAULTS.seeds];
  const steps = options.steps ?? LAB_DEFAULTS.steps;
  const B = options.batchSize ?? LAB_DEFAULTS.batchSize;
  const minLength = options.minLength ?? LAB_DEFAULTS.minLength;
  const maxLength = options.maxLength ?? LAB_DEFAULTS.maxLength;
  const hiddenSize = options.hiddenSize ?? LAB_DEFAULTS.hiddenSize;
  const learningRate = options.learningRate ?? LAB_DEFAULTS.learningRate;
  if (!Array.isArray(seeds) || seeds.length === 0)
    throw new RangeError(`seeds must be a non-empty array, got ${describe(seeds)}`);
  seeds.forEach((s) => checkInteger(s, 'seed', 0));
  checkInteger(steps, 'steps', 1);
  checkInteger(B, 'batchSize', 1, 4096);
  checkInteger(minLength, 'minLength', 2, 512);
  checkInteger(maxLength, 'maxLength', minLength, 512);
  checkInteger(hiddenSize, 'hiddenSize', 1, 1024);
  checkNumber(learningRate, 'learningRate', ...LEARNING_RATE);
  const vocabSize = FIRST_KEY + LAB_DEFAULTS.keys + LAB_DEFAULTS.distractors;
  const testLengths = LAB_DEFAULTS.testLengths.filter((l) => l >= minLength && l <= maxLength);
  const results: LabResult[] = [];
  for (let ci = 0; ci < configs.length; ci++) {
    const lc = configs[ci]!;
    const config = resolveModelConfig({
      cell: lc.cell,
      activation: lc.activation,
      norm: lc.norm,
      vocabSize,
      embeddingSize: LAB_DEFAULTS.embeddingSize,
      hiddenSize,
      layers: 1,
      dropout: 0,
      tied: false,
      maxLength,
    });
    const r: LabResult = {
      ...lc,
      ratio: [],
      ratioBefore: [],
      accuracyByDistance: testLengths.map((length) => ({ length, distance: length - 1, accuracy: [] })),
      norms: [],
      normsBefore: [],
      finalLoss: [],
    };
    results.push(r);
    for (const seed of seeds) {
      if (options.control?.stop) return results;
      // The same data for every configuration: the streams depend on the seed only.
      const data = mulberry32(seed * 7919 + 1);
      const probe = sequences(LAB_DEFAULTS.probeSize, maxLength, mulberry32(seed * 7919 + 2));
      const w = initialWeights(config, lc.init, seed);
      const optimizer = tf.train.adam(learningRate);
      try {
        const before = await probeNorms(config, w, probe, LAB_DEFAULTS.probeSize, maxLength);
        r.normsBefore.push(before);
        r.ratioBefore.push(before[0]! / before[maxLength - 1]!);
        options.onProgress?.({ type: 'start', config: ci, seed, norms: before });
        const losses: number[] = [];
        for (let step = 1; step <= steps; step++) {
          if (options.control?.stop) return results;
          const T = minLength + Math.floor(data() * (maxLength - minLength + 1));
          const s = sequences(B, T, data);
          const [loss, norm] = await trainStep(config, w, optimizer, lc.clip, s, B, T);
          losses.push(loss);
          options.onProgress?.({ type: 'batch', config: ci, seed, step, loss, gradientNorm: norm });
          await new Promise<void>((resolve) => setTimeout(resolve, 0)); // lets a stop in
        }
        const after = await probeNorms(config, w, probe, LAB_DEFAULTS.probeSize, maxLength);
        r.norms.push(after);
        r.ratio.push(after[0]! / after[maxLength - 1]!);
        const tail = losses.slice(-Math.max(1, Math.floor(steps / 10)));
        r.finalLoss.push(tail.reduce((a, b) => a + b, 0) / tail.length);
        const test = mulberry32(seed * 7919 + 3);
        const accuracy: number[] = [];
        for (const a of r.accuracyByDistance) {
          const acc = await accuracyAt(config, w, a.length, LAB_DEFAULTS.testSize, test);
          a.accuracy.push(acc);
          accuracy.push(acc);
        }
        options.onProgress?.({ type: 'end', config: ci, seed, norms: after, accuracy });
      } finally {
        tf.dispose([...w.values()]);
        optimizer.dispose();
      }
    }
  }
  return results;
}

/** One Adam step on a batch, the gradient clipped as the configuration says; the loss and the
 * global gradient norm before clipping. */
async function trainStep(
  config: ModelConfig,
  w: Weights,
  optimizer: tf.Optimizer,
  clip: LabClip,
  s: { inputs: Int32Array; targets: Int32Array },
  B: number,
  T: number,
): Promise<[number, number]> {
  const out = tf.tidy(() => {
    const ids = tf.tensor1d(s.inputs, 'int32');
    const targets = tf.tensor1d(s.targets, 'int32');
    const { value, grads } = tf.variableGrads(() => {
      const x = tf.gather(w.get('embedding')!, ids) as tf.Tensor2D;
      return lastStepLoss(config, w, x, B, T, targets).loss;
    }, [...w.values()]);
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
    const clipped: tf.NamedTensorMap = {};
    const scale =
      clip === 'norm' ? tf.minimum(1, tf.div(LAB_DEFAULTS.clipNorm, tf.maximum(norm, 1e-12))) : tf.scalar(1);
    for (const [name, g] of Object.entries(grads)) {
      const scaled = tf.mul(g, scale);
      clipped[name] =
        clip === 'value' ? tf.clipByValue(scaled, -LAB_DEFAULTS.clipValue, LAB_DEFAULTS.clipValue) : scaled;
    }
    optimizer.applyGradients(clipped);
    return [value, norm];
  });
  const [loss, norm] = await Promise.all(out.map((t) => t.data()));
  tf.dispose(out);
  return [loss![0]!, norm![0]!];
}
