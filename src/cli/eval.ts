/**
 * `rnn-predict eval`: scores a model directory as the SDK serves it, or the Kneser-Ney trigram,
 * on test lines (top-1, top-3, KSR, perplexity, OOV; with --phrases, --adapt, --typos more);
 * `eval --replies` scores reply suggestions instead (src/cli/eval-replies.ts).
 */
import { modelWords, typingContext } from '../text/tokenize.js';
import { KneserNeyTrigram, NGRAM_HISTORY } from '../inference/model/ngram.js';
import { WordPredictor, PHRASE_DEFAULTS, phraseLength } from '../inference/model/word-predictor.js';
import { PHRASE_METHODS, PREDICT_LIMITS } from '../inference/model/phrases.js';
import { evaluate, evaluatePhrases, evaluateAdaptation, type EvaluationResult } from '../inference/suggest/evaluate.js';
import { learnInto } from '../inference/model/learning.js';
import { checkCompletionOrder, COMPLETION_ORDERS } from '../inference/model/savings-order.js';
import { REPLY_PRUNE } from '../inference/suggest/replies.js';
import { DEFAULT_REGISTER, predictorOf, REGISTERS } from '../inference/format/artifacts.js';
import { checkNumber, WEIGHT } from '../base/checks.js';
import { loadModelDir } from '../node/model-dir.js';
import { checkedFlag } from '../node/cli-args.js';
import { pct, readLines } from '../node/text-io.js';
import { defineOptions, usage } from './options.js';
import { parse, UsageError, type Output } from './common.js';
import { evalReplies, REPLY_METHODS } from './eval-replies.js';

export const EVAL_OPTIONS = defineOptions({
  model: { type: 'string', value: 'DIR', help: 'score a model directory as the SDK serves it (with its n-gram mix)' },
  baseline: { type: 'string', value: 'kn3', help: 'score the Kneser-Ney trigram trained on --train' },
  train: {
    type: 'string',
    value: 'FILE',
    help: 'training corpus (required with --baseline; with --replies the training pairs of tfidf)',
  },
  test: { type: 'string', value: 'FILE', help: 'test sentences, one per line (required)' },
  'max-lines': { type: 'integer', limits: [1], help: 'use only the first N test lines (or pairs)' },
  'no-ksr': {
    type: 'boolean',
    help: 'skip keystroke savings (faster). KSR is printed twice: with plain ranked lists (docs/evaluation.md; JSON: ksr) and with the words shown and passed over for a word offered last and none in an empty field, as <rnn-predict> offers them (JSON: ksrPassedOverLast)',
  },
  'completion-order': {
    type: 'choice',
    value: 'savings|probability',
    choices: COMPLETION_ORDERS,
    // The predictor's own default, not applied here: the model's or the predictor's choice.
    shown: checkCompletionOrder(undefined),
    help: 'how the completions of a partly typed word are ordered (default {default}: by the typing each is expected to save, as the SDK and the element offer them; probability: most probable first); the next word is always by probability, so top-1 and top-3 do not change',
  },
  register: {
    type: 'choice',
    value: 'R',
    choices: REGISTERS,
    default: DEFAULT_REGISTER,
    help: "{choices} (default {default}): the model's mix for that kind of text, where it has one per register (pack --mix-chat, --mix-formal)",
  },
  adapt: {
    type: 'boolean',
    help: "score learning on a stream: --test in its order, the second half scored before and after learning the first, each line then learned as the page's learn() does (JSON: ksrBefore, ksrAfter, top1Before, top1After); with --replies: the second half of the pairs scored before and after learning the replies of the first (JSON: adapt.replyRecall3Before/After)",
  },
  typos: {
    type: 'number',
    value: 'RATE',
    rule: [(x) => x > 0 && x < 1, 'a share of letters in (0, 1)'],
    help: 'KSR by a typist who mistypes this share of letters (e.g. 0.08; a neighbouring key, a forgotten accent, a letter left out or one extra), with and without typo-tolerant completion (JSON: ksrTypos, ksrTyposOff)',
  },
  phrases: {
    type: 'boolean',
    help: 'also score phrase suggestions with the phrase typist (docs/quality.md, "Phrases: two ways compared"): KSR with phrases, phrase precision, words per accepted phrase, phrases shown',
  },
  'phrase-threshold': {
    type: 'string',
    value: 'LIST',
    default: String(PHRASE_DEFAULTS.threshold),
    help: 'phrase confidence threshold(s), comma-separated, each scored on the same phrases (default {default}); the first fills the top-level fields',
  },
  method: {
    type: 'choice',
    value: 'M',
    choices: PHRASE_METHODS,
    default: PHRASE_DEFAULTS.method,
    help: "phrases by {choices} (default {default}; direct: a seq2seq model's decoder)",
  },
  beam: {
    type: 'integer',
    limits: PREDICT_LIMITS.beam,
    default: PHRASE_DEFAULTS.beam,
    help: 'beam width of recursive phrases',
  },
  replies: {
    type: 'string',
    value: 'FILE',
    help: 'score reply suggestions on held-out message<TAB>reply pairs instead (JSON: replyRecall3, replyMrr, replyDistinct, replyOffered; docs/quality.md, "Replies: three ways compared")',
  },
  'reply-method': {
    type: 'choice',
    value: 'M',
    choices: REPLY_METHODS,
    default: 'rank',
    help: 'rank ({default}: the model ranks its reply list) | beam (free decoding) | tfidf (the reply of the nearest --train message, no network) | all',
  },
  'reply-prune': {
    type: 'integer',
    limits: [1],
    default: REPLY_PRUNE,
    help: 'rank: replies scored in full per message, those with the best first word (default {default}; the whole list scores every reply)',
  },
  json: {
    type: 'boolean',
    help: 'print one JSON object {top1, top3, ksr, perplexity, oov, words} (fractions 0–1); with --phrases also {ksrWithPhrases, phrasePrecision, wordsPerPhrase, phrasesShown, phrases: [one per threshold]}',
  },
});

export const EVAL_HELP = usage(
  `Usage: rnn-predict eval (--model DIR | --baseline kn3) [--train FILE] --test FILE [--json]
       rnn-predict eval --replies FILE [--model DIR] [--train FILE] [--reply-method M] [--json]`,
  EVAL_OPTIONS,
  '',
  { column: 19 },
);

export async function evalCommand(argv: string[], out: Output): Promise<number> {
  const parsed = parse(argv, EVAL_OPTIONS, 'eval');
  if (parsed.help) return (out.log(EVAL_HELP), 0);
  const { values, given } = parsed;
  if (values.replies) return evalReplies(values, out);
  if (given.has('reply-method')) throw new UsageError('--reply-method needs --replies FILE');
  if (!values.model === !values.baseline)
    throw new UsageError('eval needs exactly one of --model DIR or --baseline kn3');
  if (values.baseline && values.baseline !== 'kn3')
    throw new UsageError(`--baseline must be kn3, got "${values.baseline}"`);
  if (!values.test) throw new UsageError('eval needs --test FILE');
  if (values.baseline && !values.train) throw new UsageError('eval --baseline kn3 needs --train FILE');
  const test = readLines(values.test, values['max-lines']);
  const started = Date.now();
  const completionOrder = values['completion-order'];
  const register = values.register;
  let scorer: WordPredictor;
  if (values.model) {
    scorer = predictorOf(await loadModelDir(values.model), { completionOrder, register });
  } else {
    const train = readLines(values.train!);
    scorer = new WordPredictor({ ngram: KneserNeyTrigram.train(train.map(modelWords)), completionOrder });
  }
  if (values.adapt) return evalAdaptation(scorer, test, values.json, out, started);
  if (values.typos !== undefined) return evalTypos(scorer, test, values.typos, values.json, out, started);
  const { method, beam } = values;
  const thresholds = values['phrase-threshold']
    .split(',')
    .map((t) => checkedFlag(t, 'phrase-threshold', (x, name) => checkNumber(x, name, ...WEIGHT))!);
  if (!values.phrases && (given.has('phrase-threshold') || given.has('method') || given.has('beam')))
    throw new UsageError('--phrase-threshold, --method and --beam need --phrases');
  const r: EvaluationResult = evaluate(scorer, test, {
    skipKsr: values['no-ksr'] || values.phrases,
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
function evalTypos(scorer: WordPredictor, test: string[], typos: number, json: boolean, out: Output, started: number) {
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
