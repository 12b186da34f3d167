/**
 * `rnn-predict forecast`: trains a recurrent network on one column of a CSV and prints the
 * forecast, as JSON (`--json`) or a short table. Bad input throws an Error with a one-line
 * message; the caller prints it and exits 1.
 */
import { readFileSync } from 'node:fs';
import { initNodeBackend } from './node-backend.js';
import { forecast, parseSeriesCsv, type ForecastCell, type ForecastOptions } from '../timeseries/forecast.js';

export const FORECAST_USAGE = `Usage: rnn-predict forecast --csv FILE [options]

Trains a recurrent network on one numeric column of a CSV (with a header row) and forecasts
the next points, scoring it first on the held-back tail against the seasonal-naive baseline.

Options:
  --csv FILE        the CSV to read (required)
  --column NAME     the column to forecast (default: the last numeric column)
  --window N        past points read per prediction (default 12)
  --horizon N       points to forecast (default 12)
  --cell C          lstm, gru or rnn (default lstm)
  --epochs N        training epochs (default 100)
  --units N         hidden units (default 32)
  --holdout N       points held back to score the model (default = horizon; 0 to skip)
  --season N        season length for the baseline and the window check (default 12)
  --seed N          random seed (default 1)
  --json            print one JSON object instead of a table
  --help            show this help`;

const INT_FLAGS = ['window', 'horizon', 'epochs', 'units', 'holdout', 'season', 'seed'] as const;

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
    if (name === 'help' || name === 'json') {
      flags.set(name, true);
      continue;
    }
    if (!['csv', 'column', 'cell', ...INT_FLAGS].includes(name))
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
  const options: ForecastOptions = {};
  for (const name of INT_FLAGS) {
    const raw = flags.get(name);
    if (typeof raw !== 'string') continue;
    if (!/^\d+$/.test(raw)) throw new Error(`--${name} expects a whole number, got "${raw}"`);
    options[name] = Number(raw);
  }
  const cell = flags.get('cell');
  if (typeof cell === 'string') {
    if (cell !== 'lstm' && cell !== 'gru' && cell !== 'rnn')
      throw new Error(`--cell expects lstm, gru or rnn, got "${cell}"`);
    options.cell = cell as ForecastCell;
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
  let result;
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
  const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));
  out.log(
    `Forecast of "${parsed.column}" (${parsed.values.length} points): ${result.cell.toUpperCase()}, window ${result.window}, ${result.epochs}+${result.refitEpochs} epochs, ${backend.backend} backend`,
  );
  if (result.holdout > 0) {
    out.log(
      `Last ${result.holdout} points held back: RMSE ${fmt(result.rmse)} (seasonal naive, season ${result.season}: ${fmt(result.baselineRmse)})`,
    );
  }
  out.log('step  forecast');
  result.forecast.forEach((v, i) => out.log(`${String(`+${i + 1}`).padStart(4)}  ${v.toFixed(2)}`));
  for (const w of result.warnings) out.log(`warning: ${w}`);
  return 0;
}
