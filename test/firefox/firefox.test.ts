// The browser checks a user would notice first, in Firefox (Debian's firefox-esr, driven over
// WebDriver BiDi by puppeteer-core): the element's keys and acceptance, an IME composition,
// training in the worker on wasm, the IndexedDB reload, a strict CSP. The same pages and
// helpers as the Chromium tests (test/browser, test/fixtures); npm test builds first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
// @ts-expect-error plain JS module without types
import { startServer } from '../../scripts/serve.js';
import type { Server } from 'node:http';
import { SMALL_CORPUS, TINY } from '../browser/helpers.js';

let browser: Browser;
let server: Server;
let origin: string;

before(async () => {
  const executablePath = process.env.FIREFOX_PATH;
  if (!executablePath)
    throw new Error('FIREFOX_PATH is not set: run the Firefox tests through "npm test", which finds firefox-esr');
  server = await startServer(0);
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await puppeteer.launch({ browser: 'firefox', protocol: 'webDriverBiDi', executablePath, headless: true });
});
after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

/** A new page; page errors and console errors are collected in the returned list. */
async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String((e as Error).message ?? e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  // tsx may wrap the named functions given to page.evaluate in __name().
  await page.evaluateOnNewDocument('window.__name = (f) => f');
  return { page, errors };
}

const suggestions = (page: Page) =>
  page.$eval('rnn-predict', (e) => (e as HTMLElement & { currentSuggestions: string[] }).currentSuggestions);
const waitFor = (page: Page, word: string) =>
  page.waitForFunction(
    (w) => [...document.querySelectorAll('[role=option]')].some((o) => o.textContent === w),
    {},
    word,
  );
const value = (page: Page) => page.$eval('#f', (f) => (f as HTMLInputElement).value);

async function openElement(): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await newPage();
  await page.goto(`${origin}/test/fixtures/element.html`);
  await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
  await page.evaluate(() => (document.querySelector('rnn-predict') as HTMLElement & { ready: Promise<void> }).ready);
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  return { page, errors };
}

test('element: "hoy" for "Hola cómo se siente ", Tab accepts the top one, ↓ and Enter another, Escape hides', async () => {
  const { page, errors } = await openElement();
  const shown = await suggestions(page);
  assert.equal(shown.length, 3);
  assert.ok(shown.includes('hoy'), JSON.stringify(shown));
  await page.keyboard.press('Tab');
  assert.equal(await value(page), `Hola cómo se siente ${shown[0]} `);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f', 'focus stays in the field');
  // Back to the same context: ↓ ↓ Enter takes the second suggestion.
  await page.$eval('#f', (f) => {
    (f as HTMLInputElement).value = '';
  });
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  const again = await suggestions(page);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await value(page), `Hola cómo se siente ${again[1]} `);
  await page.keyboard.type('y');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelectorAll('[role=option]').length === 0);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'next', 'Tab with nothing shown moves focus');
  assert.deepEqual(errors, []);
  await page.close();
});

test('element: reply-to offers replies while the field is empty, Tab fills the field, typing brings words back', async () => {
  const { page, errors } = await newPage();
  await page.goto(`${origin}/test/fixtures/element.html`);
  await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
  await page.evaluate(() => (document.querySelector('rnn-predict') as HTMLElement & { ready: Promise<void> }).ready);
  await page.evaluate(() => {
    (document.querySelector('rnn-predict') as HTMLElement & { replyTo: string }).replyTo = '¿Vienes mañana a cenar?';
  });
  await page.click('#f');
  await page.waitForFunction(() => document.querySelectorAll('[role=option]').length > 0, { timeout: 60_000 });
  const replies = await page.evaluate(() =>
    (document.querySelector('rnn-predict') as HTMLElement & { predictor: any }).predictor
      .replies('¿Vienes mañana a cenar?')
      .map((r: { text: string }) => r.text),
  );
  assert.deepEqual(await suggestions(page), replies);
  assert.match(await page.$eval('[role=status]', (l) => l.textContent ?? ''), /^respuestas: /);
  await page.keyboard.press('Tab');
  assert.equal(await value(page), replies[0]);
  await page.$eval('#f', (f) => {
    (f as HTMLInputElement).value = '';
  });
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  assert.deepEqual(errors, []);
  await page.close();
});

/** Sends a composition as an IME drives it: compositionstart, then for each step a
 * compositionupdate and an input with isComposing (the field's value holds the composed text). */
async function composeIn(page: Page, base: string, steps: string[]): Promise<void> {
  await page.evaluate(
    (base, steps) => {
      const f = document.getElementById('f') as HTMLInputElement;
      f.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
      for (const data of steps) {
        f.dispatchEvent(new CompositionEvent('compositionupdate', { bubbles: true, data }));
        f.value = base + data;
        f.setSelectionRange(f.value.length, f.value.length);
        f.dispatchEvent(
          new InputEvent('input', { bubbles: true, isComposing: true, inputType: 'insertCompositionText', data }),
        );
      }
    },
    base,
    steps,
  );
}

test('element: a Latin composition (Android keyboards) is completed and Tab replaces it; a CJK one is left alone', async () => {
  const { page, errors } = await openElement();
  await page.$eval('#f', (f) => ((f as HTMLInputElement).value = ''));
  await page.keyboard.type('Hola cómo se ');
  await composeIn(page, 'Hola cómo se ', ['s', 'si', 'sie']);
  await page.waitForFunction(() => {
    const shown = [...document.querySelectorAll('[role=option]')].map((o) => o.textContent ?? '');
    return shown.length > 0 && shown.every((w) => w.startsWith('sie'));
  });
  const top = (await suggestions(page))[0]!;
  await page.keyboard.press('Tab');
  assert.equal(await value(page), `Hola cómo se ${top} `);
  assert.equal(await page.$eval('#f', (f) => (f as HTMLInputElement).selectionStart), `Hola cómo se ${top} `.length);
  // The IME ends its composition afterwards: nothing doubles, suggestions for the next word come.
  await page.$eval('#f', (f) =>
    f.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: 'sie' })),
  );
  assert.equal(await value(page), `Hola cómo se ${top} `);
  await page.waitForFunction(() => document.querySelectorAll('[role=option]').length > 0);
  // A Japanese composition: no suggestions while it is open, and Tab is left to the page.
  await composeIn(page, `Hola cómo se ${top} `, ['に']);
  await page.waitForFunction(() => document.querySelectorAll('[role=option]').length === 0);
  await page.keyboard.press('Tab');
  assert.equal(await value(page), `Hola cómo se ${top} に`);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'next', 'Tab was left to the page');
  assert.deepEqual(errors, []);
  await page.close();
});

test('element: a contenteditable message box gets chips, Tab, and reads <br> and inline formatting as text', async () => {
  const { page, errors } = await newPage();
  await page.goto(`${origin}/test/fixtures/contenteditable.html`);
  await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
  await page.evaluate(() => (document.getElementById('el') as HTMLElement & { ready: Promise<void> }).ready);
  const text = () => page.$eval('#el', (e) => (e as unknown as { field: { text(): string } }).field.text());
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  const shown = await page.$eval(
    '#el',
    (e) => (e as HTMLElement & { currentSuggestions: string[] }).currentSuggestions,
  );
  await page.keyboard.press('Tab');
  assert.equal(await text(), `Hola cómo se siente ${shown[0]} `);
  await page.keyboard.type('x');
  assert.equal(await text(), `Hola cómo se siente ${shown[0]} x`, 'the caret was after the word');
  await page.evaluate(() => {
    const f = document.getElementById('f')!;
    f.innerHTML = 'Buenos días<br>Hola cómo <b>se</b> <i>sie</i>';
    getSelection()!.collapse(f.querySelector('i')!.firstChild!, 3);
  });
  await page.waitForFunction(() => {
    const shown = (document.getElementById('el') as HTMLElement & { currentSuggestions: string[] }).currentSuggestions;
    return shown.length > 0 && shown.every((w) => w.startsWith('sie'));
  });
  assert.equal(
    await page.$eval('#el', (e) => (e as unknown as { field: { textBeforeCaret(): string } }).field.textBeforeCaret()),
    'Buenos días\nHola cómo se sie',
  );
  const top = await page.$eval(
    '#el',
    (e) => (e as HTMLElement & { currentSuggestions: string[] }).currentSuggestions[0],
  );
  await page.keyboard.press('Tab');
  assert.equal(await text(), `Buenos días\nHola cómo se ${top} `);
  // Enter sends (the page's handler), without the accepted word's trailing space.
  await page.keyboard.press('Enter');
  assert.deepEqual(await page.evaluate(() => (window as any).__sent), [`Buenos días\nHola cómo se ${top}`]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('SDK: a network trains in the worker on wasm, is stored in IndexedDB, and a reload loads it without training', async () => {
  const { page, errors } = await newPage();
  const run = () =>
    page.evaluate(
      async (o, corpus, tiny) => {
        const sdk = await import(`${o}/dist/rnn-predict.bundle.js`);
        const p = sdk.createPredictor({ corpus, name: 'firefox', ...tiny });
        let progress = 0;
        p.addEventListener('progress', () => progress++);
        await p.neuralReady;
        // The store finishes after neuralReady: wait until IndexedDB holds the record.
        for (let stored = false; !stored;) {
          stored = await new Promise<boolean>((resolve) => {
            const open = indexedDB.open('rnn-predict');
            open.onsuccess = () => {
              const db = open.result;
              if (!db.objectStoreNames.contains('models')) return (db.close(), resolve(false));
              const get = db.transaction('models').objectStore('models').getKey('model:firefox');
              get.onsuccess = () => (db.close(), resolve(get.result !== undefined));
              get.onerror = () => (db.close(), resolve(false));
            };
            open.onerror = () => resolve(false);
          });
          if (!stored) await new Promise((r) => requestAnimationFrame(r));
        }
        const out = { info: p.info(), words: p.predictNext('Buenos días, ¿cómo ', { k: 5 }), progress };
        p.dispose();
        return JSON.parse(JSON.stringify(out));
      },
      origin,
      SMALL_CORPUS,
      TINY,
    );
  await page.goto(`${origin}/test/fixtures/blank.html`);
  const first = await run();
  assert.equal(first.info.fromStorage, false);
  assert.equal(first.info.backend, 'wasm', `trained on ${first.info.backend}: ${first.info.backendReason}`);
  assert.equal(first.info.state, 'neural');
  assert.ok(first.progress > 0, 'progress events while training');
  await page.reload();
  const second = await run();
  assert.equal(second.info.fromStorage, true, 'loaded from IndexedDB');
  assert.equal(second.progress, 0, 'no training after a reload');
  assert.deepEqual(second.words, first.words);
  assert.deepEqual(errors, []);
  await page.close();
});

test('SDK: trains on wasm in the worker under a strict Content-Security-Policy, with no violation', async () => {
  const { page } = await newPage();
  await page.goto(`${origin}/test/fixtures/csp.html?csp=strict`);
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, {
    timeout: 120_000,
  });
  const r = await page.evaluate(() =>
    JSON.parse(JSON.stringify((window as unknown as { __result: unknown }).__result)),
  );
  assert.equal(r.ok, true, r.error);
  assert.equal(r.info.backend, 'wasm');
  assert.ok(r.words.length > 0);
  assert.deepEqual(r.violations, []);
  await page.close();
});
