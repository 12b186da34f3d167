/**
 * Classical forecasts, scores and intervals for monthly series, in plain TypeScript (no tfjs,
 * so a page may import it): seasonal naive, seasonal naive with drift, Holt-Winters (additive
 * season with no trend, a trend or a damped trend, chosen by AICc as forecast::ets does; on the
 * log of a positive series), the M4 scores (MASE, sMAPE) and RMSE, the
 * rolling origins of a backtest and prediction intervals from backtest errors.
 *
 * Pure: no DOM, no console, no I/O.
 */
import { checkInteger, describe } from '../base/checks.js';
import type { BacktestScore } from '../base/forecast-types.js';

/** Checks that `series` is an array of finite numbers; errors name the index. */
export function checkSeries(series: unknown, name = 'series'): number[] {
  if (!Array.isArray(series)) throw new TypeError(`${name} must be an array of numbers, got ${describe(series)}`);
  series.forEach((v, i) => {
    if (typeof v !== 'number') throw new TypeError(`${name}[${i}] must be a number, got ${describe(v)}`);
    if (!Number.isFinite(v)) throw new RangeError(`${name}[${i}] must be a finite number, got ${describe(v)}`);
  });
  return series as number[];
}

function checkSeason(s: number[], season: number, horizon: number): void {
  checkInteger(season, 'season', 1);
  checkInteger(horizon, 'horizon', 1);
  if (s.length < season) throw new RangeError(`series has ${s.length} points, fewer than one season (${season})`);
}

/**
 * The seasonal-naive forecast: each of the next `horizon` points repeats the value one season
 * earlier, x̂(n+h) = x(n + h − season·⌈(h+1)/season⌉) for h = 0 … horizon−1.
 *
 * @throws RangeError when the series is shorter than one season
 */
export function seasonalNaive(series: number[], season: number, horizon: number): number[] {
  const s = checkSeries(series);
  checkSeason(s, season, horizon);
  return Array.from({ length: horizon }, (_, h) => s[s.length - season + (h % season)]!);
}

/**
 * Seasonal naive with drift: the seasonal-naive forecast plus the average change from one
 * season to the next, once per season ahead: x̂(n+h) = snaive(h) + ⌈(h+1)/season⌉ · ḡ, where
 * ḡ = mean of x(t) − x(t − season) over the series ("the same month last year plus the average
 * yearly growth"). With fewer than two seasons ḡ is 0.
 *
 * @throws RangeError when the series is shorter than one season
 */
export function seasonalNaiveDrift(series: number[], season: number, horizon: number): number[] {
  const s = checkSeries(series);
  checkSeason(s, season, horizon);
  // Σ x(t) − x(t − season) over t ≥ season telescopes to (last season's sum − first season's sum).
  const growth =
    s.length > season ? (sum(s.slice(s.length - season)) - sum(s.slice(0, season))) / (s.length - season) : 0;
  return Array.from(
    { length: horizon },
    (_, h) => s[s.length - season + (h % season)]! + Math.ceil((h + 1) / season) * growth,
  );
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;

/** The smoothing parameters of a Holt-Winters fit (additive season). */
export interface HoltWintersParams {
  /** Level smoothing. */
  alpha: number;
  /** Trend smoothing (0 with no trend). */
  beta: number;
  /** Season smoothing. */
  gamma: number;
  /** Trend damping: 1 a linear trend, below 1 a damped one, 0 no trend at all (ETS(A,N,A)). */
  phi: number;
}

/** The trend forms {@link fitHoltWinters} chooses from: none, linear (A) and damped (Ad). */
export type HoltWintersTrend = 'none' | 'linear' | 'damped';

/** A Holt-Winters fit: its parameters, the states after every point, and its scale. */
export interface HoltWintersFit extends HoltWintersParams {
  /** True when fitted on log(x) (a positive series whose logs fit better by AICc): a multiplicative season and trend. */
  log: boolean;
  /** Level after each point (in log units when `log`). */
  level: number[];
  /** Trend after each point. */
  trend: number[];
  /** Seasonal state after each point; `seasonal[t]` is the factor for time t. */
  seasonal: number[];
  /** The initial seasonal states, for times −season … −1. */
  seasonalStart: number[];
  /** Season length. */
  season: number;
  /** Mean squared one-step error in the fitted units. */
  mse: number;
}

const GRID = {
  alpha: [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9],
  beta: [0, 0.01, 0.03, 0.1, 0.2],
  gamma: [0, 0.05, 0.1, 0.2, 0.3, 0.5],
};
/** Each trend form's damping grid (forecast::ets bounds a damped φ to [0.8, 0.98]). */
const PHI: Record<HoltWintersTrend, number[]> = { none: [0], linear: [1], damped: [0.8, 0.9, 0.95, 0.98] };

/** Runs the Holt-Winters filter over `y` with fixed parameters from the classical start. */
function filter(y: number[], m: number, p: HoltWintersParams, keep: boolean) {
  const first = mean(y.slice(0, m));
  let level = first;
  let trend = p.phi > 0 && y.length >= 2 * m ? (mean(y.slice(m, 2 * m)) - first) / m : 0;
  const seasonalStart = y.slice(0, m).map((v) => v - first);
  const seas = seasonalStart.slice();
  const L: number[] = [];
  const B: number[] = [];
  const S: number[] = [];
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const s = seas[t]!; // the state for time t (from t − m, or the start)
    const fit = level + p.phi * trend + s;
    const e = y[t]! - fit;
    if (t >= m) sse += e * e;
    const newLevel = level + p.phi * trend + p.alpha * e;
    trend = p.phi * trend + p.beta * p.alpha * e;
    level = newLevel;
    seas.push(s + p.gamma * (1 - p.alpha) * e);
    if (keep) {
      L.push(level);
      B.push(trend);
      S.push(seas[t + m]!);
    }
  }
  return { level, trend, seas, sse, L, B, S, seasonalStart, count: Math.max(1, y.length - m) };
}

/**
 * Runs Holt-Winters with given parameters over `y`, already in fitted units (log when `log`):
 * the states after every point, as {@link fitHoltWinters} returns them.
 */
export function holtWintersWith(y: number[], season: number, p: HoltWintersParams, log: boolean): HoltWintersFit {
  const r = filter(y, season, p, true);
  return {
    ...p,
    log,
    level: r.L,
    trend: r.B,
    seasonal: r.S,
    seasonalStart: r.seasonalStart,
    season,
    mse: r.sse / r.count,
  };
}

/**
 * Fits Holt-Winters (additive season) as forecast::ets chooses its model: for each trend form —
 * none, linear, damped (φ ≤ 0.98) — a grid search over α, β, γ, φ for the least squared one-step
 * error after the first season; then the form with the lowest AICc, n·ln(SSE/n) + 2k +
 * 2k(k+1)/(n−k−1), k counting the smoothing parameters and the initial states. A positive series
 * is also fitted on log(x), which makes season and trend multiplicative (a seasonal swing that
 * grows with the level); the logs' AICc gains 2·Σ ln x (the Jacobian, so that both measure the
 * likelihood of x itself), and the scale with the lower AICc is kept. With too few points for
 * AICc (n ≤ k + 1 for every form) the logs of a positive series are fitted and the least squared
 * error decides.
 *
 * @throws RangeError when the series is shorter than one season
 */
export function fitHoltWinters(series: number[], season: number): HoltWintersFit {
  const s = checkSeries(series);
  checkSeason(s, season, 1);
  const positive = s.every((v) => v > 0);
  const n = Math.max(1, s.length - season);
  const scales = (positive ? [true, false] : [false]).map((log) => {
    const y = log ? s.map(Math.log) : s;
    // The likelihood of x under a fit of log x: that of log x less Σ ln x over the scored points.
    let jacobian = 0;
    if (log) for (let t = season; t < y.length; t++) jacobian += 2 * y[t]!;
    const forms = (['none', 'linear', 'damped'] as const).map((trend) => {
      let form: HoltWintersParams = { alpha: 0.3, beta: 0, gamma: 0.1, phi: 0 };
      let sse = Infinity;
      for (const phi of PHI[trend])
        for (const alpha of GRID.alpha)
          for (const beta of trend === 'none' ? [0] : GRID.beta)
            for (const gamma of GRID.gamma) {
              const p = { alpha, beta, gamma, phi };
              const fit = filter(y, season, p, false);
              if (fit.sse < sse - 1e-12) {
                sse = fit.sse;
                form = p;
              }
            }
      // α, γ and the level and season - 1 initial states; β, the trend's state and φ when there.
      const k = 2 + season + (trend === 'none' ? 0 : 2) + (trend === 'damped' ? 1 : 0);
      return { form, sse, score: n - k - 1 > 0 ? aicc(sse, n, k) + jacobian : Infinity };
    });
    // The least AICc; a series too short for it for every form: the least one-step error.
    const chosen = forms.some((f) => f.score < Infinity)
      ? forms.reduce((a, b) => (b.score < a.score ? b : a))
      : forms.reduce((a, b) => (b.sse < a.sse - 1e-12 ? b : a));
    return { log, y, ...chosen };
  });
  const best = scales.reduce((a, b) => (b.score < a.score ? b : a));
  return holtWintersWith(best.y, season, best.form, best.log);
}

/** Corrected Akaike information criterion of a Gaussian fit: n points, k parameters. */
function aicc(sse: number, n: number, k: number): number {
  return n * Math.log(Math.max(sse, 1e-300) / n) + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
}

/**
 * The seasonal state that a fit forecasts time t + h with from origin t (0-based, h ≥ 1): the
 * latest state of the same season, at t + h − season·⌈h/season⌉.
 */
export function seasonalAt(fit: HoltWintersFit, t: number, h: number): number {
  const i = t + h - fit.season * Math.ceil(h / fit.season);
  return i >= 0 ? fit.seasonal[i]! : fit.seasonalStart[i + fit.season]!;
}

/**
 * The fit's forecast from origin t (default: the last point), h = 1 … horizon, in fitted units
 * (log when `fit.log`): level + (φ + … + φʰ)·trend + season.
 */
export function holtWintersPath(fit: HoltWintersFit, horizon: number, t = fit.level.length - 1): number[] {
  const out: number[] = [];
  let damp = 0;
  for (let h = 1; h <= horizon; h++) {
    damp += fit.phi ** h;
    out.push(fit.level[t]! + damp * fit.trend[t]! + seasonalAt(fit, t, h));
  }
  return out;
}

/** Holt-Winters (ETS) forecast of the next `horizon` points, in the series' own units. */
export function holtWinters(series: number[], season: number, horizon: number): number[] {
  checkInteger(horizon, 'horizon', 1);
  const fit = fitHoltWinters(series, season);
  const path = holtWintersPath(fit, horizon);
  return fit.log ? path.map(Math.exp) : path;
}

function checkPair(actual: number[], predicted: number[], what: string): void {
  checkSeries(actual, 'actual');
  checkSeries(predicted, 'forecast');
  if (actual.length === 0 || actual.length !== predicted.length) {
    throw new RangeError(
      `${what} needs two arrays of the same non-zero length, got ${actual.length} and ${predicted.length}`,
    );
  }
}

/**
 * Root mean squared error between two arrays of the same non-zero length.
 *
 * @throws TypeError/RangeError on bad values or different lengths
 */
export function rmse(a: number[], b: number[]): number {
  checkPair(a, b, 'rmse');
  let total = 0;
  for (let i = 0; i < a.length; i++) total += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(total / a.length);
}

/**
 * Symmetric MAPE in percent (M4): mean of 200·|a − f| / (|a| + |f|); a pair of zeros counts 0.
 */
export function smape(actual: number[], predicted: number[]): number {
  checkPair(actual, predicted, 'smape');
  let total = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]!) + Math.abs(predicted[i]!);
    if (d > 0) total += (200 * Math.abs(actual[i]! - predicted[i]!)) / d;
  }
  return total / actual.length;
}

/**
 * Mean absolute scaled error (M4): the forecast's mean absolute error divided by the in-sample
 * mean absolute error of the seasonal-naive forecast, mean |x(t) − x(t − season)| over `history`.
 * 1 means as good as seasonal naive one season back, in-sample.
 *
 * @throws RangeError when `history` has no more than one season or its seasonal differences are all 0
 */
export function mase(actual: number[], predicted: number[], history: number[], season: number): number {
  checkPair(actual, predicted, 'mase');
  checkSeries(history, 'history');
  checkInteger(season, 'season', 1);
  if (history.length <= season)
    throw new RangeError(`mase needs a history longer than one season (${season}), got ${history.length} points`);
  let scale = 0;
  for (let t = season; t < history.length; t++) scale += Math.abs(history[t]! - history[t - season]!);
  scale /= history.length - season;
  if (scale === 0) throw new RangeError('mase is undefined: the history repeats exactly every season');
  let mae = 0;
  for (let i = 0; i < actual.length; i++) mae += Math.abs(actual[i]! - predicted[i]!);
  return mae / actual.length / scale;
}

/**
 * The rolling origins of a backtest: `origins` training lengths, `step` points apart, the last
 * one leaving exactly `horizon` points after it; returned in increasing order.
 *
 * @throws RangeError when the first origin would leave fewer than `minTrain` points to train on
 */
export function rollingOrigins(
  length: number,
  horizon: number,
  origins: number,
  step: number,
  minTrain: number,
): number[] {
  checkInteger(origins, 'origins', 1, 1000);
  checkInteger(step, 'step', 1);
  const last = length - horizon;
  const first = last - (origins - 1) * step;
  if (first < minTrain) {
    throw new RangeError(
      `series has ${length} points: ${origins} origins ${step} apart with horizon ${horizon} leave ${first} points to train on at the first origin, fewer than ${minTrain}`,
    );
  }
  return Array.from({ length: origins }, (_, i) => first + i * step);
}

export type { BacktestScore };

/** Scores forecasts made at `origins` (training lengths) against the series. */
export function scoreBacktest(
  series: number[],
  origins: number[],
  forecasts: number[][],
  season: number,
): BacktestScore {
  const actual: number[] = [];
  const predicted: number[] = [];
  let m = 0;
  let s = 0;
  origins.forEach((o, i) => {
    const f = forecasts[i]!;
    const a = series.slice(o, o + f.length);
    m += mase(a, f, series.slice(0, o), season);
    s += smape(a, f);
    actual.push(...a);
    predicted.push(...f);
  });
  return { rmse: rmse(actual, predicted), mase: m / origins.length, smape: s / origins.length, forecasts };
}

/** 80 % and 95 % bounds per step. */
export interface Intervals {
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
}

const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;
/** A normal's σ over the median of |e|: 1 / Φ⁻¹(0.75), to the digits the eleventh round used. */
const MAD_TO_SIGMA = 1.4826;

/**
 * The error spread per step h of a backtest, σₕ = 1.4826 × the median over origins of |eₕ| (a
 * normal's σ, and unmoved by a few large errors: a break or an outlier in the backtest window),
 * made non-decreasing in h (the confidence can only decay with the horizon). Errors are log
 * ratios log(a/f) when `log`, else differences a − f. Chosen over the root mean square of eₕ by
 * issue #33's eleventh round (docs/forecasting.md): its band factors carry over between series.
 */
export function errorSpread(actuals: number[][], forecasts: number[][], log: boolean): number[] {
  const horizon = forecasts[0]?.length ?? 0;
  const sigma: number[] = [];
  for (let h = 0; h < horizon; h++) {
    const abs = forecasts
      .map((f, o) => Math.abs(log ? Math.log(actuals[o]![h]! / f[h]!) : actuals[o]![h]! - f[h]!))
      .sort((a, b) => a - b);
    const mid = (abs.length - 1) / 2;
    const median = abs.length === 0 ? 0 : (abs[Math.floor(mid)]! + abs[Math.ceil(mid)]!) / 2;
    sigma.push(Math.max(MAD_TO_SIGMA * median, h > 0 ? sigma[h - 1]! : 0));
  }
  return sigma;
}

/** How much wider than normal each band is drawn: its z multiplied by this (1 each: normal bands). */
export interface BandWidening {
  p80: number;
  p95: number;
}

/**
 * Normal bounds around `forecast` from a spread per step: f·exp(±z·σₕ) when `log` (so they stay
 * positive and widen in proportion), else f ± z·σₕ; each band's z multiplied by `widen`'s factor
 * (errors have heavier tails than a normal's, so the 95 % band needs more than the 80 % one).
 */
export function intervals(
  forecast: number[],
  sigma: number[],
  log: boolean,
  widen: BandWidening = { p80: 1, p95: 1 },
): Intervals {
  const bound = (z: number) => forecast.map((f, h) => (log ? f * Math.exp(z * sigma[h]!) : f + z * sigma[h]!));
  const z80 = Z80 * widen.p80;
  const z95 = Z95 * widen.p95;
  return { lower80: bound(-z80), upper80: bound(z80), lower95: bound(-z95), upper95: bound(z95) };
}

/**
 * Coverage of the 80 % and 95 % intervals on a backtest, leave one origin out: the bounds at
 * each origin come from the errors at the other origins (widened as {@link intervals} does). Fractions 0–1 (null with one origin).
 */
export function backtestCoverage(
  actuals: number[][],
  forecasts: number[][],
  log: boolean,
  widen?: BandWidening,
): { p80: number | null; p95: number | null } {
  if (forecasts.length < 2) return { p80: null, p95: null };
  let in80 = 0;
  let in95 = 0;
  let count = 0;
  forecasts.forEach((f, o) => {
    const others = (xs: number[][]) => xs.filter((_, i) => i !== o);
    const b = intervals(f, errorSpread(others(actuals), others(forecasts), log), log, widen);
    actuals[o]!.forEach((a, h) => {
      count++;
      if (a >= b.lower80[h]! && a <= b.upper80[h]!) in80++;
      if (a >= b.lower95[h]! && a <= b.upper95[h]!) in95++;
    });
  });
  return { p80: in80 / count, p95: in95 / count };
}
