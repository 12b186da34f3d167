// @tier full: trains forecasters; `npm run test:quick` leaves it out.
/**
 * Time-series forecasting: the classical baselines on series with known answers, the scores,
 * rolling origins and intervals; the ES-RNN-style forecaster's backtest, 'auto' choice,
 * warnings, intervals, input errors, tensor hygiene, cancellation; the CSV reader and the CLI.
 * Run: node --import tsx --test test/unit/timeseries.test.ts
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../../src/node/node-backend.js';
import {
  correctionWeight,
  forecast,
  medianForecast,
  parseSeriesCsv,
  validationSplit,
  type BacktestScore,
  type ForecastOptions,
} from '../../src/timeseries/forecast.js';
import {
  backtestCoverage,
  errorSpread,
  fitHoltWinters,
  holtWinters,
  intervals,
  mase,
  rmse,
  rollingOrigins,
  scoreBacktest,
  seasonalNaive,
  seasonalNaiveDrift,
  smape,
} from '../../src/timeseries/baselines.js';
import { mulberry32 } from '../../src/data/windows.js';
import { MONTHLY_SALES } from '../../src/timeseries/monthly-sales.js';
import { forecastCommand } from '../../src/cli/forecast.js';

const LINE = Array.from({ length: 100 }, (_, i) => i);
const SALES = MONTHLY_SALES.map((m) => m.sales);
/** The network, small and fast: two origins, one seed, few epochs. */
const QUICK: ForecastOptions = { network: true, origins: 2, step: 6, seeds: 1, epochs: 3, units: 4 };

before(async () => {
  await initNodeBackend();
});

describe('classical baselines', () => {
  it('seasonal naive repeats the last season', () => {
    assert.deepEqual(seasonalNaive([1, 2, 3, 4, 5, 6], 3, 5), [4, 5, 6, 4, 5]);
    assert.deepEqual(seasonalNaive([1, 2, 3], 1, 2), [3, 3]);
    assert.throws(() => seasonalNaive([1, 2], 3, 1), {
      name: 'RangeError',
      message: /2 points, fewer than one season \(3\)/,
    });
  });

  it('seasonal naive with drift adds the average yearly growth once per season ahead', () => {
    // Three seasons of [1, 5, 2] growing by 10 a season: the drift is 10.
    const s = [1, 5, 2, 11, 15, 12, 21, 25, 22];
    assert.deepEqual(seasonalNaiveDrift(s, 3, 5), [31, 35, 32, 41, 45]);
    // Uneven growth: (last season's sum − first season's sum) / (n − season) = (60 − 3) / 6.
    const u = [1, 1, 1, 5, 5, 5, 20, 20, 20];
    assert.deepEqual(seasonalNaiveDrift(u, 3, 1), [20 + 57 / 6]);
    assert.deepEqual(seasonalNaiveDrift([4, 7], 2, 3), [4, 7, 4]);
  });

  it('Holt-Winters forecasts an exact multiplicative trend and season within 1 %', () => {
    const pattern = [0.8, 0.9, 1.1, 1.3, 1.2, 1.0, 0.9, 0.85, 1.0, 1.15, 1.05, 0.75];
    const x = (t: number) => 100 * 1.01 ** t * pattern[t % 12]!;
    const series = Array.from({ length: 96 }, (_, t) => x(t));
    const f = holtWinters(series, 12, 12);
    f.forEach((v, h) => assert.ok(Math.abs(v / x(96 + h) - 1) < 0.01, `step ${h + 1}: ${v} against ${x(96 + h)}`));
    // Seasonal naive misses the growth by about 12 %; drift is closer; ETS closest.
    const truth = f.map((_, h) => x(96 + h));
    assert.ok(rmse(truth, f) < rmse(truth, seasonalNaiveDrift(series, 12, 12)));
  });

  it('Holt-Winters chooses its trend by AICc: none on a level seasonal series, one on a growing series', () => {
    const random = mulberry32(3);
    const noise = () => (random() - 0.5) * 6;
    const season = (t: number) => 10 * Math.sin((2 * Math.PI * t) / 12);
    // Level with noise: a trend would only fit the noise; the fit has none (φ = 0) and its
    // forecast stays at the level.
    const level = Array.from({ length: 96 }, (_, t) => 200 + season(t) + noise());
    const flat = fitHoltWinters(level, 12);
    assert.equal(flat.phi, 0, `φ ${flat.phi}, β ${flat.beta}`);
    assert.deepEqual(
      flat.trend.filter((b) => b !== 0),
      [],
    );
    // The same noise on a steady climb: the fit keeps a trend (linear or damped).
    const climb = level.map((v, t) => v + 3 * t);
    const rising = fitHoltWinters(climb, 12);
    assert.ok(rising.phi >= 0.8, `φ ${rising.phi}`);
    const f = holtWinters(climb, 12, 12);
    assert.ok(f[11]! > climb.at(-1)! + 10, `${f[11]} should keep climbing from ${climb.at(-1)}`);
  });

  it('Holt-Winters fits the logs of a positive series only where they fit better by AICc', () => {
    const random = mulberry32(5);
    const noise = () => random() - 0.5;
    const swing = (t: number) => Math.sin((2 * Math.PI * t) / 12);
    // Exponential growth, a seasonal swing that grows with the level (±20 %, noise 2 %):
    // multiplicative, the logs.
    const growing = Array.from(
      { length: 120 },
      (_, t) => 100 * Math.exp(0.015 * t) * (1 + 0.2 * swing(t) + 0.04 * noise()),
    );
    assert.equal(fitHoltWinters(growing, 12).log, true);
    // The same climb with a swing of fixed size (±20, noise 4): additive, the series itself.
    const fixed = Array.from({ length: 120 }, (_, t) => 100 + 4 * t + 20 * swing(t) + 8 * noise());
    assert.equal(fitHoltWinters(fixed, 12).log, false);
  });

  it('Holt-Winters on a series too short for AICc keeps the form with the least one-step error', () => {
    // Season 4, 9 points: 5 one-step errors, fewer than any form's parameters + 1. A steady
    // climb: the least error has a trend (φ > 0); AICc's pick would be the first form, none.
    const climb = Array.from({ length: 9 }, (_, t) => 10 + 2 * t + [0, 3, 1, 4][t % 4]!);
    const fit = fitHoltWinters(climb, 4);
    assert.ok(fit.phi > 0, `φ ${fit.phi}, β ${fit.beta}`);
    assert.ok(holtWinters(climb, 4, 4).every((v, h) => Number.isFinite(v) && v > climb.at(-1)! - 5 + 2 * h));
  });

  it('Holt-Winters works additively on a series with negative values', () => {
    const x = (t: number) => -50 + 0.5 * t + 10 * Math.sin((2 * Math.PI * t) / 12);
    const series = Array.from({ length: 72 }, (_, t) => x(t));
    const f = holtWinters(series, 12, 6);
    f.forEach((v, h) => assert.ok(Math.abs(v - x(72 + h)) < 0.5, `step ${h + 1}: ${v} against ${x(72 + h)}`));
  });

  it('scores: RMSE, sMAPE and MASE with known answers', () => {
    assert.equal(rmse([1, 2, 3], [1, 2, 3]), 0);
    assert.equal(rmse([0, 0], [3, 4]), Math.sqrt(12.5));
    assert.throws(() => rmse([1], [1, 2]), RangeError);
    assert.throws(() => rmse([], []), RangeError);
    assert.equal(smape([100, 0], [50, 0]), (200 * 50) / 150 / 2);
    // In-sample seasonal differences (season 2) of [1, 2, 4, 6]: |4−1|, |6−2| → mean 3.5.
    assert.equal(mase([10, 10], [13, 6], [1, 2, 4, 6], 2), 3.5 / 3.5);
    assert.throws(() => mase([1], [1], [1, 2], 2), /history longer than one season/);
    assert.throws(() => mase([1], [1], [1, 2, 1, 2], 2), /repeats exactly/);
  });

  it('rolling origins end one horizon before the end and say when there is too little to train on', () => {
    assert.deepEqual(rollingOrigins(100, 12, 3, 6, 40), [76, 82, 88]);
    assert.throws(
      () => rollingOrigins(50, 12, 3, 6, 40),
      /leave 26 points to train on at the first origin, fewer than 40/,
    );
    const s = Array.from({ length: 10 }, (_, i) => i + 1);
    const b = scoreBacktest(
      s,
      [6, 8],
      [
        [7, 8],
        [9, 9],
      ],
      1,
    );
    assert.equal(b.rmse, Math.sqrt(1 / 4));
    assert.equal(b.mase, (0 + 0.5) / 2);
  });

  it('intervals widen with the horizon, nest, and cover about as promised', () => {
    const actuals = [
      [11, 12, 9],
      [11, 9, 13],
      [10, 11, 8],
    ];
    const forecasts = [
      [10, 11, 10],
      [10, 10, 10],
      [10, 10, 10],
    ];
    const sigma = errorSpread(actuals, forecasts, false);
    // 1.4826 × the median |error| per step: medians 1, 1 and 2.
    assert.deepEqual(sigma, [1.4826, 1.4826, 2 * 1.4826]);
    // Non-decreasing even when a later step's errors are smaller.
    assert.deepEqual(errorSpread([[12, 10]], [[10, 10]], false), [2 * 1.4826, 2 * 1.4826]);
    // One large error in the window (a break) does not widen the bands; an even count takes the middle two.
    const five = [[1], [-1], [1], [-1], [50]];
    assert.deepEqual(
      errorSpread(
        five,
        five.map(() => [0]),
        false,
      ),
      [1.4826],
    );
    assert.deepEqual(errorSpread([[1], [-3]], [[0], [0]], false), [2 * 1.4826]);
    assert.deepEqual(errorSpread([[Math.E]], [[1]], true), [1.4826]);
    const b = intervals([10, 10, 10], sigma, false);
    for (let h = 0; h < 3; h++) {
      assert.ok(
        b.lower95[h]! < b.lower80[h]! && b.lower80[h]! < 10 && 10 < b.upper80[h]! && b.upper80[h]! < b.upper95[h]!,
      );
      if (h > 0) assert.ok(b.upper95[h]! - b.lower95[h]! >= b.upper95[h - 1]! - b.lower95[h - 1]!);
    }
    const logB = intervals([100], [0.1], true);
    assert.ok(Math.abs(logB.upper95[0]! - 100 * Math.exp(1.959963984540054 * 0.1)) < 1e-9 && logB.lower95[0]! > 0);
    // Gaussian errors of spread 1 at 200 origins: leave-one-out coverage near 80 % and 95 %.
    const random = (() => {
      let a = 7;
      return () => ((a = (a * 16807) % 2147483647), a / 2147483647);
    })();
    const normal = () => Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
    const fs = Array.from({ length: 200 }, () => [0, 0]);
    const as = fs.map(() => [normal(), normal()]);
    const c = backtestCoverage(as, fs, false);
    assert.ok(Math.abs(c.p80! - 0.8) < 0.05 && Math.abs(c.p95! - 0.95) < 0.03, JSON.stringify(c));
    assert.deepEqual(backtestCoverage([[1]], [[1]], false), { p80: null, p95: null });
  });

  it('reads the synthetic series with peaks in spring and autumn', () => {
    const mean = (m: number) => SALES.filter((_, t) => t % 12 === m).reduce((a, b) => a + b) / 10;
    const byMonth = Array.from({ length: 12 }, (_, m) => mean(m));
    const peaks = byMonth.flatMap((v, m) => (v > byMonth[(m + 11) % 12]! && v > byMonth[(m + 1) % 12]! ? [m] : []));
    assert.deepEqual(peaks, [3, 9]); // April and October
  });
});

describe('forecast', () => {
  it('backtests every method on the same origins and returns intervals that widen', async () => {
    const progress: string[] = [];
    const r = await forecast(SALES, {
      ...QUICK,
      onProgress: (p) => progress.push(`${p.phase}${p.origin} ${p.stage}`),
    });
    assert.equal(r.forecast.length, 12);
    assert.ok(r.backtest);
    assert.deepEqual(r.backtest.origins, [102, 108]);
    for (const key of [
      'network',
      'blend',
      'seasonalNaive',
      'drift',
      'ets',
      'etsMle',
      'theta',
      'arima',
      'answer',
    ] as const) {
      const s: BacktestScore = r.backtest[key]!;
      assert.equal(s.forecasts.length, 2);
      assert.ok(Number.isFinite(s.mase) && Number.isFinite(s.smape) && Number.isFinite(s.rmse), key);
    }
    assert.equal(
      r.backtest.seasonalNaive.mase,
      scoreBacktest(
        SALES,
        [102, 108],
        [seasonalNaive(SALES.slice(0, 102), 12, 12), seasonalNaive(SALES.slice(0, 108), 12, 12)],
        12,
      ).mase,
    );
    // Each fit trains its network on the windows before the validation part (3 epochs), then,
    // when the validation gave its correction a weight, again on every window.
    for (const fit of ['backtest0', 'backtest1', 'final2']) {
      assert.equal(progress.filter((p) => p === `${fit} validate`).length, 3, fit);
      assert.ok([0, 3].includes(progress.filter((p) => p === `${fit} refit`).length), fit);
    }
    assert.equal(progress.filter((p) => !/ (validate|refit)$/.test(p)).length, 0);
    for (let h = 0; h < 12; h++) {
      assert.ok(r.lower95[h]! <= r.lower80[h]! && r.lower80[h]! <= r.forecast[h]!);
      assert.ok(r.forecast[h]! <= r.upper80[h]! && r.upper80[h]! <= r.upper95[h]!);
      if (h > 0) assert.ok(r.upper95[h]! / r.lower95[h]! >= r.upper95[h - 1]! / r.lower95[h - 1]! - 1e-12);
    }
    assert.ok(r.upper95[11]! > r.lower95[11]!);
    assert.ok(r.coverage.p80 !== null && r.coverage.p80 >= 0 && r.coverage.p80 <= 1);
    assert.equal(r.log, true);
  });

  it("'auto' drops every method that lost to seasonal naive on the backtest and combines the others", async () => {
    const r = await forecast(SALES, QUICK);
    const b = r.backtest!;
    const scores: Record<string, BacktestScore> = {
      ets: b.ets,
      'ets-mle': b.etsMle,
      theta: b.theta,
      arima: b.arima,
      drift: b.drift,
      network: b.network!,
      blend: b.blend!,
    };
    const kept = Object.keys(scores).filter((m) => scores[m]!.rmse < b.seasonalNaive.rmse);
    assert.deepEqual(r.combined, kept.length ? kept : ['seasonal-naive']);
    assert.equal(r.method, kept.length > 1 ? 'combination' : r.combined[0]);
    assert.deepEqual(r.forecast, medianForecast(r.combined.map((m) => r.forecasts[m]!)));
    for (const m of kept) assert.ok(r.reason.includes(m), r.reason);
    // One method by name: its own forecast, intervals from its own backtest errors.
    const e = await forecast(SALES, { ...QUICK, method: 'seasonal-naive' });
    assert.equal(e.method, 'seasonal-naive');
    assert.deepEqual(e.combined, ['seasonal-naive']);
    assert.match(e.reason, /'seasonal-naive' was asked for/);
    assert.deepEqual(e.forecast, SALES.slice(-12));
  });

  it('validates on the last windows, never on a fitting target, and weighs the correction by least squares', () => {
    for (const [windows, outputs] of [
      [100, 12],
      [100, 1],
      [40, 12],
      [30, 3],
    ] as const) {
      const { fit, check } = validationSplit(windows, outputs, 12);
      assert.ok(check < windows && fit >= 5, `${windows}, ${outputs}: ${fit}, ${check}`);
      // Window i's targets are points i+1 … i+outputs (in window units): the last fitting
      // window's targets end where the first validation window's start.
      assert.equal(fit - 1 + outputs, check, `${windows}, ${outputs}`);
    }
    assert.deepEqual(validationSplit(100, 12, 12), { fit: 77, check: 88 });
    assert.deepEqual(validationSplit(8, 1, 12), { fit: 8, check: 8 }, 'too few windows: all fit');
    const actual = [
      [1, -2],
      [0.5, 3],
    ];
    assert.equal(correctionWeight(actual, actual), 1);
    assert.equal(
      correctionWeight(
        actual.map((r) => r.map((v) => 2 * v)),
        actual,
      ),
      0.5,
    );
    assert.equal(
      correctionWeight(
        actual.map((r) => r.map((v) => -v)),
        actual,
      ),
      0,
      'a correction that points the wrong way is dropped',
    );
    assert.equal(correctionWeight([[0, 0]], [[1, 2]]), 0);
    // Least squares says 0.125, but the errors left dwarf it: not significant, dropped.
    assert.equal(correctionWeight([[1, 1, 1, 1]], [[2, -1.5, 1, -1]]), 0);
    const close = correctionWeight([[1, 2, 3, 4, 5, 6]], [[0.55, 0.95, 1.6, 1.9, 2.55, 2.95]]);
    assert.ok(close > 0.45 && close < 0.55, `${close}`);
    // One window of 9 steps: least squares 0.46 with t 5.6 over its points, but the points of one
    // window are one observation: t per window 1.9 < 2, dropped.
    assert.equal(correctionWeight([[1, 2, 3, 4, 5, 6, 7, 8, 9]], [[1, 0.5, 3.5, 1, 4, 2, 5, 2.5, 3]]), 0);
    // Three windows, least squares 0.467, t per window 3.6: kept, shrunk by 1 − (2 / 3.6)² to 0.326.
    const shrunk = correctionWeight(
      [
        [1, 2, 3, 4],
        [4, 3, 2, 1],
        [1, -1, 1, -1],
      ],
      [
        [0.9, 0.7, 1.9, 1.6],
        [1.3, 2.2, 0.4, 1.1],
        [0.2, -0.9, 0.8, 0.1],
      ],
    );
    assert.ok(Math.abs(shrunk - 0.326) < 0.001, `${shrunk}`);
    assert.equal(correctionWeight([], []), 1, 'nothing to validate on: the correction as trained');
  });

  it('forecasts directly or recursively, both finite and near the last year', async () => {
    const d = await forecast(SALES, { ...QUICK, origins: 0, method: 'network' });
    const r = await forecast(SALES, { ...QUICK, origins: 0, method: 'network', strategy: 'recursive' });
    assert.equal(r.strategy, 'recursive');
    assert.equal(d.backtest, null);
    for (const x of [d, r]) assert.ok(x.networkWeight! >= 0 && x.networkWeight! <= 1, `${x.networkWeight}`);
    assert.notDeepEqual(d.forecast, r.forecast);
    const lastYear = SALES.slice(-12);
    for (const v of [...d.forecast, ...r.forecast])
      assert.ok(v > Math.min(...lastYear) * 0.8 && v < Math.max(...lastYear) * 1.3, `forecast ${v} out of range`);
    // Without a backtest there is nothing to widen the bounds with.
    assert.deepEqual(d.lower95, d.forecast);
  });

  it('is reproducible with a seed, and seeds change it', async () => {
    // 40 points leave too few windows to validate on: the correction is added in full, so the
    // forecast is the networks' (with a validation weight of 0 it would be Holt-Winters' alone).
    const o = { ...QUICK, origins: 0, method: 'network' as const };
    const a = await forecast(SALES.slice(0, 40), o);
    const b = await forecast(SALES.slice(0, 40), o);
    const c = await forecast(SALES.slice(0, 40), { ...o, seed: 9 });
    assert.equal(a.networkWeight, 1);
    assert.deepEqual(a.forecast, b.forecast);
    assert.notDeepEqual(a.forecast, c.forecast);
  });

  it('warns when the window is shorter than the season, and models non-positive series without logs', async () => {
    const r = await forecast(SALES.slice(0, 60), { ...QUICK, origins: 0, window: 6 });
    assert.match(r.warnings[0]!, /window \(6\) is shorter than the season \(12\)/);
    const shifted = await forecast(
      SALES.slice(0, 60).map((v) => v - 20000),
      { ...QUICK, origins: 0 },
    );
    assert.equal(shifted.log, false);
    assert.ok(shifted.warnings.some((w) => /values ≤ 0/.test(w)));
  });

  it('leaves the tensor count unchanged', async () => {
    const before = tf.memory().numTensors;
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      await forecast(SALES.slice(0, 50), { ...QUICK, origins: 0, cell, epochs: 1 });
    }
    await forecast(SALES.slice(0, 50), { ...QUICK, origins: 0, epochs: 1, strategy: 'recursive' });
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects with an AbortError when the signal aborts, and disposes everything', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    await assert.rejects(
      forecast(SALES, {
        ...QUICK,
        epochs: 50,
        signal: controller.signal,
        onProgress: (p) => p.epoch === 2 && controller.abort(),
      }),
      (e: Error) => e.name === 'AbortError',
    );
    assert.equal(tf.memory().numTensors, before);
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(forecast(SALES, { signal: aborted.signal }), { name: 'AbortError' });
    await assert.rejects(forecast(SALES, { network: true, signal: aborted.signal }), { name: 'AbortError' });
    // Aborting from outside while fit runs (between batches).
    const later = new AbortController();
    setTimeout(() => later.abort(), 50);
    await assert.rejects(forecast(SALES, { ...QUICK, epochs: 1000, signal: later.signal }), { name: 'AbortError' });
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects bad series and options, naming the index or field', async () => {
    await assert.rejects(forecast([1, 2, NaN, 4], { window: 1, horizon: 1 }), {
      name: 'RangeError',
      message: /series\[2\].*finite.*NaN/,
    });
    await assert.rejects(forecast([1, Infinity], { window: 1, horizon: 1 }), {
      name: 'RangeError',
      message: /series\[1\].*Infinity/,
    });
    await assert.rejects(forecast([1, '2' as unknown as number]), {
      name: 'TypeError',
      message: /series\[1\] must be a number, got the string "2"/,
    });
    await assert.rejects(forecast('1,2,3' as unknown as number[]), {
      name: 'TypeError',
      message: /series must be an array/,
    });
    await assert.rejects(forecast(LINE.slice(0, 36), { network: true }), {
      name: 'RangeError',
      message: /36 points.*need at least 37/,
    });
    await assert.rejects(forecast(LINE.slice(0, 24)), { name: 'RangeError', message: /24 points.*need at least 25/ });
    await assert.rejects(forecast(LINE.slice(0, 50), { network: true, origins: 4 }), {
      name: 'RangeError',
      message: /4 origins 6 apart with horizon 12 leave 20 points to train on/,
    });
    await assert.rejects(forecast(LINE.slice(0, 50), { origins: 20 }), {
      name: 'RangeError',
      message: /20 origins 1 apart with horizon 12 leave 19 points to train on/,
    });
    await assert.rejects(forecast(LINE, { network: 'yes' as unknown as boolean }), {
      name: 'TypeError',
      message: /network must be true or false, got the string "yes"/,
    });
    await assert.rejects(forecast(LINE, { window: 0 }), { name: 'RangeError', message: /window must be an integer/ });
    await assert.rejects(forecast(LINE, { horizon: 1.5 }), { name: 'RangeError', message: /horizon .*1\.5/ });
    await assert.rejects(forecast(LINE, { cell: 'cnn' as 'lstm' }), {
      name: 'RangeError',
      message: /cell must be one of "rnn", "lstm", "gru", got the string "cnn"/,
    });
    await assert.rejects(forecast(LINE, { strategy: 'both' as 'direct' }), {
      name: 'RangeError',
      message: /strategy must be one of "direct", "recursive"/,
    });
    await assert.rejects(forecast(LINE, { method: 'sarima' as 'auto' }), {
      name: 'RangeError',
      message: /method must be one of "auto".*"arima".*got the string "sarima"/,
    });
    await assert.rejects(forecast(LINE, { epochs: -1 }), { name: 'RangeError', message: /epochs/ });
    await assert.rejects(forecast(LINE, { seeds: 0 }), { name: 'RangeError', message: /seeds/ });
    await assert.rejects(forecast(LINE, { learningRate: 0 }), { name: 'RangeError', message: /learningRate/ });
    await assert.rejects(forecast(LINE, { origins: -2 }), { name: 'RangeError', message: /origins/ });
    await assert.rejects(forecast(LINE, { season: 0 }), { name: 'RangeError', message: /season/ });
    await assert.rejects(forecast(LINE, { signal: 'x' as unknown as AbortSignal }), {
      name: 'TypeError',
      message: /signal/,
    });
  });
});

describe('parseSeriesCsv', () => {
  it('reads the last numeric column, or the named one', () => {
    const csv = 'month,sales,region\n2020-01,10,north\n2020-02," 11.5 ",south\r\n2020-03,1e1,east\n\n';
    assert.deepEqual(parseSeriesCsv(csv), { values: [10, 11.5, 10], column: 'sales' });
    assert.deepEqual(parseSeriesCsv('a,b\n1,2\n3,4'), { values: [2, 4], column: 'b' });
    assert.deepEqual(parseSeriesCsv('a,b\n1,2\n3,4', 'a'), { values: [1, 3], column: 'a' });
  });
  it('reads the bundled data file, equal to MONTHLY_SALES', () => {
    const text = readFileSync(new URL('../../data/monthly-sales.csv', import.meta.url), 'utf8');
    assert.deepEqual(parseSeriesCsv(text), { values: SALES, column: 'sales' });
    assert.equal(MONTHLY_SALES.length, 120);
    assert.equal(MONTHLY_SALES[0]!.month, '2015-01');
    assert.equal(MONTHLY_SALES[119]!.month, '2024-12');
  });
  it("reads the lecture's Quebec car sales: 108 months, seasonal naive RMSE 2,291 on the last year", () => {
    const text = readFileSync(new URL('../../data/quebec-car-sales.csv', import.meta.url), 'utf8');
    const { values, column } = parseSeriesCsv(text);
    assert.equal(column, 'sales');
    assert.equal(values.length, 108);
    assert.deepEqual([values[0], values[107]], [6550, 14577]);
    assert.equal(Math.round(rmse(values.slice(96), seasonalNaive(values.slice(0, 96), 12, 12))), 2291);
  });
  it('names the row and the column of a bad cell', () => {
    assert.throws(() => parseSeriesCsv('m,v\na,1\nb,x2\n', 'v'), {
      name: 'TypeError',
      message: /row 3, column "v": expected a number, got the string "x2"/,
    });
    assert.throws(() => parseSeriesCsv('m,v\na,1\nb,2\nc,NaN', 'v'), {
      name: 'RangeError',
      message: /row 4, column "v": expected a finite number, got NaN/,
    });
    assert.throws(() => parseSeriesCsv('m,v\na,Infinity\n', 'v'), {
      name: 'RangeError',
      message: /row 2, column "v".*Infinity/,
    });
    assert.throws(() => parseSeriesCsv('m,v\na,1\nb,\nc,3', 'v'), { message: /row 3, column "v": the cell is empty/ });
    assert.throws(() => parseSeriesCsv('m,v\na,1\nb\n', 'v'), { message: /row 3, column "v": the cell is empty/ });
  });
  it('says when the column is missing or empty', () => {
    assert.throws(() => parseSeriesCsv('m,v\na,1\n', 'sales'), {
      message: /column "sales" is missing: the header has "m", "v"/,
    });
    assert.throws(() => parseSeriesCsv('m,v\n', 'v'), { message: /column "v" is empty/ });
    assert.throws(() => parseSeriesCsv('m,v\n'), { message: /column "v" is empty/ });
    assert.throws(() => parseSeriesCsv(''), { message: /empty/ });
    assert.throws(() => parseSeriesCsv('m,v\na,b\n'), { message: /no numeric column/ });
  });
});

describe('rnn-predict forecast (CLI)', () => {
  it('prints one JSON object with --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-forecast-'));
    try {
      const file = join(dir, 'series.csv');
      writeFileSync(
        file,
        'month,value\n' +
          SALES.slice(0, 60)
            .map((v, i) => `${i},${v}`)
            .join('\n') +
          '\n',
      );
      const lines: string[] = [];
      const code = await forecastCommand(
        [
          'forecast',
          '--csv',
          file,
          '--window',
          '6',
          '--horizon',
          '5',
          '--epochs',
          '2',
          '--seeds',
          '1',
          '--origins',
          '2',
          '--network',
          '--json',
        ],
        {
          log: (s) => lines.push(s),
        },
      );
      assert.equal(code, 0);
      assert.equal(lines.length, 1);
      const json = JSON.parse(lines[0]!);
      assert.equal(json.forecast.length, 5);
      assert.ok(json.forecast.every((v: unknown) => typeof v === 'number' && Number.isFinite(v)));
      for (const key of ['lower80', 'upper80', 'lower95', 'upper95']) assert.equal(json[key].length, 5, key);
      for (const key of ['network', 'seasonalNaive', 'drift', 'ets', 'theta', 'arima', 'answer'])
        assert.equal(typeof json.backtest[key].mase, 'number', key);
      assert.ok(
        ['combination', 'network', 'blend', 'ets', 'ets-mle', 'theta', 'arima', 'drift', 'seasonal-naive'].includes(
          json.method,
        ),
      );
      assert.ok(json.combined.length >= 1 && typeof json.reason === 'string');
      assert.equal(json.column, 'value');
      assert.match(json.warnings[0], /shorter than the season/);

      const table: string[] = [];
      assert.equal(
        await forecastCommand(
          [
            '--csv',
            file,
            '--horizon',
            '2',
            '--epochs',
            '1',
            '--seeds',
            '1',
            '--cell',
            'rnn',
            '--backtest',
            '--strategy',
            'recursive',
            '--network',
          ],
          { log: (s) => table.push(s) },
        ),
        0,
      );
      // The network's share is said in words that fit it: never "adds 0 %".
      assert.match(table[0]!, /: it adds [1-9]\d* % of its correction|: its correction did not hold/);
      assert.match(table[1]!, /^Why: /);
      assert.match(table.join('\n'), /method +MASE +sMAPE %/);
      assert.match(table.join('\n'), /seasonal naive +\d\.\d{3}/);
      assert.match(table.join('\n'), /step {2}forecast +80 % +95 %\n {2}\+1 +\d+ +\d+–\d+ +\d+–\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('throws one-line errors on bad input, prints help', async () => {
    const log = () => {};
    await assert.rejects(forecastCommand([], { log }), /--csv FILE is required/);
    await assert.rejects(
      forecastCommand(['--csv', '/nonexistent/x.csv'], { log }),
      /cannot read \/nonexistent\/x\.csv/,
    );
    await assert.rejects(
      forecastCommand(['--csv', 'x.csv', '--window', 'ten'], { log }),
      /--window expects a whole number \(0 or more\), got "ten"/,
    );
    await assert.rejects(
      forecastCommand(['--csv', 'x.csv', '--horizon', '-1'], { log }),
      /^Error: --horizon expects a whole number \(0 or more\), got "-1"$/,
    );
    await assert.rejects(
      forecastCommand(['--csv', 'x.csv', '--cell', 'cnn'], { log }),
      /--cell expects rnn, lstm, gru, got "cnn"/,
    );
    await assert.rejects(
      forecastCommand(['--csv', 'x.csv', '--method', 'best'], { log }),
      /--method expects auto, ets, ets-mle, theta, arima, drift, seasonal-naive, network, blend, got "best"/,
    );
    await assert.rejects(forecastCommand(['--bogus'], { log }), /unknown option --bogus/);
    const help: string[] = [];
    assert.equal(await forecastCommand(['--help'], { log: (s) => help.push(s) }), 0);
    assert.match(help[0]!, /Usage: rnn-predict forecast --csv FILE/);
  });
});
