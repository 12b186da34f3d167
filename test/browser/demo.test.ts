import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startBrowser } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

test('the demo page suggests "hoy" after "Hola cómo se siente " and Tab accepts it', async () => {
  const page = await env.browser.newPage();
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(env.origin)) foreign.push(r.url());
  });
  await page.goto(env.origin + '/');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  await page.click('#message');
  await page.keyboard.type('Hola cómo se siente ');
  await page.waitForFunction(() => [...document.querySelectorAll('#suggestions button')].some((b) => b.textContent === 'hoy'));
  const first = await page.textContent('#suggestions li:first-child button');
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#message'), `Hola cómo se siente ${first} `);
  assert.match((await page.textContent('#status')) ?? '', /modelo: ngram/);
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/demo.png' });
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, [], 'no request leaves the page origin');
  await page.close();
});

test('the one-file bundle loads with a single module script and predicts', async () => {
  const page = await env.browser.newPage();
  await page.goto(env.origin + '/dist/corpus/es-conversaciones.txt');
  const words = await page.evaluate(async (origin) => {
    const m = await import(`${origin}/dist/rnn-predict.bundle.js`);
    const p = m.createPredictor();
    await p.ready;
    return p.predictNext('Hola cómo se sie', { k: 3 }).map((s: { word: string }) => s.word);
  }, env.origin);
  assert.equal(words[0], 'siente');
  await page.close();
});
