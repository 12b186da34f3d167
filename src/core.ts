/**
 * rnn-predict/core: the SDK plus training with tfjs (Node or a worker). Import
 * `rnn-predict/core` where training happens; pages that only predict import `rnn-predict`.
 */
export * from './index.js';
export { trainModel, abortError } from './model/train.js';
export type { TrainOptions, TrainProgress, TrainResult } from './model/train.js';
export { trainLanguageModel, bestMix, lineTokens } from './model/pipeline.js';
export type { TrainLanguageModelOptions } from './model/pipeline.js';
export { createWeights, forwardSeq2Vec, forwardSeq2Seq, maskedCrossEntropy } from './model/network.js';
export { chooseBackend, registerSegmentSum } from './model/backend.js';
export type { BackendName, BackendChoice } from './model/backend.js';
export { forecast, seasonalNaive, rmse, parseSeriesCsv } from './timeseries/forecast.js';
export type { ForecastOptions, ForecastResult, ForecastProgress, ForecastCell, Scaling } from './timeseries/forecast.js';
export { MONTHLY_SALES } from './timeseries/monthly-sales.js';
