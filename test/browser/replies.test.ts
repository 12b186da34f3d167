// Reply suggestions in Chromium (issue 31): `reply-to` offers replies while the field is empty,
// announced once; Tab and a click fill the field; typing brings next words back; `no-replies`
// turns them off; the reply model loads only when asked for and answers offline after.
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

const MESSAGE = '¿Quedamos mañana para comer?';

type El = HTMLElement & { currentSuggestions: string[]; ready: Promise<void>; replyTo?: string; predictor: any };

/** A page with the element (reply-to set) and the bundle; records reply-model requests. */
async function open(
  attributes = '',
  context: { newPage(): Promise<Page> } = env.browser,
): Promise<{ page: Page; requests: string[] }> {
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  page.on('pageerror', (e) => {
    throw e;
  });
  const url = `${env.origin}/widget/__replies_test__.html`;
  await page.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>replies</title><link rel="icon" href="data:,"></head>
<body><main><label for="f">Mensaje</label><rnn-predict no-train learn ${attributes} reply-to="${MESSAGE}"><input id="f"></rnn-predict></main>
<script type="module" src="/dist/rnn-predict.bundle.js"></script></body></html>`,
    }),
  );
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
  await page.evaluate(() => (document.querySelector('rnn-predict') as unknown as El).ready);
  return { page, requests };
}

const chips = (page: Page) => page.$$eval('rnn-predict [role=option]', (os) => os.map((o) => o.textContent ?? ''));
const value = (page: Page) => page.inputValue('#f');
const expectedReplies = (page: Page) =>
  page.evaluate((m) => {
    const p = (document.querySelector('rnn-predict') as unknown as El).predictor;
    return p.replies(m, { k: 3 }).map((r: { text: string }) => r.text) as string[];
  }, MESSAGE);

test('reply chips for an empty field, announced once; Tab and a click fill it; typing brings words back', async () => {
  const { page, requests } = await open();
  // Not loaded on the first visit: only when replies are first asked for (the field's focus).
  assert.ok(!requests.some((r) => r.includes('es-replies')), requests.join(' '));
  // Count what the live region says.
  await page.evaluate(() => {
    const live = document.querySelector('rnn-predict [role=status]')!;
    (window as any).__said = [];
    new MutationObserver(() => (window as any).__said.push(live.textContent)).observe(live, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await page.click('#f');
  await page.waitForFunction(() => document.querySelectorAll('rnn-predict [role=option]').length > 0);
  const replies = await expectedReplies(page);
  assert.ok(replies.length > 0);
  assert.deepEqual(await chips(page), replies);
  assert.ok(requests.some((r) => r.endsWith('/models/es-replies/weights.bin')));
  const said = async () => ((await page.evaluate(() => (window as any).__said)) as string[]).filter((s) => s);
  assert.deepEqual(await said(), [`respuestas: ${replies[0]}, 1 de ${replies.length}`]);
  // Tab fills the field with the top reply; the chips go back to next words.
  await page.keyboard.press('Tab');
  assert.equal(await value(page), replies[0]);
  // Emptied again: the same replies, not announced a second time.
  await page.fill('#f', '');
  await page.waitForFunction((r) => document.querySelector('rnn-predict [role=option]')?.textContent === r, replies[0]);
  // Typing brings next words back.
  await page.keyboard.type('Hola cómo se siente ');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('rnn-predict [role=option]')].some((o) => o.textContent === 'hoy'),
  );
  assert.notDeepEqual(await chips(page), replies);
  await page.fill('#f', '');
  await page.waitForFunction((r) => document.querySelector('rnn-predict [role=option]')?.textContent === r, replies[0]);
  assert.equal((await said()).filter((s) => s.startsWith('respuestas')).length, 1);
  // A click on the second reply fills the field with it; rnn-accept says it was a reply.
  await page.evaluate(() =>
    document.addEventListener('rnn-accept', (e) => ((window as any).__accept = (e as CustomEvent).detail)),
  );
  await page.click('rnn-predict [role=option]:nth-child(2)');
  assert.equal(await value(page), replies[1]);
  assert.equal(await page.evaluate(() => (window as any).__accept.kind), 'reply');
  await page.close();
});

test('a new message gets its own replies; no-replies shows none; the model answers offline after', async () => {
  const context = await env.browser.newContext();
  const { page } = await open('', context);
  await page.click('#f');
  await page.waitForFunction(() => document.querySelectorAll('rnn-predict [role=option]').length > 0);
  await page.evaluate(
    () => ((document.querySelector('rnn-predict') as unknown as El).replyTo = 'Muchas gracias por todo'),
  );
  const thanks = await page.evaluate(() =>
    (document.querySelector('rnn-predict') as unknown as El).predictor
      .replies('Muchas gracias por todo')
      .map((r: { text: string }) => r.text),
  );
  await page.waitForFunction((r) => document.querySelector('rnn-predict [role=option]')?.textContent === r, thanks[0]);
  // no-replies: an empty field offers nothing.
  await page.evaluate(() => (document.querySelector('rnn-predict') as unknown as El).setAttribute('no-replies', ''));
  await page.waitForFunction(() => document.querySelectorAll('rnn-predict [role=option]').length === 0);
  // Stored in IndexedDB once fetched: wait for the record, then reload with the files failing.
  await page.waitForFunction(
    () =>
      new Promise((resolve) => {
        const o = indexedDB.open('rnn-predict');
        o.onsuccess = () => {
          const get = o.result.transaction('models').objectStore('models').getKey('model:default:replies');
          get.onsuccess = () => resolve(get.result !== undefined);
          get.onerror = () => resolve(false);
        };
        o.onerror = () => resolve(false);
      }),
  );
  await page.close();
  await context.route('**/models/es-replies/**', (route) => route.abort());
  const again = await open('', context);
  await again.page.click('#f');
  await again.page.waitForFunction(() => document.querySelectorAll('rnn-predict [role=option]').length > 0);
  assert.ok((await chips(again.page)).length > 0);
  await context.close();
});
