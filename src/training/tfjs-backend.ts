/**
 * Backend set-up shared by Node and the worker: the kernels tfjs lacks, and choosing a backend
 * in order with the reason recorded. Pure: no DOM, no console.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../base/training-types.js';
export type { BackendName };

export interface BackendChoice {
  backend: BackendName;
  /** Why this one: what was tried and what failed. */
  reason: string;
}

/**
 * Embedding gradients need UnsortedSegmentSum, which the wasm backend lacks (tfjs issue 8082)
 * and the cpu backend implements very slowly for large segment counts. This accumulates row by
 * row: out[segment[i]] += x[i].
 */
function segmentSum(
  x: Float32Array,
  ids: ArrayLike<number>,
  rows: number,
  width: number,
  segments: number,
  out: Float32Array = new Float32Array(segments * width),
): Float32Array {
  for (let i = 0; i < rows; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= segments) continue;
    const o = s * width,
      r = i * width;
    for (let j = 0; j < width; j++) out[o + j]! += x[r + j]!;
  }
  return out;
}

interface KernelBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo?(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
  makeOutput?(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap?(t: tf.TensorInfo): Float32Array;
}

const registered = new Set<string>();

/** Registers the fast UnsortedSegmentSum kernel for a backend (idempotent). */
export function registerSegmentSum(backendName: 'wasm' | 'cpu'): void {
  if (registered.has(backendName)) return;
  const existing = tf.getKernel('UnsortedSegmentSum', backendName);
  if (existing) tf.unregisterKernel('UnsortedSegmentSum', backendName);
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const { numSegments } = attrs as unknown as { numSegments: number };
      const b = backend as unknown as KernelBackend;
      const rows = x.shape[0] ?? 1;
      const width = x.shape.slice(1).reduce((a, c) => a * c, 1);
      const shape = [numSegments, ...x.shape.slice(1)];
      if (b.makeOutput && b.typedArrayFromHeap) {
        const out = b.makeOutput(shape, 'float32'); // may grow the heap: views after it
        const o = b.typedArrayFromHeap(out);
        o.fill(0);
        segmentSum(
          b.typedArrayFromHeap(x),
          b.typedArrayFromHeap(segmentIds) as unknown as Int32Array,
          rows,
          width,
          numSegments,
          o,
        );
        return out;
      }
      const values = segmentSum(
        b.readSync(x.dataId) as Float32Array,
        b.readSync(segmentIds.dataId),
        rows,
        width,
        numSegments,
      );
      return b.makeTensorInfo!(shape, 'float32', values);
    },
  });
  registered.add(backendName);
}

export const XENT_KERNEL = 'RnnPredictSoftmaxXent';

/**
 * The one pass over a softmax output [n, V] that the training loop needs after the softmax:
 * for each row, the target's probability and whether the target ranks first, and — in place —
 * the row turned into the cross-entropy gradient p − onehot(target). Output [n, 2]: picked
 * probability, 1 when correct. Mutating the input saves allocating and copying an [n, V]
 * tensor; the engine calls it only on a softmax it owns and uses nowhere else.
 */
function xentInPlace(p: Float32Array, targets: ArrayLike<number>, n: number, V: number, out: Float32Array): void {
  for (let r = 0; r < n; r++) {
    const base = r * V;
    const t = targets[r]!;
    const pt = p[base + t]!;
    let correct = 1;
    for (let j = 0; j < V; j++) {
      if (p[base + j]! > pt) {
        correct = 0;
        break;
      }
    }
    out[2 * r] = pt;
    out[2 * r + 1] = correct;
    p[base + t] = pt - 1;
  }
}

/** Registers the engine's softmax cross-entropy kernel for a backend (idempotent). */
export function registerXentKernel(backendName: 'wasm' | 'cpu'): void {
  const key = `${XENT_KERNEL}:${backendName}`;
  if (registered.has(key)) return;
  if (!tf.getKernel(XENT_KERNEL, backendName)) {
    tf.registerKernel({
      kernelName: XENT_KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { probs, targets } = inputs as { probs: tf.TensorInfo; targets: tf.TensorInfo };
        const b = backend as unknown as KernelBackend;
        const [n, V] = probs.shape as [number, number];
        if (b.makeOutput && b.typedArrayFromHeap) {
          const out = b.makeOutput([n, 2], 'float32'); // may grow the heap: views after it
          const t = b.typedArrayFromHeap(targets) as unknown as Int32Array;
          xentInPlace(b.typedArrayFromHeap(probs), t, n, V, b.typedArrayFromHeap(out));
          return out;
        }
        const values = new Float32Array(2 * n);
        xentInPlace(b.readSync(probs.dataId) as Float32Array, b.readSync(targets.dataId), n, V, values);
        return b.makeTensorInfo!([n, 2], 'float32', values);
      },
    });
  }
  registered.add(key);
}

type KernelFunc = (args: {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs: Record<string, unknown>;
}) => tf.TensorInfo | tf.TensorInfo[];

interface WasmBackend {
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Replaces a wasm kernel by `fast`, which returns null to hand a case to the original. */
function override(
  kernelName: string,
  fast: (args: Parameters<KernelFunc>[0], b: WasmBackend) => tf.TensorInfo | null,
): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) return;
  const slow = original.kernelFunc as unknown as KernelFunc;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: ((args: Parameters<KernelFunc>[0]) =>
      fast(args, args.backend as WasmBackend) ?? slow(args)) as unknown as tf.KernelFunc,
  });
}

/** out[j·rows + i] = x[i·cols + j], in cache-sized tiles. */
function transpose2d(x: ArrayLike<number>, out: { [i: number]: number }, rows: number, cols: number): void {
  const T = 32;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = Math.min(i0 + T, rows);
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = Math.min(j0 + T, cols);
      for (let i = i0; i < i1; i++) {
        const r = i * cols;
        for (let j = j0; j < j1; j++) out[j * rows + i] = x[r + j]!;
      }
    }
  }
}

/**
 * Faster JavaScript versions of three wasm kernels, for the shapes training uses (other cases
 * go to the original): Slice reads its input through a heap view (tfjs 4.22 copies the whole
 * input first, so taking one time step of a [T·B, H] tensor cost a copy of all of it);
 * Transpose of a matrix in tiles (the wasm kernel ran ~10× slower); Sum over the rows of a
 * matrix (the wasm kernel transposes first). Idempotent.
 */
export function registerFastWasmKernels(): void {
  if (registered.has('fast:wasm')) return;
  registered.add('fast:wasm');
  override('Slice', ({ inputs, attrs }, b) => {
    const x = inputs.x!;
    if (x.dtype === 'string' || x.shape.length < 1 || x.shape.length > 2) return null;
    const rank = x.shape.length;
    const begin = (typeof attrs.begin === 'number' ? [attrs.begin] : (attrs.begin as number[])).slice();
    const size = (typeof attrs.size === 'number' ? [attrs.size] : (attrs.size as number[])).slice();
    if (begin.length !== rank || size.length !== rank) return null;
    for (let d = 0; d < rank; d++) {
      if (size[d] === -1) size[d] = x.shape[d]! - begin[d]!;
      if (!(begin[d]! >= 0 && size[d]! >= 0 && begin[d]! + size[d]! <= x.shape[d]!)) return null;
    }
    const out = b.makeOutput(size, x.dtype);
    const xv = b.typedArrayFromHeap(x),
      ov = b.typedArrayFromHeap(out);
    if (rank === 1) ov.set(xv.subarray(begin[0]!, begin[0]! + size[0]!));
    else {
      const cols = x.shape[1]!,
        [r0, c0] = begin as [number, number],
        [nr, nc] = size as [number, number];
      if (nc === cols) ov.set(xv.subarray(r0 * cols, (r0 + nr) * cols));
      else for (let r = 0; r < nr; r++) ov.set(xv.subarray((r0 + r) * cols + c0, (r0 + r) * cols + c0 + nc), r * nc);
    }
    return out;
  });
  override('Transpose', ({ inputs, attrs }, b) => {
    const x = inputs.x!;
    const perm = attrs.perm as number[];
    if (x.dtype === 'string' || x.shape.length !== 2 || perm[0] !== 1 || perm[1] !== 0) return null;
    const [rows, cols] = x.shape as [number, number];
    const out = b.makeOutput([cols, rows], x.dtype);
    transpose2d(b.typedArrayFromHeap(x), b.typedArrayFromHeap(out), rows, cols);
    return out;
  });
  override('Sum', ({ inputs, attrs }, b) => {
    const x = inputs.x!;
    const axis = Array.isArray(attrs.axis) ? (attrs.axis as number[]) : [attrs.axis as number];
    if (x.dtype !== 'float32' || x.shape.length !== 2 || axis.length !== 1 || (axis[0] !== 0 && axis[0] !== -2))
      return null;
    const [rows, cols] = x.shape as [number, number];
    const out = b.makeOutput(attrs.keepDims ? [1, cols] : [cols], 'float32');
    const xv = b.typedArrayFromHeap(x),
      ov = b.typedArrayFromHeap(out);
    ov.fill(0);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let j = 0; j < cols; j++) ov[j]! += xv[o + j]!;
    }
    return out;
  });
}

/** Whether the engine's cross-entropy kernel serves the active backend. */
export function hasXentKernel(): boolean {
  return !!tf.getKernel(XENT_KERNEL, tf.getBackend());
}

/**
 * Tries backends in order and keeps the first that initialises. `skip` maps a backend to the
 * reason it must not be used (a software WebGL renderer, say).
 */
export async function chooseBackend(
  order: readonly BackendName[],
  skip: Partial<Record<BackendName, string>> = {},
): Promise<BackendChoice> {
  const notes: string[] = [];
  for (const name of order) {
    if (skip[name]) {
      notes.push(`${name} skipped: ${skip[name]}`);
      continue;
    }
    try {
      if (name === 'wasm' || name === 'cpu') {
        registerSegmentSum(name);
        registerXentKernel(name);
        if (name === 'wasm') registerFastWasmKernels();
      }
      const ok = await tf.setBackend(name);
      if (!ok) throw new Error('setBackend returned false');
      await tf.ready();
      notes.push(`${name} initialised`);
      return { backend: name, reason: notes.join('; ') };
    } catch (e) {
      notes.push(`${name} failed: ${(e as Error).message ?? e}`);
    }
  }
  throw new Error(`no tfjs backend could be initialised (${notes.join('; ')})`);
}
