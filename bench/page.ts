/**
 * Browser figures for `npm run bench:page` (issue 6): page load to first suggestion on a fresh
 * profile and with the model stored, keystroke latency as the page sees it (predictNext is
 * synchronous on the page: no worker round trip), and gzip sizes of what a page loads.
 *
 * Usage: node --import tsx bench/page.ts [--json] [--corpus] [--quick] [--runs N] [--test FILE]
 *        [--page demo] [--against DIR --rounds N] [--root DIR]
 * (default: the shipped model, as createPredictor() gives it; --corpus: the shipped corpus with
 * a network trained in the worker, --quick with small sizes; --page demo: the demo page, as a
 * visitor opens it and types "Hola ").
 * Each load also prints the median time of each step the SDK marks (src/sdk/marks.ts:
 * rnn-predict:evaluated, record-read, downloaded, decoded, network, ready, complete; on the demo
 * page the element's first-suggestion), so that a
 * regression shows which step moved.
 * --against DIR: side by side with another checkout's build (a git worktree of the commit before
 * a change, built there), alternating the two N rounds, each round a run of this bench (with
 * --root DIR for the other); the same host minutes for both, which is all that compares here.
 * Needs a build (npm run build) and Chromium (CHROME_PATH or /usr/bin/chromium).
 */
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Predictor, PredictorInfo as Info } from '../src/index.js';
// @ts-expect-error plain JS module
import { startServer } from '../scripts/serve.js';
import { CHROME_FLAGS } from '../test/browser/helpers.js';
import { defineOptions } from '../src/cli/options.js';
import { DEFAULT_TEST, options } from './common.js';

/** How long a visitor stays on a page before the next visit (a reload), ms. */
const VISIT_GAP_MS = 1500;

/** Test lines typed for keystroke latency, and under --quick. */
const LINES = { full: 500, quick: 50 };

const { values: o } = options(
  'Usage: npm run bench:page -- [options]\n\n' +
    'Page load to first suggestion, on fresh profiles and with the model stored, keystroke\n' +
    'latency as the page sees it, and gzip sizes of what a page loads; the median time of each\n' +
    'step the SDK marks (src/sdk/marks.ts). Default: the shipped model, as createPredictor()\n' +
    'gives it. Needs a build (npm run build) and Chromium (CHROME_PATH or /usr/bin/chromium).',
  defineOptions({
    runs: { type: 'integer', limits: [1], default: 3, help: 'fresh profiles, and reloads of the first' },
    test: { type: 'string', value: 'FILE', default: DEFAULT_TEST, help: 'the lines typed for keystroke latency' },
    corpus: { type: 'boolean', help: 'the shipped corpus with a network trained in the worker, not the shipped model' },
    quick: { type: 'boolean', help: `with --corpus, small sizes; ${LINES.quick} typed lines instead of ${LINES.full}` },
    page: {
      type: 'choice',
      value: 'PAGE',
      choices: ['demo'],
      help: 'demo: the demo page instead, as a visitor opens it and types "Hola "',
    },
    typing: {
      type: 'choice',
      value: 'WHO',
      choices: ['page', 'harness'],
      default: 'page',
      help: 'with --page demo, who types "Hola ": the page itself the moment the field shows (default), or Playwright (focus, then insertText: round trips that wait on the busy page)',
    },
    json: { type: 'boolean', help: 'print one JSON object instead of the tables' },
    against: {
      type: 'string',
      value: 'DIR',
      help: "side by side with DIR's build (another checkout, built): the two alternate --rounds times",
    },
    rounds: { type: 'integer', limits: [1], default: 3, help: 'with --against, rounds of each build' },
    root: {
      type: 'string',
      value: 'DIR',
      help: "serve and size DIR's build instead of this checkout's (--against uses it)",
    },
  }),
);
const { json, quick, runs } = o;
const testFile = o.test;
/** The checkout whose build is served and sized. */
const ROOT = resolve(o.root ?? '.');

function gz(path: string): number {
  return gzipSync(readFileSync(join(ROOT, path)), { level: 9 }).length;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main() {
  if (o.against !== undefined) return sideBySide(o.against);
  if (!existsSync(join(ROOT, 'dist/rnn-predict.bundle.js')))
    throw new Error(`${join(ROOT, 'dist')} is missing: run npm run build there first`);
  const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  const server = await startServer(0, '127.0.0.1', ROOT);
  const origin = `http://localhost:${server.address().port}`;
  const browser = await chromium.launch({ executablePath, args: CHROME_FLAGS, headless: true });
  if (o.page === 'demo') {
    try {
      await demoPage(browser, origin);
    } finally {
      await browser.close();
      server.close();
    }
    return;
  }
  // Default: the shipped model (createPredictor() as a site calls it). --corpus: the shipped
  // corpus, trained on in the worker (--quick: small sizes for that).
  const corpusMode = o.corpus;
  const settings = corpusMode
    ? {
        corpus: '/dist/corpus/es-conversaciones.txt',
        ...(quick ? { hiddenSize: 32, embeddingSize: 16, vocabularySize: 1500, epochs: 1 } : {}),
      }
    : {};
  const lines = existsSync(testFile)
    ? readFileSync(testFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .slice(0, quick ? LINES.quick : LINES.full)
    : ['Hola, ¿cómo se siente hoy?'];

  // The page a site would have: the bundle in a module script, createPredictor(settings), the
  // first suggestion recorded by the page itself (window.firstSuggestion), so no test harness
  // round trip sits between navigation and the SDK.
  const pageUrl = `${origin}/test/fixtures/first-suggestion.html?settings=${encodeURIComponent(JSON.stringify(settings))}`;
  type First = { ms: number; importedMs: number; source: string; marks: Record<string, number>; wholeMs: number };
  type Whole = { ms: number; source: string };
  const firstOf = async (page: Page): Promise<First> => {
    const first = (await page
      .waitForFunction(() => (window as { firstSuggestion?: First }).firstSuggestion, null, {
        timeout: 0,
      })
      .then((h) => h.jsonValue())) as First;
    // The whole model: a stored model's n-gram joins its network after the first suggestion.
    const whole = (await page
      .waitForFunction(() => (window as { wholeModel?: Whole }).wholeModel, null, { timeout: 0 })
      .then((h) => h.jsonValue())) as Whole;
    return { ...first, wholeMs: whole.ms };
  };

  // A visitor's browser is running already: start its processes with a throwaway page first.
  const warm = await browser.newContext();
  await (await warm.newPage()).goto(`${origin}/test/fixtures/blank.html`);
  await warm.close();

  // Fresh profiles: `runs` new contexts (no IndexedDB, no HTTP or code cache), each loading the
  // page once: navigation start → first suggestion. The first one is kept: it waits for the
  // network (with --corpus, trained in the worker) and for the model's store to IndexedDB.
  const freshRuns: First[] = [];
  let page: Page | undefined;
  let fresh: { neuralAfter: number; info: Info } | undefined;
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(pageUrl);
    freshRuns.push(await firstOf(p));
    if (run > 0) {
      await context.close();
      continue;
    }
    page = p;
    fresh = await p.evaluate(async () => {
      const predictor = (window as unknown as { predictor: Predictor }).predictor;
      const t0 = performance.now();
      await predictor.neuralReady;
      const neuralAfter = performance.now() - t0;
      const info = predictor.info();
      // Let the model's store to IndexedDB finish before the reloads.
      await new Promise((r) => setTimeout(r, 1000));
      return { neuralAfter, info };
    });
  }

  // Reloads of the first profile: the model comes from IndexedDB. The last one also types the
  // test lines.
  const storedRuns: First[] = [];
  for (let run = 0; run < runs; run++) {
    await page!.reload();
    storedRuns.push(await firstOf(page!));
    // A visitor stays a moment between visits (as on the demo page): reloading the instant the
    // n-gram has joined measured the read against the page still busy with it.
    await page!.waitForTimeout(VISIT_GAP_MS);
  }
  const stored = await page!.evaluate(
    async ({ lines }) => {
      const p = (window as unknown as { predictor: Predictor }).predictor;
      await p.neuralReady;
      p.predictNext('Hola ', { k: 3 });
      const info = p.info();
      // The stored records' weight bytes: the one read before the first suggestion, and the
      // n-gram's part read after it (storage version 2).
      const recordBytes = await new Promise<{ first: number; part: number }>((resolve) => {
        const none = { first: 0, part: 0 };
        const open = indexedDB.open('rnn-predict');
        open.onsuccess = () => {
          const models = open.result.transaction('models').objectStore('models');
          const first = models.get('model:bench');
          const part = models.get('model:bench#ngram');
          part.onsuccess = () => {
            open.result.close();
            resolve({
              first: first.result?.artifacts?.weightData?.byteLength ?? 0,
              part: part.result?.ngram?.weightData?.byteLength ?? 0,
            });
          };
          part.onerror = () => resolve(none);
        };
        open.onerror = () => resolve(none);
      });
      // Keystroke latency as the page sees it: type each line letter by letter.
      for (let i = 0; i < 20; i++) p.predictNext('Hola, ¿cómo se siente ', { k: 3 });
      const times: number[] = [];
      for (const line of lines) {
        for (let c = 1; c <= line.length; c++) {
          const t = performance.now();
          p.predictNext(line.slice(0, c), { k: 3 });
          times.push(performance.now() - t);
        }
      }
      p.dispose();
      return { info, times, recordBytes };
    },
    { lines },
  );
  await browser.close();
  server.close();

  const sizes = {
    bundle: gz('dist/rnn-predict.bundle.js'),
    worker: gz('dist/worker.js'),
    element: existsSync(join(ROOT, 'dist/element.js')) ? gz('dist/element.js') : undefined,
    corpus: gz('dist/corpus/es-conversaciones.txt'),
    model: gz('dist/models/es/model.json') + gz('dist/models/es/weights.bin'),
  };
  // What a first visit downloads to get neural suggestions: the bundle and the model (no corpus,
  // no worker, no tfjs), or with --corpus the bundle, the corpus, the worker and tfjs's wasm.
  const firstVisitBytes = corpusMode
    ? sizes.bundle + sizes.corpus + sizes.worker + gz('dist/tfjs-backend-wasm-simd.wasm')
    : sizes.bundle + sizes.model;
  const median = (runs: First[], key: 'ms' | 'importedMs' | 'wholeMs') =>
    Math.round(
      percentile(
        runs.map((r) => r[key]),
        50,
      ),
    );
  const result = {
    mode: corpusMode ? 'corpus, trained in the worker' : 'shipped model',
    freshFirstSuggestionMs: median(freshRuns, 'ms'),
    freshFirstSuggestionRunsMs: freshRuns.map((r) => Math.round(r.ms)),
    freshBundleImportedMs: median(freshRuns, 'importedMs'),
    freshFirstSource: freshRuns[0]!.source,
    firstVisitBytes,
    freshNeuralReadyAfterMs: Math.round(fresh!.neuralAfter),
    storedFirstSuggestionMs: median(storedRuns, 'ms'),
    storedWholeModelMs: median(storedRuns, 'wholeMs'),
    storedFirstSource: storedRuns[0]!.source,
    storedFirstSuggestionRunsMs: storedRuns.map((r) => Math.round(r.ms)),
    storedBundleImportedMs: median(storedRuns, 'importedMs'),
    storedRecordBytes: stored.recordBytes,
    storedFrom: stored.info.fromStorage,
    backend: fresh!.info.backend,
    backendReason: fresh!.info.backendReason,
    keystrokes: stored.times.length,
    keystrokeMedianMs: +percentile(stored.times, 50).toFixed(3),
    keystrokeP95Ms: +percentile(stored.times, 95).toFixed(3),
    gzipBytes: sizes,
    settings: quick ? settings : 'defaults',
    freshStepsMs: stepMedians(freshRuns.map((r) => ({ ...r.marks, 'first suggestion': r.ms }))),
    storedStepsMs: stepMedians(storedRuns.map((r) => ({ ...r.marks, 'first suggestion': r.ms }))),
  };
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  const rows: [string, string][] = [
    [
      'first suggestion, fresh profile (navigation → suggestion)',
      `median ${result.freshFirstSuggestionMs} ms (${result.freshFirstSuggestionRunsMs.join(', ')}; answered by ${result.freshFirstSource}; bundle imported at ${result.freshBundleImportedMs} ms)`,
    ],
    corpusMode
      ? [
          'network trained in the worker after',
          `${(result.freshNeuralReadyAfterMs / 1000).toFixed(1)} s on ${result.backend}`,
        ]
      : ['network answering', `from the first suggestion (${result.freshFirstSource}; nothing trains)`],
    [
      'first visit downloads to get neural suggestions (gzip)',
      `${(firstVisitBytes / 1e6).toFixed(2)} MB (${corpusMode ? 'bundle, corpus, worker, tfjs wasm' : 'bundle and model'})`,
    ],
    [
      'first suggestion, model stored',
      `median ${result.storedFirstSuggestionMs} ms (${result.storedFirstSuggestionRunsMs.join(', ')} over ${runs} reloads; answered by ${result.storedFirstSource}; bundle imported at ${result.storedBundleImportedMs} ms)`,
    ],
    ['whole model answering, model stored (its n-gram joined)', `median ${result.storedWholeModelMs} ms`],
    [
      'stored records (weights; n-gram counts, read after the first suggestion)',
      `${(result.storedRecordBytes.first / 1e6).toFixed(2)} MB; ${(result.storedRecordBytes.part / 1e6).toFixed(2)} MB; vocabulary ${stored.info.vocabularySize}, ${stored.info.cell}`,
    ],
    [
      `keystroke latency on the page (${result.keystrokes} keystrokes)`,
      `median ${result.keystrokeMedianMs} ms, p95 ${result.keystrokeP95Ms} ms`,
    ],
    ['gzip: one-file bundle (SDK + element, no tfjs)', `${(sizes.bundle / 1024).toFixed(1)} KB`],
    ['gzip: worker (tfjs + training core)', `${(sizes.worker / 1024).toFixed(1)} KB`],
    ['gzip: shipped corpus', `${(sizes.corpus / 1024).toFixed(1)} KB`],
    ['gzip: shipped model (model.json + weights.bin)', `${(sizes.model / 1e6).toFixed(2)} MB`],
  ];
  if (sizes.element)
    rows.splice(8, 0, [
      'gzip: element alone (dist/element.js, lit and SDK external)',
      `${(sizes.element / 1024).toFixed(1)} KB`,
    ]);
  for (const [k, v] of rows) console.log(`${k.padEnd(62)} ${v}`);
  console.log(`\nsteps, median ms after navigation (fresh profile): ${formatSteps(result.freshStepsMs)}`);
  console.log(`steps, median ms after navigation (model stored):  ${formatSteps(result.storedStepsMs)}`);
  console.log(`\nbackend: ${result.backendReason}`);
}

/** Each step's median over the runs that passed it (a stored load downloads nothing). */
function stepMedians(runs: Record<string, number>[]): Record<string, number> {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  const out: [string, number][] = names.map((n) => [
    n,
    Math.round(
      percentile(
        runs.filter((r) => n in r).map((r) => r[n]!),
        50,
      ),
    ),
  ]);
  return Object.fromEntries(out.sort((a, b) => a[1] - b[1]));
}

const formatSteps = (steps: Record<string, number>) =>
  Object.entries(steps)
    .map(([k, v]) => `${k} ${v}`)
    .join(' → ');

/**
 * The demo page as a visitor meets it: fresh profiles, then reloads with the model stored; in
 * each, "Hola " typed as soon as the field is there, timed to the first suggestion chip (the
 * element's 'first-suggestion' mark, set when the chips are rendered; the harness's own sighting,
 * later by its polling and round trips on a busy page, is printed too); with the SDK's steps and
 * when the model's, the bundle's and the chart module's requests started.
 */
async function demoPage(browser: Browser, origin: string): Promise<void> {
  type Demo = {
    firstChipMs: number;
    seenMs: number;
    typedMs: number;
    steps: Record<string, number>;
    requests: Record<string, number>;
  };
  const byPage = o.typing === 'page';
  const load = async (page: Page, reload: boolean): Promise<Demo> => {
    await (reload ? page.reload({ waitUntil: 'commit' }) : page.goto(`${origin}/`, { waitUntil: 'commit' }));
    if (!byPage) {
      // Typed by Playwright once the field shows: focus, then the text as one input event
      // (fill() would first wait for the field to hold still over several frames). Each step is
      // a round trip that waits for the page's main thread, which a person's keys do not.
      await page.waitForSelector('#message');
      await page.focus('#message');
      await page.keyboard.insertText('Hola ');
    }
    await page.waitForSelector('#predict [role=option]', { timeout: 0 });
    const seenMs = await page.evaluate(() => performance.now());
    // The mark follows the render by a microtask.
    await page.waitForFunction(() => performance.getEntriesByName('rnn-predict:first-suggestion').length > 0);
    const r = await page.evaluate(() => {
      const steps = Object.fromEntries(
        performance
          .getEntriesByType('mark')
          .filter((m) => m.name.startsWith('rnn-predict:'))
          .map((m) => [m.name.slice('rnn-predict:'.length), m.startTime]),
      );
      const requests: Record<string, number> = {};
      for (const r of performance.getEntriesByType('resource')) {
        const name = r.name.includes('rnn-predict.bundle')
          ? 'bundle'
          : r.name.includes('model.json')
            ? 'model.json'
            : r.name.includes('weights.bin')
              ? 'weights.bin'
              : r.name.includes('sales-chart')
                ? 'chart module'
                : undefined;
        if (name && !(name in requests)) requests[name] = r.startTime;
      }
      const typedMs = (window as { typedAt?: number }).typedAt ?? NaN;
      return { steps, requests, typedMs };
    });
    return { firstChipMs: r.steps['first-suggestion']!, seenMs, ...r };
  };
  // The page types itself, from a script that runs before the page's own: "Hola " in the field
  // at the first frame that shows it (as a person's keys, no round trip waits on the busy page), and
  // the time noted (typedAt). With --typing harness it only notes when the first input came.
  const typeOnPage = (typeNow: boolean) => {
    const w = window as { typedAt?: number };
    document.addEventListener('input', () => (w.typedAt ??= performance.now()), true);
    if (!typeNow) return;
    const watch = new MutationObserver(() => {
      const field = document.getElementById('message') as HTMLInputElement | null;
      if (!field) return;
      watch.disconnect();
      // In the frame that first shows it: a person cannot type into a field not yet drawn.
      requestAnimationFrame(() => {
        field.focus();
        field.value = 'Hola ';
        field.setSelectionRange(5, 5);
        field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: 'Hola ' }));
      });
    });
    watch.observe(document, { childList: true, subtree: true });
  };
  const fresh: Demo[] = [];
  let kept: Page | undefined;
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext();
    await context.addInitScript(typeOnPage, byPage);
    const page = await context.newPage();
    fresh.push(await load(page, false));
    if (run === 0) {
      kept = page;
      await page.waitForTimeout(1500); // the model's store to IndexedDB
    } else await context.close();
  }
  const stored: Demo[] = [];
  for (let run = 0; run < runs; run++) {
    stored.push(await load(kept!, true));
    // A visitor stays a moment: what the load started storing (the reply model, once the empty
    // field has offered replies) is stored before the next visit.
    await kept!.waitForTimeout(VISIT_GAP_MS);
  }
  const med = (xs: number[]) => Math.round(percentile(xs, 50));
  const summary = (xs: Demo[]) => ({
    firstChipMs: med(xs.map((x) => x.firstChipMs)),
    firstChipRunsMs: xs.map((x) => Math.round(x.firstChipMs)),
    seenByHarnessMs: med(xs.map((x) => x.seenMs)),
    typedMs: med(xs.map((x) => x.typedMs)),
    stepsMs: stepMedians(xs.map((x) => x.steps)),
    requestStartMs: stepMedians(xs.map((x) => x.requests)),
  });
  const result = { page: 'demo', fresh: summary(fresh), stored: summary(stored) };
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  for (const [label, r] of [
    ['fresh profile', result.fresh],
    ['model stored', result.stored],
  ] as const) {
    console.log(
      `demo page, ${label}: first suggestion chip after "Hola " typed by the ${byPage ? 'page the moment the field shows' : 'harness'} (median at ${r.typedMs} ms), median ${r.firstChipMs} ms (${r.firstChipRunsMs.join(', ')}); seen by the harness at ${r.seenByHarnessMs} ms`,
    );
    console.log(`  requests started (ms): ${formatSteps(r.requestStartMs)}`);
    console.log(`  steps (ms): ${formatSteps(r.stepsMs)}`);
  }
}

/**
 * This checkout's build and DIR's, alternated: each round runs this bench once for each (a child
 * process with --json, the other with --root DIR), this build first in odd rounds and second in
 * even ones; prints the medians of all their runs and the step medians, build by build.
 */
function sideBySide(dir: string): void {
  const other = resolve(dir);
  if (!existsSync(join(other, 'dist/rnn-predict.bundle.js')))
    throw new Error(`--against ${dir}: no build there (${join(other, 'dist')} is missing): run npm run build in it`);
  const skip = new Set(['--against', '--rounds', '--root', '--json']);
  const args: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const [flag] = argv[i]!.split('=');
    if (skip.has(flag!)) {
      if (!argv[i]!.includes('=') && flag !== '--json') i++;
    } else args.push(argv[i]!);
  }
  const builds = [
    { name: 'this build', root: resolve('.'), runs: [] as unknown[] },
    { name: `against ${dir}`, root: other, runs: [] as unknown[] },
  ];
  for (let round = 0; round < o.rounds; round++) {
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const b of order) {
      process.stderr.write(`round ${round + 1}/${o.rounds}: ${b.name}\n`);
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', 'bench/page.ts', ...args, '--json', '--root', b.root],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      b.runs.push(JSON.parse(out.trim().split('\n').at(-1)!));
    }
  }
  type Row = {
    fresh: number[];
    stored: number[];
    freshSteps: Record<string, number>[];
    storedSteps: Record<string, number>[];
  };
  const rows = builds.map((b): Row => {
    const demo = o.page === 'demo';
    const rs = b.runs as Record<string, any>[];
    return {
      fresh: rs.flatMap((r) => (demo ? r.fresh.firstChipRunsMs : r.freshFirstSuggestionRunsMs)),
      stored: rs.flatMap((r) => (demo ? r.stored.firstChipRunsMs : r.storedFirstSuggestionRunsMs)),
      freshSteps: rs.map((r) => (demo ? r.fresh.stepsMs : r.freshStepsMs)),
      storedSteps: rs.map((r) => (demo ? r.stored.stepsMs : r.storedStepsMs)),
    };
  });
  const spread = (xs: number[]) =>
    `median ${Math.round(percentile(xs, 50))} ms (${Math.min(...xs)}–${Math.max(...xs)}, ${xs.length} runs)`;
  const what = o.page === 'demo' ? 'demo page, first suggestion chip' : 'first suggestion';
  console.log(`${what}, ${o.rounds} rounds alternated:`);
  builds.forEach((b, i) => {
    console.log(`  ${b.name}: fresh ${spread(rows[i]!.fresh)}; stored ${spread(rows[i]!.stored)}`);
  });
  builds.forEach((b, i) => {
    console.log(`steps, ${b.name} (medians of the rounds' medians, ms):`);
    console.log(`  fresh:  ${formatSteps(stepMedians(rows[i]!.freshSteps))}`);
    console.log(`  stored: ${formatSteps(stepMedians(rows[i]!.storedSteps))}`);
  });
}

main().catch((e) => {
  console.error(`bench/page: ${(e as Error).message}`);
  process.exit(1);
});
