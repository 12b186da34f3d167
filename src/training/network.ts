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
  LAYER_NORM_EPSILON,
  LEAKY_SLOPE,
  gateOffsets,
  weightShapes,
  type Activation,
  type ModelConfig,
} from '../inference/model/model-config.js';

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
