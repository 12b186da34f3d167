/**
 * The lab's training (run by lab-worker.ts; tfjs, never on the page): SimpleRNN, LSTM and GRU
 * trained in lockstep on the same batches (Adam; clipping by global norm, by value, or none),
 * reporting loss, accuracy and gradient norm per batch and, every few batches, the gradient
 * of the loss at the last step with respect to each input x_t of a window (‖∂L/∂x_t‖): what
 * reaches step t through the recurrence, on the same footing for the three cells (the LSTM
 * carries it in c, which ∂L/∂h_t alone does not show). Vanishing gradients made visible.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildVocabulary,
  lineTokens,
  resolveModelConfig,
  sentenceBatches,
  createWeights,
  forwardSeq2Vec,
  maskedCrossEntropy,
  chooseBackend,
  parameterCount,
  type ModelConfig,
  type CellType,
  type Batch,
} from '../../src/core.js';
import { outputLogits, runLayer } from '../../src/training/network.js';
import { mulberry32 } from '../../src/data/windows.js';
import type { FromWorker, LabSettings } from './protocol.js';

type Weights = Map<string, tf.Variable>;

interface Model {
  cell: CellType;
  config: ModelConfig;
  weights: Weights;
  optimizer: tf.Optimizer;
  /** A zero tensor [B·T, E] added to the probe's inputs x_t: its gradient is ∂L/∂x_t. */
  delta: tf.Variable;
}

/** How each gradient is clipped before Adam's step. */
export interface Clipping {
  /** Scale the whole gradient down to this global norm when it is above (0: off). */
  norm: number;
  /** Clamp every component to −value…value (0: off). */
  value: number;
}

const pause = () => new Promise<void>((r) => setTimeout(r, 0));

/** Trains the cells of `s` in lockstep, posting every result; returns when done or stopped. */
export async function train(s: LabSettings, run: { stop: boolean }, post: (m: FromWorker) => void): Promise<void> {
  const choice = await chooseBackend(['wasm', 'cpu']);
  const tokens = s.lines.map(lineTokens);
  const vocabulary = buildVocabulary(tokens.flat(), { maxSize: s.vocabularySize });
  const ids = tokens.map((t) => vocabulary.encode(t)).filter((l) => l.length > 0);
  const batches: Batch[] = [...sentenceBatches(ids, { maxLength: s.window, batchTokens: 96, seed: s.seed })];
  const probe = probeWindows(ids, s.window, 24, s.seed);
  const models = s.cells.map((cell) => makeModel(cell, vocabulary.size, s, probe.size));
  const clipping: Clipping = { norm: s.clipNorm, value: s.clipValue };
  post({
    type: 'ready',
    backend: choice.backend,
    vocabularySize: vocabulary.size,
    batches: batches.length * s.epochs,
    parameters: Object.fromEntries(models.map((m) => [m.cell, parameterCount(m.config)])),
  });
  let step = 0;
  try {
    for (let epoch = 1; epoch <= s.epochs; epoch++) {
      for (const batch of batches) {
        if (run.stop) return post({ type: 'done', stopped: true });
        step++;
        for (const m of models)
          post({ type: 'batch', cell: m.cell, step, epoch, ...(await trainStep(m, batch, clipping)) });
        if (step === 1 || step % s.probeEvery === 0) {
          for (const m of models) post({ type: 'probe', cell: m.cell, step, ...(await probeStep(m, probe, clipping)) });
        }
        await pause(); // lets 'stop' in
      }
    }
    post({ type: 'done', stopped: false });
  } finally {
    tf.dispose([probe.inputs, probe.targets]);
    for (const m of models) {
      tf.dispose([...m.weights.values(), m.delta]);
      m.optimizer.dispose();
    }
  }
}

function makeModel(cell: CellType, vocabSize: number, s: LabSettings, probeSize: number): Model {
  const config = resolveModelConfig({
    cell,
    vocabSize,
    embeddingSize: s.embeddingSize,
    hiddenSize: s.hiddenSize,
    layers: 1,
    dropout: 0,
    maxLength: s.window,
  });
  const weights = createWeights(config, s.seed);
  if (s.recurrentGain !== 1) {
    const u = weights.get('rnn0/recurrent')!;
    u.assign(tf.tidy(() => tf.mul(u, s.recurrentGain)));
  }
  const delta = tf.variable(
    tf.zeros([probeSize * s.window, s.embeddingSize]),
    true,
    `lab_delta_${cell}_${Math.random().toString(36).slice(2)}`,
  );
  return { cell, config, weights, optimizer: tf.train.adam(s.learningRate), delta };
}

/** The global norm of a set of gradients, as a scalar tensor. */
const globalNorm = (gs: tf.Tensor[]) => tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g)))));

/** The gradients after clipping (by norm: one common factor; by value: each component clamped). */
function clip(grads: tf.NamedTensorMap, norm: tf.Scalar, c: Clipping): tf.NamedTensorMap {
  const scale = c.norm > 0 ? tf.minimum(1, tf.div(c.norm, tf.maximum(norm, 1e-12))) : tf.scalar(1);
  const out: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(grads)) {
    const scaled = tf.mul(g, scale);
    out[name] = c.value > 0 ? tf.clipByValue(scaled, -c.value, c.value) : scaled;
  }
  return out;
}

async function trainStep(m: Model, batch: Batch, clipping: Clipping) {
  const vars = [...m.weights.values()];
  const out = tf.tidy(() => {
    const ids = tf.tensor2d(batch.inputs, [batch.size, batch.length], 'int32');
    const targets = tf.tensor1d(batch.targets, 'int32');
    let correct!: tf.Scalar, count!: tf.Scalar;
    const { value, grads } = tf.variableGrads(() => {
      const r = maskedCrossEntropy(forwardSeq2Vec(m.config, m.weights, ids, { training: true }), targets, 0);
      correct = tf.keep(r.correct);
      count = tf.keep(r.count);
      return r.loss;
    }, vars);
    const norm = globalNorm(Object.values(grads)) as tf.Scalar;
    m.optimizer.applyGradients(clip(grads, norm, clipping));
    return { value, norm, correct, count };
  });
  const [loss, norm, correct, count] = (
    await Promise.all([out.value, out.norm, out.correct, out.count].map((t) => t.data()))
  ).map((d) => d[0]!);
  tf.dispose([out.value, out.norm, out.correct, out.count]);
  return {
    loss: loss!,
    accuracy: correct! / Math.max(1, count!),
    gradientNorm: norm!,
    clipped: clipping.norm > 0 && norm! > clipping.norm,
  };
}

/**
 * ‖∂L/∂x_t‖ for each step t of the probe windows, L the cross-entropy at the last step only:
 * the embedding of every window plus a zero delta, run through the cell (runLayer) and the
 * output layer, so the delta's gradient is what reaches each input.
 */
async function probeStep(
  m: Model,
  probe: { inputs: tf.Tensor2D; targets: tf.Tensor1D; size: number },
  clipping: Clipping,
) {
  const B = probe.size;
  const T = probe.inputs.shape[1];
  const vars = [...m.weights.values(), m.delta];
  const out = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const x = tf.add(tf.gather(m.weights.get('embedding')!, probe.inputs.reshape([B * T])), m.delta) as tf.Tensor2D;
      const hidden = runLayer(m.config, m.weights, 'rnn0', x, B, T).outputs; // rows b·T + t
      const last = tf.gather(hidden, tf.range(T - 1, B * T, T, 'int32')) as tf.Tensor2D;
      return maskedCrossEntropy(outputLogits(m.config, m.weights, last), probe.targets, -1).loss;
    }, vars);
    // Per window: ‖∂ℓ_b/∂x_t‖ = B·‖∂L/∂x_t[b]‖ (L is the batch mean); then the mean over windows.
    const perInput = tf.norm(grads[m.delta.name]!, 'euclidean', 1).reshape([B, T]);
    const norms = tf.mul(tf.mean(perInput, 0), B);
    const norm = globalNorm([...m.weights.values()].map((w) => grads[w.name]!));
    return { norms, norm };
  });
  const [norms, norm] = await Promise.all([out.norms.data(), out.norm.data()]);
  tf.dispose([out.norms, out.norm]);
  const n = norm[0]!;
  return { norms: Array.from(norms), clipScale: clipping.norm > 0 && n > clipping.norm ? clipping.norm / n : 1 };
}

/** B windows of exactly T tokens from the running text (lines joined), with the next token. */
function probeWindows(lines: number[][], T: number, B: number, seed: number) {
  const stream = lines.flat();
  if (stream.length < T + 2)
    throw new RangeError(`the corpus has ${stream.length} tokens, fewer than a window of ${T} needs`);
  const random = mulberry32(seed + 17);
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const start = Math.floor(random() * (stream.length - T - 1));
    inputs.set(stream.slice(start, start + T), b * T);
    targets[b] = stream[start + T]!;
  }
  return { inputs: tf.tensor2d(inputs, [B, T], 'int32'), targets: tf.tensor1d(targets, 'int32'), size: B };
}
