/**
 * Replicas: what computes a batch's gradients from the current weights for the training loop
 * (train.ts) — on this thread's tfjs backend (`localReplica`), or in a worker thread
 * (src/node/parallel.ts) over the same flat weight layout. Every tensor is disposed.
 * Pure: no DOM, no I/O.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../inference/model/model-config.js';
import { weightShapes } from '../inference/model/model-config.js';
import type { Batch } from '../data/windows.js';
import { PAD_ID } from '../text/vocabulary.js';
import { forwardSeq2Seq, forwardSeq2Vec, maskedCrossEntropy, type Weights } from './network.js';
import { seq2vecPass, type SampledCandidates } from './hand-pass.js';

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
