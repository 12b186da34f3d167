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
 */
import * as tf from '@tensorflow/tfjs';
import { CELL_GATES, weightShapes, type ModelConfig } from './config.js';

export type Weights = Map<string, tf.Variable>;

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
    weights.set(name, tf.variable(value, true, name.replace(/\//g, '_') + '_' + seed + '_' + Math.random().toString(36).slice(2)));
    value.dispose();
  }
  return weights;
}

/** One recurrent step for a batch: `xp` is x·W + b for this step, [B, G·H]. */
function step(
  cell: ModelConfig['cell'],
  xp: tf.Tensor2D,
  h: tf.Tensor2D,
  c: tf.Tensor2D | null,
  U: tf.Tensor2D,
  H: number,
  Ux?: { zr: tf.Tensor2D; h: tf.Tensor2D },
): { h: tf.Tensor2D; c: tf.Tensor2D | null } {
  if (cell === 'rnn') return { h: tf.tanh(tf.add(xp, tf.matMul(h, U))) as tf.Tensor2D, c: null };
  if (cell === 'lstm') {
    const z = tf.add(xp, tf.matMul(h, U));
    const [i, f, g, o] = tf.split(z, 4, 1) as tf.Tensor2D[];
    const cNext = tf.add(tf.mul(tf.sigmoid(f!), c!), tf.mul(tf.sigmoid(i!), tf.tanh(g!))) as tf.Tensor2D;
    return { h: tf.mul(tf.sigmoid(o!), tf.tanh(cNext)) as tf.Tensor2D, c: cNext };
  }
  const [xzr, xh] = tf.split(xp, [2 * H, H], 1) as tf.Tensor2D[];
  const zr = tf.sigmoid(tf.add(xzr!, tf.matMul(h, Ux!.zr)));
  const [z, r] = tf.split(zr, 2, 1) as tf.Tensor2D[];
  const hh = tf.tanh(tf.add(xh!, tf.matMul(tf.mul(r!, h), Ux!.h)));
  return { h: tf.add(tf.mul(z!, h), tf.mul(tf.sub(1, z!), hh)) as tf.Tensor2D, c: null };
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
  const proj = tf.add(tf.matMul(x, W), b).reshape([B, T, G * H]);
  const steps = T === 1 ? [proj.reshape([B, G * H]) as tf.Tensor2D] : (tf.unstack(tf.transpose(proj, [1, 0, 2])) as tf.Tensor2D[]);
  const Ux = config.cell === 'gru' ? { zr: U.slice([0, 0], [H, 2 * H]), h: U.slice([0, 2 * H], [H, H]) } : undefined;
  let h: tf.Tensor2D = initial?.h ?? (tf.zeros([B, H]) as tf.Tensor2D);
  let c = initial?.c ?? (config.cell === 'lstm' ? (tf.zeros([B, H]) as tf.Tensor2D) : null);
  const outs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const next = step(config.cell, steps[t]!, h, c, U, H, Ux);
    h = (onStep ? onStep(t, next.h) : next.h) as tf.Tensor2D;
    c = next.c;
    outs.push(h);
  }
  const outputs = (T === 1 ? outs[0]!.reshape([B, 1, H]) : tf.stack(outs, 1)).reshape([B * T, H]) as tf.Tensor2D;
  return { outputs, state: { h, c } };
}

/** Logits [N, V] from top-layer outputs [N, H]. */
export function outputLogits(config: ModelConfig, weights: Weights, hidden: tf.Tensor2D, embeddingT?: tf.Tensor2D): tf.Tensor2D {
  const bias = weights.get('output/bias')!;
  if (config.tied) {
    const q = tf.matMul(hidden, weights.get('output/projection')!);
    // An explicit transpose is much faster than matMul(…, transposeB) on the wasm backend.
    const et = embeddingT ?? (tf.transpose(weights.get('embedding')!) as tf.Tensor2D);
    return tf.add(tf.matMul(q, et), bias);
  }
  return tf.add(tf.matMul(hidden, weights.get('output/kernel')!), bias);
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
export function forwardSeq2Vec(config: ModelConfig, weights: Weights, ids: tf.Tensor2D, o: ForwardOptions): tf.Tensor2D {
  const [B, T] = ids.shape;
  const emb = weights.get('embedding')!;
  let x = tf.gather(emb, ids.reshape([B * T])) as tf.Tensor2D;
  x = dropout(x, config.dropout, o, 1);
  for (let l = 0; l < config.layers; l++) {
    x = runLayer(config, weights, `rnn${l}`, x, B, T, undefined, l === config.layers - 1 ? o.onStep : undefined).outputs;
    x = dropout(x, config.dropout, o, 2 + l);
  }
  return outputLogits(config, weights, x);
}

/**
 * The encoder–decoder: ids [B, T] → logits [B·horizon, V] for the next `horizon` words at
 * once. The decoder starts from the encoder's final states and reads a learned vector per
 * output position, never its own predictions.
 */
export function forwardSeq2Seq(config: ModelConfig, weights: Weights, ids: tf.Tensor2D, o: ForwardOptions): tf.Tensor2D {
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
export function maskedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, ignore = 0): { loss: tf.Scalar; correct: tf.Scalar; count: tf.Scalar } {
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
  const correct = tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(targets, 'int32')), 'float32'), mask)) as tf.Scalar;
  return { loss, correct, count };
}
