/**
 * `rnn-predict pack`: makes a model directory smaller to ship (int8 or float16 weights, fewer
 * network words, a pruned trigram, a 4-gram layer), sets its mix and tags a release.
 */
import { KneserNeyTrigram } from '../inference/model/ngram.js';
import { DEFAULT_REGISTER, truncateVocabulary } from '../inference/format/artifacts.js';
import { SIZE_LIMITS } from '../inference/model/model-config.js';
import { checkInteger, WEIGHT } from '../base/checks.js';
import { checkedFlag } from '../node/cli-args.js';
import { loadModelDir, saveModelDir } from '../node/model-dir.js';
import { defineOptions, usage } from './options.js';
import { corpusWords, parse, UsageError, type Output } from './common.js';

/** The most a count option of pack takes (--prune, --prune-contexts, --fourgrams). */
const MAX_COUNT = 1_000_000;

export const PACK_OPTIONS = defineOptions({
  model: { type: 'string', value: 'DIR', help: 'a model directory written by "rnn-predict train" (required)' },
  out: { type: 'string', value: 'DIR', help: 'where to write the packed model directory (required)' },
  int8: { type: 'boolean', help: 'store matrices as per-row int8 (a quarter of float32), vectors as float16' },
  float16: { type: 'boolean', help: 'store every weight as float16 (half of float32)' },
  vocab: {
    type: 'integer',
    limits: [SIZE_LIMITS.vocabSize[0]],
    help: "keep the network's N most frequent words (rarer ones are left to the n-gram model, which keeps every word)",
  },
  prune: {
    type: 'integer',
    limits: [1, MAX_COUNT],
    help: 'drop trigram types seen fewer than N times (lower orders kept exact)',
  },
  'prune-contexts': {
    type: 'integer',
    value: 'C',
    limits: [1, MAX_COUNT],
    help: 'with --prune: only those whose context (two words) was seen at most C times (contexts seen once are seldom met again)',
  },
  'prune-approx': {
    type: 'boolean',
    help: "with --prune: count the lower orders on the kept types (no bigram table to store: smaller, but not the full counts' lower orders)",
  },
  'prune-corpus': {
    type: 'string',
    value: 'FILE',
    multiple: true,
    help: 'with --recount and --prune: more text the trigram (not the 4-gram layer) is counted on, whose rare types go; every type in the --corpus files stays (repeat for several files)',
  },
  fourgrams: {
    type: 'integer',
    limits: [1, MAX_COUNT],
    help: 'add a 4-gram layer of the 4-grams seen at least N times in --corpus',
  },
  recount: { type: 'boolean', help: 'count the trigram again on --corpus' },
  corpus: {
    type: 'string',
    value: 'FILE',
    multiple: true,
    help: 'the text the 4-grams (and with --recount the trigram) are counted on (repeat for several files)',
  },
  mix: {
    type: 'number',
    rule: WEIGHT,
    help: "the network's weight in the mix with the trigram, 0–1 (default: the model's own, chosen on its validation split when it was trained)",
  },
  'mix-chat': {
    type: 'number',
    rule: WEIGHT,
    help: "with --mix-formal X: the network's weight for each register (createPredictor's register option; eval --register), both together, instead of --mix",
  },
  'mix-formal': { type: 'number', rule: WEIGHT, help: 'with --mix-chat X (see there)' },
  release: {
    type: 'string',
    value: 'ID@VER',
    help: 'tag the model as a published one (e.g. es-default@1), so a stored copy can be recognised and upgraded by the SDK',
  },
});

export const PACK_HELP = usage('Usage: rnn-predict pack --model DIR --out DIR [options]', PACK_OPTIONS);

export async function pack(argv: string[], out: Output): Promise<number> {
  const parsed = parse(argv, PACK_OPTIONS, 'pack');
  if (parsed.help) return (out.log(PACK_HELP), 0);
  const { values } = parsed;
  if (!values.model) throw new UsageError('pack needs --model DIR (see "rnn-predict pack --help")');
  if (!values.out) throw new UsageError('pack needs --out DIR (see "rnn-predict pack --help")');
  let release: { id: string; version: number } | undefined;
  if (values.release !== undefined) {
    const m = /^([a-z0-9][a-z0-9._-]*)@([0-9]+)$/i.exec(values.release);
    if (!m) throw new UsageError(`--release must look like NAME@VERSION (e.g. es-default@1), got "${values.release}"`);
    release = { id: m[1]!, version: Number(m[2]) };
  }
  // Every number is checked (by parse) before any file is read.
  const { prune, fourgrams, mix, recount, corpus: corpora } = values;
  const pruneContexts = values['prune-contexts'];
  const chat = values['mix-chat'];
  const formal = values['mix-formal'];
  if ((chat === undefined) !== (formal === undefined) || (chat !== undefined && mix !== undefined))
    throw new UsageError('--mix-chat X and --mix-formal X go together, instead of --mix');
  if ((fourgrams === undefined && !recount) !== (corpora.length === 0))
    throw new UsageError(
      '--corpus FILE goes with --fourgrams N or --recount (and they with it): the n-grams are counted on the corpus',
    );
  const pruneCorpora = values['prune-corpus'];
  if ((pruneContexts !== undefined || values['prune-approx']) && prune === undefined)
    throw new UsageError('--prune-contexts C and --prune-approx need --prune N: they say how the rare types go');
  if (pruneCorpora.length > 0 && (!recount || prune === undefined))
    throw new UsageError(
      '--prune-corpus FILE needs --recount and --prune N: its rare types go, the --corpus types stay',
    );
  let model = await loadModelDir(values.model);
  // The upper end is the model's own vocabulary, known once it is read.
  const vocab = checkedFlag(values.vocab, 'vocab', (v, n) =>
    checkInteger(v, n, SIZE_LIMITS.vocabSize[0], model.config.vocabSize),
  );
  if (vocab !== undefined) model = truncateVocabulary(model, vocab);
  const lines = corpusWords(corpora);
  const extra = corpusWords(pruneCorpora);
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
  const bytes = await saveModelDir(model, values.out, { int8: values.int8, float16: values.float16 });
  out.log(
    `wrote ${values.out} (${(bytes / 1e6).toFixed(2)} MB weights and counts; network vocabulary ${model.config.vocabSize}${release ? `; release ${release.id}@${release.version}` : ''})`,
  );
  return 0;
}
