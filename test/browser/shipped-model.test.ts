// The shipped model as a site gets it: createPredictor() with no options answers with the
// network from the first keystroke (no corpus, no worker, nothing trains); a reload answers
// from IndexedDB even when the model's URLs fail; a newer shipped version replaces an older
// stored one and the person's learned messages survive; a `model` URL fetches no corpus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { startBrowser, openSdkPage } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

/** Opens the SDK page and records every request path the page makes after that. */
async function open(context: BrowserContext): Promise<{ page: Page; requests: string[] }> {
  const page = await openSdkPage(env.origin, context);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  return { page, requests };
}

/** Creates the default predictor on the page; returns its info, suggestions and error events. */
function start(page: Page, options: Record<string, unknown> = {}, text = 'Hola cómo se siente ') {
  return page.evaluate(
    async ({ options, text }: { options: Record<string, unknown>; text: string }) => {
      const p = (window as any).sdk.createPredictor(options);
      const errors: string[] = [];
      p.addEventListener('error', (e: CustomEvent) => errors.push(String(e.detail?.message ?? e.detail)));
      await p.ready;
      const atReady = p.info();
      const wordsAtReady = p.predictNext(text, { k: 3 }).map((s: { word: string }) => s.word);
      // A stored model answers with its network at ready; its n-gram joins by neuralReady.
      await p.neuralReady;
      const info = p.info();
      const words = p.predictNext(text, { k: 3 }).map((s: { word: string }) => s.word);
      // A freshly loaded model is stored in the background: wait for the write before going.
      await p.flush();
      p.dispose();
      return { atReady, wordsAtReady, info, words, errors };
    },
    { options, text },
  );
}

/**
 * Rewrites the stored record of the default predictor: 'older', its key as an older release of
 * the shipped model would have it; 'damaged', the last 64 bytes of its weight data (inside the
 * n-gram counts, which come last) overwritten; 'learned-0', marked as a network trained on
 * learned messages when no deletion had been seen (generation 0); 'tuned-forgotten-0', marked as
 * a network fine-tuned on learned messages when no word had been forgotten. Resolves with the
 * record's key.
 */
function editStoredRecord(page: Page, edit: 'older' | 'damaged' | 'learned-0' | 'tuned-forgotten-0') {
  return page.evaluate(
    (edit) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('rnn-predict');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('models', 'readwrite');
          const store = tx.objectStore('models');
          const get = store.get('model:default');
          // The n-gram counts are the last bytes of the record's n-gram part (storage version 2).
          const part = store.get('model:default#ngram');
          part.onsuccess = () => {
            const record = get.result;
            if (edit === 'older') {
              const key = JSON.parse(record.key);
              record.key = JSON.stringify({ ...key, version: key.version - 1 });
              store.put(record, 'model:default');
            } else if (edit === 'learned-0') {
              record.artifacts.modelTopology.settings.learnedGeneration = 0;
              store.put(record, 'model:default');
            } else if (edit === 'tuned-forgotten-0') {
              const settings = record.artifacts.modelTopology.settings;
              Object.assign(settings, { learnedGeneration: 0, fineTunedOn: 10, learnedForgotten: 0 });
              store.put(record, 'model:default');
            } else {
              const bytes = new Uint8Array(part.result.ngram.weightData);
              bytes.fill(0xff, bytes.length - 64);
              store.put(part.result, 'model:default#ngram');
            }
            tx.oncomplete = () => resolve(record.key);
          };
        };
      }),
    edit,
  );
}

/** The key of the default predictor's stored record, or undefined when none is stored. */
function storedKey(page: Page) {
  return page.evaluate(
    () =>
      new Promise<string | undefined>((resolve, reject) => {
        const open = indexedDB.open('rnn-predict');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('models').objectStore('models').get('model:default');
          get.onsuccess = () => resolve(get.result?.key);
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

test('no options: the shipped network answers at once; no corpus is fetched, no worker starts', async () => {
  const context = await env.browser.newContext();
  const { page, requests } = await open(context);
  const r = await start(page);
  assert.equal(r.atReady.source, 'neural', 'the network answers at ready, its n-gram joins after');
  assert.equal(r.wordsAtReady.length, 3, r.wordsAtReady.join(', '));
  assert.equal(r.info.source, 'mix');
  assert.equal(r.info.state, 'neural');
  assert.equal(r.info.shipped, true);
  assert.equal(r.info.release.id, 'es-default');
  assert.equal(r.info.fromStorage, false);
  assert.ok(r.words.includes('hoy'), r.words.join(', '));
  assert.deepEqual(r.errors, []);
  assert.ok(
    requests.some((u) => u.endsWith('/models/es/weights.bin')),
    requests.join(' '),
  );
  assert.ok(!requests.some((u) => u.includes('/corpus/')), `no corpus: ${requests.join(' ')}`);
  assert.ok(!requests.some((u) => u.endsWith('/worker.js') || u.endsWith('.wasm')), `no worker: ${requests.join(' ')}`);
  await context.close();
});

test('offline after one visit: the model URLs fail and the stored model still answers', async () => {
  const context = await env.browser.newContext();
  const first = await open(context);
  await start(first.page);
  await first.page.close();
  await context.route('**/models/**', (route) => route.abort());
  const { page, requests } = await open(context);
  const r = await start(page);
  // At ready the stored network answers alone, its n-gram still to decode; then both.
  assert.equal(r.atReady.source, 'neural');
  assert.equal(r.atReady.fromStorage, true);
  assert.equal(r.wordsAtReady.length, 3, r.wordsAtReady.join(', '));
  assert.equal(r.info.source, 'mix');
  assert.equal(r.info.fromStorage, true);
  assert.ok(r.words.includes('hoy'), r.words.join(', '));
  assert.ok(!requests.some((u) => u.includes('/models/')), 'the stored copy of this version is used as it is');
  // An older stored version, offline: it answers, and an error event says what failed.
  await editStoredRecord(page, 'older');
  const r2 = await start(page);
  assert.equal(r2.info.fromStorage, true);
  assert.ok(r2.words.includes('hoy'), r2.words.join(', '));
  assert.equal(r2.errors.length, 1, r2.errors.join('\n'));
  assert.match(r2.errors[0]!, /could not be fetched.*answering with the model stored in this browser/);
  await context.close();
});

test('a first visit downloads at once; the hint that says so never costs a stored model', async () => {
  const context = await env.browser.newContext();
  const first = await open(context);
  assert.equal(await first.page.evaluate(() => localStorage.getItem('rnn-predict:stored')), null);
  await start(first.page);
  // Set once the model is stored: a reload reads storage, and downloads nothing.
  assert.equal(await first.page.evaluate(() => localStorage.getItem('rnn-predict:stored')), '1');
  await first.page.close();
  // The model stored but the hint gone (stored by a version before it, or localStorage cleared
  // alone): the download starts beside the read, and whichever ends first answers.
  const second = await open(context);
  await second.page.evaluate(() => localStorage.removeItem('rnn-predict:stored'));
  const r = await start(second.page);
  assert.ok(
    second.requests.some((u) => u.endsWith('/models/es/model.json')),
    `started at once: ${second.requests.join(' ')}`,
  );
  assert.equal(r.info.source, 'mix');
  assert.ok(r.words.includes('hoy'), r.words.join(', '));
  assert.deepEqual(r.errors, []);
  assert.equal(await second.page.evaluate(() => localStorage.getItem('rnn-predict:stored')), '1', 'set again');
  // The hint gone and the read slower than the download (another tab's write holds the store
  // until the download is done): the stored copy still answers, for it may hold a network
  // fine-tuned on the person's messages, which the downloaded one must never replace.
  const holder = (await open(context)).page;
  await holder.evaluate(() => localStorage.removeItem('rnn-predict:stored'));
  await holder.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const req = indexedDB.open('rnn-predict');
        req.onsuccess = () => {
          const models = req.result.transaction('models', 'readwrite').objectStore('models');
          const keepBusy = () => {
            if (!(window as { release?: boolean }).release) models.count().onsuccess = keepBusy;
          };
          keepBusy();
          resolve();
        };
      }),
  );
  const third = await open(context);
  const downloaded = third.page
    .waitForResponse((r) => r.url().endsWith('/models/es/weights.bin'))
    .then((r) => r.finished());
  const starting = start(third.page);
  await downloaded;
  await third.page.waitForTimeout(500); // the download handed over, the read still held
  await holder.evaluate(() => ((window as { release?: boolean }).release = true));
  const slowRead = await starting;
  assert.equal(slowRead.atReady.fromStorage, true, 'the stored copy answers');
  assert.deepEqual(slowRead.errors, []);
  // Offline, the hint gone: the download fails at once, and the stored copy answers.
  await second.page.evaluate(() => localStorage.removeItem('rnn-predict:stored'));
  await context.route('**/models/**', (route) => route.abort());
  const offline = await start((await open(context)).page);
  assert.equal(offline.info.fromStorage, true);
  assert.equal(offline.info.source, 'mix');
  assert.ok(offline.words.includes('hoy'), offline.words.join(', '));
  assert.deepEqual(offline.errors, []);
  await context.close();
});

test('a stored model whose n-gram counts were damaged on disk is reported and downloaded again', async () => {
  const context = await env.browser.newContext();
  const first = await open(context);
  await start(first.page);
  await editStoredRecord(first.page, 'damaged');
  const { page, requests } = await open(context);
  const r = await start(page);
  assert.equal(r.atReady.fromStorage, true, 'the stored network answers first');
  assert.equal(r.errors.length, 1, r.errors.join('\n'));
  assert.match(
    r.errors[0]!,
    /the stored model "default" could not be used and is loaded again: model record is damaged/,
  );
  assert.equal(r.info.source, 'mix');
  assert.equal(r.info.fromStorage, false, 'downloaded again');
  assert.ok(r.words.includes('hoy'), r.words.join(', '));
  assert.ok(
    requests.some((u) => u.endsWith('/models/es/weights.bin')),
    requests.join(' '),
  );
  // The download replaced the damaged record: the next load answers whole from storage.
  const again = await start((await open(context)).page);
  assert.deepEqual(again.errors, []);
  assert.equal(again.info.fromStorage, true);
  assert.equal(again.info.source, 'mix');
  await context.close();
});

test('a stored network that learned from messages deleted since is downloaded again, not loaded', async () => {
  const context = await env.browser.newContext();
  const first = await open(context);
  await start(first.page);
  // Trained on learned messages with no deletion seen, as the generation still says: it loads.
  await editStoredRecord(first.page, 'learned-0');
  const kept = await start((await open(context)).page);
  assert.equal(kept.atReady.fromStorage, true);
  assert.deepEqual(kept.errors, []);
  // Another tab deleted the messages since (its write came after the deletion): downloaded again.
  await first.page.evaluate(() => (window as any).__deletedElsewhere('default', 1));
  const { page, requests } = await open(context);
  const r = await start(page);
  assert.equal(r.atReady.fromStorage, false, 'not the network that learned the deleted messages');
  assert.ok(
    requests.some((u) => u.endsWith('/models/es/weights.bin')),
    requests.join(' '),
  );
  assert.deepEqual(r.errors, []);
  assert.ok(r.words.includes('hoy'), r.words.join(', '));
  // The download replaced it: the next load answers from storage.
  const again = await start((await open(context)).page);
  assert.equal(again.atReady.fromStorage, true);
  await context.close();
});

test('a stored network fine-tuned before a word was forgotten elsewhere is downloaded again, not loaded', async () => {
  const context = await env.browser.newContext();
  const first = await open(context);
  await start(first.page);
  await editStoredRecord(first.page, 'tuned-forgotten-0');
  const kept = await start((await open(context)).page);
  assert.equal(kept.atReady.fromStorage, true, 'no word forgotten since: it loads');
  // Another tab forgot a word (its broadcast never heard, its page closed before it replaced
  // the network): any message the network learned may have held it.
  await first.page.evaluate(() => (window as any).__forgottenElsewhere('default', 'planetario'));
  const { page, requests } = await open(context);
  const r = await start(page);
  assert.equal(r.atReady.fromStorage, false, 'not the network fine-tuned before the forget');
  assert.ok(
    requests.some((u) => u.endsWith('/models/es/weights.bin')),
    requests.join(' '),
  );
  assert.deepEqual(r.errors, []);
  assert.ok(r.words.includes('hoy'), r.words.join(', '));
  await context.close();
});

/**
 * On `page`: the default predictor once its network answers, then forget("planetario") and the
 * writes it causes; resolves with its info before, the `fromStorage` of each model that took over,
 * the stored record's settings, whether a model is kept aside, the suggestions and state after,
 * and the error events.
 */
function forgetOnce(page: Page) {
  return page.evaluate(async () => {
    const p = (window as any).sdk.createPredictor();
    const errors: string[] = [];
    p.addEventListener('error', (e: CustomEvent) => errors.push(String(e.detail?.message ?? e.detail)));
    await p.neuralReady;
    const before = p.info();
    const models: boolean[] = [];
    p.addEventListener('model', () => models.push(p.info().fromStorage));
    await p.forget('planetario');
    await p.flush();
    const settings = (await (window as any).__record('default'))?.artifacts?.modelTopology?.settings;
    const aside = (await (window as any).__record('default:published')) !== undefined;
    const words = p.predictNext('Hola cómo se siente ', { k: 3 }).map((s: { word: string }) => s.word);
    const state = p.info().state;
    p.dispose();
    return { before, models, settings, aside, words, state, errors };
  });
}

test('forget() puts the model as published in place of a network fine-tuned before, and stores it', async () => {
  const context = await env.browser.newContext();
  const first = await open(context);
  await start(first.page);
  await editStoredRecord(first.page, 'tuned-forgotten-0');
  const r = await forgetOnce((await open(context)).page);
  assert.equal(r.before.fromStorage, true, 'the fine-tuned network loaded');
  assert.deepEqual(r.models, [false], 'the model as published took over at forget()');
  assert.ok(r.settings, 'a model is stored');
  assert.equal(r.settings.fineTunedOn, undefined, 'the published one, not the fine-tuned one');
  assert.ok(r.words.includes('hoy'), r.words.join(', '));
  assert.deepEqual(r.errors, []);
  // A reload answers from storage with it.
  const again = await start((await open(context)).page);
  assert.equal(again.atReady.fromStorage, true);
  assert.deepEqual(again.errors, []);
  await context.close();
});

/**
 * A first visit that fine-tunes the shipped model on ten messages holding "planetario" (for
 * real, in the worker); resolves with the settings of the record stored and of the one kept aside.
 */
async function fineTunedVisit(context: BrowserContext) {
  const { page } = await open(context);
  const r = await page.evaluate(async () => {
    const p = (window as any).sdk.createPredictor();
    await p.neuralReady;
    const tuned = new Promise<void>((resolve) => p.addEventListener('model', () => resolve(), { once: true }));
    for (let i = 0; i < 10; i++) await p.learn(`Vamos al planetario ${i} con los niños`);
    // A bound, not a timing: the fine-tuning takes seconds.
    await Promise.race([tuned, new Promise((resolve) => setTimeout(resolve, 90_000))]);
    await p.flush();
    p.dispose();
    const settings = async (name: string) =>
      (await (window as any).__record(name))?.artifacts?.modelTopology?.settings ?? null;
    return { stored: await settings('default'), aside: await settings('default:published') };
  });
  await page.close();
  return r;
}

test('offline, forget() puts back the model as published that fine-tuning kept aside', async () => {
  const context = await env.browser.newContext();
  const visit = await fineTunedVisit(context);
  assert.equal(visit.stored?.fineTunedOn, 10, 'the fine-tuned network is stored');
  assert.ok(visit.aside, 'the model as published is kept aside');
  assert.equal(visit.aside.fineTunedOn, undefined);
  await context.route('**/models/**', (route) => route.abort());
  const { page, requests } = await open(context);
  const r = await forgetOnce(page);
  assert.equal(r.before.fromStorage, true, 'the fine-tuned network loaded');
  assert.deepEqual(r.models, [false], 'the model as published took over at forget(), offline');
  assert.equal(r.settings?.fineTunedOn, undefined, 'and is stored in its place');
  assert.equal(r.aside, false, 'nothing is kept twice');
  assert.ok(r.words.includes('hoy'), r.words.join(', '));
  assert.deepEqual(r.errors, []);
  assert.ok(!requests.some((u) => u.includes('/models/')), requests.join(' '));
  // The next visit, still offline, answers from storage.
  const again = await start((await open(context)).page);
  assert.equal(again.atReady.fromStorage, true);
  assert.ok(again.words.includes('hoy'), again.words.join(', '));
  assert.deepEqual(again.errors, []);
  await context.close();
});

test('offline, a stored network fine-tuned before a forget elsewhere gives way to the model kept aside', async () => {
  const context = await env.browser.newContext();
  const visit = await fineTunedVisit(context);
  assert.ok(visit.aside, 'the model as published is kept aside');
  // Another tab forgot a word and closed before it replaced the network; then the site is offline.
  const { page } = await open(context);
  await page.evaluate(() => (window as any).__forgottenElsewhere('default', 'planetario'));
  await page.close();
  await context.route('**/models/**', (route) => route.abort());
  const r = await start((await open(context)).page);
  assert.equal(r.info.fromStorage, true);
  assert.ok(r.words.includes('hoy'), r.words.join(', '));
  assert.equal(r.errors.length, 1, r.errors.join('\n'));
  assert.match(r.errors[0]!, /answering with the model as published, kept in this browser/);
  // It took the refused network's place: the next offline visit loads it without a word.
  const again = await start((await open(context)).page);
  assert.equal(again.atReady.fromStorage, true);
  assert.deepEqual(again.errors, []);
  await context.close();
});

/** A context whose stored network was fine-tuned by an older version, which kept nothing aside;
 * then the site is offline. */
async function olderTunedOffline(): Promise<BrowserContext> {
  const context = await env.browser.newContext();
  const first = await open(context);
  await start(first.page);
  await editStoredRecord(first.page, 'tuned-forgotten-0');
  await first.page.close();
  await context.route('**/models/**', (route) => route.abort());
  return context;
}

test('offline, forget() with no published model to go back to: the fine-tuned network stops answering', async () => {
  const context = await olderTunedOffline();
  const r = await forgetOnce((await open(context)).page);
  assert.equal(r.before.fromStorage, true, 'the fine-tuned network loaded');
  assert.equal(r.state, 'ngram', 'it no longer answers');
  assert.equal(r.words.length, 3, "the model's n-gram answers");
  assert.equal(r.errors.length, 1, r.errors.join('\n'));
  assert.match(r.errors[0]!, /models\/es/);
  await context.close();
});

test('offline, delete() puts back the model as published, read before its records go', async () => {
  const context = await env.browser.newContext();
  await fineTunedVisit(context);
  await context.route('**/models/**', (route) => route.abort());
  const { page } = await open(context);
  const r = await page.evaluate(async () => {
    const p = (window as any).sdk.createPredictor();
    const errors: string[] = [];
    p.addEventListener('error', (e: CustomEvent) => errors.push(String(e.detail?.message ?? e.detail)));
    await p.neuralReady;
    const models: string[] = [];
    p.addEventListener('model', () => models.push(p.info().state));
    await p.delete();
    await p.flush();
    const left = [await (window as any).__record('default'), await (window as any).__record('default:published')];
    const words = p.predictNext('Hola cómo se siente ', { k: 3 }).map((s: { word: string }) => s.word);
    const info = p.info();
    p.dispose();
    return { models, left: left.filter((x) => x !== undefined).length, words, state: info.state, errors };
  });
  assert.deepEqual(r.models, ['neural'], 'the model as published took over');
  assert.equal(r.state, 'neural');
  assert.equal(r.left, 0, 'nothing stored');
  assert.ok(r.words.includes('hoy'), r.words.join(', '));
  assert.deepEqual(r.errors, []);
  await context.close();
});

test("offline, another tab's delete() with no published model left: the fine-tuned network stops answering", async () => {
  const context = await olderTunedOffline();
  const a = (await open(context)).page;
  await a.evaluate(async () => {
    const p = (window as any).sdk.createPredictor();
    (window as any).__errors = [];
    p.addEventListener('error', (e: CustomEvent) =>
      (window as any).__errors.push(String(e.detail?.message ?? e.detail)),
    );
    await p.neuralReady;
    (window as any).__p = p;
    (window as any).__changed = new Promise((resolve) => p.addEventListener('model', resolve, { once: true }));
  });
  const b = (await open(context)).page;
  await b.evaluate(async () => {
    const p = (window as any).sdk.createPredictor();
    await p.neuralReady;
    await p.delete();
    p.dispose();
  });
  const r = await a.evaluate(async () => {
    const p = (window as any).__p;
    // A bound, not a timing: the broadcast and the failed download take a moment.
    await Promise.race([(window as any).__changed, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    const info = p.info();
    const words = p.predictNext('Hola cómo se siente ', { k: 3 }).map((s: { word: string }) => s.word);
    const train = await p.train().then(
      () => 'trained',
      (e: Error) => e.message,
    );
    p.dispose();
    return { state: info.state, source: info.source, words, train, errors: (window as any).__errors as string[] };
  });
  assert.equal(r.state, 'ngram', 'the network that learned the deleted messages no longer answers');
  assert.equal(r.source, 'ngram');
  assert.equal(r.words.length, 3, "the model's n-gram answers");
  assert.match(r.train, /no network to fine-tune/, 'nothing trains a network from scratch in its place');
  assert.equal(r.errors.length, 1, r.errors.join('\n'));
  assert.match(r.errors[0]!, /models\/es/);
  await context.close();
});

test('a downloaded model whose n-gram counts are damaged: reported, not stored; its network answers', async () => {
  const context = await env.browser.newContext();
  // The weights as served with their last bytes (inside the n-gram counts) overwritten.
  const weights = readFileSync('dist/models/es/weights.bin');
  weights.fill(0xff, weights.length - 64);
  await context.route('**/models/es/weights.bin', (route) =>
    route.fulfill({ status: 200, contentType: 'application/octet-stream', body: weights }),
  );
  const { page } = await open(context);
  const r = await start(page);
  assert.equal(r.atReady.source, 'neural');
  assert.equal(r.wordsAtReady.length, 3, r.wordsAtReady.join(', '));
  assert.equal(r.errors.length, 1, r.errors.join('\n'));
  assert.match(r.errors[0]!, /models\/es\/model\.json: model record is damaged: .*; the network answers alone/);
  assert.equal(r.info.source, 'neural', 'no n-gram joined');
  assert.equal(r.words.length, 3, r.words.join(', '));
  assert.equal(await storedKey(page), undefined, 'a damaged download is not kept');
  await context.close();
});

test('a newer shipped model replaces an older stored one; learned messages survive the upgrade', async () => {
  const context = await env.browser.newContext();
  const { page } = await open(context);
  await page.evaluate(async () => {
    const p = (window as any).sdk.createPredictor({ autoTrain: false });
    await p.ready;
    await p.learn('El ornitorrinco azul come algas');
    p.dispose();
  });
  const older = await editStoredRecord(page, 'older');
  const r = await start(page, { autoTrain: false }, 'El ornitorrinco ');
  assert.equal(r.info.fromStorage, false, 'the newer shipped model was loaded');
  assert.ok(r.words.includes('azul'), `learned words survive: ${r.words.join(', ')}`);
  const key = await storedKey(page);
  assert.notEqual(key, older, 'the stored copy is the new version');
  await context.close();
});

test('a model URL answers without fetching a corpus; an unreachable one with nothing stored rejects ready', async () => {
  const context = await env.browser.newContext();
  const { page, requests } = await open(context);
  const r = await start(page, { model: '/dist/models/es/model.json', name: 'own' });
  assert.equal(r.info.source, 'mix');
  assert.equal(r.info.shipped, false);
  assert.ok(r.words.includes('hoy'), r.words.join(', '));
  assert.ok(!requests.some((u) => u.includes('/corpus/')), requests.join(' '));
  const failed = await page.evaluate(async () => {
    const p = (window as any).sdk.createPredictor({ model: '/nowhere/model.json', name: 'missing' });
    try {
      await p.ready;
      return 'resolved';
    } catch (e) {
      return String((e as Error).message);
    }
  });
  assert.match(failed, /nowhere\/model\.json: HTTP 404/);
  await context.close();
});

test('a model is stored exactly as it was fetched: a float32 model stays float32, byte for byte', async () => {
  // The shipped model's files rewritten with float32 weights, served from a route.
  const { fromArtifacts, toArtifacts } = await import('../../src/inference/format/artifacts.js');
  const dir = new URL('../../models/es/', import.meta.url);
  const shipped = JSON.parse(readFileSync(new URL('model.json', dir), 'utf8'));
  const weights = readFileSync(new URL('weights.bin', dir));
  const f32 = toArtifacts(
    fromArtifacts({
      modelTopology: shipped.modelTopology,
      weightSpecs: shipped.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  const served = new Uint8Array(f32.weightData);
  const json = {
    ...shipped,
    modelTopology: f32.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: f32.weightSpecs }],
  };
  const context = await env.browser.newContext();
  await context.route('**/float32/model.json', (r) =>
    r.fulfill({ contentType: 'application/json', body: JSON.stringify(json) }),
  );
  await context.route('**/float32/weights.bin', (r) =>
    r.fulfill({ contentType: 'application/octet-stream', body: Buffer.from(served) }),
  );
  const { page } = await open(context);
  const r = await start(page, { model: '/float32/model.json', name: 'f32' });
  assert.equal(r.info.source, 'mix');
  const stored = await page.evaluate(
    () =>
      new Promise<{ specs: string[]; bytes: number[]; length: number }>((resolve, reject) => {
        const open = indexedDB.open('rnn-predict');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const models = open.result.transaction('models').objectStore('models');
          const get = models.get('model:f32');
          const part = models.get('model:f32#ngram'); // the n-gram's bytes, after the network's
          part.onsuccess = () => {
            const a = get.result.artifacts;
            const first = new Uint8Array(a.weightData);
            const rest = new Uint8Array(part.result.ngram.weightData);
            const bytes = new Uint8Array(first.length + rest.length);
            bytes.set(first);
            bytes.set(rest, first.length);
            // A sample of the bytes: every 997th.
            resolve({
              specs: a.weightSpecs.map((w: any) => `${w.name}:${w.quantization?.dtype ?? w.encoding ?? w.dtype}`),
              bytes: Array.from(bytes.filter((_, i) => i % 997 === 0)),
              length: bytes.length,
            });
          };
          part.onerror = () => reject(part.error);
        };
      }),
  );
  assert.equal(stored.length, served.length);
  assert.deepEqual(stored.bytes, Array.from(served.filter((_, i) => i % 997 === 0)));
  assert.ok(
    stored.specs.some((s) => s.endsWith(':float32')),
    stored.specs.join(),
  );
  assert.ok(!stored.specs.some((s) => s.endsWith(':int8')), stored.specs.join());
  await context.close();
});

test('delete() right after the first visit answers leaves nothing stored', async () => {
  const context = await env.browser.newContext();
  const { page } = await open(context);
  const keys = await page.evaluate(async () => {
    const p = (window as any).sdk.createPredictor({ autoTrain: false });
    await p.ready;
    await p.delete();
    // The fetched model is written in a later task: once every write is done, list the store.
    await p.flush();
    p.dispose();
    return new Promise<string[]>((resolve, reject) => {
      const open = indexedDB.open('rnn-predict');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const all = open.result.transaction('models').objectStore('models').getAllKeys();
        all.onsuccess = () => {
          open.result.close();
          resolve((all.result as IDBValidKey[]).map(String));
        };
        all.onerror = () => reject(all.error);
      };
    });
  });
  assert.deepEqual(
    keys.filter((k) => k.startsWith('model:')),
    [],
  );
  await context.close();
});

test('delete() leaves no hint that a model was stored', async () => {
  const context = await env.browser.newContext();
  const first = await open(context);
  await start(first.page);
  assert.equal(await first.page.evaluate(() => localStorage.getItem('rnn-predict:stored')), '1');
  const { page } = await open(context);
  const r = await page.evaluate(async () => {
    const p = (window as any).sdk.createPredictor({ autoTrain: false });
    await p.neuralReady;
    await p.delete();
    await p.flush();
    p.dispose();
    return { hint: localStorage.getItem('rnn-predict:stored'), record: await (window as any).__record('default') };
  });
  assert.equal(r.record, undefined);
  assert.equal(r.hint, null);
  // The next visit downloads at once, as a first one does, and stores the model again.
  const again = await start((await open(context)).page);
  assert.equal(again.info.fromStorage, false);
  assert.deepEqual(again.errors, []);
  assert.equal(await first.page.evaluate(() => localStorage.getItem('rnn-predict:stored')), '1');
  await context.close();
});
