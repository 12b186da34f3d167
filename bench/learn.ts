/**
 * The cost of `learn()` (issue 16): the SDK's predictor on the shipped corpus, fed messages
 * from a test file; the time of each learn() call (the counts updated in place), against a
 * full rebuild of the trigram as learn() did before. Node, no browser: the same code runs on
 * the page. CPU time of this process (so other load on the machine does not count).
 *
 * Usage: node --import tsx bench/learn.ts [--messages N] [--test FILE] [--json]
 */
import { readFileSync } from 'node:fs';
import { createPredictor } from '../src/sdk/create-predictor.js';
import { KneserNeyTrigram } from '../src/inference/ngram.js';
import { evalWords } from '../src/text/tokenize.js';

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
const p = createPredictor({ corpus, persist: false, autoTrain: false });
await p.ready;
const times: number[] = [];
for (const m of messages) {
  const t = cpu();
  await p.learn(m);
  times.push(cpu() - t);
  p.predictNext(m.split(' ').slice(0, 2).join(' ') + ' ');
}
p.dispose();
const lines = corpus.split('\n').filter(Boolean).map(evalWords);
const t = cpu();
KneserNeyTrigram.train([...lines, ...messages.flatMap((m) => [evalWords(m), evalWords(m), evalWords(m)])]);
const rebuild = cpu() - t;
const sorted = [...times].sort((a, b) => a - b);
const q = (x: number) => sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))]!;
const result = { messages: times.length, medianMs: q(0.5), p95Ms: q(0.95), maxMs: q(1), rebuildMs: rebuild };
if (args.includes('--json')) console.log(JSON.stringify(result));
else
  console.log(
    `learn() on the shipped corpus, ${times.length} messages: median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${q(1).toFixed(1)} ms CPU; a full rebuild ${rebuild.toFixed(0)} ms`,
  );
