/**
 * `rnn-predict forecast`: backtests and forecasts one column of a CSV and prints the forecast
 * with its intervals, as JSON (`--json`) or a short table (`--backtest` adds the scores). Bad
 * input throws an Error with a one-line message; the caller prints it and exits 1.
 */
import { readFileSync } from 'node:fs';
import { initNodeBackend } from '../node/node-backend.js';
import {
  forecast,
  parseSeriesCsv,
  FORECAST_DEFAULTS,
  METHODS,
  STRATEGIES,
  type BacktestScore,
  type ForecastOptions,
  type ForecastResult,
} from '../timeseries/forecast.js';
import { CELL_TYPES } from '../inference/model/model-config.js';
import { defineOptions, parseOptions, usage } from './options.js';

/** forecast's own words for a count: any whole number; forecast() checks the range. */
const whole = (raw: string, flag: string): number => {
  if (!/^\d+$/.test(raw)) throw new Error(`${flag} expects a whole number (0 or more), got "${raw}"`);
  return Number(raw);
};
/** forecast's own words for a choice. */
const oneOf =
  <T extends string>(allowed: readonly T[]) =>
  (raw: string, flag: string): T => {
    if (!(allowed as readonly string[]).includes(raw))
      throw new Error(`${flag} expects ${allowed.join(', ')}, got "${raw}"`);
    return raw as T;
  };
const count = (help: string, shown?: number | string) =>
  ({ type: 'integer', limits: [0], check: whole, help, ...(shown !== undefined ? { shown } : {}) }) as const;

/** The options; their defaults are forecast()'s (FORECAST_DEFAULTS), applied there. */
export const FORECAST_OPTIONS = defineOptions({
  csv: { type: 'string', value: 'FILE', help: 'the CSV to read (required)' },
  column: { type: 'string', value: 'NAME', help: 'the column to forecast (default: the last numeric column)' },
  horizon: count('points to forecast', FORECAST_DEFAULTS.horizon),
  network: { type: 'boolean', help: 'train the recurrent network too and score it and its blend with ETS' },
  window: count('(network) past points read per prediction', FORECAST_DEFAULTS.window),
  cell: {
    type: 'choice',
    choices: CELL_TYPES,
    check: oneOf(CELL_TYPES),
    shown: FORECAST_DEFAULTS.cell,
    help: '(network) {choices}',
  },
  epochs: count('(network) training epochs per network', FORECAST_DEFAULTS.epochs),
  units: count('(network) hidden units', FORECAST_DEFAULTS.units),
  seeds: count('(network) networks averaged', FORECAST_DEFAULTS.seeds),
  strategy: {
    type: 'choice',
    value: 'S',
    choices: STRATEGIES,
    check: oneOf(STRATEGIES),
    shown: FORECAST_DEFAULTS.strategy,
    help: '(network) {choices} multi-step',
  },
  method: {
    type: 'choice',
    value: 'M',
    choices: METHODS,
    check: oneOf(METHODS),
    shown: FORECAST_DEFAULTS.method,
    help: '{choices} (default {default}: the median of the methods that beat seasonal naive on the backtest)',
  },
  origins: count('backtest origins (default: as many as fit, up to 24, or 4 with --network; 0 skips the backtest)'),
  step: count('points between origins (default 1, or 6 with --network)'),
  season: count('season length', FORECAST_DEFAULTS.season),
  seed: count('random seed', FORECAST_DEFAULTS.seed),
  backtest: { type: 'boolean', help: 'print the backtest table (MASE, sMAPE, RMSE per method)' },
  json: { type: 'boolean', help: 'print one JSON object instead of a table' },
});

export const FORECAST_USAGE = usage(
  `Usage: rnn-predict forecast --csv FILE [options]

Forecasts one numeric column of a CSV (with a header row) after a rolling-origin backtest that
scores Holt-Winters (ETS), Theta, a seasonal ARIMA (arima), seasonal naive with drift and
seasonal naive on the same origins. By default the median of the methods that beat seasonal
naive on the backtest answers (seasonal naive when none did); the output says which and why.
With --network, an ES-RNN-style recurrent network (slow) is scored too.

Options:`,
  FORECAST_OPTIONS,
  '',
  { column: 20 },
).replace('Options:\n\n', 'Options:\n');

/** The backtest's scores, by key. */
type ScoreKey = Exclude<keyof NonNullable<ForecastResult['backtest']>, 'origins'>;

/** parseArgs's errors in forecast's words. */
function parseError(e: Error & { code?: string }, args: readonly string[]): Error {
  const quoted = /'([^']*)'/.exec(e.message)?.[1] ?? '';
  const name = quoted.replace(/^--?/, '').replace(/ <value>$/, '');
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new Error(`unknown option --${name} (see rnn-predict forecast --help)`, { cause: e });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new Error(`--${name} needs a value`, { cause: e });
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new Error(`unexpected argument "${quoted || args[0]}" (see rnn-predict forecast --help)`, { cause: e });
    default:
      return new Error(e.message.split('\n')[0], { cause: e });
  }
}

/**
 * Runs `rnn-predict forecast`. `argv` holds the arguments after the command name (a leading
 * 'forecast' is skipped too). Returns the exit code: 0 on success.
 *
 * @throws Error with a one-line message on bad arguments, an unreadable file or bad data
 */
export async function forecastCommand(argv: string[], out: { log: (s: string) => void }): Promise<number> {
  const args = argv[0] === 'forecast' ? argv.slice(1) : argv.slice();
  let command;
  try {
    command = parseOptions(args, FORECAST_OPTIONS, { positionals: false });
  } catch (e) {
    throw parseError(e as Error, args);
  }
  if (command.help) {
    out.log(FORECAST_USAGE);
    return 0;
  }
  const { values, given } = command;
  const file = values.csv;
  if (file === undefined) throw new Error('--csv FILE is required (see rnn-predict forecast --help)');
  const options: ForecastOptions = values.network ? { network: true } : {};
  for (const name of ['window', 'horizon', 'epochs', 'units', 'seeds', 'origins', 'step', 'season', 'seed'] as const)
    if (given.has(name)) options[name] = values[name];
  if (values.cell) options.cell = values.cell;
  if (values.strategy) options.strategy = values.strategy;
  if (values.method) options.method = values.method;

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  const column = values.column;
  const oneLine = (e: unknown) => new Error(`${file}: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
  let parsed: { values: number[]; column: string };
  try {
    parsed = parseSeriesCsv(text, column);
  } catch (e) {
    throw oneLine(e);
  }

  const backend = await initNodeBackend();
  let result: ForecastResult;
  try {
    result = await forecast(parsed.values, options);
  } catch (e) {
    throw oneLine(e);
  }

  if (values.json) {
    out.log(
      JSON.stringify({ column: parsed.column, points: parsed.values.length, backend: backend.backend, ...result }),
    );
    return 0;
  }
  const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
  const network =
    result.networkWeight === null
      ? ''
      : `; network ${result.cell.toUpperCase()} ${result.strategy}, window ${result.window}, ${result.seeds} seeds × ${result.epochs} epochs, ${backend.backend} backend: ${
          result.networkWeight > 0
            ? `it adds ${(result.networkWeight * 100).toFixed(0)} % of its correction to Holt-Winters (weighed on the last windows)`
            : "its correction did not hold on the last windows: its forecast is Holt-Winters'"
        }`;
  out.log(
    `Forecast of "${parsed.column}" (${parsed.values.length} points) by ${
      result.method === 'combination' ? `the median of ${result.combined.join(', ')}` : result.method
    }${network}`,
  );
  out.log(`Why: ${result.reason}`);
  const b = result.backtest;
  const rows: [string, ScoreKey][] = [
    ['forecast', 'answer'],
    ['ETS', 'ets'],
    ['ETS (MLE)', 'etsMle'],
    ['Theta', 'theta'],
    ['seasonal AR', 'arima'],
    ['drift', 'drift'],
    ['seasonal naive', 'seasonalNaive'],
    ['network', 'network'],
    ['blend', 'blend'],
  ];
  if (b && values.backtest) {
    out.log(
      `Backtest: ${b.origins.length} origins (training lengths ${b.origins[0]}…${b.origins[b.origins.length - 1]}), horizon ${result.horizon}`,
    );
    out.log('method            MASE    sMAPE %   RMSE');
    for (const [label, key] of rows) {
      const s = b[key] as BacktestScore | undefined;
      if (s) out.log(`${label.padEnd(16)}  ${s.mase.toFixed(3)}  ${s.smape.toFixed(2).padStart(7)}   ${f(s.rmse)}`);
    }
    const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(0)} %`);
    out.log(
      `Interval coverage on the backtest: 80 % → ${pct(result.coverage.p80)}, 95 % → ${pct(result.coverage.p95)}`,
    );
  } else if (b) {
    out.log(
      `Backtest MASE: ${rows
        .filter(([, key]) => b[key])
        .map(([label, key]) => `${label} ${(b[key] as BacktestScore).mase.toFixed(3)}`)
        .join(', ')} (--backtest for the table)`,
    );
  }
  out.log('step  forecast   80 %               95 %');
  result.forecast.forEach((v, i) =>
    out.log(
      `${String(`+${i + 1}`).padStart(4)}  ${f(v).padStart(8)}   ${`${f(result.lower80[i]!)}–${f(result.upper80[i]!)}`.padEnd(17)}  ${f(result.lower95[i]!)}–${f(result.upper95[i]!)}`,
    ),
  );
  for (const w of result.warnings) out.log(`warning: ${w}`);
  return 0;
}
