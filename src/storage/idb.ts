/**
 * Persistence with idb-keyval: a model's topology, weights, vocabulary, settings, metrics and
 * corpus hash stored in one transaction, behind a tf.io-style handler (`save(artifacts)` /
 * `load()`). Since storage version 2 a model with n-gram counts is kept as two records written
 * together: `model:<name>`, all but the n-gram, which a page reads before its first suggestion,
 * and `model:<name>#ngram`, the n-gram's part (artifacts.ts splitNgram), read after it; both
 * carry the same `part` id, so a part written by another tab in between is told apart. The
 * text a person taught the predictor lives in learned-log.ts, one record per message; this
 * module only hands over what older versions kept.
 * The store is a trailing default parameter, as in idb-keyval, so tests can pass their own.
 */
import { createStore, get, delMany, keys, promisifyRequest, type UseStore } from 'idb-keyval';
import { joinNgram, splitNgram, type ModelArtifacts, type NgramPart } from '../inference/format/artifacts.js';

/** 2: a model's n-gram part may be a record of its own. Records of version 1 still load. */
export const STORAGE_VERSION = 2;
const READABLE_VERSIONS = [1, STORAGE_VERSION];
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

const STORED_HINT = 'rnn-predict:stored';

/**
 * Whether this origin has stored a model before, said at once (no IndexedDB round trip, whose
 * answer waits behind the page's first layout on a busy machine): a localStorage key set each
 * time a model record is written or found (dropHintIfNothingStored removes it). False when the
 * key is not there: a first visit, or one whose models an older version stored (the read then
 * finds them, and the caller ends the download it started). Undefined when localStorage cannot be read (Node, a sandboxed frame).
 * Only a hint: what is stored is always read, whatever it says.
 */
export function storedBefore(): boolean | undefined {
  try {
    const ls = globalThis.localStorage;
    return ls ? ls.getItem(STORED_HINT) !== null : undefined;
  } catch {
    return undefined;
  }
}

/** Sets the hint storedBefore() reads (nothing when localStorage cannot be written). */
function noteStored(): void {
  try {
    globalThis.localStorage?.setItem(STORED_HINT, '1');
  } catch {
    // a hint only: without it the next visit reads storage and downloads side by side
  }
}

/**
 * Removes the hint storedBefore() reads when no model of any name is stored any more (after
 * delete()): nothing in this browser then says the site ever stored one. Another tab's write
 * meanwhile may lose its hint; a hint only, so that costs a download started early, never a model.
 */
export async function dropHintIfNothingStored(store: UseStore = defaultModelStore()): Promise<void> {
  if (storedBefore() !== true) return;
  let all: IDBValidKey[];
  try {
    all = await keys(store);
  } catch (e) {
    throw explain(e, 'listing the stored models');
  }
  if (all.some((k) => String(k).startsWith('model:'))) return;
  try {
    globalThis.localStorage?.removeItem(STORED_HINT);
  } catch {
    // a hint only
  }
}

/** What one stored model record holds. */
export interface StoredModel {
  version: number;
  /** Identifies the corpus and settings the model was trained for. */
  key: string;
  savedAt: string;
  /** The whole model, or all but its n-gram when `part` is set. */
  artifacts: ModelArtifacts;
  /** Set when the n-gram is in the record `model:<name>#ngram` of the same `part` (loadPart). */
  part?: string;
}

/** The record of a model's n-gram part. */
interface StoredPart {
  part: string;
  ngram: NgramPart;
}

export class StorageError extends Error {
  override name = 'StorageError';
}

const modelKey = (name: string) => `model:${name}`;
const partKey = (name: string) => `model:${name}#ngram`;
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
      const savedAt = new Date().toISOString();
      const { rest, part } = splitNgram(artifacts);
      const id = part ? `${savedAt}/${Math.random().toString(36).slice(2)}` : undefined;
      const record: StoredModel = {
        version: STORAGE_VERSION,
        key,
        savedAt,
        artifacts: rest,
        ...(id ? { part: id } : {}),
      };
      try {
        await store('readwrite', (s) => {
          s.put(record, modelKey(name));
          if (part && id) s.put({ part: id, ngram: part } satisfies StoredPart, partKey(name));
          else s.delete(partKey(name));
          return promisifyRequest(s.transaction);
        });
      } catch (e) {
        throw explain(e, `saving model "${name}" (${(artifacts.weightData.byteLength / 1e6).toFixed(1)} MB)`);
      }
      noteStored();
      return {
        modelArtifactsInfo: { dateSaved: new Date(savedAt), weightDataBytes: artifacts.weightData.byteLength },
      };
    },
    /** The whole model (its n-gram part joined), or undefined when none is stored. */
    async load(): Promise<ModelArtifacts | undefined> {
      return (await loadWhole(name, store))?.artifacts;
    },
  };
}

/**
 * The stored record for a name, or undefined: the whole model, or all but its n-gram when
 * `part` is set (loadPart reads that). Throws StorageError for a record that is not one.
 */
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
  if (value !== undefined && storedBefore() === false) noteStored();
  return checkedRecord(name, value);
}

/**
 * The n-gram part of `record` (read by loadRecord under `name`). StorageError when it is
 * missing or belongs to another record (written or deleted since, in another tab).
 */
export async function loadPart(
  name: string,
  record: StoredModel,
  store: UseStore = defaultModelStore(),
): Promise<NgramPart> {
  let value: unknown;
  try {
    value = await get(partKey(name), store);
  } catch (e) {
    throw explain(e, `reading the n-gram of model "${name}"`);
  }
  return checkedPart(name, record, value);
}

/** The stored record for a name with its n-gram part joined (one transaction), or undefined. */
export async function loadWhole(name: string, store: UseStore = defaultModelStore()): Promise<StoredModel | undefined> {
  let values: [unknown, unknown];
  try {
    values = await store('readonly', (s) =>
      Promise.all([promisifyRequest(s.get(modelKey(name))), promisifyRequest(s.get(partKey(name)))]),
    );
  } catch (e) {
    throw explain(e, `reading model "${name}"`);
  }
  const record = checkedRecord(name, values[0]);
  if (!record?.part) return record;
  const { part: _, ...whole } = record;
  return { ...whole, artifacts: joinNgram(record.artifacts, checkedPart(name, record, values[1])) };
}

function checkedRecord(name: string, value: unknown): StoredModel | undefined {
  if (value === undefined) return undefined;
  const r = value as Partial<StoredModel>;
  if (typeof r !== 'object' || r === null || typeof r.version !== 'number') {
    throw new StorageError(`the stored record for "${name}" is not an rnn-predict model record`);
  }
  if (!READABLE_VERSIONS.includes(r.version)) {
    throw new StorageError(
      `the stored record for "${name}" has storage version ${r.version}, expected ${READABLE_VERSIONS.join(' or ')}`,
    );
  }
  if (typeof r.key !== 'string' || typeof r.artifacts !== 'object' || r.artifacts === null) {
    throw new StorageError(`the stored record for "${name}" is damaged (missing key or artifacts)`);
  }
  if (r.part !== undefined && typeof r.part !== 'string') {
    throw new StorageError(
      `the stored record for "${name}" is damaged (its part is ${typeof r.part}, expected a string)`,
    );
  }
  return r as StoredModel;
}

function checkedPart(name: string, record: StoredModel, value: unknown): NgramPart {
  const p = value as Partial<StoredPart> | undefined;
  if (p === undefined || p.part !== record.part)
    throw new StorageError(
      p === undefined
        ? `the n-gram of the stored model "${name}" is missing (deleted since it was read?)`
        : `the n-gram of the stored model "${name}" belongs to another record (replaced since it was read?)`,
    );
  if (typeof p.ngram !== 'object' || p.ngram === null || !(p.ngram.weightData instanceof ArrayBuffer))
    throw new StorageError(`the n-gram of the stored model "${name}" is damaged`);
  return p.ngram;
}

/**
 * Copies the model record of `name` (with its n-gram part when it is kept in two) to the name
 * `to`, in one transaction, when there is a sound one and `accept` takes it; resolves whether
 * it copied.
 */
export async function copyStored(
  name: string,
  to: string,
  accept: (record: StoredModel) => boolean,
  store: UseStore = defaultModelStore(),
): Promise<boolean> {
  try {
    return await store('readwrite', async (s) => {
      const [value, part] = await Promise.all([
        promisifyRequest(s.get(modelKey(name))),
        promisifyRequest(s.get(partKey(name))),
      ]);
      let record: StoredModel | undefined;
      try {
        record = checkedRecord(name, value);
        if (record?.part !== undefined) checkedPart(name, record, part);
      } catch {
        return false; // damaged, or its part replaced meanwhile: nothing worth keeping
      }
      if (!record || !accept(record)) return false;
      s.put(record, modelKey(to));
      if (record.part !== undefined) s.put(part, partKey(to));
      else s.delete(partKey(to));
      await promisifyRequest(s.transaction);
      return true;
    });
  } catch (e) {
    throw explain(e, `keeping a copy of model "${name}"`);
  }
}

/** Removes the model of a name, both records (and what an older version kept of its learned
 * text), in one transaction. */
export async function deleteStored(name: string, store: UseStore = defaultModelStore()): Promise<void> {
  try {
    await delMany([modelKey(name), partKey(name), learnedKey(name), forgottenKey(name)], store);
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
