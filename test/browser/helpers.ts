// Starts the demo server and headless Chromium for browser tests.
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error plain JS module without types
import { startServer } from '../../scripts/serve.js';
import type { Server } from 'node:http';

export const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export async function startBrowser(): Promise<{
  browser: Browser;
  server: Server;
  origin: string;
  close: () => Promise<void>;
}> {
  const executablePath = process.env.CHROME_PATH;
  if (!executablePath)
    throw new Error('CHROME_PATH is not set: run the browser tests through "npm test", which finds Chromium');
  const server: Server = await startServer(0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({ executablePath, args: CHROME_FLAGS, headless: true });
  return {
    browser,
    server,
    origin: `http://localhost:${port}`,
    close: async () => {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The first 300 lines of the shipped corpus and model sizes that train in a second or two. */
export const SMALL_CORPUS = readFileSync(new URL('../../corpus/es-conversaciones.txt', import.meta.url), 'utf8')
  .split('\n')
  .slice(0, 300)
  .join('\n');
export const TINY = { hiddenSize: 16, embeddingSize: 8, vocabularySize: 400, epochs: 1 };

/**
 * Opens the blank fixture page with the one-file bundle loaded as `window.sdk`. Page errors and
 * console errors go to `errors` when given; without it a page error fails the test run.
 * Unhandled rejections are collected in `window.__unhandled`.
 */
/**
 * On the page:
 * - `window.__record(name)`: the model record IndexedDB holds under `name`, or undefined;
 * - `window.__stored(name)`: resolves once there is one (a condition, not a fixed sleep; the
 *   test's own timeout bounds it);
 * - `window.__deletedElsewhere(name, generation)`: another tab's delete() as storage sees it
 *   (storage/learned-log.ts's clear()), without its broadcast: the learned records of `name` go
 *   and the generation becomes `generation`.
 * - `window.__forgottenElsewhere(name, word)`: another tab's forget(word) as storage sees it
 *   (storage/learned-log.ts's forget()), without its broadcast.
 */
const STORAGE_HELPERS = `
window.__record = (name) => new Promise((resolve) => {
  const open = indexedDB.open('rnn-predict');
  open.onerror = () => resolve(undefined);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains('models')) { db.close(); resolve(undefined); return; }
    const get = db.transaction('models').objectStore('models').get('model:' + name);
    get.onsuccess = () => { db.close(); resolve(get.result); };
    get.onerror = () => { db.close(); resolve(undefined); };
  };
});
window.__stored = async (name) => {
  while ((await window.__record(name)) === undefined) await new Promise((r) => setTimeout(r, 20));
};
window.__deletedElsewhere = (name, generation) => new Promise((resolve, reject) => {
  const open = indexedDB.open('rnn-predict-learned');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction('records', 'readwrite');
    const records = tx.objectStore('records');
    records.delete(IDBKeyRange.bound([name, ''], [name, []]));
    records.put({ generation }, [name, 'g']);
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
});
window.__forgottenElsewhere = (name, word) => new Promise((resolve, reject) => {
  const open = indexedDB.open('rnn-predict-learned');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction('records', 'readwrite');
    tx.objectStore('records').put({ word }, [name, 'f', word]);
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
});`;

export async function openSdkPage(
  origin: string,
  context: { newPage(): Promise<Page> },
  errors?: string[],
): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    if (!errors) throw e;
    errors.push(e.message);
  });
  if (errors) page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  // tsx compiles the callbacks given to page.evaluate and may wrap named functions in __name().
  await page.addInitScript({
    content:
      'window.__name = (f) => f; window.__unhandled = []; addEventListener("unhandledrejection", (e) => window.__unhandled.push(String(e.reason)));' +
      STORAGE_HELPERS,
  });
  await page.goto(origin + '/test/fixtures/blank.html');
  await page.evaluate(async (o) => {
    (window as unknown as { sdk: unknown }).sdk = await import(`${o}/dist/rnn-predict.bundle.js`);
  }, origin);
  return page;
}

/**
 * On the page: imports the bundle (cached after openSdkPage), creates a predictor with these
 * options, waits for its network (and, with `waitStored`, for its record in IndexedDB), and returns
 * its info() after disposing it.
 */
export async function neuralInfo(
  page: Page,
  origin: string,
  options: Record<string, unknown>,
  waitStored = false,
): Promise<any> {
  return page.evaluate(
    async ({ origin, options, waitStored }) => {
      const sdk = await import(`${origin}/dist/rnn-predict.bundle.js`);
      const p = sdk.createPredictor(options);
      await p.neuralReady;
      if (waitStored) await (window as any).__stored(options.name);
      const info = p.info();
      p.dispose();
      return info;
    },
    { origin, options, waitStored },
  );
}

/** axe-core's violations on the page, one line each ("id: html | html"). */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({
      content: readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8'),
    });
  }
  return page.evaluate(async () => {
    const r = await (
      window as unknown as { axe: { run: () => Promise<{ violations: { id: string; nodes: { html: string }[] }[] }> } }
    ).axe.run();
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((x) => x.html).join(' | ')}`);
  });
}

/**
 * Waits two frames. `<rnn-predict>` predicts once a frame (in a requestAnimationFrame asked for
 * by the last keystroke), so after this its suggestions and phrase are for all the text typed,
 * never for a frame between the keys (after 'M' of 'Me gusta ' the phrase is 'Me gusta mucho el').
 */
export const settle = (page: Page): Promise<unknown> =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
