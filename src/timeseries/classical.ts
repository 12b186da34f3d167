/**
 * Three more classical forecasts beside those of `baselines.ts`, in plain TypeScript (no tfjs, so a
 * page may import them):
 *
 *  - the Theta method as R's `forecast::thetaf` computes it (Hyndman & Billah 2003): a seasonal
 *    test, classical multiplicative decomposition, simple exponential smoothing with drift equal
 *    to half the least-squares slope, then the season put back;
 *  - a seasonal ARIMA(p,0,0)(P,1,Q) with drift: conditional least squares on the seasonal
 *    differences (of the logs of a positive series), orders p ≤ 3, P ≤ 2, Q ≤ 1 chosen by AICc;
 *  - Holt-Winters estimated as R's `forecast::ets` estimates it (initial states from a classical
 *    decomposition, parameters by Nelder–Mead on the squared errors), beside `baselines.ts`'s
 *    grid-searched one;
 *
 * Pure: no DOM, no console, no I/O.
 */
import { checkInteger } from '../base/checks.js';
import { checkSeries } from './baselines.js';

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** 1.645: the 90 % one-sided normal quantile thetaf's seasonal test uses. */
const SEASONAL_Z = 1.6448536269514722;

/**
 * Whether `series` is seasonal with period `season`, as `forecast::thetaf` tests it: more than
 * two seasons, and the autocorrelation at lag `season` beyond 1.645 of its standard error
 * √((1 + 2·Σ_{k<season} r_k²)/n).
 */
export function isSeasonal(series: readonly number[], season: number): boolean {
  const n = series.length;
  if (season <= 1 || n <= 2 * season) return false;
  const m = mean(series);
  let denom = 0;
  for (const v of series) denom += (v - m) ** 2;
  if (!(denom > 0)) return false;
  const acf = (k: number) => {
    let s = 0;
    for (let t = k; t < n; t++) s += (series[t]! - m) * (series[t - k]! - m);
    return s / denom;
  };
  let sum = 0;
  for (let k = 1; k < season; k++) sum += acf(k) ** 2;
  return Math.abs(acf(season)) / Math.sqrt((1 + 2 * sum) / n) > SEASONAL_Z;
}

/**
 * Seasonal indices of a classical decomposition (R's `decompose`): the series over (or, when
 * `multiplicative` is false, minus) its centred moving average of one season, averaged per
 * position in the season and normalised to mean 1 (or 0). Index i belongs to times t ≡ i mod season.
 */
export function seasonalIndices(series: readonly number[], season: number, multiplicative: boolean): number[] {
  const n = series.length;
  const sums = new Array<number>(season).fill(0);
  const counts = new Array<number>(season).fill(0);
  const half = Math.floor(season / 2);
  for (let t = half; t + half < n; t++) {
    let trend: number;
    if (season % 2 === 0) {
      let s = (series[t - half]! + series[t + half]!) / 2;
      for (let j = t - half + 1; j < t + half; j++) s += series[j]!;
      trend = s / season;
    } else {
      let s = 0;
      for (let j = t - half; j <= t + half; j++) s += series[j]!;
      trend = s / season;
    }
    const i = t % season;
    sums[i]! += multiplicative ? series[t]! / trend : series[t]! - trend;
    counts[i]!++;
  }
  const raw = sums.map((s, i) => (counts[i]! > 0 ? s / counts[i]! : multiplicative ? 1 : 0));
  const centre = mean(raw);
  return raw.map((v) => (multiplicative ? v / centre : v - centre));
}

/** Simple exponential smoothing: the α in (0, 1) with the least squared one-step error, and the last level. */
export function ses(x: readonly number[]): { alpha: number; level: number } {
  const sse = (alpha: number) => {
    let level = x[0]!;
    let s = 0;
    for (let t = 1; t < x.length; t++) {
      const e = x[t]! - level;
      s += e * e;
      level += alpha * e;
    }
    return { s, level };
  };
  // A coarse grid, then golden-section search around its best point.
  let best = 0.5;
  let bestS = Infinity;
  for (let a = 0.05; a < 1; a += 0.05) {
    const { s } = sse(a);
    if (s < bestS) [best, bestS] = [a, s];
  }
  let lo = Math.max(1e-4, best - 0.05);
  let hi = Math.min(0.9999, best + 0.05);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 30; i++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (sse(a).s < sse(b).s) hi = b;
    else lo = a;
  }
  const alpha = (lo + hi) / 2;
  return { alpha, level: sse(alpha).level };
}

/**
 * The Theta method's forecast of the next `horizon` points (as `forecast::thetaf`): when the
 * series is seasonal ({@link isSeasonal}), it is divided by the seasonal indices of a classical
 * multiplicative decomposition (subtracted, additive, when a value is ≤ 0); simple exponential
 * smoothing of what remains, plus half its least-squares slope per step,
 * ŷ(h) = ℓ + b/2·(h − 1 + (1 − (1 − α)ⁿ)/α); the indices put back.
 *
 * @throws RangeError when the series has fewer than two points
 */
export function theta(series: number[], season: number, horizon: number): number[] {
  const s = checkSeries(series);
  checkInteger(season, 'season', 1);
  checkInteger(horizon, 'horizon', 1);
  if (s.length < 2) throw new RangeError(`theta needs at least two points, got ${s.length}`);
  const n = s.length;
  const { x, restore } = deseasonalise(s, season);
  // Least-squares slope of x on 0 … n−1.
  const tm = (n - 1) / 2;
  const xm = mean(x);
  let sxy = 0;
  let sxx = 0;
  x.forEach((v, t) => ((sxy += (t - tm) * (v - xm)), (sxx += (t - tm) ** 2)));
  const slope = sxy / sxx;
  const { alpha, level } = ses(x);
  const start = (1 - (1 - alpha) ** n) / alpha;
  return Array.from({ length: horizon }, (_, h) => restore(level + (slope / 2) * (h + start), n + h));
}

/**
 * Divides a series by its classical multiplicative indices (subtracts additive ones when a value
 * is ≤ 0) when it is seasonal by thetaf's test; `restore` puts the season back on a value at time t.
 */
export function deseasonalise(s: readonly number[], season: number) {
  const multiplicative = s.every((v) => v > 0);
  const idx = isSeasonal(s, season) ? seasonalIndices(s, season, multiplicative) : null;
  const at = (t: number) => idx![t % season]!;
  return {
    x: idx ? s.map((v, t) => (multiplicative ? v / at(t) : v - at(t))) : [...s],
    restore: (v: number, t: number) => (idx ? (multiplicative ? v * at(t) : v + at(t)) : v),
  };
}

type Trend = 'none' | 'linear' | 'damped';

/** The smoothing parameters and initial level and trend of an {@link etsMle} fit. */
interface Params {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  l0: number;
  b0: number;
}

/** Sum of squared one-step errors over every point, and the states after the last one. */
function run(y: readonly number[], m: number, start: readonly number[], p: Params) {
  let level = p.l0;
  let trend = p.b0;
  const seas = start.slice();
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const s = seas[t]!;
    const fit = level + p.phi * trend + s;
    const e = y[t]! - fit;
    sse += e * e;
    level = level + p.phi * trend + p.alpha * e;
    trend = p.phi * trend + p.beta * e;
    seas.push(s + p.gamma * e);
  }
  return { sse, level, trend, seas };
}

/** Nelder–Mead minimisation of `f` from `x0` with initial steps `step`. */
function nelderMead(f: (x: number[]) => number, x0: number[], step: number[], iterations: number): number[] {
  const n = x0.length;
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step[i]! : v)))].map((x) => ({
    x,
    v: f(x),
  }));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.v - best.v) <= 1e-10 * (Math.abs(best.v) + 1e-12)) break;
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p.x[j]!, 0) / n);
    const at = (t: number) => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const r = { x: at(-1), v: 0 };
    r.v = f(r.x);
    if (r.v < best.v) {
      const e = { x: at(-2), v: 0 };
      e.v = f(e.x);
      simplex[n] = e.v < r.v ? e : r;
    } else if (r.v < simplex[n - 1]!.v) simplex[n] = r;
    else {
      const c = { x: r.v < worst.v ? at(-0.5) : at(0.5), v: 0 };
      c.v = f(c.x);
      if (c.v < Math.min(r.v, worst.v)) simplex[n] = c;
      else
        simplex = simplex.map((p, i) =>
          i === 0 ? p : { x: p.x.map((v, j) => best.x[j]! + 0.5 * (v - best.x[j]!)), v: 0 },
        );
      for (const p of simplex) if (p.v === 0 && p !== best) p.v = f(p.x);
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return simplex[0]!.x;
}

/** The initial season (for times 0 … m−1), as `forecast::ets`'s initstate: a classical additive
 * decomposition of the first three seasons. */
function initialSeason(y: readonly number[], m: number): number[] {
  const first = y.slice(0, Math.min(y.length, 3 * m));
  return seasonalIndices(first, m, false);
}

interface Fitted {
  aicc: number;
  forecast: (h: number) => number[];
}

function fitForm(y: readonly number[], m: number, trend: Trend, jacobian: number): Fitted {
  const season = initialSeason(y, m);
  const adjusted = y.map((v, t) => v - season[t % m]!);
  const maxn = Math.min(adjusted.length, Math.max(10, 2 * m));
  let l0: number;
  let b0 = 0;
  if (trend === 'none') l0 = adjusted.slice(0, maxn).reduce((a, b) => a + b, 0) / maxn;
  else {
    // lsfit(1:maxn, y.sa[1:maxn]): the line's value at 0 is the level before the first point.
    const xs = Array.from({ length: maxn }, (_, i) => i + 1);
    const xm = xs.reduce((a, b) => a + b, 0) / maxn;
    const ym = adjusted.slice(0, maxn).reduce((a, b) => a + b, 0) / maxn;
    let sxy = 0;
    let sxx = 0;
    xs.forEach((x, i) => {
      sxy += (x - xm) * (adjusted[i]! - ym);
      sxx += (x - xm) ** 2;
    });
    b0 = sxy / sxx;
    l0 = ym - b0 * xm;
  }
  const start = season.slice();
  const spread = Math.sqrt(adjusted.reduce((s, v) => s + (v - l0) ** 2, 0) / adjusted.length) || 1;
  // x: α, γ, l0 [, β, b0 [, φ]]
  const unpack = (x: number[]): Params => ({
    alpha: x[0]!,
    gamma: x[1]!,
    l0: x[2]!,
    beta: trend === 'none' ? 0 : x[3]!,
    b0: trend === 'none' ? 0 : x[4]!,
    phi: trend === 'none' ? 0 : trend === 'linear' ? 1 : x[5]!,
  });
  const inBounds = (p: Params) =>
    p.alpha > 1e-4 &&
    p.alpha < 0.9999 &&
    p.gamma > 1e-4 &&
    p.gamma < 1 - p.alpha &&
    (trend === 'none' || (p.beta > 1e-4 && p.beta < p.alpha)) &&
    (trend !== 'damped' || (p.phi >= 0.8 && p.phi <= 0.98));
  const f = (x: number[]) => {
    const p = unpack(x);
    return inBounds(p) ? run(y, m, start, p).sse : Infinity;
  };
  const x0 = [0.2, 0.05, l0, ...(trend === 'none' ? [] : [0.02, b0]), ...(trend === 'damped' ? [0.95] : [])];
  const step = [
    0.1,
    0.03,
    0.1 * spread,
    ...(trend === 'none' ? [] : [0.01, 0.1 * (Math.abs(b0) + spread / y.length)]),
    ...(trend === 'damped' ? [0.01] : []),
  ];
  let x = x0;
  // Restarted once from its own answer, as optim's Nelder–Mead often needs.
  for (let r = 0; r < 2; r++) x = nelderMead(f, x, step, 300 * x0.length);
  const p = unpack(x);
  const end = run(y, m, start, p);
  const n = y.length;
  // The parameters, the initial level (and trend) and season − 1 initial seasonal states.
  const k = x0.length + (m - 1);
  const aicc =
    n - k - 1 > 0
      ? n * Math.log(Math.max(end.sse, 1e-300) / n) + 2 * k + (2 * k * (k + 1)) / (n - k - 1) + jacobian
      : Infinity;
  return {
    aicc,
    forecast: (h) => {
      const out: number[] = [];
      let damp = 0;
      for (let i = 1; i <= h; i++) {
        damp += p.phi ** i;
        out.push(end.level + damp * end.trend + end.seas[n + ((i - 1) % m)]!);
      }
      return out;
    },
  };
}

/**
 * Holt-Winters (additive season; multiplicative on the logs of a positive series) estimated as
 * R's `forecast::ets` estimates it: for each trend form (none, linear, damped) on each scale, the
 * initial states as its initstate sets them (the season from a classical additive decomposition
 * of the first three seasons; level and trend from a least-squares line through the first
 * max(10, 2·season) seasonally adjusted points), then α, β, γ, φ and the initial level and trend
 * by Nelder–Mead on the sum of squared one-step errors over every point (the maximum likelihood of
 * additive Gaussian errors), within R's usual bounds (α ∈ (0.0001, 0.9999), β ∈ (0.0001, α),
 * γ ∈ (0.0001, 1 − α), φ ∈ [0.8, 0.98]); the form and the scale by AICc, the logs' with the
 * Jacobian, k counting the parameters and every initial state. Returns the forecast of the next
 * `horizon` points in the series' own units.
 *
 * @throws RangeError when the series is not longer than two seasons
 */
export function etsMle(series: number[], season: number, horizon: number): number[] {
  const s = checkSeries(series);
  checkInteger(season, 'season', 2);
  checkInteger(horizon, 'horizon', 1);
  if (s.length <= 2 * season)
    throw new RangeError(`etsMle needs more than two seasons (${2 * season} points), got ${s.length}`);
  const positive = s.every((v) => v > 0);
  let best: { aicc: number; path: number[] } | undefined;
  for (const log of positive ? [true, false] : [false]) {
    const y = log ? s.map(Math.log) : s.slice();
    const jacobian = log ? 2 * y.reduce((a, b) => a + b, 0) : 0;
    for (const trend of ['none', 'linear', 'damped'] as const) {
      const fit = fitForm(y, season, trend, jacobian);
      if (best && !(fit.aicc < best.aicc)) continue;
      const path = fit.forecast(horizon);
      best = { aicc: fit.aicc, path: log ? path.map(Math.exp) : path };
    }
  }
  return best!.path;
}

/** Solves the normal equations (XᵀX)β = Xᵀy by Gaussian elimination with partial pivoting. */
function leastSquares(rows: number[][], y: number[]): number[] | null {
  const k = rows[0]!.length;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  rows.forEach((r, i) => {
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) a[p]![q]! += r[p]! * r[q]!;
      a[p]![k]! += r[p]! * y[i]!;
    }
  });
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    if (!(Math.abs(a[pivot]![c]!) > 1e-12)) return null;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let q = c; q <= k; q++) a[r]![q]! -= f * a[c]![q]!;
    }
  }
  return a.map((row, i) => row[k]! / row[i]!);
}

/**
 * The orders of a {@link seasonalAr} fit: p lags 1 … p and P lags season, 2·season, and the
 * seasonal moving-average coefficient Θ (0 without one).
 */
export interface SeasonalArOrder {
  p: number;
  P: number;
  Theta: number;
}

/** The seasonal MA coefficients tried (0: none), −0.9 … 0.9 in steps of 0.1. */
const SEASONAL_MA = Array.from({ length: 19 }, (_, i) => Math.round((i - 9) * 10) / 100);

/**
 * Fits ARIMA(p,0,0)(P,1,Q) with drift, Q ≤ 1, by conditional least squares: d(t) = z(t) −
 * z(t − season), where z is log x for a positive series and x otherwise, regressed on a constant,
 * d(t−1 … t−p) and d(t − season), d(t − 2·season) (P of them), with the seasonal MA error
 * e(t) + Θ·e(t − season) (errors before the first row taken as 0): for each Θ on a grid the
 * regression is linear in the filtered variables u(t) − Θ·u(t − season). Every (p ≤ 3, P ≤ 2,
 * Θ) on the same rows; the least AICc. Returns the orders and a forecaster of the next `horizon`
 * points (recursive, in the series' own units).
 */
export function fitSeasonalAr(
  series: number[],
  season: number,
): { order: SeasonalArOrder; log: boolean; forecast: (horizon: number) => number[] } {
  const s = checkSeries(series);
  checkInteger(season, 'season', 1);
  if (s.length < season + 2) throw new RangeError(`seasonal AR needs more than ${season + 1} points, got ${s.length}`);
  const log = s.every((v) => v > 0);
  const z = log ? s.map(Math.log) : s.slice();
  const d = z.map((v, t) => (t >= season ? v - z[t - season]! : NaN)).slice(season);
  const MAX_P = 3;
  const MAX_SP = season > 1 ? 2 : 0;
  const lagsOf = (o: { p: number; P: number }) => [
    ...Array.from({ length: o.p }, (_, i) => i + 1),
    ...Array.from({ length: o.P }, (_, i) => (i + 1) * season),
  ];
  // The same rows for every order (those the largest order can use), so AICc compares like with like.
  const first = Math.max(MAX_P, MAX_SP * season);
  let best: { order: SeasonalArOrder; beta: number[]; errors: number[]; score: number } = {
    order: { p: 0, P: 0, Theta: 0 },
    beta: [d.length > 0 ? mean(d) : 0],
    errors: [],
    score: Infinity,
  };
  for (const Theta of season > 1 ? SEASONAL_MA : [0]) {
    for (let p = 0; p <= MAX_P; p++) {
      for (let P = 0; P <= MAX_SP; P++) {
        const lags = lagsOf({ p, P });
        const raw: number[][] = [];
        const y: number[] = [];
        for (let t = first; t < d.length; t++) {
          raw.push([1, ...lags.map((l) => d[t - l]!)]);
          y.push(d[t]!);
        }
        const k = lags.length + 1 + (Theta !== 0 ? 1 : 0);
        const n = y.length;
        if (n - k - 1 <= 0) continue;
        // Filtered: u(i) − Θ·u(i − season) over the rows, so that e = y~ − X~β.
        const rows = raw.map((r) => r.slice());
        const yy = y.slice();
        if (Theta !== 0)
          for (let i = season; i < n; i++) {
            yy[i]! -= Theta * yy[i - season]!;
            for (let j = 0; j < rows[i]!.length; j++) rows[i]![j]! -= Theta * rows[i - season]![j]!;
          }
        const beta = leastSquares(rows, yy);
        if (!beta) continue;
        let sse = 0;
        const errors = rows.map((r, i) => {
          let f = 0;
          r.forEach((v, j) => (f += v * beta[j]!));
          const e = yy[i]! - f;
          sse += e * e;
          return e;
        });
        const score = n * Math.log(Math.max(sse, 1e-300) / n) + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
        if (score < best.score) best = { order: { p, P, Theta }, beta, errors, score };
      }
    }
  }
  const { order, beta, errors } = best;
  const lags = lagsOf(order);
  return {
    order,
    log,
    forecast(horizon: number) {
      checkInteger(horizon, 'horizon', 1);
      const dd = d.slice();
      const zz = z.slice();
      const ee = errors.slice(); // the errors of the rows; those ahead are 0
      const out: number[] = [];
      for (let h = 0; h < horizon; h++) {
        let next = beta[0]!;
        lags.forEach((l, j) => (next += beta[j + 1]! * (dd[dd.length - l] ?? 0)));
        next += order.Theta * (ee[ee.length - season] ?? 0);
        ee.push(0);
        dd.push(next);
        const v = zz[zz.length - season]! + next;
        zz.push(v);
        out.push(log ? Math.exp(v) : v);
      }
      return out;
    },
  };
}

/** The seasonal AR forecast ({@link fitSeasonalAr}) of the next `horizon` points. */
export function seasonalAr(series: number[], season: number, horizon: number): number[] {
  return fitSeasonalAr(series, season).forecast(horizon);
}
