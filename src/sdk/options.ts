/**
 * The checks of createPredictor's options, and the few rules on what a person teaches. Every
 * network size and epoch count is checked against SIZE_LIMITS (model-config.ts), the same
 * ranges the CLI and resolveModelConfig use: one rule, one number.
 */
import { checkBoolean, checkFunction, checkInteger, checkNumber, checkOneOf, describe } from '../base/checks.js';
import { CELL_TYPES, MODEL_SHAPES, SIZE_LIMITS } from '../inference/model/model-config.js';
import { checkRegister } from '../inference/format/artifacts.js';
import { checkCompletionOrder } from '../inference/model/savings-order.js';
import { MAX_MESSAGE_LENGTH } from '../storage/learned-log.js';
import { BACKEND_NAMES } from '../base/training-types.js';
import type { PredictorOptions } from './types.js';

/** The longest `name` (it keys the IndexedDB records and the Web Lock). */
export const MAX_NAME_LENGTH = 200;
/** Seconds of silence before a training worker is taken for dead (`workerTimeout`'s default). */
export const DEFAULT_WORKER_TIMEOUT_SECONDS = 60;

/** Checks createPredictor's options; throws a TypeError/RangeError naming the bad one. */
export function checkPredictorOptions(o: PredictorOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError(`options must be an object, got ${describe(o)}`);
  const str = (v: unknown, name: string) => {
    if (v !== undefined && typeof v !== 'string' && !(v instanceof URL))
      throw new TypeError(`${name} must be a string or URL, got ${describe(v)}`);
  };
  str(o.corpus, 'corpus');
  str(o.model, 'model');
  str(o.workerUrl, 'workerUrl');
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0 || o.name.length > MAX_NAME_LENGTH)) {
    throw new TypeError(
      `name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters, got ${describe(o.name)}`,
    );
  }
  const oneOf = <T extends string | number>(v: unknown, name: string, values: readonly T[]) =>
    v !== undefined && checkOneOf(v, name, values);
  oneOf(o.cell, 'cell', CELL_TYPES);
  oneOf(o.shape, 'shape', MODEL_SHAPES);
  oneOf(o.backend, 'backend', BACKEND_NAMES);
  oneOf(o.layers, 'layers', [1, 2]);
  const int = (v: unknown, name: string, [min, max]: readonly [number, number]) =>
    v !== undefined && checkInteger(v, name, min, max);
  int(o.embeddingSize, 'embeddingSize', SIZE_LIMITS.embeddingSize);
  int(o.hiddenSize, 'hiddenSize', SIZE_LIMITS.hiddenSize);
  int(o.vocabularySize, 'vocabularySize', SIZE_LIMITS.vocabSize);
  int(o.epochs, 'epochs', SIZE_LIMITS.epochs);
  const positive = (v: unknown, name: string, what: string) =>
    v !== undefined && checkNumber(v, name, (x) => x > 0, what);
  positive(o.workerTimeout, 'workerTimeout', 'a number of seconds > 0');
  positive(o.downloadTimeout, 'downloadTimeout', 'a number of seconds > 0');
  positive(o.maxCorpusBytes, 'maxCorpusBytes', 'a number of bytes > 0');
  for (const b of ['autoTrain', 'persist', 'typos', 'emoji', 'crossOriginWeights'] as const)
    if (o[b] !== undefined) checkBoolean(o[b], b);
  if (o.replies !== undefined && typeof o.replies !== 'boolean') str(o.replies, 'replies');
  if (o.fetch !== undefined) checkFunction(o.fetch, 'fetch');
  checkCompletionOrder(o.completionOrder);
  checkRegister(o.register);
  if (o.block !== undefined && (!Array.isArray(o.block) || o.block.some((w) => typeof w !== 'string')))
    throw new TypeError(`block must be an array of words (strings), got ${describe(o.block)}`);
}

/** A word as the models store it: NFC, lower case, without surrounding spaces. */
export const normWord = (w: string) => w.normalize('NFC').toLowerCase().trim();

/** A message cut to MAX_MESSAGE_LENGTH characters, at a space where there is one. */
export function capMessage(line: string): string {
  if (line.length <= MAX_MESSAGE_LENGTH) return line;
  const cut = line.slice(0, MAX_MESSAGE_LENGTH);
  const space = cut.lastIndexOf(' ');
  return space > MAX_MESSAGE_LENGTH / 2 ? cut.slice(0, space) : cut;
}
