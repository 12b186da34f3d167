/**
 * Scores a model directory's network alone (no trigram mix) by the evaluation protocol, for
 * the "alone" rows of bench/RESULTS.md:
 *   node --import tsx bench/network-alone.ts models/DIR [--test FILE]
 */
import { loadModelDir } from '../src/node/model-dir.js';
import { WordPredictor } from '../src/inference/model/word-predictor.js';
import { RecurrentNetwork } from '../src/inference/model/recurrent-network.js';
import { evaluate } from '../src/inference/suggest/evaluate.js';
import { defineOptions } from '../src/cli/options.js';
import { DEFAULT_TEST, fail, options, readLines } from './common.js';

const {
  values: o,
  positionals,
  help,
} = options(
  'Usage: node --import tsx bench/network-alone.ts MODEL_DIR [--test FILE]\n\n' +
    "Scores MODEL_DIR's network alone (no trigram mix) by the protocol of docs/evaluation.md,\n" +
    'for the "alone" rows of bench/RESULTS.md; prints one JSON object.',
  defineOptions({ test: { type: 'string', value: 'FILE', default: DEFAULT_TEST, help: 'test sentences' } }),
  { positionals: true },
);
if (positionals.length !== 1)
  fail(`${positionals.length ? `one MODEL_DIR, got ${positionals.length}` : 'MODEL_DIR missing'}\n\n${help}`);
const dir = positionals[0]!;
const m = await loadModelDir(dir);
const test = readLines(o.test, 'test');
const r = evaluate(
  new WordPredictor({ network: new RecurrentNetwork(m.config, m.weights), vocabulary: m.vocabulary }),
  test,
);
process.stdout.write(
  JSON.stringify({
    model: dir,
    alone: true,
    top1: r.top1,
    top3: r.top3,
    ksr: r.ksr,
    perplexity: r.perplexity,
    oov: r.oov,
    words: r.words,
    mix: m.mix,
  }) + '\n',
);
