/**
 * npm run bench — the Node-side speed figures of issue 6, each comparison measured side by
 * side in this one run, on the same backend (tfjs-wasm):
 *  1. one large tf.matMul's GFLOP/s (the machine's ceiling for tfjs-wasm);
 *  2. training throughput, targets/s and GFLOP/s: this engine (1 thread and all threads)
 *     beside a straightforward tf.layers model (Embedding → cell → Dense softmax, same sizes)
 *     trained with model.fit on seq-to-vector windows;
 *  3. time until the mixed model beats the KN trigram's top-3 on the test file (not --quick);
 *  4. stored model bytes: the plain float32 record (float32 weights, int32 trigram counts)
 *     beside the stored one (float16 weights, varint counts), and the top-3 lost between the
 *     exact float32 network and the one served (float16 weights, int8 output layer);
 *  5. per-keystroke latency of WordPredictor.predictNext typing the test lines letter by
 *     letter (median, p95), the model step alone, beside model.predict on the whole window at
 *     every keystroke with the same weights;
 *  6. tensor count and JS heap after 100,000 predictions.
 * Prints a table, or one JSON object with --json. `--quick` finishes in under 3 minutes.
 *
 *   npm run bench -- [--model DIR] [--train FILE] [--test FILE] [--quick] [--json]
 */
import * as tf from '@tensorflow/tfjs';
import { isWordToken, modelWords, typingContext } from '../src/text/tokenize.js';
import { buildVocabulary, BOS_ID } from '../src/text/vocabulary.js';
import { KneserNeyTrigram } from '../src/inference/model/ngram.js';
import { WordPredictor, boundedTail } from '../src/inference/model/word-predictor.js';
import { RecurrentNetwork } from '../src/inference/model/recurrent-network.js';
import { evaluate } from '../src/inference/suggest/evaluate.js';
import { fromArtifacts, predictorOf, toArtifacts, type RnnModel } from '../src/inference/format/artifacts.js';
import {
  CELL_GATES,
  CELL_TYPES,
  DEFAULT_MODEL,
  parameterCount,
  resolveModelConfig,
  TRAIN_DEFAULTS,
  type ModelConfig,
} from '../src/inference/model/model-config.js';
import { trainModel } from '../src/training/train.js';
import { bestMix, lineTokens } from '../src/training/pipeline.js';
import { initNodeBackend } from '../src/node/node-backend.js';
import { loadModelDir } from '../src/node/model-dir.js';
import { ReplyRanker, REPLY_PRUNE } from '../src/inference/suggest/replies.js';
import { workerThreads, defaultThreads } from '../src/node/parallel.js';
import { windows } from '../src/data/windows.js';
import { hashText } from '../src/data/corpus.js';
import { commandLine, DEFAULT_TEST, DEFAULT_TRAIN, note, options, pct, readLines, stats, table } from './common.js';
import { defineOptions } from '../src/cli/options.js';
import { POSITIVE } from '../src/base/checks.js';

/** Seconds per training-throughput measurement, and under --quick. */
const SECONDS = { full: 60, quick: 12 };

const { values: o } = options(
  'Usage: npm run bench -- [options]',
  defineOptions({
    model: {
      type: 'string',
      value: 'DIR',
      help: 'measure latency and storage on this model directory (default: the model trained by the "beat KN" step, or under --quick a short training)',
    },
    train: { type: 'string', value: 'FILE', default: DEFAULT_TRAIN, help: 'training corpus' },
    test: { type: 'string', value: 'FILE', default: DEFAULT_TEST, help: 'test sentences' },
    cell: {
      type: 'choice',
      choices: CELL_TYPES,
      default: DEFAULT_MODEL.cell,
      help: '{choices} for the training figures (default {default}, as "rnn-predict train")',
    },
    seconds: {
      type: 'number',
      value: 'N',
      rule: POSITIVE,
      shown: `${SECONDS.full}; --quick ${SECONDS.quick}`,
      help: 'seconds per training-throughput measurement',
    },
    'beat-minutes': {
      type: 'number',
      value: 'N',
      rule: POSITIVE,
      default: 20,
      help: 'longest training for "time to beat KN" (default {default}; skipped by --quick)',
    },
    quick: { type: 'boolean', help: 'all figures but "time to beat KN", in under 3 minutes' },
    'beat-only': { type: 'boolean', help: 'only "time to beat KN"' },
    json: { type: 'boolean', help: 'print one JSON object instead of the tables' },
  }),
);
const beatOnly = o['beat-only'];
const quick = o.quick;
const cell = o.cell;
const seconds = o.seconds ?? (quick ? SECONDS.quick : SECONDS.full);
const trainLines = readLines(o.train, 'train');
const testLines = readLines(o.test, 'test');
const backend = await initNodeBackend();
const threads = defaultThreads();
const out: Record<string, unknown> = {
  command: commandLine('bench'),
  backend: backend.backend,
  threads,
  quick,
  date: new Date().toISOString(),
};

// ---- shared data: vocabulary and ids at the default sizes ---------------------------------
const tokenLines = trainLines.map(lineTokens).filter((l) => l.length > 0);
const VOCAB = TRAIN_DEFAULTS.vocabularySize;
const SAMPLES = TRAIN_DEFAULTS.sampledSoftmax || 2048;
/** The training options "rnn-predict train" uses by default. */
const defaults = (budgetSeconds: number) => ({
  epochs: TRAIN_DEFAULTS.epochs,
  maxSeconds: budgetSeconds,
  learningRate: TRAIN_DEFAULTS.learningRate,
  ...(TRAIN_DEFAULTS.sampledSoftmax > 0 ? { sampledSoftmax: { samples: TRAIN_DEFAULTS.sampledSoftmax } } : {}),
  parallel: threads > 1 ? workerThreads(threads) : undefined,
});
const vocabulary = buildVocabulary(tokenLines.flat(), { maxSize: VOCAB });
const idLines = tokenLines.map((l) => vocabulary.encode(l));
const config = resolveModelConfig({ ...DEFAULT_MODEL, cell, vocabSize: vocabulary.size });
note(
  `model: ${cell}, V ${config.vocabSize}, E ${config.embeddingSize}, H ${config.hiddenSize}, ${parameterCount(config).toLocaleString('en')} parameters; backend ${backend.backend}`,
);

// ---- 1. one large matMul --------------------------------------------------------------------
if (!beatOnly) {
  const n = 1024;
  const a = tf.randomNormal([n, n]),
    b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose();
  const t = performance.now();
  const reps = 10;
  for (let i = 0; i < reps; i++) {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }
  const ms = (performance.now() - t) / reps;
  out.matMul = { shape: [n, n, n], ms, gflops: (2 * n ** 3) / ms / 1e6 };
  tf.dispose([a, b]);
  note(`matMul ${n}³: ${ms.toFixed(1)} ms, ${(out.matMul as { gflops: number }).gflops.toFixed(1)} GFLOP/s`);
}

// ---- 2. training throughput -----------------------------------------------------------------
/** Forward FLOPs per target of this engine (many-to-many: every position is a target). */
function engineFlops(c: ModelConfig): number {
  const GH = CELL_GATES[c.cell] * c.hiddenSize;
  const rec = 2 * (c.embeddingSize * GH + c.hiddenSize * GH) * c.layers;
  const head = c.tied
    ? 2 * c.hiddenSize * c.embeddingSize + 2 * (c.embeddingSize + 1) * c.vocabSize
    : 2 * c.hiddenSize * c.vocabSize;
  return rec + head;
}
/** Forward FLOPs per window of the straightforward seq-to-vector model (T steps, one output). */
function layersFlops(c: ModelConfig, T: number): number {
  const GH = CELL_GATES[c.cell] * c.hiddenSize;
  return T * 2 * (c.embeddingSize * GH + c.hiddenSize * GH) + 2 * c.hiddenSize * c.vocabSize;
}

async function engineThroughput(
  nThreads: number,
  sampled = 0,
): Promise<{ targetsPerSecond: number; gflops: number | null; seconds: number; targets: number; sampled: number }> {
  const r = await trainModel(config, idLines, {
    epochs: 1,
    maxSeconds: seconds,
    validationLines: [],
    schedule: 'constant',
    seed: 3,
    parallel: nThreads > 1 ? workerThreads(nThreads) : undefined,
    ...(sampled ? { sampledSoftmax: { samples: sampled, until: 1 } } : {}),
  });
  const tps = r.targets / r.seconds;
  // GFLOP/s only where the work per target is known exactly (the full softmax).
  return {
    targetsPerSecond: tps,
    gflops: sampled ? null : (3 * engineFlops(config) * tps) / 1e9,
    seconds: r.seconds,
    targets: r.targets,
    sampled,
  };
}

function straightforwardModel(c: ModelConfig, withOptimizer: boolean): tf.LayersModel {
  const m = tf.sequential();
  m.add(
    tf.layers.embedding({ inputDim: c.vocabSize, outputDim: c.embeddingSize, inputShape: [null as unknown as number] }),
  );
  const layer = c.cell === 'lstm' ? tf.layers.lstm : c.cell === 'gru' ? tf.layers.gru : tf.layers.simpleRNN;
  m.add(layer({ units: c.hiddenSize, recurrentInitializer: 'glorotUniform' }));
  if (c.tied) m.add(tf.layers.dense({ units: c.embeddingSize, useBias: false }));
  m.add(tf.layers.dense({ units: c.vocabSize, activation: 'softmax' }));
  if (withOptimizer) m.compile({ optimizer: tf.train.adam(2e-3), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

async function layersThroughput(): Promise<{
  targetsPerSecond: number;
  gflops: number;
  seconds: number;
  targets: number;
  window: number;
  batchSize: number;
}> {
  const T = 8,
    batchSize = 128;
  const model = straightforwardModel(config, true);
  const stream = idLines.flatMap((l) => [BOS_ID, ...l]);
  const xs: number[][] = [],
    ys: number[] = [];
  for (const w of windows(stream.slice(0, 200_000), { length: T, shape: 'seq2vec' })) {
    xs.push(w.input);
    ys.push(w.target[0]!);
  }
  const fitBatches = async (from: number, count: number) => {
    const x = tf.tensor2d(xs.slice(from, from + count * batchSize), undefined, 'int32');
    const y = tf.tensor2d(ys.slice(from, from + count * batchSize), [count * batchSize, 1], 'float32');
    await model.fit(x, y, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
    tf.dispose([x, y]);
  };
  await fitBatches(0, 1); // warm-up: kernels, optimizer slots
  let done = 0,
    offset = batchSize;
  const t = performance.now();
  while ((performance.now() - t) / 1000 < seconds && offset + 2 * batchSize <= xs.length) {
    await fitBatches(offset, 2);
    offset += 2 * batchSize;
    done += 2 * batchSize;
  }
  const s = (performance.now() - t) / 1000;
  const optimizer = model.optimizer;
  model.dispose();
  optimizer.dispose();
  const tps = done / s;
  return {
    targetsPerSecond: tps,
    gflops: (3 * layersFlops(config, T) * tps) / 1e9,
    seconds: s,
    targets: done,
    window: T,
    batchSize,
  };
}

if (!beatOnly) {
  note(`training throughput, ${seconds} s each…`);
  const straight = await layersThroughput();
  note(`  straightforward model.fit: ${straight.targetsPerSecond.toFixed(0)} targets/s`);
  const one = await engineThroughput(1);
  note(`  engine, 1 thread: ${one.targetsPerSecond.toFixed(0)} targets/s`);
  const all = threads > 1 ? await engineThroughput(threads) : one;
  note(`  engine, ${threads} threads: ${all.targetsPerSecond.toFixed(0)} targets/s`);
  const sampled = await engineThroughput(threads, SAMPLES);
  note(`  engine, ${threads} threads, sampled softmax (${SAMPLES}): ${sampled.targetsPerSecond.toFixed(0)} targets/s`);
  out.training = {
    config: { cell, vocabSize: config.vocabSize, embeddingSize: config.embeddingSize, hiddenSize: config.hiddenSize },
    straightforward: straight,
    engine1: one,
    engine: all,
    engineSampled: sampled,
    speedup1: one.targetsPerSecond / straight.targetsPerSecond,
    speedup: all.targetsPerSecond / straight.targetsPerSecond,
    speedupSampled: sampled.targetsPerSecond / straight.targetsPerSecond,
  };
}

// ---- 3. time to beat the KN trigram ------------------------------------------------------
const kn = KneserNeyTrigram.train(trainLines.map(modelWords));
const beatLines = testLines.slice(0, 1000);
let model: RnnModel | undefined;
function makeModel(weights: Map<string, Float32Array>, mix: number): RnnModel {
  return {
    config,
    vocabulary,
    weights,
    ngram: kn,
    mix,
    metrics: {},
    corpusHash: hashText(trainLines.join('\n')),
    trainedAt: new Date().toISOString(),
    settings: {},
  };
}
if (!quick) {
  const knTop3 = evaluate(new WordPredictor({ ngram: kn }), beatLines, { skipKsr: true }).top3;
  const budget = o['beat-minutes'] * 60;
  // The mix weight is chosen on held-out lines (never training lines, where the trigram has
  // seen every sentence): the last 300 lines of the test file, disjoint from the scored ones.
  const mixLines = testLines.slice(-300);
  let beaten: { seconds: number; top3: number } | undefined;
  const checks: { seconds: number; top3: number; mix: number }[] = [];
  note(
    `time to beat KN top-3 ${pct(knTop3)} on the first ${beatLines.length} test lines (checks every 60 s, at most ${budget / 60} min)…`,
  );
  const r = await trainModel(config, idLines, {
    ...defaults(budget),
    validationLines: [],
    checkpoint: {
      everySeconds: 60,
      callback: (weights, s) => {
        const m = makeModel(weights, 0.5);
        m.mix = bestMix(m, mixLines);
        const top3 = evaluate(predictorOf(m), beatLines, { skipKsr: true }).top3;
        checks.push({ seconds: s, top3, mix: m.mix });
        note(`  ${s.toFixed(0)} s: top-3 ${pct(top3)} (mix ${m.mix})`);
        if (top3 > knTop3) {
          beaten = { seconds: s, top3 };
          return true;
        }
      },
    },
  });
  model = makeModel(r.weights, 0.5);
  model.mix = bestMix(model, mixLines);
  out.beatKn = { knTop3, lines: beatLines.length, beaten: beaten ?? null, checks, trainedSeconds: r.seconds };
}

if (beatOnly) {
  const b = out.beatKn as { knTop3: number; beaten: { seconds: number; top3: number } | null; checks: unknown[] };
  if (o.json) process.stdout.write(JSON.stringify(out) + '\n');
  else
    process.stdout.write(
      `${out.command}\ntime to beat KN top-3 (${pct(b.knTop3)}, first ${beatLines.length} test lines): ${b.beaten ? `${b.beaten.seconds.toFixed(0)} s of training (top-3 ${pct(b.beaten.top3)})` : 'not within the budget'}\n`,
    );
  process.exit(0);
}

// ---- 4. storage ---------------------------------------------------------------------------------
if (o.model) model = await loadModelDir(o.model);
if (!model) {
  note('training a model for the latency and storage figures (20 s)…');
  const r = await trainModel(config, idLines, { ...defaults(20), validationLines: [] });
  model = makeModel(r.weights, 0.5);
  model.mix = bestMix(model, testLines.slice(-300));
}
{
  const f32 = toArtifacts(model),
    f16 = toArtifacts(model, { float16: true });
  const half = fromArtifacts(f16);
  const lines = testLines.slice(0, quick ? 300 : 5000);
  const exact = new WordPredictor({
    network: new RecurrentNetwork(model.config, model.weights, { int8: false }),
    vocabulary: model.vocabulary,
    ngram: model.ngram,
    mix: model.ngram ? model.mix : 1,
  });
  const a = evaluate(exact, lines, { skipKsr: true }),
    b = evaluate(predictorOf(half), lines, { skipKsr: true });
  const netBytes = [...model.weights.values()].reduce((n, w) => n + w.byteLength, 0);
  const trigramTypes = model.ngram ? model.ngram.toJSON().trigrams.length / 4 : 0;
  const countBytes = f16.weightSpecs.find((w) => w.name === 'ngram/trigrams')?.byteLength ?? 0;
  const plainBytes = netBytes + trigramTypes * 16; // float32 weights and four int32 a trigram
  out.storage = {
    plainFloat32Bytes: plainBytes,
    storedBytes: f16.weightData.byteLength,
    storedFloat32Bytes: f32.weightData.byteLength,
    smallerThanPlain: plainBytes / f16.weightData.byteLength,
    networkBytesFloat32: netBytes,
    networkBytesFloat16: netBytes / 2,
    trigramTypes,
    trigramBytesInt32: trigramTypes * 16,
    trigramBytesVarint: countBytes,
    top3Exact: a.top3,
    top3Served: b.top3,
    top3LostPoints: (a.top3 - b.top3) * 100,
    lines: lines.length,
  };
  note(
    `storage: ${(plainBytes / 1e6).toFixed(1)} → ${(f16.weightData.byteLength / 1e6).toFixed(1)} MB, top-3 ${pct(a.top3)} → ${pct(b.top3)}`,
  );
}

// ---- 5. keystroke latency --------------------------------------------------------------------
{
  const lines = testLines.slice(0, quick ? 60 : 500);
  const straightLines = lines.slice(0, quick ? 15 : 100);
  const keystrokes = (ls: readonly string[]) =>
    ls.flatMap((l) => Array.from({ length: l.length }, (_, i) => l.slice(0, i + 1)));
  const served = predictorOf(model);
  const neural = new WordPredictor({
    network: new RecurrentNetwork(model.config, model.weights),
    vocabulary: model.vocabulary,
  });
  const timeTyping = (p: WordPredictor, texts: string[]) => {
    for (const t of texts.slice(0, 50)) p.predictNext(t, { k: 3 }); // warm-up (JIT)
    p.clearCache();
    const times: number[] = [];
    for (const t of texts) {
      const s = performance.now();
      p.predictNext(t, { k: 3 });
      times.push(performance.now() - s);
    }
    return stats(times);
  };
  const texts = keystrokes(lines);
  const ours = timeTyping(served, texts);
  const oursNeural = timeTyping(neural, texts);
  // With phrases, as the element asks at every keystroke: the suggestions, then the phrase
  // (computed once per word boundary, filtered by the letters inside a word).
  const withPhrases = (() => {
    const p = predictorOf(model);
    for (const t of texts.slice(0, 50)) {
      p.predictNext(t, { k: 3 });
      p.phrase(t);
    }
    p.clearCache();
    const times: number[] = [];
    for (const t of texts) {
      const s = performance.now();
      p.predictNext(t, { k: 3 });
      p.phrase(t);
      times.push(performance.now() - s);
    }
    return stats(times);
  })();
  // A 1 MB paste: each sample is a new 1 MB text (another line at its end, a flat string as a
  // field's value is); the context read (the bounded tail, tokenized), the keystroke after the
  // paste (a letter more: suggestions and phrase), and, beside them, tokenizing the whole text.
  const paste = (() => {
    const p = predictorOf(model);
    let big = '';
    for (let i = 0; big.length < 1_000_000; i++) big += lines[i % lines.length] + ' ';
    const read: number[] = [],
      next: number[] = [],
      whole: number[] = [];
    for (let i = 0; i < 30; i++) {
      const line = lines[i % lines.length]!;
      const text = JSON.parse(JSON.stringify(big + line.slice(0, 12))) as string;
      const more = JSON.parse(JSON.stringify(big + line.slice(0, 13))) as string;
      let s = performance.now();
      typingContext(boundedTail(text));
      read.push(performance.now() - s);
      p.predictNext(text, { k: 3 });
      p.phrase(text);
      s = performance.now();
      p.predictNext(more, { k: 3 });
      p.phrase(more);
      next.push(performance.now() - s);
      s = performance.now();
      typingContext(text);
      whole.push(performance.now() - s);
    }
    return { ...stats(next), chars: big.length, read: stats(read), tokenizeWhole: stats(whole) };
  })();
  // The model step alone: one recurrent step, and the step with the output distribution.
  const net = new RecurrentNetwork(model.config, model.weights);
  const stepTimes: number[] = [],
    fullTimes: number[] = [];
  const isWord = Uint8Array.from(model.vocabulary.tokens(), (t) => (isWordToken(t) ? 1 : 0));
  const logits = new Float32Array(model.config.vocabSize);
  let state = net.initialState();
  for (let i = 0; i < 3000; i++) {
    const id = 4 + ((i * 7919) % (model.config.vocabSize - 4));
    const s = performance.now();
    state = net.step(i % 20 === 0 ? net.initialState() : state, id);
    const m = performance.now();
    // The output layer as the predictor runs it: logits, the largest, the normaliser.
    net.logits(state.top, logits);
    let max = -Infinity;
    for (let j = 0; j < logits.length; j++) if (isWord[j] === 1 && logits[j]! > max) max = logits[j]!;
    net.expSum(logits, max, isWord);
    const e = performance.now();
    if (i >= 200) {
      stepTimes.push(m - s);
      fullTimes.push(e - s);
    }
  }
  // The straightforward path: the same weights in a tf.layers model, model.predict on the
  // whole window at every keystroke, then the prefix filter over the vocabulary.
  const lm = straightforwardModel(model.config, false);
  setLayersWeights(lm, model);
  const tokens = model.vocabulary.tokens();
  const straightPredict = (text: string) => {
    const { context, partial } = typingContext(text);
    const ids = [BOS_ID, ...context.slice(-model!.config.maxLength).map((t) => model!.vocabulary.idOf(t))];
    const probs = tf.tidy(() => (lm.predict(tf.tensor2d([ids], [1, ids.length], 'int32')) as tf.Tensor).dataSync());
    const prefix = partial.toLowerCase();
    const best: [number, number][] = [];
    for (let i = 4; i < probs.length; i++) {
      if (prefix && !tokens[i]!.startsWith(prefix)) continue;
      if (best.length < 3 || probs[i]! > best[2]![1]) {
        best.push([i, probs[i]!]);
        best.sort((x, y) => y[1] - x[1]);
        if (best.length > 3) best.pop();
      }
    }
    return best;
  };
  const sTexts = keystrokes(straightLines);
  for (const t of sTexts.slice(0, 20)) straightPredict(t);
  const sTimes: number[] = [];
  for (const t of sTexts) {
    const s = performance.now();
    straightPredict(t);
    sTimes.push(performance.now() - s);
  }
  lm.dispose();
  const straight = stats(sTimes);
  const step = stats(stepTimes),
    full = stats(fullTimes);
  out.latency = {
    lines: lines.length,
    keystrokes: texts.length,
    served: ours,
    neuralOnly: oursNeural,
    withPhrases,
    paste1MB: paste,
    modelStep: step,
    modelStepWithSoftmax: full,
    straightforward: { ...straight, lines: straightLines.length },
    speedupMedian: straight.median / ours.median,
    speedupP95: straight.p95 / ours.p95,
    config: {
      vocabSize: model.config.vocabSize,
      embeddingSize: model.config.embeddingSize,
      hiddenSize: model.config.hiddenSize,
      cell: model.config.cell,
    },
  };
  note(
    `latency with phrases: median ${withPhrases.median.toFixed(3)} ms, p95 ${withPhrases.p95.toFixed(3)} ms; 1 MB pasted: read ${paste.read.median.toFixed(3)} ms (p95 ${paste.read.p95.toFixed(3)}), next keystroke ${paste.median.toFixed(3)} ms, reading it whole ${paste.tokenizeWhole.median.toFixed(1)} ms`,
  );
  note(
    `latency: predictNext median ${ours.median.toFixed(3)} ms, p95 ${ours.p95.toFixed(3)} ms; step ${step.median.toFixed(3)} ms (+softmax ${full.median.toFixed(3)} ms); straightforward ${straight.median.toFixed(2)} / ${straight.p95.toFixed(2)} ms`,
  );
}

// ---- 5b. replies for a message (issue 31: ≤ 20 ms p95) --------------------------------------
// The shipped reply model (models/es-replies) ranking its list for held-out messages, as
// predictor.replies() does on the page: encoder, one decoder step, the pruned replies scored.
{
  const dir = new URL('../models/es-replies/', import.meta.url).pathname;
  const held = new URL('../corpus/es-respuestas.heldout.tsv', import.meta.url).pathname;
  try {
    const ranker = new ReplyRanker(await loadModelDir(dir));
    const messages = readLines(held, 'replies')
      .map((l) => l.split('\t')[0]!)
      .slice(0, quick ? 200 : 1000);
    for (const m of messages.slice(0, 50)) ranker.rank(m, 3); // warm-up (JIT)
    const times: number[] = [];
    for (const m of messages) {
      const s = performance.now();
      ranker.rank(m, 3);
      times.push(performance.now() - s);
    }
    out.replies = { ...stats(times), replies: ranker.replies.length, prune: REPLY_PRUNE };
    note(`replies: median ${stats(times).median.toFixed(2)} ms, p95 ${stats(times).p95.toFixed(2)} ms`);
  } catch (e) {
    note(`replies: skipped (${(e as Error).message})`);
  }
}

function setLayersWeights(lm: tf.LayersModel, m: RnnModel): void {
  const c = m.config,
    w = m.weights;
  const t = (name: string, shape: number[]) => tf.tensor(w.get(name)!, shape);
  const GH = CELL_GATES[c.cell] * c.hiddenSize;
  const values: tf.Tensor[] = [
    t('embedding', [c.vocabSize, c.embeddingSize]),
    t('rnn0/kernel', [c.embeddingSize, GH]),
    t('rnn0/recurrent', [c.hiddenSize, GH]),
    t('rnn0/bias', [GH]),
  ];
  if (c.tied)
    values.push(
      t('output/projection', [c.hiddenSize, c.embeddingSize]),
      tf.transpose(t('embedding', [c.vocabSize, c.embeddingSize])),
      t('output/bias', [c.vocabSize]),
    );
  else values.push(t('output/kernel', [c.hiddenSize, c.vocabSize]), t('output/bias', [c.vocabSize]));
  lm.setWeights(values);
  tf.dispose(values);
}

// ---- 6. tensors and heap after 100,000 predictions -------------------------------------------
{
  const p = predictorOf(model);
  const texts = testLines.slice(0, 2000).flatMap((l) => [l.slice(0, Math.ceil(l.length / 2)), l + ' ']);
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 2000; i++) p.predictNext(texts[i % texts.length]!, { k: 3 });
  gc?.();
  const tensors0 = tf.memory().numTensors,
    heap0 = process.memoryUsage().heapUsed;
  const t = performance.now();
  for (let i = 0; i < 100_000; i++) p.predictNext(texts[i % texts.length]!, { k: 3 });
  const s = (performance.now() - t) / 1000;
  gc?.();
  const tensors1 = tf.memory().numTensors,
    heap1 = process.memoryUsage().heapUsed;
  out.memory = {
    predictions: 100_000,
    seconds: s,
    tensorsBefore: tensors0,
    tensorsAfter: tensors1,
    heapBeforeMB: heap0 / 1e6,
    heapAfterMB: heap1 / 1e6,
    heapGrowthMB: (heap1 - heap0) / 1e6,
    gcExposed: !!gc,
  };
  note(
    `100,000 predictions in ${s.toFixed(1)} s: tensors ${tensors0} → ${tensors1}, heap ${(heap0 / 1e6).toFixed(1)} → ${(heap1 / 1e6).toFixed(1)} MB`,
  );
}

// ---- report ------------------------------------------------------------------------------------
if (o.json) process.stdout.write(JSON.stringify(out) + '\n');
else {
  type Rate = { targetsPerSecond: number; gflops: number | null };
  const tr = out.training as {
    straightforward: Rate;
    engine1: Rate;
    engine: Rate;
    engineSampled: Rate;
    speedup1: number;
    speedup: number;
    speedupSampled: number;
  };
  const lat = out.latency as {
    served: ReturnType<typeof stats>;
    neuralOnly: ReturnType<typeof stats>;
    withPhrases: ReturnType<typeof stats>;
    paste1MB: ReturnType<typeof stats> & { read: ReturnType<typeof stats>; tokenizeWhole: ReturnType<typeof stats> };
    modelStep: ReturnType<typeof stats>;
    modelStepWithSoftmax: ReturnType<typeof stats>;
    straightforward: ReturnType<typeof stats>;
    speedupMedian: number;
    speedupP95: number;
    keystrokes: number;
    lines: number;
  };
  const rep = out.replies as (ReturnType<typeof stats> & { replies: number; prune: number }) | undefined;
  const st = out.storage as {
    plainFloat32Bytes: number;
    storedBytes: number;
    storedFloat32Bytes: number;
    smallerThanPlain: number;
    networkBytesFloat32: number;
    networkBytesFloat16: number;
    trigramTypes: number;
    trigramBytesInt32: number;
    trigramBytesVarint: number;
    top3Exact: number;
    top3Served: number;
    top3LostPoints: number;
    lines: number;
  };
  const mem = out.memory as { tensorsBefore: number; tensorsAfter: number; heapGrowthMB: number; seconds: number };
  const mm = out.matMul as { gflops: number };
  const f = (x: number, d = 2) => x.toFixed(d);
  process.stdout.write(
    `${out.command}\nbackend ${backend.backend}, ${threads} thread(s); model ${cell} V ${config.vocabSize} E ${config.embeddingSize} H ${config.hiddenSize}\n\n`,
  );
  process.stdout.write(
    table(
      ['training', 'targets/s', 'GFLOP/s', '× straightforward'],
      [
        [
          'tf.layers model.fit, seq-to-vector windows',
          f(tr.straightforward.targetsPerSecond, 0),
          f(tr.straightforward.gflops!),
          '1.0',
        ],
        ['this engine, 1 thread', f(tr.engine1.targetsPerSecond, 0), f(tr.engine1.gflops!), f(tr.speedup1, 1)],
        [`this engine, ${threads} threads`, f(tr.engine.targetsPerSecond, 0), f(tr.engine.gflops!), f(tr.speedup, 1)],
        [
          `this engine, ${threads} threads, sampled softmax (${SAMPLES})`,
          f(tr.engineSampled.targetsPerSecond, 0),
          '–',
          f(tr.speedupSampled, 1),
        ],
        ['one 1024³ tf.matMul', '–', f(mm.gflops), '–'],
      ],
    ) + '\n\n',
  );
  process.stdout.write(
    table(
      ['per keystroke (ms)', 'median', 'p95', 'n'],
      [
        ['predictNext (as served, mixed)', f(lat.served.median, 3), f(lat.served.p95, 3), lat.served.n],
        ['predictNext (network only)', f(lat.neuralOnly.median, 3), f(lat.neuralOnly.p95, 3), lat.neuralOnly.n],
        [
          'predictNext + phrase (as the element asks)',
          f(lat.withPhrases.median, 3),
          f(lat.withPhrases.p95, 3),
          lat.withPhrases.n,
        ],
        [
          'predictNext + phrase, 1 MB of text before the caret',
          f(lat.paste1MB.median, 3),
          f(lat.paste1MB.p95, 3),
          lat.paste1MB.n,
        ],
        [
          'reading those 1 MB whole (tokenize, the old path)',
          f(lat.paste1MB.tokenizeWhole.median, 1),
          f(lat.paste1MB.tokenizeWhole.p95, 1),
          lat.paste1MB.tokenizeWhole.n,
        ],
        ['model step (recurrent only)', f(lat.modelStep.median, 3), f(lat.modelStep.p95, 3), lat.modelStep.n],
        [
          'model step + output layer and normaliser',
          f(lat.modelStepWithSoftmax.median, 3),
          f(lat.modelStepWithSoftmax.p95, 3),
          lat.modelStepWithSoftmax.n,
        ],
        [
          'straightforward model.predict per keystroke',
          f(lat.straightforward.median, 3),
          f(lat.straightforward.p95, 3),
          lat.straightforward.n,
        ],
        ['speed-up (straightforward / served)', f(lat.speedupMedian, 1) + '×', f(lat.speedupP95, 1) + '×', ''],
        ...(rep
          ? [
              [
                `replies for a message (es-replies, ${rep.prune} of ${rep.replies} scored)`,
                f(rep.median, 3),
                f(rep.p95, 3),
                rep.n,
              ],
            ]
          : []),
      ],
    ) + '\n\n',
  );
  const beat = out.beatKn as { knTop3: number; beaten: { seconds: number; top3: number } | null } | undefined;
  process.stdout.write(
    table(
      ['other', 'value'],
      [
        [
          'time to beat KN top-3',
          beat
            ? beat.beaten
              ? `${f(beat.beaten.seconds, 0)} s (top-3 ${f(beat.beaten.top3 * 100)} % vs KN ${f(beat.knTop3 * 100)} %)`
              : `not within the budget (KN ${pct(beat.knTop3)})`
            : 'skipped (--quick)',
        ],
        [
          'stored model: plain float32 / as stored (network and trigram)',
          `${(st.plainFloat32Bytes / 1e6).toFixed(2)} MB / ${(st.storedBytes / 1e6).toFixed(2)} MB (${f(st.smallerThanPlain)}× smaller)`,
        ],
        [
          'network weights float32 / float16',
          `${(st.networkBytesFloat32 / 1e6).toFixed(2)} MB / ${(st.networkBytesFloat16 / 1e6).toFixed(2)} MB`,
        ],
        [
          `trigram counts int32 / varint (${st.trigramTypes.toLocaleString('en')} types)`,
          `${(st.trigramBytesInt32 / 1e6).toFixed(2)} MB / ${(st.trigramBytesVarint / 1e6).toFixed(2)} MB`,
        ],
        [
          `top-3 exact float32 / as served, float16 + int8 output (${st.lines} lines)`,
          `${pct(st.top3Exact)} / ${pct(st.top3Served)} (${f(st.top3LostPoints)} points lost)`,
        ],
        ['tensors before / after 100,000 predictions', `${mem.tensorsBefore} / ${mem.tensorsAfter}`],
        ['JS heap growth over 100,000 predictions', `${f(mem.heapGrowthMB)} MB (${f(mem.seconds, 1)} s)`],
      ],
    ) + '\n',
  );
}
