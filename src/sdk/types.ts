/**
 * The SDK's public types: what `createPredictor` takes and returns. The element and pages code
 * against these; the runtime behind them (worker, storage) may change without breaking them.
 */
import type {
  Suggestion,
  Continuation,
  ContinueOptions,
  PhraseOptions,
  Source,
} from '../inference/model/word-predictor.js';
import type { ModelMetrics, ModelRelease } from '../inference/format/artifacts.js';
import type { CellType, ModelShape, NetworkChoices } from '../inference/model/model-config.js';
import type { TrainProgress } from '../base/training-types.js';
import type { CompletionOrder } from '../inference/model/savings-order.js';
import type { Register } from '../inference/format/artifacts.js';
import type { Reply } from '../inference/suggest/replies.js';

export type {
  Reply,
  Suggestion,
  Continuation,
  ContinueOptions,
  PhraseOptions,
  Source,
  ModelMetrics,
  ModelRelease,
  Register,
  CellType,
  ModelShape,
  NetworkChoices,
  TrainProgress,
};

import type { BackendName } from '../base/training-types.js';

/** A tfjs backend the worker can train on. */
export type BackendPreference = BackendName;

/** What `createPredictor` takes; `NetworkChoices` (cell, sizes, epochs) are for a network trained on `corpus`. */
export interface PredictorOptions extends NetworkChoices {
  /** Name under which the model is stored (IndexedDB) and locked; default 'default'. */
  name?: string;
  /** Corpus text, or the URL of a UTF-8 text file with one message per line: a trigram on it
   * answers at once and a network is trained on it in the worker. Default: none — the Spanish
   * model shipped with the package answers (no corpus is fetched, nothing trains). */
  corpus?: string | URL;
  /** URL of a model directory written by `rnn-predict train` (model.json + weights.bin): it
   * answers instead of the shipped model (and instead of training on `corpus`); kept in
   * IndexedDB, so a reload answers offline. */
  model?: string | URL;
  /** Train in the worker when no stored model matches (default true). */
  autoTrain?: boolean;
  /** Force a tfjs backend for training; default: WebGL (hardware only), then wasm, then cpu. */
  backend?: BackendPreference;
  /** Keep the model in IndexedDB (default true). */
  persist?: boolean;
  /** Where the worker script is (default: worker.js next to the SDK). */
  workerUrl?: string | URL;
  /** fetch to use (tests, service workers). */
  fetch?: typeof fetch;
  /** Seconds without any sign of life from a training worker before it is taken for dead,
   * reported and restarted (default 60). */
  workerTimeout?: number;
  /** Words never suggested (any case). Default: a short list of Spanish insults, slurs and
   * vulgar words (`DEFAULT_BLOCKLIST_ES`); `[]` turns it off; `[...DEFAULT_BLOCKLIST_ES, 'x']`
   * extends it. Words the person `forget`s are added to it. */
  block?: readonly string[];
  /** Complete a word typed with one error (a neighbouring key, a forgotten accent, a letter
   * left out or one too many), below every exact completion (default true). */
  typos?: boolean;
  /** Suggest emoji after a word, as words are suggested, once the corpus or the person's learned
   * messages hold them (default true); false: words only. */
  emoji?: boolean;
  /** Seconds without a byte after which a download of the model or the corpus is abandoned
   * (default 30): `ready` then answers with a stored copy (and an `error` event naming the URL)
   * or rejects naming it. */
  downloadTimeout?: number;
  /** The largest corpus file fetched, in bytes (default 64 MB). Model files are capped at the
   * sizes their model.json declares. */
  maxCorpusBytes?: number;
  /** Allow a model.json to name weights on another origin than its own (default false). */
  crossOriginWeights?: boolean;
  /** How the completions of a partly typed word are ordered: 'savings' (default), by the typing
   * each is expected to save (a long likely word before a short one that would show after one
   * more letter anyway), or 'probability'. The next word after a space is always ordered by
   * probability. */
  completionOrder?: CompletionOrder;
  /** The kind of text people type on this site: 'chat' (default; messages) or 'formal' (email,
   * support tickets, documents). It picks the model's mix of network and n-gram model chosen for
   * that kind of text, where the model has one per register (the shipped model does). */
  register?: Register;
  /** Reply suggestions (`replies()`): true (default) for the Spanish reply model shipped with
   * the package, loaded the first time replies are asked for and then kept in IndexedDB; the
   * URL of a reply model directory (`rnn-predict train --shape qa`); false turns them off. */
  replies?: boolean | string | URL;
}

export interface PredictorInfo {
  /** Which model answers now: 'ngram' (KN trigram on the corpus), 'neural' or 'mix'. */
  source: Source;
  /** 'loading' | 'ngram' (trigram answering, network not ready) | 'training' | 'neural'. */
  state: 'loading' | 'ngram' | 'training' | 'neural';
  /** tfjs backend the worker trains on, and why it was chosen (undefined before training). */
  backend?: BackendPreference;
  backendReason?: string;
  vocabularySize: number;
  corpusHash: string;
  corpusLines: number;
  metrics?: ModelMetrics;
  trainedAt?: string;
  cell?: CellType;
  /** Whether the current neural model came from IndexedDB. */
  fromStorage?: boolean;
  /** The published model that answers (name and version), when it is one. */
  release?: ModelRelease;
  /** True when the answering model is the one shipped with the package (see `release`). */
  shipped?: boolean;
}

export interface TrainRequest {
  epochs?: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

/** Events a predictor dispatches (it is an EventTarget). */
export interface PredictorEventMap {
  /** Training progress: `detail` is a TrainProgress. */
  progress: CustomEvent<TrainProgress>;
  /** A new model answers (the network took over, or a stored one loaded): `detail` is info(). */
  model: CustomEvent<PredictorInfo>;
  /** The oldest learned messages were removed to keep MAX_LEARNED_MESSAGES (2,000), in memory
   * and in storage alike: `detail.messages` holds their texts. */
  trimmed: CustomEvent<{ messages: string[] }>;
  /** Something went wrong that did not stop suggestions (storage full, training failed):
   * `detail` is the Error. */
  error: CustomEvent<Error>;
}

export interface Predictor extends EventTarget {
  /** Listens to one of the predictor's events (PredictorEventMap): `ev` is typed, no cast. */
  addEventListener<K extends keyof PredictorEventMap>(
    type: K,
    listener: (this: Predictor, ev: PredictorEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof PredictorEventMap>(
    type: K,
    listener: (this: Predictor, ev: PredictorEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  /** Resolves when suggestions are available (the KN trigram, within a moment of loading);
   * rejects with a clear error when the corpus cannot be loaded. */
  readonly ready: Promise<void>;
  /** Resolves when the whole neural model answers (stored, loaded or trained). A model (the
   * shipped one or `model`) answers with its network at `ready`; its n-gram, with the learned
   * messages counted into it, joins a moment later, here. */
  readonly neuralReady: Promise<void>;
  /** The k best words for the text before the caret (synchronous once ready): the next word
   * by probability; a partly typed word's completions in `completionOrder`. */
  predictNext(text: string, options?: { k?: number }): Suggestion[];
  /** Several words ahead. */
  continue(text: string, options?: ContinueOptions): Continuation[];
  /** The phrase to offer after the text (the next 2–4 words while confident), or null;
   * computed once per word boundary, letters inside a word only filter it. */
  phrase(text: string, options?: PhraseOptions): Continuation | null;
  /** Up to `k` (default 3) replies to a message received, best first by the decoder's
   * log-probability per token (the order chosen on held-out pairs: it does not favour the
   * shortest replies), no two starting with the same word, each with its probability among the
   * replies scored, so a later reply can have a higher probability (synchronous once
   * `repliesReady` resolved; before, it starts loading the reply model and answers []). []
   * for an empty message, when replies are off (`replies: false`), or when the best is below
   * REPLY_MIN_PROBABILITY (0.05). */
  replies(message: string, options?: { k?: number }): Reply[];
  /** Resolves when `replies()` answers: reading it starts loading the reply model (stored, or
   * downloaded once and stored); rejects naming what failed. Resolves at once with replies off. */
  readonly repliesReady: Promise<void>;
  /** Trains (or retrains) the network on the corpus in the worker; the previous model stays
   * until it ends. Started from a model (shipped or `model`), it fine-tunes that network on the
   * learned messages instead; it rejects when there are none, or when the network was dropped
   * for having learned removed messages with no model as published to put back (offline). */
  train(request?: TrainRequest): Promise<PredictorInfo>;
  /** Adapts to the person's own accepted message, on the device: stored as one record, seen
   * by the site's other tabs within a moment. Words longer than MAX_WORD_LENGTH (40) are not
   * learned; a message holding a forgotten word is not learned; past MAX_LEARNED_MESSAGES the
   * oldest go (a `trimmed` event). */
  learn(text: string, inReplyTo?: string): Promise<void>;
  /** Never suggests this word again: it joins the forgotten words, and the learned messages
   * holding it are removed (with their counts). Kept in IndexedDB beside the model. */
  forget(word: string): Promise<void>;
  /** What was learned, for a settings page: the learned messages (oldest first) and the
   * forgotten words. `delete()` removes both. */
  learned(): { messages: string[]; forgotten: string[] };
  info(): PredictorInfo;
  /** Stores the current model (IndexedDB). */
  save(): Promise<void>;
  /** Resolves when every model write started or scheduled so far is done (written, or failed
   * and reported by an `error` event): the downloaded model's first write, which waits until
   * after the first suggestion, the reply model's, a trained model's. Then a reload answers
   * from storage. `learn()` and `forget()` resolve once their own records are written. */
  flush(): Promise<void>;
  /** Removes everything stored under this name (model and learned text), for good: a tab that
   * has not seen it yet cannot write the old messages back, and a fine-tuning under way here or
   * in another tab ends (its `train()` rejects with an AbortError) and is never stored. */
  delete(): Promise<void>;
  /** Stops the worker and frees everything. */
  dispose(): void;
}
