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
