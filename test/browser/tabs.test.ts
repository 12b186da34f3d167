// Issue 30 in Chromium: two tabs of one site (two pages of one browser context share
// IndexedDB and BroadcastChannel) with the shipped model, as a site gets it by default.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { startBrowser, openSdkPage } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

/** A tab with `window.p`, the default predictor (no training, so nothing but learning runs). */
async function tab(context: BrowserContext): Promise<Page> {
  const page = await openSdkPage(env.origin, context);
  await page.evaluate(async () => {
    const w = window as any;
    w.p = w.sdk.createPredictor({ name: 'tabs', autoTrain: false });
    await w.p.ready;
  });
  return page;
}
/** Waits for the whole model (the n-gram joins the network after ready). */
const whole = (page: Page) => page.evaluate(() => (window as any).p.neuralReady);
const learn = (page: Page, text: string) => page.evaluate((t) => (window as any).p.learn(t), text);
const learned = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).p.learned().messages);
const next = (page: Page, text: string): Promise<string[]> =>
  page.evaluate((t) => (window as any).p.predictNext(t, { k: 5 }).map((s: any) => s.word.toLowerCase()), text);

test('two tabs learning interleaved, one reloading midway, keep every message exactly once', async () => {
  const context = await env.browser.newContext();
  let a = await tab(context);
  const b = await tab(context);
  for (let i = 0; i < 10; i++) {
    await learn(a, `mensaje de la pestaña a número ${i}`);
    await learn(b, `mensaje de la pestaña b número ${i}`);
    if (i === 4) {
      await a.close();
      a = await tab(context); // the reload
    }
  }
  const c = await tab(context);
  const all = await learned(c);
  assert.equal(all.length, 20, all.join(' | '));
  assert.equal(new Set(all).size, 20);
  // Each tab hears of the other's messages (BroadcastChannel), so both suggest the same.
  await a.waitForFunction(() => (window as any).p.learned().messages.length === 20, null, { timeout: 5000 });
  await learn(a, 'quedamos con Zenobia en el zoco');
  await b.waitForFunction(() => (window as any).p.learned().messages.some((m: string) => m.includes('Zenobia')), null, {
    timeout: 5000,
  });
  assert.ok((await next(b, 'quedamos con ')).includes('zenobia'));
  await context.close();
});

test('delete() in one tab is final: a stale tab never writes the old messages back', async () => {
  const context = await env.browser.newContext();
  const a = await tab(context);
  const b = await tab(context);
  for (let i = 0; i < 5; i++) await learn(b, `antes del borrado ${i}`);
  await a.evaluate(() => (window as any).p.delete());
  await b.waitForFunction(() => (window as any).p.learned().messages.length === 0, null, { timeout: 5000 });
  await learn(b, 'después del borrado');
  const c = await tab(context);
  assert.deepEqual(await learned(c), ['después del borrado']);
  await context.close();
});

test('forget() with the default model is final across a reload, from the first suggestion on', async () => {
  const context = await env.browser.newContext();
  const a = await tab(context);
  const text = 'Hola cómo se siente ';
  // At ready the network answers alone; its n-gram joins by neuralReady. A word of each is
  // forgotten: the network's best at ready, and "hoy", which the whole model offers.
  const [networkBest] = await next(a, text);
  await whole(a);
  assert.ok((await next(a, text)).includes('hoy'));
  const words = [...new Set(['hoy', networkBest!])].sort();
  await a.evaluate((ws) => Promise.all(ws.map((w) => (window as any).p.forget(w))), words);
  assert.ok(!(await next(a, text)).some((w) => words.includes(w)));
  await a.close();
  const again = await tab(context);
  assert.ok(!(await next(again, text)).some((w) => words.includes(w)), 'not back after a reload, at ready');
  await whole(again);
  assert.ok(!(await next(again, text)).some((w) => words.includes(w)), 'nor once the n-gram joined');
  assert.deepEqual(await again.evaluate(() => [...(window as any).p.learned().forgotten].sort()), words);
  await context.close();
});

test('lists an older version stored are moved into per-message records once, forgotten words first', async () => {
  const context = await env.browser.newContext();
  const page = await openSdkPage(env.origin, context);
  // What release 2 wrote: two lists in the model store (database 'rnn-predict', store 'models').
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('rnn-predict');
        open.onupgradeneeded = () => open.result.createObjectStore('models');
        open.onsuccess = () => {
          const tx = open.result.transaction('models', 'readwrite');
          const s = tx.objectStore('models');
          s.put(['quedamos con Zenobia en el zoco', 'hoy no puedo, mañana sí'], 'learned:tabs');
          s.put(['hoy'], 'forgotten:tabs');
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
  const a = await tab(context);
  assert.deepEqual(await learned(a), ['quedamos con Zenobia en el zoco', 'hoy no puedo, mañana sí']);
  assert.deepEqual(await a.evaluate(() => (window as any).p.learned().forgotten), ['hoy']);
  // Learned messages count in once the model's n-gram has joined (neuralReady), not at ready.
  await whole(a);
  assert.ok((await next(a, 'quedamos con ')).includes('zenobia'), 'the moved message is learned');
  assert.ok(!(await next(a, 'Hola cómo se siente ')).includes('hoy'), 'the moved forgotten word applies');
  // The old lists are gone, so a reload does not import them twice.
  const left = await a.evaluate(
    () =>
      new Promise<unknown[]>((resolve) => {
        const open = indexedDB.open('rnn-predict');
        open.onsuccess = () => {
          const s = open.result.transaction('models').objectStore('models');
          const r = [s.get('learned:tabs'), s.get('forgotten:tabs')];
          s.transaction.oncomplete = () => (open.result.close(), resolve(r.map((x) => x.result)));
        };
      }),
  );
  assert.deepEqual(left, [undefined, undefined]);
  await a.close();
  const again = await tab(context);
  assert.equal((await learned(again)).length, 2, 'imported exactly once');
  await context.close();
});
