// Faults and security in a real browser: strict CSP, quota exceeded, WebGL context lost,
// two tabs, reload mid-training, and a soak of predictions and train/cancel cycles.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import { startBrowser, openSdkPage, neuralInfo, SMALL_CORPUS, TINY } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
const openPage = (context: BrowserContext, errors?: string[]) => openSdkPage(env.origin, context, errors);
const corpus = SMALL_CORPUS;

before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

describe('security', () => {
  test('works under a strict Content-Security-Policy (no eval, same-origin worker)', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(env.origin + '/test/fixtures/csp.html?csp=strict');
    const header = await page.evaluate(() =>
      fetch(location.href).then((r) => r.headers.get('content-security-policy')),
    );
    assert.match(header ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
    await page.waitForFunction(() => (window as any).__result !== undefined, undefined, { timeout: 60_000 });
    const r = await page.evaluate(() => (window as any).__result);
    assert.equal(r.ok, true, r.error);
    assert.equal(r.info.state, 'neural');
    assert.deepEqual(r.violations, []);
    await context.close();
  });
});

describe('faults', () => {
  test('quota exceeded: reported as such, the stored model is not half-written', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const first = await neuralInfo(page, env.origin, { corpus, name: 'quota', ...TINY }, true);
    const r = await page.evaluate(
      async ({ corpus, TINY, origin }) => {
        const sdk = await import(`${origin}/dist/rnn-predict.bundle.js`);
        // The storage is full: every model write fails as a full disk makes it fail.
        const put = IDBObjectStore.prototype.put;
        IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
          if (String(key).startsWith('model:')) {
            this.transaction.abort();
            throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          }
          return put.call(this, value, key);
        };
        const p = sdk.createPredictor({ corpus, name: 'quota', ...TINY, hiddenSize: 64, vocabularySize: 1500 });
        const errors: string[] = [];
        p.addEventListener('error', (e: CustomEvent) => errors.push(`${e.detail.name}: ${e.detail.message}`));
        await p.neuralReady;
        const words = p.predictNext('Hola ', { k: 2 });
        p.dispose();
        return { errors, words };
      },
      { corpus, TINY, origin: env.origin },
    );
    assert.ok(
      r.errors.some((m) => /^QuotaExceededError: storage quota exceeded/.test(m)),
      r.errors.join('; '),
    );
    assert.equal(r.words.length, 2, 'suggestions keep working');
    await page.reload();
    const again = await neuralInfo(page, env.origin, { corpus, name: 'quota', ...TINY });
    assert.equal(again.fromStorage, true);
    assert.equal(again.trainedAt, first.trainedAt, 'the first model is still the stored one');
    await context.close();
  });

  test('WebGL context lost mid-training: training carries on with wasm or reports; the stored model stays intact', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const r = await page.evaluate(
      async ({ corpus, TINY }) => {
        const { createPredictor } = (window as any).sdk;
        const p = createPredictor({ corpus, name: 'webgl-lost', ...TINY, backend: 'webgl' });
        await p.neuralReady;
        await (window as any).__stored('webgl-lost');
        const before = p.info();
        const worker = p[Symbol.for('rnn-predict.worker')]();
        let losing: Promise<boolean> | undefined;
        const outcome = await p
          .train({
            epochs: 2,
            onProgress: (x: any) => {
              if (!losing && x.phase === 'batch') losing = worker.loseWebglContext();
            },
          })
          .then(
            (i: any) => `trained on ${i.backend}: ${i.backendReason}`,
            (e: Error) => `reported ${e.name}: ${e.message}`,
          );
        const words = p.predictNext('Hola ', { k: 2 }).map((s: any) => s.word);
        p.dispose();
        const q = createPredictor({ corpus, name: 'webgl-lost', ...TINY, backend: 'webgl', autoTrain: false });
        await q.neuralReady;
        const stored = q.info();
        q.dispose();
        // true only if the worker was on WebGL and its context was really lost
        const lost = await losing;
        return { lost, outcome, words, before, stored };
      },
      { corpus, TINY },
    );
    assert.equal(r.lost, true, 'the WebGL context was lost during training');
    assert.equal(r.before.backend, 'webgl');
    assert.match(
      r.outcome,
      /^trained on wasm: webgl failed during training/,
      'the wasm fallback finished the training',
    );
    assert.equal(r.words.length, 2);
    assert.equal(r.stored.fromStorage, true, 'a model is still stored and loads');
    await context.close();
  });

  test('two tabs with the same model name: one trains, the other waits and loads its result', async () => {
    const context = await env.browser.newContext();
    const [a, b] = [await openPage(context), await openPage(context)];
    const start = ({ corpus, TINY }: { corpus: string; TINY: object }) => {
      const p = (window as any).sdk.createPredictor({ corpus, name: 'two-tabs', ...TINY });
      let progress = 0;
      p.addEventListener('progress', () => progress++);
      return p.neuralReady.then(() => ({ progress, info: p.info() }));
    };
    const [ra, rb] = await Promise.all([a.evaluate(start, { corpus, TINY }), b.evaluate(start, { corpus, TINY })]);
    const trained = [ra, rb].filter((r) => r.progress > 0);
    const loaded = [ra, rb].filter((r) => r.progress === 0);
    assert.equal(trained.length, 1, `exactly one tab trains (progress ${ra.progress}, ${rb.progress})`);
    assert.equal(loaded.length, 1);
    assert.equal(loaded[0]!.info.fromStorage, true);
    assert.equal(loaded[0]!.info.trainedAt, trained[0]!.info.trainedAt);
    await context.close();
  });

  test('a reload in the middle of training loads the previous model', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const first = await page.evaluate(
      async ({ corpus, TINY }) => {
        const p = (window as any).sdk.createPredictor({ corpus, name: 'reload', ...TINY });
        await p.neuralReady;
        await (window as any).__stored('reload');
        const info = p.info();
        // Start a long retraining and leave it running.
        p.train({ epochs: 50 }).catch(() => {});
        await new Promise((r) => p.addEventListener('progress', r, { once: true }));
        return info;
      },
      { corpus, TINY },
    );
    await page.reload();
    const after = await neuralInfo(page, env.origin, { corpus, name: 'reload', ...TINY });
    assert.equal(after.fromStorage, true);
    assert.equal(after.trainedAt, first.trainedAt);
    await context.close();
  });
});

describe('no IndexedDB', () => {
  test('IndexedDB unavailable (private mode): reported, everything keeps working in memory', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.addInitScript({
      content:
        'window.__name = (f) => f; Object.defineProperty(IDBFactory.prototype, "open", { value() { throw new DOMException("The user denied permission to access the database.", "InvalidStateError"); } });',
    });
    await page.goto(env.origin + '/test/fixtures/blank.html');
    const r = await page.evaluate(
      async ({ corpus, TINY, origin }) => {
        const sdk = await import(`${origin}/dist/rnn-predict.bundle.js`);
        const p = sdk.createPredictor({ corpus, name: 'private', ...TINY });
        const errors: string[] = [];
        p.addEventListener('error', (e: CustomEvent) => errors.push(`${e.detail.name}: ${e.detail.message}`));
        await p.ready;
        await p.neuralReady;
        await p.learn('Hola, ¿qué tal?');
        const words = p.predictNext('Hola ', { k: 2 });
        const save = await p.save().then(
          () => 'saved',
          (e: Error) => e.message,
        );
        p.dispose();
        return { errors, words, state: p.info().state, save };
      },
      { corpus, TINY, origin: env.origin },
    );
    assert.ok(
      r.errors.some((m) => /^StorageError: IndexedDB failed while/.test(m)),
      r.errors.join('; '),
    );
    assert.equal(r.words.length, 2);
    assert.equal(r.state, 'neural');
    assert.match(r.save, /IndexedDB is not available here/);
    await context.close();
  });
});

describe('the worker killed', () => {
  test('mid-training: reported, the previous model kept, a fresh worker trains next time', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const r = await page.evaluate(
      async ({ corpus, TINY }) => {
        const p = (window as any).sdk.createPredictor({ corpus, name: 'killed', ...TINY, workerTimeout: 2 });
        await p.neuralReady;
        const before = p.predictNext('Hola ', { k: 3 });
        const errors: string[] = [];
        p.addEventListener('error', (e: CustomEvent) => errors.push(`${e.detail.name}: ${e.detail.message}`));
        let killed = false;
        const outcome = await p
          .train({
            epochs: 20,
            onProgress: () => {
              if (!killed) {
                killed = true;
                p[Symbol.for('rnn-predict.kill-worker')]();
              }
            },
          })
          .then(
            () => 'resolved',
            (e: Error) => `${e.name}: ${e.message}`,
          );
        const after = p.predictNext('Hola ', { k: 3 });
        const state = p.info().state;
        const retrained = await p.train({ epochs: 1 }).then(
          (i: any) => i.state,
          (e: Error) => `failed: ${e.message}`,
        );
        p.dispose();
        return { outcome, errors, before, after, state, retrained };
      },
      { corpus, TINY },
    );
    assert.match(r.outcome, /^WorkerError: the training worker stopped responding/);
    assert.ok(r.errors.some((m) => /stopped responding/.test(m)));
    assert.deepEqual(r.after, r.before, 'the previous model keeps answering');
    assert.equal(r.state, 'neural');
    assert.equal(r.retrained, 'neural', 'a fresh worker trains');
    await context.close();
  });
});

describe('privacy', () => {
  test('requests go only to the package and the corpus; learn stores on the device; delete removes it all', async () => {
    const context = await env.browser.newContext();
    const requests: string[] = [];
    context.on('request', (req) => requests.push(new URL(req.url()).pathname));
    const page = await openPage(context);
    const r = await page.evaluate(
      async ({ TINY, origin }) => {
        const { createPredictor } = (window as any).sdk;
        const p = createPredictor({ corpus: `${origin}/dist/corpus/es-conversaciones.txt`, name: 'privacy', ...TINY });
        await p.neuralReady;
        await p.learn('Mañana quedamos con Zenobia en la terraza del zoco');
        const learned = p.predictNext('quedamos con ', { k: 3 }).map((s: any) => s.word);
        // Both databases: the models, and the learned text (one record per message).
        const keys = (db: string, store: string) =>
          new Promise<unknown[]>((resolve) => {
            const open = indexedDB.open(db);
            open.onsuccess = () => {
              const tx = open.result.transaction(store);
              const k = tx.objectStore(store).getAllKeys();
              const v = tx.objectStore(store).getAll();
              tx.oncomplete = () => {
                open.result.close();
                resolve(k.result.map((x, i) => [x, v.result[i]]));
              };
            };
          });
        const dump = async () => {
          const models = (await keys('rnn-predict', 'models')).map((e: any) => String(e[0])).sort();
          const learned = (await keys('rnn-predict-learned', 'records')).map((e: any) => JSON.stringify(e));
          return [...models, ...learned];
        };
        const storedBefore = await dump();
        await p.delete();
        const storedAfter = await dump();
        const afterDelete = p.predictNext('quedamos con ', { k: 3 }).map((s: any) => s.word);
        p.dispose();
        return { learned, storedBefore, storedAfter, afterDelete };
      },
      { TINY, origin: env.origin },
    );
    assert.ok(r.learned.includes('Zenobia') || r.learned.includes('zenobia'), r.learned.join(','));
    // The model (its n-gram in a record of its own), the message, and the number of messages
    // (a count, no text).
    assert.equal(r.storedBefore.length, 4, r.storedBefore.join(' '));
    assert.deepEqual(r.storedBefore.slice(0, 2), ['model:privacy', 'model:privacy#ngram']);
    assert.match(r.storedBefore[2]!, /^\[\["privacy","m",\d+,"\w+",\d+\],\{"text":"Mañana quedamos con Zenobia/);
    assert.equal(r.storedBefore[3], '[["privacy","n"],{"count":1}]');
    // What is left is the deletion's generation number, which holds no text.
    assert.deepEqual(r.storedAfter, ['[["privacy","g"],{"generation":1}]']);
    assert.ok(
      !r.afterDelete.map((w: string) => w.toLowerCase()).includes('zenobia'),
      'learned text is gone from memory too',
    );
    const allowed =
      /^\/(test\/fixtures\/blank\.html|dist\/(rnn-predict\.bundle\.js|worker\.js|tfjs-backend-wasm[-a-z]*\.wasm|corpus\/es-conversaciones\.txt))$/;
    const other = [...new Set(requests)].filter((u) => !allowed.test(u));
    assert.deepEqual(other, [], 'no other request');
    await context.close();
  });
});

describe('soak', () => {
  test('100,000 predictions and 10 train/cancel cycles: tensor count constant, no rejection, no console error', async () => {
    const context = await env.browser.newContext();
    const errors: string[] = [];
    const page = await openPage(context, errors);
    const r = await page.evaluate(
      async ({ corpus, TINY }) => {
        const p = (window as any).sdk.createPredictor({ corpus, name: 'soak', ...TINY, persist: false });
        await p.neuralReady;
        const worker = p[Symbol.for('rnn-predict.worker')]();
        const text = 'Hola, ¿cómo se siente hoy? Muy bien, gracias por preguntar.';
        // Every answer must equal the first answer for the same text (nothing drifts or leaks
        // between calls), and most must be full.
        const first = new Map<number, string>();
        let n = 0,
          changed = 0;
        for (let i = 0; i < 100_000; i++) {
          const cut = 1 + ((i * 7) % text.length);
          const words = p.predictNext(text.slice(0, cut), { k: 3 });
          const key = JSON.stringify(words);
          if (!first.has(cut)) first.set(cut, key);
          else if (first.get(cut) !== key) changed++;
          n += words.length;
        }
        const full = [...first.values()].filter((k) => JSON.parse(k).length === 3).length;
        const tensorsBefore = await worker.tensorCount();
        const outcomes: string[] = [];
        for (let c = 0; c < 10; c++) {
          const controller = new AbortController();
          const done = p.train({
            epochs: 5,
            signal: controller.signal,
            onProgress: (x: any) => {
              if (x.phase === 'batch') controller.abort();
            },
          });
          outcomes.push(
            await done.then(
              () => 'done',
              (e: Error) => e.name,
            ),
          );
        }
        const tensorsAfter = await worker.tensorCount();
        const unhandled = (window as any).__unhandled;
        p.dispose();
        return { n, changed, full, cuts: first.size, tensorsBefore, tensorsAfter, outcomes, unhandled };
      },
      { corpus, TINY },
    );
    assert.equal(r.changed, 0, 'the same text always gets the same suggestions');
    assert.equal(r.cuts, 'Hola, ¿cómo se siente hoy? Muy bien, gracias por preguntar.'.length);
    assert.ok(r.full > r.cuts / 2, `${r.full} of ${r.cuts} texts get 3 suggestions`);
    assert.ok(r.n >= 100_000, `${r.n} suggestions in 100,000 calls`);
    assert.deepEqual(r.outcomes, Array(10).fill('AbortError'));
    assert.equal(r.tensorsAfter, r.tensorsBefore);
    assert.deepEqual(r.unhandled, []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
