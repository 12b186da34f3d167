/**
 * The training loop: Adam with gradient clipping by global norm (a custom loop, since
 * `tf.train.adam` and `model.fit` cannot clip), seeded batches, progress per batch and per
 * epoch, validation, early stopping, a time budget and cancellation through an AbortSignal.
 * Every tensor is disposed. Pure: no DOM, no I/O, no console.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../inference/model/model-config.js';
import {
  createWeights,
  forwardSeq2Seq,
  forwardSeq2Vec,
  maskedCrossEntropy,
  sampleCandidates,
  seq2vecPass,
  type SampledCandidates,
  type Weights,
} from './network.js';
import { LEARNING_RATE, weightShapes } from '../inference/model/model-config.js';

/** Target tokens per batch (per replica) by default. */
export const DEFAULT_BATCH_TOKENS = 1024;
/** Steps over which the linear schedule warms the learning rate up. */
const WARMUP_STEPS = 30;
import { mulberry32, sentenceBatches, type Batch } from '../data/windows.js';
import { PAD_ID, BOS_ID, EOS_ID } from '../text/vocabulary.js';
import {
  abortError,
  checkFunction,
  checkInteger,
  checkNumber,
  checkSignal,
  describe,
  POSITIVE,
  SHARE,
  type NumberRule,
} from '../base/checks.js';
import type { TrainProgress } from '../base/training-types.js';

export type { TrainProgress };

export interface TrainOptions {
  epochs?: number;
  /** Target tokens per batch, per replica (default 1024). */
  batchTokens?: number;
  learningRate?: number;
  /** Clip gradients to this global norm (default 5; 0 turns clipping off). */
  clipNorm?: number;
  /** Share of lines held out for validation (default 0.05; 0 for none). */
  validationSplit?: number;
  /** Stop at the epoch that is the `patience`-th in all (not necessarily in a row) not to
   * improve the best validation loss (default 2); each such epoch also halves the learning
   * rate (`decay`), so the default stops after the second halving that did not help. */
  patience?: number;
  /** Stop after this many seconds (checked after each batch). */
  maxSeconds?: number;
  /** Halve the learning rate when an epoch does not improve validation (default true). */
  decay?: boolean;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** Validation lines (token ids); when given, validationSplit is not used. */
  validationLines?: readonly (readonly number[])[];
  /** Start from these weights instead of fresh ones (fine-tuning, `learn`). */
  initialWeights?: Map<string, Float32Array>;
  /** Names of weights kept as they start (their gradients are zeroed): the seq2seq decoder
   * trains on a frozen encoder (pipeline.ts). */
  frozen?: readonly string[];
  /**
   * Learning rate over time: 'linear' warms up over 30 steps, then decays linearly to 2 % at the
   * end of the budget (time or epochs, whichever comes first); 'constant' keeps it. Both halve
   * it when an epoch does not improve validation (`decay`). Default 'linear' with `maxSeconds`,
   * else 'constant'.
   */
  schedule?: 'linear' | 'constant';
  /** Data-parallel training in worker threads (Node: src/node/parallel.ts `workerThreads`). */
  parallel?: ParallelOptions;
  /**
   * Sampled softmax (seq2vec with a tied output): each batch's loss covers its targets plus
   * `samples` words drawn from the unigram distribution to the power 0.75, with the usual
   * correction, until `until` of the budget (default 0.8); the full softmax trains after that,
   * so the final probabilities are calibrated over the whole vocabulary. Several times faster
   * per batch with a large vocabulary.
   */
  sampledSoftmax?: { samples: number; until?: number };
  /**
   * Embedding (word-type) dropout, seq2vec: each batch drops every occurrence of a vocabulary
   * word from the inputs with this probability (network.ts `seq2vecPass`). Regularises the rare
   * words' embeddings, which `dropout` (one draw per unit) barely does. Default 0. Not with
   * layer norm (a RangeError); sampled softmax is off there too (tfjs's gradients, full softmax).
   */
  wordDropout?: number;
  /**
   * Weight averaging (Polyak–Ruppert): from this share of the budget (time or epochs, 0–1) on,
   * keep the running mean of the weights after every step; at each epoch's end the mean is
   * validated too, and the best on validation of the weights and their mean is returned. The
   * mean of the last steps is usually better than the last step (AWD-LSTM's averaged SGD).
   * Needs a validation split; with the device optimiser every step downloads the weights.
   */
  average?: number;
  /**
   * Keep the weights and Adam's moments on the tfjs backend and update them there (gradients,
   * their global norm, clipping and Adam as tensor ops): no download of every gradient and
   * upload of every weight per batch. Default: on with the 'webgl' backend and one replica.
   * Numerically the same steps as the JS Adam.
   */
  deviceOptimizer?: boolean;
  /**
   * Called with a copy of the weights every `everySeconds` of training; its own time is not
   * counted as training time. Resolving to true stops training ('time').
   */
  checkpoint?: {
    everySeconds: number;
    callback: (weights: Map<string, Float32Array>, trainedSeconds: number) => boolean | void | Promise<boolean | void>;
  };
}

export interface TrainResult {
  weights: Map<string, Float32Array>;
  history: TrainProgress[];
  stopped: 'completed' | 'early' | 'time';
  seconds: number;
  targets: number;
  bestValidationLoss: number;
}

function checkOptions(o: TrainOptions): void {
  const num = (v: unknown, name: string, rule: NumberRule) => v !== undefined && checkNumber(v, name, ...rule);
  const int = (v: unknown, name: string) => v !== undefined && checkInteger(v, name, 1);
  int(o.epochs, 'epochs');
  int(o.batchTokens, 'batchTokens');
  num(o.learningRate, 'learningRate', LEARNING_RATE);
  num(o.clipNorm, 'clipNorm', [(x) => x >= 0, 'a number ≥ 0']);
  num(o.validationSplit, 'validationSplit', SHARE);
  int(o.patience, 'patience');
  num(o.maxSeconds, 'maxSeconds', POSITIVE);
  num(o.wordDropout, 'wordDropout', SHARE);
  num(o.average, 'average', SHARE);
  if (o.signal !== undefined) checkSignal(o.signal);
  if (o.onProgress !== undefined) checkFunction(o.onProgress, 'onProgress');
}

/** Batches of the next `horizon` tokens after each prefix (for seq2seq). */
export function* horizonBatches(
  lines: readonly (readonly number[])[],
  o: { maxLength: number; horizon: number; batchTokens: number; seed: number },
): Generator<Batch> {
  const random = mulberry32(o.seed);
  const byLength = new Map<number, { input: number[]; target: number[] }[]>();
  for (const line of lines) {
    const seq = [BOS_ID, ...line, EOS_ID];
    for (let p = 1; p < seq.length; p++) {
      const input = seq.slice(Math.max(0, p - o.maxLength), p);
      const target = seq.slice(p, p + o.horizon);
      while (target.length < o.horizon) target.push(PAD_ID);
      let list = byLength.get(input.length);
      if (!list) byLength.set(input.length, (list = []));
      list.push({ input, target });
    }
  }
  const out: Batch[] = [];
  for (const [len, rows] of byLength) {
    for (let j = rows.length - 1; j > 0; j--) {
      const k = Math.floor(random() * (j + 1));
      [rows[j], rows[k]] = [rows[k]!, rows[j]!];
    }
    const per = Math.max(1, Math.floor(o.batchTokens / o.horizon));
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      const inputs = new Int32Array(chunk.length * len);
      const targets = new Int32Array(chunk.length * o.horizon);
      chunk.forEach((r, j) => {
        inputs.set(r.input, j * len);
        targets.set(r.target, j * o.horizon);
      });
      out.push({ inputs, targets, size: chunk.length, length: len, targetLength: o.horizon });
    }
  }
  for (let j = out.length - 1; j > 0; j--) {
    const k = Math.floor(random() * (j + 1));
    [out[j], out[k]] = [out[k]!, out[j]!];
  }
  yield* out;
}

function makeBatches(
  config: ModelConfig,
  lines: readonly (readonly number[])[],
  batchTokens: number,
  seed: number,
): Batch[] {
  if (config.shape === 'seq2seq')
    return [...horizonBatches(lines, { maxLength: config.maxLength, horizon: config.horizon, batchTokens, seed })];
  return [...sentenceBatches(lines, { maxLength: config.maxLength, batchTokens, seed })];
}

/** What a replica reports for one batch: sums over its targets. */
export interface BatchStats {
  /** Σ −log p(target) over the batch's targets. */
  loss: number;
  correct: number;
  count: number;
}

export interface RunOptions {
  seed: number;
  training: boolean;
  grads: boolean;
  /** Changes whenever the weights do (a replica reloads them then). */
  version: number;
  /** Train this batch with a sampled softmax over these candidates (seq2vec, tied output). */
  sample?: SampledCandidates;
  /** `TrainOptions.wordDropout` (seq2vec). */
  wordDropout?: number;
}

/**
 * Something that computes a batch's summed gradients from the current weights: the
 * in-process `localReplica`, or one in a worker thread (src/node/parallel.ts). `weights` is
 * the flat weight vector (weightShapes order) the loop updates in place between batches;
 * `grads` is this replica's own flat buffer for the gradients.
 */
export interface Replica {
  run(batch: Batch, o: RunOptions): Promise<BatchStats>;
  dispose(): void | Promise<void>;
  /**
   * One training step with the optimiser on the device (`TrainOptions.deviceOptimizer`): the
   * batch's gradients, their global norm, clipping and Adam, all as tensor ops on this
   * replica's weights; the flat `weights` are left as they were until `download()`.
   */
  deviceStep?(batch: Batch, o: RunOptions, adam: DeviceAdam): Promise<BatchStats & { norm: number }>;
  /** Copies the device's weights into the flat `weights` (after `deviceStep`s). */
  download?(): Promise<void>;
}

/** What a device step needs of the loop: the step number, the learning rate once the batch's
 * target count is known, the clipping norm and the weights to leave alone. */
export interface DeviceAdam {
  step: number;
  learningRate: (count: number) => number;
  clipNorm: number;
  frozen: readonly string[];
}

export type ReplicaFactory = (
  config: ModelConfig,
  weights: Float32Array,
  grads: Float32Array,
  index: number,
) => Promise<Replica>;

/** Data-parallel training: `threads` replicas, each a batch per step, gradients averaged. */
export interface ParallelOptions {
  threads: number;
  /** Creates replica `index` over shared buffers (SharedArrayBuffer-backed). */
  create: ReplicaFactory;
}

/** Offsets of each weight in the flat vector, in weightShapes order. */
export function weightLayout(config: ModelConfig): { name: string; shape: number[]; offset: number; size: number }[] {
  let offset = 0;
  return weightShapes(config).map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const r = { name, shape, offset, size };
    offset += size;
    return r;
  });
}

/**
 * A replica on this thread's tfjs backend. seq2vec batches run the hand-written pass
 * (network.ts `seq2vecPass`); seq2seq and layer norm use tfjs's automatic gradients
 * (`usesHandPass`).
 */
export async function localReplica(config: ModelConfig, weights: Float32Array, grads: Float32Array): Promise<Replica> {
  const layout = weightLayout(config);
  const vars = new Map<string, tf.Variable>(
    layout.map((l) => {
      const zeros = tf.zeros(l.shape);
      const variable = tf.variable(
        zeros,
        true,
        `replica_${l.name.replace(/\//g, '_')}_${Math.random().toString(36).slice(2)}`,
      );
      zeros.dispose();
      return [l.name, variable];
    }),
  );
  let loaded = -1;
  const load = (version: number) => {
    if (version === loaded) return;
    for (const l of layout) {
      const t = tf.tensor(weights.subarray(l.offset, l.offset + l.size), l.shape);
      vars.get(l.name)!.assign(t);
      t.dispose();
    }
    loaded = version;
  };
  /** The batch's loss, correct and count as scalars, and its summed gradients in layout order. */
  const pass = (
    batch: Batch,
    o: RunOptions,
  ): { loss: tf.Tensor; correct: tf.Tensor; count: number | tf.Tensor; grads: tf.Tensor[] } => {
    if (usesHandPass(config)) {
      let count = 0;
      const [loss, correct, ...gs] = tf.tidy(() => {
        const p = seq2vecPass(config, vars, batch, {
          training: o.training,
          grads: o.grads,
          seed: o.seed,
          sample: o.sample,
          wordDropout: o.wordDropout,
        });
        count = p.count;
        return [p.loss, p.correct, ...(p.grads ? layout.map((l) => p.grads!.get(l.name)!) : [])];
      });
      return { loss: loss!, correct: correct!, count, grads: gs };
    }
    return tf.tidy(() => {
      let correct!: tf.Scalar, count!: tf.Scalar;
      const f = () => {
        const r = batchLoss(config, vars, batch, o.training, o.seed);
        correct = r.correct;
        count = r.count;
        if (o.grads) {
          tf.keep(correct);
          tf.keep(count);
        }
        return tf.mul(r.loss, r.count) as tf.Scalar;
      };
      if (!o.grads) {
        const value = f();
        return { loss: value, correct, count, grads: [] };
      }
      const { value, grads: g } = tf.variableGrads(f, [...vars.values()]);
      return { loss: value, correct, count, grads: layout.map((l) => g[vars.get(l.name)!.name]!) };
    });
  };
  const moments = new Map<string, [tf.Variable, tf.Variable]>();
  return {
    async run(batch, o) {
      load(o.version);
      const p = pass(batch, o);
      const [loss, correct, count] = await readScalars([
        p.loss,
        p.correct,
        ...(typeof p.count === 'number' ? [] : [p.count]),
      ]);
      for (let i = 0; i < p.grads.length; i++) grads.set((await p.grads[i]!.data()) as Float32Array, layout[i]!.offset);
      tf.dispose([p.loss, p.correct, ...(typeof p.count === 'number' ? [] : [p.count]), ...p.grads]);
      return { loss, correct, count: typeof p.count === 'number' ? p.count : count };
    },
    async deviceStep(batch, o, adam) {
      load(o.version);
      const p = pass(batch, { ...o, grads: true });
      // With the target count known ahead, the update is queued first and loss, correct and
      // norm are read back together: one wait on the device per batch. Otherwise the count is
      // read first (the learning rate depends on it), then the norm.
      const counted = typeof p.count === 'number' ? p.count : undefined;
      const scalars = [p.loss, p.correct, ...(counted === undefined ? [p.count as tf.Tensor] : [])];
      let loss = NaN,
        correct = NaN,
        count = counted ?? 0;
      if (counted === undefined) [loss, correct, count] = await readScalars(scalars);
      let normT: tf.Tensor | undefined;
      if (count > 0) {
        const lr = adam.learningRate(count);
        const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-7]; // as adamStep
        const c1 = 1 - beta1 ** adam.step,
          c2 = 1 - beta2 ** adam.step;
        normT = tf.tidy(() => {
          // The norm of what is trained: frozen weights' gradients count as 0, as in the JS loop.
          const sq = tf.addN(
            p.grads.filter((_, i) => !adam.frozen.includes(layout[i]!.name)).map((g) => tf.sum(tf.square(g))),
          );
          const n = tf.div(tf.sqrt(sq), Math.max(count, 1));
          // clip / count, as the JS loop scales the summed gradients
          const clip =
            adam.clipNorm > 0
              ? tf.where(tf.greater(n, adam.clipNorm), tf.div(adam.clipNorm, n), tf.scalar(1))
              : tf.scalar(1);
          const scale = tf.div(clip, count);
          layout.forEach((l, i) => {
            if (adam.frozen.includes(l.name)) return;
            let mv = moments.get(l.name);
            if (!mv) {
              mv = [tf.variable(tf.zeros(l.shape), false), tf.variable(tf.zeros(l.shape), false)];
              moments.set(l.name, mv);
            }
            const [m, v] = mv;
            const g = tf.mul(p.grads[i]!, scale);
            const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
            const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
            m.assign(m1);
            v.assign(v1);
            const w = vars.get(l.name)!;
            w.assign(tf.sub(w, tf.div(tf.mul(m1, lr / c1), tf.add(tf.div(tf.sqrt(v1), Math.sqrt(c2)), epsilon))));
          });
          return n;
        });
      }
      let norm = 0;
      if (counted !== undefined) {
        [loss, correct, norm] = await readScalars([p.loss, p.correct, ...(normT ? [normT] : [])]);
        if (!normT) norm = 0;
      } else if (normT) {
        norm = (await normT.data())[0]!;
      }
      normT?.dispose();
      tf.dispose([...scalars, ...p.grads]);
      return { loss, correct, count, norm };
    },
    async download() {
      for (const l of layout) weights.set((await vars.get(l.name)!.data()) as Float32Array, l.offset);
    },
    dispose() {
      tf.dispose([...vars.values(), ...[...moments.values()].flat()]);
    },
  };
}

/** Whether batches run the hand-written pass (seq2vec without layer norm) rather than tfjs's
 * automatic gradients (seq2seq, layer norm): sampled softmax and word dropout need it. */
export function usesHandPass(config: ModelConfig): boolean {
  return config.shape === 'seq2vec' && config.norm === 'none';
}

/** Loss and counts of one batch; `training` turns dropout on. */
function batchLoss(config: ModelConfig, weights: Weights, batch: Batch, training: boolean, seed: number) {
  const ids = tf.tensor2d(batch.inputs, [batch.size, batch.length], 'int32');
  const targets = tf.tensor1d(batch.targets, 'int32');
  const forward = config.shape === 'seq2seq' ? forwardSeq2Seq : forwardSeq2Vec;
  const logits = forward(config, weights, ids, { training, seed });
  return maskedCrossEntropy(logits, targets, PAD_ID);
}

/** Reads scalars without blocking (no dataSync). */
async function readScalars(ts: tf.Tensor[]): Promise<[number, number, number, number]> {
  const values = await Promise.all(ts.map((t) => t.data()));
  return [0, 1, 2, 3].map((i) => values[i]?.[0] ?? NaN) as [number, number, number, number];
}

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Unigram distribution of the targets and the sampling proposal (unigram^0.75, cumulative). */
function proposal(
  V: number,
  lines: readonly (readonly number[])[],
): { unigram: Float64Array; cumulative: Float64Array } {
  const counts = new Float64Array(V);
  let total = 0;
  for (const l of lines) {
    for (const id of l) if (id >= 0 && id < V) counts[id]!++;
    counts[EOS_ID]!++;
    total += l.length + 1;
  }
  const unigram = counts.map((c) => c / Math.max(total, 1));
  const cumulative = new Float64Array(V);
  let acc = 0;
  for (let i = 0; i < V; i++) cumulative[i] = acc += Math.pow(counts[i]!, 0.75);
  return { unigram, cumulative };
}

/** Adam (Kingma & Ba), in place on flat arrays; the same defaults as tf.train.adam. */
export function adamStep(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  step: number,
  lr: number,
  scale = 1,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon = 1e-7,
): void {
  const c1 = 1 - beta1 ** step,
    c2 = 1 - beta2 ** step;
  const a = lr / c1;
  const s2 = Math.sqrt(c2);
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]! * scale;
    const mi = (m[i] = beta1 * m[i]! + (1 - beta1) * gi);
    const vi = (v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi);
    w[i]! -= (a * mi) / (Math.sqrt(vi) / s2 + epsilon);
  }
}

/** Shuffles the lines (seeded) and splits off the validation lines, unless they are given. */
function splitLines(
  usable: readonly (readonly number[])[],
  seed: number,
  validationSplit: number,
  validationLines: TrainOptions['validationLines'],
): { trainLines: (readonly number[])[]; valLines: (readonly number[])[] } {
  const random = mulberry32(seed);
  const order = usable
    .map((l, i) => ({ l, k: random(), i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.l);
  const given = validationLines?.filter((l) => l.length > 0);
  const nVal = given ? 0 : validationSplit > 0 ? Math.max(1, Math.round(order.length * validationSplit)) : 0;
  return { trainLines: order.slice(nVal), valLines: given ?? order.slice(0, nVal) };
}

/** Writes the starting weights into the flat buffer: `initial` when given (all of them), else seeded Glorot. */
async function fillInitialWeights(
  weights: Float32Array,
  config: ModelConfig,
  layout: ReturnType<typeof weightLayout>,
  seed: number,
  initial: TrainOptions['initialWeights'],
): Promise<void> {
  const init = createWeights(config, seed);
  try {
    for (const l of layout) {
      const given = initial?.get(l.name);
      if (initial && (!given || given.length !== l.size)) {
        throw new RangeError(`initialWeights: ${l.name} must have ${l.size} values, got ${given?.length ?? 'none'}`);
      }
      weights.set(given ?? ((await init.get(l.name)!.data()) as Float32Array), l.offset);
    }
  } finally {
    tf.dispose([...init.values()]);
  }
}

/** Adds the first `n` replicas' gradients into the first one's buffer, and returns it. */
function sumGradients(replicaGrads: readonly Float32Array[], n: number): Float32Array {
  const g = replicaGrads[0]!;
  for (let r = 1; r < n; r++) {
    const o = replicaGrads[r]!;
    for (let i = 0; i < g.length; i++) g[i]! += o[i]!;
  }
  return g;
}

/** The global norm of summed gradients divided by the number of targets (the mean's norm). */
function meanGradientNorm(g: Float32Array, count: number): number {
  let sq = 0;
  for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
  return Math.sqrt(sq) / Math.max(count, 1);
}

/** The learning rate of the next step: constant, or linear warm-up then linear decay to 2 %. */
function learningRateAt(schedule: 'linear' | 'constant', base: number, step: number, progress: number): number {
  return schedule === 'linear' ? base * Math.min(1, (step + 1) / WARMUP_STEPS) * Math.max(0.02, 1 - progress) : base;
}

/** Mean loss and accuracy over the validation batches, spread over the replicas. */
async function validate(
  replicas: readonly Replica[],
  valBatches: readonly Batch[],
  version: number,
): Promise<{ loss: number; accuracy: number }> {
  const R = replicas.length;
  let vl = 0,
    vc = 0,
    vn = 0;
  for (let i = 0; i < valBatches.length; i += R) {
    const stats = await Promise.all(
      valBatches
        .slice(i, i + R)
        .map((vb, j) => replicas[j]!.run(vb, { seed: 0, training: false, grads: false, version })),
    );
    for (const s of stats) {
      vl += s.loss;
      vc += s.correct;
      vn += s.count;
    }
  }
  return { loss: vl / Math.max(vn, 1), accuracy: vc / Math.max(vn, 1) };
}

/**
 * Trains a model on lines of token ids (without <s>/</s>: they are added). Resolves with the
 * trained weights (the best on validation when there is a validation split); rejects with an
 * AbortError when `signal` aborts, within one batch.
 *
 * The weights, Adam's moments and the update live in plain Float32Arrays here; replicas (this
 * thread's tfjs, or worker threads with `parallel`) compute summed gradients of one batch each
 * per step; the step averages them over all targets, clips by global norm and applies Adam.
 */
export async function trainModel(
  config: ModelConfig,
  lines: readonly (readonly number[])[],
  options: TrainOptions = {},
): Promise<TrainResult> {
  checkOptions(options);
  if (options.wordDropout && config.norm !== 'none')
    throw new RangeError(
      `wordDropout needs the hand-written pass, which has no layer normalisation: got norm ${JSON.stringify(config.norm)}`,
    );
  if (!Array.isArray(lines)) throw new TypeError(`lines must be an array of token-id arrays, got ${describe(lines)}`);
  const {
    epochs = 5,
    batchTokens = DEFAULT_BATCH_TOKENS,
    learningRate = 2e-3,
    clipNorm = 5,
    validationSplit = 0.05,
    patience = 2,
    maxSeconds = Infinity,
    decay = true,
    seed = 1,
    signal,
    onProgress,
  } = options;
  const schedule = options.schedule ?? (Number.isFinite(maxSeconds) ? 'linear' : 'constant');
  if (signal?.aborted) throw abortError(signal.reason, 'training was cancelled');
  const usable = lines.filter((l) => l.length > 0);
  if (usable.length < 1)
    throw new RangeError(
      `the corpus is too small to train on: ${usable.length} non-empty line(s), expected at least 1`,
    );
  const { trainLines, valLines } = splitLines(usable, seed, validationSplit, options.validationLines);
  const valBatches = valLines.length > 0 ? makeBatches(config, valLines, Math.min(batchTokens, 2048), seed) : [];
  const trainTargets = trainLines.reduce((n, l) => n + l.length + 1, 0);
  const sampling =
    options.sampledSoftmax && options.sampledSoftmax.samples > 0 && config.tied && usesHandPass(config)
      ? proposal(config.vocabSize, trainLines)
      : undefined;
  const sampleUntil = options.sampledSoftmax?.until ?? 0.8;
  const sampleRandom = mulberry32(seed ^ 0x5eed5);

  const layout = weightLayout(config);
  const P = layout.reduce((n, l) => n + l.size, 0);
  const threads = options.parallel ? Math.max(1, Math.floor(options.parallel.threads)) : 1;
  const shared = threads > 1 && typeof SharedArrayBuffer !== 'undefined';
  const buffer = (n: number) => new Float32Array(shared ? new SharedArrayBuffer(4 * n) : new ArrayBuffer(4 * n));
  const weights = buffer(P);
  await fillInitialWeights(weights, config, layout, seed, options.initialWeights);
  const frozen = layout.filter((l) => options.frozen?.includes(l.name));
  if (options.frozen) {
    const unknown = options.frozen.filter((n) => !layout.some((l) => l.name === n));
    if (unknown.length > 0)
      throw new RangeError(`frozen: no weight named ${unknown.join(', ')} in a ${config.shape} model`);
  }
  const replicaGrads = Array.from({ length: shared ? threads : 1 }, () => buffer(P));
  const replicas: Replica[] = [];
  const history: TrainProgress[] = [];
  let started = Date.now();
  let targetsSeen = 0;
  let best = Infinity;
  let bestWeights: Map<string, Float32Array> | undefined;
  let bad = 0;
  let stopped: TrainResult['stopped'] = 'completed';
  let base = learningRate;
  let version = 0;
  let step = 0;
  const m = new Float32Array(P),
    v = new Float32Array(P);
  let pausedMs = 0;
  let nextCheckpoint = options.checkpoint?.everySeconds ?? Infinity;
  const clock = () => (Date.now() - started - pausedMs) / 1000;
  let onDevice = false;
  /** The running mean of the weights since `options.average` of the budget (null before). */
  let mean: Float32Array | null = null;
  let meanSteps = 0;
  /** The share of the budget (time or epochs) spent once `count` more targets are trained. */
  const progressAfter = (count: number) =>
    Math.max(clock() / maxSeconds, (targetsSeen + count) / (epochs * trainTargets));
  /** Copies of each weight out of a flat vector (the weights, or their mean). */
  const byName = (flat: Float32Array) => new Map(layout.map((l) => [l.name, flat.slice(l.offset, l.offset + l.size)]));
  /** A copy of the weights (from the device first, when the optimiser runs there). */
  const snapshot = async () => {
    if (onDevice) await replicas[0]!.download!();
    return byName(weights);
  };
  try {
    if (shared) {
      for (let i = 0; i < threads; i++)
        replicas.push(await options.parallel!.create(config, weights, replicaGrads[i]!, i));
    } else replicas.push(await localReplica(config, weights, replicaGrads[0]!));
    started = Date.now(); // the budget counts training, not starting workers
    const R = replicas.length;
    onDevice = R === 1 && !!replicas[0]!.deviceStep && (options.deviceOptimizer ?? tf.getBackend() === 'webgl');
    outer: for (let epoch = 1; epoch <= epochs; epoch++) {
      const batches = makeBatches(config, trainLines, batchTokens, seed + epoch);
      let sumLoss = 0,
        sumCorrect = 0,
        sumCount = 0,
        sumNorm = 0,
        steps = 0;
      for (let b = 0; b < batches.length; b += R) {
        if (signal?.aborted) throw abortError(signal.reason, 'training was cancelled');
        const group = batches.slice(b, b + R);
        const sampled = sampling && progressAfter(0) < sampleUntil;
        const runOptions = group.map((batch, i): RunOptions => ({
          seed: seed * 100_003 + epoch * 1009 + b + i,
          training: true,
          grads: true,
          version,
          ...(options.wordDropout ? { wordDropout: options.wordDropout } : {}),
          sample: sampled
            ? sampleCandidates(
                batch.targets,
                options.sampledSoftmax!.samples,
                sampling.cumulative,
                sampling.unigram,
                sampleRandom,
              )
            : undefined,
        }));
        const lrAt = (count: number) => learningRateAt(schedule, base, step, Math.min(1, progressAfter(count)));
        let count: number, loss: number, correct: number, norm: number, lr: number;
        if (onDevice) {
          let used = 0;
          const frozenNames = frozen.map((l) => l.name);
          const learningRate = (c: number) => (used = lrAt(c));
          const s = await replicas[0]!.deviceStep!(group[0]!, runOptions[0]!, {
            step: step + 1,
            learningRate,
            clipNorm,
            frozen: frozenNames,
          });
          if (signal?.aborted) throw abortError(signal.reason, 'training was cancelled');
          ({ count, loss, correct, norm } = s);
          lr = count > 0 ? used : lrAt(0);
          if (count > 0) step++; // the weights changed on the device; the flat copy waits for snapshot()
        } else {
          const stats = await Promise.all(group.map((batch, i) => replicas[i]!.run(batch, runOptions[i]!)));
          if (signal?.aborted) throw abortError(signal.reason, 'training was cancelled');
          count = stats.reduce((n, s) => n + s.count, 0);
          loss = stats.reduce((n, s) => n + s.loss, 0);
          correct = stats.reduce((n, s) => n + s.correct, 0);
          const g = sumGradients(replicaGrads, group.length);
          for (const l of frozen) g.fill(0, l.offset, l.offset + l.size);
          norm = meanGradientNorm(g, count);
          const clip = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
          lr = lrAt(count);
          if (count > 0) {
            step++;
            adamStep(weights, g, m, v, step, lr, clip / count);
            version++;
          }
        }
        if (options.average !== undefined && count > 0 && valBatches.length > 0) {
          if (progressAfter(0) >= options.average) {
            if (onDevice) await replicas[0]!.download!();
            meanSteps++;
            if (!mean) mean = weights.slice();
            else for (let i = 0; i < P; i++) mean[i]! += (weights[i]! - mean[i]!) / meanSteps;
          }
        }
        const meanLoss = loss / Math.max(count, 1);
        sumLoss += loss;
        sumCorrect += correct;
        sumCount += count;
        sumNorm += norm;
        steps++;
        targetsSeen += count;
        const elapsed = clock();
        const rate = targetsSeen / Math.max(elapsed, 1e-3);
        const done = Math.min(b + R, batches.length);
        const perEpoch = elapsed / (epoch - 1 + done / batches.length);
        const eta = Math.min(
          perEpoch * (epochs - epoch + 1 - done / batches.length),
          Math.max(0, maxSeconds - elapsed),
        );
        const p: TrainProgress = {
          phase: 'batch',
          epoch,
          epochs,
          batch: done,
          batches: batches.length,
          loss: meanLoss,
          accuracy: correct / Math.max(count, 1),
          gradientNorm: norm,
          targetsPerSecond: rate,
          etaSeconds: eta,
          learningRate: lr,
        };
        onProgress?.(p);
        await pause();
        let stop = false;
        if (options.checkpoint && elapsed >= nextCheckpoint) {
          nextCheckpoint = elapsed + options.checkpoint.everySeconds;
          const t0 = Date.now();
          stop = (await options.checkpoint.callback(await snapshot(), elapsed)) === true;
          pausedMs += Date.now() - t0;
        }
        if (stop || elapsed >= maxSeconds) {
          stopped = 'time';
          await endEpoch(epoch, batches.length, done);
          break outer;
        }
      }
      const improved = await endEpoch(epoch, batches.length, batches.length);
      if (valBatches.length > 0 && !improved) {
        bad++;
        if (decay) base /= 2;
        if (bad >= patience) {
          stopped = 'early';
          break;
        }
      }

      async function endEpoch(ep: number, total: number, done: number): Promise<boolean> {
        let validationLoss: number | undefined, validationAccuracy: number | undefined;
        let averageValidationLoss: number | undefined;
        let improvedNow = false;
        if (valBatches.length > 0) {
          ({ loss: validationLoss, accuracy: validationAccuracy } = await validate(replicas, valBatches, version));
          if (validationLoss < best) {
            best = validationLoss;
            bestWeights = await snapshot();
            improvedNow = true;
          }
          if (mean) {
            // Validate the mean in the weights' place, then put the weights back.
            if (onDevice) await replicas[0]!.download!();
            const own = weights.slice();
            weights.set(mean);
            ({ loss: averageValidationLoss } = await validate(replicas, valBatches, ++version));
            weights.set(own);
            version++;
            if (averageValidationLoss < best) {
              best = averageValidationLoss;
              bestWeights = byName(mean);
              improvedNow = true;
            }
          }
        }
        const elapsed = clock();
        const p: TrainProgress = {
          phase: 'epoch',
          epoch: ep,
          epochs,
          batch: done,
          batches: total,
          loss: sumLoss / Math.max(sumCount, 1),
          accuracy: sumCorrect / Math.max(sumCount, 1),
          gradientNorm: sumNorm / Math.max(steps, 1),
          targetsPerSecond: targetsSeen / Math.max(elapsed, 1e-3),
          etaSeconds: (elapsed / ep) * (epochs - ep),
          validationLoss,
          validationAccuracy,
          ...(averageValidationLoss !== undefined ? { averageValidationLoss } : {}),
        };
        history.push(p);
        onProgress?.(p);
        return improvedNow;
      }
    }
    const final = bestWeights ?? (await snapshot());
    return { weights: final, history, stopped, seconds: clock(), targets: targetsSeen, bestValidationLoss: best };
  } finally {
    await Promise.all(replicas.map((r) => r.dispose()));
  }
}
