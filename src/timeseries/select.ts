/**
 * Which forecast answers, from the backtest: the rule that keeps a method away from a series on
 * which it lost to seasonal naive, and the combination of those that did not. Plain TypeScript
 * (no tfjs, so a page may import it). Pure.
 */
import type { AnswerMethod, BacktestScore, ScoredMethod } from '../base/forecast-types.js';

/** The median of each step across forecasts of the same length (the mean of the middle two for an even count). */
export function medianForecast(forecasts: readonly (readonly number[])[]): number[] {
  if (forecasts.length === 0) throw new RangeError('medianForecast needs at least one forecast, got none');
  const horizon = forecasts[0]!.length;
  for (const [i, f] of forecasts.entries()) {
    if (f.length !== horizon)
      throw new RangeError(`forecast ${i} has ${f.length} points, expected ${horizon} like forecast 0`);
  }
  return Array.from({ length: horizon }, (_, h) => {
    const xs = forecasts.map((f) => f[h]!).sort((a, b) => a - b);
    const mid = xs.length >> 1;
    return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  });
}

/** What answers, and why. */
export interface Choice {
  method: AnswerMethod;
  /** The methods whose forecasts answer (the median of them for 'combination'). */
  combined: ScoredMethod[];
  reason: string;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));

/**
 * The rule of `method: 'auto'`: every candidate whose backtest RMSE is not below seasonal naive's
 * is dropped (it lost to seasonal naive on this series); the median of those left answers
 * ('combination' for two or more, the method itself for one), and seasonal naive answers when
 * none is left. `scores` holds every candidate's backtest and seasonal naive's under
 * 'seasonal-naive'. Without scores (no backtest), every candidate is combined.
 *
 * @throws RangeError when there is no candidate or a candidate has no score
 */
export function chooseMethods(
  candidates: readonly ScoredMethod[],
  scores: Partial<Record<ScoredMethod, BacktestScore>> | null,
): Choice {
  const pool = candidates.filter((m) => m !== 'seasonal-naive');
  if (pool.length === 0) throw new RangeError('chooseMethods needs at least one candidate besides seasonal-naive');
  if (scores === null) {
    return pool.length === 1
      ? { method: pool[0]!, combined: [pool[0]!], reason: 'no backtest: the only method asked for' }
      : { method: 'combination', combined: pool, reason: 'no backtest: the median of every method' };
  }
  const naive = scores['seasonal-naive'];
  if (!naive) throw new RangeError('chooseMethods needs the seasonal-naive score');
  const rmseOf = (m: ScoredMethod) => {
    const s = scores[m];
    if (!s) throw new RangeError(`chooseMethods has no backtest score for ${m}`);
    return s.rmse;
  };
  const kept = pool.filter((m) => rmseOf(m) < naive.rmse);
  const dropped = pool.filter((m) => !kept.includes(m));
  const list = (ms: ScoredMethod[]) => ms.map((m) => `${m} ${fmt(rmseOf(m))}`).join(', ');
  const lost = dropped.length ? `; dropped for not beating seasonal naive's ${fmt(naive.rmse)}: ${list(dropped)}` : '';
  if (kept.length === 0) {
    return {
      method: 'seasonal-naive',
      combined: ['seasonal-naive'],
      reason: `no method beat seasonal naive on the backtest (RMSE ${fmt(naive.rmse)}; ${list(dropped)})`,
    };
  }
  if (kept.length === 1) {
    return {
      method: kept[0]!,
      combined: kept,
      reason: `the only method that beat seasonal naive on the backtest (RMSE ${list(kept)} against ${fmt(naive.rmse)})${lost}`,
    };
  }
  return {
    method: 'combination',
    combined: kept,
    reason: `the median of the methods that beat seasonal naive on the backtest (RMSE ${list(kept)} against ${fmt(naive.rmse)})${lost}`,
  };
}
