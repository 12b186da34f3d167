/**
 * Trains the reply model (`rnn-predict train --shape qa`): a GRU encoder reads the message, a
 * GRU decoder started from its final state reads the reply so far (BOS first, teacher forcing)
 * and predicts the next reply token, EOS last. The engine's own cells (network.ts runLayer),
 * tied output, full softmax. Pure: no DOM, no I/O (tfjs for training).
 */
import * as tf from '@tensorflow/tfjs';
import { describe } from '../base/checks.js';
import { buildVocabulary, BOS_ID, EOS_ID, PAD_ID, type Vocabulary } from '../text/vocabulary.js';
import {
  resolveModelConfig,
  parameterCount,
  TRAIN_DEFAULTS,
  type ModelConfig,
} from '../inference/model/model-config.js';
import type { RnnModel } from '../inference/format/artifacts.js';
import {
  REPLY_MAX_TOKENS,
  mineReplies,
  messageIds,
  replyTokens,
  type MineOptions,
} from '../inference/suggest/replies.js';
import { mulberry32 } from '../data/windows.js';
import { hashText } from '../data/corpus.js';
import { createWeights, maskedCrossEntropy, outputLogits, runLayer, type Weights } from './network.js';

export interface ReplyTrainOptions {
  /** Training budget in seconds (default 1,800). */
  maxSeconds?: number;
  /** Most passes over the pairs (default 30). */
  epochs?: number;
  /** Network vocabulary, specials included (default 4,000). */
  vocabularySize?: number;
  embeddingSize?: number;
  hiddenSize?: number;
  /** Pairs a batch (default 128). */
  batchSize?: number;
  learningRate?: number;
  /** Dropout on the embeddings while training (default 0.1). */
  dropout?: number;
  seed?: number;
  /** How the reply list is mined (replies.ts mineReplies). */
  mine?: MineOptions;
  onProgress?: (p: { epoch: number; batch: number; batches: number; loss: number; seconds: number }) => void;
}

/** A pair as the network reads it: message ids, reply ids (no BOS/EOS). */
interface Encoded {
  m: number[];
  r: number[];
}

/** Batches of pairs whose messages have the same length (no padding in the encoder). */
function batchesOf(pairs: readonly Encoded[], size: number, rand: () => number): Encoded[][] {
  const byLength = new Map<number, Encoded[]>();
  for (const p of pairs) {
    let l = byLength.get(p.m.length);
    if (!l) byLength.set(p.m.length, (l = []));
    l.push(p);
  }
  const out: Encoded[][] = [];
  for (const group of byLength.values()) {
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [group[i], group[j]] = [group[j]!, group[i]!];
    }
    for (let i = 0; i < group.length; i += size) out.push(group.slice(i, i + size));
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The mean cross-entropy of a batch's reply tokens (and EOS). */
function batchLoss(config: ModelConfig, weights: Weights, batch: Encoded[], dropout: number, seed?: number): tf.Scalar {
  const B = batch.length;
  const T = batch[0]!.m.length;
  const D = Math.max(...batch.map((p) => p.r.length)) + 1;
  const enc = new Int32Array(B * T);
  const dec = new Int32Array(B * D);
  const tgt = new Int32Array(B * D);
  batch.forEach((p, b) => {
    enc.set(p.m, b * T);
    dec[b * D] = BOS_ID;
    dec.set(p.r, b * D + 1);
    tgt.set(p.r, b * D);
    tgt[b * D + p.r.length] = EOS_ID;
  });
  const emb = weights.get('embedding')!;
  const drop = (x: tf.Tensor2D, salt: number) =>
    dropout > 0 ? (tf.dropout(x, dropout, undefined, seed === undefined ? undefined : seed + salt) as tf.Tensor2D) : x;
  const ex = drop(tf.gather(emb, tf.tensor1d(enc, 'int32')) as tf.Tensor2D, 1);
  const { state } = runLayer(config, weights, 'rnn0', ex, B, T);
  const dx = drop(tf.gather(emb, tf.tensor1d(dec, 'int32')) as tf.Tensor2D, 2);
  const { outputs } = runLayer(config, weights, 'dec0', dx, B, D, state);
  const logits = outputLogits(config, weights, outputs);
  return maskedCrossEntropy(logits, tf.tensor1d(tgt, 'int32'), PAD_ID).loss;
}

/**
 * (message, reply) pairs → a reply model: vocabulary of both sides, the network, and the reply
 * list mined from the replies. 2 % of the pairs (at most 1,000) are kept for a validation loss.
 */
export async function trainReplyModel(
  pairs: readonly (readonly [string, string])[],
  options: ReplyTrainOptions = {},
): Promise<RnnModel> {
  if (!Array.isArray(pairs) || pairs.length < 2)
    throw new TypeError(`pairs must be a list of at least 2 [message, reply] pairs, got ${describe(pairs)}`);
  const {
    maxSeconds = 1800,
    epochs = 30,
    vocabularySize = 4000,
    embeddingSize = 64,
    hiddenSize = 128,
    batchSize = 128,
    learningRate = 5e-3,
    dropout = 0.1,
    seed = TRAIN_DEFAULTS.seed,
  } = options;
  const tokens = pairs.map(([m, r]) => [replyTokens(m), replyTokens(r)] as const);
  const vocabulary: Vocabulary = buildVocabulary(
    (function* () {
      for (const [m, r] of tokens) yield* [...m, ...r];
    })(),
    { maxSize: vocabularySize },
  );
  const config = resolveModelConfig({
    cell: 'gru',
    shape: 'seq2seq',
    horizon: 1,
    layers: 1,
    tied: true,
    vocabSize: vocabulary.size,
    embeddingSize,
    hiddenSize,
    dropout,
    maxLength: REPLY_MAX_TOKENS + 1,
  });
  const encoded: Encoded[] = pairs
    .map(([m, r]) => ({
      m: messageIds(vocabulary, m),
      r: vocabulary.encode(replyTokens(r)).slice(0, REPLY_MAX_TOKENS),
    }))
    .filter((p) => p.m.length > 0 && p.r.length > 0);
  const rand = mulberry32(seed ^ 0x9e91);
  const order = encoded.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const nVal = Math.min(1000, Math.max(1, Math.floor(encoded.length * 0.02)));
  const val = order.slice(0, nVal).map((i) => encoded[i]!);
  const train = order.slice(nVal).map((i) => encoded[i]!);
  const weights = createWeights(config, seed);
  const optimizer = tf.train.adam(learningRate);
  const vars = [...weights.values()].filter((v) => v.name && !v.name.startsWith('decoder_steps'));
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  let step = 0;
  let lastLoss = NaN;
  const validate = () => {
    let sum = 0,
      n = 0;
    for (const b of batchesOf(val, batchSize, mulberry32(7))) {
      const l = tf.tidy(() => batchLoss(config, weights, b, 0));
      const count = b.reduce((c, p) => c + p.r.length + 1, 0);
      sum += l.dataSync()[0]! * count;
      n += count;
      l.dispose();
    }
    return sum / n;
  };
  let epoch = 0;
  outer: for (; epoch < epochs; epoch++) {
    const batches = batchesOf(train, batchSize, rand);
    for (let i = 0; i < batches.length; i++) {
      if (seconds() > maxSeconds) break outer;
      const cost = optimizer.minimize(() => batchLoss(config, weights, batches[i]!, dropout, seed + step), true, vars);
      step++;
      if (i % 20 === 0) {
        lastLoss = cost!.dataSync()[0]!;
        options.onProgress?.({
          epoch: epoch + 1,
          batch: i,
          batches: batches.length,
          loss: lastLoss,
          seconds: seconds(),
        });
      }
      cost?.dispose();
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 0));
    }
  }
  const validationLoss = validate();
  const out = new Map<string, Float32Array>();
  for (const [name, v] of weights) {
    out.set(name, v.dataSync() as Float32Array);
    v.dispose();
  }
  optimizer.dispose();
  const replies = mineReplies(
    pairs.map(([, r]) => r),
    vocabulary,
    options.mine,
  );
  return {
    config,
    vocabulary,
    weights: out,
    mix: 1,
    metrics: {
      validationLoss,
      perplexity: Math.exp(validationLoss),
      finalLoss: lastLoss,
      trainSeconds: Math.round(seconds()),
      parameters: parameterCount(config),
      steps: step,
      epochs: epoch,
    },
    corpusHash: hashText(pairs.map(([m, r]) => `${m}\t${r}`).join('\n')),
    trainedAt: new Date().toISOString(),
    settings: { shape: 'qa', pairs: pairs.length, batchSize, learningRate, dropout, seed, mine: options.mine ?? {} },
    replies,
  };
}
