/**
 * The compiled kernels (kernels.wat, assembled into kernels-wasm.ts) and scratch instances of
 * them: a fresh memory for one job of loading a model (decoding the n-gram counts, dequantising
 * int8 weights), dropped afterwards. Where WebAssembly SIMD is missing, or a page's Content
 * Security Policy refuses to compile it, there is none and callers run their JavaScript loops.
 * Pure: no DOM, no I/O.
 */
import { KERNELS_WASM } from './kernels-wasm.js';

/** The kernels' exports (kernels.wat documents each). Pointers and strides in bytes. */
export interface KernelExports {
  dots(q: number, m: number, out: number, rows: number, cols: number): void;
  axpy(x: number, W: number, out: number, k: number, n: number, stride: number): void;
  dotsI8(q: number, m: number, out: number, rows: number, cols: number): void;
  expsum(l: number, mask: number, n: number, shift: number): number;
  dequant(q: number, scales: number, rows: number, cols: number, out: number): void;
  exact(m: number, q: number, scales: number, rows: number, cols: number): number;
  trigrams(
    src: number,
    len: number,
    count: number,
    words: number,
    out: number,
    keys: number,
    start: number,
    totals: number,
    perV: number,
  ): number;
  fourgrams(
    src: number,
    len: number,
    count: number,
    words: number,
    out: number,
    start: number,
    totals: number,
    sums: number,
    ns: number,
  ): number;
  bigrams(
    rows: number,
    n: number,
    perV: number,
    words: number,
    first: number,
    next: number,
    ids: number,
    keys: number,
    start: number,
    totals: number,
    uniCont: number,
    lastV: number,
  ): number;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernels, or null where WebAssembly SIMD is unavailable (or refused). */
export function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled =
      typeof WebAssembly === 'object' && WebAssembly.validate(KERNELS_WASM)
        ? new WebAssembly.Module(KERNELS_WASM)
        : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** The kernels over `memory`, or null without them. */
export function instantiateKernels(memory: WebAssembly.Memory): KernelExports | null {
  const module = kernelModule();
  return module && (new WebAssembly.Instance(module, { env: { m: memory } }).exports as unknown as KernelExports);
}

/** Byte offsets of the parts of a scratch memory, each aligned to 16 bytes, and its size. */
export function layout<K extends string>(sizes: Record<K, number>): { at: Record<K, number>; bytes: number } {
  const at = {} as Record<K, number>;
  let bytes = 0;
  for (const key of Object.keys(sizes) as K[]) {
    at[key] = bytes;
    bytes += Math.ceil(sizes[key] / 16) * 16;
  }
  return { at, bytes };
}

/**
 * A scratch memory for decoding `bytes` (`count` rows over `wordCount` words) with the kernels:
 * the bytes copied to `at.src`, the other parts laid out after them; null without the kernels
 * or for impossible sizes (the caller's JavaScript then says what is wrong).
 */
export function decodingScratch<K extends string>(
  bytes: Uint8Array,
  count: number,
  wordCount: number,
  sizes: Record<K, number>,
): { kernels: KernelExports; buffer: ArrayBuffer; at: Record<K | 'src', number> } | null {
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(wordCount) || count < 0 || wordCount < 0) return null;
  const { at, bytes: size } = layout({ src: bytes.length, ...sizes } as Record<K | 'src', number>);
  const scratch = scratchKernels(size);
  if (!scratch) return null;
  new Uint8Array(scratch.buffer).set(bytes, at.src);
  return { ...scratch, at };
}

/**
 * The kernels over a fresh zeroed memory of at least `bytes` bytes, or null without them (or
 * when such a memory cannot be had: the caller's JavaScript loops then say what is wrong).
 */
export function scratchKernels(bytes: number): { kernels: KernelExports; buffer: ArrayBuffer } | null {
  if (!kernelModule() || !(bytes >= 0 && bytes < 2 ** 31)) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const kernels = instantiateKernels(memory);
    return kernels && { kernels, buffer: memory.buffer };
  } catch {
    return null;
  }
}
