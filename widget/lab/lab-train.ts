/**
 * The lab's training worker: SimpleRNN, LSTM and GRU trained in lockstep on the same batches
 * (Adam, optional clipping by global norm), reporting loss, accuracy and gradient norm per batch
 * and, every few batches, the gradient of the loss at the last step with respect to each hidden
 * state h_t of a window (∂L/∂h_t, through `forwardSeq2Vec`'s onStep hook): vanishing gradients
 * made visible. tfjs lives here, never on the page.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
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
import { mulberry32 } from '../../src/data/windows.js';
import type { FromWorker, LabSettings, ToWorker } from './protocol.js';

setWasmPaths(new URL('../', import.meta.url).href);

type Weights = Map<string, tf.Variable>;

interface Model {
  cell: CellType;
  config: ModelConfig;
  weights: Weights;
  optimizer: tf.Optimizer;
  /** Zero tensors added to each h_t of the probe: their gradient is ∂L/∂h_t. */
  deltas: tf.Variable[];
}

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let running: { stop: boolean } | undefined;

self.addEventListener('message', (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'stop') {
    if (running) running.stop = true;
  } else if (m.type === 'start') {
    if (running) running.stop = true;
    const run = { stop: false };
    running = run;
    train(m.settings, run).catch((err: Error) => post({ type: 'error', message: err.message ?? String(err) }));
  }
});

const pause = () => new Promise<void>((r) => setTimeout(r, 0));

async function train(s: LabSettings, run: { stop: boolean }): Promise<void> {
  const choice = await chooseBackend(['wasm', 'cpu']);
  const tokens = s.lines.map(lineTokens);
  const vocabulary = buildVocabulary(tokens.flat(), { maxSize: s.vocabularySize });
  const ids = tokens.map((t) => vocabulary.encode(t)).filter((l) => l.length > 0);
  const batches: Batch[] = [...sentenceBatches(ids, { maxLength: s.window, batchTokens: 96, seed: s.seed })];
  const probe = probeWindows(ids, s.window, 24, s.seed);
  const models = s.cells.map((cell) => makeModel(cell, vocabulary.size, s, probe.size));
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
          post({ type: 'batch', cell: m.cell, step, epoch, ...(await trainStep(m, batch, s.clipNorm)) });
        if (step === 1 || step % s.probeEvery === 0) {
          for (const m of models)
            post({ type: 'probe', cell: m.cell, step, ...(await probeStep(m, probe, s.clipNorm)) });
        }
        await pause(); // lets 'stop' in
      }
    }
    post({ type: 'done', stopped: false });
  } finally {
    tf.dispose([probe.inputs, probe.targets]);
    for (const m of models) {
      tf.dispose([...m.weights.values(), ...m.deltas]);
      m.optimizer.dispose();
    }
    if (running === run) running = undefined;
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
  const deltas = Array.from({ length: s.window }, (_, t) =>
    tf.variable(
      tf.zeros([probeSize, s.hiddenSize]),
      true,
      `lab_delta_${cell}_${t}_${Math.random().toString(36).slice(2)}`,
    ),
  );
  return { cell, config, weights, optimizer: tf.train.adam(s.learningRate), deltas };
}

/** The global norm of a set of gradients, as a scalar tensor. */
const globalNorm = (gs: tf.Tensor[]) => tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g)))));

async function trainStep(m: Model, batch: Batch, clipNorm: number) {
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
    const norm = globalNorm(Object.values(grads));
    const scale = clipNorm > 0 ? tf.minimum(1, tf.div(clipNorm, tf.maximum(norm, 1e-12))) : tf.scalar(1);
    const scaled: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) scaled[name] = tf.mul(g, scale);
    m.optimizer.applyGradients(scaled);
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
    clipped: clipNorm > 0 && norm! > clipNorm,
  };
}

/** ∂L/∂h_t for each step t of the probe windows, L the cross-entropy at the last step only. */
async function probeStep(
  m: Model,
  probe: { inputs: tf.Tensor2D; targets: tf.Tensor1D; size: number },
  clipNorm: number,
) {
  const T = m.deltas.length;
  const B = probe.size;
  const vars = [...m.weights.values(), ...m.deltas];
  const out = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const logits = forwardSeq2Vec(m.config, m.weights, probe.inputs, {
        training: false,
        onStep: (t, h) => tf.add(h, m.deltas[t]!) as tf.Tensor2D,
      });
      const last = tf.gather(logits, tf.range(T - 1, B * T, T, 'int32')) as tf.Tensor2D;
      return maskedCrossEntropy(last, probe.targets, -1).loss;
    }, vars);
    // Per window: ‖∂ℓ_b/∂h_t‖ = B·‖∂L/∂h_t[b]‖ (L is the batch mean); then the mean over windows.
    const norms = tf.stack(m.deltas.map((d) => tf.mul(tf.mean(tf.norm(grads[d.name]!, 'euclidean', 1)), B)));
    const norm = globalNorm([...m.weights.values()].map((w) => grads[w.name]!));
    return { norms, norm };
  });
  const [norms, norm] = await Promise.all([out.norms.data(), out.norm.data()]);
  tf.dispose([out.norms, out.norm]);
  const n = norm[0]!;
  return { norms: Array.from(norms), clipScale: clipNorm > 0 && n > clipNorm ? clipNorm / n : 1 };
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
