/**
 * `rnn-predict predict`: the next words for a text, best first, from a model directory or the
 * model shipped with the package.
 */
import { typingContext } from '../text/tokenize.js';
import { predictorOf } from '../inference/format/artifacts.js';
import { COMPLETION_ORDERS } from '../inference/model/savings-order.js';
import { CONTINUE_DEFAULTS, PHRASE_METHODS, PREDICT_LIMITS } from '../inference/model/phrases.js';
import { loadModelDir } from '../node/model-dir.js';
import { defineOptions, usage } from './options.js';
import { parse, shippedModelDir, UsageError, type Output } from './common.js';

export const PREDICT_OPTIONS = defineOptions({
  model: {
    type: 'string',
    value: 'DIR',
    help: 'a model directory written by "rnn-predict train" or "pack" (default: the Spanish model shipped with the package)',
  },
  k: {
    type: 'integer',
    limits: PREDICT_LIMITS.k,
    default: PREDICT_LIMITS.kDefault,
    help: 'how many suggestions, {limits}',
  },
  next: {
    type: 'boolean',
    help: 'the next word even when TEXT ends inside a word (as if it ended with a space)',
  },
  'completion-order': {
    type: 'choice',
    value: 'probability|savings',
    choices: COMPLETION_ORDERS,
    default: 'probability',
    help: 'completions most probable first ({default}) or by the typing each saves, as <rnn-predict> shows them',
  },
  words: {
    type: 'integer',
    limits: PREDICT_LIMITS.words,
    help: "also continue N words ahead ({limits}), with each step's probability",
  },
  method: {
    type: 'choice',
    value: 'M',
    choices: PHRASE_METHODS,
    help: "recursive (each word fed back, beam search; default) | direct (a seq2seq model's decoder)",
  },
  json: {
    type: 'boolean',
    help: 'print JSON: an array of {word, probability}; with --words, {suggestions, continuations}',
  },
});

export const PREDICT_HELP = usage(
  `Usage: rnn-predict predict [--model DIR] [--k 3] [--next] [--json] [--words N [--method M]] TEXT

Suggests what comes next in TEXT, best first: the completions of its last word when TEXT ends
inside a word ("Hola cómo se siente" completes "siente"), else the next word.`,
  PREDICT_OPTIONS,
  '',
  { column: 16 },
);

export async function predict(argv: string[], out: Output): Promise<number> {
  const parsed = parse(argv, PREDICT_OPTIONS, 'predict');
  if (parsed.help) return (out.log(PREDICT_HELP), 0);
  const { values, positionals } = parsed;
  if (positionals.length === 0)
    throw new UsageError('predict needs the TEXT to continue, e.g. rnn-predict predict "Hola cómo se "');
  const { k, words, method } = values;
  if (method && !words) throw new UsageError('--method needs --words N');
  const completionOrder = values['completion-order'];
  const predictor = predictorOf(await loadModelDir(values.model ?? shippedModelDir()), { completionOrder });
  let text = positionals.join(' ');
  if (values.next && !/\s$/u.test(text)) text += ' ';
  const suggestions = predictor.predictNext(text, { k });
  const continuations = () =>
    predictor.continue(text, {
      words,
      k: Math.min(k, CONTINUE_DEFAULTS.beam),
      beam: CONTINUE_DEFAULTS.beam,
      method,
    });
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
