/**
 * `rnn-predict forecast`: backtests and forecasts one column of a CSV and prints the forecast
 * with its intervals, as JSON (`--json`) or a short table (`--backtest` adds the scores). Bad
 * input throws an Error with a one-line message; the caller prints it and exits 1.
 */
import { readFileSync } from 'node:fs';
import { initNodeBackend } from './node-backend.js';
import {
  forecast,
  parseSeriesCsv,
  METHODS,
  STRATEGIES,
  type BacktestScore,
  type ForecastOptions,
  type ForecastResult,
} from '../timeseries/forecast.js';
import { CELL_TYPES } from '../inference/model/model-config.js';

export const FORECAST_USAGE = `Usage: rnn-predict forecast --csv FILE [options]

Forecasts one numeric column of a CSV (with a header row) after a rolling-origin backtest that
scores Holt-Winters (ETS), Theta, a seasonal ARIMA (arima), seasonal naive with drift and
seasonal naive on the same origins. By default the median of the methods that beat seasonal
naive on the backtest answers (seasonal naive when none did); the output says which and why.
With --network, an ES-RNN-style recurrent network (slow) is scored too.

Options:
  --csv FILE        the CSV to read (required)
  --column NAME     the column to forecast (default: the last numeric column)
  --horizon N       points to forecast (default 12)
  --network         train the recurrent network too and score it and its blend with ETS
  --window N        (network) past points read per prediction (default 12)
  --cell C          (network) lstm, gru or rnn (default gru)
  --epochs N        (network) training epochs per network (default 40)
  --units N         (network) hidden units (default 16)
  --seeds N         (network) networks averaged (default 3)
  --strategy S      (network) direct or recursive multi-step (default direct)
  --method M        auto, ets, theta, arima, drift, seasonal-naive, network or blend (default
                    auto: the median of the methods that beat seasonal naive on the backtest)
  --origins N       backtest origins (default: as many as fit, up to 24, or 4 with --network;
                    0 skips the backtest)
  --step N          points between origins (default 1, or 6 with --network)
  --season N        season length (default 12)
  --seed N          random seed (default 1)
  --backtest        print the backtest table (MASE, sMAPE, RMSE per method)
  --json            print one JSON object instead of a table
  --help            show this help`;

/** The backtest's scores, by key. */
type ScoreKey = Exclude<keyof NonNullable<ForecastResult['backtest']>, 'origins'>;

const INT_FLAGS = ['window', 'horizon', 'epochs', 'units', 'seeds', 'origins', 'step', 'season', 'seed'] as const;
const CHOICES = { cell: CELL_TYPES, strategy: STRATEGIES, method: METHODS } as const;

/**
 * Runs `rnn-predict forecast`. `argv` holds the arguments after the command name (a leading
 * 'forecast' is skipped too). Returns the exit code: 0 on success.
 *
 * @throws Error with a one-line message on bad arguments, an unreadable file or bad data
 */
export async function forecastCommand(argv: string[], out: { log: (s: string) => void }): Promise<number> {
  const args = argv[0] === 'forecast' ? argv.slice(1) : argv.slice();
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}" (see rnn-predict forecast --help)`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (name === 'help' || name === 'json' || name === 'backtest' || name === 'network') {
      flags.set(name, true);
      continue;
    }
    if (!['csv', 'column', ...Object.keys(CHOICES), ...INT_FLAGS].includes(name))
      throw new Error(`unknown option --${name} (see rnn-predict forecast --help)`);
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new Error(`--${name} needs a value`);
    flags.set(name, value);
  }
  if (flags.has('help')) {
    out.log(FORECAST_USAGE);
    return 0;
  }

  const file = flags.get('csv');
  if (typeof file !== 'string') throw new Error('--csv FILE is required (see rnn-predict forecast --help)');
  const options: ForecastOptions = flags.has('network') ? { network: true } : {};
  for (const name of INT_FLAGS) {
    const raw = flags.get(name);
    if (typeof raw !== 'string') continue;
    if (!/^\d+$/.test(raw)) throw new Error(`--${name} expects a whole number (0 or more), got "${raw}"`);
    options[name] = Number(raw);
  }
  for (const [name, allowed] of Object.entries(CHOICES)) {
    const v = flags.get(name);
    if (typeof v !== 'string') continue;
    if (!(allowed as readonly string[]).includes(v))
      throw new Error(`--${name} expects ${allowed.join(', ')}, got "${v}"`);
    (options as Record<string, string>)[name] = v;
  }

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  const column = flags.get('column');
  const oneLine = (e: unknown) => new Error(`${file}: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
  let parsed: { values: number[]; column: string };
  try {
    parsed = parseSeriesCsv(text, typeof column === 'string' ? column : undefined);
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

  if (flags.has('json')) {
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
    ['Theta', 'theta'],
    ['seasonal AR', 'arima'],
    ['drift', 'drift'],
    ['seasonal naive', 'seasonalNaive'],
    ['network', 'network'],
    ['blend', 'blend'],
  ];
  if (b && flags.has('backtest')) {
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
