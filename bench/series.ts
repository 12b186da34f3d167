/**
 * The real series of data/ the forecasting benches score (bench/forecast.ts, bench/global-net.ts),
 * split once into a development and an evaluation half (data/README.md). Benchmarks only.
 */
import { readFileSync } from 'node:fs';
import { errorSpread, intervals, rmse, rollingOrigins, type Intervals } from '../src/timeseries/baselines.js';
import { BAND_WIDENING } from '../src/timeseries/forecast.js';

/** A scored series: its file is data/[dir/]name.csv. */
export interface BenchSeries {
  name: string;
  season: number;
  half: 'dev' | 'eval';
  /** The folder under data/ when not data/ itself. */
  dir?: 'extra' | 'gretl';
  /** Added to the development half by issue #33's sixth round (data/README.md). */
  round?: 6;
}

/** The real series of data/, their season and their half (data/README.md says why each is where). */
export const SERIES: readonly BenchSeries[] = [
  { name: 'quebec-car-sales', season: 12, half: 'dev' },
  { name: 'air-passengers', season: 12, half: 'dev' },
  { name: 'uk-driver-deaths', season: 12, half: 'dev' },
  { name: 'nottingham-temperature', season: 12, half: 'dev' },
  { name: 'australian-wine-sales', season: 12, half: 'dev' },
  { name: 'mauna-loa-co2', season: 12, half: 'dev' },
  { name: 'uk-front-seat-casualties', season: 12, half: 'dev' },
  { name: 'uk-distance-driven', season: 12, half: 'dev' },
  { name: 'uk-gas-quarterly', season: 4, half: 'dev' },

  // Issue #33's sixth round: more development series, by the rule in data/README.md.
  { name: 'dutch-retail-sales', season: 12, half: 'dev', dir: 'extra', round: 6 },
  { name: 'us-ppi', season: 12, half: 'dev', dir: 'extra', round: 6 },
  { name: 'nino3-sst', season: 12, half: 'dev', dir: 'extra', round: 6 },
  { name: 'nino34-sst', season: 12, half: 'dev', dir: 'extra', round: 6 },
  { name: 'uk-nondurables-quarterly', season: 4, half: 'dev', dir: 'extra', round: 6 },
  { name: 'us-production-quarterly', season: 4, half: 'dev', dir: 'extra', round: 6 },
  { name: 'german-unemployment-quarterly', season: 4, half: 'dev', dir: 'extra', round: 6 },
  { name: 'japan-gdp-quarterly', season: 4, half: 'dev', dir: 'extra', round: 6 },
  { name: 'italy-cpi', season: 12, half: 'dev', dir: 'gretl', round: 6 },
  { name: 'nyse-share-volume', season: 12, half: 'dev', dir: 'gretl', round: 6 },
  { name: 'us-consumer-expectations', season: 12, half: 'dev', dir: 'gretl', round: 6 },
  { name: 'us-installment-credit', season: 12, half: 'dev', dir: 'gretl', round: 6 },
  { name: 'swiss-pharma-exports-quarterly', season: 4, half: 'dev', dir: 'gretl', round: 6 },
  { name: 'swiss-pharma-imports-quarterly', season: 4, half: 'dev', dir: 'gretl', round: 6 },
  { name: 'san-diego-residential-kwh-quarterly', season: 4, half: 'dev', dir: 'gretl', round: 6 },
  { name: 'san-diego-electricity-price-quarterly', season: 4, half: 'dev', dir: 'gretl', round: 6 },
  { name: 'san-diego-cooling-degree-days-quarterly', season: 4, half: 'dev', dir: 'gretl', round: 6 },
  { name: 'san-diego-heating-degree-days-quarterly', season: 4, half: 'dev', dir: 'gretl', round: 6 },
  { name: 'euro-area-hicp-quarterly', season: 4, half: 'dev', dir: 'gretl', round: 6 },

  { name: 'australian-gas', season: 12, half: 'eval' },
  { name: 'uk-drivers-killed', season: 12, half: 'eval' },
  { name: 'uk-rear-seat-casualties', season: 12, half: 'eval' },
  { name: 'uk-van-drivers-killed', season: 12, half: 'eval' },
  { name: 'uk-petrol-price', season: 12, half: 'eval' },
  { name: 'johnson-johnson-quarterly', season: 4, half: 'eval' },
  { name: 'australian-residents-quarterly', season: 4, half: 'eval' },
  { name: 'australian-wool-quarterly', season: 4, half: 'eval' },
];

/** The text of a series' CSV file. */
export const seriesText = (s: Pick<BenchSeries, 'name' | 'dir'>): string =>
  readFileSync(new URL(`../data/${s.dir ? `${s.dir}/` : ''}${s.name}.csv`, import.meta.url), 'utf8');

/**
 * Training-only series of data/extra/ (issue #33's fifth round): bench/global-net.ts never scores
 * them, only adds them to its network's training windows (data/README.md gives the rule they were
 * chosen by). Since the sixth round, 8 of them are also development series in SERIES.
 */
export const EXTRA_SERIES: readonly { name: string; season: number }[] = [
  { name: 'us-accidental-deaths', season: 12 },
  { name: 'uk-lung-deaths-male', season: 12 },
  { name: 'uk-lung-deaths-female', season: 12 },
  { name: 'dutch-retail-sales', season: 12 },
  { name: 'us-ppi', season: 12 },
  { name: 'nino3-sst', season: 12 },
  { name: 'nino34-sst', season: 12 },
  { name: 'uk-nondurables-quarterly', season: 4 },
  { name: 'us-production-quarterly', season: 4 },
  { name: 'german-unemployment-quarterly', season: 4 },
  { name: 'japan-gdp-quarterly', season: 4 },
  { name: 'orange-county-employment-quarterly', season: 4 },
];

/** The horizon every forecasting bench scores. */
export const HORIZON = 12;

/** The origins (training lengths) of a protocol: `origins` of them `step` apart, the last leaving HORIZON points. */
export const benchOrigins = (n: number, p: { origins: number; step: number }): number[] =>
  Array.from({ length: p.origins }, (_, i) => n - HORIZON - (p.origins - 1 - i) * p.step);

/** forecast()'s own backtest origins inside a training length, with its defaults (up to 24, 1 apart). */
export function innerOrigins(length: number, season: number): number[] {
  const minTrain = 2 * season + 1;
  const count = Math.min(24, Math.floor(length - HORIZON - minTrain) + 1);
  return count < 2 ? [] : rollingOrigins(length, HORIZON, count, 1, minTrain);
}

/** What forecast() would have answered at one bench origin, scored on the next HORIZON points. */
export interface OriginScore {
  /** The outcomes. */
  y: number[];
  answer: number[];
  /** Seasonal naive's forecast of the same points. */
  naive: number[];
  /** How many outcomes fell inside the 80 % and the 95 % bands. */
  in80: number;
  in95: number;
}

/**
 * Replays forecast() at the bench origin T from forecasts computed beforehand (`forecastsAt(L)`:
 * every candidate's forecast after the first L points, seasonal naive's under 'seasonal-naive'):
 * each candidate's RMSE on forecast()'s own backtest inside T, the answer `choose` makes of those
 * scores, and its bands from the answer's backtest errors, widened as forecast() widens them
 * (or drawn by `bands`: issue #33's tenth round, bench/bands.ts).
 */
export function replayOrigin(
  values: readonly number[],
  season: number,
  T: number,
  forecastsAt: (length: number) => Record<string, number[]>,
  choose: (scores: Record<string, number>) => (forecasts: Record<string, number[]>) => number[],
  log: boolean,
  bands: (answer: number[], actual: number[][], forecasts: number[][], log: boolean) => Intervals = (a, y, f, l) =>
    intervals(a, errorSpread(y, f, l), l, BAND_WIDENING),
): OriginScore {
  const inner = innerOrigins(T, season);
  const innerFc = inner.map(forecastsAt);
  const innerActual = inner.map((o) => values.slice(o, o + HORIZON));
  const scores: Record<string, number> = {};
  for (const m of Object.keys(innerFc[0] ?? {}))
    scores[m] = rmse(
      innerActual.flat(),
      innerFc.flatMap((f) => f[m]!),
    );
  const answerOf = choose(scores);
  const now = forecastsAt(T);
  const answer = answerOf(now);
  const b = bands(answer, innerActual, innerFc.map(answerOf), log);
  const y = values.slice(T, T + HORIZON);
  let in80 = 0;
  let in95 = 0;
  y.forEach((v, h) => {
    if (v >= b.lower80[h]! && v <= b.upper80[h]!) in80++;
    if (v >= b.lower95[h]! && v <= b.upper95[h]!) in95++;
  });
  return { y, answer, naive: now['seasonal-naive']!, in80, in95 };
}

/** What forecast() would have answered at every bench origin of a protocol on one series. */
export interface SeriesScore {
  /** Its RMSE relative to seasonal naive's, pooled over the origins' points. */
  ratio: number;
  /** How many outcomes fell inside the 80 % and the 95 % bands, of `points`. */
  in80: number;
  in95: number;
  points: number;
}

/** replayOrigin() at each origin of protocol `p` (benchOrigins), pooled. */
export function replaySeries(
  values: readonly number[],
  season: number,
  p: { origins: number; step: number },
  forecastsAt: (length: number) => Record<string, number[]>,
  choose: (scores: Record<string, number>) => (forecasts: Record<string, number[]>) => number[],
  log: boolean,
  bands?: Parameters<typeof replayOrigin>[6],
): SeriesScore {
  const out: SeriesScore = { ratio: NaN, in80: 0, in95: 0, points: 0 };
  const actual: number[] = [];
  const mine: number[] = [];
  const naive: number[] = [];
  for (const T of benchOrigins(values.length, p)) {
    const r = replayOrigin(values, season, T, forecastsAt, choose, log, bands);
    out.in80 += r.in80;
    out.in95 += r.in95;
    out.points += r.y.length;
    actual.push(...r.y);
    mine.push(...r.answer);
    naive.push(...r.naive);
  }
  out.ratio = rmse(actual, mine) / rmse(actual, naive);
  return out;
}

/** The geometric mean of positive ratios. */
export const geoMean = (xs: readonly number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
