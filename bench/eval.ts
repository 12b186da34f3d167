/**
 * npm run eval — trains and scores, on one time budget each: the Kneser-Ney trigram, and
 * SimpleRNN, LSTM and GRU alone and mixed with the trigram (the mix the SDK serves), by the
 * protocol of docs/evaluation.md (top-1, top-3, KSR with 3 suggestions, perplexity, OOV),
 * with training time and model size. Prints a table, or one JSON object with --json.
 *
 *   npm run eval -- [--train FILE] [--test FILE] [--minutes N] [--cells lstm,gru,rnn] [--quick] [--json]
 */
import { modelWords } from '../src/text/tokenize.js';
import { KneserNeyTrigram } from '../src/inference/model/ngram.js';
import { WordPredictor } from '../src/inference/model/word-predictor.js';
import { RecurrentNetwork } from '../src/inference/model/recurrent-network.js';
import { evaluate, type EvaluationResult } from '../src/inference/suggest/evaluate.js';
import { predictorOf, toArtifacts } from '../src/inference/format/artifacts.js';
import { CELL_TYPES, parameterCount, TRAIN_DEFAULTS, type CellType } from '../src/inference/model/model-config.js';
import { trainLanguageModel } from '../src/training/pipeline.js';
import { initNodeBackend } from '../src/node/node-backend.js';
import { saveModelDir } from '../src/node/model-dir.js';
import { join } from 'node:path';
import { workerThreads, defaultThreads, THREAD_LIMITS } from '../src/node/parallel.js';
import { commandLine, DEFAULT_TEST, DEFAULT_TRAIN, fail, note, options, pct, readLines, table } from './common.js';
import { defineOptions } from '../src/cli/options.js';
import { POSITIVE } from '../src/base/checks.js';

interface Row extends Pick<EvaluationResult, 'top1' | 'top3' | 'ksr' | 'perplexity' | 'oov' | 'words'> {
  model: string;
  cell?: CellType;
  answeredBy: string;
  trainSeconds: number;
  targetsPerSecond?: number;
  parameters?: number;
  bytesFloat32?: number;
  bytesFloat16?: number;
  mix?: number;
  scoreSeconds: number;
}

const { values: o } = options(
  'Usage: npm run eval -- [options]',
  defineOptions({
    train: { type: 'string', value: 'FILE', default: DEFAULT_TRAIN, help: 'training corpus' },
    test: { type: 'string', value: 'FILE', default: DEFAULT_TEST, help: 'test sentences' },
    minutes: {
      type: 'number',
      rule: POSITIVE,
      shown: TRAIN_DEFAULTS.minutes,
      help: 'training budget per recurrent model (default {default}, as "rnn-predict train")',
    },
    cells: { type: 'string', value: 'LIST', default: CELL_TYPES.join(','), help: 'which cells, comma-separated' },
    threads: {
      type: 'integer',
      limits: THREAD_LIMITS,
      help: 'training threads (default: one per core, at most 2)',
    },
    'test-lines': { type: 'integer', limits: [1], help: 'score only the first N test lines' },
    save: {
      type: 'string',
      value: 'DIR',
      help: 'keep each trained model in DIR/<cell> (as "rnn-predict train --out" writes it)',
    },
    quick: { type: 'boolean', help: 'a smoke check in under 3 minutes: small models, 20 s each, 300 test lines' },
    json: { type: 'boolean', help: 'print one JSON object instead of the table' },
  }),
);
const quick = o.quick;
const cells = o.cells.split(',').map((c) => c.trim()) as CellType[];
for (const c of cells) if (!CELL_TYPES.includes(c)) fail(`--cells: unknown cell "${c}" (${CELL_TYPES.join(', ')})`);
const minutes = o.minutes ?? (quick ? 1 / 3 : TRAIN_DEFAULTS.minutes);
const threads = o.threads ?? defaultThreads();
const train = readLines(o.train, 'train', quick ? 8000 : undefined);
const test = readLines(o.test, 'test', o['test-lines'] ?? (quick ? 300 : undefined));
const backend = await initNodeBackend();
const rows: Row[] = [];

function score(name: string, p: WordPredictor, extra: Partial<Row>): Row {
  const t = Date.now();
  const r: EvaluationResult = evaluate(p, test);
  const row: Row = {
    model: name,
    answeredBy: p.source,
    top1: r.top1,
    top3: r.top3,
    ksr: r.ksr,
    perplexity: r.perplexity,
    oov: r.oov,
    words: r.words,
    trainSeconds: 0,
    scoreSeconds: (Date.now() - t) / 1000,
    ...extra,
  };
  note(
    `${name}: top-1 ${pct(r.top1)} top-3 ${pct(r.top3)} KSR ${pct(r.ksr)} perplexity ${r.perplexity.toFixed(1)} (${row.scoreSeconds.toFixed(0)} s to score)`,
  );
  return row;
}

{
  const t = Date.now();
  const kn = KneserNeyTrigram.train(train.map(modelWords));
  rows.push(score('KN trigram', new WordPredictor({ ngram: kn }), { trainSeconds: (Date.now() - t) / 1000 }));
}
for (const cell of cells) {
  note(
    `training ${cell} for ${minutes} min on ${train.length} lines (${threads} thread(s), backend ${backend.backend})…`,
  );
  let last = 0;
  const model = await trainLanguageModel(train, {
    model: { cell, ...(quick ? { hiddenSize: 64, embeddingSize: 32 } : {}) },
    vocabularySize: quick ? 3000 : TRAIN_DEFAULTS.vocabularySize,
    maxSeconds: minutes * 60,
    epochs: TRAIN_DEFAULTS.epochs,
    learningRate: TRAIN_DEFAULTS.learningRate,
    ...(TRAIN_DEFAULTS.sampledSoftmax > 0
      ? { sampledSoftmax: { samples: quick ? 256 : TRAIN_DEFAULTS.sampledSoftmax } }
      : {}),
    parallel: threads > 1 && backend.backend === 'wasm' ? workerThreads(threads) : undefined,
    onProgress: (p) => {
      if (p.phase === 'epoch' || Date.now() - last > 30_000) {
        last = Date.now();
        note(
          `  ${cell} epoch ${p.epoch} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(3)} ${Math.round(p.targetsPerSecond)} targets/s${p.validationLoss !== undefined ? ` validation ${p.validationLoss.toFixed(3)}` : ''}`,
        );
      }
    },
  });
  const size = {
    cell,
    trainSeconds: model.result.seconds,
    targetsPerSecond: model.result.targets / model.result.seconds,
    parameters: parameterCount(model.config),
    bytesFloat32: toArtifacts(model).weightData.byteLength,
    bytesFloat16: toArtifacts(model, { float16: true }).weightData.byteLength,
  };
  if (o.save)
    note(
      `saved ${cell} to ${join(String(o.save), cell)} (${await saveModelDir(model, join(String(o.save), cell))} bytes)`,
    );
  const alone = new WordPredictor({
    network: new RecurrentNetwork(model.config, model.weights),
    vocabulary: model.vocabulary,
  });
  rows.push(score(`${cell} alone`, alone, size));
  rows.push(score(`${cell} + KN (mix ${model.mix.toFixed(1)})`, predictorOf(model), { ...size, mix: model.mix }));
}

const command = commandLine('eval');
const result = {
  command,
  backend: backend.backend,
  threads,
  minutesPerModel: minutes,
  quick,
  trainLines: train.length,
  testLines: test.length,
  date: new Date().toISOString(),
  rows,
};
if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
else {
  const mb = (b?: number) => (b === undefined ? '–' : `${(b / 1e6).toFixed(1)} MB`);
  process.stdout.write(
    `${command}\n${train.length} training lines, ${test.length} test lines (${rows[0]!.words} words); backend ${backend.backend}, ${threads} thread(s)\n\n`,
  );
  process.stdout.write(
    table(
      ['model', 'perplexity', 'top-1', 'top-3', 'KSR', 'OOV', 'training', 'targets/s', 'size f32 / f16'],
      rows.map((r) => [
        r.model,
        r.perplexity.toFixed(1),
        pct(r.top1),
        pct(r.top3),
        pct(r.ksr),
        pct(r.oov),
        `${r.trainSeconds.toFixed(0)} s`,
        r.targetsPerSecond ? Math.round(r.targetsPerSecond) : '–',
        r.bytesFloat32 ? `${mb(r.bytesFloat32)} / ${mb(r.bytesFloat16)}` : '–',
      ]),
    ) + '\n',
  );
}
