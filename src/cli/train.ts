/**
 * `rnn-predict train`: trains a next-word model on a corpus (or, `--shape qa`, a reply model on
 * message<TAB>reply pairs) and writes a model directory. The options' defaults and limits are
 * the library's (TRAIN_DEFAULTS, DEFAULT_MODEL, SIZE_LIMITS in model-config.ts).
 */
import {
  ACTIVATIONS,
  CELL_TYPES,
  DEFAULT_MODEL,
  LEARNING_RATE,
  MODEL_SHAPES,
  NORMS,
  parameterCount,
  SIZE_LIMITS,
  TRAIN_DEFAULTS,
} from '../inference/model/model-config.js';
import type { RnnModel } from '../inference/format/artifacts.js';
import { POSITIVE, SHARE } from '../base/checks.js';
import type { TrainProgress } from '../base/training-types.js';
import { loadModelDir, saveModelDir } from '../node/model-dir.js';
import { THREAD_LIMITS } from '../node/parallel.js';
import { pct, readLines } from '../node/text-io.js';
import { TOKENS_PER_PARAMETER } from '../training/corpus-size.js';
import { defineOptions, usage, type OptionValues } from './options.js';
import { parse, readPairs, UsageError, type Output } from './common.js';

export const TRAIN_OPTIONS = defineOptions({
  corpus: {
    type: 'string',
    value: 'FILE',
    multiple: true,
    help: 'UTF-8 text, one message or sentence per line (required; repeat it to train on several files, read in the order given)',
  },
  out: { type: 'string', value: 'DIR', help: 'where to write model.json and weights.bin (required)' },
  cell: {
    type: 'choice',
    choices: CELL_TYPES,
    default: DEFAULT_MODEL.cell,
    help: '{choices} (default {default}: the best found for the budget)',
  },
  activation: {
    type: 'choice',
    value: 'A',
    choices: ACTIVATIONS,
    shown: DEFAULT_MODEL.activation,
    help: "the SimpleRNN's activation: {choices} (default {default})",
  },
  norm: {
    type: 'choice',
    value: 'N',
    choices: NORMS,
    shown: DEFAULT_MODEL.norm,
    help: '{choices} (default {default}); layer: layer normalisation inside the recurrent cell',
  },
  shape: {
    type: 'choice',
    value: 'S',
    choices: [...MODEL_SHAPES, 'qa'] as const,
    default: DEFAULT_MODEL.shape,
    help: 'seq2vec (next word) | seq2seq (next N words at once) | qa (a reply model: reads a message, scores replies; needs --pairs, not --corpus)',
  },
  pairs: { type: 'string', value: 'FILE', help: '--shape qa: message<TAB>reply, one pair a line' },
  int8: { type: 'boolean', help: 'store matrices as per-row int8 (a quarter of the size)' },
  epochs: {
    type: 'integer',
    limits: SIZE_LIMITS.epochs,
    default: TRAIN_DEFAULTS.epochs,
    help: 'passes over the corpus at most',
  },
  minutes: {
    type: 'number',
    value: 'M',
    rule: POSITIVE,
    default: TRAIN_DEFAULTS.minutes,
    help: 'training time budget in minutes; the learning rate decays linearly to its end (default {default}: with the trigram and the mix, ~30 minutes)',
  },
  'max-lines': { type: 'integer', limits: [1], help: 'use only the first N lines of the corpus' },
  vocab: {
    type: 'integer',
    limits: SIZE_LIMITS.vocabSize,
    default: TRAIN_DEFAULTS.vocabularySize,
    help: 'network vocabulary size, specials included',
  },
  hidden: {
    type: 'integer',
    limits: SIZE_LIMITS.hiddenSize,
    shown: DEFAULT_MODEL.hiddenSize,
    help: 'recurrent state size',
  },
  embedding: {
    type: 'integer',
    limits: SIZE_LIMITS.embeddingSize,
    shown: DEFAULT_MODEL.embeddingSize,
    help: 'embedding size',
  },
  layers: { type: 'integer', limits: [1, 2], shown: DEFAULT_MODEL.layers, help: '1 or 2 recurrent layers' },
  horizon: {
    type: 'integer',
    limits: SIZE_LIMITS.horizon,
    shown: DEFAULT_MODEL.horizon,
    help: 'words the seq2seq model outputs',
  },
  'batch-tokens': {
    type: 'integer',
    limits: [1],
    shown: TRAIN_DEFAULTS.batchTokens,
    help: 'target tokens per batch and thread',
  },
  threads: {
    type: 'integer',
    limits: THREAD_LIMITS,
    help: 'worker threads training in parallel, gradients averaged (default: one per core, at most 2; 1 trains on the main thread)',
  },
  lr: {
    type: 'number',
    rule: LEARNING_RATE,
    default: TRAIN_DEFAULTS.learningRate,
    help: 'peak learning rate',
  },
  sampled: {
    type: 'integer',
    limits: [0, 1_000_000],
    default: TRAIN_DEFAULTS.sampledSoftmax,
    help: 'sampled softmax with N drawn words per batch for the first 80 % of the budget, full softmax after (default {default}; 0 turns it off)',
  },
  dropout: { type: 'number', rule: SHARE, shown: DEFAULT_MODEL.dropout, help: 'dropout while training' },
  'word-dropout': {
    type: 'number',
    rule: SHARE,
    help: "drop each vocabulary word from a batch's inputs with this probability, at every position (embedding dropout; none by default)",
  },
  average: {
    type: 'number',
    rule: SHARE,
    help: 'from this share of the budget on (0–1), keep the running mean of the weights; the best on validation of the weights and their mean is kept',
  },
  float16: { type: 'boolean', help: 'store weights as float16 (half the size)' },
  'no-ngram': { type: 'boolean', help: 'do not train and mix the Kneser-Ney trigram' },
  seed: { type: 'integer', limits: [0], default: TRAIN_DEFAULTS.seed, help: 'random seed' },
  continue: {
    type: 'string',
    value: 'DIR',
    help: 'go on training the model in DIR (its vocabulary, sizes and weights; the size options are then ignored), e.g. a full-softmax phase at a lower --lr',
  },
  'checkpoint-minutes': {
    type: 'number',
    value: 'M',
    rule: POSITIVE,
    help: 'every M minutes of training, write the network so far to DIR.checkpoint (a model directory without the n-gram), so a stopped run leaves a model',
  },
  quiet: { type: 'boolean', help: 'no progress bar' },
});

export const TRAIN_HELP = usage(
  'Usage: rnn-predict train --corpus FILE --out DIR [options]',
  TRAIN_OPTIONS,
  `A corpus with fewer training tokens than one per ${Math.round(1 / TOKENS_PER_PARAMETER)} weights of the network gets a warning
before training starts: such a network learns the lines by heart and little else.`,
);

type TrainValues = OptionValues<typeof TRAIN_OPTIONS>;

function bar(p: TrainProgress): string {
  const width = 24;
  const done = Math.round((p.batch / p.batches) * width);
  const eta = Number.isFinite(p.etaSeconds)
    ? `${Math.floor(p.etaSeconds / 60)}m${String(Math.round(p.etaSeconds % 60)).padStart(2, '0')}s`
    : '?';
  return `[${'#'.repeat(done)}${'.'.repeat(width - done)}] epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(3)} acc ${(p.accuracy * 100).toFixed(1)}% ${Math.round(p.targetsPerSecond)} targets/s ETA ${eta}`;
}

export async function train(argv: string[], out: Output): Promise<number> {
  const parsed = parse(argv, TRAIN_OPTIONS, 'train');
  if (parsed.help) return (out.log(TRAIN_HELP), 0);
  const { values, given } = parsed;
  if (values.shape === 'qa') return trainReplies(values, given, out);
  if (values.pairs) throw new UsageError('--pairs is for --shape qa (a reply model)');
  if (values.corpus.length === 0) throw new UsageError('train needs --corpus FILE (see "rnn-predict train --help")');
  if (!values.out) throw new UsageError('train needs --out DIR (see "rnn-predict train --help")');
  const { shape, activation, norm, dropout, average, threads, sampled, quiet } = values;
  const hiddenSize = values.hidden;
  const embeddingSize = values.embedding;
  const layers = values.layers as 1 | 2 | undefined;
  const horizon = values.horizon;
  const wordDropout = values['word-dropout'];
  const checkpointMinutes = values['checkpoint-minutes'];
  const outDir = values.out;
  const lines: string[] = [];
  for (const file of values.corpus) lines.push(...readLines(file));
  const maxLines = values['max-lines'];
  if (maxLines !== undefined) lines.length = Math.min(lines.length, maxLines);
  const { initNodeBackend } = await import('../node/node-backend.js');
  const { trainLanguageModel } = await import('../training/pipeline.js');
  const { workerThreads, defaultThreads } = await import('../node/parallel.js');
  const backend = await initNodeBackend();
  const nThreads = threads ?? defaultThreads();
  const tty = process.stderr.isTTY && !quiet;
  let lastLine = 0;
  const model = await trainLanguageModel(lines, {
    model: {
      cell: values.cell,
      shape,
      ...(activation !== undefined ? { activation } : {}),
      ...(norm !== undefined ? { norm } : {}),
      ...(hiddenSize !== undefined ? { hiddenSize } : {}),
      ...(embeddingSize !== undefined ? { embeddingSize } : {}),
      ...(layers !== undefined ? { layers } : {}),
      ...(horizon !== undefined ? { horizon } : {}),
      ...(dropout !== undefined ? { dropout } : {}),
    },
    epochs: values.epochs,
    vocabularySize: values.vocab,
    batchTokens: values['batch-tokens'],
    seed: values.seed,
    maxSeconds: values.minutes * 60,
    learningRate: values.lr,
    ...(wordDropout !== undefined ? { wordDropout } : {}),
    ...(average !== undefined ? { average } : {}),
    ...(sampled > 0 ? { sampledSoftmax: { samples: sampled } } : {}),
    parallel: nThreads > 1 && backend.backend === 'wasm' ? workerThreads(nThreads, backend.backend) : undefined,
    ngram: !values['no-ngram'],
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    ...(values.continue ? { continueFrom: await loadModelDir(values.continue) } : {}),
    ...(checkpointMinutes !== undefined
      ? {
          onCheckpoint: {
            everySeconds: checkpointMinutes * 60,
            callback: async (m: RnnModel, seconds: number) => {
              await saveModelDir(m, `${outDir}.checkpoint`);
              if (!quiet) process.stderr.write(`checkpoint after ${Math.round(seconds)} s: ${outDir}.checkpoint\n`);
            },
          },
        }
      : {}),
    onProgress: (p) => {
      if (quiet) return;
      if (tty) process.stderr.write(`\r${bar(p)}\x1b[K`);
      else if (p.phase === 'epoch' || Date.now() - lastLine > 10_000) {
        lastLine = Date.now();
        process.stderr.write(`${bar(p)}\n`);
      }
      if (p.phase === 'epoch') {
        process.stderr.write(
          `${tty ? '\n' : ''}epoch ${p.epoch}: loss ${p.loss.toFixed(3)}${p.validationLoss !== undefined ? `, validation loss ${p.validationLoss.toFixed(3)} (perplexity ${Math.exp(p.validationLoss).toFixed(1)})` : ''}${p.averageValidationLoss !== undefined ? `, weights' mean ${p.averageValidationLoss.toFixed(3)}` : ''}\n`,
        );
      }
    },
  });
  const bytes = await saveModelDir(model, outDir, { float16: values.float16, int8: values.int8 });
  out.log(
    `wrote ${outDir} (${(bytes / 1e6).toFixed(1)} MB weights, ${parameterCount(model.config).toLocaleString('en')} parameters, ${model.vocabulary.size} tokens, backend ${backend.backend}, ${nThreads > 1 && backend.backend === 'wasm' ? nThreads : 1} thread(s), ${Math.round(model.result.targets / Math.max(model.result.seconds, 1e-3))} targets/s)`,
  );
  out.log(
    `trained ${model.result.seconds.toFixed(0)} s (${model.result.stopped}); validation: top-1 ${pct(model.metrics.top1)}, top-3 ${pct(model.metrics.top3)}, perplexity ${model.metrics.perplexity?.toFixed(1)}; n-gram mix weight ${model.ngram ? (1 - model.mix).toFixed(1) : 'none'}`,
  );
  return 0;
}

/** train --shape qa: the reply model (training/replies.ts); the options not given keep the
 * reply model's own defaults (trainReplyModel's). */
async function trainReplies(values: TrainValues, given: ReadonlySet<string>, out: Output): Promise<number> {
  if (!values.pairs) throw new UsageError('train --shape qa needs --pairs FILE (message<TAB>reply lines)');
  if (!values.out) throw new UsageError('train needs --out DIR (see "rnn-predict train --help")');
  const pairs = readPairs(values.pairs);
  const { initNodeBackend } = await import('../node/node-backend.js');
  const { trainReplyModel } = await import('../training/replies.js');
  await initNodeBackend();
  const model = await trainReplyModel(pairs, {
    ...(given.has('minutes') ? { maxSeconds: values.minutes * 60 } : {}),
    ...(given.has('epochs') ? { epochs: values.epochs } : {}),
    ...(given.has('vocab') ? { vocabularySize: values.vocab } : {}),
    ...(values.hidden !== undefined ? { hiddenSize: values.hidden } : {}),
    ...(values.embedding !== undefined ? { embeddingSize: values.embedding } : {}),
    ...(given.has('lr') ? { learningRate: values.lr } : {}),
    ...(values.dropout !== undefined ? { dropout: values.dropout } : {}),
    seed: values.seed,
    onProgress: (p) => {
      if (!values.quiet)
        process.stderr.write(
          `epoch ${p.epoch} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(3)} ${Math.round(p.seconds)} s\n`,
        );
    },
  });
  const bytes = await saveModelDir(model, values.out, { float16: values.float16, int8: values.int8 });
  out.log(
    `wrote ${values.out} (${(bytes / 1e3).toFixed(0)} KB weights, ${parameterCount(model.config).toLocaleString('en')} parameters, ${model.vocabulary.size} tokens, ${model.replies!.length} replies); validation loss ${model.metrics.validationLoss?.toFixed(3)} (perplexity ${model.metrics.perplexity?.toFixed(1)}) after ${model.metrics.trainSeconds} s`,
  );
  return 0;
}
