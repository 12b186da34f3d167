/**
 * The model as published (shipped or a `model` URL, not fine-tuned) that a predictor started
 * from a model goes back to when its fine-tuned network must go (forget(), delete()): as it
 * loaded on this page, else as kept aside in storage while a fine-tuned network was stored
 * (persistence.ts; offline too), else downloaded again.
 */
import { fromArtifacts, type RnnModel } from '../inference/format/artifacts.js';
import { isFineTuned, type ModelStore } from './persistence.js';

export class PublishedModel {
  /** The published model as it loaded on this page, if it did. */
  #held: RnnModel | undefined;
  readonly #store: ModelStore;
  readonly #key: () => string;
  readonly #download: () => Promise<RnnModel>;
  readonly #onError: (e: Error) => void;

  /** `key`: the key the published model is stored under; `download`: fetches it again. */
  constructor(store: ModelStore, key: () => string, download: () => Promise<RnnModel>, onError: (e: Error) => void) {
    this.#store = store;
    this.#key = key;
    this.#download = download;
    this.#onError = onError;
  }

  /** A model now answers: held when it is the published one. */
  loaded(model: RnnModel): void {
    if (!isFineTuned(model.settings)) this.#held = model;
  }

  /** Without a download: as it loaded, else as kept aside (undefined when neither, or damaged). */
  async kept(): Promise<RnnModel | undefined> {
    if (this.#held) return this.#held;
    const record = await this.#store.published((key) => key === this.#key());
    try {
      return record && fromArtifacts(record.artifacts);
    } catch {
      return undefined;
    }
  }

  /** kept(), else downloaded again; undefined when that fails too (the error is reported). */
  async get(): Promise<RnnModel | undefined> {
    const kept = await this.kept();
    if (kept) return kept;
    return this.#download().catch((e: Error) => {
      this.#onError(e);
      return undefined;
    });
  }
}
