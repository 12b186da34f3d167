/**
 * The recurrent language model as tfjs operations, for training: embedding → 1–2 recurrent
 * layers (SimpleRNN, LSTM or GRU, Keras conventions and gate order) → output tied to the
 * embedding. The input projection of all time steps is one matrix product per layer; only the
 * recurrent product runs step by step. Pure: no DOM, no I/O.
 *
 * Gates, as written here:
 *  - SimpleRNN: h' = tanh(x·W + h·U + b)
 *  - LSTM: [i f g o] = x·W + h·U + b; i, f, o = σ(·), g = tanh(·);
 *          c' = f⊙c + i⊙g (forget, input, candidate); h' = o⊙tanh(c') (output)
 *  - GRU: [z r] = σ(x·W + h·U + b)(update, reset); ĥ = tanh(x·W_h + (r⊙h)·U_h + b_h);
 *          h' = z⊙h + (1−z)⊙ĥ
 *
 * Remedies (ModelConfig): the SimpleRNN's tanh may be relu, leaky-relu or elu (`activation`);
 * with `norm: 'layer'` each gate's pre-activation x·W + h·U (GRU candidate: x·W + (r⊙h)·U) is
 * normalised over its H units, times a learned gain, plus the bias, before its σ/tanh.
 */
import * as tf from '@tensorflow/tfjs';
import {
  CELL_GATES,
  GATE_ORDER,
  LAYER_NORM_EPSILON,
  LEAKY_SLOPE,
  gateOffsets,
  weightShapes,
  type Activation,
  type ModelConfig,
} from '../inference/model/model-config.js';
import { XENT_KERNEL, hasXentKernel } from './tfjs-backend.js';

export type Weights = Map<string, tf.Variable>;

/**
 * a·b with a gradient that never asks the backend for a transposed matrix product: on wasm,
 * `matMul(…, transposeA/B)` runs ~10× slower than transposing the small operand explicitly
 * first. The gradients are dy·bᵀ and aᵀ·dy with bᵀ and aᵀ materialised (both are operands,
 * never the large dy).
 */
export const mm = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => [
      tf.matMul(dy, tf.transpose(saved[1]!)),
      tf.matMul(tf.transpose(saved[0]!), dy),
    ],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * Creates the weights: Glorot-uniform kernels (keeping activations' variance steady across
 * layers, the first remedy for vanishing/exploding gradients), orthogonal-free recurrent
 * kernels scaled Glorot too, zero biases except the LSTM forget gate's, set to 1 so that
 * memory is kept by default. Seeded: the same seed gives the same weights.
 */
export function createWeights(config: ModelConfig, seed: number): Weights {
  const weights: Weights = new Map();
  let s = seed;
  for (const [name, shape] of weightShapes(config)) {
    const value = tf.tidy(() => {
      if (name.endsWith('/gain')) return tf.ones(shape);
      if (name.endsWith('/bias')) {
        if (config.cell === 'lstm' && !name.startsWith('output')) {
          const h = config.hiddenSize;
          return tf.concat([tf.zeros([h]), tf.ones([h]), tf.zeros([2 * h])]);
        }
        return tf.zeros(shape);
      }
      if (name === 'embedding' || name === 'decoder/steps') {
        return tf.randomUniform(shape, -0.05, 0.05, 'float32', s++);
      }
      return tf.initializers.glorotUniform({ seed: s++ }).apply(shape) as tf.Tensor;
    });
    weights.set(
      name,
      tf.variable(value, true, name.replace(/\//g, '_') + '_' + seed + '_' + Math.random().toString(36).slice(2)),
    );
    value.dispose();
  }
  return weights;
}

/** The SimpleRNN's activation as tfjs ops (model-config.ts `activate` is the same in plain JS). */
export function activationOp(a: Activation, x: tf.Tensor): tf.Tensor {
  switch (a) {
    case 'tanh':
      return tf.tanh(x);
    case 'relu':
      return tf.relu(x);
    case 'leaky-relu':
      return tf.leakyRelu(x, LEAKY_SLOPE);
    case 'elu':
      return tf.elu(x);
  }
}

/**
 * Layer normalisation of `k` blocks of width H side by side in z [B, k·H]: each block of each
 * row to mean 0 and variance 1, then times `gain` plus `bias` (both [k·H]).
 */
export function layerNormBlocks(z: tf.Tensor2D, k: number, H: number, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  const B = z.shape[0];
  const r = tf.reshape(z, [B, k, H]);
  const { mean, variance } = tf.moments(r, 2, true);
  const n = tf.mul(tf.sub(r, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON)));
  return tf.add(tf.mul(tf.reshape(n, [B, k * H]), gain), bias) as tf.Tensor2D;
}

/** The weights one step reads beside x·W: U (GRU: split), and with layer norm the gain and bias. */
interface StepWeights {
  U: tf.Tensor2D;
  Ux?: { zr: tf.Tensor2D; h: tf.Tensor2D };
  /** Layer norm: gain and bias, each split like the GRU's U (zr, candidate). */
  ln?: {
    gain: tf.Tensor;
    bias: tf.Tensor;
    gainZr?: tf.Tensor;
    biasZr?: tf.Tensor;
    gainH?: tf.Tensor;
    biasH?: tf.Tensor;
  };
}

/** One recurrent step for a batch: `xp` is x·W (+ b without layer norm) for this step, [B, G·H]. */
function step(
  config: ModelConfig,
  xp: tf.Tensor2D,
  h: tf.Tensor2D,
  c: tf.Tensor2D | null,
  w: StepWeights,
): { h: tf.Tensor2D; c: tf.Tensor2D | null } {
  const { cell, hiddenSize: H } = config;
  const G = CELL_GATES[cell];
  const ln = w.ln;
  if (cell === 'rnn' || cell === 'lstm') {
    let z = tf.add(xp, mm(h, w.U)) as tf.Tensor2D;
    if (ln) z = layerNormBlocks(z, G, H, ln.gain, ln.bias);
    if (cell === 'rnn') return { h: activationOp(config.activation, z) as tf.Tensor2D, c: null };
    const at = gateOffsets('lstm', H);
    const gate = (start: number) => tf.slice(z, [0, start], [-1, H]) as tf.Tensor2D;
    const [i, f, g, o] = [gate(at.input), gate(at.forget), gate(at.candidate), gate(at.output)];
    const cNext = tf.add(tf.mul(tf.sigmoid(f), c!), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
    return { h: tf.mul(tf.sigmoid(o), tf.tanh(cNext)) as tf.Tensor2D, c: cNext };
  }
  const at = gateOffsets('gru', H);
  let zrPre = tf.add(tf.slice(xp, [0, 0], [-1, at.candidate]), mm(h, w.Ux!.zr)) as tf.Tensor2D;
  if (ln) zrPre = layerNormBlocks(zrPre, 2, H, ln.gainZr!, ln.biasZr!);
  const zr = tf.sigmoid(zrPre);
  const z = tf.slice(zr, [0, at.update], [-1, H]) as tf.Tensor2D;
  const r = tf.slice(zr, [0, at.reset], [-1, H]) as tf.Tensor2D;
  const xh = tf.slice(xp, [0, at.candidate], [-1, H]);
  let hPre = tf.add(xh, mm(tf.mul(r, h) as tf.Tensor2D, w.Ux!.h)) as tf.Tensor2D;
  if (ln) hPre = layerNormBlocks(hPre, 1, H, ln.gainH!, ln.biasH!);
  const hh = tf.tanh(hPre);
  return { h: tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh)) as tf.Tensor2D, c: null };
}

export interface LayerState {
  h: tf.Tensor2D;
  c: tf.Tensor2D | null;
}

/**
 * Runs one recurrent layer over a sequence. `x` is [B·T, in] (time-major within each row:
 * row b·T+t), returns the outputs [B·T, H] in the same order and the final state.
 * `onStep` sees each step's hidden state (the lab reads gradient norms through it).
 */
export function runLayer(
  config: ModelConfig,
  weights: Weights,
  prefix: string,
  x: tf.Tensor2D,
  B: number,
  T: number,
  initial?: LayerState,
  onStep?: (t: number, h: tf.Tensor2D) => tf.Tensor2D,
): { outputs: tf.Tensor2D; state: LayerState } {
  const H = config.hiddenSize;
  const G = CELL_GATES[config.cell];
  const W = weights.get(`${prefix}/kernel`)!;
  const U = weights.get(`${prefix}/recurrent`)! as unknown as tf.Tensor2D;
  const b = weights.get(`${prefix}/bias`)!;
  const layerNorm = config.norm === 'layer';
  // With layer norm the bias is added after normalising, inside the step.
  const xw = mm(x, W as unknown as tf.Tensor2D);
  const proj = (layerNorm ? xw : tf.add(xw, b)).reshape([B, T, G * H]);
  const steps =
    T === 1 ? [proj.reshape([B, G * H]) as tf.Tensor2D] : (tf.unstack(tf.transpose(proj, [1, 0, 2])) as tf.Tensor2D[]);
  const cand = gateOffsets('gru', H).candidate;
  const Ux = config.cell === 'gru' ? { zr: U.slice([0, 0], [H, cand]), h: U.slice([0, cand], [H, H]) } : undefined;
  const gain = layerNorm ? weights.get(`${prefix}/gain`)! : undefined;
  const sw: StepWeights = { U, Ux };
  if (gain) {
    sw.ln = { gain, bias: b };
    if (config.cell === 'gru') {
      sw.ln.gainZr = gain.slice(0, cand);
      sw.ln.biasZr = b.slice(0, cand);
      sw.ln.gainH = gain.slice(cand, H);
      sw.ln.biasH = b.slice(cand, H);
    }
  }
  let h: tf.Tensor2D = initial?.h ?? (tf.zeros([B, H]) as tf.Tensor2D);
  let c = initial?.c ?? (config.cell === 'lstm' ? (tf.zeros([B, H]) as tf.Tensor2D) : null);
  const outs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const next = step(config, steps[t]!, h, c, sw);
    h = (onStep ? onStep(t, next.h) : next.h) as tf.Tensor2D;
    c = next.c;
    outs.push(h);
  }
  const outputs = (T === 1 ? outs[0]!.reshape([B, 1, H]) : tf.stack(outs, 1)).reshape([B * T, H]) as tf.Tensor2D;
  return { outputs, state: { h, c } };
}

/** Logits [N, V] from top-layer outputs [N, H]. */
export function outputLogits(
  config: ModelConfig,
  weights: Weights,
  hidden: tf.Tensor2D,
  embeddingT?: tf.Tensor2D,
): tf.Tensor2D {
  const bias = weights.get('output/bias')!;
  if (config.tied) {
    const q = mm(hidden, weights.get('output/projection')! as unknown as tf.Tensor2D);
    // An explicit transpose is much faster than matMul(…, transposeB) on the wasm backend.
    const et = embeddingT ?? (tf.transpose(weights.get('embedding')!) as tf.Tensor2D);
    return tf.add(mm(q, et), bias);
  }
  return tf.add(mm(hidden, weights.get('output/kernel')! as unknown as tf.Tensor2D), bias);
}

export interface ForwardOptions {
  training: boolean;
  seed?: number;
  onStep?: (t: number, h: tf.Tensor2D) => tf.Tensor2D;
}

function dropout(x: tf.Tensor2D, rate: number, o: ForwardOptions, salt: number): tf.Tensor2D {
  if (!o.training || rate === 0) return x;
  return tf.dropout(x, rate, undefined, o.seed === undefined ? undefined : o.seed * 7919 + salt) as tf.Tensor2D;
}

/**
 * The next-word model over a batch: ids [B, T] → logits [B·T, V], every position predicting
 * the token after it (many-to-many).
 */
export function forwardSeq2Vec(
  config: ModelConfig,
  weights: Weights,
  ids: tf.Tensor2D,
  o: ForwardOptions,
): tf.Tensor2D {
  const [B, T] = ids.shape;
  const emb = weights.get('embedding')!;
  let x = tf.gather(emb, ids.reshape([B * T])) as tf.Tensor2D;
  x = dropout(x, config.dropout, o, 1);
  for (let l = 0; l < config.layers; l++) {
    x = runLayer(
      config,
      weights,
      `rnn${l}`,
      x,
      B,
      T,
      undefined,
      l === config.layers - 1 ? o.onStep : undefined,
    ).outputs;
    x = dropout(x, config.dropout, o, 2 + l);
  }
  return outputLogits(config, weights, x);
}

/**
 * The encoder–decoder: ids [B, T] → logits [B·horizon, V] for the next `horizon` words at
 * once. The decoder starts from the encoder's final states and reads a learned vector per
 * output position, never its own predictions.
 */
export function forwardSeq2Seq(
  config: ModelConfig,
  weights: Weights,
  ids: tf.Tensor2D,
  o: ForwardOptions,
): tf.Tensor2D {
  const [B, T] = ids.shape;
  const N = config.horizon;
  const emb = weights.get('embedding')!;
  let x = dropout(tf.gather(emb, ids.reshape([B * T])) as tf.Tensor2D, config.dropout, o, 1);
  const states: LayerState[] = [];
  for (let l = 0; l < config.layers; l++) {
    const r = runLayer(config, weights, `rnn${l}`, x, B, T);
    states.push(r.state);
    x = dropout(r.outputs, config.dropout, o, 2 + l);
  }
  const steps = weights.get('decoder/steps')!; // [N, E]
  let d = tf.tile(steps, [B, 1]) as tf.Tensor2D; // row b·N+t = steps[t]
  for (let l = 0; l < config.layers; l++) {
    d = runLayer(config, weights, `dec${l}`, d, B, N, states[l]).outputs;
    d = dropout(d, config.dropout, o, 10 + l);
  }
  return outputLogits(config, weights, d);
}

/**
 * Mean cross-entropy of logits [N, V] against integer targets [N], ignoring targets equal to
 * `ignore` (padding). Softmax and cross-entropy are fused with a hand-written gradient
 * (softmax − one-hot), which is cheaper than differentiating log-softmax on wasm.
 */
export function maskedCrossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  ignore = 0,
): { loss: tf.Scalar; correct: tf.Scalar; count: tf.Scalar } {
  const V = logits.shape[1];
  const mask = tf.cast(tf.notEqual(targets, ignore), 'float32') as tf.Tensor1D;
  const count = tf.maximum(tf.sum(mask), 1) as tf.Scalar;
  const oneHot = tf.oneHot(tf.cast(targets, 'int32'), V).toFloat() as tf.Tensor2D;
  const fused = tf.customGrad(((lg: tf.Tensor, save: tf.GradSaveFunc) => {
    const p = tf.softmax(lg as tf.Tensor2D);
    const picked = tf.sum(tf.mul(p, oneHot), 1);
    const value = tf.div(tf.neg(tf.sum(tf.mul(tf.log(tf.add(picked, 1e-9)), mask))), count) as tf.Scalar;
    save([p, oneHot, mask, count]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
        tf.mul(tf.sub(saved[0]!, saved[1]!), tf.reshape(tf.div(tf.mul(saved[2]!, dy), saved[3]!), [-1, 1])),
      ],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const loss = fused(logits) as tf.Scalar;
  const correct = tf.sum(
    tf.mul(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(targets, 'int32')), 'float32'), mask),
  ) as tf.Scalar;
  return { loss, correct, count };
}

// ---- the hand-written training pass (seq2vec) ------------------------------------------------
//
// Forward and backward by hand, without tfjs's tape: the batch runs time-major (row t·B+b) so
// each step's rows are contiguous, the input projection of every step and the weight gradients
// of every step are single matrix products, every product is laid out so the backend never
// multiplies by a transposed operand, the output layer sees only the positions that have a
// target, and softmax, cross-entropy and its gradient share one pass (XENT_KERNEL).

/**
 * A sampled-softmax candidate set for one batch (tied output only): sorted unique token ids
 * that include every target of the batch, and for each the log of its probability of being in
 * the set, subtracted from its logit so the sampled softmax estimates the full one.
 */
export interface SampledCandidates {
  ids: Int32Array;
  logInclusion: Float32Array;
}

/**
 * Draws candidates: the batch's targets plus `k` draws (with replacement) from `proposal`
 * (cumulative, over token ids), with inclusion probabilities 1 − (1 − q)^k·(1 − u)^n for
 * proposal q, unigram u and n targets.
 */
export function sampleCandidates(
  targets: ArrayLike<number>,
  k: number,
  cumulative: Float64Array,
  unigram: Float64Array,
  random: () => number,
): SampledCandidates {
  const V = cumulative.length;
  const set = new Set<number>();
  let n = 0;
  for (let i = 0; i < targets.length; i++) {
    if (targets[i] !== 0) {
      set.add(targets[i]!);
      n++;
    }
  }
  const total = cumulative[V - 1]!;
  for (let i = 0; i < k; i++) {
    const x = random() * total;
    let lo = 0,
      hi = V - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    set.add(lo);
  }
  const ids = Int32Array.from(set).sort();
  const logInclusion = new Float32Array(ids.length);
  ids.forEach((id, i) => {
    const q = (cumulative[id]! - (id > 0 ? cumulative[id - 1]! : 0)) / total;
    const miss = Math.pow(1 - q, k) * Math.pow(1 - unigram[id]!, n);
    logInclusion[i] = Math.log(Math.max(1 - miss, 1e-12));
  });
  return { ids, logInclusion };
}

/** What one batch gives: sums over its targets (divide by `count` for means). */
export interface PassResult {
  /** Σ −log p(target). */
  loss: tf.Scalar;
  /** Targets ranked first. */
  correct: tf.Scalar;
  /** Targets in the batch (positions that are not padding). */
  count: number;
  /** Gradients of the summed loss, by weight name (when asked for). */
  grads?: Map<string, tf.Tensor>;
}

export interface PassBatch {
  /** Row-major [size, length] input ids. */
  readonly inputs: Int32Array;
  /** Row-major [size, length] target ids, PAD_ID (0) where there is none. */
  readonly targets: Int32Array;
  readonly size: number;
  readonly length: number;
}

const t2 = (x: tf.Tensor) => x as tf.Tensor2D;

/** tanh(x) = 2σ(2x) − 1: on wasm tf.sigmoid is fast (XNNPACK) where tf.tanh is ~6× slower. */
const tanh = (x: tf.Tensor) => t2(tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1));

/** An inverted-dropout mask [rows, cols] (values 0 or 1/(1−rate)), or null without dropout. */
function dropMask(rows: number, cols: number, rate: number, seed: number | undefined): tf.Tensor2D | null {
  if (rate <= 0) return null;
  const u = tf.randomUniform([rows, cols], 0, 1, 'float32', seed);
  return t2(tf.mul(tf.cast(tf.greaterEqual(u, rate), 'float32'), 1 / (1 - rate)));
}

interface LayerCache {
  /** Layer input [N, in]. */
  x: tf.Tensor2D;
  /** Per step: whatever the backward step needs. */
  steps: tf.Tensor2D[][];
  /** h before each step, stacked [N, H] (zeros for the first). */
  hPrev: tf.Tensor2D;
  /** GRU: r⊙h before each step, stacked [N, H]. */
  rhPrev?: tf.Tensor2D;
}

/** The SimpleRNN's activation in the hand-written pass (tanh through σ, as `tanh` above). */
function activateFast(a: Activation, x: tf.Tensor): tf.Tensor2D {
  return a === 'tanh' ? tanh(x) : t2(activationOp(a, x));
}

/** The activation's derivative written from its output y = act(z): 1 − y² for tanh, and for the
 * piecewise ones 1 where y > 0, else 0 (relu), the slope (leaky-relu), y + 1 (elu). */
function activationGrad(a: Activation, y: tf.Tensor): tf.Tensor {
  switch (a) {
    case 'tanh':
      return tf.sub(1, tf.square(y));
    case 'relu':
      return tf.cast(tf.greater(y, 0), 'float32');
    case 'leaky-relu':
      return tf.where(tf.greater(y, 0), tf.onesLike(y), tf.fill(y.shape, LEAKY_SLOPE));
    case 'elu':
      return tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, 1));
  }
}

/** One recurrent layer forward, time-major. Returns outputs [N, H] and what backward needs. */
function layerForward(
  cell: ModelConfig['cell'],
  activation: Activation,
  x: tf.Tensor2D,
  W: tf.Tensor2D,
  U: tf.Tensor2D,
  b: tf.Tensor,
  B: number,
  T: number,
  H: number,
): { y: tf.Tensor2D; cache: LayerCache } {
  const G = CELL_GATES[cell];
  const proj = t2(tf.add(tf.matMul(x, W), b));
  const lstm = gateOffsets('lstm', H),
    gru = gateOffsets('gru', H);
  const Uzr = cell === 'gru' ? t2(tf.slice(U, [0, 0], [H, gru.candidate])) : undefined;
  const Uh = cell === 'gru' ? t2(tf.slice(U, [0, gru.candidate], [H, H])) : undefined;
  let h = t2(tf.zeros([B, H]));
  let c = cell === 'lstm' ? t2(tf.zeros([B, H])) : null;
  const hs: tf.Tensor2D[] = [];
  const prevs: tf.Tensor2D[] = [];
  const rhs: tf.Tensor2D[] = [];
  const steps: tf.Tensor2D[][] = [];
  for (let t = 0; t < T; t++) {
    const xp = t2(T === 1 ? proj : tf.slice(proj, [t * B, 0], [B, G * H]));
    prevs.push(h);
    if (cell === 'rnn') {
      h = activateFast(activation, tf.add(xp, tf.matMul(h, U)));
      steps.push([h]);
    } else if (cell === 'lstm') {
      const z = tf.add(xp, tf.matMul(h, U));
      const s = tf.sigmoid(z);
      const i = t2(tf.slice(s, [0, lstm.input], [B, H]));
      const f = t2(tf.slice(s, [0, lstm.forget], [B, H]));
      const o = t2(tf.slice(s, [0, lstm.output], [B, H]));
      const g = t2(tanh(tf.slice(z, [0, lstm.candidate], [B, H])));
      const cPrev = c!;
      c = t2(tf.add(tf.mul(f, cPrev), tf.mul(i, g)));
      const tc = t2(tanh(c));
      h = t2(tf.mul(o, tc));
      steps.push([i, f, g, o, cPrev, tc]);
    } else {
      const zr = tf.sigmoid(tf.add(tf.slice(xp, [0, 0], [B, gru.candidate]), tf.matMul(h, Uzr!)));
      const z = t2(tf.slice(zr, [0, gru.update], [B, H]));
      const r = t2(tf.slice(zr, [0, gru.reset], [B, H]));
      const rh = t2(tf.mul(r, h));
      const hh = t2(tanh(tf.add(tf.slice(xp, [0, gru.candidate], [B, H]), tf.matMul(rh, Uh!))));
      const hPrev = h;
      h = t2(tf.add(hh, tf.mul(z, tf.sub(hPrev, hh))));
      rhs.push(rh);
      steps.push([z, r, hh]);
    }
    hs.push(h);
  }
  const y = t2(T === 1 ? hs[0]! : tf.concat(hs, 0));
  const hPrev = t2(T === 1 ? prevs[0]! : tf.concat(prevs, 0));
  const rhPrev = cell === 'gru' ? t2(T === 1 ? rhs[0]! : tf.concat(rhs, 0)) : undefined;
  return { y, cache: { x, steps, hPrev, rhPrev } };
}

/** One recurrent layer backward through time: from dY [N, H] to dX [N, in] and the weights' gradients. */
function layerBackward(
  cell: ModelConfig['cell'],
  activation: Activation,
  dy: tf.Tensor2D,
  cache: LayerCache,
  W: tf.Tensor2D,
  U: tf.Tensor2D,
  B: number,
  T: number,
  H: number,
  needDx: boolean,
): { dx?: tf.Tensor2D; dW: tf.Tensor2D; dU: tf.Tensor2D; db: tf.Tensor } {
  const one = tf.scalar(1);
  const UT = cell === 'gru' ? undefined : t2(tf.transpose(U));
  const cand = gateOffsets('gru', H).candidate; // GRU: update and reset before it, its own U after
  const UzrT = cell === 'gru' ? t2(tf.transpose(tf.slice(U, [0, 0], [H, cand]))) : undefined;
  const UhT = cell === 'gru' ? t2(tf.transpose(tf.slice(U, [0, cand], [H, H]))) : undefined;
  const dzs: tf.Tensor2D[] = new Array(T);
  let dhNext: tf.Tensor2D | null = null;
  let dcNext: tf.Tensor2D | null = null;
  const hPrevAt = (t: number) => t2(T === 1 ? cache.hPrev : tf.slice(cache.hPrev, [t * B, 0], [B, H]));
  for (let t = T - 1; t >= 0; t--) {
    const dyt = t2(T === 1 ? dy : tf.slice(dy, [t * B, 0], [B, H]));
    const dh = dhNext ? t2(tf.add(dyt, dhNext)) : dyt;
    const st = cache.steps[t]!;
    if (cell === 'rnn') {
      const h = st[0]!;
      const da = t2(tf.mul(dh, activationGrad(activation, h)));
      dzs[t] = da;
      if (t > 0) dhNext = t2(tf.matMul(da, UT!));
    } else if (cell === 'lstm') {
      const [i, f, g, o, cPrev, tc] = st as [
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor2D,
      ];
      const dO = tf.mul(dh, tc);
      let dc = tf.mul(tf.mul(dh, o), tf.sub(one, tf.square(tc)));
      if (dcNext) dc = tf.add(dc, dcNext);
      const dzi = tf.mul(tf.mul(dc, g), tf.mul(i, tf.sub(one, i)));
      const dzf = tf.mul(tf.mul(dc, cPrev), tf.mul(f, tf.sub(one, f)));
      const dzg = tf.mul(tf.mul(dc, i), tf.sub(one, tf.square(g)));
      const dzo = tf.mul(dO, tf.mul(o, tf.sub(one, o)));
      const byGate = { input: dzi, forget: dzf, candidate: dzg, output: dzo };
      const dz = t2(tf.concat(GATE_ORDER.lstm.map((gate) => byGate[gate]) as tf.Tensor[], 1));
      dzs[t] = dz;
      if (t > 0) {
        dcNext = t2(tf.mul(dc, f));
        dhNext = t2(tf.matMul(dz, UT!));
      }
    } else {
      const [z, r, hh] = st as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const hPrev = hPrevAt(t);
      const dz = tf.mul(dh, tf.sub(hPrev, hh));
      const dah = tf.mul(tf.mul(dh, tf.sub(one, z)), tf.sub(one, tf.square(hh)));
      const drh = tf.matMul(dah, UhT!);
      const dr = tf.mul(drh, hPrev);
      const daz = tf.mul(dz, tf.mul(z, tf.sub(one, z)));
      const dar = tf.mul(dr, tf.mul(r, tf.sub(one, r)));
      const dzr = tf.concat([daz, dar], 1);
      dzs[t] = t2(tf.concat([dzr, dah], 1));
      if (t > 0) dhNext = t2(tf.addN([tf.mul(dh, z), tf.mul(drh, r), tf.matMul(dzr, UzrT!)]));
    }
  }
  const dZ = t2(T === 1 ? dzs[0]! : tf.concat(dzs, 0)); // [N, G·H]
  let dU: tf.Tensor2D;
  if (cell === 'gru') {
    const N = B * T;
    const dUzr = tf.matMul(tf.transpose(cache.hPrev), tf.slice(dZ, [0, 0], [N, cand]));
    const dUh = tf.matMul(tf.transpose(cache.rhPrev!), tf.slice(dZ, [0, cand], [N, H]));
    dU = t2(tf.concat([dUzr, dUh], 1));
  } else {
    dU = t2(tf.matMul(tf.transpose(cache.hPrev), dZ));
  }
  const dW = t2(tf.matMul(tf.transpose(cache.x), dZ));
  const db = tf.sum(dZ, 0);
  const dx = needDx ? t2(tf.matMul(dZ, tf.transpose(W))) : undefined;
  return { dx, dW, dU, db };
}

/**
 * Forward (and, with `grads`, backward) over a many-to-many next-token batch, by hand. Equal
 * to `forwardSeq2Vec` + `maskedCrossEntropy` with summed loss, and to their tfjs gradients.
 * Call inside `tf.tidy` (the returned tensors are the caller's).
 */
export function seq2vecPass(
  config: ModelConfig,
  weights: ReadonlyMap<string, tf.Tensor>,
  batch: PassBatch,
  o: {
    training: boolean;
    grads: boolean;
    seed?: number;
    xent?: boolean;
    sample?: SampledCandidates;
    /** Embedding (word-type) dropout while training: each word of the vocabulary is dropped
     * from this batch's inputs with this probability, at every position it occurs (Gal &
     * Ghahramani 2016; AWD-LSTM's embedding dropout), the kept ones scaled by 1/(1−rate). The
     * tied output layer is not dropped. */
    wordDropout?: number;
  },
): PassResult {
  if (config.norm !== 'none')
    throw new RangeError(
      `the hand-written pass has no layer normalisation (norm ${JSON.stringify(config.norm)}): train it with tfjs's gradients (forwardSeq2Vec)`,
    );
  const { size: B, length: T } = batch;
  const { hiddenSize: H, embeddingSize: E, vocabSize: V, layers: L, cell } = config;
  const N = B * T;
  const ids = new Int32Array(N);
  const sel: number[] = [];
  const tsel: number[] = [];
  const inv = new Int32Array(N);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      ids[t * B + b] = batch.inputs[b * T + t]!;
      const target = batch.targets[b * T + t]!;
      if (target !== 0) {
        inv[t * B + b] = sel.length;
        sel.push(t * B + b);
        tsel.push(target);
      } else inv[t * B + b] = -1;
    }
  }
  const n = sel.length;
  for (let r = 0; r < N; r++) if (inv[r] === -1) inv[r] = n;
  if (n === 0) {
    const grads = o.grads ? new Map([...weights].map(([k, v]) => [k, tf.zerosLike(v)])) : undefined;
    return { loss: tf.scalar(0), correct: tf.scalar(0), count: 0, grads };
  }
  const rate = o.training ? config.dropout : 0;
  const seed = o.seed === undefined ? undefined : o.seed * 7919;
  const emb = t2(weights.get('embedding')!);
  const idsT = tf.tensor1d(ids, 'int32');
  const masks: (tf.Tensor2D | null)[] = [dropMask(N, E, rate, seed === undefined ? undefined : seed + 1)];
  const wordRate = o.training ? (o.wordDropout ?? 0) : 0;
  const byType = dropMask(V, 1, wordRate, seed === undefined ? undefined : seed + 97);
  const wordMask = byType ? t2(tf.gather(byType, idsT)) : null; // [N, 1]: a word's draw at each of its positions
  let x = t2(tf.gather(emb, idsT));
  if (wordMask) x = t2(tf.mul(x, wordMask));
  if (masks[0]) x = t2(tf.mul(x, masks[0]));
  const caches: LayerCache[] = [];
  for (let l = 0; l < L; l++) {
    const W = t2(weights.get(`rnn${l}/kernel`)!),
      U = t2(weights.get(`rnn${l}/recurrent`)!),
      b = weights.get(`rnn${l}/bias`)!;
    const r = layerForward(cell, config.activation, x, W, U, b, B, T, H);
    caches.push(r.cache);
    const m = dropMask(N, H, rate, seed === undefined ? undefined : seed + 2 + l);
    masks.push(m);
    x = m ? t2(tf.mul(r.y, m)) : r.y;
  }
  const selT = tf.tensor1d(sel, 'int32');
  const sample = config.tied && o.sample ? o.sample : undefined;
  let targets: tf.Tensor1D;
  let candidates: tf.Tensor1D | undefined;
  if (sample) {
    // Sampled softmax: only the candidate rows of the output layer, targets as candidate indices.
    const index = new Map<number, number>();
    sample.ids.forEach((id, i) => index.set(id, i));
    targets = tf.tensor1d(
      tsel.map((t) => {
        const i = index.get(t);
        if (i === undefined) throw new RangeError(`sampled softmax: target ${t} is not among the candidates`);
        return i;
      }),
      'int32',
    );
    candidates = tf.tensor1d(sample.ids, 'int32');
  } else targets = tf.tensor1d(tsel, 'int32');
  const top = n === N ? x : t2(tf.gather(x, selT));
  const bias = weights.get('output/bias')!;
  let logits: tf.Tensor2D, qa: tf.Tensor2D | undefined, Ea: tf.Tensor2D | undefined;
  if (config.tied) {
    const q = tf.matMul(top, t2(weights.get('output/projection')!));
    qa = t2(tf.concat([q, tf.ones([n, 1])], 1));
    Ea = t2(tf.concat([emb, tf.reshape(bias, [V, 1])], 1));
    if (candidates) {
      Ea = t2(tf.gather(Ea, candidates));
      logits = t2(tf.sub(tf.matMul(qa, tf.transpose(Ea)), tf.tensor1d(sample!.logInclusion)));
    } else logits = tf.matMul(qa, tf.transpose(Ea));
  } else {
    logits = t2(tf.add(tf.matMul(top, t2(weights.get('output/kernel')!)), bias));
  }
  const p = tf.softmax(logits);
  logits.dispose();
  let picked: tf.Tensor, correctT: tf.Tensor, dlogits: tf.Tensor2D;
  if (o.xent !== false && hasXentKernel()) {
    const stats = tf.engine().runKernel(XENT_KERNEL, { probs: p, targets }, {}) as tf.Tensor2D; // p is now p − onehot
    picked = tf.slice(stats, [0, 0], [n, 1]);
    correctT = tf.slice(stats, [0, 1], [n, 1]);
    dlogits = p;
  } else {
    const flat = tf.tensor1d(
      tsel.map((t, r) => r * V + t),
      'int32',
    );
    picked = tf.gather(tf.reshape(p, [-1]), flat);
    correctT = tf.cast(tf.equal(tf.argMax(p, 1), targets), 'float32');
    dlogits = o.grads ? t2(tf.sub(p, tf.oneHot(targets, V))) : p;
  }
  const loss = tf.neg(tf.sum(tf.log(tf.maximum(picked, 1e-30)))) as tf.Scalar;
  const correct = tf.sum(correctT) as tf.Scalar;
  if (!o.grads) return { loss, correct, count: n };

  const grads = new Map<string, tf.Tensor>();
  let dTop: tf.Tensor2D;
  let dEmb: tf.Tensor2D | undefined;
  if (config.tied) {
    const P = t2(weights.get('output/projection')!);
    const dqa = tf.matMul(dlogits, Ea!); // [n, E+1]
    const dq = t2(tf.slice(dqa, [0, 0], [n, E]));
    // dlogitsᵀ·qa: the big operand first is ~2× faster on wasm than qaᵀ·dlogits, even with the transpose.
    const dlT = tf.transpose(dlogits);
    dlogits.dispose();
    let dEa = tf.matMul(dlT, qa!); // [V, E+1], or [candidates, E+1]
    dlT.dispose();
    if (candidates) dEa = tf.unsortedSegmentSum(dEa, candidates, V);
    dEmb = t2(tf.slice(dEa, [0, 0], [V, E]));
    grads.set('output/bias', tf.reshape(tf.slice(dEa, [0, E], [V, 1]), [V]));
    grads.set('output/projection', tf.matMul(tf.transpose(top), dq));
    dTop = tf.matMul(dq, tf.transpose(P));
  } else {
    // (untied) the same trick would need dlogitsᵀ·top; [H, n]·[n, V] is used as is.
    const K = t2(weights.get('output/kernel')!);
    grads.set('output/kernel', tf.matMul(tf.transpose(top), dlogits));
    grads.set('output/bias', tf.sum(dlogits, 0));
    dTop = tf.matMul(dlogits, tf.transpose(K));
    dlogits.dispose();
  }
  let dx = n === N ? dTop : t2(tf.gather(tf.concat([dTop, tf.zeros([1, H])], 0), tf.tensor1d(inv, 'int32')));
  for (let l = L - 1; l >= 0; l--) {
    const m = masks[l + 1];
    if (m) dx = t2(tf.mul(dx, m));
    const W = t2(weights.get(`rnn${l}/kernel`)!),
      U = t2(weights.get(`rnn${l}/recurrent`)!);
    const r = layerBackward(cell, config.activation, dx, caches[l]!, W, U, B, T, H, true);
    grads.set(`rnn${l}/kernel`, r.dW);
    grads.set(`rnn${l}/recurrent`, r.dU);
    grads.set(`rnn${l}/bias`, r.db);
    dx = r.dx!;
  }
  if (masks[0]) dx = t2(tf.mul(dx, masks[0]));
  if (wordMask) dx = t2(tf.mul(dx, wordMask));
  const dGather = tf.unsortedSegmentSum(dx, idsT, V);
  grads.set('embedding', dEmb ? tf.add(dGather, dEmb) : dGather);
  return { loss, correct, count: n, grads };
}
