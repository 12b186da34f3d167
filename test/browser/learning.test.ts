// Issue 16 in Chromium: removing a suggestion from the element (Shift+Delete on the chosen chip,
// a long press on touch), kept in IndexedDB across a reload; learned() and delete().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowser } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

const CORPUS = '/dist/corpus/es-conversaciones.txt';
const BODY = `<label for="f">Mensaje</label><rnn-predict id="el" no-train corpus="${CORPUS}"><input id="f"></rnn-predict>`;

async function load(page: Page): Promise<void> {
  const url = `${env.origin}/widget/__learning_test__.html`;
  await page.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>learning test</title><link rel="icon" href="data:,"></head>
<body><main>${BODY}</main><script type="module" src="/dist/rnn-predict.bundle.js"></script></body></html>`,
    }),
  );
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
  await page.evaluate(() => (document.getElementById('el') as HTMLElement & { ready: Promise<void> }).ready);
  await page.evaluate(() => {
    (window as unknown as { __removed: unknown[] }).__removed = [];
    document.addEventListener('rnn-remove', (e) =>
      (window as unknown as { __removed: unknown[] }).__removed.push((e as CustomEvent).detail),
    );
  });
}

const chips = (page: Page) => page.$$eval('#el [role=option]', (els) => els.map((e) => e.textContent?.trim()));
const waitFor = (page: Page, word: string) =>
  page.waitForFunction(
    (w) => [...document.querySelectorAll('[role=option]')].some((o) => o.textContent?.trim() === w),
    word,
  );
const learned = (page: Page) =>
  page.$eval('#el', (el) => (el as unknown as { predictor: { learned(): unknown } }).predictor.learned());

test('Shift+Delete on the chosen chip and a long press remove a word for good, kept across a reload', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await load(page);
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  // Shift+Delete with no chip chosen does nothing.
  await page.keyboard.press('Shift+Delete');
  assert.ok((await chips(page)).includes('hoy'));
  assert.equal(await page.inputValue('#f'), 'Hola cómo se siente ');
  const index = (await chips(page)).indexOf('hoy');
  for (let i = 0; i <= index; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+Delete');
  await page.waitForFunction(
    () => ![...document.querySelectorAll('[role=option]')].some((o) => o.textContent?.trim() === 'hoy'),
  );
  assert.equal(await page.inputValue('#f'), 'Hola cómo se siente ', 'nothing was accepted');
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __removed: unknown[] }).__removed), [
    { word: 'hoy', index },
  ]);
  assert.deepEqual(await learned(page), { messages: [], forgotten: ['hoy'] });
  // A long press (touch) on a chip removes its word; the tap that ends it accepts nothing.
  const first = (await chips(page))[0]!;
  await page.$eval('#el [role=option]', (chip) =>
    chip.dispatchEvent(new PointerEvent('pointerdown', { pointerType: 'touch', bubbles: true })),
  );
  await page.waitForFunction(
    (w) => ![...document.querySelectorAll('[role=option]')].some((o) => o.textContent?.trim() === w),
    first,
  );
  assert.equal(await page.inputValue('#f'), 'Hola cómo se siente ');
  assert.deepEqual(((await learned(page)) as { forgotten: string[] }).forgotten, ['hoy', first.toLowerCase()]);
  // Kept in IndexedDB: after a reload neither word comes back.
  await load(page);
  assert.deepEqual(((await learned(page)) as { forgotten: string[] }).forgotten, ['hoy', first.toLowerCase()]);
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await page.waitForFunction(() => document.querySelectorAll('#el [role=option]').length > 0);
  const after = await chips(page);
  assert.ok(!after.includes('hoy') && !after.includes(first), after.join(','));
  // delete() clears the forgotten words too.
  await page.$eval('#el', (el) => (el as unknown as { predictor: { delete(): Promise<void> } }).predictor.delete());
  assert.deepEqual(await learned(page), { messages: [], forgotten: [] });
  assert.deepEqual(errors, []);
  await context.close();
});

test('emoji the person sent are offered after a word and Tab inserts one; no-emoji turns them off', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await load(page);
  await page.$eval('#el', (el) =>
    (el as unknown as { predictor: { learn(t: string): Promise<void> } }).predictor.learn('jajaja 😂'),
  );
  await page.click('#f');
  await page.keyboard.type('Jajaja ');
  await waitFor(page, '😂');
  assert.equal((await chips(page))[0], '😂');
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#f'), 'Jajaja 😂 ');
  // no-emoji makes a new predictor (the learned message comes back from IndexedDB) that offers words only.
  await page.$eval('#el', async (el) => {
    el.setAttribute('no-emoji', '');
    await (el as HTMLElement & { updateComplete: Promise<boolean> }).updateComplete;
    await (el as HTMLElement & { ready: Promise<void> }).ready;
  });
  assert.deepEqual(((await learned(page)) as { messages: string[] }).messages, ['jajaja 😂']);
  await page.fill('#f', '');
  await page.keyboard.type('Jajaja ');
  // Two frames: the prediction scheduled by the last keystroke has run and rendered.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const shown = await chips(page);
  assert.ok(shown.length === 3 && !shown.includes('😂') && !shown.includes('Jajaja'), shown.join(','));
  assert.deepEqual(errors, []);
  await context.close();
});
