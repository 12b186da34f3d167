/**
 * Issue 34: a stored model is read in two: all but its n-gram before the first suggestion, the
 * n-gram's part after it (storage/idb.ts, artifacts.ts splitNgram). On fake-indexeddb, with the
 * shipped model's files: the two records rebuild the model exactly; a part replaced or deleted
 * in between (another tab) is told apart; records of storage version 1 still load.
 */
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createStore, keys, set } from 'idb-keyval';
import {
  fromArtifacts,
  fromArtifactsInStages,
  ngramInStages,
  splitNgram,
  type ModelArtifacts,
} from '../../src/inference/format/artifacts.js';
import {
  defaultModelStore,
  deleteStored,
  indexedDbHandler,
  loadPart,
  loadRecord,
  loadWhole,
} from '../../src/storage/idb.js';
import { ModelStore } from '../../src/sdk/persistence.js';

const json = JSON.parse(readFileSync(new URL('../../models/es/model.json', import.meta.url), 'utf8'));
const bin = readFileSync(new URL('../../models/es/weights.bin', import.meta.url));
const SHIPPED: ModelArtifacts = {
  modelTopology: json.modelTopology,
  weightSpecs: json.weightsManifest[0].weights,
  weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
};

let db = 0;
const freshStore = () => createStore(`model-store-test-${db++}`, 'models');
const HISTORY = ['hola', 'cómo', 'se'];

function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

test('a model with an n-gram is stored as two records that rebuild it exactly', async () => {
  const store = freshStore();
  await indexedDbHandler('m', 'k1', store).save(SHIPPED);
  assert.deepEqual((await keys(store)).sort(), ['model:m', 'model:m#ngram']);

  const head = (await loadRecord('m', store))!;
  assert.equal(head.key, 'k1');
  assert.equal(typeof head.part, 'string');
  assert.equal(head.artifacts.modelTopology.ngram, undefined, 'the first read holds no n-gram');
  assert.ok(head.artifacts.weightSpecs.every((s) => !s.name.startsWith('ngram/')));
  assert.ok(head.artifacts.weightData.byteLength < SHIPPED.weightData.byteLength / 2);

  // The network from the first record alone, the n-gram from the part: the shipped model's.
  const whole = fromArtifacts(SHIPPED);
  const { model } = fromArtifactsInStages(head.artifacts);
  for (const [name, w] of whole.weights) assert.deepEqual(model.weights.get(name), w, name);
  const ngram = drain(ngramInStages(head.artifacts, await loadPart('m', head, store)))!;
  assert.deepEqual(ngram.predict(HISTORY, 5), whole.ngram!.predict(HISTORY, 5));

  // Read whole in one transaction: the artifacts as they were given.
  const joined = (await loadWhole('m', store))!;
  assert.equal(joined.part, undefined);
  assert.deepEqual(joined.artifacts.modelTopology, SHIPPED.modelTopology);
  assert.deepEqual(joined.artifacts.weightSpecs, SHIPPED.weightSpecs);
  assert.deepEqual(new Uint8Array(joined.artifacts.weightData), new Uint8Array(SHIPPED.weightData));
  assert.deepEqual(await indexedDbHandler('m', 'k1', store).load(), joined.artifacts);
});

test('a part written or deleted since the first record was read is refused, not mixed in', async () => {
  const store = freshStore();
  await indexedDbHandler('m', 'k1', store).save(SHIPPED);
  const head = (await loadRecord('m', store))!;
  // Another tab stores the model again (the same key: a retraining, an upgrade's rewrite).
  await indexedDbHandler('m', 'k1', store).save(SHIPPED);
  await assert.rejects(loadPart('m', head, store), {
    name: 'StorageError',
    message: /n-gram of the stored model "m" belongs to another record/,
  });
  const again = (await loadRecord('m', store))!;
  assert.notEqual(again.part, head.part);
  await loadPart('m', again, store);
  // Another tab deletes it: both records go.
  await deleteStored('m', store);
  assert.deepEqual(await keys(store), []);
  await assert.rejects(loadPart('m', again, store), { name: 'StorageError', message: /is missing/ });
});

test('a model without an n-gram is one record; it replaces a stored part', async () => {
  const store = freshStore();
  await indexedDbHandler('m', 'k1', store).save(SHIPPED);
  const { rest } = splitNgram(SHIPPED);
  await indexedDbHandler('m', 'k2', store).save(rest);
  assert.deepEqual(await keys(store), ['model:m']);
  const record = (await loadRecord('m', store))!;
  assert.equal(record.part, undefined);
  assert.equal(fromArtifacts(record.artifacts).ngram, undefined);
});

test('a record of storage version 1 (one record, the whole model) still loads', async () => {
  const store = freshStore();
  await set('model:old', { version: 1, key: 'k0', savedAt: '2026-12-01T00:00:00.000Z', artifacts: SHIPPED }, store);
  const record = (await loadRecord('old', store))!;
  assert.equal(record.part, undefined);
  assert.deepEqual(new Uint8Array(record.artifacts.weightData), new Uint8Array(SHIPPED.weightData));
  const { ngram } = fromArtifactsInStages(record.artifacts);
  assert.ok(drain(ngram()), 'its n-gram decodes from the one record');
  assert.deepEqual((await loadWhole('old', store))!.artifacts, record.artifacts);
  await set('model:old', { version: 3, key: 'k0', savedAt: '', artifacts: SHIPPED }, store);
  await assert.rejects(loadRecord('old', store), { name: 'StorageError', message: /version 3, expected 1 or 2/ });
});

test('an n-gram part that holds other weights is refused', () => {
  const { rest, part } = splitNgram(SHIPPED);
  assert.ok(part);
  const forged = { ...part, weightSpecs: [rest.weightSpecs[0]!, ...part.weightSpecs] };
  assert.throws(() => drain(ngramInStages(rest, forged)), {
    name: 'ModelFormatError',
    message: /n-gram part of a model holds a weight named the string "embedding"/,
  });
});

test('a fine-tuned network keeps the model as published aside until a published one is stored again', async () => {
  const errors: Error[] = [];
  const store = new ModelStore('aside', true, (e) => errors.push(e), true);
  const tuned = (n: number): ModelArtifacts => ({
    ...SHIPPED,
    modelTopology: { ...SHIPPED.modelTopology, settings: { ...SHIPPED.modelTopology.settings, fineTunedOn: n } },
  });
  const ours = async () => (await keys(defaultModelStore())).filter((k) => String(k).startsWith('model:aside')).sort();
  const asideOf = async (key: string) => (await store.published((k) => k === key))?.artifacts;
  await store.write('k1', SHIPPED);
  assert.equal(await asideOf('k1'), undefined, 'nothing kept aside for a published model');
  assert.deepEqual(await ours(), ['model:aside', 'model:aside#ngram']);
  // Fine-tuned over it: the published one is kept aside, both records, as it was stored.
  await store.write('k1', tuned(10));
  assert.deepEqual(await ours(), [
    'model:aside',
    'model:aside#ngram',
    'model:aside:published',
    'model:aside:published#ngram',
  ]);
  const kept = (await asideOf('k1'))!;
  assert.equal(kept.modelTopology.settings?.fineTunedOn, undefined);
  assert.deepEqual(new Uint8Array(kept.weightData), new Uint8Array(SHIPPED.weightData));
  assert.equal((await loadWhole('aside'))!.artifacts.modelTopology.settings?.fineTunedOn, 10);
  assert.equal(await asideOf('k2'), undefined, 'only for the key asked for');
  // Fine-tuned again: what is kept aside stays the published one.
  await store.write('k1', tuned(20));
  assert.equal((await asideOf('k1'))!.modelTopology.settings?.fineTunedOn, undefined);
  // The published model stored again (forget()): nothing is kept twice.
  await store.write('k1', SHIPPED);
  assert.equal(await asideOf('k1'), undefined);
  assert.deepEqual(await ours(), ['model:aside', 'model:aside#ngram']);
  // A network fine-tuned from another model's record keeps nothing aside.
  await store.write('k2', tuned(10));
  assert.equal(await asideOf('k1'), undefined);
  assert.equal(await asideOf('k2'), undefined);
  // delete(): nothing left.
  await store.write('k2', SHIPPED);
  await store.write('k2', tuned(10));
  assert.ok(await asideOf('k2'));
  await store.deleteAll();
  assert.deepEqual(await ours(), []);
  // A predictor trained on its own corpus has no published model: nothing is kept aside.
  const own = new ModelStore('own', true, (e) => errors.push(e));
  await own.write('k1', SHIPPED);
  await own.write('k1', tuned(10));
  assert.equal(await own.published(() => true), undefined);
  assert.deepEqual(errors, []);
});
