// The browser runtime: training in the worker (wasm and software WebGL), progress events,
// IndexedDB persistence across reloads, cancellation, damaged records, long tasks.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowser, openSdkPage, neuralInfo, SMALL_CORPUS, TINY } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
const openPage = (context: { newPage(): Promise<Page> } = env.browser) => openSdkPage(env.origin, context);
const corpus = SMALL_CORPUS;

before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

describe('training in the worker', () => {
  for (const backend of ['wasm', 'webgl'] as const) {
    test(`a tiny model trains on ${backend}, progress events arrive, the network takes over`, async () => {
      const context = await env.browser.newContext();
      const page = await openPage(context);
      const r = await page.evaluate(
        async ({ corpus, TINY, backend }) => {
          const { createPredictor } = (window as any).sdk;
          const p = createPredictor({ corpus, name: `t-${backend}`, backend, ...TINY });
          const events: string[] = [];
          let progress = 0;
          p.addEventListener('progress', () => progress++);
          p.addEventListener('model', () => events.push('model'));
          await p.ready;
          const first = p.info().source;
          await p.neuralReady;
          const info = p.info();
          const words = p.predictNext('Hola cómo se siente ', { k: 3 }).map((s: any) => s.word);
          p.dispose();
          return { first, info, progress, events, words };
        },
        { corpus, TINY, backend },
      );
      assert.equal(r.first, 'ngram');
      assert.equal(r.info.state, 'neural');
      assert.equal(r.info.backend, backend);
      assert.match(r.info.backendReason, /forced/);
      assert.ok(r.progress > 0, 'progress events');
      assert.deepEqual(r.events, ['model']);
      assert.ok(['neural', 'mix'].includes(r.info.source));
      assert.equal(r.words.length, 3);
      await context.close();
    });
  }

  test('without a forced backend, software WebGL (SwiftShader) is skipped for wasm, and says why', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const info = await neuralInfo(page, env.origin, { corpus, name: 'auto', ...TINY });
    assert.equal(info.backend, 'wasm');
    assert.match(info.backendReason, /webgl skipped: software renderer/);
    await context.close();
  });
});

describe('persistence', () => {
  test('a reload loads the stored model without training and predicts the same; cancel keeps it', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const first = await page.evaluate(
      async ({ corpus, TINY }) => {
        const p = (window as any).sdk.createPredictor({ corpus, name: 'persist', ...TINY });
        await p.neuralReady;
        await (window as any).__stored('persist');
        const out = { info: p.info(), words: p.predictNext('Buenos días, ¿cómo ', { k: 5 }) };
        p.dispose();
        // The record as stored: float16 weights, varint-coded trigram counts.
        const specs = await new Promise<any[]>((resolve, reject) => {
          const open = indexedDB.open('rnn-predict');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const models = open.result.transaction('models').objectStore('models');
            const get = models.get('model:persist');
            const part = models.get('model:persist#ngram'); // the n-gram's own record
            part.onsuccess = () => {
              open.result.close();
              resolve([...get.result.artifacts.weightSpecs, ...part.result.ngram.weightSpecs]);
            };
            part.onerror = () => reject(part.error);
          };
        });
        return { ...out, specs: specs.map((w) => `${w.name}:${w.quantization?.dtype ?? w.encoding ?? w.dtype}`) };
      },
      { corpus, TINY },
    );
    assert.equal(first.info.fromStorage, false);
    assert.ok(first.specs.length > 3, first.specs.join());
    assert.ok(
      first.specs.some((s) => s.startsWith('ngram/')),
      first.specs.join(),
    );
    for (const s of first.specs) assert.match(s, s.startsWith('ngram/') ? /:varint$/ : /:float16$/);
    await page.reload();
    await page.evaluate(async (origin) => {
      (window as any).sdk = await import(`${origin}/dist/rnn-predict.bundle.js`);
    }, env.origin);
    const second = await page.evaluate(
      async ({ corpus, TINY }) => {
        const p = (window as any).sdk.createPredictor({ corpus, name: 'persist', ...TINY });
        let progress = 0;
        p.addEventListener('progress', () => progress++);
        await p.neuralReady;
        const words = p.predictNext('Buenos días, ¿cómo ', { k: 5 });
        const info = p.info();
        const progressBeforeTrain = progress;
        // Cancel a retraining after its first batch: the stored model stays and keeps answering.
        const controller = new AbortController();
        let batches = 0;
        const err = await p
          .train({
            epochs: 3,
            signal: controller.signal,
            onProgress: (x: any) => {
              if (x.phase === 'batch' && ++batches === 1) controller.abort();
            },
          })
          .then(
            () => 'resolved',
            (e: Error) => e.name,
          );
        const afterCancel = p.predictNext('Buenos días, ¿cómo ', { k: 5 });
        p.dispose();
        return { info, words, progress: progressBeforeTrain, err, afterCancel, state: p.info().state };
      },
      { corpus, TINY },
    );
    assert.equal(second.info.fromStorage, true);
    assert.equal(second.progress, 0, 'no training after a reload');
    assert.deepEqual(second.words, first.words);
    assert.equal(second.err, 'AbortError');
    assert.deepEqual(second.afterCancel, first.words);
    assert.equal(second.state, 'neural');
    await context.close();
  });

  test('a damaged or foreign record is reported and replaced by retraining', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const r = await page.evaluate(
      async ({ corpus, TINY }) => {
        const { createPredictor } = (window as any).sdk;
        // Train and store a model, then damage its weights, keeping the record's key: the
        // loader must get as far as parsing it (a foreign key would be skipped unread).
        const p0 = createPredictor({ corpus, name: 'damaged', ...TINY });
        await p0.neuralReady;
        p0.dispose();
        await (window as any).__stored('damaged');
        await new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('rnn-predict');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('models', 'readwrite');
            const store = tx.objectStore('models');
            const get = store.get('model:damaged');
            get.onsuccess = () => {
              const record = get.result;
              record.artifacts = { ...record.artifacts, weightData: new ArrayBuffer(3) };
              store.put(record, 'model:damaged');
            };
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        });
        const errors: string[] = [];
        const p = createPredictor({ corpus, name: 'damaged', ...TINY });
        p.addEventListener('error', (e: CustomEvent) => errors.push(e.detail.message));
        await p.neuralReady;
        const state = p.info().state;
        p.dispose();
        // A record from another storage version is reported the same way.
        await new Promise<void>((resolve) => {
          const open = indexedDB.open('rnn-predict');
          open.onsuccess = () => {
            const tx = open.result.transaction('models', 'readwrite');
            tx.objectStore('models').put({ version: 99 }, 'model:damaged');
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
          };
        });
        const errors2: string[] = [];
        const q = createPredictor({ corpus, name: 'damaged', ...TINY });
        q.addEventListener('error', (e: CustomEvent) => errors2.push(e.detail.message));
        await q.neuralReady;
        q.dispose();
        return { errors, errors2, state };
      },
      { corpus, TINY },
    );
    assert.equal(r.state, 'neural');
    assert.ok(
      r.errors.some((m) => /the stored model "damaged" could not be used and will be replaced by retraining/.test(m)),
      r.errors.join('; '),
    );
    assert.ok(
      r.errors2.some((m) => /storage version 99, expected 1 or 2/.test(m)),
      r.errors2.join('; '),
    );
    await context.close();
  });
});

describe('forecast in the worker', () => {
  test('forecast() trains in a worker, reports progress and returns the backtest beside the baselines, with bands', async () => {
    const page = await openPage();
    const r = await page.evaluate(async () => {
      const { forecast } = (window as any).sdk;
      // 0, 1, …, 99: the next value is 100 (the unit test's case, here run in the worker).
      const series = Array.from({ length: 100 }, (_, i) => i);
      let progress = 0;
      const out = await forecast(series, {
        horizon: 6,
        epochs: 5,
        seeds: 1,
        origins: 2,
        onProgress: () => progress++,
      });
      const bad = await forecast([1, 2, NaN, 4], { window: 2, horizon: 1 }).then(
        () => 'resolved',
        (e: Error) => `${e.name}: ${e.message}`,
      );
      return { ...out, progress, bad };
    });
    assert.equal(r.forecast.length, 6);
    assert.ok(r.forecast.every((x: number) => Number.isFinite(x)));
    for (const key of ['network', 'seasonalNaive', 'drift', 'ets'])
      assert.ok(Number.isFinite(r.backtest[key].mase), key);
    assert.equal(r.upper95.length, 6);
    assert.ok(r.upper95.every((u: number, i: number) => u >= r.forecast[i]));
    assert.equal(r.progress, 3 * 5);
    assert.ok(r.progress > 0);
    assert.match(r.bad, /index 2|\[2\]|row/);
    await page.close();
  });
});

describe('learning from the person', () => {
  test('learn() shapes suggestions at once, and every 10 messages fine-tunes the network in the worker', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const r = await page.evaluate(
      async ({ corpus, TINY }) => {
        const p = (window as any).sdk.createPredictor({ corpus, name: 'learn', ...TINY });
        await p.neuralReady;
        const trainedAt = p.info().trainedAt;
        const before = p.predictNext('vamos al ', { k: 3 }).map((s: any) => s.word);
        const tuned = new Promise((resolve) => p.addEventListener('model', () => resolve(p.info()), { once: true }));
        for (let i = 0; i < 10; i++) await p.learn(`Vamos al planetario ${i === 0 ? 'mañana' : 'hoy'} con los niños`);
        const after = p.predictNext('vamos al ', { k: 3 }).map((s: any) => s.word);
        const info: any = await tuned;
        p.dispose();
        return { before, after, trainedAt, tunedAt: info.trainedAt, state: info.state };
      },
      { corpus, TINY },
    );
    assert.ok(!r.before.includes('planetario'));
    assert.equal(r.after[0], 'planetario');
    assert.equal(r.state, 'neural');
    assert.notEqual(r.tunedAt, r.trainedAt, 'a fine-tuned model took over');
    await assert.rejects(
      page.evaluate(() => (window as any).sdk.createPredictor({ corpus: 'hola' }).learn(5)),
      /text must be a string, got the number 5/,
    );
    await context.close();
  });

  test('delete() during a fine-tuning ends it: no network trained on the deleted messages answers or is stored', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const r = await page.evaluate(
      async ({ corpus, TINY }) => {
        const p = (window as any).sdk.createPredictor({ corpus, name: 'learn-delete', ...TINY });
        await p.neuralReady;
        const after: string[] = [];
        const errors: string[] = [];
        p.addEventListener('error', (e: CustomEvent) => errors.push(String(e.detail?.message ?? e.detail)));
        // delete() at the fine-tuning's first progress report: it is under way.
        let deleted: Promise<void> | undefined;
        const states: string[] = [];
        p.addEventListener('progress', () => {
          if (deleted) return;
          states.push(p.info().state);
          p.addEventListener('model', () => after.push(p.info().state));
          deleted = p.delete();
        });
        for (let i = 0; i < 10; i++) await p.learn(`Vamos al planetario ${i} con los niños`);
        while (!deleted) await new Promise((r) => setTimeout(r, 20));
        await deleted;
        // The worker answers the cancel (or the training ends): no training left.
        while (p.info().state === 'training') await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 500)); // a late result would land here
        await p.flush();
        const stored = (await (window as any).__record('learn-delete')) !== undefined;
        const info = p.info();
        const messages = p.learned().messages.length;
        p.dispose();
        return { states, after, errors, stored, state: info.state, messages };
      },
      { corpus, TINY },
    );
    assert.deepEqual(r.states, ['training'], 'deleted while it fine-tuned');
    assert.deepEqual(r.after, [], 'no model took over after delete()');
    assert.equal(r.state, 'ngram');
    assert.equal(r.stored, false, 'nothing stored after delete()');
    assert.equal(r.messages, 0);
    assert.deepEqual(r.errors, []);
    await context.close();
  });

  test('forget() during a fine-tuning on messages holding the word ends it: its network neither answers nor is stored', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const r = await page.evaluate(
      async ({ corpus, TINY }) => {
        const p = (window as any).sdk.createPredictor({ corpus, name: 'learn-forget', ...TINY });
        await p.neuralReady;
        const trainedAt = p.info().trainedAt;
        const after: string[] = [];
        const errors: string[] = [];
        p.addEventListener('error', (e: CustomEvent) => errors.push(String(e.detail?.message ?? e.detail)));
        // forget() at the fine-tuning's first progress report: it is under way.
        let forgot: Promise<void> | undefined;
        p.addEventListener('progress', () => {
          if (forgot) return;
          p.addEventListener('model', () => after.push(p.info().state));
          forgot = p.forget('planetario');
        });
        for (let i = 0; i < 10; i++) await p.learn(`Vamos al planetario ${i} con los niños`);
        while (!forgot) await new Promise((r) => setTimeout(r, 20));
        await forgot;
        while (p.info().state === 'training') await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 500)); // a late result would land here
        await p.flush();
        const storedSettings = (await (window as any).__record('learn-forget'))?.artifacts?.modelTopology?.settings;
        const info = p.info();
        const messages = p.learned().messages.length;
        p.dispose();
        return { after, errors, trainedAt, infoAt: info.trainedAt, state: info.state, storedSettings, messages };
      },
      { corpus, TINY },
    );
    assert.deepEqual(r.after, [], 'no model took over after forget()');
    assert.equal(r.state, 'neural');
    assert.equal(r.infoAt, r.trainedAt, 'the network from before the fine-tuning answers');
    assert.ok(r.storedSettings, 'the model trained on the corpus is stored');
    assert.equal(r.storedSettings.fineTunedOn, undefined, 'not the fine-tuned one');
    assert.equal(r.messages, 0, 'every message held the word');
    assert.deepEqual(r.errors, []);
    await context.close();
  });

  test('forget() of a word no message holds ends the fine-tuning under way, which starts again on the same messages', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const r = await page.evaluate(
      async ({ corpus, TINY }) => {
        const p = (window as any).sdk.createPredictor({ corpus, name: 'learn-forget-other', ...TINY });
        await p.neuralReady;
        const errors: string[] = [];
        p.addEventListener('error', (e: CustomEvent) => errors.push(String(e.detail?.message ?? e.detail)));
        let forgot: Promise<void> | undefined;
        const tuned = new Promise<void>((resolve) =>
          p.addEventListener('progress', () => {
            if (forgot) return;
            forgot = p.forget('zanahoria');
            p.addEventListener('model', () => resolve(), { once: true });
          }),
        );
        for (let i = 0; i < 10; i++) await p.learn(`Vamos al planetario ${i} con los niños`);
        // A bound, not a timing: the TINY fine-tuning takes a second or two; none comes without the restart.
        await Promise.race([tuned, new Promise((resolve) => setTimeout(resolve, 60_000))]);
        await p.flush();
        const settings = (await (window as any).__record('learn-forget-other'))?.artifacts?.modelTopology?.settings;
        const messages = p.learned().messages.length;
        p.dispose();
        return { errors, settings, messages };
      },
      { corpus, TINY },
    );
    assert.equal(r.messages, 10, 'no message held the word');
    assert.equal(r.settings?.fineTunedOn, 10, 'the fine-tuning started again and its network is stored');
    assert.equal(r.settings?.learnedForgotten, 1, 'after the forgotten word');
    assert.deepEqual(r.errors, []);
    await context.close();
  });

  test('dispose() during a training ends it: train() rejects with an AbortError, no error event follows', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const r = await page.evaluate(
      async ({ corpus, TINY }) => {
        const p = (window as any).sdk.createPredictor({ corpus, name: 'dispose-training', ...TINY, autoTrain: false });
        await p.ready;
        const errors: string[] = [];
        p.addEventListener('error', (e: CustomEvent) => errors.push(String(e.detail?.message ?? e.detail)));
        let disposed = false;
        const training = p.train({
          epochs: 200,
          onProgress: () => {
            if (disposed) return;
            disposed = true;
            p.dispose();
          },
        });
        // A bound, not a timing: without the fix the call never settles until the worker watchdog.
        const outcome = await Promise.race([
          training.then(
            () => 'trained',
            (e: Error) => `${e.name}: ${e.message}`,
          ),
          new Promise((resolve) => setTimeout(() => resolve('still pending'), 20_000)),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 1500)); // a late error event would land here
        return { outcome, errors, disposed };
      },
      { corpus, TINY },
    );
    assert.equal(r.disposed, true);
    assert.equal(r.outcome, 'AbortError: this predictor was disposed');
    assert.deepEqual(r.errors, []);
    await context.close();
  });

  test('a network that learned from messages another tab deleted is not loaded, even when written after the deletion', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const r = await page.evaluate(
      async ({ corpus, TINY }) => {
        const sdk = (window as any).sdk;
        const options = { corpus, name: 'late-write', ...TINY };
        const p = sdk.createPredictor(options);
        await p.neuralReady;
        const tuned = new Promise<any>((resolve) =>
          p.addEventListener('model', () => resolve(p.info()), { once: true }),
        );
        for (let i = 0; i < 10; i++) await p.learn(`Vamos al planetario ${i} con los niños`);
        const tunedAt = (await tuned).trainedAt;
        await p.flush();
        p.dispose();
        // A reload loads the fine-tuned network.
        const again = sdk.createPredictor(options);
        await again.neuralReady;
        const reloadedAt = again.info().trainedAt;
        again.dispose();
        // Another tab's delete(), its broadcast never heard here: the messages go and the
        // generation moves on, while the network fine-tuned on them stays stored, as when this
        // tab wrote it just after.
        await (window as any).__deletedElsewhere('late-write', 1);
        const after = sdk.createPredictor(options);
        await after.neuralReady;
        const info = after.info();
        const messages = after.learned().messages.length;
        after.dispose();
        return { tunedAt, reloadedAt, afterAt: info.trainedAt, messages };
      },
      { corpus, TINY },
    );
    assert.equal(r.reloadedAt, r.tunedAt, 'a reload answers with the fine-tuned network');
    assert.notEqual(r.afterAt, r.tunedAt, 'the network that learned the deleted messages is not loaded');
    assert.equal(r.messages, 0);
    await context.close();
  });
});

describe('the page stays responsive', () => {
  // Training runs in the worker, so the main thread stays nearly idle while it trains. A bound
  // with a margin, not a timing: on the main thread, training keeps the thread busy most of the
  // time (each batch a task of its own); in the worker the page's long tasks (over 50 ms: a GC,
  // a busy CI runner) add up to a small share. The bounds: long tasks under a quarter of the
  // training's wall time in all, and none over 500 ms (ten times the 50 ms that RAIL calls long).
  test('the main thread stays nearly idle while the worker trains (long tasks a small share)', async () => {
    const context = await env.browser.newContext();
    const page = await openPage(context);
    const r = await page.evaluate(
      async ({ corpus }) => {
        const p = (window as any).sdk.createPredictor({
          corpus,
          name: 'longtask',
          hiddenSize: 32,
          embeddingSize: 16,
          vocabularySize: 600,
          epochs: 2,
          persist: false,
        });
        await p.ready;
        const long: number[] = [];
        const obs = new PerformanceObserver((list) =>
          list.getEntries().forEach((e) => long.push(Math.round(e.duration))),
        );
        obs.observe({ type: 'longtask', buffered: false } as PerformanceObserverInit);
        let progress = 0;
        p.addEventListener('progress', () => progress++);
        const t0 = performance.now();
        await p.neuralReady;
        const elapsed = performance.now() - t0;
        // entries queued but not yet delivered to the callback
        obs.takeRecords().forEach((e) => long.push(Math.round(e.duration)));
        obs.disconnect();
        p.dispose();
        return { long, progress, elapsed };
      },
      { corpus },
    );
    assert.ok(r.progress > 3);
    const busy = r.long.reduce((a: number, b: number) => a + b, 0);
    assert.ok(
      busy < 0.25 * r.elapsed,
      `long tasks ${busy} ms in all over ${Math.round(r.elapsed)} ms of training: ${r.long.join(', ')}`,
    );
    assert.ok(Math.max(0, ...r.long) < 500, `a long task over 500 ms: ${r.long.join(', ')}`);
    await context.close();
  });
});

describe('bad input', () => {
  test('bad options, a corpus URL that 404s or returns HTML, a worker that cannot start: clear errors', async () => {
    const page = await openPage();
    const r = await page.evaluate(async (origin) => {
      const { createPredictor } = (window as any).sdk;
      const reason = async (o: object, which = 'ready') => {
        const p = createPredictor(o);
        try {
          await p[which];
          return 'resolved';
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        } finally {
          p.dispose();
        }
      };
      return {
        cell: await reason({ corpus: 'hola', cell: 'tcn' }),
        epochs: await reason({ corpus: 'hola', epochs: -1 }),
        missing: await reason({ corpus: `${origin}/nope.txt` }),
        html: await reason({ corpus: `${origin}/test/fixtures/blank.html` }),
        worker: await reason(
          { corpus: 'hola que tal\nhola como estas', workerUrl: `${origin}/nope-worker.js`, persist: false },
          'neuralReady',
        ),
        stillWorks: await (async () => {
          const p = createPredictor({
            corpus: 'hola que tal\nhola como estas',
            workerUrl: `${origin}/nope-worker.js`,
            persist: false,
          });
          await p.ready;
          await p.neuralReady.catch(() => {});
          const w = p.predictNext('hola ', { k: 2 }).map((s: any) => s.word);
          p.dispose();
          return w;
        })(),
      };
    }, env.origin);
    assert.match(r.cell, /RangeError: cell must be one of "rnn", "lstm", "gru", got the string "tcn"/);
    assert.match(r.epochs, /RangeError: epochs must be an integer/);
    assert.match(r.missing, /HTTP 404/);
    assert.match(r.html, /HTML page/);
    assert.match(r.worker, /WorkerError: the training worker failed/);
    assert.deepEqual(r.stillWorks.sort(), ['como', 'que']);
    await page.close();
  });
});
