/**
 * Where a predictor's model comes from, and opening it: the stored copy when it is this model
 * (this version), else a download (the shipped model or `model`'s URL; then stored in a later
 * task, so the next visit answers offline); when the download fails, a stored copy of the same
 * model (an older version too) still answers. The reply model is opened the same way. A corpus
 * is the other start: sources.ts loads it and training.ts trains on it.
 */
import { prepareTokenizer } from '../text/tokenize.js';
import {
  fromArtifacts,
  fromArtifactsInStages,
  ngramInStages,
  type ModelArtifacts,
  type RnnModel,
} from '../inference/format/artifacts.js';
import type { KneserNeyTrigram } from '../inference/model/ngram.js';
import { nothingStored, storedBefore, type StoredModel } from '../storage/idb.js';
import { markStep } from './marks.js';
import type { ModelSource } from './sources.js';
import type { ModelStore } from './persistence.js';

/** A model opened: where it came from, and what to report once it answers. */
export interface OpenedModel {
  /** Without its n-gram when `whole` is there: the network answers first. */
  model: RnnModel;
  fromStorage: boolean;
  /**
   * The model's n-gram (most of the decoding), read after the page's next frame, one table a
   * task so that typing is handled between them; resolves with the whole model to answer with
   * (a downloaded one is then stored), or undefined when `wanted()` turns false meanwhile or the
   * network goes on alone. Damaged counts are reported: stored ones (a record checked whole when
   * it was written, then damaged on disk) make the model downloaded again, downloaded ones are
   * not kept.
   */
  whole?: (wanted: () => boolean) => Promise<{ model: RnnModel; fromStorage: boolean } | undefined>;
  /** The download failed and a stored copy answers: to report after the model is in use. */
  warning?: Error;
}

/** How a model is opened: its download, storage, and where errors go. */
export interface OpenHow {
  store: ModelStore;
  fetchModel: (source: ModelSource, signal?: AbortSignal) => Promise<ModelArtifacts>;
  onError: (e: Error) => void;
  /** Waited for before the model is returned (the learned messages' first read). */
  before: Promise<void>;
  /**
   * Whether a stored model may have learned from messages deleted or forgotten since
   * (training.ts's learnedFromRemoved): such a record is neither loaded nor a fallback; the
   * download replaces it. Asked after `before`.
   */
  learnedFromRemoved?: (model: RnnModel) => boolean;
}

/**
 * Opens the next-word model. A first visit downloads at once, while IndexedDB creates its
 * databases: known at once when the page has never stored a model (storedBefore), else when
 * IndexedDB lists no database of ours. The stored record is always read, and when it is this
 * model it answers and a download started at once is ended. A downloaded model is written in a
 * later task.
 */
export async function openModel(source: ModelSource, how: OpenHow): Promise<OpenedModel> {
  const { store, onError } = how;
  let stored: StoredModel | undefined;
  let fetching: Promise<ModelArtifacts> | undefined;
  let early: AbortController | undefined;
  if (store.ok && storedBefore() === false) {
    early = new AbortController();
    fetching = how.fetchModel(source, early.signal);
    fetching.catch(() => {}); // awaited below, where a failure is handled
  }
  const firstVisit =
    store.ok && !fetching
      ? nothingStored().then((none) => {
          if (!none || fetching) return;
          fetching = how.fetchModel(source);
          fetching.catch(() => {}); // awaited below, where a failure is handled
        })
      : Promise.resolve();
  if (store.ok) {
    const reading = store.read();
    // While IndexedDB reads: what the first suggestion would otherwise wait for.
    prepareTokenizer();
    // Always waited for, even when a download started at once has ended first: the stored record
    // may hold what the person taught it (a network fine-tuned on their messages), which a
    // downloaded copy must never replace.
    try {
      stored = await reading;
    } catch (e) {
      const err = e as Error;
      if (err.name === 'StorageError') onError(err);
      else store.failed(err);
    }
    markStep('record-read');
  }
  // The forgotten words apply from the first suggestion on; the learned messages once the
  // model's n-gram, which they are counted into, joins (after `ready`).
  await how.before;
  await firstVisit;
  if (stored && stored.key === source.key) {
    try {
      const record = stored;
      const { model, ngram } = fromArtifactsInStages(record.artifacts);
      markStep('decoded');
      if (how.learnedFromRemoved?.(model)) stored = undefined;
      else {
        // A record kept in two is read in two: its n-gram part after the first suggestion.
        const steps = record.part
          ? async () => ngramInStages(record.artifacts, await store.readPart(record))
          : async () => ngram();
        early?.abort(new Error('not needed: the stored model answers'));
        return { model, fromStorage: true, whole: completing(model, steps, source, how) };
      }
    } catch (e) {
      onError(loadedAgain(store, e as Error));
      stored = undefined;
    }
  }
  let staged: ReturnType<typeof fromArtifactsInStages>;
  let fetched: ModelArtifacts;
  try {
    fetching ??= how.fetchModel(source);
    prepareTokenizer(); // while the model downloads (nothing to do when it ran during the read)
    fetched = await fetching;
    markStep('downloaded');
    try {
      staged = fromArtifactsInStages(fetched);
      markStep('decoded');
    } catch (e) {
      throw new Error(`${source.json}: ${(e as Error).message}`, { cause: e });
    }
  } catch (e) {
    const warning = (what: string) =>
      new Error(`${(e as Error).message}; answering with the model ${what}`, { cause: e });
    if (stored && source.sameModel(stored.key)) {
      try {
        const model = fromArtifacts(await store.whole(stored));
        if (how.learnedFromRemoved?.(model)) throw e;
        return { model, fromStorage: true, warning: warning('stored in this browser') };
      } catch {
        // fall through: nothing usable is stored
      }
    }
    // The stored network may not be loaded (it learned what was forgotten since): the model as
    // published, kept aside while it was stored, answers instead, and takes its place.
    const kept = await store.published((key) => source.sameModel(key));
    if (kept) {
      try {
        const model = fromArtifacts(kept.artifacts);
        store.writeLater(kept.key, kept.artifacts);
        return { model, fromStorage: true, warning: warning('as published, kept in this browser') };
      } catch {
        // fall through: damaged
      }
    }
    throw e;
  }
  return {
    model: staged.model,
    fromStorage: false,
    whole: completing(staged.model, async () => staged.ngram(), source, how, fetched),
  };
}

/** A stored record that could not be used, reported as one the download replaces. */
function loadedAgain(store: ModelStore, e: Error): Error {
  return new Error(`the stored model "${store.name}" could not be used and is loaded again: ${e.message}`, {
    cause: e,
  });
}

/** OpenedModel.whole for `model` and its n-gram's `steps`; `fetched`: the download it came from. */
function completing(
  model: RnnModel,
  steps: () => Promise<Generator<void, KneserNeyTrigram | undefined>>,
  source: ModelSource,
  how: Omit<OpenHow, 'before'>,
  fetched?: ModelArtifacts,
): NonNullable<OpenedModel['whole']> {
  const { store } = how;
  return async (wanted) => {
    await afterNextFrame();
    if (!wanted()) return undefined;
    let ngram: KneserNeyTrigram | undefined;
    try {
      const decoding = await steps();
      if (!wanted()) return undefined;
      for (let step = decoding.next(); ; step = decoding.next()) {
        if (step.done) {
          ngram = step.value;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (!wanted()) return undefined;
      }
    } catch (e) {
      if (fetched) {
        how.onError(new Error(`${source.json}: ${(e as Error).message}; the network answers alone`, { cause: e }));
        return undefined;
      }
      how.onError(loadedAgain(store, e as Error));
      const again = await how.fetchModel(source);
      const whole = fromArtifacts(again);
      if (!wanted()) return undefined;
      if (store.ok) store.writeLater(source.key, again);
      return { model: whole, fromStorage: false };
    }
    // Stored as fetched, once its n-gram has decoded too: a reload decodes the very same bytes,
    // and the first visit spends no time encoding them again. Written in a later task, so that
    // cloning the record (~70 ms for the shipped model) comes after the first suggestion.
    if (fetched && store.ok) store.writeLater(source.key, fetched);
    return { model: { ...model, ngram }, fromStorage: !fetched };
  };
}

/**
 * Resolves once the page has drawn its next frame (the first suggestion painted before the work
 * that follows), or in a later task where frames do not come (Node; a hidden tab: 100 ms).
 */
function afterNextFrame(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== 'function') {
      setTimeout(resolve, 0);
      return;
    }
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(timer);
        resolve();
      }, 0),
    );
  });
}

/**
 * Opens the reply model: the stored copy when it is this model, else downloaded (then stored,
 * so that a reload answers offline); a failed download falls back on a stored copy of the same
 * model. Stored under the predictor's name + ':replies', beside the next-word model.
 */
export async function openReplyModel(source: ModelSource, how: Omit<OpenHow, 'before'>): Promise<RnnModel> {
  const { store } = how;
  const name = `${store.name}:replies`;
  let stored: StoredModel | undefined;
  if (store.ok) stored = await store.readWhole(name).catch(() => undefined);
  if (stored && stored.key === source.key) {
    try {
      return fromArtifacts(stored.artifacts);
    } catch {
      stored = undefined;
    }
  }
  try {
    const fetched = await how.fetchModel(source);
    let model: RnnModel;
    try {
      model = fromArtifacts(fetched);
    } catch (e) {
      throw new Error(`${source.json}: ${(e as Error).message}`, { cause: e });
    }
    if (store.ok) store.write(source.key, fetched, name).catch((err: Error) => how.onError(err));
    return model;
  } catch (e) {
    if (!stored || !source.sameModel(stored.key)) {
      how.onError(e as Error);
      throw e;
    }
    return fromArtifacts(stored.artifacts);
  }
}
