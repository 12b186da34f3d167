/**
 * Issue 30: what a person teaches is kept, and only that. The learned-text log (one record per
 * message, a generation that stale tabs cannot write under, forgotten words that no tab writes
 * back, a shared cap, damaged records kept aside) on fake-indexeddb, each "tab" a LearnedLog
 * of its own on the same database; BroadcastChannel is Node's own.
 */
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore, set } from 'idb-keyval';
import { LearnedLog, trimCount, type LearnedChange } from '../../src/storage/learned-log.js';
import { modelWords } from '../../src/text/tokenize.js';

let db = 0;
/** A fresh database for each test: its store, and a way to open "tabs" on it. */
function site() {
  const store = createStore(`learned-test-${db++}`, 'records');
  const name = `n${db}`;
  return {
    store,
    name,
    tab: (onChange?: (c: LearnedChange) => void, limit?: number) => new LearnedLog(name, onChange, limit, store),
  };
}

test('two tabs learning interleaved, one reloading midway, keep every message exactly once', async () => {
  const s = site();
  let a = s.tab();
  const b = s.tab();
  await a.load();
  await b.load();
  for (let i = 0; i < 10; i++) {
    await a.append(`mensaje a${i}`, modelWords);
    await b.append(`mensaje b${i}`, modelWords);
    if (i === 4) {
      a.close();
      a = s.tab(); // the reload
      assert.equal((await a.load()).messages.length, 10);
    }
  }
  const all = (await s.tab().load()).messages.map((m) => m.text);
  assert.equal(all.length, 20);
  assert.equal(new Set(all).size, 20);
  for (let i = 0; i < 10; i++) assert.ok(all.includes(`mensaje a${i}`) && all.includes(`mensaje b${i}`));
  // Oldest first: a0 before b0 before a1 …
  assert.deepEqual(all.slice(0, 3), ['mensaje a0', 'mensaje b0', 'mensaje a1']);
  a.close();
  b.close();
});

test('after one tab clears, a stale tab cannot write, and never writes the old messages back', async () => {
  const s = site();
  const a = s.tab();
  const b = s.tab();
  await a.load();
  await b.load();
  for (let i = 0; i < 5; i++) await b.append(`antes ${i}`, modelWords);
  // Tab b hears nothing (a frozen background tab: its channel misses the announcement).
  b.close();
  await a.clear();
  assert.deepEqual((await s.tab().load()).messages, []);
  const r = await b.append('después', modelWords);
  assert.deepEqual(r, { stored: false, reason: 'stale', generation: 1 });
  assert.deepEqual((await s.tab().load()).messages, [], 'nothing written under the old generation');
  // Once it has seen the deletion (the SDK reloads it), the new message is kept, alone.
  assert.equal(b.generation, 1);
  assert.equal((await b.append('después', modelWords)).stored, true);
  assert.deepEqual(
    (await s.tab().load()).messages.map((m) => m.text),
    ['después'],
  );
  a.close();
  b.close();
});

test('a word forgotten in one tab removes its messages, and no tab writes it again', async () => {
  const s = site();
  const a = s.tab();
  const b = s.tab();
  await a.load();
  await b.load();
  await a.append('nos vemos hoy en la playa', modelWords);
  await a.append('mañana no puedo', modelWords);
  const removed = await b.forget('playa', modelWords);
  assert.equal(removed.length, 1);
  const r = await a.append('la playa está llena', modelWords);
  assert.deepEqual(r, { stored: false, reason: 'forgotten', word: 'playa' });
  const state = await s.tab().load();
  assert.deepEqual(
    state.messages.map((m) => m.text),
    ['mañana no puedo'],
  );
  assert.deepEqual(state.forgotten, ['playa']);
  a.close();
  b.close();
});

test('past the cap the oldest messages go, in the same write, and the count stays under it', async () => {
  const s = site();
  const a = s.tab(undefined, 20);
  await a.load();
  const trimmed: string[] = [];
  for (let i = 0; i < 45; i++) {
    const r = await a.append(`número ${i}`, modelWords);
    assert.ok(r.stored);
    trimmed.push(...r.trimmed);
  }
  const kept = (await a.load()).messages.map((m) => m.text);
  assert.ok(kept.length <= 20, `${kept.length} kept`);
  assert.equal(kept.length + trimmed.length, 45);
  assert.equal(kept.at(-1), 'número 44');
  assert.equal(kept[0], `número ${trimmed.length}`, 'the oldest went first');
  assert.equal(trimCount(20, 20), 0);
  assert.equal(trimCount(21, 20), 2);
});

test('a write does not count the stored messages (kept in a record), and two tabs stay under the cap', async () => {
  const s = site();
  const a = s.tab(undefined, 200);
  const b = s.tab(undefined, 200);
  await a.load();
  await b.load();
  // IndexedDB's count() walks every key: a write that calls it costs more as messages pile up.
  const count = IDBObjectStore.prototype.count;
  let counts = 0;
  IDBObjectStore.prototype.count = function (this: IDBObjectStore, ...args: Parameters<typeof count>) {
    counts++;
    return count.apply(this, args);
  };
  let trimmed = 0;
  try {
    for (let i = 0; i < 250; i++) {
      for (const [tab, who] of [
        [a, 'a'],
        [b, 'b'],
      ] as const) {
        const r = await tab.append(`mensaje ${who}${i}`, modelWords);
        if (r.stored) trimmed += r.trimmed.length;
      }
      // A forget in the middle removes messages and the count record with them.
      if (i === 200) assert.equal((await b.forget('a199', modelWords)).length, 1);
    }
  } finally {
    IDBObjectStore.prototype.count = count;
  }
  const kept = (await s.tab().load()).messages.map((m) => m.text);
  assert.ok(kept.length <= 200 && kept.length >= 189, `${kept.length} kept`);
  assert.equal(kept.length + trimmed + 1, 500, 'each message kept, trimmed or forgotten exactly once');
  assert.ok(counts <= 40, `count() ran ${counts} times for 500 writes`);
  a.close();
  b.close();
});

test('a damaged record is kept aside and reported; learning goes on', async () => {
  const s = site();
  const a = s.tab();
  await a.load();
  await a.append('hola qué tal', modelWords);
  await set([s.name, 'm', 1, 'x', 0], { text: 42 }, s.store);
  await set([s.name, 'f', 'hoy'], 'not a record', s.store);
  const state = await a.load();
  assert.deepEqual(
    state.messages.map((m) => m.text),
    ['hola qué tal'],
  );
  assert.equal(state.damaged.length, 2);
  assert.deepEqual(state.forgotten, []);
  assert.equal((await a.append('sigo aprendiendo', modelWords)).stored, true);
  const again = await a.load();
  assert.equal(again.damaged.length, 0, 'moved aside once');
  assert.equal(again.messages.length, 2);
  const { get } = await import('idb-keyval');
  assert.deepEqual(await get([s.name, 'x', 'm', 1, 'x', 0], s.store), { text: 42 }, 'kept under the x kind');
});

test('the other tabs hear of each message, forgotten word and deletion', async () => {
  const s = site();
  const heard: LearnedChange[] = [];
  const a = s.tab();
  const b = s.tab((c) => heard.push(c));
  await a.load();
  await b.load();
  await a.append('ya voy', modelWords);
  await a.forget('voy', modelWords);
  await a.clear();
  const until = Date.now() + 2000;
  while (heard.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(
    heard.map((c) => c.type),
    ['learned', 'forgot', 'cleared'],
  );
  assert.equal(b.generation, 1, 'a cleared announcement moves the tab to the new generation');
  a.close();
  b.close();
});

test('a message sent as a reply keeps the message it answered across a reload', async () => {
  const s = site();
  const a = s.tab();
  await a.load();
  await a.append('Sí, claro', modelWords, '¿Vienes mañana?');
  await a.append('hola', modelWords);
  a.close();
  const b = s.tab();
  const { messages } = await b.load();
  assert.deepEqual(
    messages.map((m) => [m.text, m.inReplyTo]),
    [
      ['Sí, claro', '¿Vienes mañana?'],
      ['hola', undefined],
    ],
  );
  b.close();
});
