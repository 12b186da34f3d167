/**
 * The SDK's predictor. Two ways to start:
 *  - a model (the Spanish one shipped with the package by default, or `model`'s URL): the
 *    network and the trigram it carries answer from the first keystroke; the model is kept in
 *    IndexedDB, so a reload answers offline; no corpus is fetched and no worker started unless
 *    something trains (`learn` fine-tunes the network every few messages);
 *  - a `corpus`: a Kneser-Ney trigram built on it answers within a moment, then a recurrent
 *    network stored in IndexedDB, or trained in a Web Worker, takes over, mixed with the trigram.
 * Prediction runs on the page in plain JavaScript (no tfjs here); training runs in the worker.
 */
import * as Comlink from 'comlink';
import { parseCorpus, hashText } from '../data/corpus.js';
import { modelWords, prepareTokenizer } from '../text/tokenize.js';
import {
  abortError,
  checkBoolean,
  checkFunction,
  checkInteger,
  checkNumber,
  checkOneOf,
  describe,
} from '../base/checks.js';
import { CELL_TYPES, DEFAULT_MODEL, MODEL_SHAPES } from '../inference/model-config.js';
import { KneserNeyTrigram } from '../inference/ngram.js';
import { RecurrentNetwork } from '../inference/recurrent-network.js';
import { WordPredictor, type PredictorParts, type Suggestion } from '../inference/word-predictor.js';
import {
  fromArtifacts,
  toArtifacts,
  type ModelArtifacts,
  type ModelRelease,
  type RnnModel,
} from '../inference/artifacts.js';
import { fetchModelArtifacts, loadModelFromUrl, readFileUrl } from './load-url.js';
import { DEFAULT_WORKER_URL, WASM_URLS } from './assets.js';
import { indexedDbHandler, loadRecord, deleteStored, loadLearned, saveLearned } from '../storage/idb.js';
import { loadForgotten, saveForgotten } from '../storage/idb.js';
import { learnInto, learnedLines } from '../inference/learning.js';
import { DEFAULT_BLOCKLIST_ES } from '../text/blocklist-es.js';
import { checkCompletionOrder } from '../inference/savings-order.js';
import type { WorkerApi } from '../worker/protocol.js';
import { BACKEND_NAMES, type BackendName } from '../base/training-types.js';
import type { ForecastOptions, ForecastResult } from '../base/forecast-types.js';
import type {
  Predictor,
  PredictorInfo,
  PredictorOptions,
  TrainRequest,
  TrainProgress,
  Continuation,
  ContinueOptions,
  PhraseOptions,
} from './types.js';

export type { Predictor, PredictorInfo, PredictorOptions, TrainRequest } from './types.js';
export { DEFAULT_WORKER_URL } from './assets.js';

/**
 * The Spanish model shipped with the package (`npm run train:default`; models/es in the
 * repository, next to this module in the built package). A stored copy of an older version is
 * replaced by this one; learned messages are kept.
 */
export const SHIPPED_MODEL: Readonly<{ release: ModelRelease; json: URL; weights: URL }> = {
  release: { id: 'es-default', version: 2 },
  json: new URL('./models/es/model.json', import.meta.url),
  weights: new URL('./models/es/weights.bin', import.meta.url),
};

/** Where the shipped corpus lies, next to this module in the built package. */
export const DEFAULT_CORPUS_URL = new URL('./corpus/es-conversaciones.txt', import.meta.url);

/** Fine-tune the network on learned messages every this many new ones. */
const FINE_TUNE_EVERY = 10;

async function loadCorpus(corpus: string | URL, fetchImpl: typeof fetch): Promise<string[]> {
  const isUrl = corpus instanceof URL || /^(https?:|file:|\.{0,2}\/)\S*$/.test(corpus);
  if (!isUrl) return parseCorpus(corpus as string, 'corpus text');
  const url = new URL(String(corpus), globalThis.location?.href ?? import.meta.url);
  let bytes: ArrayBuffer;
  if (url.protocol === 'file:') {
    const b = await readFileUrl(url);
    bytes = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  } else {
    let res: Response;
    try {
      res = await fetchImpl(url);
    } catch (e) {
      throw new Error(`corpus ${url}: could not be fetched (${(e as Error).message})`, { cause: e });
    }
    if (!res.ok) throw new Error(`corpus ${url}: HTTP ${res.status}, expected a UTF-8 text file`);
    if ((res.headers.get('content-type') ?? '').includes('text/html')) {
      throw new Error(`corpus ${url}: the server returned an HTML page, expected plain text with one message per line`);
    }
    bytes = await res.arrayBuffer();
  }
  return parseCorpus(new Uint8Array(bytes), String(url));
}

function validate(o: PredictorOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError(`options must be an object, got ${describe(o)}`);
  const str = (v: unknown, name: string) => {
    if (v !== undefined && typeof v !== 'string' && !(v instanceof URL))
      throw new TypeError(`${name} must be a string or URL, got ${describe(v)}`);
  };
  str(o.corpus, 'corpus');
  str(o.model, 'model');
  str(o.workerUrl, 'workerUrl');
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0 || o.name.length > 200)) {
    throw new TypeError(`name must be a non-empty string of at most 200 characters, got ${describe(o.name)}`);
  }
  const oneOf = <T extends string | number>(v: unknown, name: string, values: readonly T[]) =>
    v !== undefined && checkOneOf(v, name, values);
  oneOf(o.cell, 'cell', CELL_TYPES);
  oneOf(o.shape, 'shape', MODEL_SHAPES);
  oneOf(o.backend, 'backend', BACKEND_NAMES);
  oneOf(o.layers, 'layers', [1, 2]);
  const int = (v: unknown, name: string, min: number, max: number) =>
    v !== undefined && checkInteger(v, name, min, max);
  int(o.embeddingSize, 'embeddingSize', 1, 1024);
  int(o.hiddenSize, 'hiddenSize', 1, 2048);
  int(o.vocabularySize, 'vocabularySize', 10, 200_000);
  int(o.epochs, 'epochs', 1, 1000);
  if (o.workerTimeout !== undefined)
    checkNumber(o.workerTimeout, 'workerTimeout', (x) => x > 0, 'a number of seconds > 0');
  for (const b of ['autoTrain', 'persist', 'typos', 'emoji'] as const) if (o[b] !== undefined) checkBoolean(o[b], b);
  if (o.fetch !== undefined) checkFunction(o.fetch, 'fetch');
  checkCompletionOrder(o.completionOrder);
  validateLearning(o);
}

/** The options of learning and of what is suggested: `block`, `typos`. */
function validateLearning(o: PredictorOptions): void {
  if (o.block !== undefined && (!Array.isArray(o.block) || o.block.some((w) => typeof w !== 'string')))
    throw new TypeError(`block must be an array of words (strings), got ${describe(o.block)}`);
}

/** A word as the models store it: NFC, lower case, without surrounding spaces. */
const normWord = (w: string) => w.normalize('NFC').toLowerCase().trim();

/** Starts a module worker and fails fast (instead of hanging) when it cannot start. */
function startWorker(url: string | URL): { api: Comlink.Remote<WorkerApi>; worker: Worker; failed: Promise<never> } {
  let worker: Worker;
  try {
    worker = new Worker(url, { type: 'module', name: 'rnn-predict' });
  } catch (e) {
    const err = new Error(
      `the training worker could not start (${(e as Error).message}); a strict Content-Security-Policy needs worker-src 'self'`,
    );
    err.name = 'WorkerError';
    const failed = Promise.reject(err);
    failed.catch(() => {});
    return { api: undefined as never, worker: undefined as never, failed };
  }
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (ev) => {
      const err = new Error(
        `the training worker failed: ${(ev as ErrorEvent).message || `could not load ${url} (missing file, or blocked by a Content-Security-Policy)`}`,
      );
      err.name = 'WorkerError';
      reject(err);
    });
  });
  failed.catch(() => {});
  const api = Comlink.wrap<WorkerApi>(worker);
  // Before anything else reaches the worker: where the wasm binaries were emitted.
  api.setWasmPaths({ ...WASM_URLS }).catch(() => {});
  return { api, worker, failed };
}

class RnnPredictor extends EventTarget implements Predictor {
  readonly ready: Promise<void>;
  readonly neuralReady: Promise<void>;
  readonly #o: PredictorOptions;
  readonly #name: string;
  readonly #persist: boolean;
  readonly #fetch: typeof fetch;
  #lines: string[] = [];
  /** The corpus lines as words, made once (each learned message rebuilds the trigram). */
  #corpusWords: string[][] | undefined;
  #learned: string[] = [];
  /** Words the person asked never to see again (`forget`). */
  #forgotten: string[] = [];
  #learnedSinceTune = 0;
  #corpusHash = '';
  #ngram: KneserNeyTrigram | undefined;
  #model: RnnModel | undefined;
  /** The model's network, made once per model (its weights copied into WebAssembly memory). */
  #network: RecurrentNetwork | undefined;
  #predictor: WordPredictor | undefined;
  #info: PredictorInfo = { source: 'ngram', state: 'loading', vocabularySize: 0, corpusHash: '', corpusLines: 0 };
  #worker: ReturnType<typeof startWorker> | undefined;
  #storageOk: boolean;
  #disposed = false;
  /** The deferred first write of a fetched model (cancelled by delete()). */
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #training: Promise<PredictorInfo> | undefined;
  #prefetched: ReturnType<typeof loadRecord> | undefined;
  /** Started from a model (given or shipped), not from a corpus. */
  readonly #fromModel: boolean;
  /** That model as published (not fine-tuned), for delete(). */
  #original: RnnModel | undefined;

  constructor(options: PredictorOptions) {
    super();
    this.#o = options;
    this.#name = options?.name ?? 'default';
    this.#persist = options?.persist ?? true;
    this.#storageOk = this.#persist && typeof indexedDB !== 'undefined';
    this.#fetch = options?.fetch ?? globalThis.fetch?.bind(globalThis);
    this.#fromModel = options?.corpus === undefined || options?.model !== undefined;
    this.ready = this.#fromModel ? this.#startFromModel() : this.#start();
    this.neuralReady = this.ready.then(() => this.#startNeural());
    this.ready.catch(() => {});
    this.neuralReady.catch(() => {});
  }

  async #start(): Promise<void> {
    validate(this.#o);
    // Read the stored model while the corpus downloads; its key is checked once the corpus is in.
    if (this.#storageOk && this.#o.model === undefined) {
      this.#prefetched = loadRecord(this.#name);
      this.#prefetched.catch(() => {});
    }
    this.#lines = await loadCorpus(this.#o.corpus ?? DEFAULT_CORPUS_URL, this.#fetch);
    this.#corpusHash = hashText(this.#lines.join('\n'));
    if (this.#storageOk) {
      try {
        this.#learned = await loadLearned(this.#name);
        this.#forgotten = await loadForgotten(this.#name);
      } catch (e) {
        this.#storageFailed(e as Error);
      }
    }
    this.#info = { ...this.#info, state: 'ngram', corpusHash: this.#corpusHash, corpusLines: this.#lines.length };
    // A stored model carries a trigram on the same corpus: answer with both at once and build
    // the page's own trigram (which adds learned messages) only when needed, after `ready`.
    if (this.#o.model === undefined && (await this.#loadStored())) {
      if (this.#learned.length > 0) setTimeout(() => this.#ngramNow(), 0);
      return;
    }
    this.#rebuildNgram();
    this.#refresh();
  }

  /** Where the model comes from, and the key its stored copy carries. */
  get #modelSource(): { json: URL; weights?: URL; key: string; sameModel: (key: string) => boolean } {
    if (this.#o.model !== undefined) {
      const json = new URL(String(this.#o.model), globalThis.location?.href ?? import.meta.url);
      const key = JSON.stringify({ model: String(json) });
      return { json, key, sameModel: (k) => k === key };
    }
    const { release, json, weights } = SHIPPED_MODEL;
    const key = JSON.stringify({ model: release.id, version: release.version });
    const sameModel = (k: string) => {
      try {
        return (JSON.parse(k) as { model?: unknown }).model === release.id;
      } catch {
        return false;
      }
    };
    return { json, weights, key, sameModel };
  }

  /**
   * Model first: the stored copy when it is this model (this version), else the model's URL
   * (then stored, so the next visit answers offline); when the URL fails, a stored copy of the
   * same model (an older version too) still answers, and an `error` event says what failed.
   */
  async #startFromModel(): Promise<void> {
    validate(this.#o);
    const source = this.#modelSource;
    let stored: Awaited<ReturnType<typeof loadRecord>>;
    if (this.#storageOk) {
      const reading = Promise.all([loadRecord(this.#name), loadLearned(this.#name)]);
      // While IndexedDB reads: what the first suggestion would otherwise wait for.
      prepareTokenizer();
      try {
        [stored, this.#learned] = await reading;
      } catch (e) {
        const err = e as Error;
        if (err.name === 'StorageError') this.#emitError(err);
        else this.#storageFailed(err);
      }
    }
    const use = (model: RnnModel, fromStorage: boolean) => {
      if (!model.settings.fineTunedOn) this.#original = model;
      this.#corpusHash = model.corpusHash;
      this.#info = { ...this.#info, corpusHash: model.corpusHash, corpusLines: 0 };
      if (this.#learned.length > 0) this.#ngram = this.#ngramWithLearned(model);
      this.#setModel(model, fromStorage);
    };
    if (stored && stored.key === source.key) {
      try {
        use(fromArtifacts(stored.artifacts), true);
        return;
      } catch (e) {
        this.#emitError(
          new Error(`the stored model "${this.#name}" could not be used and is loaded again: ${(e as Error).message}`),
        );
        stored = undefined;
      }
    }
    let model: RnnModel;
    let fetched: ModelArtifacts;
    try {
      const fetching = fetchModelArtifacts(source.json, this.#fetch, source.weights);
      prepareTokenizer(); // while the model downloads (nothing to do when it ran during the read)
      fetched = await fetching;
      model = fromArtifacts(fetched);
    } catch (e) {
      if (stored && source.sameModel(stored.key)) {
        try {
          use(fromArtifacts(stored.artifacts), true);
          this.#emitError(
            new Error(`${(e as Error).message}; answering with the model stored in this browser`, { cause: e }),
          );
          return;
        } catch {
          // fall through: nothing usable is stored
        }
      }
      throw e;
    }
    use(model, false);
    if (this.#storageOk) {
      // Stored as fetched (checked by fromArtifacts above): a reload decodes the very same
      // bytes, and the first visit spends no time encoding them again. Written in a later task,
      // so that cloning the record (~70 ms for the shipped model) comes after the first
      // suggestion, not before it.
      this.#saveTimer = setTimeout(() => {
        this.#saveTimer = undefined;
        indexedDbHandler(this.#name, source.key)
          .save(fetched)
          .catch((err: Error) => this.#emitError(err));
      }, 0);
    }
  }

  /** The model's own trigram with the learned messages added. */
  #ngramWithLearned(model: RnnModel): KneserNeyTrigram | undefined {
    if (!model.ngram) return undefined;
    return model.ngram.withLines(learnedLines(this.#learned));
  }

  /** Builds the page's trigram if it is not built yet (learned messages included). */
  #ngramNow(): void {
    if (this.#ngram || this.#disposed) return;
    this.#rebuildNgram();
    this.#refresh();
  }

  /** The key a stored model must carry to be reused: corpus and training settings. */
  get #key(): string {
    if (this.#fromModel) return this.#modelSource.key;
    const o = this.#o;
    return JSON.stringify({
      corpus: this.#corpusHash,
      cell: o.cell ?? DEFAULT_MODEL.cell,
      shape: o.shape ?? 'seq2vec',
      embeddingSize: o.embeddingSize ?? null,
      hiddenSize: o.hiddenSize ?? null,
      layers: o.layers ?? null,
      vocabularySize: o.vocabularySize ?? null,
    });
  }

  #storageFailed(e: Error): void {
    this.#storageOk = false;
    this.#emitError(e);
  }

  #emitError(e: Error): void {
    this.dispatchEvent(new CustomEvent('error', { detail: e }));
  }

  #rebuildNgram(): void {
    if (this.#fromModel) {
      if (this.#model) this.#ngram = this.#ngramWithLearned(this.#model);
      return;
    }
    this.#corpusWords ??= this.#lines.map(modelWords);
    this.#ngram = KneserNeyTrigram.train([...this.#corpusWords, ...learnedLines(this.#learned)]);
  }

  /** Rebuilds the answering predictor from the current network and trigram. */
  #refresh(): void {
    const m = this.#model;
    // The model's own trigram (same corpus) answers beside it, so a stored model predicts exactly
    // as it did when trained; the page's trigram takes over once messages have been learned.
    const ownNgram = this.#fromModel
      ? this.#learned.length > 0 && this.#ngram
        ? this.#ngram
        : m?.ngram
      : m?.ngram && (this.#learned.length === 0 || !this.#ngram)
        ? m.ngram
        : this.#ngram;
    this.#predictor = m
      ? new WordPredictor({
          network: this.#network!,
          vocabulary: m.vocabulary,
          ngram: ownNgram,
          mix: ownNgram ? m.mix : 1,
          ...this.#suggestionParts(),
        })
      : new WordPredictor({ ngram: this.#ngram!, ...this.#suggestionParts() });
    // Sorted on first use, else the first letter typed would wait for it: in idle time instead.
    const predictor = this.#predictor;
    setTimeout(() => predictor.prepare(), 0);
    this.#info = {
      ...this.#info,
      source: this.#predictor.source,
      vocabularySize: m ? m.vocabulary.size : (this.#ngram?.vocabularySize ?? 0),
      metrics: m?.metrics,
      trainedAt: m?.trainedAt,
      cell: m?.config.cell,
      release: m?.release,
      shipped:
        !!m?.release &&
        m.release.id === SHIPPED_MODEL.release.id &&
        this.#o.model === undefined &&
        this.#o.corpus === undefined,
    };
  }

  #setModel(model: RnnModel, fromStorage: boolean): void {
    this.#model = model;
    this.#network = new RecurrentNetwork(model.config, model.weights);
    this.#info = { ...this.#info, state: 'neural', fromStorage };
    this.#refresh();
    this.dispatchEvent(new CustomEvent('model', { detail: this.info() }));
  }

  async #startNeural(): Promise<void> {
    if (this.#model) return;
    if (this.#fromModel) throw new Error('the model could not be loaded');
    if (this.#o.model !== undefined) {
      this.#setModel(await loadModelFromUrl(this.#o.model, this.#fetch), false);
      return;
    }
    if (await this.#loadStored()) return;
    if (this.#o.autoTrain === false)
      throw new Error('no stored model matches this corpus and these settings, and autoTrain is off: call train()');
    await this.#trainWithLock({ epochs: this.#o.epochs ?? 4 }, true);
  }

  /** Loads the stored model when it matches; reports and removes a damaged or foreign one. */
  async #loadStored(): Promise<boolean> {
    if (!this.#storageOk) return false;
    try {
      const pending = this.#prefetched;
      this.#prefetched = undefined;
      const record = await (pending ?? loadRecord(this.#name));
      if (!record || record.key !== this.#key) return false;
      this.#setModel(fromArtifacts(record.artifacts), true);
      return true;
    } catch (e) {
      const err = e as Error;
      if (err.name === 'StorageError' || err.name === 'ModelFormatError') {
        this.#emitError(
          new Error(
            `the stored model "${this.#name}" could not be used and will be replaced by retraining: ${err.message}`,
          ),
        );
        return false;
      }
      this.#storageFailed(err);
      return false;
    }
  }

  #api(): ReturnType<typeof startWorker> {
    if (this.#disposed) throw new Error('this predictor was disposed');
    this.#worker ??= startWorker(this.#o.workerUrl ?? DEFAULT_WORKER_URL);
    return this.#worker;
  }

  async #call<T>(fn: (api: Comlink.Remote<WorkerApi>) => Promise<T>): Promise<T> {
    const w = this.#api();
    return Promise.race([w.failed, fn(w.api)]);
  }

  /** Training under a Web Lock per model name, so two tabs never train the same model at once;
   * the one that waited loads the other's result when it matches. */
  async #trainWithLock(request: TrainRequest, auto: boolean): Promise<PredictorInfo> {
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (!locks) return this.#train(request);
    return locks.request(`rnn-predict:${this.#name}`, async () => {
      if (auto && (await this.#loadStored())) return this.info();
      return this.#train(request);
    }) as unknown as Promise<PredictorInfo>;
  }

  async #train(request: TrainRequest, fineTune = false): Promise<PredictorInfo> {
    const before = this.#info.state;
    this.#info = { ...this.#info, state: 'training' };
    const onAbort = () => void this.#call((api) => api.cancel()).catch(() => {});
    request.signal?.addEventListener('abort', onAbort);
    try {
      if (request.signal?.aborted) throw abortError(request.signal.reason, 'training was cancelled');
      const backend = await this.#call((api) => api.init(this.#o.backend as BackendName | undefined));
      this.#info = { ...this.#info, backend: backend.backend, backendReason: backend.reason };
      // A worker that crashed or was killed says nothing: take silence for death, report it,
      // and start a fresh worker for the next call.
      let lastSign = Date.now();
      let watchdog: ReturnType<typeof setInterval> | undefined;
      const dead = new Promise<never>((_, reject) => {
        const limit = (this.#o.workerTimeout ?? 60) * 1000;
        watchdog = setInterval(
          () => {
            if (Date.now() - lastSign < limit) return;
            const err = new Error(
              `the training worker stopped responding for ${limit / 1000} s and was restarted; the previous model is kept`,
            );
            err.name = 'WorkerError';
            this.#worker?.worker?.terminate();
            this.#worker = undefined;
            this.#emitError(err);
            reject(err);
          },
          Math.min(1000, limit / 2),
        );
      });
      dead.catch(() => {});
      const progress = Comlink.proxy((p: TrainProgress) => {
        lastSign = Date.now();
        request.onProgress?.(p);
        this.dispatchEvent(new CustomEvent('progress', { detail: p }));
      });
      const o = this.#o;
      const artifacts = await Promise.race([
        dead,
        this.#call((api) =>
          api.train(
            {
              lines: fineTune ? this.#learned.slice(-200) : [...this.#lines, ...this.#learned],
              cell: o.cell,
              shape: o.shape,
              embeddingSize: o.embeddingSize,
              hiddenSize: o.hiddenSize,
              layers: o.layers,
              vocabularySize: o.vocabularySize,
              epochs: request.epochs ?? o.epochs ?? 4,
              corpusHash: this.#corpusHash,
              from: fineTune && this.#model ? toArtifacts(this.#model) : undefined,
            },
            progress,
          ),
        ),
      ]).finally(() => clearInterval(watchdog));
      const after = await this.#call((api) => api.init(this.#o.backend as BackendName | undefined));
      this.#info = { ...this.#info, backend: after.backend, backendReason: after.reason };
      // The worker returns the model as it is stored (float16 weights, varint trigram counts):
      // the network that answers is the stored one, so a reload predicts exactly as now.
      const model = fromArtifacts(artifacts);
      if (fineTune) model.settings = { ...model.settings, fineTunedOn: this.#learned.length };
      if (this.#disposed) throw new Error('this predictor was disposed');
      this.#setModel(model, false);
      if (this.#storageOk) {
        try {
          await indexedDbHandler(this.#name, this.#key).save({
            ...artifacts,
            modelTopology: { ...artifacts.modelTopology, settings: model.settings },
          });
        } catch (e) {
          this.#emitError(e as Error);
        }
      }
      return this.info();
    } catch (e) {
      this.#info = { ...this.#info, state: this.#model ? 'neural' : before === 'training' ? 'ngram' : before };
      throw e;
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  predictNext(text: string, options?: { k?: number }): Suggestion[] {
    return this.#need().predictNext(text, options);
  }

  continue(text: string, options?: ContinueOptions): Continuation[] {
    return this.#need().continue(text, options);
  }

  phrase(text: string, options?: PhraseOptions): Continuation | null {
    return this.#need().phrase(text, options);
  }

  #need(): WordPredictor {
    if (this.#disposed) throw new Error('this predictor was disposed');
    if (!this.#predictor) throw new Error('the predictor is not ready yet: await predictor.ready first');
    return this.#predictor;
  }

  async train(request: TrainRequest = {}): Promise<PredictorInfo> {
    if (typeof request !== 'object' || request === null)
      throw new TypeError(`request must be an object, got ${describe(request)}`);
    await this.ready;
    if (this.#training) throw new Error('a training is already running for this predictor; cancel it first');
    if (this.#fromModel && this.#learned.length === 0)
      throw new Error(
        'nothing to train on: this predictor answers with a model; learn() messages to fine-tune it, or give a corpus to train a network of your own',
      );
    this.#training = this.#fromModel ? this.#train(request, true) : this.#trainWithLock(request, false);
    try {
      return await this.#training;
    } finally {
      this.#training = undefined;
    }
  }

  async learn(text: string): Promise<void> {
    if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`);
    await this.ready;
    const line = text.trim();
    if (modelWords(line).length === 0) return;
    this.#learned.push(line);
    this.#learnCounts(line);
    if (this.#storageOk) {
      try {
        await saveLearned(this.#name, this.#learned);
      } catch (e) {
        this.#emitError(e as Error);
      }
    }
    if (
      this.#model &&
      ++this.#learnedSinceTune >= FINE_TUNE_EVERY &&
      !this.#training &&
      typeof Worker !== 'undefined' &&
      this.#o.autoTrain !== false
    ) {
      this.#learnedSinceTune = 0;
      this.#training = this.#train({ epochs: 1 }, true);
      this.#training.catch((e) => this.#emitError(e)).finally(() => (this.#training = undefined));
    }
  }

  /** Adds a learned message to the page's trigram in place (no rebuild, no new predictor);
   * the first message after a stored model answered builds the page's trigram once. */
  #learnCounts(line: string): void {
    if (!this.#ngram) this.#rebuildNgram();
    else learnInto(this.#ngram, line);
    // The page's trigram (the model's own counts and what was learned) answers from now on.
    if (this.#predictor?.ngram !== this.#ngram) this.#refresh();
  }

  /** What a predictor leaves out and how it completes: the block list, forgotten words, typos,
   * emoji, the order of completions. */
  #suggestionParts(): Pick<PredictorParts, 'blocked' | 'typos' | 'emoji' | 'completionOrder'> {
    const o = this.#o;
    return {
      blocked: [...(o.block ?? DEFAULT_BLOCKLIST_ES), ...this.#forgotten],
      typos: o.typos,
      emoji: o.emoji,
      completionOrder: o.completionOrder,
    };
  }

  async forget(word: string): Promise<void> {
    if (typeof word !== 'string' || normWord(word) === '')
      throw new TypeError(`word must be a non-empty string, got ${describe(word)}`);
    await this.ready;
    const norm = normWord(word);
    if (!this.#forgotten.includes(norm)) this.#forgotten.push(norm);
    const kept = this.#learned.filter((l) => !modelWords(l).includes(norm));
    const changed = kept.length !== this.#learned.length;
    this.#learned = kept;
    if (changed && this.#ngram) this.#rebuildNgram();
    this.#refresh();
    if (this.#storageOk) {
      try {
        await saveForgotten(this.#name, this.#forgotten);
        if (changed) await saveLearned(this.#name, this.#learned);
      } catch (e) {
        this.#emitError(e as Error);
      }
    }
  }

  learned(): { messages: string[]; forgotten: string[] } {
    return { messages: [...this.#learned], forgotten: [...this.#forgotten] };
  }

  info(): PredictorInfo {
    return { ...this.#info };
  }

  /** For tests only: the worker's remote API (started on first use). Not part of the API. */
  [Symbol.for('rnn-predict.worker')](): Comlink.Remote<WorkerApi> {
    return this.#api().api;
  }

  /** For tests only: kills the worker without telling anyone, as a crash would. */
  [Symbol.for('rnn-predict.kill-worker')](): void {
    this.#worker?.worker?.terminate();
  }

  async save(): Promise<void> {
    await this.ready;
    if (!this.#model) throw new Error('there is no neural model to save yet: await neuralReady or call train()');
    if (!this.#storageOk)
      throw new Error('IndexedDB is not available here (private mode, or persist: false): the model stays in memory');
    await indexedDbHandler(this.#name, this.#key).save(toArtifacts(this.#model, { float16: true }));
  }

  async delete(): Promise<void> {
    await this.ready.catch(() => {});
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    this.#learned = [];
    this.#forgotten = [];
    this.#learnedSinceTune = 0;
    if (this.#fromModel) {
      // Back to the model as published: the network fine-tuned on the person's messages goes too.
      this.#ngram = undefined;
      if (typeof indexedDB !== 'undefined') await deleteStored(this.#name);
      const source = this.#modelSource;
      const original =
        this.#original ??
        (await loadModelFromUrl(source.json, this.#fetch, source.weights).catch((e: Error) => {
          this.#emitError(e);
          return undefined;
        }));
      if (original) this.#setModel(original, false);
      return;
    }
    this.#model = undefined;
    this.#network = undefined;
    this.#info = { ...this.#info, state: 'ngram', fromStorage: false };
    if (this.#lines.length > 0) {
      this.#rebuildNgram();
      this.#refresh();
    }
    if (typeof indexedDB !== 'undefined') await deleteStored(this.#name);
  }

  dispose(): void {
    this.#disposed = true;
    this.#worker?.api?.[Comlink.releaseProxy]?.();
    this.#worker?.worker?.terminate();
    this.#worker = undefined;
    this.#predictor = undefined;
  }
}

/** Creates a predictor. Suggestions are available once `ready` resolves; a neural model
 * (stored, loaded or trained in the worker) takes over when `neuralReady` resolves. Bad
 * options reject `ready` with a TypeError/RangeError naming the option. */
export function createPredictor(options: PredictorOptions = {}): Predictor {
  return new RnnPredictor(options);
}

let defaultPredictor: Predictor | undefined;

/**
 * The next words for `text` from the default predictor (the shipped Spanish corpus), created
 * on first use; resolves once it is ready. In Node it answers from the trigram (no worker).
 *
 * @example await predictNext('Hola cómo se siente ') // [{word: 'hoy', probability: …}, …]
 */
export async function predictNext(text: string, options: { k?: number } = {}): Promise<Suggestion[]> {
  defaultPredictor ??= createPredictor({
    autoTrain: typeof Worker !== 'undefined',
    persist: typeof indexedDB !== 'undefined',
  });
  await defaultPredictor.ready;
  return defaultPredictor.predictNext(text, options);
}

/**
 * Forecasts a numeric series with a recurrent network trained in a worker (see
 * `forecast` in rnn-predict/core for the options and result). The worker is stopped after.
 */
export async function forecast(
  series: number[],
  options: ForecastOptions & { workerUrl?: string | URL } = {},
): Promise<ForecastResult> {
  const { signal, onProgress, workerUrl, ...rest } = options;
  const w = startWorker(workerUrl ?? DEFAULT_WORKER_URL);
  const onAbort = () => void w.api?.cancel().catch(() => {});
  signal?.addEventListener('abort', onAbort);
  try {
    if (signal?.aborted) throw abortError(signal.reason, 'forecast was cancelled');
    return await Promise.race([
      w.failed,
      w.api.forecast(series, rest, onProgress ? Comlink.proxy(onProgress) : undefined),
    ]);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    w.worker?.terminate();
  }
}
