/**
 * Time-series forecasting, the classical side (issue #33): Theta and the seasonal AR on series
 * with known answers, the median combination, the rule that keeps a method that lost to seasonal
 * naive out of the answer (method, combined, reason), the widened bands, and forecast()'s
 * default on real series of data/ (no network: no tensor made).
 * Run: node scripts/test.js test/unit/timeseries-methods.test.ts
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { forecast, parseSeriesCsv, type BacktestScore, type ScoredMethod } from '../../src/timeseries/forecast.js';
import {
  etsMle,
  fitSeasonalAr,
  isSeasonal,
  seasonalAr,
  seasonalIndices,
  theta,
} from '../../src/timeseries/classical.js';
import { chooseMethods, medianForecast } from '../../src/timeseries/select.js';
import { comb } from '../../bench/comb.js';
import { backtestCoverage, intervals, seasonalNaive } from '../../src/timeseries/baselines.js';
import { mulberry32 } from '../../src/data/windows.js';
import { EXTRA_SERIES, SERIES, seriesText } from '../../bench/series.js';

const SEASON = [0.8, 0.85, 1.0, 1.2, 1.1, 1.0, 0.9, 0.95, 1.05, 1.15, 1.0, 0.9];
const data = (name: string) =>
  parseSeriesCsv(readFileSync(new URL(`../../data/${name}.csv`, import.meta.url), 'utf8')).values;
const close = (a: number, b: number, rel: number, what: string) =>
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} against ${b}`);

describe('Theta', () => {
  it('adds half the least-squares slope per step to a straight line (no season found)', () => {
    const line = Array.from({ length: 60 }, (_, t) => 100 + 2 * t);
    assert.equal(isSeasonal(line, 12), false);
    const f = theta(line, 12, 6);
    for (let h = 1; h < 6; h++) close(f[h]! - f[h - 1]!, 1, 1e-9, `step ${h}`);
    // SES follows a line with α near 1: the first step starts from the last point.
    close(f[0]!, 218 + 1, 1e-3, 'first step');
  });

  it('finds a multiplicative season and puts it back', () => {
    const series = Array.from({ length: 72 }, (_, t) => 500 * SEASON[t % 12]!);
    assert.equal(isSeasonal(series, 12), true);
    const idx = seasonalIndices(series, 12, true);
    idx.forEach((v, i) => close(v, SEASON[i]! / (SEASON.reduce((a, b) => a + b) / 12), 1e-9, `index ${i}`));
    const f = theta(series, 12, 12);
    f.forEach((v, h) => close(v, series[60 + h]!, 1e-6, `h ${h + 1}`));
  });

  it('tests for a season from just over two seasons on, as thetaf does', () => {
    // A spike every January: R's thetaf finds it seasonal from 25 months on (checked with R 4.2).
    const series = Array.from({ length: 36 }, (_, t) => (t % 12 === 0 ? 10 : 1) + 0.01 * ((t * 7) % 5));
    assert.equal(isSeasonal(series.slice(0, 24), 12), false);
    assert.equal(isSeasonal(series.slice(0, 25), 12), true);
  });

  it('rejects a series of one point', () => {
    assert.throws(() => theta([1], 12, 3), { name: 'RangeError', message: /at least two points, got 1/ });
  });
});

describe('comb (the M4 Comb benchmark)', () => {
  it('averages a flat SES, a straight Holt and a damped Holt on a line', () => {
    const line = Array.from({ length: 60 }, (_, t) => 100 + 2 * t);
    const f = comb(line, 12, 12);
    // SES: ≈ the last point (218); Holt: the line itself, 218 + 2h; damped: between the two.
    for (let h = 1; h <= 12; h++) {
      const v = f[h - 1]!;
      assert.ok(v > 218 && v < 218 + 2 * h, `h ${h}: ${v} should lie between 218 and ${218 + 2 * h}`);
      if (h > 1) assert.ok(v > f[h - 2]!, `h ${h}: the trend goes on`);
    }
    // More than a third of the line's rise: the damped trend adds to the linear one's third.
    assert.ok(f[11]! - 218 > (2 * 12) / 3, `h 12: ${f[11]}`);
  });

  it('puts a multiplicative season back on a flat series', () => {
    const series = Array.from({ length: 72 }, (_, t) => 500 * SEASON[t % 12]!);
    comb(series, 12, 12).forEach((v, h) => close(v, series[60 + h]!, 1e-6, `h ${h + 1}`));
  });

  it('rejects a series of two points', () => {
    assert.throws(() => comb([1, 2], 12, 3), { name: 'RangeError', message: /at least three points, got 2/ });
  });
});

describe('ETS estimated as R estimates it (ets-mle)', () => {
  it('forecasts a season on a straight line almost exactly', () => {
    const series = Array.from({ length: 96 }, (_, t) => 1000 + 5 * t + 100 * (SEASON[t % 12]! - 1));
    const f = etsMle(series, 12, 24);
    f.forEach((v, h) => close(v, 1000 + 5 * (96 + h) + 100 * (SEASON[(96 + h) % 12]! - 1), 0.01, `h ${h + 1}`));
  });

  it('follows a multiplicative season on an exponential trend (its logs)', () => {
    const series = Array.from({ length: 96 }, (_, t) => Math.exp(5 + 0.01 * t) * SEASON[t % 12]!);
    const f = etsMle(series, 12, 12);
    f.forEach((v, h) => close(v, Math.exp(5 + 0.01 * (96 + h)) * SEASON[(96 + h) % 12]!, 0.02, `h ${h + 1}`));
  });

  it('beats seasonal naive on air passengers, as the grid-searched ETS does', () => {
    const series = data('air-passengers');
    const train = series.slice(0, 132);
    const actual = series.slice(132);
    const rmse = (f: number[]) => Math.sqrt(f.reduce((s, v, i) => s + (v - actual[i]!) ** 2, 0) / f.length);
    assert.ok(rmse(etsMle(train, 12, 12)) < rmse(seasonalNaive(train, 12, 12)));
  });

  it('rejects a series of two seasons or fewer', () => {
    assert.throws(
      () =>
        etsMle(
          Array.from({ length: 24 }, (_, t) => t + 1),
          12,
          3,
        ),
      {
        name: 'RangeError',
        message: /more than two seasons \(24 points\), got 24/,
      },
    );
  });
});

describe('seasonal AR (arima)', () => {
  it('forecasts a season on an exponential trend exactly: the seasonal difference is constant', () => {
    const series = Array.from({ length: 96 }, (_, t) => Math.exp(5 + 0.01 * t) * SEASON[t % 12]!);
    const fit = fitSeasonalAr(series, 12);
    assert.equal(fit.log, true);
    const f = seasonalAr(series, 12, 24);
    f.forEach((v, h) => close(v, Math.exp(5 + 0.01 * (96 + h)) * SEASON[(96 + h) % 12]!, 1e-6, `h ${h + 1}`));
  });

  it('picks a seasonal MA term when the seasonal differences follow one, and forecasts with it', () => {
    // d(t) = e(t) − 0.8·e(t − 12): the seasonal differences of the airline model's seasonal part.
    const random = mulberry32(11);
    const e = Array.from({ length: 240 }, () => random() - 0.5);
    const series: number[] = [];
    for (let t = 0; t < 240; t++)
      series.push(t < 12 ? 10 * SEASON[t]! : series[t - 12]! + e[t]! - 0.8 * (t >= 24 ? e[t - 12]! : 0));
    const shifted = series.map((v) => v - 1000);
    const fit = fitSeasonalAr(shifted, 12);
    assert.ok(fit.order.Theta < 0, `Θ = ${fit.order.Theta}`);
    // A season ahead: last season's values less 0.8 of the errors then, which the fit estimates.
    const f = fit.forecast(12);
    const truth = f.map((_, h) => shifted[228 + h]! - 0.8 * e[228 + h]!);
    const off = Math.sqrt(f.reduce((s, v, h) => s + (v - truth[h]!) ** 2, 0) / 12);
    assert.ok(off < 0.12, `RMSE ${off} against the conditional mean`);
  });

  it('picks autoregressive terms when the seasonal differences follow an AR(1)', () => {
    const random = mulberry32(7);
    const d = [0];
    for (let t = 1; t < 240; t++) d.push(0.8 * d[t - 1]! + (random() - 0.5));
    const series: number[] = [];
    for (let t = 0; t < 240; t++) series.push(t < 12 ? 10 * SEASON[t]! : series[t - 12]! + d[t]!);
    const fit = fitSeasonalAr(
      series.map((v) => v - 1000),
      12,
    );
    assert.equal(fit.log, false);
    assert.ok(fit.order.p >= 1, `p = ${fit.order.p}`);
  });
});

describe('combination and the choice of method', () => {
  it('medianForecast takes the median per step (the mean of the middle two for an even count)', () => {
    assert.deepEqual(
      medianForecast([
        [1, 10],
        [3, 30],
        [2, 50],
      ]),
      [2, 30],
    );
    assert.deepEqual(
      medianForecast([
        [1, 10],
        [3, 30],
      ]),
      [2, 20],
    );
    assert.throws(() => medianForecast([]), { name: 'RangeError', message: /none/ });
    assert.throws(() => medianForecast([[1, 2], [3]]), {
      name: 'RangeError',
      message: /forecast 1 has 1 points, expected 2/,
    });
  });

  const score = (rmse: number): BacktestScore => ({ rmse, mase: rmse / 10, smape: 0, forecasts: [] });
  const all = (r: Partial<Record<ScoredMethod, number>>) =>
    Object.fromEntries(Object.entries(r).map(([m, v]) => [m, score(v)])) as Partial<
      Record<ScoredMethod, BacktestScore>
    >;
  const methods: ScoredMethod[] = ['ets', 'theta', 'arima', 'drift', 'seasonal-naive'];

  it('drops every method that did not beat seasonal naive (a tie loses) and says which and why', () => {
    const c = chooseMethods(methods, all({ ets: 8, theta: 12, arima: 9, drift: 10, 'seasonal-naive': 10 }));
    assert.equal(c.method, 'combination');
    assert.deepEqual(c.combined, ['ets', 'arima']);
    assert.match(
      c.reason,
      /median of the methods that beat seasonal naive on the backtest \(RMSE ets 8\.00, arima 9\.00 against 10\.00\)/,
    );
    assert.match(c.reason, /dropped for not beating seasonal naive's 10\.00: theta 12\.00, drift 10\.00/);
  });

  it('answers with the one method left, or seasonal naive when none beat it', () => {
    const one = chooseMethods(methods, all({ ets: 11, theta: 12, arima: 9, drift: 10, 'seasonal-naive': 10 }));
    assert.deepEqual([one.method, one.combined], ['arima', ['arima']]);
    assert.match(one.reason, /^the only method that beat seasonal naive/);
    const none = chooseMethods(methods, all({ ets: 11, theta: 12, arima: 13, drift: 10, 'seasonal-naive': 10 }));
    assert.deepEqual([none.method, none.combined], ['seasonal-naive', ['seasonal-naive']]);
    assert.match(none.reason, /no method beat seasonal naive on the backtest \(RMSE 10\.00; ets 11\.00/);
  });

  it('combines every method without a backtest, and says when a score is missing', () => {
    const c = chooseMethods(methods, null);
    assert.deepEqual([c.method, c.combined], ['combination', ['ets', 'theta', 'arima', 'drift']]);
    assert.throws(() => chooseMethods(methods, all({ ets: 1, 'seasonal-naive': 2 })), /no backtest score for theta/);
    assert.throws(() => chooseMethods(['seasonal-naive'], null), /at least one candidate besides seasonal-naive/);
  });
});

describe('bands', () => {
  it('widen each level by its own factor, and the leave-one-out coverage follows', () => {
    const f = [100, 100, 100];
    const sigma = [0.1, 0.1, 0.2];
    const normal = intervals(f, sigma, true);
    const wide = intervals(f, sigma, true, { p80: 1.05, p95: 1.3 });
    for (let h = 0; h < 3; h++) {
      close(Math.log(wide.upper80[h]! / 100), 1.05 * Math.log(normal.upper80[h]! / 100), 1e-12, 'p80');
      close(Math.log(wide.upper95[h]! / 100), 1.3 * Math.log(normal.upper95[h]! / 100), 1e-12, 'p95');
    }
    const actuals = [[100], [150], [100], [80]];
    const forecasts = [[110], [100], [95], [100]];
    const a = backtestCoverage(actuals, forecasts, false);
    const b = backtestCoverage(actuals, forecasts, false, { p80: 3, p95: 3 });
    assert.ok(b.p80! > a.p80!, `${a.p80} → ${b.p80}`);
  });
});

describe('forecast(), by default', () => {
  it('combines the classical methods that beat seasonal naive and leaves out one that did not', async () => {
    const before = tf.memory().numTensors;
    const series = data('nottingham-temperature');
    const r = await forecast(series);
    assert.equal(tf.memory().numTensors, before, 'no network, no tensor');
    const b = r.backtest!;
    assert.equal(b.origins.length, 24);
    assert.deepEqual(
      b.origins,
      Array.from({ length: 24 }, (_, i) => series.length - 12 - 23 + i),
    );
    assert.equal(b.network, undefined);
    assert.equal(r.networkWeight, null);
    const scores = { ets: b.ets, 'ets-mle': b.etsMle, theta: b.theta, arima: b.arima, drift: b.drift };
    const lost = Object.entries(scores).filter(([, s]) => s.rmse >= b.seasonalNaive.rmse);
    assert.ok(lost.length > 0, 'a method lost to seasonal naive on this series');
    assert.deepEqual(
      r.combined,
      Object.keys(scores).filter((m) => !lost.some(([l]) => l === m)),
    );
    assert.equal(r.method, 'combination');
    for (const [m] of lost) assert.match(r.reason, new RegExp(`dropped for not beating seasonal naive's .*${m}`));
    assert.deepEqual(r.forecast, medianForecast(r.combined.map((m) => r.forecasts[m]!)));
    // The answer's backtest is the median of the same methods at each origin.
    b.answer.forecasts.forEach((f, i) =>
      assert.deepEqual(
        f,
        medianForecast(r.combined.map((m) => (m === 'ets-mle' ? b.etsMle : b[m as 'ets']).forecasts[i]!)),
      ),
    );
    for (let h = 0; h < 12; h++) {
      assert.ok(r.lower95[h]! < r.lower80[h]! && r.lower80[h]! < r.forecast[h]!);
      assert.ok(r.forecast[h]! < r.upper80[h]! && r.upper80[h]! < r.upper95[h]!);
    }
  });

  it('trains the network when one of its options is given, unless network is false', async () => {
    const series = data('air-passengers').slice(0, 60);
    const asked = await forecast(series, { epochs: 1, seeds: 1, units: 2, origins: 0 });
    assert.ok(asked.forecasts.network && asked.networkWeight !== null);
    const refused = await forecast(series, { epochs: 1, network: false, origins: 0 });
    assert.equal(refused.forecasts.network, undefined);
    assert.equal(refused.networkWeight, null);
  });

  it('answers with seasonal naive where every method lost to it, and says so', async () => {
    // Australian wine sales up to 1991-02: every method's backtest lost to seasonal naive's.
    const series = data('australian-wine-sales').slice(0, 134);
    const r = await forecast(series);
    assert.equal(r.method, 'seasonal-naive');
    assert.deepEqual(r.combined, ['seasonal-naive']);
    assert.match(r.reason, /^no method beat seasonal naive on the backtest/);
    assert.deepEqual(r.forecast, seasonalNaive(series, 12, 12));
  });

  it('fits as many origins as the series allows, and none (with a warning) when it is too short', async () => {
    const quarterly = data('johnson-johnson-quarterly');
    const q = await forecast(quarterly.slice(0, 40), { season: 4 });
    // 40 points, horizon 12, two seasons and a point (9) before the first origin: 20 origins.
    assert.equal(q.backtest!.origins.length, 20);
    const short = await forecast(quarterly.slice(0, 20), { season: 4 });
    assert.equal(short.backtest, null);
    assert.match(short.warnings.join(' '), /too short for a backtest \(20 points\)/);
    assert.match(short.reason, /^no backtest/);
    assert.deepEqual(short.lower95, short.forecast);
  });
});

describe("the demo chart's legend", () => {
  it('names the methods a combination took the median of, or the one method', async () => {
    const { forecastLabel } = await import('../../widget/demo/sales-chart.js');
    assert.equal(
      forecastLabel('Pronóstico', { method: 'combination', combined: ['ets', 'theta', 'arima'] }),
      'Pronóstico: mediana de Holt-Winters (ETS), Theta, AR estacional',
    );
    assert.equal(
      forecastLabel('Pronóstico', { method: 'seasonal-naive', combined: ['seasonal-naive'] }),
      'Pronóstico: ingenuo estacional',
    );
    assert.equal(forecastLabel('Pronóstico'), 'Pronóstico');
  });
});

describe('the series of data/', () => {
  it('lists every file in data/README.md and in the benches, and every one parses', () => {
    const readme = readFileSync(new URL('../../data/README.md', import.meta.url), 'utf8');
    const known = new Set([...SERIES.map((x) => x.name), ...EXTRA_SERIES.map((x) => x.name), 'monthly-sales']);
    for (const dir of ['', 'extra/', 'gretl/']) {
      const files = readdirSync(new URL(`../../data/${dir}`, import.meta.url)).filter(
        (f) => f.endsWith('.csv') && f !== 'forecast-peer-r.csv',
      );
      assert.ok(files.length > 0, `data/${dir} has series`);
      for (const f of files) {
        const name = f.slice(0, -4);
        assert.ok(readme.includes(`\`${f}\``) || readme.includes(name), `data/README.md names data/${dir}${f}`);
        assert.ok(known.has(name), `bench/series.ts lists ${name}`);
      }
    }
    for (const x of SERIES) {
      const { values } = parseSeriesCsv(seriesText(x));
      // Both development protocols (6 origins 6 apart, 12 origins 3 apart; horizon 12) leave
      // forecast() a backtest: at least 96 monthly or 80 quarterly points.
      assert.ok(values.length >= (x.season === 12 ? 96 : 80), `${x.name}: ${values.length} points`);
    }
  });
});
