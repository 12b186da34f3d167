/**
 * Time-series forecasting (docs/forecasting.md). A rolling-origin backtest (several origins,
 * `horizon` points each) scores Holt-Winters (ETS) fitted two ways (a grid search, and as R's
 * `ets()` estimates it), Theta, a seasonal ARIMA, seasonal naive with drift and seasonal naive on
 * the same origins, with RMSE, MASE and sMAPE.
 * `method: 'auto'` drops every method that did not beat seasonal naive's backtest RMSE and
 * answers with the median of the others (`select.ts`); the 80 %/95 % bands come from the answer's
 * backtest errors per step (a robust spread, non-decreasing with the horizon), widened as
 * calibrated on the development half of data/.
 *
 * With `network: true` (or any of the network's options), a recurrent network joins them, with
 * the same cells as the language model (SimpleRNN, LSTM, GRU), on tf.layers, in the manner of
 * ES-RNN (Smyl, winner of M4):
 *
 *  1. take logs of a positive series (so season and trend act multiplicatively);
 *  2. fit Holt-Winters (level, season and no trend, a trend or a damped one, chosen by AICc;
 *     `baselines.ts`) on the training part;
 *  3. cut windows of the deseasonalised series minus the level at the window's end, scaled;
 *  4. train the recurrent layer → dense to predict what Holt-Winters misses: the normalised
 *     residual y(t+h) − ETS(t, h), all `horizon` steps at once ('direct') or one step fed back
 *     through the smoothing ('recursive');
 *  5. average several seeds;
 *
 * and its forecast and its mean with ETS ('blend') are scored beside the others.
 *
 * Pure: no DOM, no console, no I/O. Every tensor and model is disposed.
 */
import * as tf from '@tensorflow/tfjs';
import {
  abortError as cancelled,
  checkFunction,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkSignal,
  describe,
  UP_TO_ONE,
} from '../base/checks.js';
import { CELL_TYPES } from '../inference/model/model-config.js';
import { mulberry32 } from '../data/windows.js';
import {
  backtestCoverage,
  checkSeries,
  errorSpread,
  fitHoltWinters,
  holtWintersPath,
  holtWintersWith,
  intervals,
  rollingOrigins,
  scoreBacktest,
  seasonalAt,
  seasonalNaive,
  seasonalNaiveDrift,
  type HoltWintersFit,
} from './baselines.js';
import { etsMle, seasonalAr, theta } from './classical.js';
import { chooseMethods, medianForecast, type Choice } from './select.js';
import {
  CLASSICAL_METHODS,
  METHODS,
  NEURAL_METHODS,
  STRATEGIES,
  type BacktestScore,
  type ForecastBacktest,
  type ForecastCell,
  type ForecastMethod,
  type ForecastOptions,
  type ForecastProgress,
  type ForecastResult,
  type ForecastStrategy,
  type ScoredMethod,
} from '../base/forecast-types.js';

export { seasonalNaive, seasonalNaiveDrift, holtWinters, rmse, mase, smape } from './baselines.js';
export { theta, seasonalAr } from './classical.js';
export { chooseMethods, medianForecast } from './select.js';
export type { BacktestScore } from '../base/forecast-types.js';
export { parseSeriesCsv } from './series-csv.js';

export type {
  ForecastCell,
  ForecastStrategy,
  ForecastMethod,
  ScoredMethod,
  AnswerMethod,
  ForecastProgress,
  ForecastOptions,
  ForecastBacktest,
  ForecastResult,
} from '../base/forecast-types.js';
export { STRATEGIES, METHODS } from '../base/forecast-types.js';

const abortError = () => cancelled('forecast was cancelled');

interface Resolved {
  window: number;
  horizon: number;
  cell: ForecastCell;
  units: number;
  epochs: number;
  seeds: number;
  strategy: ForecastStrategy;
  method: ForecastMethod;
  network: boolean;
  /** Undefined: as many as fit, up to the default maximum. */
  origins: number | undefined;
  step: number;
  seed: number;
  learningRate: number;
  batchSize: number;
  season: number;
  signal: AbortSignal | undefined;
  onProgress: ((p: ForecastProgress) => void) | undefined;
}

function oneOf<T extends string>(v: unknown, name: string, allowed: readonly T[], fallback: T): T {
  return v === undefined ? fallback : checkOneOf(v, name, allowed);
}

/** The options that only the network reads. */
const NETWORK_OPTIONS = [
  'window',
  'cell',
  'units',
  'epochs',
  'seeds',
  'strategy',
  'learningRate',
  'batchSize',
] as const satisfies readonly (keyof ForecastOptions)[];

/** The defaults of forecast()'s options, written once (`rnn-predict forecast --help` shows them). */
export const FORECAST_DEFAULTS = {
  window: 12,
  horizon: 12,
  cell: 'gru',
  units: 16,
  epochs: 40,
  seeds: 3,
  strategy: 'direct',
  method: 'auto',
  season: 12,
  seed: 1,
} as const;

function resolveOptions(options: unknown): Resolved {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object')
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  const o = options as ForecastOptions;
  const lr = checkNumber(o.learningRate ?? 0.005, 'learningRate', ...UP_TO_ONE);
  if (o.signal !== undefined) checkSignal(o.signal);
  if (o.onProgress !== undefined) checkFunction(o.onProgress, 'onProgress');
  if (o.network !== undefined && typeof o.network !== 'boolean')
    throw new TypeError(`network must be true or false, got ${describe(o.network)}`);
  // Asking for any of the network's options asks for the network (as callers did before it was optional).
  const network = o.network ?? NETWORK_OPTIONS.some((k) => o[k] !== undefined);
  const int = (v: number | undefined, name: string, fallback: number, min: number, max: number) =>
    v === undefined ? fallback : checkInteger(v, name, min, max);
  return {
    window: int(o.window, 'window', FORECAST_DEFAULTS.window, 1, 1000),
    horizon: int(o.horizon, 'horizon', FORECAST_DEFAULTS.horizon, 1, 10_000),
    cell: oneOf(o.cell, 'cell', CELL_TYPES, FORECAST_DEFAULTS.cell),
    units: int(o.units, 'units', FORECAST_DEFAULTS.units, 1, 1024),
    epochs: int(o.epochs, 'epochs', FORECAST_DEFAULTS.epochs, 1, 100_000),
    seeds: int(o.seeds, 'seeds', FORECAST_DEFAULTS.seeds, 1, 100),
    strategy: oneOf(o.strategy, 'strategy', STRATEGIES, FORECAST_DEFAULTS.strategy),
    method: oneOf(o.method, 'method', METHODS, FORECAST_DEFAULTS.method),
    network,
    origins: o.origins === undefined ? undefined : checkInteger(o.origins, 'origins', 0, 1000),
    step: int(o.step, 'step', network ? 6 : 1, 1, 10_000),
    seed: int(o.seed, 'seed', FORECAST_DEFAULTS.seed, 0, 2 ** 31 - 1),
    learningRate: lr,
    batchSize: int(o.batchSize, 'batchSize', 16, 1, 100_000),
    season: int(o.season, 'season', FORECAST_DEFAULTS.season, 1, 10_000),
    signal: o.signal,
    onProgress: o.onProgress,
  };
}

/** The network: recurrent layer (Glorot-uniform kernels, seeded) → dense(outputs). */
function buildModel(o: Resolved, seed: number, outputs: number): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 7 + k });
  const rnnArgs = {
    units: o.units,
    inputShape: [o.window, 1],
    kernelInitializer: init(1),
    recurrentInitializer: init(2),
  };
  const model = tf.sequential();
  model.add(
    o.cell === 'lstm'
      ? tf.layers.lstm(rnnArgs)
      : o.cell === 'gru'
        ? tf.layers.gru(rnnArgs)
        : tf.layers.simpleRNN(rnnArgs),
  );
  model.add(tf.layers.dense({ units: outputs, kernelInitializer: init(3) }));
  return model;
}

/** The Holt-Winters fit of one training part, and how its windows are normalised. */
interface Prepared {
  fit: HoltWintersFit;
  /** The training part in fitted units (log when `fit.log`). */
  y: number[];
  inScale: number;
  outScale: number;
}

/** Window input at origin t: deseasonalised y over the last `w` points minus the level at t. */
function inputAt(fit: HoltWintersFit, y: number[], t: number, w: number): number[] {
  const out: number[] = [];
  for (let j = t - w + 1; j <= t; j++) out.push(y[j]! - seasonalAt(fit, j - 1, 1) - fit.level[t]!);
  return out;
}

/** The first origin (0-based time) whose window and fit are usable. */
const firstT = (o: Resolved) => Math.max(o.window - 1, o.season);

/** Training pairs: normalised windows → what ETS misses over the next `outputs` steps. */
function examples(p: Prepared, o: Resolved, outputs: number): { xs: number[][]; ys: number[][] } {
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let t = firstT(o); t + outputs < p.y.length; t++) {
    const path = holtWintersPath(p.fit, outputs, t);
    xs.push(inputAt(p.fit, p.y, t, o.window));
    ys.push(path.map((f, h) => p.y[t + 1 + h]! - f));
  }
  return { xs, ys };
}

const rms = (xs: number[]) => Math.sqrt(xs.reduce((a, b) => a + b * b, 0) / Math.max(1, xs.length)) || 1;

function prepare(train: number[], o: Resolved): Prepared {
  const fit = fitHoltWinters(train, o.season);
  const y = fit.log ? train.map(Math.log) : train;
  const p: Prepared = { fit, y, inScale: 1, outScale: 1 };
  const { xs, ys } = examples(p, o, o.strategy === 'direct' ? o.horizon : 1);
  p.inScale = rms(xs.flat());
  p.outScale = rms(ys.flat());
  return p;
}

/** Trains one network for `o.epochs` epochs, windows in a fresh seeded order each epoch. */
async function trainNet(
  model: tf.Sequential,
  xs: number[][],
  ys: number[][],
  o: Resolved,
  seed: number,
  report: (epoch: number, loss: number) => void,
): Promise<void> {
  const w = o.window;
  const outputs = ys[0]!.length;
  const count = xs.length;
  const random = mulberry32(seed * 31 + 5);
  const order = Array.from({ length: count }, (_, i) => i);
  const xb = new Float32Array(count * w);
  const yb = new Float32Array(count * outputs);
  const stopOnAbort = new tf.CustomCallback({
    onBatchEnd: async () => {
      if (o.signal?.aborted) model.stopTraining = true;
    },
  });
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    if (o.signal?.aborted) throw abortError();
    for (let j = count - 1; j > 0; j--) {
      const k = Math.floor(random() * (j + 1));
      [order[j], order[k]] = [order[k]!, order[j]!];
    }
    order.forEach((i, row) => {
      xb.set(xs[i]!, row * w);
      yb.set(ys[i]!, row * outputs);
    });
    const x = tf.tensor3d(xb, [count, w, 1]);
    const y = tf.tensor2d(yb, [count, outputs]);
    let loss: number;
    try {
      const history = await model.fit(x, y, {
        epochs: 1,
        batchSize: o.batchSize,
        shuffle: false,
        verbose: 0,
        callbacks: [stopOnAbort],
      });
      loss = Number(history.history.loss?.[0]);
    } finally {
      x.dispose();
      y.dispose();
    }
    if (o.signal?.aborted) throw abortError();
    report(epoch, loss);
  }
}

function predictOne(model: tf.Sequential, input: number[], w: number): number[] {
  return tf.tidy(() => Array.from((model.predict(tf.tensor3d(input, [1, w, 1])) as tf.Tensor).dataSync()));
}

/**
 * Trains `o.seeds` networks on `train` and forecasts its next `o.horizon` points, in the series'
 * own units. Direct: ETS path + mean correction. Recursive: each step's prediction is appended and
 * the smoothing re-run over it, so the next window and ETS step see it.
 */
async function networkForecast(
  train: number[],
  o: Resolved,
  phase: ForecastProgress['phase'],
  origin: number,
): Promise<{ path: number[]; weight: number }> {
  const p = prepare(train, o);
  const outputs = o.strategy === 'direct' ? o.horizon : 1;
  const { xs, ys } = examples(p, o, outputs);
  if (xs.length === 0) {
    throw new RangeError(
      `${train.length} points leave no training window: window (${o.window}) and season (${o.season}) need more`,
    );
  }
  const xn = xs.map((x) => x.map((v) => v / p.inScale));
  const yn = ys.map((y) => y.map((v) => v / p.outScale));
  // The last windows validate: the networks train on the windows whose targets end before the
  // validation targets start, and the validation sets how much of their correction to trust.
  const { fit: trainFit, check } = validationSplit(xn.length, outputs, o.season);
  const models: tf.Sequential[] = [];
  const optimizers: tf.Optimizer[] = [];
  const trained = async (count: number, stage: ForecastProgress['stage']) => {
    const out: tf.Sequential[] = [];
    for (let k = 0; k < o.seeds; k++) {
      const seed = o.seed + k;
      const model = buildModel(o, seed, outputs);
      out.push(model);
      models.push(model);
      const optimizer = tf.train.adam(o.learningRate);
      optimizers.push(optimizer);
      model.compile({ optimizer, loss: 'meanSquaredError' });
      await trainNet(model, xn.slice(0, count), yn.slice(0, count), o, seed, (epoch, loss) =>
        o.onProgress?.({ epoch, epochs: o.epochs, loss, phase, origin, seed: k, stage }),
      );
    }
    return out;
  };
  const mean = (nets: tf.Sequential[]) => (input: number[]) => {
    const sum = new Array<number>(outputs).fill(0);
    for (const m of nets) predictOne(m, input, o.window).forEach((v, h) => (sum[h]! += v));
    return sum.map((v) => v / nets.length);
  };
  try {
    let ensemble = mean(await trained(trainFit, 'validate'));
    const weight = correctionWeight(xn.slice(check).map(ensemble), yn.slice(check));
    // Weighed, the networks learn the most recent windows too (they matter most for what comes next).
    if (weight > 0 && trainFit < xn.length) ensemble = mean(await trained(xn.length, 'refit'));
    const correction = (fit: HoltWintersFit, y: number[]) => {
      const t = y.length - 1;
      const input = inputAt(fit, y, t, o.window).map((v) => v / p.inScale);
      return ensemble(input).map((v) => weight * v * p.outScale);
    };
    let path: number[];
    if (o.strategy === 'direct') {
      const c = correction(p.fit, p.y);
      path = holtWintersPath(p.fit, o.horizon).map((f, h) => f + c[h]!);
    } else {
      const y = p.y.slice();
      let fit = p.fit;
      path = [];
      for (let h = 0; h < o.horizon; h++) {
        const next = holtWintersPath(fit, 1)[0]! + correction(fit, y)[0]!;
        path.push(next);
        y.push(next);
        fit = holtWintersWith(y, o.season, fit, fit.log);
      }
    }
    return { path: p.fit.log ? path.map(Math.exp) : path, weight };
  } finally {
    for (const m of models) m.dispose();
    for (const opt of optimizers) opt.dispose();
  }
}

/**
 * Which training windows fit the networks and which validate them: the last `season` windows
 * (a fifth of them at most) validate, and fitting stops `outputs` windows earlier, so that no
 * validation target is ever a fitting target. Under 10 windows, all fit and none validate.
 */
export function validationSplit(windows: number, outputs: number, season: number): { fit: number; check: number } {
  const k = Math.min(season, Math.floor(windows / 5));
  const fit = windows - k - outputs + 1;
  if (windows < 10 || k < 1 || fit < 5) return { fit: windows, check: windows };
  return { fit, check: windows - k };
}

/**
 * How much of the networks' correction to add to Holt-Winters: the least-squares weight λ of the
 * predicted corrections against the true ones on the validation windows (at most 1), shrunk
 * toward 0 by how sure it is: λ·max(0, 1 − (MIN_T/t)²), where t = λ·√Σx² / σ (σ² the mean
 * squared error left at λ) is counted per window, divided by √outputs: a window's `outputs`
 * errors share most of their noise and neighbouring windows overlap, so the windows, not their
 * points, are the independent observations. Under t = 2 (about 95 %) the weight is 0; it nears λ
 * as t grows (positive-part James–Stein shrinkage). 1 with no validation windows.
 */
export function correctionWeight(predicted: readonly number[][], actual: readonly number[][]): number {
  if (predicted.length === 0) return 1;
  let xy = 0,
    xx = 0,
    n = 0;
  predicted.forEach((p, i) => p.forEach((x, h) => ((xy += x * actual[i]![h]!), (xx += x * x), n++)));
  if (!(xx > 0) || !(xy > 0)) return 0;
  const weight = xy / xx;
  let sse = 0;
  predicted.forEach((p, i) => p.forEach((x, h) => (sse += (actual[i]![h]! - weight * x) ** 2)));
  const sigma = Math.sqrt(sse / Math.max(1, n - 1));
  const perWindow = Math.sqrt(n / predicted.length);
  const t = sigma > 0 ? (weight * Math.sqrt(xx)) / sigma / perWindow : Infinity;
  return Math.min(1, weight) * Math.max(0, 1 - (MIN_T / t) ** 2);
}
const MIN_T = 2;

/** Every method's forecast of the `horizon` points after `train`. */
async function allForecasts(
  train: number[],
  o: Resolved,
  phase: ForecastProgress['phase'],
  origin: number,
): Promise<{ forecasts: Partial<Record<ScoredMethod, number[]>>; weight: number | null }> {
  const fit = fitHoltWinters(train, o.season);
  const etsPath = holtWintersPath(fit, o.horizon);
  const ets = fit.log ? etsPath.map(Math.exp) : etsPath;
  const forecasts: Partial<Record<ScoredMethod, number[]>> = {
    ets,
    'ets-mle': etsMle(train, o.season, o.horizon),
    theta: theta(train, o.season, o.horizon),
    arima: seasonalAr(train, o.season, o.horizon),
    drift: seasonalNaiveDrift(train, o.season, o.horizon),
    'seasonal-naive': seasonalNaive(train, o.season, o.horizon),
  };
  if (!o.network) return { forecasts, weight: null };
  const { path: network, weight } = await networkForecast(train, o, phase, origin);
  forecasts.network = network;
  forecasts.blend = network.map((v, h) => (v + ets[h]!) / 2);
  return { forecasts, weight };
}

const KEY: Record<ScoredMethod, Exclude<keyof ForecastBacktest, 'origins' | 'answer'>> = {
  network: 'network',
  blend: 'blend',
  ets: 'ets',
  'ets-mle': 'etsMle',
  theta: 'theta',
  arima: 'arima',
  drift: 'drift',
  'seasonal-naive': 'seasonalNaive',
};

/**
 * How much wider than normal the bands are drawn, from the backtest's error spread per step
 * (errorSpread: 1.4826 × the median |error|): calibrated on the 28 series of data/'s development
 * half (issue #33's eleventh round, docs/forecasting.md: the smallest factors on a 0.05 grid that
 * bring the pooled coverage to 80 % and 95 %). The backtest's errors understate what comes (the
 * answer was chosen on them) and their tails are heavier than a normal's, the more so far out
 * (hence the larger factor for 95 %).
 */
export const BAND_WIDENING = { p80: 1.1, p95: 1.45 } as const;

/** The answer's forecast from every method's: the median of `combined`. */
const answerOf = (forecasts: Partial<Record<ScoredMethod, number[]>>, combined: readonly ScoredMethod[]) =>
  combined.length === 1 ? forecasts[combined[0]!]! : medianForecast(combined.map((m) => forecasts[m]!));

/**
 * Forecasts the next `horizon` points of `series` after a rolling-origin backtest that scores
 * Holt-Winters (ETS), Theta, a seasonal ARIMA ('arima'), seasonal naive with drift and
 * seasonal naive on the same origins (and, with `network: true`, an ES-RNN-style recurrent
 * network and its blend with ETS). With `method: 'auto'` (the default) a method whose backtest
 * RMSE is not below seasonal naive's is not used; the median of the others answers
 * (`method: 'combination'`, the methods in `combined`, why in `reason`); intervals come from the
 * answer's backtest errors per step.
 *
 * @example
 * const r = await forecast(MONTHLY_SALES.map(m => m.sales));
 * r.forecast; r.lower95; r.method; r.combined; r.reason; r.backtest.ets.mase
 * @throws TypeError/RangeError naming the index or option for bad input; the series needs two
 *   seasons and a point (with the network: two seasons, the window and the horizon) before the
 *   first backtest origin
 * @throws Error named 'AbortError' when `options.signal` aborts
 */
export async function forecast(series: number[], options?: ForecastOptions): Promise<ForecastResult> {
  const values = checkSeries(series);
  const o = resolveOptions(options);
  const minTrain = o.network ? Math.max(firstT(o) + 1, 2 * o.season) + o.horizon + 1 : 2 * o.season + 1;
  if (values.length < minTrain) {
    throw new RangeError(
      o.network
        ? `series has ${values.length} points; window (${o.window}), two seasons (${2 * o.season}) and horizon (${o.horizon}) need at least ${minTrain}`
        : `series has ${values.length} points; two seasons (${2 * o.season}) and one more need at least ${minTrain}`,
    );
  }
  const warnings: string[] = [];
  // The default number of origins is as many as fit, up to its maximum; a number asked for must fit.
  let count = o.origins ?? 0;
  if (o.origins === undefined) {
    count = Math.min(o.network ? 4 : 24, Math.floor((values.length - o.horizon - minTrain) / o.step) + 1);
    if (count < 2) {
      count = 0;
      warnings.push(
        `the series is too short for a backtest (${values.length} points): no method was scored and the bands have no width`,
      );
    }
  }
  const origins = count > 0 ? rollingOrigins(values.length, o.horizon, count, o.step, minTrain) : [];
  if (o.signal?.aborted) throw abortError();

  if (o.network && o.window < o.season) {
    warnings.push(
      `window (${o.window}) is shorter than the season (${o.season}): the window should cover at least one season`,
    );
  }
  const log = values.every((v) => v > 0);
  if (!log) warnings.push('the series has values ≤ 0: modelled without logs (additive season and trend)');

  const perOrigin: Partial<Record<ScoredMethod, number[]>>[] = [];
  for (const [i, origin] of origins.entries())
    perOrigin.push((await allForecasts(values.slice(0, origin), o, 'backtest', i)).forecasts);
  const { forecasts: ahead, weight: networkWeight } = await allForecasts(values, o, 'final', origins.length);

  const methods: ScoredMethod[] = [...CLASSICAL_METHODS, ...(o.network ? NEURAL_METHODS : [])];
  const score = (fs: number[][]) => scoreBacktest(values, origins, fs, o.season);
  const scores: Partial<Record<ScoredMethod, BacktestScore>> = {};
  if (origins.length > 0) for (const m of methods) scores[m] = score(perOrigin.map((f) => f[m]!));

  for (const m of methods) {
    if (!ahead[m]!.every(Number.isFinite)) warnings.push(`the ${m} forecast holds non-finite values`);
  }
  // A method that diverged on the last fit is not a candidate.
  const usable = methods.filter((m) => ahead[m]!.every(Number.isFinite));
  let choice: Choice;
  if (o.method !== 'auto') {
    choice = { method: o.method, combined: [o.method], reason: `method '${o.method}' was asked for` };
    if (!usable.includes(o.method)) {
      warnings.push(`${o.method} diverged: returning the seasonal-naive forecast instead`);
      choice = { method: 'seasonal-naive', combined: ['seasonal-naive'], reason: `${o.method} diverged` };
    }
  } else choice = chooseMethods(usable, origins.length > 0 ? scores : null);

  const chosen = answerOf(ahead, choice.combined);
  const actuals = origins.map((t) => values.slice(t, t + o.horizon));
  const used = perOrigin.map((f) => answerOf(f, choice.combined));
  let backtest: ForecastBacktest | null = null;
  if (origins.length > 0) {
    backtest = { origins, answer: score(used) } as ForecastBacktest;
    for (const m of methods) backtest[KEY[m]] = scores[m]!;
  }
  const sigma = origins.length > 0 ? errorSpread(actuals, used, log) : chosen.map(() => 0);
  return {
    forecast: chosen,
    ...intervals(chosen, sigma, log, BAND_WIDENING),
    method: choice.method,
    combined: choice.combined,
    reason: choice.reason,
    forecasts: ahead,
    backtest,
    coverage: backtestCoverage(actuals, used, log, BAND_WIDENING),
    warnings,
    cell: o.cell,
    strategy: o.strategy,
    window: o.window,
    horizon: o.horizon,
    season: o.season,
    units: o.units,
    epochs: o.epochs,
    seeds: o.seeds,
    log,
    networkWeight,
  };
}
