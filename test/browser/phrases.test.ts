// Phrase suggestions in <rnn-predict>: the ghost phrase, → (all of it), Ctrl+→ (its next word),
// Tab (still the top chip), letters that filter it, no-phrases, currentPhrase, the rnn-accept
// detail and the live region. A small corpus routed by the test makes the trigram confident.
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

const CORPUS = Array.from({ length: 30 }, () => 'me gusta mucho el café con leche').join('\n');

async function open(attributes = 'ghost'): Promise<{ page: Page; errors: string[] }> {
  const page = await env.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const url = `${env.origin}/widget/__phrases_test__.html`;
  await page.route(`${env.origin}/__phrases__.txt`, (route) =>
    route.fulfill({ contentType: 'text/plain; charset=utf-8', body: CORPUS }),
  );
  await page.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>phrases</title><link rel="icon" href="data:,"></head>
<body><label for="f">Mensaje</label><rnn-predict no-train ${attributes} corpus="/__phrases__.txt"><input id="f"></rnn-predict>
<script type="module" src="/dist/rnn-predict.bundle.js"></script></body></html>`,
    }),
  );
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
  await page.evaluate(() => (document.querySelector('rnn-predict') as HTMLElement & { ready: Promise<void> }).ready);
  await page.evaluate(() => {
    (window as unknown as { __accepts: unknown[] }).__accepts = [];
    document.addEventListener('rnn-accept', (e) =>
      (window as unknown as { __accepts: unknown[] }).__accepts.push((e as CustomEvent).detail),
    );
  });
  await page.click('#f');
  return { page, errors };
}

const settle = (page: Page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const phrase = (page: Page) =>
  page.$eval('rnn-predict', (e) => (e as HTMLElement & { currentPhrase: string }).currentPhrase);
const ghost = (page: Page) =>
  page.$eval('rnn-predict', (e) => e.shadowRoot!.querySelector('[part~=ghost]')?.textContent ?? '');
const value = (page: Page) => page.$eval('#f', (e) => (e as HTMLInputElement).value);
const accepts = (page: Page) => page.evaluate(() => (window as unknown as { __accepts: unknown[] }).__accepts);
const live = (page: Page) => page.$eval('rnn-predict [data-rnn-live]', (e) => e.textContent ?? '');

async function typeAndWait(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text);
  await settle(page);
  await page.waitForFunction(
    () => (document.querySelector('rnn-predict') as unknown as { currentPhrase: string }).currentPhrase !== '',
  );
}

test('the ghost shows the phrase; → accepts all of it; the phrase is announced once', async () => {
  const { page, errors } = await open();
  await typeAndWait(page, 'Me gusta ');
  const shown = await phrase(page);
  assert.match(shown, /^mucho el café( con)?$/, `phrase "${shown}"`);
  assert.equal(await ghost(page), shown);
  const words = await page.$$eval('rnn-predict', (els) =>
    [...els[0]!.shadowRoot!.querySelectorAll('[part~=ghost-word]')].map((w) => Number((w as HTMLElement).dataset.p)),
  );
  assert.equal(words.length, shown.split(' ').length);
  assert.ok(
    words.every((p, i) => p > 0 && p <= 1 && (i === 0 || p <= words[i - 1]!)),
    `decaying ${words}`,
  );
  assert.match(await live(page), new RegExp(`frase: ${shown}`));
  // Letters inside the next word only filter the phrase; it is not announced again.
  await page.keyboard.type('mu');
  await settle(page);
  assert.equal(await phrase(page), shown);
  assert.equal(await ghost(page), shown.slice(2));
  assert.doesNotMatch(await live(page), /frase/);
  await page.keyboard.press('ArrowRight');
  await settle(page);
  assert.equal(await value(page), `Me gusta ${shown} `);
  assert.deepEqual(await accepts(page), [{ word: shown, index: -1, kind: 'phrase', words: shown.split(' ') }]);
  // Letters that do not fit hide it.
  await page.keyboard.type('x');
  await settle(page);
  assert.equal(await phrase(page), '');
  assert.deepEqual(errors, []);
  await page.close();
});

test('Ctrl+→ accepts the next word of the phrase; Tab still accepts the top chip', async () => {
  const { page } = await open();
  await typeAndWait(page, 'Me gusta ');
  await page.keyboard.press('Control+ArrowRight');
  await settle(page);
  assert.equal(await value(page), 'Me gusta mucho ');
  await page.waitForFunction(() =>
    (document.querySelector('rnn-predict') as unknown as { currentPhrase: string }).currentPhrase.startsWith('el café'),
  );
  await page.keyboard.press('Tab');
  await settle(page);
  assert.equal(await value(page), 'Me gusta mucho el ');
  assert.deepEqual(await accepts(page), [
    { word: 'mucho', index: 0, kind: 'word', words: ['mucho'] },
    { word: 'el', index: 0, kind: 'word', words: ['el'] },
  ]);
  // → with text after the caret moves the caret as usual.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await settle(page);
  assert.equal(await value(page), 'Me gusta mucho el ');
  assert.equal(await page.$eval('#f', (e) => (e as HTMLInputElement).selectionStart), 1);
  await page.close();
});

test('no-phrases: the ghost completes one word and → is left to the field', async () => {
  const { page } = await open('ghost no-phrases');
  await page.keyboard.type('Me gusta ');
  await page.waitForFunction(
    () => document.querySelector('rnn-predict [role=option]')?.textContent?.trim() === 'mucho',
  );
  await settle(page);
  assert.equal(await phrase(page), '');
  assert.equal((await ghost(page)).trim(), 'mucho');
  await page.keyboard.press('ArrowRight');
  await settle(page);
  assert.equal(await value(page), 'Me gusta ');
  assert.deepEqual(await accepts(page), []);
  await page.close();
});
