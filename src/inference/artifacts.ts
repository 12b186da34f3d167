/**
 * A trained model as one value — settings, vocabulary, weights, n-gram model, mix, metrics,
 * corpus hash — and its serialisation to tf.io-style artifacts (a JSON topology, weight specs
 * and one binary buffer), so that weights never travel without their vocabulary.
 * No tfjs here: a browser page can load and serve a model without it. Pure: no DOM, no I/O.
 */
import { describe } from '../text/tokenize.js';
import { Vocabulary, type VocabularyJSON } from '../text/vocabulary.js';
import { resolveModelConfig, weightShapes, type ModelConfig } from './model-config.js';
import { RecurrentNetwork } from './recurrent-network.js';
import { KneserNeyTrigram, NGRAM_FORMAT, decodeTrigrams, encodeTrigrams } from './ngram.js';
import { WordPredictor } from './word-predictor.js';

export const MODEL_FORMAT = 'rnn-predict/model';
/** 2: the n-gram counts are varint-coded (version 1 records, int32 counts, still load). */
export const MODEL_VERSION = 2;

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
  metrics: ModelMetrics;
  corpusHash: string;
  trainedAt: string;
  /** How it was trained (options, corpus size), for the record. */
  settings: Record<string, unknown>;
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
  /** Stored as float16 (2 bytes a value) when present. */
  quantization?: { dtype: 'float16' };
  /** 'varint': the n-gram counts as encodeTrigrams' bytes, `byteLength` of them. */
  encoding?: 'varint';
  byteLength?: number;
}

export interface ModelTopology {
  format: typeof MODEL_FORMAT;
  version: number;
  config: ModelConfig;
  vocabulary: VocabularyJSON;
  ngram?: { format: typeof NGRAM_FORMAT; version: number; discount: number; words: string[] };
  mix: number;
  metrics: ModelMetrics;
  corpusHash: string;
  trainedAt: string;
  settings: Record<string, unknown>;
}

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

/** The predictor a model serves (network, n-gram model, mix). */
export function predictorOf(model: RnnModel): WordPredictor {
  return new WordPredictor({
    network: new RecurrentNetwork(model.config, model.weights),
    vocabulary: model.vocabulary,
    ngram: model.ngram,
    mix: model.ngram ? model.mix : 1,
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

/** Every float16 value as float32 (256 KB, made on first use): decoding is one lookup. */
let halfTable: Float32Array | undefined;

function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

// ---- artifacts -----------------------------------------------------------------------------

/** Serialises a model. `float16: true` stores weights at half size. */
export function toArtifacts(model: RnnModel, options: { float16?: boolean } = {}): ModelArtifacts {
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, shape] of weightShapes(model.config)) {
    const w = model.weights.get(name);
    if (!w) throw new ModelFormatError(`model weights: ${name} is missing`);
    if (options.float16) {
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
    const tri = j.trigrams instanceof Int32Array ? j.trigrams : Int32Array.from(j.trigrams);
    const bytes = encodeTrigrams(tri);
    specs.push({
      name: 'ngram/trigrams',
      shape: [tri.length / 4, 4],
      dtype: 'int32',
      encoding: 'varint',
      byteLength: bytes.byteLength,
    });
    parts.push(bytes);
    ngram = { format: j.format, version: j.version, discount: j.discount, words: j.words };
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.byteLength;
  }
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
      metrics: model.metrics,
      corpusHash: model.corpusHash,
      trainedAt: model.trainedAt,
      settings: model.settings,
    },
    weightSpecs: specs,
    weightData: data.buffer,
  };
}

/** Rebuilds a model; a ModelFormatError names what is wrong with a damaged or foreign record. */
export function fromArtifacts(artifacts: unknown): RnnModel {
  const a = artifacts as Partial<ModelArtifacts> | null;
  if (typeof a !== 'object' || a === null)
    throw new ModelFormatError(`model artifacts must be an object, got ${describe(a)}`);
  const t = a.modelTopology as Partial<ModelTopology> | undefined;
  if (!t || t.format !== MODEL_FORMAT)
    throw new ModelFormatError(
      `not an rnn-predict model: expected format "${MODEL_FORMAT}", got ${describe(t?.format)}`,
    );
  if (t.version !== MODEL_VERSION && t.version !== 1)
    throw new ModelFormatError(
      `model format version ${MODEL_VERSION} expected, got ${describe(t.version)} (retrain or use a matching rnn-predict)`,
    );
  if (!Array.isArray(a.weightSpecs)) throw new ModelFormatError('model artifacts: weightSpecs is missing');
  if (!(a.weightData instanceof ArrayBuffer))
    throw new ModelFormatError('model artifacts: weightData must be an ArrayBuffer');
  let config: ModelConfig, vocabulary: Vocabulary;
  try {
    config = resolveModelConfig(t.config as ModelConfig);
    vocabulary = Vocabulary.fromJSON(t.vocabulary);
  } catch (e) {
    throw new ModelFormatError(`model record is damaged: ${(e as Error).message}`);
  }
  if (vocabulary.size !== config.vocabSize)
    throw new ModelFormatError(
      `model record is damaged: vocabulary has ${vocabulary.size} tokens, config expects ${config.vocabSize}`,
    );
  const buffer = a.weightData;
  const weights = new Map<string, Float32Array>();
  let trigrams: Int32Array | undefined;
  let offset = 0;
  for (const spec of a.weightSpecs) {
    const count = spec.shape.reduce((x, y) => x * y, 1);
    if (spec.encoding === 'varint') {
      const length = spec.byteLength;
      if (
        spec.name !== 'ngram/trigrams' ||
        typeof length !== 'number' ||
        !Number.isInteger(length) ||
        length < 0 ||
        spec.shape.length !== 2 ||
        spec.shape[1] !== 4
      ) {
        throw new ModelFormatError(
          `model record is damaged: varint data is only for ngram/trigrams [n, 4] with a byteLength, got ${describe(spec.name)} ${describe(spec.shape)}`,
        );
      }
      if (offset + length > buffer.byteLength) {
        throw new ModelFormatError(
          `model record is damaged: weight data ends at byte ${buffer.byteLength}, ${spec.name} needs bytes ${offset}…${offset + length}`,
        );
      }
      const words = (t.ngram as { words?: unknown } | undefined)?.words;
      try {
        trigrams = decodeTrigrams(
          new Uint8Array(buffer, offset, length),
          spec.shape[0]!,
          Array.isArray(words) ? words.length : 0,
        );
      } catch (e) {
        throw new ModelFormatError(`model record is damaged: ${(e as Error).message}`);
      }
      offset += length;
      continue;
    }
    const bytes = spec.quantization?.dtype === 'float16' ? 2 : 4;
    if (offset + count * bytes > buffer.byteLength) {
      throw new ModelFormatError(
        `model record is damaged: weight data ends at byte ${buffer.byteLength}, ${spec.name} needs bytes ${offset}…${offset + count * bytes}`,
      );
    }
    if (spec.dtype === 'int32') {
      const v = new Int32Array(buffer.slice(offset, offset + count * 4));
      if (spec.name === 'ngram/trigrams') trigrams = v;
    } else if (bytes === 2) {
      const h = new Uint16Array(buffer.slice(offset, offset + count * 2));
      const v = new Float32Array(count);
      const table = (halfTable ??= Float32Array.from({ length: 65536 }, (_, b) => fromHalf(b)));
      for (let i = 0; i < count; i++) v[i] = table[h[i]!]!;
      weights.set(spec.name, v);
    } else {
      weights.set(spec.name, new Float32Array(buffer.slice(offset, offset + count * 4)));
    }
    offset += count * bytes;
  }
  if (offset !== buffer.byteLength)
    throw new ModelFormatError(`model record is damaged: ${buffer.byteLength - offset} bytes of weight data left over`);
  for (const [name, shape] of weightShapes(config)) {
    const w = weights.get(name);
    const size = shape.reduce((x, y) => x * y, 1);
    if (!w || w.length !== size)
      throw new ModelFormatError(`model record is damaged: weight ${name} is missing or has the wrong size`);
    for (let i = 0; i < w.length; i++) {
      if (!Number.isFinite(w[i]!))
        throw new ModelFormatError(`model record is damaged: weight ${name} holds a non-finite value at ${i}`);
    }
  }
  let ngram: KneserNeyTrigram | undefined;
  if (t.ngram) {
    if (!trigrams) throw new ModelFormatError('model record is damaged: the n-gram counts are missing');
    try {
      ngram = KneserNeyTrigram.fromJSON({ ...t.ngram, trigrams });
    } catch (e) {
      throw new ModelFormatError(`model record is damaged: ${(e as Error).message}`);
    }
  }
  return {
    config,
    vocabulary,
    weights,
    ngram,
    mix: typeof t.mix === 'number' ? t.mix : 1,
    metrics: t.metrics ?? {},
    corpusHash: String(t.corpusHash ?? ''),
    trainedAt: String(t.trainedAt ?? ''),
    settings: t.settings ?? {},
  };
}
