/**
 * Issue #33's tenth round (docs/forecasting.md): ways to draw forecast()'s 80 % and 95 % bands
 * from the answer's errors on its own backtest, compared on the development half by
 * `bench/rules.ts score --bands`. `normal` is forecast()'s own; the others do not assume normal
 * errors. The eleventh (`score --spreads`): other estimates of the spread σₕ under the normal
 * bands, judged by how their factors carry over from some series to others. Benchmarks only.
 */
import { intervals, type BandWidening, type Intervals } from '../src/timeseries/baselines.js';

/** Draws the bands around `answer` from the answer's backtest forecasts and what came. */
export type BandRule = (answer: number[], actual: number[][], forecasts: number[][], log: boolean) => Intervals;

/** R's type-7 quantile (linear between order statistics) of ascending `sorted`. */
export function quantile7(sorted: readonly number[], p: number): number {
  const x = (sorted.length - 1) * p;
  const lo = Math.floor(x);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (x - lo) * (sorted[hi]! - sorted[lo]!);
}

/** eₒ,ₕ: log ratios for a positive series, differences otherwise. */
const errors = (actual: number[][], forecasts: number[][], log: boolean): number[][] =>
  forecasts.map((f, o) => f.map((v, h) => (log ? Math.log(actual[o]![h]! / v) : actual[o]![h]! - v)));

/** Bounds at offsets q·scaleₕ (lists per step, one per bound). */
function bounds(answer: number[], log: boolean, q: Record<keyof Intervals, number[]>): Intervals {
  const at = (qs: number[]) => answer.map((f, h) => (log ? f * Math.exp(qs[h]!) : f + qs[h]!));
  return { lower80: at(q.lower80), upper80: at(q.upper80), lower95: at(q.lower95), upper95: at(q.upper95) };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** Normal quantiles on the root-mean-square spread times `widen` (forecast()'s way until the eleventh round). */
export const normalBands =
  (widen: BandWidening): BandRule =>
  (answer, actual, forecasts, log) =>
    intervals(answer, rmsSigma(actual, forecasts, log), log, widen);

/** The shape of the standardised errors uₒ,ₕ = eₒ,ₕ/σₕ pooled over origins and steps; `abs`: of |u|. */
export const pooledBands =
  (abs: boolean): BandRule =>
  (answer, actual, forecasts, log) => {
    const sigma = rmsSigma(actual, forecasts, log);
    const u = sorted(
      errors(actual, forecasts, log)
        .flatMap((es) => es.map((e, h) => (sigma[h]! > 0 ? e / sigma[h]! : NaN)))
        .filter(Number.isFinite)
        .map((x) => (abs ? Math.abs(x) : x)),
    );
    if (u.length === 0) return normalBands({ p80: 1, p95: 1 })(answer, actual, forecasts, log);
    const q = abs
      ? { l80: -quantile7(u, 0.8), u80: quantile7(u, 0.8), l95: -quantile7(u, 0.95), u95: quantile7(u, 0.95) }
      : { l80: quantile7(u, 0.1), u80: quantile7(u, 0.9), l95: quantile7(u, 0.025), u95: quantile7(u, 0.975) };
    const times = (k: number) => sigma.map((s) => k * s);
    return bounds(answer, log, {
      lower80: times(q.l80),
      upper80: times(q.u80),
      lower95: times(q.l95),
      upper95: times(q.u95),
    });
  };

/** At each step its own quantiles of |eₒ,ₕ|, made non-decreasing in h. */
export const perStepBands: BandRule = (answer, actual, forecasts, log) => {
  const es = errors(actual, forecasts, log);
  const q80: number[] = [];
  const q95: number[] = [];
  answer.forEach((_, h) => {
    const abs = sorted(es.map((e) => Math.abs(e[h]!)));
    q80.push(Math.max(quantile7(abs, 0.8), h > 0 ? q80[h - 1]! : 0));
    q95.push(Math.max(quantile7(abs, 0.95), h > 0 ? q95[h - 1]! : 0));
  });
  const neg = (xs: number[]) => xs.map((x) => -x);
  return bounds(answer, log, { lower80: neg(q80), upper80: q80, lower95: neg(q95), upper95: q95 });
};

/** The tenth round's variants as it ran them (the root-mean-square spread) but `normal-refit`, whose factors rules.ts fits on the development half. */
export const BAND_RULES: Record<string, BandRule> = {
  normal: normalBands({ p80: 1.05, p95: 1.3 }), // the default then
  'normal-1': normalBands({ p80: 1, p95: 1 }),
  'pooled-abs': pooledBands(true),
  pooled: pooledBands(false),
  'per-step': perStepBands,
};

/** The spread per step from the backtest's errors eₒ,ₕ (one list per origin), before it is made non-decreasing. */
export type Spread = (errors: number[][]) => number[];

const steps = (es: number[][]) => (es[0] ?? []).map((_, h) => es.map((e) => e[h]!));
const nonDecreasing = (xs: number[]) => xs.map((_, h) => Math.max(...xs.slice(0, h + 1)));

/** forecast()'s: the root mean square at each step. */
export const rmsSpread: Spread = (es) =>
  steps(es).map((xs) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length));

/** 1.4826 × the median |e| at each step: a normal's σ, unmoved by a few large errors (a break in the window). */
export const robustSpread: Spread = (es) => steps(es).map((xs) => 1.4826 * quantile7(sorted(xs.map(Math.abs)), 0.5));

/**
 * `spread`'s per-step values fitted by ln σₕ = a + b·ln h (least squares over the steps with
 * σₕ > 0, b at least 0): one smooth growth with the horizon instead of a noisy estimate per step.
 */
export const smoothed =
  (spread: Spread): Spread =>
  (es) => {
    const raw = spread(es);
    const pts = raw.map((s, i) => ({ x: Math.log(i + 1), y: Math.log(s) })).filter((p) => Number.isFinite(p.y));
    if (pts.length < 2) return raw;
    const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
    const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
    const sxx = pts.reduce((a, p) => a + (p.x - mx) ** 2, 0);
    const b = Math.max(0, pts.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx);
    return raw.map((_, i) => Math.exp(my + b * (Math.log(i + 1) - mx)));
  };

/** Normal bands on `spread` (made non-decreasing in h), each band's z times `widen`'s factor. */
export const spreadBands =
  (spread: Spread, widen: BandWidening): BandRule =>
  (answer, actual, forecasts, log) =>
    intervals(answer, nonDecreasing(spread(errors(actual, forecasts, log))), log, widen);

/** The eleventh round's estimates of σₕ (docs/forecasting.md). */
export const SPREADS: Record<string, Spread> = {
  rms: rmsSpread,
  robust: robustSpread,
  smooth: smoothed(rmsSpread),
  'robust-smooth': smoothed(robustSpread),
};

/** The tenth round's σₕ: the root mean square per step, non-decreasing (forecast()'s until the eleventh). */
function rmsSigma(actual: number[][], forecasts: number[][], log: boolean): number[] {
  return nonDecreasing(rmsSpread(errors(actual, forecasts, log)));
}
