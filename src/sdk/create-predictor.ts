/**
 * The SDK's predictor: an object over its parts. Options are checked by options.ts; where the
 * model comes from is sources.ts (the shipped model, `model`'s URL, or a corpus) and
 * open-model.ts (stored copy, download, fallback); downloads are download.ts and load-url.ts;
 * the model's records and the writes under way are persistence.ts; what a person teaches it is
 * kept by storage/learned-log.ts (one record per message, shared by the tabs of a site); and
 * training.ts trains in the worker
 * behind worker-trainer.ts. Two ways to start:
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
import { checkInteger, describe } from '../base/checks.js';
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
import { takeLegacyLearned } from '../storage/idb.js';
import {
  LearnedLog,
  MAX_LEARNED_MESSAGES,
  type LearnedChange,
  type LearnedMessage,
  trimCount,
  type LearnedState,
} from '../storage/learned-log.js';
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
import { ReplyRanker, type Reply } from '../inference/suggest/replies.js';
import { WorkerTrainer } from './worker-trainer.js';
import { ModelStore } from './persistence.js';
import { openModel, openReplyModel } from './open-model.js';
import { corpusKey, FINE_TUNE_EVERY, trainNetwork, withTrainLock } from './training.js';
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
export { SHIPPED_MODEL, SHIPPED_REPLIES, DEFAULT_CORPUS_URL } from './sources.js';
export { REPLY_MIN_PROBABILITY } from '../inference/suggest/replies.js';
export { MAX_LEARNED_MESSAGES } from '../storage/learned-log.js';
export { forecast } from './training.js';

class RnnPredictor extends EventTarget implements Predictor {
  readonly ready: Promise<void>;
  readonly neuralReady: Promise<void>;
  readonly #o: PredictorOptions;
  readonly #name: string;
  readonly #fetch: typeof fetch;
  #lines: string[] = [];
  /** The corpus lines as words, made once (each learned message rebuilds the trigram). */
  #corpusWords: string[][] | undefined;
  /** What the person taught, oldest first, as every tab of the site knows it. */
  #learned: LearnedMessage[] = [];
  /** Words the person asked never to see again (`forget`). */
  #forgotten: string[] = [];
  /** Where the learned text is kept (undefined without IndexedDB or with persist: false). */
  #log: LearnedLog | undefined;
  /** Numbers the messages kept only in memory. */
  #memoryIds = 0;
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
  /** Started from a model (given or shipped), not from a corpus. */
  readonly #fromModel: boolean;
  /** That model as published (not fine-tuned), for delete(). */
  #original: RnnModel | undefined;
  /** The reply model, once loaded (`repliesReady`). */
  #replies: ReplyRanker | undefined;
  #repliesLoading: Promise<void> | undefined;
  /** Replies the person sent (learn's inReplyTo), applied to the reply model once it loads. */
  #sentReplies: string[] = [];
  /** The learned messages' first read from storage (the reply model applies the stored replies). */
  #learnedRead: Promise<void> = Promise.resolve();

  constructor(options: PredictorOptions) {
    super();
    this.#o = options;
    this.#name = options?.name ?? 'default';
    const persist = (options?.persist ?? true) && typeof indexedDB !== 'undefined';
    this.#store = new ModelStore(this.#name, persist, (e) => this.#emitError(e));
    this.#fetch = options?.fetch ?? globalThis.fetch?.bind(globalThis);
    this.#fromModel = options?.corpus === undefined || options?.model !== undefined;
    this.#worker = new WorkerTrainer(
      options?.workerUrl ?? DEFAULT_WORKER_URL,
      options?.workerTimeout ?? DEFAULT_WORKER_TIMEOUT_SECONDS,
      (e) => this.#emitError(e),
    );
    this.ready = (this.#fromModel ? this.#startFromModel() : this.#start()).then(() => markStep('ready'));
    this.neuralReady = this.ready.then(() => this.#startNeural());
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
      if (this.#learned.length > 0) setTimeout(() => this.#ngramNow(), 0);
      return;
    }
    this.#rebuildNgram();
    this.#refresh();
  }

  /**
   * The learned messages and forgotten words from storage (what an older version kept moved
   * into the per-message records first), before the first suggestion; damaged records are
   * reported and kept aside, and learning goes on.
   */
  async #readLearned(): Promise<void> {
    if (!this.#store.ok) return;
    try {
      this.#log = new LearnedLog(this.#name, (c) => this.#applyChange(c));
      const legacy = await takeLegacyLearned(this.#name);
      if (legacy) {
        await this.#log.importLegacy(legacy.messages, legacy.forgotten);
        for (const key of legacy.damaged)
          this.#emitError(
            new Error(`the learned record ${key} of "${this.#name}" is damaged: kept aside as damaged:${key}`),
          );
      }
      this.#adopt(await this.#log.load());
    } catch (e) {
      this.#log?.close();
      this.#log = undefined;
      this.#store.failed(e as Error);
    }
  }

  /** Takes storage's state as this tab's (after a load, or when another tab cleared it). */
  #adopt(state: LearnedState): void {
    this.#learned = state.messages;
    this.#forgotten = state.forgotten;
    for (const id of state.damaged)
      this.#emitError(
        new Error(
          `a learned record of "${this.#name}" is damaged (${id}): kept aside under the 'x' kind, learning goes on`,
        ),
      );
  }

  /** Another tab learned, forgot or deleted: the same here, so both tabs suggest the same. */
  #applyChange(c: LearnedChange): void {
    if (this.#disposed || !this.#log) return;
    if (c.type === 'cleared') {
      void this.#clearMemory();
      return;
    }
    if (c.generation !== this.#log.generation) return;
    if (c.type === 'learned') {
      if (this.#learned.some((m) => m.id === c.message.id)) return;
      this.#learned.push(c.message);
      if (c.trimmed.length > 0) this.#drop(new Set(c.trimmed));
      else if (this.#predictor) this.#learnCounts(c.message.text);
      return;
    }
    if (!this.#forgotten.includes(c.word)) this.#forgotten.push(c.word);
    const removed = new Set(c.removed);
    for (const m of this.#learned) if (modelWords(m.text).includes(c.word)) removed.add(m.id);
    if (removed.size > 0) this.#drop(removed);
    if (this.#predictor) this.#refresh();
  }

  /** Removes learned messages from memory; the trigram is rebuilt without them. */
  #drop(ids: ReadonlySet<string>): string[] {
    const gone = this.#learned.filter((m) => ids.has(m.id)).map((m) => m.text);
    if (gone.length === 0) return gone;
    this.#learned = this.#learned.filter((m) => !ids.has(m.id));
    // Their counts go at the next idle moment (a forgotten word is blocked meanwhile).
    if (this.#ngram && this.#rebuildTimer === undefined) {
      this.#rebuildTimer = setTimeout(() => {
        this.#rebuildTimer = undefined;
        if (this.#disposed || !this.#ngram) return;
        this.#ngram = undefined;
        this.#rebuildNgram();
        this.#refresh();
      }, 500);
    }
    return gone;
  }

  /** The model to load (`model`'s URL or the shipped one). */
  get #modelSource(): ModelSource {
    return modelSource(this.#o.model);
  }

  #fetchModel(source: ModelSource): Promise<ModelArtifacts> {
    return fetchModelArtifacts(source.json, {
      fetch: this.#fetch,
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
    const model = opened.model;
    if (!model.settings.fineTunedOn) this.#original = model;
    this.#corpusHash = model.corpusHash;
    this.#info = { ...this.#info, corpusHash: model.corpusHash, corpusLines: 0 };
    if (this.#learned.length > 0) this.#ngram = this.#ngramWithLearned(model);
    this.#setModel(model, opened.fromStorage);
    if (opened.warning) this.#emitError(opened.warning);
  }

  /** How open-model.ts reaches storage, downloads and the error event. */
  get #openHow() {
    return {
      store: this.#store,
      fetchModel: (source: ModelSource) => this.#fetchModel(source),
      onError: (e: Error) => this.#emitError(e),
    };
  }

  /** The learned messages' texts, oldest first. */
  get #texts(): string[] {
    return this.#learned.map((m) => m.text);
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
      if (this.#model) this.#ngram = this.#ngramWithLearned(this.#model);
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

  #setModel(model: RnnModel, fromStorage: boolean): void {
    this.#model = model;
    this.#network = new RecurrentNetwork(model.config, model.weights);
    markStep('network');
    this.#info = { ...this.#info, state: 'neural', fromStorage };
    this.#refresh();
    this.dispatchEvent(new CustomEvent('model', { detail: this.info() }));
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

  /** Loads the stored model when it matches; reports and removes a damaged or foreign one. */
  async #loadStored(): Promise<boolean> {
    if (!this.#store.ok) return false;
    try {
      const record = await this.#store.read();
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
      this.#store.failed(err);
      return false;
    }
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
    try {
      const { model, artifacts, backend, backendReason } = await trainNetwork(
        this.#worker,
        {
          options: this.#o,
          corpus: this.#lines,
          learned: this.#texts,
          corpusHash: this.#corpusHash,
          fineTune: fineTune ? this.#model : undefined,
        },
        request,
        (p: TrainProgress) => {
          request.onProgress?.(p);
          this.dispatchEvent(new CustomEvent('progress', { detail: p }));
        },
      );
      this.#info = { ...this.#info, backend, backendReason };
      if (this.#disposed) throw new Error('this predictor was disposed');
      this.#setModel(model, false);
      if (this.#store.ok) await this.#store.write(this.#key, artifacts).catch((e: Error) => this.#emitError(e));
      return this.info();
    } catch (e) {
      this.#info = { ...this.#info, state: this.#model ? 'neural' : before === 'training' ? 'ngram' : before };
      throw e;
    }
  }

  predictNext(text: string, options?: { k?: number }): Suggestion[] {
    return this.#need().predictNext(text, options);
  }

  get repliesReady(): Promise<void> {
    this.#repliesLoading ??= this.#loadReplies();
    return this.#repliesLoading;
  }

  replies(message: string, options: { k?: number } = {}): Reply[] {
    if (this.#disposed) throw new Error('this predictor was disposed');
    if (typeof message !== 'string') throw new TypeError(`message must be a string, got ${describe(message)}`);
    if (typeof options !== 'object' || options === null)
      throw new TypeError(`options must be an object, got ${describe(options)}`);
    const k = options.k ?? 3;
    checkInteger(k, 'k', 0, 10);
    if (this.#o.replies === false) return [];
    if (!this.#replies) {
      // The first ask loads the model; an error is reported by repliesReady and an event.
      this.repliesReady.catch(() => {});
      return [];
    }
    return this.#replies.rank(message, k);
  }

  /** The reply model (open-model.ts), with the replies learned on earlier visits and this one. */
  async #loadReplies(): Promise<void> {
    checkPredictorOptions(this.#o);
    if (this.#o.replies === false) return;
    const source = repliesSource(typeof this.#o.replies === 'boolean' ? undefined : this.#o.replies);
    const model = await openReplyModel(source, this.#openHow);
    if (this.#disposed) return;
    const ranker = new ReplyRanker(model);
    // The replies learned on earlier visits (stored), then those of this one.
    await this.#learnedRead.catch(() => {});
    for (const m of this.#learned)
      if (m.inReplyTo !== undefined && !this.#sentReplies.includes(m.text)) ranker.learnReply(m.text);
    for (const r of this.#sentReplies) ranker.learnReply(r);
    this.#replies = ranker;
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

  async learn(text: string, inReplyTo?: string): Promise<void> {
    if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`);
    if (inReplyTo !== undefined && typeof inReplyTo !== 'string')
      throw new TypeError(`inReplyTo must be the message replied to (a string), got ${describe(inReplyTo)}`);
    const line = capMessage(text.trim());
    const replyTo = inReplyTo?.trim() ? inReplyTo : undefined;
    // A reply to a message ranks higher from now on (replies.ts learnReply), whether or not
    // the next-word model is in; stored with the message (its inReplyTo) for the next visit.
    if (replyTo !== undefined && line !== '') {
      this.#sentReplies.push(line);
      this.#replies?.learnReply(line);
    }
    await this.ready;
    const words = modelWords(line);
    if (words.length === 0) return;
    // A message holding a forgotten word is not learned: it would teach that word again.
    if (words.some((w) => this.#forgotten.includes(w))) return;
    let message: LearnedMessage = {
      id: `memory:${this.#memoryIds++}`,
      text: line,
      ...(replyTo !== undefined ? { inReplyTo: replyTo } : {}),
    };
    let trimmed: string[] = [];
    if (this.#log) {
      try {
        let r = await this.#log.append(line, modelWords, replyTo);
        if (!r.stored && r.reason === 'stale') {
          // Another tab deleted everything since this tab loaded: this tab forgets it too,
          // then keeps this message (typed after the deletion).
          await this.#clearMemory();
          r = await this.#log.append(line, modelWords, replyTo);
        }
        if (!r.stored) {
          if (r.reason === 'forgotten' && !this.#forgotten.includes(r.word)) {
            this.#forgotten.push(r.word);
            this.#refresh();
          }
          return;
        }
        message = r.message;
        trimmed = r.trimmed;
      } catch (e) {
        this.#emitError(e as Error);
      }
    } else if (this.#learned.length + 1 > MAX_LEARNED_MESSAGES) {
      trimmed = this.#learned.slice(0, trimCount(this.#learned.length + 1, MAX_LEARNED_MESSAGES)).map((m) => m.id);
    }
    if (this.#disposed) return;
    this.#learned.push(message);
    if (trimmed.length > 0) {
      const gone = this.#drop(new Set(trimmed));
      this.dispatchEvent(new CustomEvent('trimmed', { detail: { messages: gone } }));
    } else this.#learnCounts(line);
    if (
      this.#model &&
      ++this.#learnedSinceTune >= FINE_TUNE_EVERY &&
      !this.#training &&
      typeof Worker !== 'undefined' &&
      this.#o.autoTrain !== false
    ) {
      this.#learnedSinceTune = 0;
      this.#training = this.#train({ epochs: TRAIN_DEFAULTS.fineTuneEpochs }, true);
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
    const holding = new Set(this.#learned.filter((m) => modelWords(m.text).includes(norm)).map((m) => m.id));
    if (holding.size > 0) this.#drop(holding);
    this.#refresh();
    if (this.#log) {
      try {
        await this.#log.forget(norm, modelWords);
      } catch (e) {
        this.#emitError(e as Error);
      }
    }
  }

  learned(): { messages: string[]; forgotten: string[] } {
    return { messages: this.#texts, forgotten: [...this.#forgotten] };
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
    await this.ready;
    if (!this.#model) throw new Error('there is no neural model to save yet: await neuralReady or call train()');
    if (!this.#store.ok)
      throw new Error('IndexedDB is not available here (private mode, or persist: false): the model stays in memory');
    await this.#store.write(this.#key, toArtifacts(this.#model, { float16: true }));
  }

  flush(): Promise<void> {
    return this.#store.flush();
  }

  /**
   * This tab forgets everything learned (delete() here or in another tab): the messages, the
   * forgotten words, and a network fine-tuned on them (back to the model as published).
   */
  async #clearMemory(): Promise<void> {
    this.#learned = [];
    this.#forgotten = [];
    // The replies learned go too: the reply model is made again, as shipped, when next asked for.
    this.#sentReplies = [];
    this.#replies = undefined;
    this.#repliesLoading = undefined;
    this.#learnedSinceTune = 0;
    clearTimeout(this.#rebuildTimer);
    if (this.#fromModel) {
      this.#ngram = undefined;
      if (this.#model?.settings.fineTunedOn) {
        const source = this.#modelSource;
        const original =
          this.#original ??
          (await loadModelFromUrl(source.json, { fetch: this.#fetch, weights: source.weights }).catch((e: Error) => {
            this.#emitError(e);
            return undefined;
          }));
        if (original && !this.#disposed) {
          this.#setModel(original, false);
          return;
        }
      }
      if (this.#model) this.#refresh();
      return;
    }
    if (this.#lines.length > 0) {
      this.#rebuildNgram();
      this.#refresh();
    }
  }

  async delete(): Promise<void> {
    await this.ready.catch(() => {});
    this.#store.cancelScheduled();
    if (this.#log) {
      try {
        await this.#log.clear();
      } catch (e) {
        this.#emitError(e as Error);
      }
    }
    await this.#store.deleteAll();
    if (!this.#fromModel) {
      this.#model = undefined;
      this.#network = undefined;
      this.#info = { ...this.#info, state: 'ngram', fromStorage: false };
    }
    await this.#clearMemory();
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#rebuildTimer);
    this.#log?.close();
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

markStep('evaluated');
