/**
 * Time-series forecasting: accuracy on a line and on the sample sales series, the baseline,
 * warnings, input errors, tensor hygiene, cancellation and the CLI.
 * Run: node --import tsx --test test/unit/timeseries.test.ts
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../../src/node/node-backend.js';
import { forecast, parseSeriesCsv, rmse, seasonalNaive } from '../../src/timeseries/forecast.js';
import { MONTHLY_SALES } from '../../src/timeseries/monthly-sales.js';
import { forecastCommand } from '../../src/node/forecast-cli.js';

const LINE = Array.from({ length: 100 }, (_, i) => i);
const SALES = MONTHLY_SALES.map((m) => m.sales);

before(async () => {
  await initNodeBackend();
});

describe('forecast', () => {
  it('predicts the next value of 0 … 99 within 1 %', async () => {
    const r = await forecast(LINE, { window: 5, horizon: 1, season: 1, epochs: 60, seed: 1 });
    assert.equal(r.forecast.length, 1);
    assert.ok(Math.abs(r.forecast[0]! - 100) < 1, `forecast ${r.forecast[0]} is not within 1 % of 100`);
    assert.equal(r.tailForecast.length, 1);
    assert.ok(Math.abs(r.tailForecast[0]! - 99) < 1.5, `tail forecast ${r.tailForecast[0]}`);
    assert.deepEqual(r.scaling, { method: 'minmax', min: 0, max: 98, range: [-1, 1] });
    assert.deepEqual(r.warnings, []);
  });

  it('beats the seasonal-naive baseline on the monthly sales with an LSTM', async () => {
    const progress: number[] = [];
    const r = await forecast(SALES, { cell: 'lstm', epochs: 60, seed: 1, onProgress: (p) => progress.push(p.epoch) });
    assert.equal(r.cell, 'lstm');
    assert.equal(r.forecast.length, 12);
    assert.equal(r.tailForecast.length, 12);
    assert.ok(r.rmse !== null && r.baselineRmse !== null);
    assert.ok(r.rmse < r.baselineRmse, `LSTM RMSE ${r.rmse} should beat seasonal naive ${r.baselineRmse}`);
    assert.equal(r.baselineRmse, rmse(SALES.slice(-12), SALES.slice(-24, -12)));
    assert.equal(progress.length, 60 + r.refitEpochs);
    // In the series' own units: the next year lies around the last year's level.
    const lastYear = SALES.slice(-12);
    for (const v of r.forecast)
      assert.ok(v > Math.min(...lastYear) * 0.8 && v < Math.max(...lastYear) * 1.3, `forecast ${v} out of range`);
  });

  it('is reproducible with a seed', async () => {
    const o = { window: 4, horizon: 3, cell: 'rnn' as const, epochs: 5, seed: 7, season: 4 };
    const a = await forecast(LINE.slice(0, 40), o);
    const b = await forecast(LINE.slice(0, 40), o);
    assert.deepEqual(a.forecast, b.forecast);
    assert.deepEqual(a.tailForecast, b.tailForecast);
  });

  it('warns when the window is shorter than the season', async () => {
    const r = await forecast(SALES.slice(0, 48), { window: 6, horizon: 3, cell: 'gru', epochs: 2 });
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /window \(6\) is shorter than the season \(12\)/);
  });

  it('leaves the tensor count unchanged', async () => {
    const before = tf.memory().numTensors;
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      await forecast(LINE.slice(0, 30), { window: 4, horizon: 2, cell, epochs: 2, season: 4 });
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects with an AbortError when the signal aborts, and disposes everything', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    await assert.rejects(
      forecast(SALES, {
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
    // Aborting from outside while fit runs (between batches).
    const later = new AbortController();
    setTimeout(() => later.abort(), 50);
    await assert.rejects(forecast(SALES, { epochs: 1000, signal: later.signal }), { name: 'AbortError' });
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
    await assert.rejects(forecast(LINE.slice(0, 35)), { name: 'RangeError', message: /35 points.*needs at least 36/ });
    await assert.rejects(forecast(LINE.slice(0, 7), { window: 5, horizon: 3, holdout: 0 }), {
      name: 'RangeError',
      message: /7 points.*needs at least 8/,
    });
    await assert.rejects(forecast(LINE, { window: 0 }), { name: 'RangeError', message: /window must be an integer/ });
    await assert.rejects(forecast(LINE, { horizon: 1.5 }), { name: 'RangeError', message: /horizon .*1\.5/ });
    await assert.rejects(forecast(LINE, { cell: 'cnn' as 'lstm' }), {
      name: 'RangeError',
      message: /cell must be 'rnn', 'lstm' or 'gru', got the string "cnn"/,
    });
    await assert.rejects(forecast(LINE, { epochs: -1 }), { name: 'RangeError', message: /epochs/ });
    await assert.rejects(forecast(LINE, { learningRate: 0 }), { name: 'RangeError', message: /learningRate/ });
    await assert.rejects(forecast(LINE, { holdout: -2 }), { name: 'RangeError', message: /holdout/ });
    await assert.rejects(forecast(LINE, { season: 0 }), { name: 'RangeError', message: /season/ });
    await assert.rejects(forecast(LINE, { signal: 'x' as unknown as AbortSignal }), {
      name: 'TypeError',
      message: /signal/,
    });
  });
});

describe('seasonalNaive and rmse', () => {
  it('repeats the last season', () => {
    assert.deepEqual(seasonalNaive([1, 2, 3, 4, 5, 6], 3, 5), [4, 5, 6, 4, 5]);
    assert.deepEqual(seasonalNaive([1, 2, 3], 1, 2), [3, 3]);
    assert.throws(() => seasonalNaive([1, 2], 3, 1), RangeError);
  });
  it('computes the root mean squared error', () => {
    assert.equal(rmse([1, 2, 3], [1, 2, 3]), 0);
    assert.equal(rmse([0, 0], [3, 4]), Math.sqrt(12.5));
    assert.throws(() => rmse([1], [1, 2]), RangeError);
    assert.throws(() => rmse([], []), RangeError);
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
        'day,value\n' +
          LINE.slice(0, 40)
            .map((v, i) => `${i},${v * 2 + 1}`)
            .join('\n') +
          '\n',
      );
      const lines: string[] = [];
      const code = await forecastCommand(
        ['forecast', '--csv', file, '--window', '4', '--horizon', '5', '--cell', 'gru', '--epochs', '3', '--json'],
        {
          log: (s) => lines.push(s),
        },
      );
      assert.equal(code, 0);
      assert.equal(lines.length, 1);
      const json = JSON.parse(lines[0]!);
      assert.equal(json.forecast.length, 5);
      assert.ok(json.forecast.every((v: unknown) => typeof v === 'number' && Number.isFinite(v)));
      assert.equal(typeof json.rmse, 'number');
      assert.equal(typeof json.baselineRmse, 'number');
      assert.equal(json.scaling.method, 'minmax');
      assert.equal(json.column, 'value');
      assert.match(json.warnings[0], /shorter than the season/);

      const table: string[] = [];
      assert.equal(
        await forecastCommand(['--csv', file, '--window', '4', '--horizon', '2', '--epochs', '1', '--cell', 'rnn'], {
          log: (s) => table.push(s),
        }),
        0,
      );
      assert.match(table.join('\n'), /step {2}forecast\n {2}\+1 {2}-?\d/);
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
      /--window expects a whole number, got "ten"/,
    );
    await assert.rejects(
      forecastCommand(['--csv', 'x.csv', '--cell', 'cnn'], { log }),
      /--cell expects lstm, gru or rnn/,
    );
    await assert.rejects(forecastCommand(['--bogus'], { log }), /unknown option --bogus/);
    const help: string[] = [];
    assert.equal(await forecastCommand(['--help'], { log: (s) => help.push(s) }), 0);
    assert.match(help[0]!, /Usage: rnn-predict forecast --csv FILE/);
  });
});
