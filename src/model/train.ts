/**
 * The training loop: Adam with gradient clipping by global norm (a custom loop, since
 * `tf.train.adam` and `model.fit` cannot clip), seeded batches, progress per batch and per
 * epoch, validation, early stopping, a time budget and cancellation through an AbortSignal.
 * Every tensor is disposed. Pure: no DOM, no I/O, no console.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config.js';
import { createWeights, forwardSeq2Seq, forwardSeq2Vec, maskedCrossEntropy, type Weights } from './network.js';
import { mulberry32, sentenceBatches, type Batch } from '../data/windows.js';
import { PAD_ID, BOS_ID, EOS_ID } from '../text/vocabulary.js';
import { describe } from '../text/tokenize.js';

export interface TrainProgress {
  phase: 'batch' | 'epoch';
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Mean loss (cross-entropy, nats) of this batch, or of the epoch on 'epoch'. */
  loss: number;
  /** Share of targets predicted first, same scope as loss. */
  accuracy: number;
  /** Global gradient norm before clipping (this batch, or the epoch's mean). */
  gradientNorm: number;
  targetsPerSecond: number;
  /** Estimated seconds left (epochs and time budget considered). */
  etaSeconds: number;
  validationLoss?: number;
  validationAccuracy?: number;
}

export interface TrainOptions {
  epochs?: number;
  /** Target tokens per batch (default 512). */
  batchTokens?: number;
  learningRate?: number;
  /** Clip gradients to this global norm (default 5; 0 turns clipping off). */
  clipNorm?: number;
  /** Share of lines held out for validation (default 0.05; 0 for none). */
  validationSplit?: number;
  /** Epochs without validation improvement before stopping (default 2). */
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
}

export interface TrainResult {
  weights: Map<string, Float32Array>;
  history: TrainProgress[];
  stopped: 'completed' | 'early' | 'time';
  seconds: number;
  targets: number;
  bestValidationLoss: number;
}

/** An Error with name 'AbortError', as fetch and DOM APIs use. */
export function abortError(reason?: unknown): Error {
  const e = new Error(reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'training was cancelled');
  e.name = 'AbortError';
  return e;
}

function checkOptions(o: TrainOptions): void {
  const num = (v: unknown, name: string, ok: (x: number) => boolean, expected: string) => {
    if (v !== undefined && (typeof v !== 'number' || !ok(v))) throw new RangeError(`${name} must be ${expected}, got ${describe(v)}`);
  };
  num(o.epochs, 'epochs', (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1');
  num(o.batchTokens, 'batchTokens', (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1');
  num(o.learningRate, 'learningRate', (x) => x > 0 && x < 10, 'a number in (0, 10)');
  num(o.clipNorm, 'clipNorm', (x) => x >= 0, 'a number ≥ 0');
  num(o.validationSplit, 'validationSplit', (x) => x >= 0 && x < 1, 'a number in [0, 1)');
  num(o.patience, 'patience', (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1');
  num(o.maxSeconds, 'maxSeconds', (x) => x > 0, 'a number > 0');
  if (o.signal !== undefined && (typeof o.signal !== 'object' || typeof o.signal?.aborted !== 'boolean')) {
    throw new TypeError(`signal must be an AbortSignal, got ${describe(o.signal)}`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new TypeError(`onProgress must be a function, got ${describe(o.onProgress)}`);
  }
}

/** Batches of the next `horizon` tokens after each prefix (for seq2seq). */
export function* horizonBatches(lines: readonly (readonly number[])[], o: { maxLength: number; horizon: number; batchTokens: number; seed: number }): Generator<Batch> {
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

function makeBatches(config: ModelConfig, lines: readonly (readonly number[])[], batchTokens: number, seed: number): Batch[] {
  if (config.shape === 'seq2seq') return [...horizonBatches(lines, { maxLength: config.maxLength, horizon: config.horizon, batchTokens, seed })];
  return [...sentenceBatches(lines, { maxLength: config.maxLength, batchTokens, seed })];
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

/** Snapshot of variables as plain arrays. */
async function snapshot(weights: Weights): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of weights) out.set(name, (await v.data()) as Float32Array);
  return out;
}

/**
 * Trains a model on lines of token ids (without <s>/</s>: they are added). Resolves with the
 * trained weights (the best on validation when there is a validation split); rejects with an
 * AbortError when `signal` aborts, within one batch.
 */
export async function trainModel(config: ModelConfig, lines: readonly (readonly number[])[], options: TrainOptions = {}): Promise<TrainResult> {
  checkOptions(options);
  if (!Array.isArray(lines)) throw new TypeError(`lines must be an array of token-id arrays, got ${describe(lines)}`);
  const {
    epochs = 5, batchTokens = 512, learningRate = 2e-3, clipNorm = 5, validationSplit = 0.05,
    patience = 2, maxSeconds = Infinity, decay = true, seed = 1, signal, onProgress,
  } = options;
  if (signal?.aborted) throw abortError(signal.reason);
  const usable = lines.filter((l) => l.length > 0);
  if (usable.length < 1) throw new RangeError(`the corpus is too small to train on: ${usable.length} non-empty line(s), expected at least 1`);
  const random = mulberry32(seed);
  const order = usable.map((l, i) => ({ l, k: random(), i })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.l);
  const given = options.validationLines?.filter((l) => l.length > 0);
  const nVal = given ? 0 : validationSplit > 0 ? Math.max(1, Math.round(order.length * validationSplit)) : 0;
  const valLines = given ?? order.slice(0, nVal);
  const trainLines = order.slice(nVal);
  const valBatches = valLines.length > 0 ? makeBatches(config, valLines, Math.min(batchTokens, 1024), seed) : [];

  const weights = createWeights(config, seed);
  if (options.initialWeights) {
    for (const [name, v] of weights) {
      const init = options.initialWeights.get(name);
      if (!init || init.length !== v.size) throw new RangeError(`initialWeights: ${name} must have ${v.size} values, got ${init?.length ?? 'none'}`);
      v.assign(tf.tensor(init, v.shape));
    }
  }
  const optimizer = tf.train.adam(learningRate);
  const vars = [...weights.values()];
  const history: TrainProgress[] = [];
  const started = Date.now();
  let targetsSeen = 0;
  let best = Infinity;
  let bestWeights: Map<string, Float32Array> | undefined;
  let bad = 0;
  let stopped: TrainResult['stopped'] = 'completed';
  let lr = learningRate;
  try {
    outer: for (let epoch = 1; epoch <= epochs; epoch++) {
      const batches = makeBatches(config, trainLines, batchTokens, seed + epoch);
      let sumLoss = 0, sumCorrect = 0, sumCount = 0, sumNorm = 0;
      for (let b = 0; b < batches.length; b++) {
        if (signal?.aborted) throw abortError(signal.reason);
        const batch = batches[b]!;
        const [lossT, correctT, countT, normT] = tf.tidy(() => {
          let correct!: tf.Scalar, count!: tf.Scalar;
          const { value, grads } = tf.variableGrads(() => {
            const r = batchLoss(config, weights, batch, true, seed * 100_003 + epoch * 1009 + b);
            tf.keep(r.correct);
            tf.keep(r.count);
            correct = r.correct;
            count = r.count;
            return r.loss;
          }, vars);
          const names = Object.keys(grads);
          const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))));
          const scale = clipNorm > 0 ? tf.minimum(1, tf.div(clipNorm, tf.maximum(norm, 1e-12))) : tf.scalar(1);
          const clipped: Record<string, tf.Tensor> = {};
          for (const n of names) clipped[n] = tf.mul(grads[n]!, scale);
          optimizer.applyGradients(clipped as Parameters<typeof optimizer.applyGradients>[0]);
          return [value, correct, count, norm];
        });
        const [loss, correct, count, norm] = await readScalars([lossT, correctT, countT, normT]);
        tf.dispose([lossT, correctT, countT, normT]);
        sumLoss += loss * count;
        sumCorrect += correct;
        sumCount += count;
        sumNorm += norm;
        targetsSeen += count;
        const elapsed = (Date.now() - started) / 1000;
        const rate = targetsSeen / Math.max(elapsed, 1e-3);
        const perEpoch = elapsed / (epoch - 1 + (b + 1) / batches.length);
        const eta = Math.min(perEpoch * (epochs - epoch + 1 - (b + 1) / batches.length), Math.max(0, maxSeconds - elapsed));
        const p: TrainProgress = {
          phase: 'batch', epoch, epochs, batch: b + 1, batches: batches.length, loss, accuracy: correct / count,
          gradientNorm: norm, targetsPerSecond: rate, etaSeconds: eta,
        };
        onProgress?.(p);
        await pause();
        if (elapsed >= maxSeconds) {
          stopped = 'time';
          await endEpoch(epoch, batches.length, b + 1);
          break outer;
        }
      }
      const improved = await endEpoch(epoch, batches.length, batches.length);
      if (valBatches.length > 0 && !improved) {
        bad++;
        if (decay) {
          lr /= 2;
          (optimizer as unknown as { learningRate: number }).learningRate = lr;
        }
        if (bad >= patience) {
          stopped = 'early';
          break;
        }
      }

      async function endEpoch(ep: number, total: number, done: number): Promise<boolean> {
        let validationLoss: number | undefined, validationAccuracy: number | undefined;
        let improvedNow = false;
        if (valBatches.length > 0) {
          let vl = 0, vc = 0, vn = 0;
          for (const vb of valBatches) {
            const [l, c, n] = tf.tidy(() => {
              const r = batchLoss(config, weights, vb, false, 0);
              return [r.loss, r.correct, r.count];
            });
            const [lv, cv, nv] = await readScalars([l!, c!, n!]);
            tf.dispose([l!, c!, n!]);
            vl += lv * nv;
            vc += cv;
            vn += nv;
          }
          validationLoss = vl / vn;
          validationAccuracy = vc / vn;
          if (validationLoss < best) {
            best = validationLoss;
            bestWeights = await snapshot(weights);
            improvedNow = true;
          }
        }
        const elapsed = (Date.now() - started) / 1000;
        const p: TrainProgress = {
          phase: 'epoch', epoch: ep, epochs, batch: done, batches: total,
          loss: sumLoss / Math.max(sumCount, 1), accuracy: sumCorrect / Math.max(sumCount, 1),
          gradientNorm: sumNorm / Math.max(done, 1), targetsPerSecond: targetsSeen / Math.max(elapsed, 1e-3),
          etaSeconds: (elapsed / ep) * (epochs - ep), validationLoss, validationAccuracy,
        };
        history.push(p);
        onProgress?.(p);
        return improvedNow;
      }
    }
    const final = bestWeights ?? (await snapshot(weights));
    return { weights: final, history, stopped, seconds: (Date.now() - started) / 1000, targets: targetsSeen, bestValidationLoss: best };
  } finally {
    optimizer.dispose();
    tf.dispose(vars);
  }
}
