/**
 * The SDK's predictor: an object over its parts. Options are checked by options.ts; where the
 * model comes from is sources.ts (the shipped model, `model`'s URL, or a corpus) and
 * open-model.ts (stored copy, download, fallback); downloads are download.ts and load-url.ts;
 * the model's records and the writes under way are persistence.ts; what a person teaches it is
 * learned-memory.ts (kept by storage/learned-log.ts, shared by the tabs of a site); the reply
 * model is reply-side.ts; training.ts trains in the worker behind worker-trainer.ts. Two ways
 * to start:
 *  - a model (the Spanish one shipped with the package by default, or `model`'s URL): the
 *    network and the trigram it carries answer from the first keystroke; the model is kept in
 *    IndexedDB, so a reload answers offline; no corpus is fetched and no worker started unless
 *    something trains (`learn` fine-tunes the network every few messages);
 *  - a `corpus`: a Kneser-Ney trigram built on it answers within a moment, then a recurrent
 *    network stored in IndexedDB, or trained in a Web Worker, takes over, mixed with the trigram.
 * Prediction runs on the page in plain JavaScript (no tfjs here); training runs in the worker.
 */
import * as Comlink from 'comlink';
import { hashText } from '../data/corpus.js';
import { modelWords } from '../text/tokenize.js';
import { abortError, checkInteger, describe, isAbortError } from '../base/checks.js';
import { TRAIN_DEFAULTS } from '../inference/model/model-config.js';
import { KneserNeyTrigram } from '../inference/model/ngram.js';
import { RecurrentNetwork } from '../inference/model/recurrent-network.js';
import { markStep } from './marks.js';
import { capMessage, checkPredictorOptions, DEFAULT_WORKER_TIMEOUT_SECONDS, normWord } from './options.js';
import { WordPredictor, type PredictorParts, type Suggestion } from '../inference/model/word-predictor.js';
import {
  fromArtifacts,
  mixFor,
  toArtifacts,
  type ModelArtifacts,
  type RnnModel,
} from '../inference/format/artifacts.js';
import { fetchModelArtifacts, loadModelFromUrl } from './load-url.js';
import { DEFAULT_WORKER_URL } from './assets.js';
import { LearnedMemory } from './learned-memory.js';
import { ReplySide } from './reply-side.js';
import { learnInto, learnedLines } from '../inference/model/learning.js';
import { DEFAULT_BLOCKLIST_ES } from '../text/blocklist-es.js';
import type { WorkerApi } from '../worker/protocol.js';
import { DEFAULT_MAX_CORPUS_BYTES, DEFAULT_STALL_SECONDS } from './download.js';
import {
  SHIPPED_MODEL,
  DEFAULT_CORPUS_URL,
  loadCorpus,
  modelSource,
  repliesSource,
  type ModelSource,
} from './sources.js';
import type { Reply } from '../inference/suggest/replies.js';
import { WorkerTrainer } from './worker-trainer.js';
import { isFineTuned, ModelStore } from './persistence.js';
import { PublishedModel } from './published-model.js';
import { openModel, openReplyModel } from './open-model.js';
import {
  corpusKey,
  FINE_TUNE_EVERY,
  learnedFromRemoved,
  type LearnedRemovals,
  trainNetwork,
  TrainingGuard,
  withTrainLock,
} from './training.js';
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

class RnnPredictor extends EventTarget implements Predictor {
  readonly ready: Promise<void>;
  readonly neuralReady: Promise<void>;
  readonly #o: PredictorOptions;
  readonly #name: string;
  readonly #fetch: typeof fetch;
  #lines: string[] = [];
  /** The corpus lines as words, made once (each learned message rebuilds the trigram). */
  #corpusWords: string[][] | undefined;
  /** What the person taught (messages and forgotten words), as every tab of the site knows it. */
  readonly #memory: LearnedMemory;
  #learnedSinceTune = 0;
  #corpusHash = '';
  #ngram: KneserNeyTrigram | undefined;
  /** A rebuild of the page's trigram after messages were removed, waiting for idle time. */
  #rebuildTimer: ReturnType<typeof setTimeout> | undefined;
  #model: RnnModel | undefined;
  /** The model's network, made once per model (its weights copied into WebAssembly memory). */
  #network: RecurrentNetwork | undefined;
  #predictor: WordPredictor | undefined;
  #info: PredictorInfo = { source: 'ngram', state: 'loading', vocabularySize: 0, corpusHash: '', corpusLines: 0 };
  readonly #worker: WorkerTrainer;
  /** The model's records in IndexedDB, and the writes under way. */
  readonly #store: ModelStore;
  #disposed = false;
  #training: Promise<PredictorInfo> | undefined;
  /** The last fine-tuning's end, however it ended (resolves). */
  #tuned: Promise<void> = Promise.resolve();
  /** Whether the last fine-tuning was ended (by forget() or delete()) before it was done. */
  #tuneEnded = false;
  /** The replacement of a network fine-tuned before a forget() (#dropForgottenNetwork; resolves). */
  #dropping: Promise<void> = Promise.resolve();
  /** Ends a fine-tuning, and drops a training's result, when messages it learned are removed (TrainingGuard). */
  readonly #trainingGuard = new TrainingGuard();
  /** Started from a model (given or shipped), not from a corpus. */
  readonly #fromModel: boolean;
  /** That model as published (not fine-tuned), for forget() and delete(). */
  readonly #published: PublishedModel;
  /** The reply model, opened when first asked for. */
  readonly #replies: ReplySide;
  /** The model's n-gram when its network was dropped with no model to replace it (#withoutNetwork). */
  #bareNgram: KneserNeyTrigram | undefined;
  /** A model's n-gram joining its network, which answers first (#startFromModel). */
  #joining: Promise<void> = Promise.resolve();
  /** The learned messages' first read from storage (the reply model applies the stored replies). */
  #learnedRead: Promise<void> = Promise.resolve();

  constructor(options: PredictorOptions) {
    super();
    this.#o = options;
    this.#name = options?.name ?? 'default';
    const persist = (options?.persist ?? true) && typeof indexedDB !== 'undefined';
    this.#fetch = options?.fetch ?? globalThis.fetch?.bind(globalThis);
    this.#fromModel = options?.corpus === undefined || options?.model !== undefined;
    this.#store = new ModelStore(this.#name, persist, (e) => this.#emitError(e), this.#fromModel);
    this.#published = new PublishedModel(
      this.#store,
      () => this.#key,
      () => {
        const source = this.#modelSource;
        return loadModelFromUrl(source.json, {
          fetch: this.#fetch,
          weights: source.weights,
          stallSeconds: this.#stallSeconds,
          crossOriginWeights: this.#o.crossOriginWeights,
        });
      },
      (e) => this.#emitError(e),
    );
    this.#memory = new LearnedMemory(this.#name, {
      added: (text) => {
        if (this.#predictor) this.#learnCounts(text);
      },
      dropped: () => this.#scheduleRebuild(),
      forgotten: () => this.#wordForgotten(),
      cleared: () => this.#clearMemory(),
      error: (e) => this.#emitError(e),
      storageFailed: (e) => this.#store.failed(e),
    });
    this.#replies = new ReplySide(
      () => this.#openReplies(),
      async () => {
        await this.#learnedRead;
        return this.#memory.messages.filter((m) => m.inReplyTo !== undefined).map((m) => m.text);
      },
    );
    this.#worker = new WorkerTrainer(
      options?.workerUrl ?? DEFAULT_WORKER_URL,
      options?.workerTimeout ?? DEFAULT_WORKER_TIMEOUT_SECONDS,
      (e) => this.#emitError(e),
    );
    this.ready = (this.#fromModel ? this.#startFromModel() : this.#start()).then(() => markStep('ready'));
    this.neuralReady = this.ready.then(() => this.#joining).then(() => this.#startNeural());
    this.ready.catch(() => {});
    this.neuralReady.catch(() => {});
  }

  get #stallSeconds(): number {
    return this.#o.downloadTimeout ?? DEFAULT_STALL_SECONDS;
  }

  async #start(): Promise<void> {
    checkPredictorOptions(this.#o);
    // Read the stored model while the corpus downloads; its key is checked once the corpus is in.
    if (this.#store.ok && this.#o.model === undefined) this.#store.prefetch();
    const learned = (this.#learnedRead = this.#readLearned());
    this.#lines = await loadCorpus(this.#o.corpus ?? DEFAULT_CORPUS_URL, {
      fetch: this.#fetch,
      maxBytes: this.#o.maxCorpusBytes ?? DEFAULT_MAX_CORPUS_BYTES,
      stallSeconds: this.#stallSeconds,
    });
    this.#corpusHash = hashText(this.#lines.join('\n'));
    await learned;
    this.#info = { ...this.#info, state: 'ngram', corpusHash: this.#corpusHash, corpusLines: this.#lines.length };
    // A stored model carries a trigram on the same corpus: answer with both at once and build
    // the page's own trigram (which adds learned messages) only when needed, after `ready`.
    if (this.#o.model === undefined && (await this.#loadStored())) {
      if (this.#memory.messages.length > 0) setTimeout(() => this.#ngramNow(), 0);
      return;
    }
    this.#rebuildNgram();
    this.#refresh();
  }

  /** The learned messages and forgotten words from storage, before the first suggestion. */
  #readLearned(): Promise<void> {
    return this.#store.ok ? this.#memory.read() : Promise.resolve();
  }

  /** The trigram loses removed messages' counts at the next idle moment (a forgotten word is
   * blocked meanwhile). */
  #scheduleRebuild(): void {
    if (!this.#ngram || this.#rebuildTimer !== undefined) return;
    this.#rebuildTimer = setTimeout(() => {
      this.#rebuildTimer = undefined;
      if (this.#disposed || !this.#ngram) return;
      this.#ngram = undefined;
      this.#rebuildNgram();
      this.#refresh();
    }, 500);
  }

  /** The model to load (`model`'s URL or the shipped one). */
  get #modelSource(): ModelSource {
    return modelSource(this.#o.model);
  }

  #fetchModel(source: ModelSource, signal?: AbortSignal): Promise<ModelArtifacts> {
    return fetchModelArtifacts(source.json, {
      fetch: this.#fetch,
      signal,
      weights: source.weights,
      stallSeconds: this.#stallSeconds,
      crossOriginWeights: this.#o.crossOriginWeights,
    });
  }

  /** Model first (the shipped model or `model`'s URL): open-model.ts says from where. */
  async #startFromModel(): Promise<void> {
    checkPredictorOptions(this.#o);
    const learned = (this.#learnedRead = this.#readLearned());
    const opened = await openModel(this.#modelSource, { ...this.#openHow, before: learned });
    const { model, whole } = opened;
    this.#corpusHash = model.corpusHash;
    this.#info = { ...this.#info, corpusHash: model.corpusHash, corpusLines: 0 };
    if (whole) {
      // The network answers now (`ready`); its n-gram joins a moment later with the learned
      // messages counted into it (`neuralReady`). A model replaced meanwhile (delete()) stays.
      this.#setNetwork(model, opened.fromStorage, this.#makeNetwork(model));
      const wanted = () => !this.#disposed && this.#model === model;
      this.#joining = whole(wanted)
        .then((done) => {
          if (!done || !wanted()) return;
          const sameNetwork = done.model.weights === model.weights;
          this.#adopt(done.model, done.fromStorage, sameNetwork ? this.#network : undefined);
        })
        .catch((e: Error) => this.#emitError(e));
      return;
    }
    this.#adopt(model, opened.fromStorage);
    if (opened.warning) this.#emitError(opened.warning);
  }

  /** A whole model (network and n-gram) answers from now on, with what was learned. */
  #adopt(model: RnnModel, fromStorage: boolean, network?: RecurrentNetwork): void {
    this.#published.loaded(model);
    if (this.#memory.messages.length > 0) this.#ngram = this.#ngramWithLearned(model);
    this.#setModel(model, fromStorage, network);
  }

  /** Ready, and the model's n-gram joined: what reads or changes the model waits for. */
  async #whole(): Promise<void> {
    await this.ready;
    await this.#joining;
  }

  /** What storage says was removed from the learned messages (training.ts's learnedFromRemoved). */
  get #removals(): LearnedRemovals {
    return { generation: this.#memory.generation, forgotten: this.#memory.forgotten.length };
  }

  /** How open-model.ts reaches storage, downloads and the error event. */
  get #openHow() {
    return {
      store: this.#store,
      fetchModel: (source: ModelSource, signal?: AbortSignal) => this.#fetchModel(source, signal),
      onError: (e: Error) => this.#emitError(e),
      learnedFromRemoved: (model: RnnModel) => learnedFromRemoved(model, this.#removals),
    };
  }

  /** The learned messages' texts, oldest first. */
  get #texts(): string[] {
    return this.#memory.texts;
  }

  /** The model's own trigram with the learned messages added. */
  #ngramWithLearned(model: RnnModel): KneserNeyTrigram | undefined {
    if (!model.ngram) return undefined;
    return model.ngram.withLines(learnedLines(this.#texts));
  }

  /** Builds the page's trigram if it is not built yet (learned messages included). */
  #ngramNow(): void {
    if (this.#ngram || this.#disposed) return;
    this.#rebuildNgram();
    this.#refresh();
  }

  /** The key a stored model must carry to be reused: the model's, or corpus and settings. */
  get #key(): string {
    return this.#fromModel ? this.#modelSource.key : corpusKey(this.#o, this.#corpusHash);
  }

  #emitError(e: Error): void {
    this.dispatchEvent(new CustomEvent('error', { detail: e }));
  }

  #rebuildNgram(): void {
    clearTimeout(this.#rebuildTimer);
    this.#rebuildTimer = undefined;
    if (this.#fromModel) {
      const counts = this.#model?.ngram ?? this.#bareNgram;
      if (counts) this.#ngram = counts.withLines(learnedLines(this.#texts));
      return;
    }
    this.#corpusWords ??= this.#lines.map(modelWords);
    this.#ngram = KneserNeyTrigram.train([...this.#corpusWords, ...learnedLines(this.#texts)]);
  }

  /** Rebuilds the answering predictor from the current network and trigram. */
  #refresh(): void {
    const m = this.#model;
    // The model's own trigram (same corpus) answers beside it, so a stored model predicts exactly
    // as it did when trained; the page's trigram takes over once messages have been learned.
    const ownNgram = this.#fromModel
      ? this.#memory.messages.length > 0 && this.#ngram
        ? this.#ngram
        : m?.ngram
      : m?.ngram && (this.#memory.messages.length === 0 || !this.#ngram)
        ? m.ngram
        : this.#ngram;
    this.#predictor = m
      ? new WordPredictor({
          network: this.#network!,
          vocabulary: m.vocabulary,
          ngram: ownNgram,
          mix: ownNgram ? mixFor(m, this.#o.register) : 1,
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

  /** The model answers from now on, and the 'model' event says so. `network`: its network
   * when already made. */
  #setModel(model: RnnModel, fromStorage: boolean, network?: RecurrentNetwork): void {
    this.#setNetwork(model, fromStorage, network ?? this.#makeNetwork(model));
    markStep('complete');
    this.dispatchEvent(new CustomEvent('model', { detail: this.info() }));
  }

  /** The network of `model`, its weights laid out for the kernels. */
  #makeNetwork(model: RnnModel): RecurrentNetwork {
    const network = new RecurrentNetwork(model.config, model.weights);
    markStep('network');
    return network;
  }

  /** `model`'s network answers (with the model's n-gram when it has one). */
  #setNetwork(model: RnnModel, fromStorage: boolean, network: RecurrentNetwork): void {
    this.#model = model;
    this.#network = network;
    this.#info = { ...this.#info, state: 'neural', fromStorage };
    this.#refresh();
  }

  async #startNeural(): Promise<void> {
    if (this.#model) return;
    if (this.#fromModel) throw new Error('the model could not be loaded');
    if (this.#o.model !== undefined) {
      this.#setModel(await loadModelFromUrl(this.#o.model, { fetch: this.#fetch }), false);
      return;
    }
    if (await this.#loadStored()) return;
    if (this.#o.autoTrain === false)
      throw new Error('no stored model matches this corpus and these settings, and autoTrain is off: call train()');
    await this.#trainWithLock({ epochs: this.#o.epochs ?? TRAIN_DEFAULTS.pageEpochs }, true);
  }

  /** Loads the stored model when it matches (persistence.ts reports a damaged or foreign one) and
   * did not learn from removed messages (learnedFromRemoved). */
  async #loadStored(): Promise<boolean> {
    const model = await this.#store.readMatching(this.#key, (a) => {
      const m = fromArtifacts(a);
      return learnedFromRemoved(m, this.#removals) ? undefined : m;
    });
    if (model) this.#setModel(model, true);
    return model !== undefined;
  }

  /** Training under a Web Lock per model name, so two tabs never train the same model at once;
   * the one that waited loads the other's result when it matches. */
  async #trainWithLock(request: TrainRequest, auto: boolean): Promise<PredictorInfo> {
    return withTrainLock(this.#name, async () => {
      if (auto && (await this.#loadStored())) return this.info();
      return this.#train(request);
    });
  }

  async #train(request: TrainRequest, fineTune = false): Promise<PredictorInfo> {
    const before = this.#info.state;
    this.#info = { ...this.#info, state: 'training' };
    const run = this.#trainingGuard.start(fineTune, this.#texts.length > 0, request.signal);
    try {
      const { model, artifacts, backend, backendReason } = await trainNetwork(
        this.#worker,
        {
          options: this.#o,
          corpus: this.#lines,
          learned: this.#texts,
          corpusHash: this.#corpusHash,
          fineTune: fineTune ? this.#model : undefined,
          learnedGeneration: this.#memory.generation,
          learnedForgotten: this.#memory.forgotten.length,
        },
        { ...request, signal: run.signal },
        (p: TrainProgress) => {
          request.onProgress?.(p);
          this.dispatchEvent(new CustomEvent('progress', { detail: p }));
        },
      );
      this.#info = { ...this.#info, backend, backendReason };
      if (this.#disposed) throw new Error('this predictor was disposed');
      if (run.stale())
        throw abortError(undefined, 'training was discarded: the learned messages it trained on were deleted');
      this.#setModel(model, false);
      if (this.#store.ok) await this.#store.write(this.#key, artifacts).catch((e: Error) => this.#emitError(e));
      return this.info();
    } catch (e) {
      // No model left (delete() ran while it trained, or none yet): the n-gram answers.
      const ngram = before === 'training' || before === 'neural';
      this.#info = { ...this.#info, state: this.#model ? 'neural' : ngram ? 'ngram' : before };
      throw e;
    } finally {
      run.end();
    }
  }

  predictNext(text: string, options?: { k?: number }): Suggestion[] {
    return this.#need().predictNext(text, options);
  }

  get repliesReady(): Promise<void> {
    return this.#replies.ready;
  }

  replies(message: string, options: { k?: number } = {}): Reply[] {
    if (this.#disposed) throw new Error('this predictor was disposed');
    if (typeof message !== 'string') throw new TypeError(`message must be a string, got ${describe(message)}`);
    if (typeof options !== 'object' || options === null)
      throw new TypeError(`options must be an object, got ${describe(options)}`);
    const k = options.k ?? 3;
    checkInteger(k, 'k', 0, 10);
    if (this.#o.replies === false) return [];
    return this.#replies.rank(message, k);
  }

  /** The reply model (open-model.ts); undefined when replies are off or this predictor is gone. */
  async #openReplies(): Promise<RnnModel | undefined> {
    checkPredictorOptions(this.#o);
    if (this.#o.replies === false) return undefined;
    const source = repliesSource(typeof this.#o.replies === 'boolean' ? undefined : this.#o.replies);
    const model = await openReplyModel(source, this.#openHow);
    return this.#disposed ? undefined : model;
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
    await this.#whole();
    await this.#dropping; // never fine-tune a network that learned a forgotten word
    if (this.#training) throw new Error('a training is already running for this predictor; cancel it first');
    if (this.#fromModel && !this.#model)
      throw new Error(
        'there is no network to fine-tune: the one that learned removed messages was dropped, and the model as published could not be loaded (offline?); it loads on the next visit',
      );
    if (this.#fromModel && this.#memory.messages.length === 0)
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

  async learn(text: string, inReplyTo?: string): Promise<void> {
    if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`);
    if (inReplyTo !== undefined && typeof inReplyTo !== 'string')
      throw new TypeError(`inReplyTo must be the message replied to (a string), got ${describe(inReplyTo)}`);
    const line = capMessage(text.trim());
    const replyTo = inReplyTo?.trim() ? inReplyTo : undefined;
    // A reply to a message ranks higher from now on (replies.ts learnReply), whether or not
    // the next-word model is in; stored with the message (its inReplyTo) for the next visit.
    if (replyTo !== undefined && line !== '') this.#replies.sent(line);
    await this.#whole();
    const learned = await this.#memory.learn(line, replyTo);
    if (!learned || this.#disposed) return;
    if (learned.trimmed.length > 0)
      this.dispatchEvent(new CustomEvent('trimmed', { detail: { messages: learned.trimmed } }));
    else this.#learnCounts(line);
    if (this.#model && ++this.#learnedSinceTune >= FINE_TUNE_EVERY) this.#fineTune();
  }

  /** Fine-tunes the network on the last learned messages in the worker, unless something trains
   * already, or there is no network, no worker or no auto-training, or the network may have
   * learned removed messages (it is being replaced: #dropForgottenNetwork). */
  #fineTune(): void {
    const model = this.#model;
    if (!model || this.#training || typeof Worker === 'undefined' || this.#o.autoTrain === false) return;
    if (learnedFromRemoved(model, this.#removals)) return;
    this.#learnedSinceTune = 0;
    this.#tuneEnded = false;
    this.#training = this.#train({ epochs: TRAIN_DEFAULTS.fineTuneEpochs }, true);
    this.#tuned = this.#training
      .then(
        () => {},
        (e) => {
          // Ended or discarded by delete() or forget(): nothing went wrong.
          if (isAbortError(e)) this.#tuneEnded = true;
          else this.#emitError(e);
        },
      )
      .finally(() => (this.#training = undefined));
  }

  /**
   * After a word is forgotten (here or in another tab): a network fine-tuned when fewer words
   * were forgotten may have learned a message that held it, so it goes — the model as published
   * answers and is stored in its place — and is fine-tuned again on the messages left. (A
   * network trained on a corpus stays for this page, the word blocked; the stored one is not
   * loaded again: training.ts's learnedFromRemoved.)
   */
  async #dropForgottenNetwork(): Promise<void> {
    await this.#joining; // the model whole (its n-gram joined), so that it is the one compared below
    await this.#tuned; // a fine-tuning that forget() ended
    const model = this.#model;
    if (!this.#fromModel || !model || !isFineTuned(model.settings) || !learnedFromRemoved(model, this.#removals)) {
      // The network stays: a fine-tuning the forget() ended starts again on the messages left.
      if (this.#tuneEnded && this.#memory.messages.length > 0 && !this.#disposed) this.#fineTune();
      return;
    }
    const generation = this.#memory.generation;
    const published = await this.#published.get();
    // delete() meanwhile put the published model back itself, and stores nothing.
    if (this.#disposed || this.#model !== model || this.#memory.generation !== generation) return;
    if (!published) return this.#withoutNetwork(model);
    this.#adopt(published, false);
    // Stored before the new fine-tuning starts, so that a page closed meanwhile still finds a
    // model it may load (offline too).
    if (this.#store.ok)
      await this.#store
        .write(this.#key, toArtifacts(published, { float16: true }))
        .catch((e: Error) => this.#emitError(e));
    if (this.#memory.messages.length > 0 && !this.#disposed && this.#model === published) this.#fineTune();
  }

  /**
   * A word was forgotten, here or in another tab: the suggestions block it; a fine-tuning under
   * way ends (its result would be refused: learnedFromRemoved); a network fine-tuned before goes.
   */
  #wordForgotten(): void {
    this.#trainingGuard.forgot();
    if (this.#predictor) this.#refresh();
    this.#dropNetworkSoon();
  }

  /** Replaces, in the background, a network fine-tuned before a word was forgotten (flush() and
   * train() wait for it). */
  #dropNetworkSoon(): void {
    this.#dropping = this.#dropping.then(() => this.#dropForgottenNetwork()).catch((e: Error) => this.#emitError(e));
  }

  /**
   * A network that learned removed messages must stop answering, and there is no model as
   * published to put in its place (offline, nothing kept aside; PublishedModel.get reported why): the
   * model's n-gram answers alone for this page (fine-tuning leaves its counts as published), with
   * the messages left counted in; the next visit loads or downloads the published model.
   */
  #withoutNetwork(model: RnnModel): void {
    this.#model = undefined;
    this.#network = undefined;
    this.#bareNgram = model.ngram;
    this.#ngram = this.#ngramWithLearned(model);
    this.#info = { ...this.#info, state: 'ngram', fromStorage: false };
    if (this.#ngram) this.#refresh();
    else this.#predictor = undefined;
    this.dispatchEvent(new CustomEvent('model', { detail: this.info() }));
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
      blocked: [...(o.block ?? DEFAULT_BLOCKLIST_ES), ...this.#memory.forgotten],
      typos: o.typos,
      emoji: o.emoji,
      completionOrder: o.completionOrder,
    };
  }

  async forget(word: string): Promise<void> {
    if (typeof word !== 'string' || normWord(word) === '')
      throw new TypeError(`word must be a non-empty string, got ${describe(word)}`);
    await this.#whole();
    const stored = this.#memory.forget(normWord(word));
    this.#wordForgotten();
    await stored;
  }

  learned(): { messages: string[]; forgotten: string[] } {
    return { messages: this.#texts, forgotten: [...this.#memory.forgotten] };
  }

  info(): PredictorInfo {
    return { ...this.#info };
  }

  /** For tests only: the worker's remote API (started on first use). Not part of the API. */
  [Symbol.for('rnn-predict.worker')](): Comlink.Remote<WorkerApi> {
    return this.#worker.handle().api;
  }

  /** For tests only: kills the worker without telling anyone, as a crash would. */
  [Symbol.for('rnn-predict.kill-worker')](): void {
    this.#worker.kill();
  }

  async save(): Promise<void> {
    await this.#whole();
    if (!this.#model) throw new Error('there is no neural model to save yet: await neuralReady or call train()');
    if (!this.#store.ok)
      throw new Error('IndexedDB is not available here (private mode, or persist: false): the model stays in memory');
    await this.#store.write(this.#key, toArtifacts(this.#model, { float16: true }));
  }

  async flush(): Promise<void> {
    await this.#dropping;
    return this.#store.flush();
  }

  /**
   * This tab forgets everything learned (delete() here or in another tab): the messages, the
   * forgotten words, and a network fine-tuned on them (back to the model as published).
   */
  async #clearMemory(published?: RnnModel): Promise<void> {
    this.#trainingGuard.cleared();
    this.#memory.reset();
    // The replies learned go too: the reply model is made again, as shipped, when next asked for.
    this.#replies.reset();
    this.#learnedSinceTune = 0;
    clearTimeout(this.#rebuildTimer);
    if (this.#fromModel) {
      // The model's own counts, without the messages, answer at once.
      this.#ngram = this.#model ? undefined : this.#bareNgram;
      if (this.#model || this.#ngram) this.#refresh();
      const model = this.#model;
      if (model && isFineTuned(model.settings)) {
        const original = published ?? (await this.#published.get());
        if (this.#disposed || this.#model !== model) return;
        if (original) this.#setModel(original, false);
        else this.#withoutNetwork(model);
      }
      return;
    }
    if (this.#lines.length > 0) {
      this.#rebuildNgram();
      this.#refresh();
    }
  }

  async delete(): Promise<void> {
    this.#trainingGuard.cleared();
    await this.ready.catch(() => {});
    await this.#joining;
    this.#store.cancelScheduled();
    // The model as published, read before its records go: offline it is the only copy.
    const published = this.#fromModel && isFineTuned(this.#model?.settings) ? await this.#published.kept() : undefined;
    await this.#memory.clearStorage();
    await this.#store.deleteAll();
    if (!this.#fromModel) {
      this.#model = undefined;
      this.#network = undefined;
      this.#info = { ...this.#info, state: 'ngram', fromStorage: false };
    }
    await this.#clearMemory(published);
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#rebuildTimer);
    this.#memory.close();
    this.#worker.dispose();
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
 * The next words for `text` from the default predictor (the shipped Spanish model), created
 * on first use; resolves once the whole model answers (its network and n-gram: `neuralReady`).
 *
 * @example await predictNext('Hola cómo se siente ') // [{word: 'hoy', probability: …}, …]
 */
export async function predictNext(text: string, options: { k?: number } = {}): Promise<Suggestion[]> {
  defaultPredictor ??= createPredictor({
    autoTrain: typeof Worker !== 'undefined',
    persist: typeof indexedDB !== 'undefined',
  });
  await defaultPredictor.neuralReady;
  return defaultPredictor.predictNext(text, options);
}

markStep('evaluated');
