// The lab page: the lab's experiment (src/training/lab.ts) in a worker with the remedies the
// student toggles; one line per configuration on each chart, one shared legend, the results
// table per seed; with the defaults the gated cells keep more gradient than the SimpleRNN.
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

type Charts = Record<'steps' | 'accuracy' | 'loss', { data: { datasets: { label: string; data: unknown[] }[] } }>;
const datasets = (page: Page) =>
  page.evaluate(() => {
    const c = (window as unknown as { __labCharts: Charts }).__labCharts;
    return Object.fromEntries(
      Object.entries(c).map(([k, v]) => [k, v.data.datasets.map((d) => ({ label: d.label, n: d.data.length }))]),
    );
  });
const ratios = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLTableRowElement>('#results tr')].map((tr) => ({
      cell: tr.dataset.cell!,
      ratio: JSON.parse(tr.dataset.ratio!) as number[],
    })),
  );

test('the defaults: SimpleRNN, LSTM and GRU on 3 seeds; the gated cells keep more gradient on every seed', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 1400 } });
  const errors: string[] = [];
  const workers: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto(`${env.origin}/widget/lab/index.html`);
  await page.waitForSelector('body[data-state="idle"]');
  // "Entrenar" and "Detener" on one line at 1280 px.
  const tops = await page.evaluate(() => ['start', 'stop'].map((id) => document.getElementById(id)!.offsetTop));
  assert.equal(tops[0], tops[1], `the buttons share a line: ${tops}`);
  // A smaller budget than the default 400 batches keeps the test short; the lesson holds there too.
  await page.selectOption('select[name=steps]', '100');
  await page.click('#start');
  await page.waitForSelector('body[data-state="done"]', { timeout: 240_000 });
  assert.ok(
    workers.some((u) => u.endsWith('/dist/widget/lab-worker.js')),
    `a lab worker runs: ${workers}`,
  );
  assert.equal(await page.evaluate(() => 'tf' in window), false, 'no tfjs on the page');
  // One legend entry per configuration, shared by the charts (none inside them).
  assert.deepEqual(await page.$$eval('#legend li', (lis) => lis.map((li) => li.textContent)), [
    'SimpleRNN tanh',
    'LSTM',
    'GRU',
  ]);
  const d = await datasets(page);
  // Per configuration: after training (50 steps) and before (dashed).
  assert.deepEqual(
    d.steps!.map((s) => s.n),
    [50, 50, 50, 50, 50, 50],
  );
  assert.deepEqual(
    d.accuracy!.slice(0, 3).map((s) => s.n),
    [5, 5, 5],
  );
  assert.deepEqual(
    d.loss!.map((s) => s.n),
    [100, 100, 100],
  );
  const r = await ratios(page);
  assert.deepEqual(
    r.map((x) => [x.cell, x.ratio.length]),
    [
      ['rnn', 3],
      ['lstm', 3],
      ['gru', 3],
    ],
  );
  const [rnn, lstm, gru] = r.map((x) => x.ratio) as [number[], number[], number[]];
  rnn.forEach((x, i) => {
    assert.ok(lstm[i]! > x, `seed ${i + 1}: LSTM ${lstm[i]} > SimpleRNN ${x}`);
    assert.ok(gru[i]! > x, `seed ${i + 1}: GRU ${gru[i]} > SimpleRNN ${x}`);
  });
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/lab.png', fullPage: true });
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the toggles: ReLU and layer norm make four SimpleRNN configurations, named by their remedies; stop works', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 1200 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.origin}/widget/lab/index.html`);
  await page.waitForSelector('body[data-state="idle"]');
  await page.uncheck('input[name=cell][value=lstm]');
  await page.uncheck('input[name=cell][value=gru]');
  await page.check('input[name=activation][value=relu]');
  await page.check('input[name=norm][value=layer]');
  await page.selectOption('select[name=init]', 'normal');
  await page.selectOption('#clip', 'value');
  await page.selectOption('select[name=steps]', '50');
  await page.selectOption('select[name=seeds]', '1');
  await page.click('#start');
  assert.deepEqual(await page.$$eval('#legend li', (lis) => lis.map((li) => li.textContent)), [
    'SimpleRNN tanh · N(0,1) · recorte por valor',
    'SimpleRNN tanh + LN · N(0,1) · recorte por valor',
    'SimpleRNN relu · N(0,1) · recorte por valor',
    'SimpleRNN relu + LN · N(0,1) · recorte por valor',
  ]);
  // The first configuration finishes: its row gets a ratio; then stop.
  await page.waitForFunction(
    () => {
      const tr = document.querySelector<HTMLTableRowElement>('#results tr');
      return tr && JSON.parse(tr.dataset.ratio ?? '[]').length === 1;
    },
    undefined,
    { timeout: 120_000 },
  );
  await page.click('#stop');
  await page.waitForSelector('body[data-state="stopped"], body[data-state="done"]', { timeout: 60_000 });
  assert.equal((await datasets(page)).steps!.length, 8, 'a line after and one before per configuration');
  // Nothing ticked: nothing runs, and the page says what is missing.
  await page.uncheck('input[name=cell][value=rnn]');
  await page.click('#start');
  assert.match((await page.textContent('#status')) ?? '', /al menos una celda/);
  assert.deepEqual(errors, []);
  await page.close();
});
