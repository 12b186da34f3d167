/**
 * A predictor's model records in IndexedDB (storage/idb.ts): reading the stored model, writing
 * a model now or in a later task (the first write of a downloaded model waits until after the
 * first suggestion), and knowing which writes are still under way, so that `flush()` can wait
 * for them and `delete()` is never followed by a late write. While a network fine-tuned on the
 * person's messages is stored, the model as published it replaced is kept aside (`published`),
 * so that forget() can go back to it offline. The learned text has its own records
 * (storage/learned-log.ts).
 */
import { joinNgram, type ModelArtifacts, type NgramPart } from '../inference/format/artifacts.js';
import {
  copyStored,
  deleteStored,
  dropHintIfNothingStored,
  indexedDbHandler,
  loadPart,
  loadRecord,
  loadWhole,
  type StoredModel,
} from '../storage/idb.js';

/** Whether a model's settings say it was fine-tuned on learned messages (training.ts sets `fineTunedOn`). */
export function isFineTuned(settings: Record<string, unknown> | undefined): boolean {
  const n = settings?.fineTunedOn;
  return typeof n === 'number' && n > 0;
}

export class ModelStore {
  /** The name the records are kept under (the reply model's under name + ':replies'). */
  readonly name: string;
  #ok: boolean;
  readonly #onError: (e: Error) => void;
  /** Writes started or scheduled and not yet done. */
  readonly #pending = new Set<Promise<unknown>>();
  /** The scheduled write (writeLater), and how to settle its promise when it is cancelled. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  #cancelTimer: (() => void) | undefined;
  #prefetched: Promise<StoredModel | undefined> | undefined;
  readonly #keepPublished: boolean;

  /**
   * `ok`: IndexedDB is there and the site keeps models (`persist`). `keepPublished`: the
   * predictor started from a model as published (shipped or `model`), which `write` keeps aside
   * under a fine-tuned network; a predictor trained on its own corpus has none to go back to.
   */
  constructor(name: string, ok: boolean, onError: (e: Error) => void, keepPublished = false) {
    this.name = name;
    this.#ok = ok;
    this.#onError = onError;
    this.#keepPublished = keepPublished;
  }

  /** Whether models are kept (false without IndexedDB, with persist: false, or after a failure). */
  get ok(): boolean {
    return this.#ok;
  }

  /** Storage failed in a way that will not mend: reported, and nothing is kept from now on. */
  failed(e: Error): void {
    this.#ok = false;
    this.#onError(e);
  }

  /** Starts reading the stored model now (while a corpus downloads); `read()` takes it. */
  prefetch(): void {
    this.#prefetched = loadRecord(this.name);
    this.#prefetched.catch(() => {});
  }

  /**
   * The predictor's stored record, or undefined: all but the n-gram when `part` is set
   * (readPart reads that).
   */
  read(): Promise<StoredModel | undefined> {
    const pending = this.#prefetched;
    this.#prefetched = undefined;
    return pending ?? loadRecord(this.name);
  }

  /** The n-gram part of `record` (read by read()); StorageError when it is gone or replaced. */
  readPart(record: StoredModel): Promise<NgramPart> {
    return loadPart(this.name, record);
  }

  /** The whole of `record` (read by read()): its artifacts with the n-gram part joined. */
  async whole(record: StoredModel): Promise<ModelArtifacts> {
    return record.part ? joinNgram(record.artifacts, await this.readPart(record)) : record.artifacts;
  }

  /** The stored record under `name` (another model's, as the reply model's), whole, or undefined. */
  readWhole(name: string): Promise<StoredModel | undefined> {
    return loadWhole(name);
  }

  /**
   * The stored model when its key is `key`, decoded by `decode` (undefined otherwise, or without
   * storage). A damaged or foreign record (a StorageError or ModelFormatError, from reading or
   * decoding) is reported as one that retraining will replace; another failure means storage
   * cannot be used (`failed`).
   */
  async readMatching<T>(key: string, decode: (artifacts: ModelArtifacts) => T): Promise<T | undefined> {
    if (!this.#ok) return undefined;
    try {
      const record = await this.read();
      return record?.key === key ? decode(await this.whole(record)) : undefined;
    } catch (e) {
      const err = e as Error;
      if (err.name === 'StorageError' || err.name === 'ModelFormatError')
        this.#onError(
          new Error(
            `the stored model "${this.name}" could not be used and will be replaced by retraining: ${err.message}`,
          ),
        );
      else this.failed(err);
      return undefined;
    }
  }

  /** The name the model as published is kept aside under while a fine-tuned network is stored. */
  get publishedName(): string {
    return `${this.name}:published`;
  }

  /**
   * Writes `artifacts` under `key` now; rejects naming what failed. Under the predictor's own
   * name, with `keepPublished`, a fine-tuned network first keeps aside the model as published it replaces (the record
   * stored under the same key, when it is not fine-tuned itself; a failure to keep it is
   * reported, and the write goes on), and any other model drops what was kept aside.
   */
  write(key: string, artifacts: ModelArtifacts, name = this.name): Promise<void> {
    const save = () => indexedDbHandler(name, key).save(artifacts);
    if (name !== this.name || !this.#keepPublished) return this.#track(save().then(() => {}));
    const tuned = isFineTuned(artifacts.modelTopology.settings);
    return this.#track(
      (async () => {
        if (tuned)
          await copyStored(
            this.name,
            this.publishedName,
            (r) => r.key === key && !isFineTuned(r.artifacts.modelTopology.settings),
          ).catch((e: Error) => this.#onError(e));
        await save();
        if (!tuned) await deleteStored(this.publishedName);
      })(),
    );
  }

  /**
   * The model as published kept aside by `write`, whole, when `accept` takes its key; undefined
   * otherwise, without storage, or when it cannot be read.
   */
  async published(accept: (key: string) => boolean): Promise<StoredModel | undefined> {
    if (!this.#ok) return undefined;
    const record = await loadWhole(this.publishedName).catch(() => undefined);
    return record && accept(record.key) ? record : undefined;
  }

  /** Writes `artifacts` in a later task (after the first suggestion); a failure is reported. */
  writeLater(key: string, artifacts: ModelArtifacts): void {
    this.cancelScheduled();
    let settle!: () => void;
    void this.#track(new Promise<void>((resolve) => (settle = resolve)));
    this.#cancelTimer = settle;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#cancelTimer = undefined;
      this.write(key, artifacts)
        .catch((err: Error) => this.#onError(err))
        .finally(settle);
    }, 0);
  }

  /** Drops the write scheduled by writeLater, if it has not started. */
  cancelScheduled(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }

  /** Resolves when every write started or scheduled so far is done (written or failed). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Removes every record of this name: the scheduled write is dropped, writes under way end first. */
  async deleteAll(): Promise<void> {
    this.cancelScheduled();
    await this.flush();
    if (typeof indexedDB === 'undefined') return;
    await deleteStored(this.name);
    await deleteStored(this.publishedName);
    await dropHintIfNothingStored();
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#pending.add(p);
    const done = () => void this.#pending.delete(p);
    p.then(done, done);
    return p;
  }
}
