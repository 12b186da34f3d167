/**
 * The training loop: Adam with gradient clipping by global norm (a custom loop, since
 * `tf.train.adam` and `model.fit` cannot clip), seeded batches, progress per batch and per
 * epoch, validation, early stopping, a time budget and cancellation through an AbortSignal.
 * Every tensor is disposed. Pure: no DOM, no I/O, no console.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../inference/model/model-config.js';
import { createWeights } from './network.js';
import { proposal, sampleCandidates } from './hand-pass.js';
import {
  localReplica,
  usesHandPass,
  weightLayout,
  type ParallelOptions,
  type Replica,
  type RunOptions,
} from './replica.js';
import { LEARNING_RATE, TRAIN_DEFAULTS } from '../inference/model/model-config.js';
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

/** Steps over which the linear schedule warms the learning rate up. */
const WARMUP_STEPS = 30;

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
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

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
    epochs = TRAIN_DEFAULTS.callEpochs,
    batchTokens = TRAIN_DEFAULTS.batchTokens,
    learningRate = TRAIN_DEFAULTS.callLearningRate,
    clipNorm = 5,
    validationSplit = 0.05,
    patience = 2,
    maxSeconds = Infinity,
    decay = true,
    seed = TRAIN_DEFAULTS.seed,
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
