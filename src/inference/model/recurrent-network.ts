/**
 * Inference in plain JavaScript on Float32Arrays: one recurrent step per word, the state kept
 * between calls, no tensors and no backend. The same weights and equations as network.ts
 * (Keras gate order), so a model trained with tfjs predicts here without tfjs at all.
 * Pure: no DOM, no I/O.
 */
import {
  CELL_GATES,
  LAYER_NORM_EPSILON,
  activate,
  gateOffsets,
  weightShapes,
  type ModelConfig,
} from './model-config.js';
import { kernelModule, instantiateKernels } from '../kernels/wasm.js';
import { LazyWeights, quantizeRows, weightLength } from '../kernels/quantize.js';
import { checkInteger } from '../../base/checks.js';

/** The recurrent state after some words: per layer h (and c for LSTM). */
export interface RecurrentState {
  readonly h: readonly Float32Array[];
  readonly c: readonly (Float32Array | null)[];
  /** The top layer's output after the last step (what the next word is predicted from). */
  readonly top: Float32Array;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// ---- WebAssembly SIMD kernels ---------------------------------------------------------------
// Four small functions of kernels.wat (assembled by wabt into kernels-wasm.ts at build time,
// no tfjs; its other functions load models, see wasm.ts): the matrix–vector products are 4–10× faster with f32x4 than in scalar
// JavaScript, which is what keeps a keystroke under a couple of milliseconds with a 15k-word
// output layer. Where WebAssembly SIMD is missing the plain-JS loops below serve instead, with
// the same results to rounding.
//
//   dots(q, m, out, rows, cols):  out[r] = Σ_j q[j]·m[r·cols + j]        (cols % 8 = 0)
//   axpy(x, W, out, k, n, stride): out[j] += Σ_i x[i]·W[i·stride/4 + j]  (n % 4 = 0, n > 0)
//   dotsI8(q, m, out, rows, cols): out[r] = Σ_j q[j]·m[r·cols + j], q int16, m int8, out int32
//                                  (cols % 16 = 0): the tied output layer quantised per row,
//                                  a quarter of the memory traffic of dots (see logits()).
//   expsum(l, mask, n, shift) → Σ_i mask[i]·exp(l[i] − shift)      (n % 4 = 0; exp as 2^y with
//                                  a degree-7 polynomial, relative error under 2e-6)
// Pointers and strides in bytes.

interface Kernels {
  heap: Float32Array;
  dots: (q: number, m: number, out: number, rows: number, cols: number) => void;
  axpy: (x: number, W: number, out: number, k: number, n: number, stride: number) => void;
  dotsI8: (q: number, m: number, out: number, rows: number, cols: number) => void;
  expsum: (l: number, mask: number, n: number, shift: number) => number;
  /** V + 8 floats for a 0/1 mask, and which mask they hold now. */
  mask: number;
  maskOf?: Uint8Array;
  /** The tied output layer quantised to int8 per row, when it is in use. */
  int8?: { at: number; scales: Float32Array; q: number; i16: Int16Array; i32: Int32Array };
  /** Byte offset of each weight copied into the heap. */
  at: Map<string, number>;
  x: number;
  h: number;
  z: number;
  q: number;
  logits: number;
}

/** Copies the weights into a WebAssembly memory and instantiates the kernels, or null. */
function makeKernels(
  config: ModelConfig,
  weights: ReadonlyMap<string, Float32Array>,
  quantize: boolean,
): Kernels | null {
  const module = kernelModule();
  const { embeddingSize: E, hiddenSize: H, vocabSize: V } = config;
  if (!module || E % 8 !== 0 || H % 4 !== 0 || (!config.tied && V % 4 !== 0)) return null;
  const G = CELL_GATES[config.cell];
  const int8 = quantize && config.tied && E % 16 === 0;
  // With the int8 output layer the float embedding is read from JavaScript only (a row per
  // step): it is not copied into the heap.
  const names = weightShapes(config)
    .map(([n]) => n)
    .filter(
      (n) => !n.endsWith('/bias') && !n.endsWith('/gain') && n !== 'decoder/steps' && !(int8 && n === 'embedding'),
    );
  let floats = 0;
  const at = new Map<string, number>();
  for (const n of names) {
    at.set(n, floats * 4);
    floats += weights.get(n)!.length;
    floats += (4 - (floats % 4)) % 4;
  }
  const scratch = (n: number) => {
    const o = floats * 4;
    floats += n + ((4 - (n % 4)) % 4);
    return o;
  };
  const x = scratch(Math.max(E, H)),
    h = scratch(H),
    z = scratch(G * H),
    q = scratch(E),
    logits = scratch(V + 8),
    mask = scratch(V + 8);
  const m8 = int8 ? scratch((V * E) / 4) : 0,
    q16 = int8 ? scratch(E / 2) : 0;
  try {
    const memory = new WebAssembly.Memory({ initial: Math.ceil((floats * 4) / 65536) + 1 });
    const ex = instantiateKernels(memory)!;
    const heap = new Float32Array(memory.buffer);
    for (const n of names) heap.set(weights.get(n)!, at.get(n)! / 4);
    const k: Kernels = {
      heap,
      dots: ex.dots,
      axpy: ex.axpy,
      dotsI8: ex.dotsI8,
      expsum: ex.expsum,
      at,
      x,
      h,
      z,
      q,
      logits,
      mask,
    };
    if (int8) {
      // Per-row symmetric int8: row r ≈ scales[r] · m8[r]; the rounding error is at most half
      // a step of the row's largest weight (top-3 on dev moves by hundredths of a point).
      // A stored int8 embedding still kept as rows (LazyWeights) is taken as it is.
      const out = new Int8Array(memory.buffer, m8, V * E);
      const rows = weights instanceof LazyWeights ? weights.int8('embedding') : undefined;
      if (rows) out.set(rows.q);
      const scales = rows ? rows.scales.slice() : quantizeRows(weights.get('embedding')!, V, E, out).scales;
      k.int8 = { at: m8, scales, q: q16, i16: new Int16Array(memory.buffer), i32: new Int32Array(memory.buffer) };
    }
    return k;
  } catch {
    return null;
  }
}

/** Whether this runtime runs the WebAssembly SIMD kernels (for tests and benchmarks). */
export function simdAvailable(): boolean {
  return kernelModule() !== null;
}

/** out += x · W for W row-major [x.length, out.length]. */
function addVecMat(
  out: Float32Array,
  x: Float32Array,
  W: Float32Array,
  rowOffset = 0,
  cols = out.length,
  stride = out.length,
  colOffset = 0,
): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const base = (rowOffset + i) * stride + colOffset;
    for (let j = 0; j < cols; j++) out[j]! += xi * W[base + j]!;
  }
}

/**
 * Layer normalisation in place of `blocks` blocks of width H of z from `from` on: each block to
 * mean 0 and variance 1, times gain, plus bias (network.ts `layerNormBlocks`).
 */
function layerNorm(z: Float32Array, from: number, blocks: number, H: number, gain: Float32Array, bias: Float32Array) {
  for (let k = 0; k < blocks; k++) {
    const o = from + k * H;
    let mean = 0;
    for (let j = 0; j < H; j++) mean += z[o + j]!;
    mean /= H;
    let variance = 0;
    for (let j = 0; j < H; j++) variance += (z[o + j]! - mean) ** 2;
    const scale = 1 / Math.sqrt(variance / H + LAYER_NORM_EPSILON);
    for (let j = 0; j < H; j++) z[o + j] = (z[o + j]! - mean) * scale * gain[o + j]! + bias[o + j]!;
  }
}

/** LSTM: from the pre-activations z, c' = f⊙c + i⊙g and h' = o⊙tanh(c'). */
function lstmUpdate(
  z: Float32Array,
  at: ReturnType<typeof gateOffsets<'lstm'>>,
  c: Float32Array,
): [Float32Array, Float32Array] {
  const H = c.length;
  const hNew = new Float32Array(H);
  const cNew = new Float32Array(H);
  for (let j = 0; j < H; j++) {
    const i = sigmoid(z[at.input + j]!),
      f = sigmoid(z[at.forget + j]!),
      g = Math.tanh(z[at.candidate + j]!),
      o = sigmoid(z[at.output + j]!);
    cNew[j] = f * c[j]! + i * g;
    hNew[j] = o * Math.tanh(cNew[j]!);
  }
  return [hNew, cNew];
}

/** GRU (Keras): from the pre-activations z, h' = u⊙h + (1−u)⊙tanh(candidate), u the update gate. */
function gruUpdate(z: Float32Array, at: ReturnType<typeof gateOffsets<'gru'>>, h: Float32Array): Float32Array {
  const H = h.length;
  const hNew = new Float32Array(H);
  for (let j = 0; j < H; j++) {
    const u = sigmoid(z[at.update + j]!);
    hNew[j] = u * h[j]! + (1 - u) * Math.tanh(z[at.candidate + j]!);
  }
  return hNew;
}

export class RecurrentNetwork {
  readonly config: ModelConfig;
  readonly #w: ReadonlyMap<string, Float32Array>;
  readonly #k: Kernels | null;

  /**
   * `options.simd: false` keeps to plain JavaScript (tests compare the two). `options.int8:
   * false` keeps the tied output layer in float32 on the SIMD path; by default it runs on a
   * per-row int8 copy of the embedding, 4× less memory read per new word.
   */
  constructor(
    config: ModelConfig,
    weights: ReadonlyMap<string, Float32Array>,
    options: { simd?: boolean; int8?: boolean } = {},
  ) {
    for (const [name, shape] of weightShapes(config)) {
      const length = weightLength(weights, name);
      const size = shape.reduce((a, b) => a * b, 1);
      if (length === undefined) throw new RangeError(`weights: ${name} is missing`);
      if (length !== size)
        throw new RangeError(`weights: ${name} must have ${size} values (shape ${shape.join('×')}), got ${length}`);
    }
    this.config = config;
    this.#w = weights;
    this.#k = options.simd === false ? null : makeKernels(config, weights, options.int8 !== false);
  }

  /** Whether the output layer runs on its int8 copy (SIMD path, tied, E a multiple of 16). */
  get int8(): boolean {
    return !!this.#k?.int8;
  }

  /** Whether the WebAssembly SIMD kernels serve this network. */
  get simd(): boolean {
    return this.#k !== null;
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
    const k = this.#k;
    const gain = this.#w.get(`${prefix}/gain`); // layer norm only
    if (k) return this.#cellSimd(k, prefix, x, h, c, b, gain);
    // With layer norm the bias is added after normalising.
    const z = gain ? new Float32Array(b.length) : new Float32Array(b);
    addVecMat(z, x, W);
    if (cell === 'gru') {
      // update and reset use h·U[:, update…candidate]; the candidate uses (r⊙h)·U[:, candidate…]
      const at = gateOffsets('gru', H);
      addVecMat(z, h, U, 0, at.candidate, G * H, 0);
      if (gain) layerNorm(z, 0, 2, H, gain, b);
      const rh = new Float32Array(H);
      for (let j = 0; j < H; j++) rh[j] = sigmoid(z[at.reset + j]!) * h[j]!;
      addVecMat(z.subarray(at.candidate), rh, U, 0, H, G * H, at.candidate);
      if (gain) layerNorm(z, at.candidate, 1, H, gain, b);
      return [gruUpdate(z, at, h), null];
    }
    addVecMat(z, h, U);
    if (gain) layerNorm(z, 0, G, H, gain, b);
    if (cell === 'rnn') {
      const a = this.config.activation;
      for (let j = 0; j < H; j++) z[j] = activate(a, z[j]!);
      return [z, null];
    }
    return lstmUpdate(z, gateOffsets('lstm', H), c!);
  }

  /** #cell with the products in WebAssembly; the gates stay in JavaScript. */
  #cellSimd(
    k: Kernels,
    prefix: string,
    x: Float32Array,
    h: Float32Array,
    c: Float32Array | null,
    b: Float32Array,
    gain: Float32Array | undefined,
  ): [Float32Array, Float32Array | null] {
    const { cell, hiddenSize: H } = this.config;
    const G = CELL_GATES[cell];
    const GH = G * H,
      heap = k.heap,
      zi = k.z >> 2;
    if (gain) heap.fill(0, zi, zi + GH);
    else heap.set(b, zi);
    heap.set(x, k.x >> 2);
    k.axpy(k.x, k.at.get(`${prefix}/kernel`)!, k.z, x.length, GH, GH * 4);
    heap.set(h, k.h >> 2);
    const U = k.at.get(`${prefix}/recurrent`)!;
    const z = heap.subarray(zi, zi + GH);
    if (cell === 'gru') {
      const at = gateOffsets('gru', H);
      k.axpy(k.h, U, k.z, H, at.candidate, GH * 4);
      if (gain) layerNorm(z, 0, 2, H, gain, b);
      const hi = k.h >> 2;
      for (let j = 0; j < H; j++) heap[hi + j] = sigmoid(z[at.reset + j]!) * h[j]!;
      k.axpy(k.h, U + 4 * at.candidate, k.z + 4 * at.candidate, H, H, GH * 4);
      if (gain) layerNorm(z, at.candidate, 1, H, gain, b);
      return [gruUpdate(z, at, h), null];
    }
    k.axpy(k.h, U, k.z, H, GH, GH * 4);
    if (gain) layerNorm(z, 0, G, H, gain, b);
    if (cell === 'rnn') {
      const a = this.config.activation;
      return [z.map((v) => activate(a, v)), null];
    }
    return lstmUpdate(z, gateOffsets('lstm', H), c!);
  }

  /** The embedding row of a token id. */
  embed(id: number): Float32Array {
    const E = this.config.embeddingSize;
    checkInteger(id, 'token id', 0, this.config.vocabSize - 1);
    const rows = this.#w instanceof LazyWeights ? this.#w.int8('embedding') : undefined;
    return rows ? rows.row(id) : this.#w.get('embedding')!.subarray(id * E, (id + 1) * E);
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

  /** Logits over the vocabulary from a top-layer output, into `out` when given (length V). */
  logits(top: Float32Array, out?: Float32Array): Float32Array {
    const { vocabSize: V, embeddingSize: E, hiddenSize: H } = this.config;
    if (out === undefined) out = new Float32Array(V);
    else if (out.length !== V) throw new RangeError(`logits: out must have length ${V}, got ${out.length}`);
    out.set(this.#w.get('output/bias')!);
    const k = this.#k;
    if (k) {
      const heap = k.heap;
      heap.set(top.subarray(0, H), k.h >> 2);
      const li = k.logits >> 2;
      if (this.config.tied) {
        const qi = k.q >> 2;
        heap.fill(0, qi, qi + E);
        k.axpy(k.h, k.at.get('output/projection')!, k.q, H, E, E * 4);
        const q8 = k.int8;
        if (q8) {
          // q to int16 (±16383: the int32 sums cannot overflow below E = 8192), then one
          // integer dot product per row, scaled back.
          let max = 0;
          for (let j = 0; j < E; j++) max = Math.max(max, Math.abs(heap[qi + j]!));
          const step = max > 0 ? max / 16383 : 1;
          const q16 = q8.q >> 1;
          for (let j = 0; j < E; j++) q8.i16[q16 + j] = Math.round(heap[qi + j]! / step);
          k.dotsI8(q8.q, q8.at, k.logits, V, E);
          const sums = q8.i32,
            scales = q8.scales;
          for (let v = 0; v < V; v++) out[v]! += sums[li + v]! * scales[v]! * step;
          return out;
        }
        k.dots(k.q, k.at.get('embedding')!, k.logits, V, E);
      } else {
        heap.fill(0, li, li + V);
        k.axpy(k.h, k.at.get('output/kernel')!, k.logits, H, V, V * 4);
      }
      for (let v = 0; v < V; v++) out[v]! += heap[li + v]!;
      return out;
    }
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

  /**
   * Σ exp(logits[i] − shift) over the ids where mask[i] is 1: the softmax normaliser over a
   * subset (the predictor's words), without writing the softmax out. With `shift` the largest
   * logit it cannot overflow; on the SIMD path it is within 2e-6 of the exact sum.
   */
  expSum(logits: Float32Array, shift: number, mask: Uint8Array): number {
    const V = this.config.vocabSize;
    if (logits.length !== V || mask.length !== V)
      throw new RangeError(`expSum: logits and mask must have length ${V}, got ${logits.length} and ${mask.length}`);
    const k = this.#k;
    if (!k) {
      let z = 0;
      for (let i = 0; i < V; i++) if (mask[i] === 1) z += Math.exp(logits[i]! - shift);
      return z;
    }
    const heap = k.heap,
      mi = k.mask >> 2,
      li = k.logits >> 2;
    if (k.maskOf !== mask) {
      for (let i = 0; i < V + 8; i++) heap[mi + i] = i < V && mask[i] === 1 ? 1 : 0;
      k.maskOf = mask;
    }
    heap.set(logits, li);
    heap.fill(0, li + V, li + V + 8);
    return k.expsum(k.logits, k.mask, (V + 3) & ~3, shift);
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
    if (this.config.shape !== 'seq2seq')
      throw new RangeError(`decode needs a seq2seq model, this one is ${this.config.shape}`);
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
