/**
 * rnn-predict: next-word prediction with recurrent networks, the page entry: what a site uses.
 * Everything here runs in a browser page without tfjs: training runs in a Web Worker
 * (dist/worker.js), or in Node through `rnn-predict/core`, which also holds the engine's parts
 * (tokenizer, n-gram, network inference, model format, the suggestion bar's rules).
 */
export { createPredictor, predictNext } from './sdk/create-predictor.js';
export { forecast } from './sdk/training.js';
export { DEFAULT_CORPUS_URL } from './sdk/sources.js';
export { DEFAULT_WORKER_URL } from './sdk/assets.js';
export type {
  Predictor,
  PredictorOptions,
  NetworkChoices,
  PredictorInfo,
  TrainRequest,
  PredictorEventMap,
  BackendPreference,
  TrainProgress,
} from './sdk/types.js';
export type { Suggestion, Continuation } from './inference/model/word-predictor.js';
export { loadModelFromUrl } from './sdk/load-url.js';
export { evaluate } from './inference/suggest/evaluate.js';
export { Suggester } from './inference/suggest/suggester.js';
export type { WordSource } from './inference/suggest/suggester.js';
export type { EvaluationResult } from './inference/suggest/evaluate.js';
export { ModelFormatError, REGISTERS } from './inference/format/artifacts.js';
export type { Register } from './inference/format/artifacts.js';
export type { CellType } from './inference/model/model-config.js';
export { CorpusError } from './data/corpus.js';
export { deleteStored } from './storage/idb.js';
export type { ForecastOptions, ForecastResult, ForecastProgress } from './base/forecast-types.js';
export { isAbortError } from './base/checks.js';
