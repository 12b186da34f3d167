/**
 * rnn-predict/core: the SDK, the engine's parts and training with tfjs (Node or a worker). Import
 * `rnn-predict/core` where training happens; pages that only predict import `rnn-predict`.
 */
export * from './index.js';
export * from './engine.js';
export { trainModel } from './training/train.js';
export type { TrainOptions, TrainProgress, TrainResult } from './training/train.js';
export { trainLanguageModel, bestMix, lineTokens } from './training/pipeline.js';
export type { TrainLanguageModelOptions } from './training/pipeline.js';
export { createWeights, forwardSeq2Vec, forwardSeq2Seq, maskedCrossEntropy } from './training/network.js';
export { chooseBackend, registerSegmentSum } from './training/tfjs-backend.js';
export type { BackendName, BackendChoice } from './training/tfjs-backend.js';
export {
  forecast,
  seasonalNaive,
  seasonalNaiveDrift,
  holtWinters,
  rmse,
  mase,
  smape,
  parseSeriesCsv,
} from './timeseries/forecast.js';
export type {
  ForecastOptions,
  ForecastResult,
  ForecastProgress,
  ForecastCell,
  ForecastStrategy,
  ForecastMethod,
  ForecastBacktest,
  BacktestScore,
} from './timeseries/forecast.js';
export { MONTHLY_SALES } from './timeseries/monthly-sales.js';
