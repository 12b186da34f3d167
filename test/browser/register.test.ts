// Issue 36 in Chromium: the element's `register` attribute picks the shipped model's mix for that
// kind of text, as createPredictor({ register }) does; a bad value is an rnn-error naming it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, openSdkPage } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

test('register="formal" answers with the formal mix; back to chat; a bad value is named', async () => {
  const context = await env.browser.newContext();
  const page = await openSdkPage(env.origin, context);
  const r = await page.evaluate(async () => {
    type Suggestion = { word: string; probability: number };
    type El = HTMLElement & {
      ready: Promise<void>;
      updateComplete: Promise<boolean>;
      predictor: { neuralReady: Promise<void>; predictNext(t: string, o: { k: number }): Suggestion[] };
    };
    const text = 'Hola cómo se siente ';
    const el = document.createElement('rnn-predict') as El;
    el.innerHTML = '<input aria-label="Mensaje">';
    document.body.append(el);
    const answer = async (register: string | null) => {
      if (register === null) el.removeAttribute('register');
      else el.setAttribute('register', register);
      await el.updateComplete;
      await el.ready;
      // A stored model's n-gram, which the mix weighs, joins its network by neuralReady.
      await el.predictor.neuralReady;
      return el.predictor.predictNext(text, { k: 3 });
    };
    const chat = await answer(null);
    const formal = await answer('formal');
    const again = await answer('chat');
    // The SDK with the same option, for comparison.
    const p = (window as any).sdk.createPredictor({ register: 'formal', persist: false });
    await p.neuralReady;
    const sdkFormal: Suggestion[] = p.predictNext(text, { k: 3 });
    p.dispose();
    const errors: string[] = [];
    el.addEventListener('rnn-error', (e) => errors.push((e as CustomEvent<Error>).detail.message));
    el.setAttribute('register', 'poetic');
    await el.updateComplete;
    const rejected = await el.ready.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    return { chat, formal, again, sdkFormal, errors, rejected };
  });
  const probabilities = (s: { probability: number }[]) => s.map((x) => x.probability);
  assert.ok(r.chat.length === 3, JSON.stringify(r.chat));
  assert.notDeepEqual(probabilities(r.formal), probabilities(r.chat), 'the formal mix weighs the network more');
  assert.deepEqual(r.formal, r.sdkFormal, 'the element answers as createPredictor({ register: "formal" })');
  assert.deepEqual(r.again, r.chat, "'chat' is the default");
  assert.match(r.rejected, /register must be one of "chat", "formal", got the string "poetic"/);
  assert.deepEqual(r.errors, [r.rejected]);
  await context.close();
});
