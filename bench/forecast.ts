/**
 * `npm run bench:forecast`: a rolling-origin evaluation of `forecast()` on the real series of
 * data/ (horizon 12; 6 origins 6 apart by default, the last one leaving the last 12 points). At
 * each origin `forecast()` sees only the points before it (and runs its own backtest on them),
 * as a user would. Per series: RMSE and MASE of its answer and of every method it scores,
 * relative to seasonal naive's on the same points; their geometric means per half; the share of
 * the outcomes inside its 80 % and 95 % bands, pooled.
 *
 * The series are split once (data/README.md): the development half, on which the forecaster was
 * tuned, and the evaluation half, only reported. `--half dev|eval|all` (default all, each half
 * summarised on its own).
 *
 * `--peer r` prints beside them the figures of R's forecast package (scripts/forecast-peer.R:
 * ets(), auto.arima(), thetaf(), snaive()) on the same series and origins: its answers kept in
 * data/forecast-peer-r.csv, and those not kept yet run with `Rscript` when it is installed. `--network` adds the recurrent network to what forecast() scores (slow).
 * `--write-sales` rewrites data/monthly-sales.csv from its formula and exits.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initNodeBackend } from '../src/node/node-backend.js';
import { forecast, parseSeriesCsv, mase, rmse, type ForecastOptions } from '../src/timeseries/forecast.js';
import { MONTHLY_SALES } from '../src/timeseries/monthly-sales.js';
import { options } from './common.js';
import { geoMean, SERIES, seriesText } from './series.js';
import { defineOptions } from '../src/cli/options.js';

const HORIZON = 12;

/** The bench's protocol: origins, and points between them (issue 33 asks ≥ 6 origins). */
const PROTOCOL = { origins: 6, step: 6 } as const;

const { values: a, help: HELP } = options(
  'Usage: npm run bench:forecast -- [options]',
  defineOptions({
    half: {
      type: 'choice',
      choices: ['all', 'dev', 'eval'] as const,
      default: 'all',
      help: 'which series: {choices} (default {default}; each half summarised on its own)',
    },
    series: { type: 'string', value: 'LIST', help: 'only these series, comma-separated (names as in data/)' },
    origins: { type: 'integer', limits: [1], default: PROTOCOL.origins, help: 'rolling origins per series' },
    step: { type: 'integer', limits: [1], default: PROTOCOL.step, help: 'points between origins' },
    peer: {
      type: 'choice',
      choices: ['r'] as const,
      help: "print R's forecast package beside ({choices}: data/forecast-peer-r.csv, Rscript for the rest)",
    },
    network: { type: 'boolean', help: 'add the recurrent network to what forecast() scores (slow)' },
    json: { type: 'boolean', help: 'print one JSON object' },
    'write-sales': { type: 'boolean', help: 'rewrite data/monthly-sales.csv from its formula and exit' },
  }),
);

if (a['write-sales']) {
  const rows = MONTHLY_SALES.map((m) => `${m.month},${m.sales}`);
  writeFileSync(new URL('../data/monthly-sales.csv', import.meta.url), `month,sales\n${rows.join('\n')}\n`);
  process.exit(0);
}

const fail = (message: string): never => {
  console.error(`${message}\n\n${HELP}`);
  process.exit(2);
};
const half = a.half;
const ORIGINS = a.origins;
const STEP = a.step;
const wanted = a.series !== undefined ? a.series.split(',') : null;
for (const w of wanted ?? []) if (!SERIES.some((s) => s.name === w)) fail(`unknown series "${w}"`);
const chosen = SERIES.filter((s) => (wanted ? wanted.includes(s.name) : half === 'all' || s.half === half));

let rscript: string | null = null;
if (a.peer === 'r') {
  const found = spawnSync('Rscript', ['--version'], { encoding: 'utf8' });
  if (!found.error && found.status === 0) rscript = 'Rscript';
}

interface Job {
  name: string;
  season: number;
  half: string;
  values: number[];
  origins: number[];
}
const jobs: Job[] = chosen.map((s) => {
  const { values } = parseSeriesCsv(seriesText(s));
  const last = values.length - HORIZON;
  const origins = Array.from({ length: ORIGINS }, (_, i) => last - (ORIGINS - 1 - i) * STEP);
  return { ...s, values, origins };
});

/** One method's forecasts at every origin of a series, and optionally its bands. */
interface Run {
  mean: number[][];
  bands?: { lo80: number[]; hi80: number[]; lo95: number[]; hi95: number[] }[];
}
type Runs = Record<string, Run>;
const runs = new Map<string, Runs>();
const answered = new Map<string, string[]>();

const backend = await initNodeBackend();
console.error(`backend ${backend.backend}; ${ORIGINS} origins ${STEP} apart, horizon ${HORIZON}`);
const started = Date.now();
for (const job of jobs) {
  const r: Runs = {};
  const methods: string[] = [];
  for (const origin of job.origins) {
    const options: ForecastOptions = { season: job.season, horizon: HORIZON, network: a.network };
    const f = await forecast(job.values.slice(0, origin), options);
    const add = (name: string, mean: number[], bands?: Run['bands'] extends (infer B)[] | undefined ? B : never) => {
      r[name] ??= { mean: [], bands: bands ? [] : undefined };
      r[name]!.mean.push(mean);
      if (bands) r[name]!.bands!.push(bands);
    };
    add('forecast()', f.forecast, { lo80: f.lower80, hi80: f.upper80, lo95: f.lower95, hi95: f.upper95 });
    for (const [m, path] of Object.entries(f.forecasts)) add(m, path!);
    methods.push(f.method === 'combination' ? `median(${f.combined.join(',')})` : f.method);
  }
  runs.set(job.name, r);
  answered.set(job.name, methods);
  console.error(`${job.name}: ${methods.join(' | ')}`);
}
console.error(`rnn-predict: ${((Date.now() - started) / 1000).toFixed(1)} s`);

/**
 * R's answers are kept in data/forecast-peer-r.csv, one row per job and method: the series, the
 * origin (training length), the horizon, a hash of the training values, the R and forecast
 * versions that answered, and the 80 % and 95 % bands, each a list of `horizon` numbers separated
 * by spaces. Jobs found there are not run again; the others are run when Rscript is installed and
 * added. So the peer's figures need R only once, and come out the same without it.
 */
const PEER_FILE = new URL('../data/forecast-peer-r.csv', import.meta.url);
const PEER_HEADER = 'name,origin,horizon,values,peer,method,mean,lo80,hi80,lo95,hi95';
const PEER_METHODS = ['ets', 'arima', 'theta', 'snaive'] as const;
let peerRan = false;
if (a.peer === 'r') {
  const hashOf = (xs: number[]) => createHash('sha256').update(xs.join(' ')).digest('hex').slice(0, 12);
  const keyOf = (name: string, origin: number, values: string) => `${name},${origin},${HORIZON},${values}`;
  const kept = new Map<string, string[]>(); // key → rows
  if (existsSync(PEER_FILE))
    for (const row of readFileSync(PEER_FILE, 'utf8').trim().split('\n').slice(1)) {
      const key = row.split(',').slice(0, 4).join(',');
      kept.set(key, [...(kept.get(key) ?? []), row]);
    }
  const wantedJobs = jobs.flatMap((j) =>
    j.origins.map((o) => ({ job: j, origin: o, key: keyOf(j.name, o, hashOf(j.values.slice(0, o))) })),
  );
  const missing = wantedJobs.filter((w) => (kept.get(w.key)?.length ?? 0) < PEER_METHODS.length);
  if (missing.length > 0 && !rscript)
    console.error(
      `--peer r: ${missing.length} of ${wantedJobs.length} jobs are not in data/forecast-peer-r.csv and Rscript, which would answer them, was not found (Debian: apt-get install -y r-cran-forecast); R's figures are left out`,
    );
  else {
    if (missing.length > 0) {
      const version = execFileSync(
        rscript!,
        ['-e', 'cat(sprintf("R %s forecast %s", getRversion(), packageVersion("forecast")))'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      ).trim();
      const dir = mkdtempSync(join(tmpdir(), 'forecast-peer-'));
      try {
        const lines = missing.map((m) =>
          [m.job.name, m.job.season, m.origin, HORIZON, m.job.values.slice(0, m.origin).join(' ')].join('\t'),
        );
        writeFileSync(join(dir, 'jobs.tsv'), `${lines.join('\n')}\n`);
        const t = Date.now();
        const script = new URL('../scripts/forecast-peer.R', import.meta.url).pathname;
        execFileSync(rscript!, [script, join(dir, 'jobs.tsv'), join(dir, 'out.csv')], {
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        console.error(`R forecast: ${missing.length} jobs in ${((Date.now() - t) / 1000).toFixed(1)} s`);
        addPeerRows(readFileSync(join(dir, 'out.csv'), 'utf8'), missing, version, kept);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const all = [...kept.values()].flat().sort();
      writeFileSync(PEER_FILE, `${PEER_HEADER}\n${all.join('\n')}\n`);
      console.error(`R forecast: answers kept in data/forecast-peer-r.csv`);
    }
    const versions = new Set<string>();
    for (const w of wantedJobs)
      for (const row of kept.get(w.key)!) {
        const [, , , , peer, method, ...cols] = row.split(',');
        versions.add(peer!);
        const [mean, lo80, hi80, lo95, hi95] = cols.map((c) => c.split(' ').map(Number)) as number[][];
        const key = `R ${method === 'snaive' ? 'seasonal-naive' : method}`;
        const run = (runs.get(w.job.name)![key] ??= {
          mean: w.job.origins.map(() => []),
          bands: w.job.origins.map(() => ({ lo80: [], hi80: [], lo95: [], hi95: [] })),
        });
        const k = w.job.origins.indexOf(w.origin);
        run.mean[k] = mean!;
        run.bands![k] = { lo80: lo80!, hi80: hi80!, lo95: lo95!, hi95: hi95! };
      }
    peerRan = true;
    console.error(
      `R forecast: ${[...versions].join('; ')} (${wantedJobs.length - missing.length} of ${wantedJobs.length} jobs from data/forecast-peer-r.csv)`,
    );
  }
}

/** Folds the long CSV of scripts/forecast-peer.R into one row per job and method. */
function addPeerRows(
  text: string,
  jobsRun: { job: Job; origin: number; key: string }[],
  version: string,
  into: Map<string, string[]>,
) {
  const cols = new Map<string, string[][]>(); // name,origin,method → the five columns
  for (const row of text.trim().split('\n').slice(1)) {
    const [name, origin, method, , ...values] = row.split(',');
    const id = `${name},${origin},${method}`;
    const c = cols.get(id) ?? [[], [], [], [], []];
    values.forEach((v, i) => c[i]!.push(String(Number(Number(v).toPrecision(8)))));
    cols.set(id, c);
  }
  for (const m of jobsRun)
    into.set(
      m.key,
      PEER_METHODS.map((method) => {
        const c = cols.get(`${m.job.name},${m.origin},${method}`);
        if (!c || c[0]!.length !== HORIZON) throw new Error(`R gave no ${method} forecast for ${m.key}`);
        return `${m.key},${version},${method},${c.map((x) => x.join(' ')).join(',')}`;
      }),
    );
}

/** Pooled RMSE and mean MASE of a run on a series, and the outcomes inside its bands. */
function scoreRun(job: Job, run: Run) {
  const actual: number[] = [];
  const predicted: number[] = [];
  let m = 0;
  let in80 = 0;
  let in95 = 0;
  job.origins.forEach((o, k) => {
    const y = job.values.slice(o, o + HORIZON);
    actual.push(...y);
    predicted.push(...run.mean[k]!);
    m += mase(y, run.mean[k]!, job.values.slice(0, o), job.season);
    const b = run.bands?.[k];
    if (b)
      y.forEach((v, h) => {
        if (v >= b.lo80[h]! && v <= b.hi80[h]!) in80++;
        if (v >= b.lo95[h]! && v <= b.hi95[h]!) in95++;
      });
  });
  return { rmse: rmse(actual, predicted), mase: m / job.origins.length, in80, in95, points: actual.length };
}

const columns = [
  'forecast()',
  'ets',
  'ets-mle',
  'theta',
  'arima',
  'drift',
  ...(a.network ? ['network', 'blend'] : []),
  ...(peerRan ? ['R ets', 'R arima', 'R theta', 'R seasonal-naive'] : []),
];
const table: Record<
  string,
  Record<string, { rmse: number; mase: number; in80: number; in95: number; points: number }>
> = {};
for (const job of jobs) {
  const r = runs.get(job.name)!;
  table[job.name] = Object.fromEntries(columns.map((c) => [c, scoreRun(job, r[c]!)]));
  table[job.name]!['seasonal-naive'] = scoreRun(job, r['seasonal-naive']!);
}
const geo = geoMean;
const f3 = (v: number) => v.toFixed(3);
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;

const summary: Record<string, unknown>[] = [];
for (const h of half === 'all' && !wanted ? ['dev', 'eval'] : [wanted ? 'chosen' : half]) {
  const mine = jobs.filter((j) => wanted || j.half === h);
  if (mine.length === 0) continue;
  const rel = (c: string, k: 'rmse' | 'mase') =>
    mine.map((j) => table[j.name]![c]![k] / table[j.name]!['seasonal-naive']![k]);
  if (!a.json) {
    console.log(
      `\n### ${h === 'dev' ? 'Development half' : h === 'eval' ? 'Evaluation half' : 'Chosen series'}: RMSE relative to seasonal naive (MASE relative in the last rows)\n`,
    );
    console.log(`| series | ${columns.join(' | ')} | forecast() answered |`);
    console.log(`| --- | ${columns.map(() => '---:').join(' | ')} | --- |`);
    for (const j of mine) {
      const cells = columns.map((c) => f3(table[j.name]![c]!.rmse / table[j.name]!['seasonal-naive']!.rmse));
      const said = answered.get(j.name)!;
      const counts = new Map<string, number>();
      for (const s of said) counts.set(s, (counts.get(s) ?? 0) + 1);
      console.log(`| ${j.name} | ${cells.join(' | ')} | ${[...counts].map(([s, n]) => `${s} ×${n}`).join('; ')} |`);
    }
    console.log(`| **geometric mean, RMSE** | ${columns.map((c) => `**${f3(geo(rel(c, 'rmse')))}**`).join(' | ')} | |`);
    console.log(`| geometric mean, MASE | ${columns.map((c) => f3(geo(rel(c, 'mase')))).join(' | ')} | |`);
    const banded = columns.filter((c) => c === 'forecast()' || c.startsWith('R '));
    for (const level of ['80', '95'] as const) {
      const key = level === '80' ? 'in80' : 'in95';
      console.log(
        `| coverage of the ${level} % bands | ${columns
          .map((c) =>
            banded.includes(c)
              ? pct(
                  mine.reduce((s, j) => s + table[j.name]![c]![key], 0),
                  mine.reduce((s, j) => s + table[j.name]![c]!.points, 0),
                )
              : '',
          )
          .join(' | ')} | |`,
      );
    }
    const best = peerRan
      ? ['R ets', 'R arima', 'R theta'].reduce((b, c) => (geo(rel(c, 'rmse')) < geo(rel(b, 'rmse')) ? c : b))
      : null;
    if (best)
      console.log(
        `\nforecast()'s geometric-mean RMSE is ${f3(geo(rel('forecast()', 'rmse')) / geo(rel(best, 'rmse')))} × R's best single method's (${best}) and ${f3(geo(rel('forecast()', 'rmse')))} × seasonal naive's.`,
      );
  }
  summary.push({
    half: h,
    series: mine.map((j) => j.name),
    geometricMeanRmse: Object.fromEntries(columns.map((c) => [c, geo(rel(c, 'rmse'))])),
    geometricMeanMase: Object.fromEntries(columns.map((c) => [c, geo(rel(c, 'mase'))])),
  });
}
if (a.json)
  console.log(
    JSON.stringify({
      origins: ORIGINS,
      step: STEP,
      horizon: HORIZON,
      table,
      answered: Object.fromEntries(answered),
      summary,
    }),
  );
