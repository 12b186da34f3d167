/**
 * Per-row symmetric int8 quantisation, the one rule used wherever weights become int8: the
 * stored model (artifacts.ts) and the output layer the predictor runs (recurrent-network.ts).
 * Row r is kept as scales[r] · q[r·cols + j] with scales[r] = max_j |m[r·cols + j]| / 127, so
 * the rounding error is at most half a step of the row's largest weight. Pure: no DOM, no I/O.
 */
import { layout, scratchKernels } from './wasm.js';

/**
 * Matrices dequantizeRows made, with the rows they stand for. quantizeRows of one of them (a
 * stored int8 model's embedding, quantised again for the output layer) checks that it still
 * holds exactly those values, a multiply and a compare each, and copies the rows instead of
 * dividing and rounding again; a matrix changed since falls through to the rule.
 */
const SOURCES = new WeakMap<Float32Array, { q: Int8Array; scales: Float32Array; cols: number }>();

function holdsExactly(m: Float32Array, { q, scales, cols }: { q: Int8Array; scales: Float32Array; cols: number }) {
  if (cols % 16 === 0) {
    const { at, bytes } = layout({ m: m.length * 4, q: q.length, scales: scales.length * 4 });
    const scratch = scratchKernels(bytes);
    if (scratch) {
      new Float32Array(scratch.buffer, at.m, m.length).set(m);
      new Int8Array(scratch.buffer, at.q, q.length).set(q);
      new Float32Array(scratch.buffer, at.scales, scales.length).set(scales);
      return scratch.kernels.exact(at.m, at.q, at.scales, scales.length, cols) === 1;
    }
  }
  for (let r = 0, at = 0; r < scales.length; r++, at += cols) {
    const s = scales[r]!;
    for (let j = at; j < at + cols; j++) if (m[j] !== Math.fround(q[j]! * s)) return false;
  }
  return true;
}

/** Quantises a row-major matrix; `out` may be given (e.g. a view into WebAssembly memory). */
export function quantizeRows(
  m: Float32Array,
  rows: number,
  cols: number,
  out: Int8Array = new Int8Array(rows * cols),
): { q: Int8Array; scales: Float32Array } {
  if (m.length !== rows * cols) throw new RangeError(`quantizeRows: expected ${rows}×${cols} values, got ${m.length}`);
  const source = SOURCES.get(m);
  if (source && source.cols === cols && source.scales.length === rows && holdsExactly(m, source)) {
    out.set(source.q);
    return { q: out, scales: source.scales.slice() };
  }
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let j = 0; j < cols; j++) max = Math.max(max, Math.abs(m[r * cols + j]!));
    const scale = max > 0 ? max / 127 : 1;
    scales[r] = scale;
    for (let j = 0; j < cols; j++) out[r * cols + j] = Math.round(m[r * cols + j]! / scale);
  }
  return { q: out, scales };
}

/** The float32 values quantizeRows' output stands for. */
export function dequantizeRows(q: Int8Array, scales: Float32Array, cols: number): Float32Array {
  let out = dequantizeInWasm(q, scales, cols);
  if (!out) {
    out = new Float32Array(q.length);
    for (let r = 0; r < scales.length; r++) {
      const s = scales[r]!;
      for (let j = 0; j < cols; j++) out[r * cols + j] = q[r * cols + j]! * s;
    }
  }
  SOURCES.set(out, { q, scales, cols });
  return out;
}

/** dequantizeRows by the kernels (the same products), or null without them (exported for tests). */
export function dequantizeInWasm(q: Int8Array, scales: Float32Array, cols: number): Float32Array | null {
  if (cols % 16 !== 0 || q.length !== scales.length * cols) return null;
  const { at, bytes } = layout({ q: q.length, scales: scales.length * 4, out: q.length * 4 });
  const scratch = scratchKernels(bytes);
  if (!scratch) return null;
  new Int8Array(scratch.buffer, at.q, q.length).set(q);
  new Float32Array(scratch.buffer, at.scales, scales.length).set(scales);
  scratch.kernels.dequant(at.q, at.scales, scales.length, cols, at.out);
  return new Float32Array(scratch.buffer, at.out, q.length).slice();
}

/** A matrix kept as quantizeRows' int8 rows and scales until its float32 values are needed. */
export class Int8Rows {
  constructor(
    readonly q: Int8Array,
    readonly scales: Float32Array,
    readonly cols: number,
  ) {}

  /** Row r's float32 values (the very values dequantizeRows gives for that row). */
  row(r: number): Float32Array {
    const { cols } = this;
    const s = this.scales[r]!;
    const out = new Float32Array(cols);
    for (let j = 0, at = r * cols; j < cols; j++) out[j] = this.q[at + j]! * s;
    return out;
  }
}

/**
 * A model's weights by name, some kept as int8 rows until first read (a stored model's
 * embedding: the network's int8 output layer takes the rows as they are and reads single rows
 * for its input, so a page that only predicts never makes the float32 copy). Every read through
 * the Map interface (get, iteration, has, size) sees float32 values, dequantised on the spot;
 * `int8(name)` gives the rows while they are still rows.
 */
export class LazyWeights extends Map<string, Float32Array> {
  readonly #rows = new Map<string, Int8Rows>();

  /** Keeps `name` as int8 rows until it is read. */
  setRows(name: string, rows: Int8Rows): this {
    super.delete(name);
    this.#rows.set(name, rows);
    return this;
  }

  /** The rows of `name` while it has not been read as float32 (undefined after). */
  int8(name: string): Int8Rows | undefined {
    return this.#rows.get(name);
  }

  /** Dequantises the rows of `names` (default: all that are still rows) into the map. */
  #materialize(names: Iterable<string> = [...this.#rows.keys()]): void {
    for (const n of names) {
      const r = this.#rows.get(n);
      if (!r) continue;
      this.#rows.delete(n);
      super.set(n, dequantizeRows(r.q, r.scales, r.cols));
    }
  }

  override get(name: string): Float32Array | undefined {
    // Read on every network step: a lookup, nothing allocated, once the rows are gone.
    if (this.#rows.has(name)) this.#materialize([name]);
    return super.get(name);
  }
  override has(name: string): boolean {
    return this.#rows.has(name) || super.has(name);
  }
  override set(name: string, value: Float32Array): this {
    this.#rows.delete(name);
    return super.set(name, value);
  }
  override delete(name: string): boolean {
    const had = this.#rows.delete(name);
    return super.delete(name) || had;
  }
  override clear(): void {
    this.#rows.clear();
    super.clear();
  }
  override get size(): number {
    return super.size + this.#rows.size;
  }
  override entries(): MapIterator<[string, Float32Array]> {
    this.#materialize();
    return super.entries();
  }
  override keys(): MapIterator<string> {
    this.#materialize();
    return super.keys();
  }
  override values(): MapIterator<Float32Array> {
    this.#materialize();
    return super.values();
  }
  override forEach(
    f: (value: Float32Array, key: string, map: Map<string, Float32Array>) => void,
    self?: unknown,
  ): void {
    this.#materialize();
    super.forEach(f, self);
  }
  override [Symbol.iterator](): MapIterator<[string, Float32Array]> {
    return this.entries();
  }
}

/** The number of values of weight `name` in `weights`, without dequantising int8 rows. */
export function weightLength(weights: ReadonlyMap<string, Float32Array>, name: string): number | undefined {
  return (weights instanceof LazyWeights ? weights.int8(name)?.q.length : undefined) ?? weights.get(name)?.length;
}
