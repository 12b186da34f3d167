/**
 * Backend set-up shared by Node and the worker: the kernels tfjs lacks, and choosing a backend
 * in order with the reason recorded. Pure: no DOM, no console.
 */
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'webgl' | 'wasm' | 'cpu';

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
function segmentSum(x: Float32Array, ids: ArrayLike<number>, rows: number, width: number, segments: number): Float32Array {
  const out = new Float32Array(segments * width);
  for (let i = 0; i < rows; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= segments) continue;
    const o = s * width, r = i * width;
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

let registered = new Set<string>();

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
      const values = segmentSum(b.readSync(x.dataId) as Float32Array, b.readSync(segmentIds.dataId), rows, width, numSegments);
      const shape = [numSegments, ...x.shape.slice(1)];
      if (b.makeOutput && b.typedArrayFromHeap) {
        const out = b.makeOutput(shape, 'float32');
        b.typedArrayFromHeap(out).set(values);
        return out;
      }
      return b.makeTensorInfo!(shape, 'float32', values);
    },
  });
  registered.add(backendName);
}

/** For tests: forget which kernels were registered. */
export function _resetRegistered(): void {
  registered = new Set();
}

/**
 * Tries backends in order and keeps the first that initialises. `skip` maps a backend to the
 * reason it must not be used (a software WebGL renderer, say).
 */
export async function chooseBackend(order: readonly BackendName[], skip: Partial<Record<BackendName, string>> = {}): Promise<BackendChoice> {
  const notes: string[] = [];
  for (const name of order) {
    if (skip[name]) {
      notes.push(`${name} skipped: ${skip[name]}`);
      continue;
    }
    try {
      if (name === 'wasm' || name === 'cpu') registerSegmentSum(name);
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
