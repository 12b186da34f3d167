/**
 * The forecasting API's names and types, tfjs-free: the page (SDK, worker protocol) and the
 * forecaster (tfjs, in the worker or in Node) both use them, written once here below both.
 */
import type { CellType } from './cells.js';

/** A method's scores over a backtest's origins (MASE and sMAPE averaged over origins, RMSE pooled). */
export interface BacktestScore {
  rmse: number;
  mase: number;
  smape: number;
  /** The forecast made at each origin (`horizon` points each). */
  forecasts: number[][];
}

/** The recurrent cell: SimpleRNN, LSTM or GRU. */
export type ForecastCell = CellType;

/** Multi-step strategy: all steps from one output layer, or one step fed back `horizon` times. */
export type ForecastStrategy = 'direct' | 'recursive';

/** The classical methods, always scored (in this order). */
export const CLASSICAL_METHODS = ['ets', 'ets-mle', 'theta', 'arima', 'drift', 'seasonal-naive'] as const;
/** The network and its blend with ETS, scored with `network: true`. */
export const NEURAL_METHODS = ['network', 'blend'] as const;

/** What to return: 'auto' (the combination of the methods that beat seasonal naive on the backtest), or one method. */
export type ForecastMethod = 'auto' | (typeof CLASSICAL_METHODS)[number] | (typeof NEURAL_METHODS)[number];

/**
 * The methods that are scored: 'ets' Holt-Winters with the trend form chosen by AICc (none,
 * linear or damped) and its parameters by grid search, 'ets-mle' the same forms estimated as R's
 * `forecast::ets` estimates them (initial states from a classical decomposition, parameters by
 * Nelder–Mead on the squared errors), 'theta' the Theta method,
 * 'arima' a seasonal ARIMA on seasonal differences, 'drift' seasonal naive with drift,
 * 'network' the recurrent network's correction of ETS and 'blend' the mean of the network's and
 * ETS's forecasts (these two only with `network: true`).
 */
export type ScoredMethod = Exclude<ForecastMethod, 'auto'>;

/** Which forecast answered: one method, or 'combination' (the median of `combined`). */
export type AnswerMethod = ScoredMethod | 'combination';

/** Progress after each epoch of each network. */
export interface ForecastProgress {
  epoch: number;
  epochs: number;
  /** Mean squared error of this epoch, in normalised units. */
  loss: number;
  /** 'backtest' while training at a backtest origin, then 'final' on the whole series. */
  phase: 'backtest' | 'final';
  /** Which origin (0-based; the final fit is `origins`). */
  origin: number;
  /** Which seed of the ensemble (0-based). */
  seed: number;
  /** 'validate': trained without the last windows, which then weigh its correction;
   * 'refit': trained again on every window (only when that weight is above 0). */
  stage: 'validate' | 'refit';
}

/** Options of {@link forecast}; every field is optional. */
export interface ForecastOptions {
  /** Past points the network reads per prediction (default 12). */
  window?: number;
  /** Points to forecast beyond the end of the series (default 12). */
  horizon?: number;
  /** Recurrent cell (default 'gru'). */
  cell?: ForecastCell;
  /** Hidden units of the recurrent layer (default 16). */
  units?: number;
  /** Training epochs of each network (default 40). */
  epochs?: number;
  /** Networks averaged, each from its own seed (default 3). */
  seeds?: number;
  /** 'direct' (default): one output per step; 'recursive': one step, fed back. */
  strategy?: ForecastStrategy;
  /**
   * What to return (default 'auto': the median of the methods whose backtest RMSE is below
   * seasonal naive's; seasonal naive when none is).
   */
  method?: ForecastMethod;
  /**
   * Train the recurrent network too, and score it and its blend with ETS beside the classical
   * methods. Default: true when any of the network's own options is given (window, cell, units,
   * epochs, seeds, strategy, learningRate, batchSize), else false (the network is slow and, on
   * the series in data/, no better than ETS).
   */
  network?: boolean;
  /** Backtest origins (default: as many as fit, up to 24, or 4 with the network; 0 skips the backtest). */
  origins?: number;
  /** Points between backtest origins (default 1, or 6 with the network). */
  step?: number;
  /** Seed of the first network's initialisers and batch order (default 1). */
  seed?: number;
  /** Adam's learning rate (default 0.005). */
  learningRate?: number;
  /** Windows per training batch (default 16). */
  batchSize?: number;
  /** Aborting rejects the call with an AbortError (checked after every batch). */
  signal?: AbortSignal;
  onProgress?: (p: ForecastProgress) => void;
  /** Season length in points (default 12: monthly data, yearly season). */
  season?: number;
}

/** Backtest scores of every method on the same origins. */
export interface ForecastBacktest {
  /** Training lengths at which the forecasts were made. */
  origins: number[];
  seasonalNaive: BacktestScore;
  drift: BacktestScore;
  ets: BacktestScore;
  etsMle: BacktestScore;
  theta: BacktestScore;
  arima: BacktestScore;
  /** Only with `network: true`. */
  network?: BacktestScore;
  /** Only with `network: true`. */
  blend?: BacktestScore;
  /** What answered (`method`: one method, or the combination), scored on the same origins. */
  answer: BacktestScore;
}

/** What {@link forecast} returns. */
export interface ForecastResult {
  /** The next `horizon` points after the series, in the series' own units, by `method`. */
  forecast: number[];
  /** 80 % and 95 % bounds per step, from `method`'s backtest errors (equal to the forecast without a backtest). */
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
  /** What made `forecast`: one method, or 'combination' (the median of `combined`'s forecasts). */
  method: AnswerMethod;
  /** The methods whose forecasts answered: several for 'combination', else `[method]`. */
  combined: ScoredMethod[];
  /** Why `method` answered, in words: the backtest figures that chose it, or that it was asked for. */
  reason: string;
  /** The next `horizon` points by every method scored ('network' and 'blend' only with `network: true`). */
  forecasts: Partial<Record<ScoredMethod, number[]>>;
  /** Null when `origins` is 0. */
  backtest: ForecastBacktest | null;
  /** Share of backtest points inside the 80 %/95 % bounds, leave one origin out (null under two origins). */
  coverage: { p80: number | null; p95: number | null };
  warnings: string[];
  cell: ForecastCell;
  strategy: ForecastStrategy;
  window: number;
  horizon: number;
  season: number;
  units: number;
  epochs: number;
  seeds: number;
  /** True when the series was modelled in logs (every value positive). */
  log: boolean;
  /** How much of the networks' correction the network's forecast adds to Holt-Winters', in
   * [0, 1]: the least-squares weight on the last windows of the series, held out from fitting,
   * shrunk by how significant it is there (0: the correction did not clearly help, and the
   * network's forecast is Holt-Winters'); null when the network was not trained. */
  networkWeight: number | null;
}

export const STRATEGIES: readonly ForecastStrategy[] = ['direct', 'recursive'];
export const METHODS: readonly ForecastMethod[] = ['auto', ...CLASSICAL_METHODS, ...NEURAL_METHODS];
