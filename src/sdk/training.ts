/**
 * Training a predictor's network in the worker (worker-trainer.ts starts it and watches it):
 * on the corpus and the learned messages, or fine-tuning a model on the last learned messages;
 * under a Web Lock per model name, so two tabs never train the same model at once. Also the
 * key a model trained on a corpus is stored under, and `forecast`, which trains in a worker too.
 */
import * as Comlink from 'comlink';
import { abortError, whenAborted } from '../base/checks.js';
import { DEFAULT_MODEL, TRAIN_DEFAULTS } from '../inference/model/model-config.js';
import { fromArtifacts, toArtifacts, type ModelArtifacts, type RnnModel } from '../inference/format/artifacts.js';
import type { BackendName, TrainProgress } from '../base/training-types.js';
import type { ForecastOptions, ForecastResult } from '../base/forecast-types.js';
import { DEFAULT_WORKER_URL } from './assets.js';
import { startWorker, type WorkerTrainer } from './worker-trainer.js';
import { isFineTuned } from './persistence.js';
import type { PredictorOptions, TrainRequest } from './types.js';

/** Fine-tune the network on learned messages every this many new ones. */
export const FINE_TUNE_EVERY = 10;
/** Fine-tuning trains on the last this many learned messages. */
export const FINE_TUNE_MESSAGES = 200;

/** The key a model trained on a corpus must carry to be reused: corpus and training settings. */
export function corpusKey(o: PredictorOptions, corpusHash: string): string {
  return JSON.stringify({
    corpus: corpusHash,
    cell: o.cell ?? DEFAULT_MODEL.cell,
    shape: o.shape ?? 'seq2vec',
    embeddingSize: o.embeddingSize ?? null,
    hiddenSize: o.hiddenSize ?? null,
    layers: o.layers ?? null,
    vocabularySize: o.vocabularySize ?? null,
  });
}

/** Runs `fn` under a Web Lock for the model `name` (at once where there are no Web Locks). */
export function withTrainLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return fn();
  return locks.request(`rnn-predict:${name}`, fn) as unknown as Promise<T>;
}

/** What to train on. */
export interface TrainInput {
  options: PredictorOptions;
  /** The corpus lines (none when started from a model). */
  corpus: readonly string[];
  /** The learned messages, oldest first. */
  learned: readonly string[];
  corpusHash: string;
  /** Fine-tune this model on the last learned messages instead of training on the corpus. */
  fineTune?: RnnModel;
  /** The deletions of the learned messages seen when the training started (LearnedMemory.generation). */
  learnedGeneration: number;
  /** How many words were forgotten when the training started (LearnedMemory.forgotten.length). */
  learnedForgotten: number;
}

/** A network trained in the worker: the model that answers, and its artifacts as stored. */
export interface Trained {
  model: RnnModel;
  artifacts: ModelArtifacts;
  backend: BackendName;
  backendReason: string;
}

/** What storage says was removed from the learned messages: deletions, and words forgotten since. */
export interface LearnedRemovals {
  /** The deletions seen (LearnedMemory.generation). */
  generation: number;
  /** The words forgotten in this generation (only grows until the next deletion). */
  forgotten: number;
}

/**
 * Whether `model` may have learned from messages removed since it was trained. A network trained
 * on learned messages carries the deletions seen when its training started (`learnedGeneration`)
 * and, when fine-tuned, the words forgotten by then (`learnedForgotten`): storage has seen another
 * deletion, or a fine-tuned network has seen fewer forgotten words than storage holds (any of
 * its messages may have held one; forgetting is rare, so the rule does not ask which). That
 * happens when another tab deleted or forgot while this tab trained, or when this tab closed
 * before replacing the network: such a network is never loaded. A network fine-tuned by an older
 * version, which did not say, counts as fine-tuned before any word was forgotten; a model trained
 * on no learned message loads.
 */
export function learnedFromRemoved(model: RnnModel, now: LearnedRemovals): boolean {
  const { learnedGeneration: generation, learnedForgotten: forgotten } = model.settings;
  if (typeof generation === 'number' && generation !== now.generation) return true;
  if (typeof forgotten === 'number') return forgotten < now.forgotten;
  // Fine-tuned by an older version, which did not say: as if before any forgotten word.
  return isFineTuned(model.settings) && now.forgotten > 0;
}

/** One training, as TrainingGuard.start() sees it. */
export interface GuardedRun {
  /** The signal the training runs under: the caller's, and for a fine-tuning a deletion too. */
  signal: AbortSignal | undefined;
  /** Whether the learned messages it trained on were deleted while it ran: its result goes. */
  stale(): boolean;
  /** Call when the training has ended, however it ended. */
  end(): void;
}

/**
 * What removing learned messages does to training. Deleting them all (delete() here or in
 * another tab): the fine-tuning under way ends, and no training that learned from the deleted
 * messages is adopted or stored. Forgetting a word removes the messages that hold it (forget()
 * here or in another tab): the fine-tuning under way, which trains on the last messages and may
 * have learned one of them, ends and is not adopted either (learnedFromRemoved would refuse it
 * anyway); a training on the corpus, which the person started, goes on.
 */
export class TrainingGuard {
  #clears = 0;
  #forgets = 0;
  #stopFineTune: AbortController | undefined;

  /** A training starts; `learnedFrom`: it trains on learned messages. */
  start(fineTune: boolean, learnedFrom: boolean, signal?: AbortSignal): GuardedRun {
    const clears = this.#clears;
    const forgets = this.#forgets;
    const stale = () => learnedFrom && (this.#clears !== clears || (fineTune && this.#forgets !== forgets));
    if (!fineTune) return { signal, stale, end: () => {} };
    const stop = new AbortController();
    this.#stopFineTune = stop;
    const unlisten = whenAborted(signal, () => stop.abort(signal!.reason));
    return {
      signal: stop.signal,
      stale,
      end: () => {
        unlisten();
        if (this.#stopFineTune === stop) this.#stopFineTune = undefined;
      },
    };
  }

  /** A word was forgotten, here or in another tab (the messages holding it, if any, removed). */
  forgot(): void {
    this.#forgets++;
    this.#stopFineTune?.abort(abortError(undefined, 'fine-tuning was cancelled: forget() ran while it trained'));
  }

  /** The learned messages were deleted. */
  cleared(): void {
    this.#clears++;
    this.#stopFineTune?.abort(
      abortError(undefined, 'fine-tuning was cancelled: delete() removed the messages it learned'),
    );
  }
}

/** Trains in `worker` as `request` asks; the model answers exactly as its stored copy will. */
export async function trainNetwork(
  worker: WorkerTrainer,
  input: TrainInput,
  request: TrainRequest,
  onProgress: (p: TrainProgress) => void,
): Promise<Trained> {
  const o = input.options;
  const { artifacts, backend, backendReason } = await worker.train(
    {
      lines: input.fineTune ? input.learned.slice(-FINE_TUNE_MESSAGES) : [...input.corpus, ...input.learned],
      cell: o.cell,
      shape: o.shape,
      embeddingSize: o.embeddingSize,
      hiddenSize: o.hiddenSize,
      layers: o.layers,
      vocabularySize: o.vocabularySize,
      epochs: request.epochs ?? o.epochs ?? TRAIN_DEFAULTS.pageEpochs,
      corpusHash: input.corpusHash,
      from: input.fineTune ? toArtifacts(input.fineTune) : undefined,
    },
    o.backend as BackendName | undefined,
    onProgress,
    request.signal,
  );
  // The worker returns the model as it is stored (float16 weights, varint trigram counts):
  // the network that answers is the stored one, so a reload predicts exactly as now.
  const model = fromArtifacts(artifacts);
  if (input.fineTune)
    model.settings = { ...model.settings, fineTunedOn: input.learned.length, learnedForgotten: input.learnedForgotten };
  if (input.learned.length > 0) model.settings = { ...model.settings, learnedGeneration: input.learnedGeneration };
  return {
    model,
    artifacts: { ...artifacts, modelTopology: { ...artifacts.modelTopology, settings: model.settings } },
    backend,
    backendReason,
  };
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
