// Android keyboards in Chromium: Gboard keeps the word being typed in an IME composition until
// a space. Composition updates are sent through the DevTools protocol (Input.imeSetComposition,
// as an IME does), on a phone viewport with touch. A Latin composition is completed as typed
// letters; a tap or Tab replaces it with the word cleanly; a CJK composition is left alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { startBrowser } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

type El = HTMLElement & { ready: Promise<void>; currentSuggestions: string[] };

async function phone(): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession; errors: string[] }> {
  const context = await env.browser.newContext({
    viewport: { width: 390, height: 800 },
    hasTouch: true,
    isMobile: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${env.origin}/test/fixtures/element.html`);
  await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
  await page.evaluate(() => (document.querySelector('rnn-predict') as El).ready);
  await page.evaluate(() => {
    (window as any).__accepts = [];
    document.addEventListener('rnn-accept', (e) => (window as any).__accepts.push((e as CustomEvent).detail.word));
  });
  return { context, page, cdp: await context.newCDPSession(page), errors };
}

/** Composes `word` letter by letter, as Gboard does (each letter a composition update). */
async function compose(cdp: CDPSession, word: string): Promise<void> {
  const chars = Array.from(word);
  for (let i = 1; i <= chars.length; i++) {
    const text = chars.slice(0, i).join('');
    await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
  }
}

const suggestions = (page: Page) => page.$eval('rnn-predict', (e) => (e as El).currentSuggestions);
const settle = (page: Page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const caret = (page: Page) => page.$eval('#f', (f) => (f as HTMLInputElement).selectionStart);

test('Android: completions for the word in composition; a tap replaces it with the word, no doubled letters', async () => {
  const { context, page, cdp, errors } = await phone();
  await page.tap('#f');
  await page.keyboard.type('Hola cómo se ');
  await compose(cdp, 'sie');
  assert.equal(await page.inputValue('#f'), 'Hola cómo se sie');
  // The composed letters are the word being typed.
  await page.waitForFunction(() => {
    const shown = (document.querySelector('rnn-predict') as El).currentSuggestions;
    return shown.length > 0 && shown.every((w) => w.startsWith('sie'));
  });
  const shown = await suggestions(page);
  await page.tap('rnn-predict [role=option] >> nth=0');
  assert.equal(await page.inputValue('#f'), `Hola cómo se ${shown[0]} `);
  assert.equal(await caret(page), `Hola cómo se ${shown[0]} `.length, 'the caret is after the word and its space');
  assert.deepEqual(await page.evaluate(() => (window as any).__accepts), [shown[0]]);
  // The keyboard goes on with the next word: the old composition does not come back.
  await compose(cdp, 'bi');
  assert.equal(await page.inputValue('#f'), `Hola cómo se ${shown[0]} bi`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Android: Tab during a Latin composition replaces it; the caret lands after the word', async () => {
  const { context, page, cdp } = await phone();
  await page.tap('#f');
  await page.keyboard.type('Muchas gracias por ');
  await compose(cdp, 'tu');
  await page.waitForFunction(() => {
    const shown = (document.querySelector('rnn-predict') as El).currentSuggestions;
    return shown.length > 0 && shown.every((w) => w.startsWith('tu'));
  });
  const top = (await suggestions(page))[0]!;
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#f'), `Muchas gracias por ${top} `);
  assert.equal(await caret(page), `Muchas gracias por ${top} `.length);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f');
  await compose(cdp, 'a');
  assert.equal(await page.inputValue('#f'), `Muchas gracias por ${top} a`);
  await context.close();
});

test("a CJK composition is the IME's own: no suggestions while it is open, and Tab is left alone", async () => {
  const { context, page, cdp } = await phone();
  // A predictor that offers words for any text, so that only the composition can hold them back.
  await page.evaluate(`{
    document.querySelector('rnn-predict').predictor = Object.assign(new EventTarget(), {
      ready: Promise.resolve(), neuralReady: new Promise(() => {}),
      predictNext: (text, o) => ['uno', 'dos', 'tres'].slice(0, o?.k ?? 3).map((word) => ({ word, probability: 0.3 })),
      continue: () => [], phrase: () => null,
      info: () => ({ source: 'ngram', state: 'ngram', vocabularySize: 3, corpusHash: '', corpusLines: 0 }),
      train: async () => ({}), learn: async () => {}, save: async () => {}, delete: async () => {}, dispose: () => {},
    });
  }`);
  await page.tap('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await page.waitForFunction(() => (document.querySelector('rnn-predict') as El).currentSuggestions.length > 0);
  await compose(cdp, 'にほ');
  await settle(page);
  await settle(page);
  assert.deepEqual(await suggestions(page), [], 'nothing shows over a Japanese composition');
  // A Tab that arrives while it is open is not taken for an accept.
  const consumed = await page.$eval('#f', (f) => {
    const e = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true, isComposing: true });
    f.dispatchEvent(e);
    return e.defaultPrevented;
  });
  assert.equal(consumed, false);
  assert.equal(await page.inputValue('#f'), 'Hola cómo se siente にほ');
  await context.close();
});

test('a contenteditable box: a Latin composition is completed, and Tab replaces it cleanly', async () => {
  const { context, page, cdp } = await phone();
  await page.goto(`${env.origin}/test/fixtures/contenteditable.html`);
  await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
  await page.evaluate(() => (document.getElementById('el') as El).ready);
  await page.tap('#f');
  await page.keyboard.type('Hola cómo se ');
  await compose(cdp, 'sie');
  await page.waitForFunction(() => {
    const shown = (document.getElementById('el') as El).currentSuggestions;
    return shown.length > 0 && shown.every((w) => w.startsWith('sie'));
  });
  const top = (await suggestions(page))[0]!;
  await page.keyboard.press('Tab');
  const text = () => page.$eval('#el', (e) => (e as unknown as { field: { text(): string } }).field.text());
  assert.equal(await text(), `Hola cómo se ${top} `);
  await compose(cdp, 'bi');
  assert.equal(await text(), `Hola cómo se ${top} bi`);
  await context.close();
});
