/**
 * The whole pipeline from corpus lines to a trained model: vocabulary, network, Kneser-Ney
 * trigram and the mix weight. Pure: no DOM, no I/O (tfjs for training).
 */
import { tokenize, modelWords, EVAL_WORD_PATTERN } from '../text/tokenize.js';
import { describe } from '../base/checks.js';
import { buildVocabulary } from '../text/vocabulary.js';
import {
  resolveModelConfig,
  parameterCount,
  TRAIN_DEFAULTS,
  type ModelConfig,
} from '../inference/model/model-config.js';
import { RecurrentNetwork } from '../inference/model/recurrent-network.js';
import { KneserNeyTrigram, NGRAM_HISTORY } from '../inference/model/ngram.js';
import { WordPredictor } from '../inference/model/word-predictor.js';
import { evaluate } from '../inference/suggest/evaluate.js';
import { trainModel, type TrainOptions, type TrainResult } from './train.js';
import { createWeights } from './network.js';
import { predictorOf, type RnnModel } from '../inference/format/artifacts.js';
import { mulberry32 } from '../data/windows.js';
import { hashText } from '../data/corpus.js';
import { corpusSizeWarning } from './corpus-size.js';

export interface TrainLanguageModelOptions extends TrainOptions {
  model?: Partial<Omit<ModelConfig, 'vocabSize'>>;
  /** Vocabulary size for the network, specials included (default 15,000). */
  vocabularySize?: number;
  /** Fewest occurrences for a token to enter the network's vocabulary (default 1). */
  minCount?: number;
  /** Train the Kneser-Ney trigram and mix it in where it helps (default true). */
  ngram?: boolean;
  /**
   * Go on training this model (its vocabulary, configuration and weights) instead of a fresh
   * one: e.g. a second phase with the full softmax and a lower learning rate.
   */
  continueFrom?: Pick<RnnModel, 'vocabulary' | 'config' | 'weights'>;
  /**
   * Called with the network trained so far (its vocabulary, no n-gram yet) every
   * `everySeconds` of training, so a long run that is stopped leaves a usable model.
   */
  onCheckpoint?: { everySeconds: number; callback: (model: RnnModel, trainedSeconds: number) => void | Promise<void> };
  /**
   * Called before training with a one-line warning when the training lines are too few for
   * the network to learn more than them by heart (corpus-size.ts states the rule).
   */
  onWarning?: (message: string) => void;
}

/** Seeds the choice of validation lines; the value earlier releases drew them with for seed 1. */
const SPLIT_SEED = 1 ^ 0x5eed;

/** Tokens the network sees for a line (lower-cased, punctuation included). */
export function lineTokens(line: string): string[] {
  return tokenize(line).map((t) => t.norm);
}

/**
 * Corpus lines → a trained model: vocabulary, network, Kneser-Ney trigram, and the mix weight
 * that minimises validation perplexity. Metrics are measured on the validation lines, which
 * the network never trains on; the trigram is trained on them too once the mix is chosen and
 * the metrics measured (counting takes seconds, and more text is a better trigram).
 */
export async function trainLanguageModel(
  lines: readonly string[],
  options: TrainLanguageModelOptions = {},
): Promise<RnnModel & { result: TrainResult }> {
  if (!Array.isArray(lines)) throw new TypeError(`lines must be an array of strings, got ${describe(lines)}`);
  const {
    vocabularySize = TRAIN_DEFAULTS.vocabularySize,
    minCount = 1,
    ngram: useNgram = true,
    seed = TRAIN_DEFAULTS.seed,
  } = options;
  const kept = lines.map((l) => ({ l, t: lineTokens(l) })).filter((x) => x.t.length > 0);
  if (kept.length < 2)
    throw new RangeError(`the corpus is too small to train on: ${kept.length} line(s) with words, expected at least 2`);
  // One validation split for the network, the n-gram model, the mix and the metrics. It does
  // not depend on `seed`: a run that goes on from another (continueFrom) with another seed
  // validates on the same held-out lines, never on lines the first run trained on.
  const split = options.validationSplit ?? 0.05;
  const random = mulberry32(SPLIT_SEED);
  const order = kept
    .map((x, i) => ({ x, k: random(), i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((o) => o.x);
  const nVal = split > 0 ? Math.max(1, Math.round(order.length * split)) : 0;
  const validationPart = order.slice(0, nVal);
  const trainPart = order.slice(nVal);
  const validation = validationPart.map((x) => x.l);
  const start = options.continueFrom;
  const vocabulary = start
    ? start.vocabulary
    : buildVocabulary(
        trainPart.flatMap((x) => x.t),
        { maxSize: vocabularySize, minCount },
      );
  const config = start ? start.config : resolveModelConfig({ ...options.model, vocabSize: vocabulary.size });
  const sizeWarning = corpusSizeWarning(
    trainPart.reduce((n, x) => n + x.t.length, 0),
    parameterCount(config),
  );
  if (sizeWarning) options.onWarning?.(sizeWarning);
  const corpusHash = hashText(lines.join('\n'));
  const settings = {
    ...options,
    signal: undefined,
    onProgress: undefined,
    onWarning: undefined,
    initialWeights: undefined,
    onCheckpoint: undefined,
    continueFrom: undefined,
    parallel: options.parallel?.threads,
    lines: lines.length,
  };
  const onCheckpoint = options.onCheckpoint;
  const result = await (config.shape === 'seq2seq' ? trainEncoderDecoder : trainModel)(
    config,
    trainPart.map((x) => vocabulary.encode(x.t)),
    {
      ...options,
      ...(start ? { initialWeights: start.weights } : {}),
      seed,
      validationLines: validationPart.map((x) => vocabulary.encode(x.t)),
      ...(onCheckpoint
        ? {
            checkpoint: {
              everySeconds: onCheckpoint.everySeconds,
              callback: async (weights, seconds) => {
                await onCheckpoint.callback(
                  {
                    config,
                    vocabulary,
                    weights,
                    mix: 1,
                    metrics: { trainSeconds: seconds },
                    corpusHash,
                    trainedAt: new Date().toISOString(),
                    settings,
                  },
                  seconds,
                );
              },
            },
          }
        : {}),
    },
  );
  const trainText = trainPart.map((x) => x.l);
  const ngram = useNgram ? KneserNeyTrigram.train(trainText.map(modelWords)) : undefined;
  const model: RnnModel = {
    config,
    vocabulary,
    weights: result.weights,
    ngram,
    mix: 1,
    metrics: {},
    corpusHash,
    trainedAt: new Date().toISOString(),
    settings,
  };
  if (ngram && validation.length > 0) model.mix = bestMix(model, validation);
  else if (ngram) model.mix = 0.5;
  const last = result.history[result.history.length - 1];
  model.metrics = {
    trainSeconds: result.seconds,
    targets: result.targets,
    finalLoss: last?.loss,
    validationLoss: last?.validationLoss,
    parameters: parameterCount(config),
  };
  if (validation.length > 0) {
    const r = evaluate(predictorOf(model), validation.slice(0, 500), { skipKsr: true });
    Object.assign(model.metrics, { top1: r.top1, top3: r.top3, perplexity: r.perplexity });
  }
  // Chosen and measured with the validation lines held out; the model keeps a trigram of every
  // line (on the shipped model's text: 0.08 points more top-3 on the dev split, docs/quality.md).
  if (ngram && validation.length > 0) model.ngram = KneserNeyTrigram.train(kept.map((x) => modelWords(x.l)));
  return { ...model, result };
}

/** Share of the time budget the seq2seq encoder trains alone (the rest trains the decoder). */
const ENCODER_SHARE = 0.7;

/**
 * A seq2seq model in two stages. First the encoder with its next-word head (embedding,
 * recurrent layers, tied output) trains exactly as a seq2vec model (every prefix scored, the
 * fast hand-written pass, sampled softmax), for `ENCODER_SHARE` of the budget; then the decoder
 * (its cells and step vectors) trains on the frozen encoder to output the next `horizon` words.
 * So `predictNext` (the encoder's head) is as good as a seq2vec model of the same size trained
 * that long, and the decoder adds phrases. Checkpoints are written in the second stage only.
 */
async function trainEncoderDecoder(
  config: ModelConfig,
  lines: readonly (readonly number[])[],
  options: TrainOptions,
): Promise<TrainResult> {
  const { maxSeconds = Infinity, seed = TRAIN_DEFAULTS.seed } = options;
  const encoder = await trainModel({ ...config, shape: 'seq2vec' }, lines, {
    ...options,
    maxSeconds: maxSeconds * ENCODER_SHARE,
    checkpoint: undefined,
  });
  const initial = new Map(encoder.weights);
  const fresh = createWeights(config, seed);
  for (const [name, variable] of fresh)
    if (!initial.has(name)) initial.set(name, Float32Array.from(variable.dataSync()));
  for (const variable of fresh.values()) variable.dispose();
  const decoder = await trainModel(config, lines, {
    ...options,
    maxSeconds: Math.max(maxSeconds * (1 - ENCODER_SHARE), maxSeconds - encoder.seconds),
    initialWeights: initial,
    frozen: [...encoder.weights.keys()],
    sampledSoftmax: undefined,
  });
  return {
    ...decoder,
    history: [...encoder.history, ...decoder.history],
    seconds: encoder.seconds + decoder.seconds,
    targets: encoder.targets + decoder.targets,
  };
}

/** The network weight in [0, 1] (steps of 0.1) that minimises perplexity on the lines. */
export function bestMix(model: RnnModel, lines: readonly string[]): number {
  const nnOnly = new WordPredictor({
    network: new RecurrentNetwork(model.config, model.weights),
    vocabulary: model.vocabulary,
  });
  const pairs: [number, number][] = [];
  for (const raw of lines.slice(0, 1000)) {
    const line = raw.normalize('NFC').toLowerCase();
    for (const m of line.matchAll(EVAL_WORD_PATTERN)) {
      const before = line.slice(0, m.index);
      const pn = nnOnly.probability(before, m[0]) ?? 0;
      const pk = model.ngram!.probability(modelWords(before).slice(-NGRAM_HISTORY), m[0]);
      if (pn > 0 || pk > 0) pairs.push([pn, pk]);
    }
  }
  let best = 0.5,
    bestNll = Infinity;
  for (let l = 0; l <= 10; l++) {
    const lambda = l / 10;
    let nll = 0;
    for (const [pn, pk] of pairs) nll -= Math.log(Math.max(lambda * pn + (1 - lambda) * pk, 1e-12));
    if (nll < bestNll) {
      bestNll = nll;
      best = lambda;
    }
  }
  return best;
}
