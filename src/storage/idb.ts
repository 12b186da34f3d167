/**
 * Persistence with idb-keyval: a model's topology, weights, vocabulary, settings, metrics and
 * corpus hash stored as ONE record (one `set`, one transaction), behind a tf.io-style handler
 * (`save(artifacts)` / `load()`). The text a person taught the predictor lives in
 * learned-log.ts, one record per message; this module only hands over what older versions kept.
 * The store is a trailing default parameter, as in idb-keyval, so tests can pass their own.
 */
import { createStore, get, set, del, promisifyRequest, type UseStore } from 'idb-keyval';
import type { ModelArtifacts } from '../inference/format/artifacts.js';

export const STORAGE_VERSION = 1;
const DB = 'rnn-predict';
const STORE = 'models';

let defaultStore: UseStore | undefined;
/** The project's IndexedDB store (database 'rnn-predict', object store 'models'), opened lazily. */
export function defaultModelStore(): UseStore {
  defaultStore ??= createStore(DB, STORE);
  return defaultStore;
}

/**
 * Whether this origin has no model database at all (a first visit), asked before anything opens
 * one: `indexedDB.databases()` lists without creating. Then the model's download need not wait
 * for IndexedDB to create its databases (a second or more on a busy machine). False when unsure
 * (the call missing or failing): the caller reads storage first, as always.
 */
export async function nothingStored(): Promise<boolean> {
  try {
    const list = await globalThis.indexedDB?.databases?.();
    return Array.isArray(list) && !list.some((d) => d.name === DB);
  } catch {
    return false;
  }
}

/** What one stored model record holds. */
export interface StoredModel {
  version: number;
  /** Identifies the corpus and settings the model was trained for. */
  key: string;
  savedAt: string;
  artifacts: ModelArtifacts;
}

export class StorageError extends Error {
  override name = 'StorageError';
}

const modelKey = (name: string) => `model:${name}`;
const learnedKey = (name: string) => `learned:${name}`;
const forgottenKey = (name: string) => `forgotten:${name}`;

/** Maps IndexedDB failures to errors that say what happened. Quota errors keep their name. */
export function explain(e: unknown, what: string): Error {
  const err = e as DOMException;
  if (err?.name === 'QuotaExceededError') {
    const q = new Error(
      `storage quota exceeded while ${what}: nothing was written; suggestions keep working in memory`,
    );
    q.name = 'QuotaExceededError';
    return q;
  }
  return new StorageError(`IndexedDB failed while ${what}: ${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`);
}

/**
 * A tf.io-style handler for one model name: `save(artifacts)` writes the whole record in one
 * transaction (a failed write leaves the previous record untouched); `load()` returns the
 * artifacts or undefined when none is stored; `record()` returns the raw record for checks.
 */
export function indexedDbHandler(name: string, key: string, store: UseStore = defaultModelStore()) {
  return {
    async save(
      artifacts: ModelArtifacts,
    ): Promise<{ modelArtifactsInfo: { dateSaved: Date; weightDataBytes: number } }> {
      const record: StoredModel = { version: STORAGE_VERSION, key, savedAt: new Date().toISOString(), artifacts };
      try {
        await set(modelKey(name), record, store);
      } catch (e) {
        throw explain(e, `saving model "${name}" (${(artifacts.weightData.byteLength / 1e6).toFixed(1)} MB)`);
      }
      return {
        modelArtifactsInfo: { dateSaved: new Date(record.savedAt), weightDataBytes: artifacts.weightData.byteLength },
      };
    },
    async load(): Promise<ModelArtifacts | undefined> {
      return (await loadRecord(name, store))?.artifacts;
    },
  };
}

/** The stored record for a name, or undefined. Throws StorageError for a record that is not one. */
export async function loadRecord(
  name: string,
  store: UseStore = defaultModelStore(),
): Promise<StoredModel | undefined> {
  let value: unknown;
  try {
    value = await get(modelKey(name), store);
  } catch (e) {
    throw explain(e, `reading model "${name}"`);
  }
  if (value === undefined) return undefined;
  const r = value as Partial<StoredModel>;
  if (typeof r !== 'object' || r === null || typeof r.version !== 'number') {
    throw new StorageError(`the stored record for "${name}" is not an rnn-predict model record`);
  }
  if (r.version !== STORAGE_VERSION) {
    throw new StorageError(
      `the stored record for "${name}" has storage version ${r.version}, expected ${STORAGE_VERSION}`,
    );
  }
  if (typeof r.key !== 'string' || typeof r.artifacts !== 'object' || r.artifacts === null) {
    throw new StorageError(`the stored record for "${name}" is damaged (missing key or artifacts)`);
  }
  return r as StoredModel;
}

/** Removes the model of a name (and what an older version kept of its learned text). */
export async function deleteStored(name: string, store: UseStore = defaultModelStore()): Promise<void> {
  try {
    await del(modelKey(name), store);
    await del(learnedKey(name), store);
    await del(forgottenKey(name), store);
  } catch (e) {
    throw explain(e, `deleting "${name}"`);
  }
}

/**
 * What an older version stored for a name (the learned messages and forgotten words as two
 * lists), read and removed in one transaction, for moving into the per-message records of
 * learned-log.ts; undefined when there is none. A list that is not one is kept aside under
 * `damaged:learned:<name>` (or `damaged:forgotten:<name>`) and reported in `damaged`.
 */
export async function takeLegacyLearned(
  name: string,
  store: UseStore = defaultModelStore(),
): Promise<{ messages: string[]; forgotten: string[]; damaged: string[] } | undefined> {
  try {
    return await store('readwrite', async (s) => {
      const [m, f] = await Promise.all([
        promisifyRequest(s.get(learnedKey(name))),
        promisifyRequest(s.get(forgottenKey(name))),
      ]);
      if (m === undefined && f === undefined) return undefined;
      const damaged: string[] = [];
      const list = (v: unknown, key: string): string[] => {
        if (v === undefined) return [];
        if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
        s.put(v, `damaged:${key}`);
        damaged.push(key);
        return [];
      };
      const out = { messages: list(m, learnedKey(name)), forgotten: list(f, forgottenKey(name)), damaged };
      s.delete(learnedKey(name));
      s.delete(forgottenKey(name));
      await promisifyRequest(s.transaction);
      return out;
    });
  } catch (e) {
    throw explain(e, `reading the learned text of "${name}"`);
  }
}
