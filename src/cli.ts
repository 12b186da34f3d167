/**
 * The command line: `rnn-predict train | predict | eval | forecast`. Errors print one line and
 * exit 1; `--help` on each command.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ParseArgsConfig } from 'node:util';
import { parseCorpus } from './data/corpus.js';
import { modelWords, typingContext } from './text/tokenize.js';
import { KneserNeyTrigram, NGRAM_HISTORY } from './inference/model/ngram.js';
import { WordPredictor, PHRASE_DEFAULTS, phraseLength } from './inference/model/word-predictor.js';
import { evaluate, evaluatePhrases, evaluateAdaptation, type EvaluationResult } from './inference/suggest/evaluate.js';
import { learnInto } from './inference/model/learning.js';
import { COMPLETION_ORDERS } from './inference/model/savings-order.js';
import { REPLY_PRUNE } from './inference/suggest/replies.js';
import {
  DEFAULT_REGISTER,
  predictorOf,
  REGISTERS,
  truncateVocabulary,
  type RnnModel,
} from './inference/format/artifacts.js';
import {
  parameterCount,
  TRAIN_DEFAULTS,
  DEFAULT_MODEL,
  CELL_TYPES,
  ACTIVATIONS,
  NORMS,
  MODEL_SHAPES,
  LEARNING_RATE,
  SIZE_LIMITS,
} from './inference/model/model-config.js';
import { checkInteger, checkNumber, checkOneOf, POSITIVE, SHARE, WEIGHT, type NumberRule } from './base/checks.js';
import type { TrainProgress } from './base/training-types.js';
import { loadModelDir, saveModelDir, MODEL_JSON } from './node/model-dir.js';
import { checkedFlag, parseCommandLine } from './node/cli-args.js';
import { TOKENS_PER_PARAMETER } from './training/corpus-size.js';

/** `rnn-predict train` defaults: the best settings found for a 30-minute run on 2 cores
 * (src/inference/model/model-config.ts TRAIN_DEFAULTS, bench/RESULTS.md). */
const DEFAULT_MINUTES: number = TRAIN_DEFAULTS.minutes;
const DEFAULT_EPOCHS: number = TRAIN_DEFAULTS.epochs;
const DEFAULT_VOCABULARY: number = TRAIN_DEFAULTS.vocabularySize;
const DEFAULT_LR: number = TRAIN_DEFAULTS.learningRate;
const DEFAULT_SAMPLED: number = TRAIN_DEFAULTS.sampledSoftmax;

class UsageError extends Error {
  override name = 'UsageError';
}

const HELP: Record<string, string> = {
  main: `rnn-predict — next-word prediction with recurrent networks

Usage: rnn-predict <command> [options]

Commands:
  train     train a model on a corpus and write a model directory
  predict   suggest the next words for a text
  eval      score a model or the KN trigram baseline (top-1, top-3, KSR, perplexity, OOV)
  pack      make a model directory smaller to ship (int8 weights, fewer network words)
  forecast  forecast a numeric series from a CSV with the same recurrent cells

Run "rnn-predict <command> --help" for a command's options; "rnn-predict --version" for the version.`,
  train: `Usage: rnn-predict train --corpus FILE --out DIR [options]

  --corpus FILE       UTF-8 text, one message or sentence per line (required; repeat it to
                      train on several files, read in the order given)
  --out DIR           where to write model.json and weights.bin (required)
  --cell C            gru | lstm | rnn (default gru: the best found for the budget)
  --activation A      the SimpleRNN's activation: tanh (default) | relu | leaky-relu | elu
  --norm N            none (default) | layer: layer normalisation inside the recurrent cell
  --shape S           seq2vec (next word) | seq2seq (next N words at once) | qa (a reply
                      model: reads a message, scores replies; needs --pairs, not --corpus)
                      (default seq2vec)
  --pairs FILE        --shape qa: message<TAB>reply, one pair a line
  --int8              store matrices as per-row int8 (a quarter of the size)
  --epochs N          passes over the corpus at most (default ${DEFAULT_EPOCHS})
  --minutes M         training time budget in minutes; the learning rate decays linearly to
                      its end (default ${DEFAULT_MINUTES}: with the trigram and the mix, ~30 minutes)
  --max-lines N       use only the first N lines of the corpus
  --vocab N           network vocabulary size, specials included (default ${DEFAULT_VOCABULARY})
  --hidden N          recurrent state size (default 256)
  --embedding N       embedding size (default 128)
  --layers N          1 or 2 recurrent layers (default 1)
  --horizon N         words the seq2seq model outputs (default 3)
  --batch-tokens N    target tokens per batch and thread (default 1024)
  --threads N         worker threads training in parallel, gradients averaged (default: one per
                      core, at most 2; 1 trains on the main thread)
  --lr X              peak learning rate (default ${DEFAULT_LR})
  --sampled N         sampled softmax with N drawn words per batch for the first 80 % of the
                      budget, full softmax after (default ${DEFAULT_SAMPLED || 'off'}; 0 turns it off)
  --dropout X         dropout while training (default 0.2)
  --word-dropout X    drop each vocabulary word from a batch's inputs with this probability,
                      at every position (embedding dropout; default 0)
  --average X         from this share of the budget on (0–1), keep the running mean of the
                      weights; the best on validation of the weights and their mean is kept
  --float16           store weights as float16 (half the size)
  --no-ngram          do not train and mix the Kneser-Ney trigram
  --seed N            random seed (default 1)
  --continue DIR      go on training the model in DIR (its vocabulary, sizes and weights; the
                      size options are then ignored), e.g. a full-softmax phase at a lower --lr
  --checkpoint-minutes M
                      every M minutes of training, write the network so far to DIR.checkpoint
                      (a model directory without the n-gram), so a stopped run leaves a model
  --quiet             no progress bar

A corpus with fewer training tokens than one per ${Math.round(1 / TOKENS_PER_PARAMETER)} weights of the network gets a warning
before training starts: such a network learns the lines by heart and little else.`,
  pack: `Usage: rnn-predict pack --model DIR --out DIR [options]

  --model DIR         a model directory written by "rnn-predict train" (required)
  --out DIR           where to write the packed model directory (required)
  --int8              store matrices as per-row int8 (a quarter of float32), vectors as float16
  --float16           store every weight as float16 (half of float32)
  --vocab N           keep the network's N most frequent words (rarer ones are left to the
                      n-gram model, which keeps every word)
  --prune N           drop trigram types seen fewer than N times (lower orders kept exact)
  --prune-contexts C  with --prune: only those whose context (two words) was seen at most C
                      times (contexts seen once are seldom met again)
  --prune-approx      with --prune: count the lower orders on the kept types (no bigram table
                      to store: smaller, but not the full counts' lower orders)
  --prune-corpus FILE with --recount and --prune: more text the trigram (not the 4-gram
                      layer) is counted on, whose rare types go; every type in the --corpus
                      files stays (repeat for several files)
  --corpus FILE       the text the 4-grams (and with --recount the trigram) are counted on
                      (repeat for several files)
  --mix X             the network's weight in the mix with the trigram, 0–1 (default: the
                      model's own, chosen on its validation split when it was trained)
  --mix-chat X, --mix-formal X
                      the network's weight for each register (createPredictor's register
                      option; eval --register), both together, instead of --mix
  --release ID@VER    tag the model as a published one (e.g. es-default@1), so a stored copy
                      can be recognised and upgraded by the SDK`,
  predict: `Usage: rnn-predict predict [--model DIR] [--k 3] [--next] [--json] [--words N [--method M]] TEXT

Suggests what comes next in TEXT, best first: the completions of its last word when TEXT ends
inside a word ("Hola cómo se siente" completes "siente"), else the next word.

  --model DIR   a model directory written by "rnn-predict train" or "pack" (default: the
                Spanish model shipped with the package)
  --k N         how many suggestions, 1–100 (default 3)
  --next        the next word even when TEXT ends inside a word (as if it ended with a space)
  --completion-order probability|savings
                completions most probable first (default) or by the typing each saves, as
                <rnn-predict> shows them
  --words N     also continue N words ahead (1–20), with each step's probability
  --method M    recursive (each word fed back, beam search; default) | direct (a seq2seq
                model's decoder)
  --json        print JSON: an array of {word, probability}; with --words,
                {suggestions, continuations}`,
  eval: `Usage: rnn-predict eval (--model DIR | --baseline kn3) [--train FILE] --test FILE [--json]
       rnn-predict eval --replies FILE [--model DIR] [--train FILE] [--reply-method M] [--json]

  --model DIR      score a model directory as the SDK serves it (with its n-gram mix)
  --baseline kn3   score the Kneser-Ney trigram trained on --train
  --train FILE     training corpus (required with --baseline)
  --test FILE      test sentences, one per line (required)
  --max-lines N    use only the first N test lines
  --no-ksr         skip keystroke savings (faster). KSR is printed twice: with plain ranked
                   lists (docs/evaluation.md; JSON: ksr) and with the words shown and passed
                   over for a word offered last and none in an empty field, as
                   <rnn-predict> offers them (JSON: ksrPassedOverLast)
  --completion-order savings|probability
                   how the completions of a partly typed word are ordered (default savings:
                   by the typing each is expected to save, as the SDK and the element offer
                   them; probability: most probable first); the next word is always by
                   probability, so top-1 and top-3 do not change
  --register R     chat (default) | formal: the model's mix for that kind of text, where it
                   has one per register (pack --mix-chat, --mix-formal)
  --adapt          score learning on a stream: --test in its order, the second half scored
                   before and after learning the first, each line then learned as the page's
                   learn() does (JSON: ksrBefore, ksrAfter, top1Before, top1After)
  --typos RATE     KSR by a typist who mistypes this share of letters (e.g. 0.08; a neighbouring
                   key, a forgotten accent, a letter left out or one extra), with and without
                   typo-tolerant completion (JSON: ksrTypos, ksrTyposOff)
  --phrases        also score phrase suggestions with the phrase typist (README, Phrases):
                   KSR with phrases, phrase precision, words per accepted phrase, phrases shown
  --phrase-threshold LIST
                   phrase confidence threshold(s), comma-separated, each scored on the same
                   phrases (default ${PHRASE_DEFAULTS.threshold}); the first fills the top-level fields
  --method M       phrases by recursive (default) or direct (a seq2seq model's decoder)
  --replies FILE   score reply suggestions on held-out message<TAB>reply pairs instead (JSON:
                   replyRecall3, replyMrr, replyDistinct, replyOffered; README, Replies)
  --reply-method M rank (default: the model ranks its reply list) | beam (free decoding) |
                   tfidf (the reply of the nearest --train message, no network) | all
  --adapt          with --replies: the second half of the pairs scored before and after
                   learning the replies of the first (JSON: adapt.replyRecall3Before/After)
  --reply-prune N  rank: replies scored in full per message, those with the best first
                   word (default ${REPLY_PRUNE}; the whole list scores every reply)
  --beam N         beam width of recursive phrases (default ${PHRASE_DEFAULTS.beam})
  --json           print one JSON object {top1, top3, ksr, perplexity, oov, words} (fractions 0–1);
                   with --phrases also {ksrWithPhrases, phrasePrecision, wordsPerPhrase,
                   phrasesShown, phrases: [one per threshold]}`,
};

function parse(
  argv: string[],
  options: ParseArgsConfig['options'],
  command: string,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    return parseCommandLine(argv, { ...options, help: { type: 'boolean' } });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see "rnn-predict ${command} --help")`);
  }
}

/** checkedFlag's answer, its error a UsageError. */
function flag<T>(
  raw: unknown,
  name: string,
  check: (value: unknown, name: string) => T,
  parse: (s: string) => unknown = Number,
): T | undefined {
  try {
    return checkedFlag(raw, name, check, parse);
  } catch (e) {
    throw new UsageError((e as Error).message, { cause: e });
  }
}

const intOption = (raw: unknown, name: string, min: number, max = Infinity) =>
  flag(raw, name, (v, n) => checkInteger(v, n, min, max));
const numberOption = (raw: unknown, name: string, ...[ok, expected]: NumberRule) =>
  flag(raw, name, (v, n) => checkNumber(v, n, ok, expected));
const choiceOption = <T extends string>(raw: unknown, name: string, allowed: readonly T[]): T | undefined =>
  flag(raw, name, (v, n) => checkOneOf<T>(v, n, allowed), String);

async function readLines(file: string, maxLines?: number): Promise<string[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new UsageError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const lines = parseCorpus(bytes, file);
  return maxLines ? lines.slice(0, maxLines) : lines;
}

function bar(p: TrainProgress): string {
  const width = 24;
  const done = Math.round((p.batch / p.batches) * width);
  const eta = Number.isFinite(p.etaSeconds)
    ? `${Math.floor(p.etaSeconds / 60)}m${String(Math.round(p.etaSeconds % 60)).padStart(2, '0')}s`
    : '?';
  return `[${'#'.repeat(done)}${'.'.repeat(width - done)}] epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(3)} acc ${(p.accuracy * 100).toFixed(1)}% ${Math.round(p.targetsPerSecond)} targets/s ETA ${eta}`;
}

async function train(argv: string[], out: Output): Promise<number> {
  const { values } = parse(
    argv,
    {
      corpus: { type: 'string', multiple: true },
      out: { type: 'string' },
      cell: { type: 'string' },
      activation: { type: 'string' },
      norm: { type: 'string' },
      shape: { type: 'string' },
      pairs: { type: 'string' },
      int8: { type: 'boolean' },
      'checkpoint-minutes': { type: 'string' },
      continue: { type: 'string' },
      epochs: { type: 'string' },
      minutes: { type: 'string' },
      'max-lines': { type: 'string' },
      vocab: { type: 'string' },
      hidden: { type: 'string' },
      embedding: { type: 'string' },
      layers: { type: 'string' },
      horizon: { type: 'string' },
      'batch-tokens': { type: 'string' },
      float16: { type: 'boolean' },
      'no-ngram': { type: 'boolean' },
      seed: { type: 'string' },
      quiet: { type: 'boolean' },
      threads: { type: 'string' },
      lr: { type: 'string' },
      dropout: { type: 'string' },
      'word-dropout': { type: 'string' },
      average: { type: 'string' },
      sampled: { type: 'string' },
    },
    'train',
  );
  if (values.help) return (out.log(HELP.train!), 0);
  if (values.shape === 'qa') return trainReplies(values, out);
  if (values.pairs) throw new UsageError('--pairs is for --shape qa (a reply model)');
  if (!values.corpus) throw new UsageError('train needs --corpus FILE (see "rnn-predict train --help")');
  if (!values.out) throw new UsageError('train needs --out DIR (see "rnn-predict train --help")');
  const cell = choiceOption(values.cell, 'cell', CELL_TYPES) ?? DEFAULT_MODEL.cell;
  const activation = choiceOption(values.activation, 'activation', ACTIVATIONS);
  const norm = choiceOption(values.norm, 'norm', NORMS);
  const shape = choiceOption(values.shape, 'shape', [...MODEL_SHAPES, 'qa'] as const) ?? DEFAULT_MODEL.shape;
  if (shape === 'qa') throw new UsageError('unreachable: qa is trained by trainReplies');
  const minutes = numberOption(values.minutes, 'minutes', ...POSITIVE) ?? DEFAULT_MINUTES;
  const lr = numberOption(values.lr, 'lr', ...LEARNING_RATE) ?? DEFAULT_LR;
  const dropout = numberOption(values.dropout, 'dropout', ...SHARE);
  const wordDropout = numberOption(values['word-dropout'], 'word-dropout', ...SHARE);
  const average = numberOption(values.average, 'average', ...SHARE);
  const threads = intOption(values.threads, 'threads', 1, 64);
  const sampled = intOption(values.sampled, 'sampled', 0, 1_000_000) ?? DEFAULT_SAMPLED;
  const checkpointMinutes = numberOption(values['checkpoint-minutes'], 'checkpoint-minutes', ...POSITIVE);
  const hiddenSize = intOption(values.hidden, 'hidden', ...SIZE_LIMITS.hiddenSize);
  const embeddingSize = intOption(values.embedding, 'embedding', ...SIZE_LIMITS.embeddingSize);
  const layers = intOption(values.layers, 'layers', 1, 2) as 1 | 2 | undefined;
  const horizon = intOption(values.horizon, 'horizon', ...SIZE_LIMITS.horizon);
  const epochs = intOption(values.epochs, 'epochs', 1) ?? DEFAULT_EPOCHS;
  const vocabularySize = intOption(values.vocab, 'vocab', SIZE_LIMITS.vocabSize[0]) ?? DEFAULT_VOCABULARY;
  const batchTokens = intOption(values['batch-tokens'], 'batch-tokens', 1);
  const seed = intOption(values.seed, 'seed', 0) ?? 1;
  const maxLines = intOption(values['max-lines'], 'max-lines', 1);
  const corpora = values.corpus as unknown as string[];
  const lines: string[] = [];
  for (const file of corpora) lines.push(...(await readLines(file)));
  if (maxLines !== undefined) lines.length = Math.min(lines.length, maxLines);
  const { initNodeBackend } = await import('./node/node-backend.js');
  const { trainLanguageModel } = await import('./training/pipeline.js');
  const { workerThreads, defaultThreads } = await import('./node/parallel.js');
  const backend = await initNodeBackend();
  const nThreads = threads ?? defaultThreads();
  const tty = process.stderr.isTTY && !values.quiet;
  let lastLine = 0;
  const model = await trainLanguageModel(lines, {
    model: {
      cell,
      shape,
      ...(activation !== undefined ? { activation } : {}),
      ...(norm !== undefined ? { norm } : {}),
      ...(hiddenSize !== undefined ? { hiddenSize } : {}),
      ...(embeddingSize !== undefined ? { embeddingSize } : {}),
      ...(layers !== undefined ? { layers } : {}),
      ...(horizon !== undefined ? { horizon } : {}),
      ...(dropout !== undefined ? { dropout } : {}),
    },
    epochs,
    vocabularySize,
    batchTokens,
    seed,
    maxSeconds: minutes * 60,
    learningRate: lr,
    ...(wordDropout !== undefined ? { wordDropout } : {}),
    ...(average !== undefined ? { average } : {}),
    ...(sampled > 0 ? { sampledSoftmax: { samples: sampled } } : {}),
    parallel: nThreads > 1 && backend.backend === 'wasm' ? workerThreads(nThreads, backend.backend) : undefined,
    ngram: !values['no-ngram'],
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    ...(values.continue ? { continueFrom: await loadModelDir(values.continue as string) } : {}),
    ...(checkpointMinutes !== undefined
      ? {
          onCheckpoint: {
            everySeconds: checkpointMinutes * 60,
            callback: async (m: RnnModel, seconds: number) => {
              await saveModelDir(m, `${values.out}.checkpoint`);
              if (!values.quiet)
                process.stderr.write(`checkpoint after ${Math.round(seconds)} s: ${values.out}.checkpoint\n`);
            },
          },
        }
      : {}),
    onProgress: (p) => {
      if (values.quiet) return;
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
  const bytes = await saveModelDir(model, values.out as string, { float16: !!values.float16, int8: !!values.int8 });
  out.log(
    `wrote ${values.out} (${(bytes / 1e6).toFixed(1)} MB weights, ${parameterCount(model.config).toLocaleString('en')} parameters, ${model.vocabulary.size} tokens, backend ${backend.backend}, ${nThreads > 1 && backend.backend === 'wasm' ? nThreads : 1} thread(s), ${Math.round(model.result.targets / Math.max(model.result.seconds, 1e-3))} targets/s)`,
  );
  out.log(
    `trained ${model.result.seconds.toFixed(0)} s (${model.result.stopped}); validation: top-1 ${pct(model.metrics.top1)}, top-3 ${pct(model.metrics.top3)}, perplexity ${model.metrics.perplexity?.toFixed(1)}; n-gram mix weight ${model.ngram ? (1 - model.mix).toFixed(1) : 'none'}`,
  );
  return 0;
}

/** Reads a file of message<TAB>reply pairs; a UsageError names a line that is not one. */
async function readPairs(file: string): Promise<[string, string][]> {
  const pairs: [string, string][] = [];
  (await readLines(file)).forEach((line, i) => {
    const parts = line.split('\t');
    if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim())
      throw new UsageError(
        `${file}: line ${i + 1} must be message<TAB>reply, got ${JSON.stringify(line.slice(0, 80))}`,
      );
    pairs.push([parts[0]!, parts[1]!]);
  });
  return pairs;
}

/** The methods `eval --replies` compares (README, Replies). */
const REPLY_METHODS = ['rank', 'beam', 'tfidf', 'all'] as const;

/** eval --replies: reply recall@3, MRR and distinctness on held-out pairs. */
async function evalReplies(values: Record<string, unknown>, out: Output): Promise<number> {
  const method = choiceOption(values['reply-method'] as string | undefined, 'reply-method', REPLY_METHODS) ?? 'rank';
  const methods = method === 'all' ? (['rank', 'beam', 'tfidf'] as const) : ([method] as const);
  const wantsModel = methods.some((m) => m !== 'tfidf');
  if (wantsModel && !values.model)
    throw new UsageError(`eval --replies with --reply-method ${method} needs --model DIR`);
  if (methods.includes('tfidf') && !values.train)
    throw new UsageError('eval --replies with the tfidf baseline needs --train FILE (the training pairs)');
  let pairs = await readPairs(values.replies as string);
  const max = intOption(values['max-lines'] as string | undefined, 'max-lines', 1);
  if (max !== undefined) pairs = pairs.slice(0, max);
  const { ReplyRanker, evaluateReplies } = await import('./inference/suggest/replies.js');
  const prune = intOption(values['reply-prune'] as string | undefined, 'reply-prune', 1) ?? REPLY_PRUNE;
  const ranker = wantsModel ? new ReplyRanker(await loadModelDir(values.model as string)) : undefined;
  const results: Record<string, Record<string, number>> = {};
  for (const m of methods) {
    const started = Date.now();
    let suggest: (message: string) => readonly string[];
    if (m === 'rank') suggest = (msg) => ranker!.rank(msg, 3, 0, prune).map((r) => r.text);
    else if (m === 'beam') suggest = (msg) => ranker!.beam(msg, 3);
    else {
      const { tfidfReplier } = await import('./node/reply-baseline.js').catch((e: Error) => {
        throw new UsageError(
          `--reply-method tfidf needs the natural package (npm install natural): ${e.message.split('\n')[0]}`,
        );
      });
      suggest = tfidfReplier(await readPairs(values.train as string));
    }
    const r = evaluateReplies(pairs, suggest);
    results[m] = { ...r, seconds: (Date.now() - started) / 1000 };
  }
  if (values.adapt) {
    // Learning (issue 31, item 7): the pairs in order as one person's; the second half scored
    // before and after learning the replies of the first (learn(text, inReplyTo)).
    if (!ranker) throw new UsageError('eval --replies --adapt needs --model DIR');
    const half = Math.floor(pairs.length / 2);
    const later = pairs.slice(half);
    const { replyKey } = await import('./inference/suggest/replies.js');
    const sentKeys = new Set(pairs.slice(0, half).map(([, r]) => replyKey(r)));
    // The pairs answered with a reply the person had sent before: where learning should show.
    const again = later.filter(([, r]) => sentKeys.has(replyKey(r)));
    const score = (ps: typeof pairs) => evaluateReplies(ps, (msg) => ranker.rank(msg, 3, 0, prune).map((r) => r.text));
    const [before, beforeAgain] = [score(later), score(again)];
    for (const [, reply] of pairs.slice(0, half)) ranker.learnReply(reply);
    const [after, afterAgain] = [score(later), score(again)];
    results.adapt = {
      pairs: later.length,
      learned: half,
      replyRecall3Before: before.replyRecall3,
      replyRecall3After: after.replyRecall3,
      replyMrrBefore: before.replyMrr,
      replyMrrAfter: after.replyMrr,
      sentBefore: again.length,
      replyRecall3SentBefore: beforeAgain.replyRecall3,
      replyRecall3SentAfter: afterAgain.replyRecall3,
    };
  }
  const first = results[methods[0]]!;
  const { adapt, ...byMethod } = results;
  if (values.json)
    out.log(JSON.stringify({ method: methods[0], ...first, methods: byMethod, ...(adapt ? { adapt } : {}) }, null, 2));
  else
    for (const m of methods) {
      const r = results[m]!;
      out.log(
        `${m}: reply recall@3 ${pct(r.replyRecall3)}, MRR ${r.replyMrr!.toFixed(3)}, distinct ${pct(r.replyDistinct)}, offered ${pct(r.replyOffered)} (${r.pairs} pairs, ${r.seconds!.toFixed(0)} s)`,
      );
    }
  const a = results.adapt;
  if (a && !values.json)
    out.log(
      `learning the replies of the first ${a.learned} pairs: recall@3 on the other ${a.pairs} ${pct(a.replyRecall3Before)} → ${pct(a.replyRecall3After)}, MRR ${a.replyMrrBefore!.toFixed(3)} → ${a.replyMrrAfter!.toFixed(3)}; on the ${a.sentBefore} answered with a reply sent before ${pct(a.replyRecall3SentBefore)} → ${pct(a.replyRecall3SentAfter)}`,
    );
  return 0;
}

/** train --shape qa: the reply model (training/replies.ts). */
async function trainReplies(values: Record<string, unknown>, out: Output): Promise<number> {
  if (!values.pairs) throw new UsageError('train --shape qa needs --pairs FILE (message<TAB>reply lines)');
  if (!values.out) throw new UsageError('train needs --out DIR (see "rnn-predict train --help")');
  const pairs = await readPairs(values.pairs as string);
  const minutes = numberOption(values.minutes as string | undefined, 'minutes', ...POSITIVE) ?? 30;
  const { initNodeBackend } = await import('./node/node-backend.js');
  const { trainReplyModel } = await import('./training/replies.js');
  await initNodeBackend();
  const model = await trainReplyModel(pairs, {
    maxSeconds: minutes * 60,
    ...(values.epochs ? { epochs: intOption(values.epochs as string, 'epochs', 1)! } : {}),
    ...(values.vocab ? { vocabularySize: intOption(values.vocab as string, 'vocab', SIZE_LIMITS.vocabSize[0])! } : {}),
    ...(values.hidden ? { hiddenSize: intOption(values.hidden as string, 'hidden', ...SIZE_LIMITS.hiddenSize)! } : {}),
    ...(values.embedding
      ? { embeddingSize: intOption(values.embedding as string, 'embedding', ...SIZE_LIMITS.embeddingSize)! }
      : {}),
    ...(values.lr ? { learningRate: numberOption(values.lr as string, 'lr', ...LEARNING_RATE)! } : {}),
    ...(values.dropout ? { dropout: numberOption(values.dropout as string, 'dropout', ...SHARE)! } : {}),
    seed: intOption(values.seed as string | undefined, 'seed', 0) ?? 1,
    onProgress: (p) => {
      if (!values.quiet)
        process.stderr.write(
          `epoch ${p.epoch} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(3)} ${Math.round(p.seconds)} s\n`,
        );
    },
  });
  const bytes = await saveModelDir(model, values.out as string, { float16: !!values.float16, int8: !!values.int8 });
  out.log(
    `wrote ${values.out as string} (${(bytes / 1e3).toFixed(0)} KB weights, ${parameterCount(model.config).toLocaleString('en')} parameters, ${model.vocabulary.size} tokens, ${model.replies!.length} replies); validation loss ${model.metrics.validationLoss?.toFixed(3)} (perplexity ${model.metrics.perplexity?.toFixed(1)}) after ${model.metrics.trainSeconds} s`,
  );
  return 0;
}

const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(1)} %`);

function methodOption(value: string | boolean | undefined): 'recursive' | 'direct' | undefined {
  return choiceOption(value, 'method', ['recursive', 'direct'] as const);
}

/** The model shipped with the package: dist/models/es beside the built CLI, models/es in the repository. */
function shippedModelDir(): string {
  for (const relative of ['./models/es', '../models/es']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${dir}/${MODEL_JSON}`)) return dir;
  }
  throw new UsageError('the shipped model is missing from this installation: give --model DIR');
}

async function predict(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      model: { type: 'string' },
      k: { type: 'string' },
      next: { type: 'boolean' },
      'completion-order': { type: 'string' },
      json: { type: 'boolean' },
      words: { type: 'string' },
      method: { type: 'string' },
    },
    'predict',
  );
  if (values.help) return (out.log(HELP.predict!), 0);
  if (positionals.length === 0)
    throw new UsageError('predict needs the TEXT to continue, e.g. rnn-predict predict "Hola cómo se "');
  const k = intOption(values.k, 'k', 1, 100) ?? 3;
  const words = intOption(values.words, 'words', 1, 20);
  const method = methodOption(values.method);
  if (method && !words) throw new UsageError('--method needs --words N');
  const completionOrder =
    choiceOption(values['completion-order'], 'completion-order', COMPLETION_ORDERS) ?? 'probability';
  const predictor = predictorOf(await loadModelDir((values.model as string | undefined) ?? shippedModelDir()), {
    completionOrder,
  });
  let text = positionals.join(' ');
  if (values.next && !/\s$/u.test(text)) text += ' ';
  const suggestions = predictor.predictNext(text, { k });
  const continuations = () => predictor.continue(text, { words, k: Math.min(k, 4), beam: 4, method });
  if (values.json) {
    out.log(JSON.stringify(words ? { suggestions, continuations: continuations() } : suggestions));
    return 0;
  }
  const { partial } = typingContext(text);
  const order = partial && completionOrder === 'savings' ? 'by typing saved' : 'most probable first';
  out.log(partial ? `completing '${partial}' (${order}):` : `next word (${order}):`);
  for (const s of suggestions) out.log(`${s.word}\t${s.probability.toFixed(4)}`);
  if (words) {
    for (const c of continuations()) {
      out.log(`… ${c.words.join(' ')}\t${c.probabilities.map((p) => p.toFixed(3)).join(' → ')}`);
    }
  }
  return 0;
}

/** The lines of the files as the n-gram model counts them (`modelWords`), empty ones left out. */
async function corpusWords(files: readonly string[]): Promise<string[][]> {
  const lines: string[][] = [];
  for (const file of files)
    for (const line of await readLines(file)) {
      const words = modelWords(line);
      if (words.length > 0) lines.push(words);
    }
  return lines;
}

async function pack(argv: string[], out: Output): Promise<number> {
  const { values } = parse(
    argv,
    {
      model: { type: 'string' },
      out: { type: 'string' },
      int8: { type: 'boolean' },
      float16: { type: 'boolean' },
      vocab: { type: 'string' },
      prune: { type: 'string' },
      'prune-contexts': { type: 'string' },
      'prune-corpus': { type: 'string', multiple: true },
      'prune-approx': { type: 'boolean' },
      fourgrams: { type: 'string' },
      recount: { type: 'boolean' },
      corpus: { type: 'string', multiple: true },
      mix: { type: 'string' },
      'mix-chat': { type: 'string' },
      'mix-formal': { type: 'string' },
      release: { type: 'string' },
    },
    'pack',
  );
  if (values.help) return (out.log(HELP.pack!), 0);
  if (!values.model) throw new UsageError('pack needs --model DIR (see "rnn-predict pack --help")');
  if (!values.out) throw new UsageError('pack needs --out DIR (see "rnn-predict pack --help")');
  let release: { id: string; version: number } | undefined;
  if (values.release !== undefined) {
    const m = /^([a-z0-9][a-z0-9._-]*)@([0-9]+)$/i.exec(values.release as string);
    if (!m) throw new UsageError(`--release must look like NAME@VERSION (e.g. es-default@1), got "${values.release}"`);
    release = { id: m[1]!, version: Number(m[2]) };
  }
  // Every number checked before any file is read.
  const prune = intOption(values.prune, 'prune', 1, 1_000_000);
  const pruneContexts = intOption(values['prune-contexts'], 'prune-contexts', 1, 1_000_000);
  const fourgrams = intOption(values.fourgrams, 'fourgrams', 1, 1_000_000);
  const mix = numberOption(values.mix, 'mix', ...WEIGHT);
  const chat = numberOption(values['mix-chat'], 'mix-chat', ...WEIGHT);
  const formal = numberOption(values['mix-formal'], 'mix-formal', ...WEIGHT);
  if ((chat === undefined) !== (formal === undefined) || (chat !== undefined && mix !== undefined))
    throw new UsageError('--mix-chat X and --mix-formal X go together, instead of --mix');
  const recount = !!values.recount;
  const corpora = (values.corpus as unknown as string[] | undefined) ?? [];
  if ((fourgrams === undefined && !recount) !== (corpora.length === 0))
    throw new UsageError(
      '--corpus FILE goes with --fourgrams N or --recount (and they with it): the n-grams are counted on the corpus',
    );
  const pruneCorpora = (values['prune-corpus'] as unknown as string[] | undefined) ?? [];
  if ((pruneContexts !== undefined || values['prune-approx']) && prune === undefined)
    throw new UsageError('--prune-contexts C and --prune-approx need --prune N: they say how the rare types go');
  if (pruneCorpora.length > 0 && (!recount || prune === undefined))
    throw new UsageError(
      '--prune-corpus FILE needs --recount and --prune N: its rare types go, the --corpus types stay',
    );
  let model = await loadModelDir(values.model as string);
  const vocab = intOption(values.vocab, 'vocab', SIZE_LIMITS.vocabSize[0], model.config.vocabSize);
  if (vocab !== undefined) model = truncateVocabulary(model, vocab);
  const lines = await corpusWords(corpora);
  const extra = await corpusWords(pruneCorpora);
  if (recount) model = { ...model, ngram: KneserNeyTrigram.train([...lines, ...extra]) };
  if (prune !== undefined && prune > 1) {
    if (!model.ngram) throw new UsageError('--prune: this model has no n-gram model');
    // With --prune-corpus, the types of the --corpus text stay whatever their count.
    const keep = pruneCorpora.length > 0 ? KneserNeyTrigram.train(lines) : undefined;
    model = {
      ...model,
      ngram: model.ngram.prune(prune, {
        maxContextCount: pruneContexts,
        exactLowerOrders: !values['prune-approx'],
        ...(keep ? { keep } : {}),
      }),
    };
  }
  if (fourgrams !== undefined) {
    if (!model.ngram) throw new UsageError('--fourgrams: this model has no n-gram model');
    model = { ...model, ngram: model.ngram.withFourgrams(lines, fourgrams) };
  }
  if (mix !== undefined) model = { ...model, mix, registerMix: undefined };
  if (chat !== undefined && formal !== undefined) {
    const registerMix = { chat, formal };
    model = { ...model, registerMix, mix: registerMix[DEFAULT_REGISTER] };
  }
  if (release) model = { ...model, release };
  const bytes = await saveModelDir(model, values.out as string, { int8: !!values.int8, float16: !!values.float16 });
  out.log(
    `wrote ${values.out} (${(bytes / 1e6).toFixed(2)} MB weights and counts; network vocabulary ${model.config.vocabSize}${release ? `; release ${release.id}@${release.version}` : ''})`,
  );
  return 0;
}

async function evalCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parse(
    argv,
    {
      model: { type: 'string' },
      baseline: { type: 'string' },
      train: { type: 'string' },
      test: { type: 'string' },
      json: { type: 'boolean' },
      'max-lines': { type: 'string' },
      'no-ksr': { type: 'boolean' },
      phrases: { type: 'boolean' },
      'phrase-threshold': { type: 'string' },
      method: { type: 'string' },
      beam: { type: 'string' },
      adapt: { type: 'boolean' },
      typos: { type: 'string' },
      'completion-order': { type: 'string' },
      register: { type: 'string' },
      replies: { type: 'string' },
      'reply-method': { type: 'string' },
      'reply-prune': { type: 'string' },
    },
    'eval',
  );
  if (values.help) return (out.log(HELP.eval!), 0);
  if (values.replies) return evalReplies(values, out);
  if (values['reply-method']) throw new UsageError('--reply-method needs --replies FILE');
  if (!values.model === !values.baseline)
    throw new UsageError('eval needs exactly one of --model DIR or --baseline kn3');
  if (values.baseline && values.baseline !== 'kn3')
    throw new UsageError(`--baseline must be kn3, got "${values.baseline}"`);
  if (!values.test) throw new UsageError('eval needs --test FILE');
  if (values.baseline && !values.train) throw new UsageError('eval --baseline kn3 needs --train FILE');
  const test = await readLines(values.test as string, intOption(values['max-lines'], 'max-lines', 1));
  const started = Date.now();
  const completionOrder = choiceOption(values['completion-order'], 'completion-order', COMPLETION_ORDERS);
  const register = choiceOption(values.register, 'register', REGISTERS) ?? DEFAULT_REGISTER;
  let scorer: WordPredictor;
  if (values.model) {
    scorer = predictorOf(await loadModelDir(values.model as string), { completionOrder, register });
  } else {
    const train = await readLines(values.train as string);
    scorer = new WordPredictor({ ngram: KneserNeyTrigram.train(train.map(modelWords)), completionOrder });
  }
  if (values.adapt) return evalAdaptation(scorer, test, !!values.json, out, started);
  if (values.typos !== undefined) return evalTypos(scorer, test, values.typos as string, !!values.json, out, started);
  const method = methodOption(values.method) ?? 'recursive';
  const beam = intOption(values.beam, 'beam', 1, 16) ?? PHRASE_DEFAULTS.beam;
  const thresholds = ((values['phrase-threshold'] as string | undefined) ?? String(PHRASE_DEFAULTS.threshold))
    .split(',')
    .map((t) => checkedFlag(t, 'phrase-threshold', (x, name) => checkNumber(x, name, ...WEIGHT))!);
  if (!values.phrases && (values['phrase-threshold'] || values.method || values.beam))
    throw new UsageError('--phrase-threshold, --method and --beam need --phrases');
  const r: EvaluationResult = evaluate(scorer, test, {
    skipKsr: !!values['no-ksr'] || !!values.phrases,
    passedOverLast: true,
  });
  const phrases = values.phrases
    ? evaluatePhrases(
        scorer,
        test,
        (before) =>
          scorer.phraseAt(typingContext(before).context, modelWords(before).slice(-NGRAM_HISTORY), {
            words: PHRASE_DEFAULTS.words,
            beam,
            threshold: 0,
            method,
          }),
        thresholds,
        phraseLength,
      )
    : undefined;
  const first = phrases?.thresholds[0];
  const result = {
    top1: r.top1,
    top3: r.top3,
    ksr: r.ksr,
    ksrPassedOverLast: r.ksrPassedOverLast,
    perplexity: r.perplexity,
    oov: r.oov,
    words: r.words,
    lines: r.lines,
    source: scorer.source,
    completionOrder: scorer.completionOrder,
    ...(values.model ? { register, mix: scorer.mix } : {}),
    ...(phrases && first
      ? {
          ksr: phrases.ksr,
          ksrCeiling: phrases.ksrCeiling,
          method,
          threshold: first.threshold,
          ksrWithPhrases: first.ksrWithPhrases,
          phrasePrecision: first.phrasePrecision,
          wordsPerPhrase: first.wordsPerPhrase,
          phrasesShown: first.phrasesShown,
          phrases: phrases.thresholds,
        }
      : {}),
    seconds: (Date.now() - started) / 1000,
  };
  if (values.json) out.log(JSON.stringify(result));
  else {
    out.log(
      `${values.model ?? 'KN trigram'} on ${values.test} (${r.lines} lines, ${r.words} words, answered by ${scorer.source}${values.model ? `, network weight ${scorer.mix} (${register})` : ''}; completions by ${scorer.completionOrder})`,
    );
    out.log(
      `top-1 ${pct(r.top1)}  top-3 ${pct(r.top3)}  KSR ${pct(result.ksr)}  perplexity ${r.perplexity.toFixed(1)}  OOV ${pct(r.oov)}`,
    );
    if (!Number.isNaN(r.ksrPassedOverLast))
      out.log(
        `KSR ${pct(r.ksrPassedOverLast)} as <rnn-predict> offers words: those passed over last, none in an empty field`,
      );
    for (const t of phrases?.thresholds ?? []) {
      out.log(
        `phrases (${method}, threshold ${t.threshold}): KSR with phrases ${pct(t.ksrWithPhrases)}  precision ${pct(t.phrasePrecision)}  ${t.wordsPerPhrase.toFixed(2)} words per accepted phrase  ${t.phrasesShown} shown`,
      );
    }
    if (phrases)
      out.log(`phrases (${method}): at most KSR ${pct(phrases.ksrCeiling)} with these phrases, whatever the threshold`);
  }
  return 0;
}

/** `eval --adapt`: KSR on the stream's second half before and after learning the first. */
function evalAdaptation(scorer: WordPredictor, test: string[], json: boolean, out: Output, started: number): number {
  const ngram = scorer.ngram;
  if (!ngram || scorer.mix === 1)
    throw new UsageError(
      'eval --adapt needs a model with its n-gram (trained without --no-ngram): learning adds to it',
    );
  const r = evaluateAdaptation(scorer, test, (line) => learnInto(ngram, line));
  const result = {
    ...r,
    gain: r.ksrAfter - r.ksrBefore,
    source: scorer.source,
    seconds: (Date.now() - started) / 1000,
  };
  if (json) out.log(JSON.stringify(result));
  else {
    out.log(`learning on a stream: ${r.learned} lines learned, then ${r.scored} scored and learned in turn`);
    out.log(
      `KSR ${pct(r.ksrBefore)} → ${pct(r.ksrAfter)} (${((r.ksrAfter - r.ksrBefore) * 100).toFixed(1)} points), top-1 ${pct(r.top1Before)} → ${pct(r.top1After)}`,
    );
  }
  return 0;
}

/** `eval --typos RATE`: KSR with a typist's errors, with typo-tolerant completion on and off. */
function evalTypos(scorer: WordPredictor, test: string[], rate: string, json: boolean, out: Output, started: number) {
  const typos = numberOption(rate, 'typos', (x) => x > 0 && x < 1, 'a share of letters in (0, 1)')!;
  const off = new WordPredictor({
    network: scorer.network,
    vocabulary: scorer.vocabulary,
    ngram: scorer.ngram,
    mix: scorer.mix,
    typos: false,
  });
  const clean = evaluate(scorer, test).ksr;
  const cleanOff = evaluate(off, test).ksr;
  const withTypos = evaluate(scorer, test, { typos }).ksr;
  const withTyposOff = evaluate(off, test, { typos }).ksr;
  const result = {
    ksr: clean,
    ksrOff: cleanOff,
    ksrTypos: withTypos,
    ksrTyposOff: withTyposOff,
    lossOff: cleanOff - withTyposOff,
    loss: clean - withTypos,
    typos,
    source: scorer.source,
    seconds: (Date.now() - started) / 1000,
  };
  if (json) out.log(JSON.stringify(result));
  else {
    out.log(`KSR on clean text ${pct(clean)} (typo-tolerant completion off: ${pct(cleanOff)})`);
    out.log(
      `KSR with ${(typos * 100).toFixed(1)} % of letters mistyped: ${pct(withTypos)} (off: ${pct(withTyposOff)}); lost to typos ${((clean - withTypos) * 100).toFixed(1)} points (off: ${((cleanOff - withTyposOff) * 100).toFixed(1)})`,
    );
  }
  return 0;
}

/**
 * What train, forecast and lab say when TensorFlow.js is not installed: it is an optional peer
 * dependency (a site serving the shipped model never loads it); the versions are the package's.
 */
function tfjsMissing(name: string): string {
  // package.json is one level up both from dist/cli.js and from src/cli.ts.
  const { peerDependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    peerDependencies: Record<string, string>;
  };
  const install = Object.entries(peerDependencies).map(([p, v]) => `${p}@${v}`);
  return `this command trains with TensorFlow.js, which is not installed (${name}): npm install ${install.join(' ')}`;
}

export interface Output {
  log: (line: string) => void;
}

/** Runs the CLI with arguments (without node and script); resolves to the exit code. */
export async function main(
  argv: string[],
  out: Output = { log: (l) => process.stdout.write(l + '\n') },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        return await train(rest, out);
      case 'predict':
        return await predict(rest, out);
      case 'eval':
        return await evalCommand(rest, out);
      case 'pack':
        return await pack(rest, out);
      case 'forecast': {
        const { forecastCommand } = await import('./node/forecast-cli.js');
        return await forecastCommand(rest, out);
      }
      case 'lab': {
        const { labCommand } = await import('./node/lab-cli.js');
        return await labCommand(rest, out);
      }
      case '--version':
      case '-v': {
        // package.json is one level up both from dist/cli.js and from src/cli.ts.
        const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
          version: string;
        };
        out.log(pkg.version);
        return 0;
      }
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        out.log(HELP.main!);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(
          `unknown command "${command}": expected train, predict, eval, pack or forecast (see "rnn-predict --help")`,
        );
    }
  } catch (e) {
    const err = e as Error;
    const tfjs = /Cannot find (?:package|module) '(@tensorflow\/[\w-]+)'/.exec(err.message)?.[1];
    if (tfjs) err.message = tfjsMissing(tfjs);
    process.stderr.write(`rnn-predict ${command ?? ''}: ${err.message.split('\n')[0]}\n`);
    if (process.env.RNN_PREDICT_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

const invokedDirectly =
  typeof process !== 'undefined' && process.argv[1] && /(?:cli\.(?:js|ts)|rnn-predict)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
