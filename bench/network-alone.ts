/**
 * Scores a model directory's network alone (no trigram mix) by the evaluation protocol, for
 * the "alone" rows of bench/RESULTS.md:
 *   node --import tsx bench/network-alone.ts models/DIR [--test FILE]
 */
import { loadModelDir } from '../src/node/model-dir.js';
import { WordPredictor } from '../src/inference/model/word-predictor.js';
import { RecurrentNetwork } from '../src/inference/model/recurrent-network.js';
import { evaluate } from '../src/inference/suggest/evaluate.js';
import { DEFAULT_TEST, fail, readLines } from './common.js';

const [dir, flag, file] = process.argv.slice(2);
if (!dir || (flag !== undefined && flag !== '--test'))
  fail('Usage: node --import tsx bench/network-alone.ts MODEL_DIR [--test FILE]');
const m = await loadModelDir(dir);
const test = readLines(file ?? DEFAULT_TEST, 'test');
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
