/**
 * The cost of `learn()` (issue 16): the SDK's predictor as a page gets it by default (the
 * shipped model, models/es; `--corpus` for a predictor on the shipped corpus instead), fed
 * messages from a test file; the time of each learn() call (the counts updated in place),
 * against a full rebuild of the trigram as learn() did before. The first call builds the page's
 * trigram from the model's counts (once per page): reported apart. Node, no browser: the same
 * code runs on the page. CPU time of this process (so other load on the machine does not count).
 *
 * Usage: npm run bench:learn -- [--messages N] [--test FILE] [--corpus] [--json]
 */
import { readFileSync } from 'node:fs';
import { createPredictor } from '../src/sdk/create-predictor.js';
import { KneserNeyTrigram } from '../src/inference/ngram.js';
import { modelWords } from '../src/text/tokenize.js';
import { learnedLines } from '../src/inference/learning.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const n = Number(opt('--messages', '300'));
const test = opt('--test', '../shared/corpus/tatoeba-es.dev.txt');
const corpus = readFileSync(new URL('../corpus/es-conversaciones.txt', import.meta.url), 'utf8');
const messages = readFileSync(test, 'utf8').split('\n').filter(Boolean).slice(0, n);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const fromCorpus = args.includes('--corpus');
// From the sources, the shipped model is read where the build copies it from (models/es).
const shipped = new URL('../models/es/', import.meta.url);
const p = createPredictor({ ...(fromCorpus ? { corpus } : { model: shipped }), persist: false, autoTrain: false });
await p.ready;
const times: number[] = [];
const t0 = cpu();
await p.learn(messages[0]!);
const firstMs = cpu() - t0;
for (const m of messages.slice(1)) {
  const t = cpu();
  await p.learn(m);
  times.push(cpu() - t);
  p.predictNext(m.split(' ').slice(0, 2).join(' ') + ' ');
}
p.dispose();
const lines = (
  fromCorpus ? corpus : readFileSync(new URL('../corpus/tatoeba-es.train.txt', import.meta.url), 'utf8') + '\n' + corpus
)
  .split('\n')
  .filter(Boolean)
  .map(modelWords);
const t = cpu();
KneserNeyTrigram.train([...lines, ...learnedLines(messages)]);
const rebuild = cpu() - t;
const sorted = [...times].sort((a, b) => a - b);
const q = (x: number) => sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))]!;
const what = fromCorpus ? 'a predictor on the shipped corpus' : 'the shipped model';
const result = {
  model: what,
  messages: times.length,
  firstMs,
  medianMs: q(0.5),
  p95Ms: q(0.95),
  maxMs: q(1),
  rebuildMs: rebuild,
};
if (args.includes('--json')) console.log(JSON.stringify(result));
else
  console.log(
    `learn() with ${what}, ${times.length} messages after the first: median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${q(1).toFixed(1)} ms CPU; the first (builds the page's trigram once) ${firstMs.toFixed(0)} ms; a full rebuild ${rebuild.toFixed(0)} ms`,
  );
