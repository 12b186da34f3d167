/**
 * The hand-written training pass of the next-word model (seq2vec): forward and backward
 * without tfjs's tape, and the sampled-softmax candidates it may train with. The same
 * equations as network.ts, which the tape differentiates; a test checks the two agree.
 * Pure: no DOM, no I/O.
 */
import * as tf from '@tensorflow/tfjs';
import {
  CELL_GATES,
  GATE_ORDER,
  LEAKY_SLOPE,
  gateOffsets,
  type Activation,
  type ModelConfig,
} from '../inference/model/model-config.js';
import { XENT_KERNEL, hasXentKernel } from './tfjs-backend.js';
import { EOS_ID } from '../text/vocabulary.js';
import { activationOp } from './network.js';

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

/** Unigram distribution of the targets and the sampling proposal (unigram^0.75, cumulative). */
export function proposal(
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
