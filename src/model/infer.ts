/**
 * Inference in plain JavaScript on Float32Arrays: one recurrent step per word, the state kept
 * between calls, no tensors and no backend. The same weights and equations as network.ts
 * (Keras gate order), so a model trained with tfjs predicts here without tfjs at all.
 * Pure: no DOM, no I/O.
 */
import { CELL_GATES, weightShapes, type ModelConfig } from './config.js';

/** The recurrent state after some words: per layer h (and c for LSTM). */
export interface RecurrentState {
  readonly h: readonly Float32Array[];
  readonly c: readonly (Float32Array | null)[];
  /** The top layer's output after the last step (what the next word is predicted from). */
  readonly top: Float32Array;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** out += x · W for W row-major [x.length, out.length]. */
function addVecMat(out: Float32Array, x: Float32Array, W: Float32Array, rowOffset = 0, cols = out.length, stride = out.length, colOffset = 0): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const base = (rowOffset + i) * stride + colOffset;
    for (let j = 0; j < cols; j++) out[j]! += xi * W[base + j]!;
  }
}

export class RecurrentNetwork {
  readonly config: ModelConfig;
  readonly #w: ReadonlyMap<string, Float32Array>;

  constructor(config: ModelConfig, weights: ReadonlyMap<string, Float32Array>) {
    for (const [name, shape] of weightShapes(config)) {
      const w = weights.get(name);
      const size = shape.reduce((a, b) => a * b, 1);
      if (!w) throw new RangeError(`weights: ${name} is missing`);
      if (w.length !== size) throw new RangeError(`weights: ${name} must have ${size} values (shape ${shape.join('×')}), got ${w.length}`);
    }
    this.config = config;
    this.#w = weights;
  }

  get weights(): ReadonlyMap<string, Float32Array> {
    return this.#w;
  }

  /** The state before any word (all zeros). */
  initialState(): RecurrentState {
    const { layers, hiddenSize: H, cell } = this.config;
    const h = Array.from({ length: layers }, () => new Float32Array(H));
    const c = Array.from({ length: layers }, () => (cell === 'lstm' ? new Float32Array(H) : null));
    return { h, c, top: h[layers - 1]! };
  }

  /** One cell step of layer `prefix` from input x; returns new h and c. */
  #cell(prefix: string, x: Float32Array, h: Float32Array, c: Float32Array | null): [Float32Array, Float32Array | null] {
    const { cell, hiddenSize: H } = this.config;
    const G = CELL_GATES[cell];
    const W = this.#w.get(`${prefix}/kernel`)!;
    const U = this.#w.get(`${prefix}/recurrent`)!;
    const b = this.#w.get(`${prefix}/bias`)!;
    const z = new Float32Array(b);
    addVecMat(z, x, W);
    if (cell === 'gru') {
      // z, r gates use h·U[:, :2H]; the candidate uses (r⊙h)·U[:, 2H:]
      const zr = z.subarray(0, 2 * H);
      addVecMat(zr, h, U, 0, 2 * H, G * H, 0);
      const hNew = new Float32Array(H);
      const rh = new Float32Array(H);
      for (let j = 0; j < H; j++) rh[j] = sigmoid(zr[H + j]!) * h[j]!;
      const cand = z.subarray(2 * H);
      addVecMat(cand, rh, U, 0, H, G * H, 2 * H);
      for (let j = 0; j < H; j++) {
        const u = sigmoid(zr[j]!);
        hNew[j] = u * h[j]! + (1 - u) * Math.tanh(cand[j]!);
      }
      return [hNew, null];
    }
    addVecMat(z, h, U);
    if (cell === 'rnn') {
      for (let j = 0; j < H; j++) z[j] = Math.tanh(z[j]!);
      return [z, null];
    }
    const hNew = new Float32Array(H);
    const cNew = new Float32Array(H);
    for (let j = 0; j < H; j++) {
      const i = sigmoid(z[j]!), f = sigmoid(z[H + j]!), g = Math.tanh(z[2 * H + j]!), o = sigmoid(z[3 * H + j]!);
      cNew[j] = f * c![j]! + i * g;
      hNew[j] = o * Math.tanh(cNew[j]!);
    }
    return [hNew, cNew];
  }

  /** The embedding row of a token id. */
  embed(id: number): Float32Array {
    const E = this.config.embeddingSize;
    if (!Number.isInteger(id) || id < 0 || id >= this.config.vocabSize) {
      throw new RangeError(`token id must be an integer in 0…${this.config.vocabSize - 1}, got ${id}`);
    }
    return this.#w.get('embedding')!.subarray(id * E, (id + 1) * E);
  }

  /** The state after reading one more token. The given state is not changed. */
  step(state: RecurrentState, id: number, prefix = 'rnn', input?: Float32Array): RecurrentState {
    let x = input ?? this.embed(id);
    const h: Float32Array[] = [];
    const c: (Float32Array | null)[] = [];
    for (let l = 0; l < this.config.layers; l++) {
      const [hl, cl] = this.#cell(`${prefix}${l}`, x, state.h[l]!, state.c[l]!);
      h.push(hl);
      c.push(cl);
      x = hl;
    }
    return { h, c, top: x };
  }

  /** Logits over the vocabulary from a top-layer output. */
  logits(top: Float32Array): Float32Array {
    const { vocabSize: V, embeddingSize: E, hiddenSize: H } = this.config;
    const out = new Float32Array(this.#w.get('output/bias')!);
    if (this.config.tied) {
      const q = new Float32Array(E);
      addVecMat(q, top, this.#w.get('output/projection')!);
      const emb = this.#w.get('embedding')!;
      for (let v = 0; v < V; v++) {
        let s = 0;
        const base = v * E;
        for (let j = 0; j < E; j++) s += q[j]! * emb[base + j]!;
        out[v]! += s;
      }
    } else {
      const K = this.#w.get('output/kernel')!;
      addVecMat(out, top.subarray(0, H), K);
    }
    return out;
  }

  /** Probabilities over the vocabulary (softmax of the logits). */
  probabilities(top: Float32Array): Float32Array {
    return softmax(this.logits(top));
  }

  /**
   * The seq2seq decoder's direct output: from the encoder state after the context, the
   * distributions of the next `horizon` words, computed at once without feeding predictions back.
   */
  decode(state: RecurrentState): Float32Array[] {
    if (this.config.shape !== 'seq2seq') throw new RangeError(`decode needs a seq2seq model, this one is ${this.config.shape}`);
    const E = this.config.embeddingSize;
    const steps = this.#w.get('decoder/steps')!;
    const out: Float32Array[] = [];
    let s = state;
    for (let t = 0; t < this.config.horizon; t++) {
      s = this.step(s, 0, 'dec', steps.subarray(t * E, (t + 1) * E));
      out.push(this.probabilities(s.top));
    }
    return out;
  }
}

/** Softmax in place, numerically stable. */
export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp(logits[i]! - max);
    logits[i] = e;
    sum += e;
  }
  for (let i = 0; i < logits.length; i++) logits[i]! /= sum;
  return logits;
}
