/**
 * Windows and batches: token-id streams → training examples, lazily.
 *
 * A window of length 4 over w0 w1 w2 … gives, by shape:
 *  - `seq2vec`:  [w0 w1 w2 w3] → w4              (many-to-one: the next word)
 *  - `shifted`:  [w0 w1 w2 w3] → [w1 w2 w3 w4]   (many-to-many: every position predicts)
 *  - `seq2seq`:  [w0 w1 w2 w3] → [w4 … w(3+horizon)] (the next N words)
 * Windows start every `stride` tokens. Only `length + horizon` ids are held at a time, so a
 * corpus of any size streams through without all its windows in memory.
 * Pure: no DOM, no I/O.
 */
import { checkInteger, checkOneOf, describe } from '../base/checks.js';
import { BOS_ID, EOS_ID, PAD_ID } from '../text/vocabulary.js';

export type WindowShape = 'seq2vec' | 'shifted' | 'seq2seq';

export interface WindowOptions {
  /** Input length (≥ 1). */
  length: number;
  /** Tokens between window starts (≥ 1, default 1). */
  stride?: number;
  /** What the targets are (default 'seq2vec'). */
  shape?: WindowShape;
  /** Number of future tokens for 'seq2seq' (≥ 1, default 1; ignored otherwise). */
  horizon?: number;
}

export interface Window {
  readonly input: number[];
  readonly target: number[];
}

export interface Batch {
  /** Row-major [size, length] input ids. */
  readonly inputs: Int32Array;
  /** Row-major [size, targetLength] target ids. */
  readonly targets: Int32Array;
  readonly size: number;
  readonly length: number;
  readonly targetLength: number;
}

function resolve(options: WindowOptions): Required<WindowOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object with a length, got ${describe(options)}`);
  }
  const length = checkInteger(options.length, 'length', 1);
  const stride = checkInteger(options.stride ?? 1, 'stride', 1);
  const shape = checkOneOf(options.shape ?? 'seq2vec', 'shape', ['seq2vec', 'shifted', 'seq2seq'] as const);
  const horizon = shape === 'seq2seq' ? checkInteger(options.horizon ?? 1, 'horizon', 1) : 1;
  return { length, stride, shape, horizon };
}

/** How many ids follow the input in a window of this shape. */
function lookahead(o: Required<WindowOptions>): number {
  return o.shape === 'seq2seq' ? o.horizon : 1;
}

/**
 * Lazily cuts windows from a stream of ids. A stream shorter than one window yields nothing.
 *
 * @example [...windows([0,1,2,3,4,5], {length: 4})] // [{input:[0,1,2,3], target:[4]}, {input:[1,2,3,4], target:[5]}]
 */
export function* windows(ids: Iterable<number>, options: WindowOptions): Generator<Window> {
  const o = resolve(options);
  if (ids === null || typeof (ids as Iterable<number>)?.[Symbol.iterator] !== 'function') {
    throw new TypeError(`ids must be an iterable of integers, got ${describe(ids)}`);
  }
  const span = o.length + lookahead(o);
  const buffer: number[] = [];
  let position = 0; // index in the stream of buffer[0]
  let nextStart = 0;
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0) throw new RangeError(`ids[${position + buffer.length}] must be a non-negative integer, got ${describe(id)}`);
    buffer.push(id);
    if (buffer.length === span) {
      if (position === nextStart) {
        yield cut(buffer, o);
        nextStart += o.stride;
      }
      buffer.shift();
      position++;
    }
  }
}

function cut(buffer: readonly number[], o: Required<WindowOptions>): Window {
  const input = buffer.slice(0, o.length);
  if (o.shape === 'seq2vec') return { input, target: [buffer[o.length]!] };
  if (o.shape === 'shifted') return { input, target: buffer.slice(1, o.length + 1) };
  return { input, target: buffer.slice(o.length, o.length + o.horizon) };
}

/** Groups windows into batches of `batchSize` (the last may be smaller), lazily. */
export function* batches(source: Iterable<Window>, batchSize: number): Generator<Batch> {
  checkInteger(batchSize, 'batchSize', 1);
  let rows: Window[] = [];
  for (const w of source) {
    rows.push(w);
    if (rows.length === batchSize) {
      yield pack(rows);
      rows = [];
    }
  }
  if (rows.length > 0) yield pack(rows);
}

function pack(rows: readonly Window[]): Batch {
  const length = rows[0]!.input.length;
  const targetLength = rows[0]!.target.length;
  const inputs = new Int32Array(rows.length * length);
  const targets = new Int32Array(rows.length * targetLength);
  rows.forEach((r, i) => {
    inputs.set(r.input, i * length);
    targets.set(r.target, i * targetLength);
  });
  return { inputs, targets, size: rows.length, length, targetLength };
}

/**
 * Sequences for language-model training: each line becomes [<s> w1 … wn] → [w1 … wn </s>],
 * cut into pieces of at most `maxLength` steps (later pieces carry on without <s>). Lines of
 * similar length are batched together so little padding (id 0, ignored by the loss) is needed.
 * Yields batches of about `batchTokens` target tokens, in a seeded random order.
 */
export function* sentenceBatches(
  lines: readonly (readonly number[])[],
  options: { maxLength: number; batchTokens: number; seed?: number },
): Generator<Batch> {
  const maxLength = checkInteger(options?.maxLength, 'maxLength', 1);
  const batchTokens = checkInteger(options?.batchTokens, 'batchTokens', 1);
  const random = mulberry32(options.seed ?? 1);
  const pieces: { input: number[]; target: number[] }[] = [];
  for (const line of lines) {
    const seq = [BOS_ID, ...line, EOS_ID];
    for (let s = 0; s < seq.length - 1; s += maxLength) {
      const input = seq.slice(s, Math.min(s + maxLength, seq.length - 1));
      const target = seq.slice(s + 1, s + 1 + input.length);
      pieces.push({ input, target });
    }
  }
  // Sort by length with a random tie order, cut batches and shuffle them; each batch's padded
  // arrays are made only when it is asked for, so an epoch holds one batch at a time.
  const keyed = pieces.map((p) => ({ p, key: p.input.length + random() }));
  keyed.sort((a, b) => a.key - b.key);
  const ranges: [number, number][] = [];
  let i = 0;
  while (i < keyed.length) {
    const length = keyed[Math.min(i + 1, keyed.length) - 1]!.p.input.length;
    const rowsWanted = Math.max(1, Math.floor(batchTokens / Math.max(1, length)));
    const end = Math.min(keyed.length, i + rowsWanted);
    ranges.push([i, end]);
    i = end;
  }
  for (let j = ranges.length - 1; j > 0; j--) {
    const k = Math.floor(random() * (j + 1));
    [ranges[j], ranges[k]] = [ranges[k]!, ranges[j]!];
  }
  for (const [from, to] of ranges) {
    const rows = keyed.slice(from, to).map((k) => k.p);
    const len = Math.max(...rows.map((r) => r.input.length));
    const inputs = new Int32Array(rows.length * len).fill(PAD_ID);
    const targets = new Int32Array(rows.length * len).fill(PAD_ID);
    rows.forEach((r, j) => {
      inputs.set(r.input, j * len);
      targets.set(r.target, j * len);
    });
    yield { inputs, targets, size: rows.length, length: len, targetLength: len };
  }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
