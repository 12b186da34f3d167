// The lab page: SimpleRNN, LSTM and GRU trained side by side in a worker, live loss/accuracy
// curves and the gradient reaching each input of a window (vanishing gradients), clipping by
// norm, by value and off, and an explosion without clipping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { axeViolations, startBrowser } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

type Charts = Record<
  'loss' | 'accuracy' | 'norm' | 'steps',
  { data: { datasets: { label: string; data: { x: number; y: number }[] }[] } }
>;
const counts = (page: Page) =>
  page.evaluate(() => {
    const c = (window as unknown as { __labCharts: Charts }).__labCharts;
    return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.data.datasets.map((d) => d.data.length)]));
  });

test('the lab trains the three cells in a worker and plots loss, accuracy and the gradient per time step', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1200, height: 1400 } });
  const errors: string[] = [];
  const workers: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto(`${env.origin}/widget/lab/index.html`);
  await page.waitForSelector('body[data-state="idle"]');
  await page.selectOption('select[name=epochs]', '2');
  await page.click('#start');
  await page.waitForFunction(
    () => {
      const c = (window as unknown as { __labCharts?: Charts }).__labCharts;
      return (
        c &&
        c.loss.data.datasets.every((d) => d.data.length >= 6) &&
        c.steps.data.datasets.slice(0, 3).every((d) => d.data.length === 20)
      );
    },
    undefined,
    { timeout: 120_000 },
  );
  assert.ok(
    workers.some((u) => u.endsWith('/dist/widget/lab-worker.js')),
    `a lab worker runs: ${workers}`,
  );
  assert.equal(await page.evaluate(() => 'tf' in window), false, 'no tfjs on the page');
  const n = await counts(page);
  assert.deepEqual(
    n.accuracy!.slice(0, 3).map((x) => x >= 6),
    [true, true, true],
  );
  assert.deepEqual(
    n.norm!.slice(0, 3).map((x) => x >= 6),
    [true, true, true],
  );
  // Clipping is on: the threshold is drawn beside the norms.
  assert.ok(n.norm![3]! >= 6);
  // Vanishing, once trained: far less gradient reaches x₁ than x_T, and least in the SimpleRNN;
  // the summary row says so beside the text that says the gated cells keep the gradient.
  await page.waitForSelector('body[data-state="done"]', { timeout: 180_000 });
  const ratios = await page.evaluate(() =>
    Object.fromEntries(
      ['rnn', 'lstm', 'gru'].map((c) => [c, Number(document.getElementById(`sum-${c}-ratio`)!.dataset.value)]),
    ),
  );
  assert.ok(ratios.rnn! > 0 && ratios.rnn! < 0.01, `SimpleRNN h1/hT ${JSON.stringify(ratios)}`);
  assert.ok(
    ratios.lstm! > ratios.rnn! && ratios.gru! > ratios.rnn!,
    `the gated cells keep more gradient: ${JSON.stringify(ratios)}`,
  );
  // Loss values are finite numbers in the summary.
  for (const c of ['rnn', 'lstm', 'gru'])
    assert.match((await page.textContent(`#sum-${c}-loss`)) ?? '', /^\d+\.\d{3}$/);
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/lab.png', fullPage: true });
  // axe on the page with charts drawn.
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the lab with clipping off and a recurrent gain of 8: no threshold line, the SimpleRNN gradient explodes', async () => {
  const page = await env.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.origin}/widget/lab/index.html`);
  await page.waitForSelector('body[data-state="idle"]');
  await page.selectOption('select[name=lines]', '150');
  await page.selectOption('select[name=hidden]', '16');
  await page.selectOption('select[name=window]', '10');
  await page.selectOption('select[name=gain]', '8');
  await page.selectOption('#clip', 'none');
  await page.click('#start');
  await page.waitForFunction(
    () => {
      const c = (window as unknown as { __labCharts?: Charts }).__labCharts;
      return (
        c &&
        c.norm.data.datasets.slice(0, 3).every((d) => d.data.length >= 3) &&
        c.steps.data.datasets[0]!.data.length === 10
      );
    },
    undefined,
    { timeout: 120_000 },
  );
  const n = await counts(page);
  assert.equal(n.norm![3], 0, 'no clipping threshold');
  assert.deepEqual(n.steps!.slice(3, 6), [0, 0, 0], 'no clipped curves');
  // Explosion: the SimpleRNN's gradient norm goes past the clipping threshold (5) it would have had
  // (with the test's small sizes it peaks near 8 in the first points; at the lab's defaults, 10⁴).
  const rnnMax = await page.evaluate(() =>
    Math.max(...(window as any).__labCharts.norm.data.datasets[0].data.map((p: { y: number }) => p.y)),
  );
  assert.ok(rnnMax > 5, `SimpleRNN gradient norm peaks at ${rnnMax}`);
  await page.click('#stop');
  await page.waitForSelector('body[data-state="stopped"], body[data-state="done"]');
  assert.deepEqual(errors, []);
  await page.close();
});
