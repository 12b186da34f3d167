/**
 * The cost of `learn()` (issue 16): the SDK's predictor as a page gets it by default (the
 * shipped model, models/es; `--corpus` for a predictor on the shipped corpus instead), fed
 * messages from a test file; the time of each learn() call (the counts updated in place),
 * against a full rebuild of the trigram as learn() did before. The first call builds the page's
 * trigram from the model's counts (once per page): reported apart. Node, no browser: the same
 * code runs on the page. CPU time of this process (so other load on the machine does not count).
 *
 * `--browser`: the same in Chromium, as a page gets it (the bundle, createPredictor() with the
 * shipped model, stored in IndexedDB): each learn() timed with performance.now() around the
 * awaited call (its record written), with none stored and with the cap (2,000) stored, so the
 * figure shows whether the cost grows with the count. Needs a build (npm run build).
 *
 * Usage: npm run bench:learn -- [--messages N] [--test FILE] [--corpus] [--browser] [--json]
 */
import { readFileSync } from 'node:fs';
import { createPredictor } from '../src/sdk/create-predictor.js';
import { KneserNeyTrigram } from '../src/inference/model/ngram.js';
import { modelWords } from '../src/text/tokenize.js';
import { learnedLines } from '../src/inference/model/learning.js';
import { MAX_LEARNED_MESSAGES } from '../src/storage/learned-log.js';
import type { Predictor } from '../src/index.js';
import { defineOptions } from '../src/cli/options.js';
import { DEFAULT_TEST, options } from './common.js';

/** Messages timed by default: in Node, and in Chromium (each twice: none stored, the cap stored). */
const MESSAGES = { node: 300, browser: 200 };

const { values: o } = options(
  'Usage: npm run bench:learn -- [options]\n\n' +
    "The time of each learn() call of the SDK's predictor (the shipped model, or --corpus a\n" +
    'predictor on the shipped corpus) fed messages from a test file, against a full rebuild of\n' +
    'the trigram; CPU time of this process. --browser: the same in Chromium, as a page gets it\n' +
    '(needs npm run build).',
  defineOptions({
    messages: {
      type: 'integer',
      limits: [2],
      shown: `${MESSAGES.node}; --browser ${MESSAGES.browser}`,
      help: 'messages to learn and time (default {default}); the first builds the trigram and is reported apart',
    },
    test: {
      type: 'string',
      value: 'FILE',
      default: DEFAULT_TEST,
      help: "the messages (default {default}; --browser: the repository's chat held-out split when it is missing)",
    },
    corpus: { type: 'boolean', help: 'a predictor on the shipped corpus instead of the shipped model' },
    browser: {
      type: 'boolean',
      help: `in Chromium, with none stored and with the cap (${MAX_LEARNED_MESSAGES.toLocaleString('en')}) stored`,
    },
    json: { type: 'boolean', help: 'print one JSON object instead of the line' },
  }),
);
const test = o.test;
if (o.browser) {
  await browserRow();
  process.exit(0);
}
const n = o.messages ?? MESSAGES.node;
const corpus = readFileSync(new URL('../corpus/es-conversaciones.txt', import.meta.url), 'utf8');
const messages = readFileSync(test, 'utf8').split('\n').filter(Boolean).slice(0, n);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const fromCorpus = o.corpus;
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
if (o.json) console.log(JSON.stringify(result));
else
  console.log(
    `learn() with ${what}, ${times.length} messages after the first: median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${q(1).toFixed(1)} ms CPU; the first (builds the page's trigram once) ${firstMs.toFixed(0)} ms; a full rebuild ${rebuild.toFixed(0)} ms`,
  );

/** learn() in Chromium: `--messages` (default MESSAGES.browser) timed with none stored, then the store filled
 * to the cap and as many timed again (each one now trims the oldest). */
async function browserRow(): Promise<void> {
  const { existsSync } = await import('node:fs');
  const { chromium } = await import('playwright-core');
  // @ts-expect-error plain JS module
  const { startServer } = await import('../scripts/serve.js');
  const { CHROME_FLAGS } = await import('../test/browser/helpers.js');
  if (!existsSync('dist/rnn-predict.bundle.js')) throw new Error('dist/ is missing: run npm run build first');
  const timed = o.messages ?? MESSAGES.browser;
  // Messages to learn: the dev split where ../shared is there, else the repository's chat
  // held-out split; repeated with a number when there are fewer than needed.
  const file = existsSync(test) ? test : new URL('../corpus/es-chat.heldout.txt', import.meta.url);
  const pool = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const need = MAX_LEARNED_MESSAGES + 2 * timed;
  const msgs = Array.from({ length: need }, (_, i) => pool[i % pool.length]! + (i >= pool.length ? ` ${i}` : ''));
  const server = await startServer(0);
  const origin = `http://localhost:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: CHROME_FLAGS,
    headless: true,
  });
  try {
    const page = await (await browser.newContext()).newPage();
    // tsx may wrap the named functions of the evaluated callback in __name().
    await page.addInitScript('window.__name = (f) => f;');
    await page.goto(`${origin}/test/fixtures/blank.html`);
    const cdp = await page.context().newCDPSession(page);
    // Task durations in the main thread's CPU time (other processes on the machine do not
    // count), less the time DevTools spent running this script's commands.
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const taskMs = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const v = (name: string) => metrics.find((m) => m.name === name)!.value * 1000;
      return v('TaskDuration') - v('DevToolsCommandDuration');
    };
    type Bench = { p: Predictor; learnOne(text: string): Promise<number> };
    await page.evaluate(async () => {
      const m = await import('/dist/rnn-predict.bundle.js' as string);
      const p = m.createPredictor({ name: 'bench-learn', autoTrain: false });
      await p.ready;
      // The wall time of the awaited call: until its record is committed.
      (window as unknown as { bench: Bench }).bench = {
        p,
        async learnOne(text: string) {
          const t = performance.now();
          await p.learn(text);
          return performance.now() - t;
        },
      };
    });
    // Each message: the wall time until stored, and the main thread's busy time for it (the
    // main thread's CPU time in tasks, Chromium's TaskDuration metric, around the call: what the page pays).
    const time = async (list: string[]) => {
      const wall: number[] = [];
      const main: number[] = [];
      for (const text of list) {
        const t0 = await taskMs();
        wall.push(await page.evaluate((t) => (window as unknown as { bench: Bench }).bench.learnOne(t), text));
        main.push((await taskMs()) - t0);
        // The person types on: a suggestion between messages (not timed).
        await page.evaluate(
          (t) => (window as unknown as { bench: Bench }).bench.p.predictNext(t.split(' ').slice(0, 2).join(' ') + ' '),
          text,
        );
      }
      return { wall, main };
    };
    const count = () => page.evaluate(() => (window as unknown as { bench: Bench }).bench.p.learned().messages.length);
    const cap = MAX_LEARNED_MESSAGES;
    const empty = await time(msgs.slice(0, timed));
    // Fill to the cap (untimed), then time as many more: the store holds the cap throughout.
    await page.evaluate(
      async (rest) => {
        for (const t of rest) await (window as unknown as { bench: Bench }).bench.p.learn(t);
      },
      msgs.slice(timed, cap),
    );
    const stored = await count();
    const full = await time(msgs.slice(cap, cap + timed));
    const r = { empty, full, stored, after: await count() };
    await page.evaluate(async () => {
      const { p } = (window as unknown as { bench: Bench }).bench;
      await p.delete();
      p.dispose();
    });
    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const at = (x: number) => s[Math.min(s.length - 1, Math.floor(x * s.length))]!;
      return { medianMs: at(0.5), p95Ms: at(0.95), maxMs: at(1) };
    };
    const result = {
      browser: 'chromium',
      messages: timed,
      none: { wall: stats(r.empty.wall.slice(1)), mainThread: stats(r.empty.main.slice(1)) },
      full: { stored: r.stored, wall: stats(r.full.wall), mainThread: stats(r.full.main) },
      learnedAfter: r.after,
    };
    if (o.json) console.log(JSON.stringify(result));
    else {
      const f = (x: { medianMs: number; p95Ms: number; maxMs: number }) =>
        `median ${x.medianMs.toFixed(2)}, p95 ${x.p95Ms.toFixed(2)}, max ${x.maxMs.toFixed(1)} ms`;
      console.log(
        `learn() in Chromium (the shipped model, learned messages in IndexedDB), ${timed} messages each:\n` +
          `  none stored:   main thread ${f(result.none.mainThread)}; until stored ${f(result.none.wall)}\n` +
          `  ${r.stored} stored: main thread ${f(result.full.mainThread)}; until stored ${f(result.full.wall)}\n` +
          `  (at the cap each message trims the oldest; ${r.after} kept)`,
      );
    }
  } finally {
    await browser.close();
    server.close();
  }
}
