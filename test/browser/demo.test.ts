// The demo page (what `npm start` serves at /): the chat box with <rnn-predict> on the shipped
// corpus, training progress, the model's info, learning and clearing, and the time series.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { settle, startBrowser } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

/** Opens the demo (what `npm start` serves) and waits until it is ready; `done()` checks that
 * it logged no error, showed none and sent no request off its origin, then closes it. */
async function openDemo() {
  const page = await env.browser.newPage({ viewport: { width: 900, height: 1300 } });
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(env.origin) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  await page.goto(env.origin + '/');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const done = async () => {
    assert.equal(await page.textContent('#error'), '');
    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, [], 'no request leaves the page origin');
    await page.close();
  };
  return { page, done };
}

const chips = (page: Page) => page.$$eval('#predict [role=option]', (os) => os.map((o) => o.textContent));

/** Sends 'El ornitorrinco azul' in the demo, then types its start: "azul" is offered (learned). */
async function teachAzul(page: Page): Promise<void> {
  await page.fill('#message', 'El ornitorrinco azul');
  await page.keyboard.press('Enter');
  await page.click('#message');
  await page.keyboard.type('El ornitorrinco ');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#predict [role=option]')].some((b) => b.textContent === 'azul'),
  );
}

test('the demo: one module script; the shipped model is described and nothing trains on the page', async () => {
  const { page, done } = await openDemo();
  assert.equal(await page.$$eval('script', (s) => s.length), 1, 'one script');
  assert.equal(await page.$eval('script', (s) => s.type), 'module');
  // The shipped network answers from the first keystroke: nothing trains on the page.
  // The network answers at ready; the status names the mix once the model's n-gram joins.
  await page.waitForFunction(() => /modelo: mix/.test(document.getElementById('status')?.textContent ?? ''));
  assert.match((await page.textContent('#info-vocab')) ?? '', /^[\d.,\s]+ palabras$/);
  assert.match((await page.textContent('#info-model')) ?? '', /^es-default v\d+ \(incluido con el paquete\)$/);
  assert.match((await page.textContent('#train-text')) ?? '', /primera tecla/);
  // The page's words match what it does: the lead names the model panel's cell, and no
  // training bar shows while nothing trains on the page.
  const cell = /· (GRU|LSTM|RNN)\b/.exec((await page.textContent('#info-metrics')) ?? '')?.[1];
  assert.ok(cell, 'the model panel names the cell');
  assert.match((await page.textContent('.lead')) ?? '', new RegExp(`La red ${cell} incluida con el paquete`));
  assert.equal(await page.isVisible('#train'), false, 'a training bar while nothing trains');
  await done();
});

test("the demo: while the field is empty the chips offer replies to the other person's message; typed words are marked", async () => {
  const { page, done } = await openDemo();
  await page.waitForSelector('#log li.bot');
  await page.click('#message');
  await page.waitForFunction(() => document.querySelectorAll('#predict [role=option]').length > 0);
  assert.deepEqual(
    await chips(page),
    await page.evaluate(() =>
      (document.getElementById('predict') as any).predictor
        .replies(document.querySelector('#log li.bot')!.textContent, { k: 3 })
        .map((r: { text: string }) => r.text),
    ),
  );
  // Replies are not next words: the page's first suggestion is marked once words show.
  const marks = () => page.evaluate(() => performance.getEntriesByName('rnn-predict:first-suggestion').length);
  await settle(page);
  assert.equal(await marks(), 0, 'replies marked as the first suggestion');
  await page.keyboard.type('Hola ');
  await page.waitForFunction(() => performance.getEntriesByName('rnn-predict:first-suggestion').length > 0);
  await page.keyboard.type('cómo ');
  await settle(page);
  assert.equal(await marks(), 1, 'marked once a page');
  const [ready, first] = await page.evaluate(() =>
    ['ready', 'first-suggestion'].map((s) => performance.getEntriesByName(`rnn-predict:${s}`)[0]!.startTime),
  );
  assert.ok(first! > ready!, `the first suggestion (${first} ms) after ready (${ready} ms)`);
  await done();
});

test('the demo: "hoy" after "Hola cómo se siente ", shown as ghost text; Tab and a click accept', async () => {
  const { page, done } = await openDemo();
  await page.click('#message');
  await page.keyboard.type('Hola cómo se siente ');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#predict [role=option]')].some((b) => b.textContent === 'hoy'),
  );
  const first = await page.textContent('#predict [role=option]:first-child');
  // The ghost shows the top suggestion after the caret.
  assert.equal(await page.$eval('#predict', (e) => e.shadowRoot!.querySelector('[part=ghost]')?.textContent), first);
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/demo.png', fullPage: true });
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#message'), `Hola cómo se siente ${first} `);
  // Two frames: the suggestions for the new text are shown.
  await settle(page);
  await page.waitForFunction(() => document.querySelectorAll('#predict [role=option]').length > 1);
  const second = await page.textContent('#predict [role=option]:nth-child(2)');
  await page.click('#predict [role=option]:nth-child(2)');
  assert.equal(await page.inputValue('#message'), `Hola cómo se siente ${first} ${second} `);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'message');
  await done();
});

test('the demo: a sent message joins the log, the field empties, and the element learns it', async () => {
  const { page, done } = await openDemo();
  await page.fill('#message', 'Hola cómo estás');
  await page.keyboard.press('Enter');
  assert.equal(await page.$$eval('#log li:not(.bot)', (ls) => ls.at(-1)?.textContent), 'Hola cómo estás');
  assert.equal(await page.inputValue('#message'), '');
  await teachAzul(page);
  await done();
});

test('the demo: the switch turns learning off, and clearing forgets what was learned', async () => {
  const { page, done } = await openDemo();
  await teachAzul(page);
  await page.uncheck('#learn');
  assert.equal(await page.$eval('#predict', (e) => (e as unknown as { learn: boolean }).learn), false);
  await page.click('#clear');
  await page.waitForFunction(() => /Borrado/.test(document.getElementById('status')!.textContent ?? ''));
  await page.fill('#message', '');
  await page.click('#message');
  await page.keyboard.type('El ornitorrinco ');
  await settle(page);
  await page.waitForFunction(() => document.querySelectorAll('#predict [role=option]').length > 0);
  assert.ok(!(await chips(page)).includes('azul'));
  await done();
});

test('the demo: a chosen series is charted; the forecast runs in the worker and shows its bands and backtest', async () => {
  const page = await env.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(env.origin + '/');
  await page.waitForFunction(
    () => (window as unknown as { __salesChart?: unknown }).__salesChart !== undefined,
    undefined,
    { timeout: 60_000 },
  );
  const hasForecast = await page.evaluate(
    async () => typeof (await import('/dist/rnn-predict.bundle.js' as string)).forecast === 'function',
  );
  if (!hasForecast) {
    assert.match((await page.textContent('#forecast-note')) ?? '', /no disponible/);
  } else {
    await page.waitForSelector('body[data-series="monthly-sales"]');
    assert.equal(await page.locator('#series option').count(), 6);
    await page.selectOption('#series', 'quebec-car-sales');
    await page.waitForSelector('body[data-series="quebec-car-sales"]');
    await page.click('#forecast');
    await page.waitForSelector('body[data-forecast="done"]', { timeout: 180_000 });
    const note = (await page.textContent('#forecast-note')) ?? '';
    assert.match(
      note,
      /Devuelto: (network|blend|ets|drift|seasonal-naive|combination|theta|arima|seasonal-ar)\. MASE en 3 orígenes — red \d+\.\d\d/,
    );
    assert.match(note, /Cobertura de los intervalos: 80 % → \d+ %/);
    const [history, line, lower95, upper95, lower80, upper80] = await page.evaluate(() =>
      (window as unknown as { __salesChart: { plotted(): (number | null)[][] } }).__salesChart.plotted(),
    );
    assert.equal(history!.filter((v) => v !== null).length, 108, "the lecture's Quebec car sales are charted");
    const ahead = (xs: (number | null)[]) => xs.slice(-12) as number[];
    assert.equal(ahead(line!).length, 12);
    for (let h = 0; h < 12; h++) {
      assert.ok(ahead(lower95!)[h]! <= ahead(lower80!)[h]! && ahead(lower80!)[h]! <= ahead(line!)[h]!);
      assert.ok(ahead(line!)[h]! <= ahead(upper80!)[h]! && ahead(upper80!)[h]! <= ahead(upper95!)[h]!);
    }
    assert.ok(
      ahead(upper95!)[11]! / ahead(lower95!)[11]! > ahead(upper95!)[0]! / ahead(lower95!)[0]!,
      'the bands widen',
    );
    mkdirSync('test-results', { recursive: true });
    await page.locator('#ts-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/demo-forecast.png' });
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('the one-file bundle loads with a single module script and predicts', async () => {
  const page = await env.browser.newPage();
  await page.goto(env.origin + '/dist/corpus/es-conversaciones.txt');
  const words = await page.evaluate(async (origin) => {
    const m = await import(`${origin}/dist/rnn-predict.bundle.js`);
    const p = m.createPredictor({ autoTrain: false });
    await p.ready;
    return p.predictNext('Hola cómo se sie', { k: 3 }).map((s: { word: string }) => s.word);
  }, env.origin);
  assert.equal(words[0], 'siente');
  await page.close();
});
