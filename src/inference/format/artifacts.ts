/**
 * A trained model as one value — settings, vocabulary, weights, n-gram model, mix, metrics,
 * corpus hash — and its serialisation to tf.io-style artifacts (a JSON topology, weight specs
 * and one binary buffer), so that weights never travel without their vocabulary.
 * No tfjs here: a browser page can load and serve a model without it. Pure: no DOM, no I/O.
 */
import { concatBytes } from '../../base/bytes.js';
import { checkInteger, checkNumber, checkOneOf, describe, WEIGHT } from '../../base/checks.js';
import { Vocabulary, type VocabularyJSON } from '../../text/vocabulary.js';
import { resolveModelConfig, weightShapes, SIZE_LIMITS, type ModelConfig } from '../model/model-config.js';
import { RecurrentNetwork } from '../model/recurrent-network.js';
import { KneserNeyTrigram, NGRAM_FORMAT } from '../model/ngram.js';
import { decodeTrigrams, encodeTrigrams } from './ngram-codec.js';
import { decodeFourgrams, encodeFourgrams } from '../model/fourgram.js';
import { WordPredictor, type PredictorParts } from '../model/word-predictor.js';
import { quantizeRows, Int8Rows, LazyWeights, weightLength } from '../kernels/quantize.js';

export const MODEL_FORMAT = 'rnn-predict/model';
/** 2: the n-gram counts are varint-coded; 3: int8 weights and a release tag may appear.
 * Records of versions 1 and 2 still load. */
export const MODEL_VERSION = 3;

export interface ModelMetrics {
  /** Validation figures (fractions 0–1, perplexity over in-vocabulary targets). */
  top1?: number;
  top3?: number;
  perplexity?: number;
  trainSeconds?: number;
  targets?: number;
  finalLoss?: number;
  validationLoss?: number;
  parameters?: number;
  [key: string]: number | undefined;
}

export interface RnnModel {
  config: ModelConfig;
  vocabulary: Vocabulary;
  weights: Map<string, Float32Array>;
  ngram?: KneserNeyTrigram;
  /** Network weight in the mix with the n-gram model, 0–1. */
  mix: number;
  /** The network's weight for each register (the kind of text typed), chosen on validation text
   * of each; `mix` serves a model without them (mixFor). */
  registerMix?: Record<Register, number>;
  metrics: ModelMetrics;
  corpusHash: string;
  trainedAt: string;
  /** How it was trained (options, corpus size), for the record. */
  settings: Record<string, unknown>;
  /** Set on a model published for others to use (the one shipped with the package): its name
   * and version, so a stored copy can be recognised and upgraded. */
  release?: ModelRelease;
  /** A reply model (`train --shape qa`): the replies it ranks, mined from its training pairs
   * (replies.ts). Absent on a next-word model. */
  replies?: string[];
}

/** The kinds of text a site can say its people type: chat messages, or formal text (email,
 * support tickets). The model's mix weights differ by register (`registerMix`). */
export const REGISTERS = ['chat', 'formal'] as const;
export type Register = (typeof REGISTERS)[number];
/** The register when a site names none: the product is a chat box. */
export const DEFAULT_REGISTER: Register = 'chat';

/** Checks a `register` option, default DEFAULT_REGISTER. */
export function checkRegister(value: unknown): Register {
  return value === undefined ? DEFAULT_REGISTER : checkOneOf(value, 'register', REGISTERS);
}

/** The network's weight in the mix for `register`: the model's weight for it, else its `mix`. */
export function mixFor(model: Pick<RnnModel, 'mix' | 'registerMix'>, register?: Register): number {
  return model.registerMix?.[checkRegister(register)] ?? model.mix;
}

/** The name and version of a published model. */
export interface ModelRelease {
  id: string;
  version: number;
}

/** The subset of tf.io.ModelArtifacts this format uses. */
export interface ModelArtifacts {
  modelTopology: ModelTopology;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  format?: string;
  generatedBy?: string;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /**
   * 'float16': 2 bytes a value. 'int8' (matrices): per-row symmetric int8 — `shape[0]` float32
   * scales, then one signed byte a value (quantize.ts).
   */
  quantization?: { dtype: 'float16' } | { dtype: 'int8'; scale: 'row' };
  /** 'varint': the n-gram counts as encodeTrigrams' bytes, `byteLength` of them. */
  encoding?: 'varint';
  byteLength?: number;
}

/** An RnnModel as model.json holds it: the vocabulary and the n-gram header as JSON (the weights
 * and the n-gram counts are in weights.bin), the rest as it is. */
export interface ModelTopology extends Pick<
  RnnModel,
  'config' | 'mix' | 'registerMix' | 'metrics' | 'corpusHash' | 'trainedAt' | 'settings' | 'release' | 'replies'
> {
  format: typeof MODEL_FORMAT;
  version: number;
  vocabulary: VocabularyJSON;
  ngram?: { format: typeof NGRAM_FORMAT; version: number; discount: number; words: string[] };
}

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

/**
 * The model with its network's vocabulary cut to the `size` most frequent tokens (the
 * vocabulary is ordered by frequency): the embedding and output rows of the rarer words go,
 * and those words are left to the n-gram model. Needs a tied output layer.
 */
export function truncateVocabulary(model: RnnModel, size: number): RnnModel {
  const V = model.config.vocabSize;
  checkInteger(size, 'vocabulary size', SIZE_LIMITS.vocabSize[0], V);
  if (!model.config.tied) throw new RangeError('only a model with a tied output layer can have its vocabulary cut');
  if (size === V) return model;
  const v = model.vocabulary.toJSON();
  const vocabulary = Vocabulary.fromJSON({ ...v, tokens: v.tokens.slice(0, size), counts: v.counts.slice(0, size) });
  const E = model.config.embeddingSize;
  const weights = new Map(model.weights);
  weights.set('embedding', model.weights.get('embedding')!.slice(0, size * E));
  weights.set('output/bias', model.weights.get('output/bias')!.slice(0, size));
  return { ...model, vocabulary, weights, config: { ...model.config, vocabSize: size } };
}

/** The predictor a model serves (network, n-gram model, the mix for `options.register`),
 * completing words in `options.completionOrder`. */
export function predictorOf(
  model: RnnModel,
  options: Pick<PredictorParts, 'completionOrder'> & { register?: Register } = {},
): WordPredictor {
  const { register, ...parts } = options;
  return new WordPredictor({
    network: new RecurrentNetwork(model.config, model.weights),
    vocabulary: model.vocabulary,
    ngram: model.ngram,
    mix: model.ngram ? mixFor(model, register) : 1,
    ...parts,
  });
}

// ---- float16 -------------------------------------------------------------------------------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function toHalf(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    if ((mant >> (shift - 1)) & 1) half++;
    return sign | half;
  }
  let half = sign | (e << 10) | (mant >> 13);
  if (mant & 0x1000) half++; // round to nearest
  return half;
}

function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * float16 values (their bits) as float32, into `out`: the float32 bits are put together from
 * the half's (exponent rebased, mantissa shifted), zeros and subnormals through fromHalf. No
 * table to build first (65,536 entries took ~15 ms on a page's way to its first suggestion).
 */
export function halvesToFloats(h: Uint16Array, out: Float32Array): Float32Array {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < h.length; i++) {
    const x = h[i]!;
    const exp = (x >> 10) & 0x1f;
    if (exp === 0) out[i] = fromHalf(x);
    else bits[i] = ((x & 0x8000) << 16) | ((exp === 0x1f ? 0xff : exp + 112) << 23) | ((x & 0x3ff) << 13);
  }
  return out;
}

// ---- artifacts -----------------------------------------------------------------------------

/** How toArtifacts stores weights. */
export interface ArtifactOptions {
  /** Store weights as float16 (half the size). */
  float16?: boolean;
  /** Store matrices as per-row int8 (a quarter of the size; vectors as float16). */
  int8?: boolean;
}

/** Serialises a model (float32 weights unless `float16` or `int8` is asked for). */
export function toArtifacts(model: RnnModel, options: ArtifactOptions = {}): ModelArtifacts {
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, shape] of weightShapes(model.config)) {
    const w = model.weights.get(name);
    if (!w) throw new ModelFormatError(`model weights: ${name} is missing`);
    if (options.int8 && shape.length === 2) {
      const { q, scales } = quantizeRows(w, shape[0]!, shape[1]!);
      specs.push({ name, shape, dtype: 'float32', quantization: { dtype: 'int8', scale: 'row' } });
      parts.push(new Uint8Array(scales.buffer), new Uint8Array(q.buffer));
    } else if (options.float16 || options.int8) {
      const h = new Uint16Array(w.length);
      for (let i = 0; i < w.length; i++) h[i] = toHalf(w[i]!);
      specs.push({ name, shape, dtype: 'float32', quantization: { dtype: 'float16' } });
      parts.push(new Uint8Array(h.buffer));
    } else {
      specs.push({ name, shape, dtype: 'float32' });
      parts.push(new Uint8Array(w.buffer, w.byteOffset, w.byteLength).slice());
    }
  }
  let ngram: ModelTopology['ngram'];
  if (model.ngram) {
    const j = model.ngram.toJSON();
    // Each table of counts as varints: [rows, width] int32 before coding.
    const varints = (
      name: string,
      table: number[] | Int32Array,
      width: number,
      encode: (t: Int32Array) => Uint8Array,
    ) => {
      const t = table instanceof Int32Array ? table : Int32Array.from(table);
      const bytes = encode(t);
      specs.push({
        name,
        shape: [t.length / width, width],
        dtype: 'int32',
        encoding: 'varint',
        byteLength: bytes.byteLength,
      });
      parts.push(bytes);
    };
    varints('ngram/trigrams', j.trigrams, 4, encodeTrigrams);
    if (j.bigrams) varints('ngram/bigrams', j.bigrams, 4, encodeTrigrams);
    if (j.fourgrams) varints('ngram/fourgrams', j.fourgrams, 5, encodeFourgrams);
    ngram = { format: j.format, version: j.version, discount: j.discount, words: j.words };
  }
  const data = concatBytes(parts);
  return {
    format: MODEL_FORMAT,
    generatedBy: 'rnn-predict',
    modelTopology: {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      config: model.config,
      vocabulary: model.vocabulary.toJSON(),
      ngram,
      mix: model.mix,
      ...(model.registerMix ? { registerMix: model.registerMix } : {}),
      metrics: model.metrics,
      corpusHash: model.corpusHash,
      trainedAt: model.trainedAt,
      settings: model.settings,
      ...(model.release ? { release: model.release } : {}),
      ...(model.replies ? { replies: model.replies } : {}),
    },
    weightSpecs: specs,
    weightData: data.buffer,
  };
}

/**
 * The bytes of weight data a manifest's specs declare (int8 rows with their scales, float16,
 * float32 or int32 values, varint data by its byteLength): what a download of the weights may
 * hold. A ModelFormatError for a spec that is not one.
 */
export function declaredWeightBytes(specs: unknown): number {
  if (!Array.isArray(specs)) throw new ModelFormatError('the weights manifest has no list of weights');
  let total = 0;
  for (const spec of specs as WeightSpec[]) {
    const shape = spec?.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0))
      throw new ModelFormatError(
        `weight ${describe(spec?.name)} has shape ${describe(shape)}, expected non-negative integers`,
      );
    const count = shape.reduce((x, y) => x * y, 1);
    const dtype = spec.quantization?.dtype;
    total +=
      spec.encoding === 'varint'
        ? Number(spec.byteLength)
        : dtype === 'int8'
          ? (shape[0] ?? 0) * 4 + count
          : count * (dtype === 'float16' ? 2 : 4);
    if (!Number.isSafeInteger(total) || total < 0)
      throw new ModelFormatError(`weight ${describe(spec.name)}: the declared sizes are not a number of bytes`);
  }
  return total;
}

/** Rebuilds a model; a ModelFormatError names what is wrong with a damaged or foreign record. */
export function fromArtifacts(artifacts: unknown): RnnModel {
  const { model, ngram } = fromArtifactsInStages(artifacts);
  const steps = ngram();
  let step = steps.next();
  while (!step.done) step = steps.next();
  return { ...model, ngram: step.value };
}

/**
 * fromArtifacts in two steps, so that the network can answer before the n-gram counts (most of
 * the decoding) are read: `model` is the record with every check of its layout, vocabulary and
 * weights done and no `ngram`; `ngram()` decodes the counts in steps (a generator that pauses
 * after each table, so a page can let input through between them; it returns the n-gram, or
 * undefined for a record without counts), throwing the ModelFormatError fromArtifacts would
 * have thrown for damaged ones.
 */
export function fromArtifactsInStages(artifacts: unknown): {
  model: RnnModel;
  ngram: () => Generator<void, KneserNeyTrigram | undefined>;
} {
  const { model, ngram } = decodeArtifacts(artifacts, true);
  return { model: model!, ngram };
}

/**
 * A model's n-gram tables apart from the rest of its artifacts (splitNgram): the n-gram header,
 * and the specs and bytes of its counts, which come last in the weight data.
 */
export interface NgramPart {
  ngram: NonNullable<ModelTopology['ngram']>;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
}

/**
 * `artifacts` as two: the rest (network, vocabulary, settings: artifacts of a model without an
 * n-gram, which fromArtifactsInStages reads alone) and its n-gram part, so that storage can read
 * the rest first. No part for a model without n-gram counts, or whose counts do not come last.
 */
export function splitNgram(artifacts: ModelArtifacts): { rest: ModelArtifacts; part?: NgramPart } {
  const { ngram, ...topology } = artifacts.modelTopology;
  const specs = artifacts.weightSpecs;
  const at = specs.findIndex((s) => s.name.startsWith('ngram/'));
  if (!ngram || at < 0 || specs.slice(at).some((s) => !s.name.startsWith('ngram/'))) return { rest: artifacts };
  let offset: number;
  try {
    offset = declaredWeightBytes(specs.slice(0, at));
  } catch {
    return { rest: artifacts };
  }
  if (offset > artifacts.weightData.byteLength) return { rest: artifacts };
  return {
    rest: {
      ...artifacts,
      modelTopology: topology,
      weightSpecs: specs.slice(0, at),
      weightData: artifacts.weightData.slice(0, offset),
    },
    part: { ngram, weightSpecs: specs.slice(at), weightData: artifacts.weightData.slice(offset) },
  };
}

/** The artifacts splitNgram split into `rest` and `part`. */
export function joinNgram(rest: ModelArtifacts, part: NgramPart): ModelArtifacts {
  return {
    ...rest,
    modelTopology: { ...rest.modelTopology, ngram: part.ngram },
    weightSpecs: [...rest.weightSpecs, ...part.weightSpecs],
    weightData: concatBytes([new Uint8Array(rest.weightData), new Uint8Array(part.weightData)]).buffer,
  };
}

/**
 * The n-gram of the model whose artifacts splitNgram split into `rest` and `part`, decoded in
 * steps as fromArtifactsInStages' `ngram()` (the same checks, the same ModelFormatError), with
 * no work on the network: a page reads the part after its first suggestion.
 */
export function ngramInStages(rest: ModelArtifacts, part: NgramPart): Generator<void, KneserNeyTrigram | undefined> {
  const p = part as Partial<NgramPart> | null;
  if (typeof p !== 'object' || p === null || typeof p.ngram !== 'object' || p.ngram === null)
    throw new ModelFormatError(`the n-gram part of a model must be an object with its header, got ${describe(p)}`);
  const artifacts = {
    ...rest,
    modelTopology: { ...rest.modelTopology, ngram: p.ngram },
    weightSpecs: p.weightSpecs,
    weightData: p.weightData,
  };
  return decodeArtifacts(artifacts, false).ngram();
}

/**
 * fromArtifactsInStages' work; with `network` false, the weights other than the n-gram's are
 * neither expected nor read (no `model`), for ngramInStages.
 */
function decodeArtifacts(
  artifacts: unknown,
  network: boolean,
): { model?: RnnModel; ngram: () => Generator<void, KneserNeyTrigram | undefined> } {
  const a = artifacts as Partial<ModelArtifacts> | null;
  if (typeof a !== 'object' || a === null)
    throw new ModelFormatError(`model artifacts must be an object, got ${describe(a)}`);
  const t = a.modelTopology as Partial<ModelTopology> | undefined;
  if (!t || t.format !== MODEL_FORMAT)
    throw new ModelFormatError(
      `not an rnn-predict model: expected format "${MODEL_FORMAT}", got ${describe(t?.format)}`,
    );
  if (t.version !== MODEL_VERSION && t.version !== 1 && t.version !== 2)
    throw new ModelFormatError(
      `model format version ${MODEL_VERSION} expected, got ${describe(t.version)} (retrain or use a matching rnn-predict)`,
    );
  if (!Array.isArray(a.weightSpecs)) throw new ModelFormatError('model artifacts: weightSpecs is missing');
  if (!(a.weightData instanceof ArrayBuffer))
    throw new ModelFormatError('model artifacts: weightData must be an ArrayBuffer');
  let config: ModelConfig, vocabulary: Vocabulary | undefined;
  try {
    config = resolveModelConfig(t.config as ModelConfig);
    if (network) vocabulary = Vocabulary.fromJSON(t.vocabulary);
  } catch (e) {
    throw new ModelFormatError(`model record is damaged: ${(e as Error).message}`);
  }
  if (vocabulary && vocabulary.size !== config.vocabSize)
    throw new ModelFormatError(
      `model record is damaged: vocabulary has ${vocabulary.size} tokens, config expects ${config.vocabSize}`,
    );
  const buffer = a.weightData;
  const weights = new LazyWeights();
  let trigrams: Int32Array | undefined;
  /** The n-gram counts' varint segments, decoded by ngram(). */
  const varints: { name: string; bytes: Uint8Array; rows: number }[] = [];
  let offset = 0;
  const finite = new Set<string>(); // weights known finite without looking at every value
  for (const spec of a.weightSpecs) {
    if (!Array.isArray(spec?.shape) || spec.shape.some((d) => !Number.isSafeInteger(d) || d < 0))
      throw new ModelFormatError(
        `model record is damaged: weight ${describe(spec?.name)} has shape ${describe(spec?.shape)}, expected non-negative integers`,
      );
    const count = spec.shape.reduce((x, y) => x * y, 1);
    if (spec.encoding === 'varint') {
      const length = spec.byteLength;
      const four = spec.name === 'ngram/fourgrams';
      if (
        (spec.name !== 'ngram/trigrams' && spec.name !== 'ngram/bigrams' && !four) ||
        typeof length !== 'number' ||
        !Number.isInteger(length) ||
        length < 0 ||
        spec.shape.length !== 2 ||
        spec.shape[1] !== (four ? 5 : 4)
      ) {
        throw new ModelFormatError(
          `model record is damaged: varint data is only for ngram/trigrams or ngram/bigrams [n, 4] and ngram/fourgrams [n, 5] with a byteLength, got ${describe(spec.name)} ${describe(spec.shape)}`,
        );
      }
      // Each row takes two varints at least: a count beyond that is a lie, refused before the
      // decoder sizes its buffers by it (no allocation past a small multiple of the file).
      if (spec.shape[0]! * 2 > length) {
        throw new ModelFormatError(
          `model record is damaged: ${spec.name} claims ${spec.shape[0]} rows in ${length} bytes, each row takes 2 bytes at least`,
        );
      }
      if (offset + length > buffer.byteLength) {
        throw new ModelFormatError(
          `model record is damaged: weight data ends at byte ${buffer.byteLength}, ${spec.name} needs bytes ${offset}…${offset + length}`,
        );
      }
      varints.push({ name: spec.name, bytes: new Uint8Array(buffer, offset, length), rows: spec.shape[0]! });
      offset += length;
      continue;
    }
    if (!network && !String(spec.name).startsWith('ngram/'))
      throw new ModelFormatError(
        `the n-gram part of a model holds a weight named ${describe(spec.name)}, expected ngram/ tables only`,
      );
    const int8 = spec.quantization?.dtype === 'int8';
    const rows = int8 ? (spec.shape[0] ?? 0) : 0;
    if (int8 && (spec.shape.length !== 2 || (spec.quantization as { scale?: unknown }).scale !== 'row')) {
      throw new ModelFormatError(
        `model record is damaged: int8 weights must be a matrix with per-row scales, got ${spec.name} ${describe(spec.shape)}`,
      );
    }
    const size = int8 ? rows * 4 + count : count * (spec.quantization?.dtype === 'float16' ? 2 : 4);
    if (offset + size > buffer.byteLength) {
      throw new ModelFormatError(
        `model record is damaged: weight data ends at byte ${buffer.byteLength}, ${spec.name} needs bytes ${offset}…${offset + size}`,
      );
    }
    if (int8) {
      const scales = new Float32Array(buffer.slice(offset, offset + rows * 4));
      // Every value is an int8 times its row's scale: finite when the scales are.
      for (let r = 0; r < rows; r++) {
        if (!Number.isFinite(scales[r]!))
          throw new ModelFormatError(`model record is damaged: weight ${spec.name} has a non-finite scale in row ${r}`);
      }
      finite.add(spec.name);
      // Kept as rows until read as float32 (LazyWeights): the network's int8 path never does.
      const q = new Int8Array(buffer, offset + rows * 4, count);
      weights.setRows(spec.name, new Int8Rows(q, scales, count / Math.max(rows, 1)));
      offset += size;
      continue;
    }
    const bytes = spec.quantization?.dtype === 'float16' ? 2 : 4;
    if (!Number.isSafeInteger(count) || count < 0 || offset + count * bytes > buffer.byteLength) {
      throw new ModelFormatError(
        `model record is damaged: weight data ends at byte ${buffer.byteLength}, ${spec.name} ${describe(spec.shape)} needs bytes ${offset}…${offset + count * bytes}`,
      );
    }
    if (spec.dtype === 'int32') {
      const v = new Int32Array(buffer.slice(offset, offset + count * 4));
      if (spec.name === 'ngram/trigrams') trigrams = v;
    } else if (bytes === 2) {
      const h = new Uint16Array(buffer.slice(offset, offset + count * 2));
      weights.set(spec.name, halvesToFloats(h, new Float32Array(count)));
    } else {
      weights.set(spec.name, new Float32Array(buffer.slice(offset, offset + count * 4)));
    }
    offset += count * bytes;
  }
  if (offset !== buffer.byteLength)
    throw new ModelFormatError(`model record is damaged: ${buffer.byteLength - offset} bytes of weight data left over`);
  for (const [name, shape] of network ? weightShapes(config) : []) {
    const size = shape.reduce((x, y) => x * y, 1);
    if (weightLength(weights, name) !== size)
      throw new ModelFormatError(`model record is damaged: weight ${name} is missing or has the wrong size`);
    if (finite.has(name)) continue;
    const w = weights.get(name)!;
    for (let i = 0; i < w.length; i++) {
      if (!Number.isFinite(w[i]!))
        throw new ModelFormatError(`model record is damaged: weight ${name} holds a non-finite value at ${i}`);
    }
  }
  const counts = t.ngram;
  if (counts && !trigrams && !varints.some((v) => v.name === 'ngram/trigrams'))
    throw new ModelFormatError('model record is damaged: the n-gram counts are missing');
  const ngram = function* (): Generator<void, KneserNeyTrigram | undefined> {
    if (!counts) return undefined;
    const words = (counts as { words?: unknown }).words;
    const decoded: Partial<Record<'trigrams' | 'bigrams' | 'fourgrams', Int32Array>> = trigrams ? { trigrams } : {};
    try {
      for (const v of varints) {
        const decode = v.name === 'ngram/fourgrams' ? decodeFourgrams : decodeTrigrams;
        decoded[v.name.slice('ngram/'.length) as keyof typeof decoded] = decode(
          v.bytes,
          v.rows,
          Array.isArray(words) ? words.length : 0,
        );
        yield;
      }
      return KneserNeyTrigram.fromJSON({ ...counts, trigrams: decoded.trigrams!, ...decoded });
    } catch (e) {
      throw new ModelFormatError(`model record is damaged: ${(e as Error).message}`);
    }
  };
  if (!vocabulary) return { ngram };
  const model: RnnModel = {
    config,
    vocabulary,
    weights,
    mix: typeof t.mix === 'number' ? t.mix : 1,
    ...(t.registerMix === undefined ? {} : { registerMix: checkedRegisterMix(t.registerMix) }),
    metrics: t.metrics ?? {},
    corpusHash: String(t.corpusHash ?? ''),
    trainedAt: String(t.trainedAt ?? ''),
    settings: t.settings ?? {},
    ...(isRelease(t.release) ? { release: t.release } : {}),
    ...(t.replies !== undefined ? { replies: checkReplies(t.replies) } : {}),
  };
  return { model, ngram };
}

/** A record's `registerMix`: a weight in [0, 1] for each register, else a ModelFormatError. */
function checkedRegisterMix(value: unknown): Record<Register, number> {
  const x = value as Partial<Record<Register, unknown>> | null;
  if (typeof x !== 'object' || x === null)
    throw new ModelFormatError(`model record: registerMix must be an object, got ${describe(value)}`);
  const out = {} as Record<Register, number>;
  for (const r of REGISTERS) {
    try {
      out[r] = checkNumber(x[r], `registerMix.${r}`, ...WEIGHT);
    } catch (e) {
      throw new ModelFormatError(`model record: ${(e as Error).message}`);
    }
  }
  return out;
}

/** The reply list of a record: strings, none empty, or a ModelFormatError. */
function checkReplies(r: unknown): string[] {
  if (!Array.isArray(r) || r.some((x) => typeof x !== 'string' || x.trim() === ''))
    throw new ModelFormatError(
      `model record is damaged: replies must be a list of non-empty strings, got ${describe(r)}`,
    );
  return r as string[];
}

function isRelease(r: unknown): r is ModelRelease {
  const x = r as Partial<ModelRelease> | null | undefined;
  return typeof x === 'object' && x !== null && typeof x.id === 'string' && Number.isInteger(x.version);
}
