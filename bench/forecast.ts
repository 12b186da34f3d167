/**
 * `npm run bench:forecast`: the rolling-origin backtest of every series in data/ (horizon 12),
 * the network (direct and, with --recursive, recursive) beside seasonal naive, seasonal naive
 * with drift and Holt-Winters, on the same origins: MASE, sMAPE and RMSE per series, the
 * average MASE relative to seasonal naive, what 'auto' returns, and the intervals' coverage.
 * `--write-sales` rewrites data/monthly-sales.csv from its formula and exits.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { initNodeBackend } from '../src/node/node-backend.js';
import { forecast, parseSeriesCsv, type ForecastOptions, type ForecastResult } from '../src/timeseries/forecast.js';
import { MONTHLY_SALES } from '../src/timeseries/monthly-sales.js';
import { args } from './common.js';

const HELP = `Usage: npm run bench:forecast -- [--series a,b] [--recursive | --strategy direct|recursive|both] [--origins N] [--step N] [--seeds N] [--seed N] [--epochs N] [--cell C] [--json]`;

export const SERIES = [
  'quebec-car-sales',
  'air-passengers',
  'uk-driver-deaths',
  'nottingham-temperature',
  'australian-wine-sales',
  'monthly-sales',
] as const;

const a = args(
  {
    series: { type: 'string' },
    recursive: { type: 'boolean' },
    strategy: { type: 'string' },
    origins: { type: 'string' },
    step: { type: 'string' },
    seeds: { type: 'string' },
    seed: { type: 'string' },
    epochs: { type: 'string' },
    units: { type: 'string' },
    window: { type: 'string' },
    cell: { type: 'string' },
    json: { type: 'boolean' },
    'write-sales': { type: 'boolean' },
  },
  HELP,
);

if (a['write-sales']) {
  const rows = MONTHLY_SALES.map((m) => `${m.month},${m.sales}`);
  writeFileSync(new URL('../data/monthly-sales.csv', import.meta.url), `month,sales\n${rows.join('\n')}\n`);
  process.exit(0);
}

const num = (k: string) => (typeof a[k] === 'string' ? Number(a[k]) : undefined);
const base: ForecastOptions = {
  origins: num('origins'),
  step: num('step'),
  seeds: num('seeds'),
  seed: num('seed'),
  epochs: num('epochs'),
  units: num('units'),
  window: num('window'),
  cell: a.cell as ForecastOptions['cell'],
};
const names = typeof a.series === 'string' ? a.series.split(',') : [...SERIES];
const strategy = a.recursive ? 'both' : ((a.strategy as string | undefined) ?? 'direct');
if (!['direct', 'recursive', 'both'].includes(strategy)) {
  console.error(`--strategy must be direct, recursive or both, got "${strategy}"\n${HELP}`);
  process.exit(2);
}
const strategies = strategy === 'both' ? (['direct', 'recursive'] as const) : [strategy as 'direct' | 'recursive'];

const backend = await initNodeBackend();
const rows: Record<string, unknown>[] = [];
const f3 = (v: number) => v.toFixed(3);
console.error(`backend ${backend.backend}; options ${JSON.stringify(base)}`);
for (const name of names) {
  const { values } = parseSeriesCsv(readFileSync(new URL(`../data/${name}.csv`, import.meta.url), 'utf8'));
  for (const strategy of strategies) {
    const started = Date.now();
    const r: ForecastResult = await forecast(values, { ...base, strategy });
    const b = r.backtest!;
    const row = {
      series: name,
      strategy,
      points: values.length,
      origins: b.origins.length,
      network: b.network.mase,
      blend: b.blend.mase,
      seasonalNaive: b.seasonalNaive.mase,
      drift: b.drift.mase,
      ets: b.ets.mase,
      networkSmape: b.network.smape,
      etsSmape: b.ets.smape,
      networkRmse: b.network.rmse,
      seasonalNaiveRmse: b.seasonalNaive.rmse,
      auto: r.method,
      coverage80: r.coverage.p80,
      coverage95: r.coverage.p95,
      seconds: (Date.now() - started) / 1000,
    };
    rows.push(row);
    console.error(
      `${name} ${strategy}: MASE network ${f3(row.network)} blend ${f3(row.blend)} | snaive ${f3(row.seasonalNaive)} drift ${f3(row.drift)} ets ${f3(row.ets)} | auto ${r.method} | cover80 ${row.coverage80} cover95 ${row.coverage95} | ${row.seconds}s`,
    );
  }
}
if (a.json) console.log(JSON.stringify(rows));
else {
  console.log('| series | strategy | network | blend | seasonal naive | drift | ETS | auto | 80 % | 95 % |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const pct = (v: unknown) => (typeof v === 'number' ? `${(100 * v).toFixed(0)} %` : 'n/a');
  for (const r of rows) {
    const v = r as Record<string, number | string>;
    const best = Math.min(v.seasonalNaive as number, v.drift as number, v.ets as number);
    const mark = (x: number) => (x <= best ? `**${f3(x)}**` : f3(x));
    console.log(
      `| ${v.series} | ${v.strategy} | ${mark(v.network as number)} | ${mark(v.blend as number)} | ${f3(v.seasonalNaive as number)} | ${f3(v.drift as number)} | ${f3(v.ets as number)} | ${v.auto} | ${pct(v.coverage80)} | ${pct(v.coverage95)} |`,
    );
  }
  for (const strategy of strategies) {
    const mine = rows.filter((r) => r.strategy === strategy && r.series !== 'monthly-sales');
    const ratio = (k: string) =>
      mine.reduce((s, r) => s + (r[k] as number) / (r.seasonalNaive as number), 0) / Math.max(1, mine.length);
    const covered = (k: string) =>
      `${((100 * mine.reduce((x, r) => x + (r[k] as number), 0)) / Math.max(1, mine.length)).toFixed(1)} %`;
    console.log(
      `\n${strategy}, real series: MASE relative to seasonal naive, mean — network ${f3(ratio('network'))}, blend ${f3(ratio('blend'))}, drift ${f3(ratio('drift'))}, ETS ${f3(ratio('ets'))}; backtest points inside the bounds of the returned method (every series has the same number) — 80 %: ${covered('coverage80')}, 95 %: ${covered('coverage95')}`,
    );
  }
}
