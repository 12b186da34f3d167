/**
 * Issue #33's seventh round (docs/forecasting.md): the M4 competition's Comb benchmark, scored by
 * bench/rules.ts (`--comb`) and not adopted, so it lives with the benches. Benchmarks only.
 */
import { checkInteger } from '../src/base/checks.js';
import { checkSeries } from '../src/timeseries/baselines.js';
import { deseasonalise, ses } from '../src/timeseries/classical.js';

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The α grid of {@link comb}'s Holt fits, and its β (≤ α) and damping φ grids (R's holt() bounds φ to 0.8–0.98). */
const HOLT_ALPHA = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);
const HOLT_BETA = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5];
const HOLT_PHI = [0.8, 0.85, 0.9, 0.95, 0.98];

/**
 * Holt's linear (φ = 1) or damped trend in error-correction form: ŷ = ℓ + φb, ℓ ← ŷ + αe,
 * b ← φb + βe; α, β ≤ α and φ on grids by the least squared one-step error; level and trend start
 * from a least-squares line through the first min(n, `start`) points. Returns the forecast.
 */
function holt(x: readonly number[], start: number, damped: boolean, horizon: number): number[] {
  const m = Math.max(2, Math.min(x.length, start));
  const tm = (m - 1) / 2;
  const xm = mean(x.slice(0, m));
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < m; t++) {
    sxy += (t - tm) * (x[t]! - xm);
    sxx += (t - tm) ** 2;
  }
  const b0 = sxy / sxx;
  const l0 = xm - b0 * tm;
  const run = (alpha: number, beta: number, phi: number) => {
    let level = l0;
    let trend = b0;
    let sse = 0;
    for (let t = 1; t < x.length; t++) {
      const yhat = level + phi * trend;
      const e = x[t]! - yhat;
      sse += e * e;
      level = yhat + alpha * e;
      trend = phi * trend + beta * e;
    }
    return { sse, level, trend };
  };
  let best = { sse: Infinity, level: l0, trend: b0, phi: 1 };
  for (const phi of damped ? HOLT_PHI : [1])
    for (const alpha of HOLT_ALPHA)
      for (const beta of HOLT_BETA) {
        if (beta > alpha) continue;
        const r = run(alpha, beta, phi);
        if (r.sse < best.sse) best = { ...r, phi };
      }
  let damping = 0;
  return Array.from({ length: horizon }, (_, h) => {
    damping += best.phi ** (h + 1);
    return best.level + damping * best.trend;
  });
}

/**
 * The M4 competition's Comb benchmark (Makridakis, Spiliotis & Assimakopoulos 2020): the mean of
 * simple exponential smoothing, Holt's linear trend and Holt's damped trend, fitted to the series
 * deseasonalised as Theta (src/timeseries/classical.ts) deseasonalises it, the season put back.
 *
 * @throws RangeError when the series has fewer than three points
 */
export function comb(series: number[], season: number, horizon: number): number[] {
  const s = checkSeries(series);
  checkInteger(season, 'season', 1);
  checkInteger(horizon, 'horizon', 1);
  if (s.length < 3) throw new RangeError(`comb needs at least three points, got ${s.length}`);
  const { x, restore } = deseasonalise(s, season);
  const { level } = ses(x);
  const linear = holt(x, 2 * season, false, horizon);
  const damped = holt(x, 2 * season, true, horizon);
  return linear.map((v, h) => restore((level + v + damped[h]!) / 3, s.length + h));
}
