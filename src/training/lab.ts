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
 * tfjs (training side); run by `rnn-predict lab` (src/node/lab-cli.ts) and the lab page's worker.
 */
import * as tf from '@tensorflow/tfjs';
import {
  ACTIVATIONS,
  CELL_TYPES,
  NORMS,
  resolveModelConfig,
  type Activation,
  type CellType,
  type ModelConfig,
  type Norm,
} from '../inference/model-config.js';
import { checkInteger, checkNumber, checkOneOf, describe } from '../base/checks.js';
import { mulberry32 } from '../data/windows.js';
import { createWeights, maskedCrossEntropy, outputLogits, runLayer, type Weights } from './network.js';

/** Initialisations: Glorot-uniform (the engine's), or a naive N(0, 1) for every matrix. */
export const LAB_INITS = ['glorot', 'normal'] as const;
export type LabInit = (typeof LAB_INITS)[number];
/** Gradient clipping: by global norm (LAB_DEFAULTS.clipNorm), by value (±LAB_DEFAULTS.clipValue), or none. */
export const LAB_CLIPS = ['norm', 'value', 'none'] as const;
export type LabClip = (typeof LAB_CLIPS)[number];

/** One configuration of the experiment. */
export interface LabConfig {
  cell: CellType;
  /** The SimpleRNN's activation; LSTM and GRU: 'tanh'. */
  activation: Activation;
  norm: Norm;
  init: LabInit;
  clip: LabClip;
}

/** The experiment's defaults: what `rnn-predict lab` and the lab page run without options. */
export const LAB_DEFAULTS = {
  seeds: [1, 2, 3],
  /** Training batches per configuration and seed (the budget, the same for every one). */
  steps: 400,
  batchSize: 32,
  minLength: 10,
  maxLength: 50,
  /** How many keys the first token is drawn from (chance: 1/keys). */
  keys: 4,
  /** How many distractor tokens fill the middle. */
  distractors: 8,
  hiddenSize: 32,
  embeddingSize: 16,
  learningRate: 0.01,
  clipNorm: 1,
  clipValue: 0.1,
  /** Sequences per probe and per length tested. */
  probeSize: 64,
  testSize: 128,
  /** The lengths accuracy is reported at. */
  testLengths: [10, 20, 30, 40, 50],
} as const;

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

export type LabProgress =
  | { type: 'start'; config: number; seed: number; norms: number[] }
  | { type: 'batch'; config: number; seed: number; step: number; loss: number; gradientNorm: number }
  | { type: 'end'; config: number; seed: number; norms: number[]; accuracy: number[] };

/** The result of one configuration over every seed. */
export interface LabResult extends LabConfig {
  /** norms[1] / norms[T] after training, one per seed. */
  ratio: number[];
  /** The same at initialisation, one per seed. */
  ratioBefore: number[];
  /** Accuracy at the last step per test length, one per seed; distance = length − 1. */
  accuracyByDistance: { length: number; distance: number; accuracy: number[] }[];
  /** ‖∂ℓ/∂x_t‖, t = 1 … T, per seed, after training and before. */
  norms: number[][];
  normsBefore: number[][];
  /** Mean loss over the last tenth of the batches, per seed. */
  finalLoss: number[];
}

/** The default configurations: SimpleRNN-tanh, LSTM and GRU, Glorot, clipping by norm. */
export function defaultLabConfigs(): LabConfig[] {
  return CELL_TYPES.map((cell) => ({ cell, activation: 'tanh', norm: 'none', init: 'glorot', clip: 'norm' }));
}

/** Checks one configuration; throws naming the bad field. */
export function checkLabConfig(c: LabConfig): LabConfig {
  if (typeof c !== 'object' || c === null) throw new TypeError(`lab config must be an object, got ${describe(c)}`);
  checkOneOf(c.cell, 'cell', CELL_TYPES);
  checkOneOf(c.activation, 'activation', ACTIVATIONS);
  if (c.cell !== 'rnn' && c.activation !== 'tanh')
    throw new RangeError(`activation ${JSON.stringify(c.activation)} is for the SimpleRNN, not ${c.cell}`);
  checkOneOf(c.norm, 'norm', NORMS);
  checkOneOf(c.init, 'init', LAB_INITS);
  checkOneOf(c.clip, 'clip', LAB_CLIPS);
  return c;
}

/** A short name of a configuration, e.g. "SimpleRNN relu + LN, N(0,1), sin recorte". */
export function labConfigName(c: LabConfig): string {
  const cell = { rnn: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' }[c.cell];
  return [
    c.cell === 'rnn' ? `${cell} ${c.activation}` : cell,
    c.norm === 'layer' ? '+ LN' : '',
    c.init === 'normal' ? '· N(0,1)' : '',
    c.clip === 'value' ? '· recorte por valor' : c.clip === 'none' ? '· sin recorte' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

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
  checkNumber(learningRate, 'learningRate', (x) => x > 0 && x < 10, 'a number in (0, 10)');
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
