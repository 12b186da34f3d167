/**
 * Issue #33's fourth round (docs/forecasting.md): an ES-RNN-style global network, scored as a
 * candidate beside forecast()'s classical methods, with leave-series-out cross-fitting.
 *
 *   node --import tsx bench/global-net.ts dump --half dev          # classical candidates + net inputs
 *   node --import tsx bench/global-net.ts net --half dev --config NAME   # trains and predicts
 *   node --import tsx bench/global-net.ts score --half dev --config NAME # the rules' figures
 *
 * `dump` computes, for every training length a bench origin (6 origins 6 apart, and 12 origins
 * 3 apart) or one of forecast()'s own backtest origins inside it needs, the classical forecasts
 * (as forecast() computes them) and the normalised inputs of the network: the logs of the series,
 * an additive Holt-Winters fit on them (so a multiplicative one on the series) on the points
 * before the origin, the deseasonalised logs minus the level at the origin. `net` splits the
 * development half into 3 folds (the series' places in SERIES mod 3) and trains, for each fold, a
 * network on the windows of the OTHER two folds' series (the Seatbelts family cut before the
 * target's first backtest origin, since those series share their months and shocks), then
 * forecasts the fold's series at every training length: the base (level + season, a Holt-Winters
 * path, or forecast()'s ETS) plus the network's output, in logs. For the evaluation half: one
 * network trained on the whole development half, cut the same way. `score` recomputes
 * forecast()'s rule (drop what loses to seasonal naive on the series' own backtest, the median
 * of the rest, bands from the answer's backtest errors) with the network as a candidate.
 * The fifth round's configurations (`extra`) also train on the training-only series of data/extra/
 * (EXTRA_SERIES), whole, in every training set; they are never forecast or scored.
 * Files go to $GLOBAL_NET_DIR (default /tmp/global-net).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../src/node/node-backend.js';
import {
  fitHoltWinters,
  holtWintersPath,
  seasonalAt,
  seasonalNaive,
  seasonalNaiveDrift,
  type HoltWintersFit,
} from '../src/timeseries/baselines.js';
import { seasonalAr, theta } from '../src/timeseries/classical.js';
import { medianForecast } from '../src/timeseries/select.js';
import { parseSeriesCsv } from '../src/timeseries/forecast.js';
import { mulberry32 } from '../src/data/windows.js';
import {
  benchOrigins,
  EXTRA_SERIES,
  geoMean,
  HORIZON,
  innerOrigins,
  replaySeries,
  SERIES as ALL_SERIES,
} from './series.js';

/** The rounds' series: the sixth round's additions to the development half are not this bench's. */
const SERIES = ALL_SERIES.filter((s) => s.round === undefined);

const DIR = process.env.GLOBAL_NET_DIR ?? '/tmp/global-net';
const ALL_PROTOCOLS = [
  { name: '6x6', origins: 6, step: 6 },
  { name: '12x3', origins: 12, step: 3 },
] as const;
/** Series that share their months and their shocks (Seatbelts, UKDriverDeaths). */
const FAMILY = new Set([
  'uk-driver-deaths',
  'uk-front-seat-casualties',
  'uk-distance-driven',
  'uk-drivers-killed',
  'uk-rear-seat-casualties',
  'uk-van-drivers-killed',
  'uk-petrol-price',
]);

const args = process.argv.slice(2);
const mode = args[0];
const flag = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const half = flag('half', 'dev') as 'dev' | 'eval';
mkdirSync(DIR, { recursive: true });
/** Both protocols on the development half; the bench's alone on the evaluation half. */
const PROTOCOLS = half === 'dev' ? ALL_PROTOCOLS : ALL_PROTOCOLS.slice(0, 1);

const load = (name: string, dir = 'data') =>
  parseSeriesCsv(readFileSync(new URL(`../${dir}/${name}.csv`, import.meta.url), 'utf8')).values;

/** An additive Holt-Winters fit of log(x) (shifted below 0 so fitHoltWinters keeps it additive). */
interface LogFit {
  fit: HoltWintersFit;
  /** log(x) − shift. */
  z: number[];
  shift: number;
}
function logFit(x: number[], season: number): LogFit {
  const logs = x.map(Math.log);
  const shift = Math.max(...logs) + 1;
  const z = logs.map((v) => v - shift);
  return { fit: fitHoltWinters(z, season), z, shift };
}
/** Deseasonalised z at every point up to t, minus the level at t. */
const normalised = (f: LogFit, t: number) =>
  f.z.slice(0, t + 1).map((v, j) => v - seasonalAt(f.fit, j - 1, 1) - f.fit.level[t]!);
/** What the network's output is added to: level + season (pure) or the Holt-Winters path (ets). */
const baseOf = (f: LogFit, t: number, target: string) =>
  target === 'ets'
    ? holtWintersPath(f.fit, HORIZON, t)
    : Array.from({ length: HORIZON }, (_, h) => f.fit.level[t]! + seasonalAt(f.fit, t, h + 1));

interface Dumped {
  name: string;
  season: number;
  values: number[];
  /** training length → forecasts of every classical method, and the network's inputs. */
  at: Record<
    number,
    { fc: Record<string, number[]>; u: number[]; base: { pure: number[]; ets: number[] }; shift: number }
  >;
}

function dump() {
  const out: Dumped[] = [];
  const t0 = Date.now();
  for (const s of SERIES.filter((x) => x.half === half)) {
    const values = load(s.name);
    const lengths = new Set<number>();
    for (const p of PROTOCOLS)
      for (const T of benchOrigins(values.length, p)) {
        lengths.add(T);
        for (const o of innerOrigins(T, s.season)) lengths.add(o);
      }
    const at: Dumped['at'] = {};
    for (const L of [...lengths].sort((a, b) => a - b)) {
      const train = values.slice(0, L);
      const fit = fitHoltWinters(train, s.season);
      const etsPath = holtWintersPath(fit, HORIZON);
      const fc: Record<string, number[]> = {
        ets: fit.log ? etsPath.map(Math.exp) : etsPath,
        theta: theta(train, s.season, HORIZON),
        arima: seasonalAr(train, s.season, HORIZON),
        drift: seasonalNaiveDrift(train, s.season, HORIZON),
        'seasonal-naive': seasonalNaive(train, s.season, HORIZON),
      };
      const lf = logFit(train, s.season);
      at[L] = {
        fc,
        u: normalised(lf, L - 1),
        base: { pure: baseOf(lf, L - 1, 'pure'), ets: baseOf(lf, L - 1, 'ets') },
        shift: lf.shift,
      };
    }
    out.push({ name: s.name, season: s.season, values, at });
    console.error(`${s.name}: ${lengths.size} lengths, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  writeFileSync(`${DIR}/dump-${half}.json`, JSON.stringify(out));
}

/** A network configuration. */
interface Config {
  window: number;
  units: number;
  epochs: number;
  seeds: number;
  /** What the output is added to (in logs): level + season, the log Holt-Winters path, or forecast()'s ETS. */
  target: 'pure' | 'ets' | 'fets';
  cell: 'gru' | 'dense';
  lr: number;
  batch: number;
  /** Divide each window and its targets by the RMS of the window's first differences (N-BEATS-like). */
  perWindow?: boolean;
  /** Also train on the training-only series of data/extra/ (the fifth round). */
  extra?: boolean;
  /**
   * Target 'fets' only: the input goes on past the window with ETS's own forecast, deseasonalised
   * and minus the level (so the network sees the trend ETS will extrapolate).
   */
  seeBase?: boolean;
  /** Multiply the network's output by this (default 1): a shrunk correction. */
  shrink?: number;
}
/** The length of the network's input sequence. */
const inputLength = (c: Config) => c.window + (c.seeBase ? HORIZON : 0);
/** What the configurations share; each below names what it changes. */
const BASE: Config = { window: 24, units: 16, epochs: 25, seeds: 2, target: 'pure', cell: 'gru', lr: 0.01, batch: 128 };
/** The fifth round's ETS correction: H4's settings, trained on the series of data/extra/ too. */
const HX = { epochs: 4, seeds: 3, target: 'fets', perWindow: true, extra: true } as const;
const CONFIGS: Record<string, Config> = {
  A: { ...BASE },
  B: { ...BASE, target: 'ets' },
  C: { ...BASE, window: 36 },
  D: { ...BASE, units: 32, epochs: 100, cell: 'dense', lr: 0.003 },
  E: { ...BASE, perWindow: true },
  F: { ...BASE, epochs: 8, target: 'ets', perWindow: true },
  H: { ...BASE, epochs: 8, seeds: 3, target: 'fets', perWindow: true },
  H2: { ...BASE, epochs: 20, seeds: 3, target: 'fets', perWindow: true },
  H4: { ...BASE, epochs: 4, seeds: 3, target: 'fets', perWindow: true },
  H5s: { ...BASE, epochs: 8, seeds: 5, target: 'fets', perWindow: true },
  H12: { ...BASE, window: 12, epochs: 8, seeds: 3, target: 'fets', perWindow: true },
  D2: { ...BASE, units: 32, epochs: 100, seeds: 3, cell: 'dense', lr: 0.003, perWindow: true },
  E12: { ...BASE, epochs: 12, seeds: 3, perWindow: true },
  G: { ...BASE, window: 36, perWindow: true },
  // The fifth round (docs/forecasting.md): trained on the series of data/extra/ too.
  Ex: { ...BASE, perWindow: true, extra: true },
  E8x: { ...BASE, epochs: 8, seeds: 3, perWindow: true, extra: true },
  H4x: { ...BASE, ...HX },
  H1x: { ...BASE, ...HX, epochs: 1 },
  H2x: { ...BASE, ...HX, epochs: 2 },
  H4xl: { ...BASE, ...HX, lr: 0.003 },
  H2x12: { ...BASE, ...HX, window: 12, epochs: 2 },
  H2x8s: { ...BASE, ...HX, epochs: 2, seeds: 8 },
  H2xh: { ...BASE, ...HX, epochs: 2, shrink: 0.5 },
  H2x8u: { ...BASE, ...HX, units: 8, epochs: 2 },
  // ... with ETS's forecast after the window in the input (S4: without the extra series).
  S4: { ...BASE, ...HX, extra: false, seeBase: true },
  S2x: { ...BASE, ...HX, epochs: 2, seeBase: true },
  S8x: { ...BASE, ...HX, epochs: 8, seeBase: true },
  S16x: { ...BASE, ...HX, epochs: 16, seeBase: true },
  S32x: { ...BASE, ...HX, epochs: 32, seeBase: true },
  SDx: { ...BASE, ...HX, units: 64, epochs: 30, cell: 'dense', lr: 0.003, seeBase: true },
};

/** Training windows of one series: normalised last `window` points → the next 12, relative. */
function windowsOf(values: number[], season: number, c: Config, cutoff: number) {
  const x = values.slice(0, cutoff);
  const f = logFit(x, season);
  // forecast()'s own ETS (on the series or its logs, as it chose), for target 'fets'.
  const fe = c.target === 'fets' ? fitHoltWinters(x, season) : null;
  const etsLog = (t: number) =>
    holtWintersPath(fe!, HORIZON, t).map((v) => (fe!.log ? v : Math.log(Math.max(v, 1e-9))));
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let t = Math.max(c.window - 1, season); t + HORIZON < x.length; t++) {
    const u = normalised(f, t);
    const x = u.slice(t + 1 - c.window);
    const k = c.perWindow ? windowScale(x) : 1;
    const base = c.target === 'fets' ? etsLog(t).map((v) => v - f.shift) : baseOf(f, t, c.target);
    const seen = c.seeBase ? baseSeen(base, baseOf(f, t, 'pure')) : [];
    xs.push([...x, ...seen].map((v) => v / k));
    ys.push(base.map((b, h) => (f.z[t + 1 + h]! - b) / k));
  }
  return { xs, ys };
}

/** ETS's forecast (logs − shift) less the log fit's level and season: its deseasonalised path. */
const baseSeen = (base: number[], levelSeason: number[]) => base.map((b, h) => b - levelSeason[h]!);

/** A window's own scale: the RMS of its first differences (at least 1e-3). */
const windowScale = (u: number[]) => {
  let sq = 0;
  for (let j = 1; j < u.length; j++) sq += (u[j]! - u[j - 1]!) ** 2;
  return Math.max(1e-3, Math.sqrt(sq / Math.max(1, u.length - 1)));
};
const rms = (xs: number[]) => Math.sqrt(xs.reduce((a, b) => a + b * b, 0) / Math.max(1, xs.length)) || 1;

function build(c: Config, seed: number): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 7 + k });
  const m = tf.sequential();
  if (c.cell === 'gru')
    m.add(
      tf.layers.gru({
        units: c.units,
        inputShape: [inputLength(c), 1],
        kernelInitializer: init(1),
        recurrentInitializer: init(2),
      }),
    );
  else {
    m.add(tf.layers.flatten({ inputShape: [inputLength(c), 1] }));
    m.add(tf.layers.dense({ units: c.units, activation: 'relu', kernelInitializer: init(1) }));
  }
  m.add(tf.layers.dense({ units: HORIZON, kernelInitializer: init(3) }));
  return m;
}

/** Trains `c.seeds` networks on the windows; returns a batched predictor of their mean. */
async function trainGlobal(xs: number[][], ys: number[][], c: Config) {
  const n = inputLength(c);
  const inScale = rms(xs.flat());
  const outScale = rms(ys.flat());
  const models: tf.Sequential[] = [];
  const started = Date.now();
  for (let k = 0; k < c.seeds; k++) {
    const model = build(c, 11 + k);
    const opt = tf.train.adam(c.lr);
    model.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const random = mulberry32(101 + k);
    const order = xs.map((_, i) => i);
    for (let e = 0; e < c.epochs; e++) {
      for (let j = order.length - 1; j > 0; j--) {
        const r = Math.floor(random() * (j + 1));
        [order[j], order[r]] = [order[r]!, order[j]!];
      }
      const xb = new Float32Array(order.length * n);
      const yb = new Float32Array(order.length * HORIZON);
      order.forEach((i, row) => {
        xb.set(
          xs[i]!.map((v) => v / inScale),
          row * n,
        );
        yb.set(
          ys[i]!.map((v) => v / outScale),
          row * HORIZON,
        );
      });
      const x = tf.tensor3d(xb, [order.length, n, 1]);
      const y = tf.tensor2d(yb, [order.length, HORIZON]);
      const h = await model.fit(x, y, { epochs: 1, batchSize: c.batch, shuffle: false, verbose: 0 });
      x.dispose();
      y.dispose();
      if (process.env.GLOBAL_NET_VERBOSE)
        console.error(
          `seed ${k} epoch ${e + 1} loss ${Number(h.history.loss?.[0]).toFixed(4)} ${Date.now() - started} ms`,
        );
    }
    opt.dispose();
    models.push(model);
  }
  const predict = (inputs: number[][]): number[][] => {
    const sum = inputs.map(() => new Array<number>(HORIZON).fill(0));
    const flat = new Float32Array(inputs.length * n);
    inputs.forEach((u, i) =>
      flat.set(
        u.map((v) => v / inScale),
        i * n,
      ),
    );
    for (const m of models) {
      const out = tf.tidy(() =>
        (m.predict(tf.tensor3d(flat, [inputs.length, n, 1])) as tf.Tensor).arraySync(),
      ) as number[][];
      out.forEach((row, i) => row.forEach((v, h) => (sum[i]![h]! += (v * outScale) / models.length)));
    }
    return sum;
  };
  return { predict, dispose: () => models.forEach((m) => m.dispose()) };
}

const lastWindow = (u: number[], w: number) =>
  u.length >= w ? u.slice(u.length - w) : [...new Array<number>(w - u.length).fill(u[0]!), ...u];

async function net() {
  const name = flag('config', 'base')!;
  const c = CONFIGS[name];
  if (!c) throw new Error(`unknown config ${name}`);
  await initNodeBackend();
  const targets: Dumped[] = JSON.parse(readFileSync(`${DIR}/dump-${half}.json`, 'utf8'));
  const dev = SERIES.filter((s) => s.half === 'dev');
  const out: Record<string, Record<number, number[]>> = {};
  const t0 = Date.now();
  // The first backtest origin of a target: family members are cut there.
  const firstInner = (d: Dumped) => Math.min(...Object.keys(d.at).map(Number));
  // Development half: 3 folds (the series' places in the list mod 3), each forecast by a network
  // trained on the other two folds. Evaluation half: one network trained on the development half.
  const devNames = dev.map((s) => s.name);
  const folds = [0, 1, 2].map((k) => targets.filter((d) => devNames.indexOf(d.name) % 3 === k));
  const cutoffOf = (ds: Dumped[]) => Math.min(...ds.filter((d) => FAMILY.has(d.name)).map(firstInner));
  const groups: { train: typeof dev; targets: Dumped[]; cutoff: number }[] =
    half === 'dev'
      ? folds.map((ds) => ({
          train: dev.filter((s) => !ds.some((d) => d.name === s.name)),
          targets: ds,
          cutoff: cutoffOf(ds),
        }))
      : [{ train: dev, targets, cutoff: cutoffOf(targets) }];
  const only = flag('only');
  for (const g of groups.filter((x) => !only || x.targets.some((d) => d.name === only))) {
    const xs: number[][] = [];
    const ys: number[][] = [];
    for (const s of g.train) {
      const v = load(s.name);
      // Min over no family target is Infinity: then nothing is cut.
      const w = windowsOf(v, s.season, c, FAMILY.has(s.name) ? Math.min(g.cutoff, v.length) : v.length);
      xs.push(...w.xs);
      ys.push(...w.ys);
    }
    // Training-only series: whole, in every training set (none shares a scored series' subject).
    for (const s of c.extra ? EXTRA_SERIES : []) {
      const v = load(s.name, 'data/extra');
      const w = windowsOf(v, s.season, c, v.length);
      xs.push(...w.xs);
      ys.push(...w.ys);
    }
    const t1 = Date.now();
    const model = await trainGlobal(xs, ys, c);
    for (const d of g.targets) {
      const lengths = Object.keys(d.at).map(Number);
      const baseAt = (L: number) => {
        const a = d.at[L]!;
        return c.target === 'fets' ? a.fc.ets!.map((v) => Math.log(Math.max(v, 1e-9)) - a.shift) : a.base[c.target];
      };
      const windows = lengths.map((L) => lastWindow(d.at[L]!.u, c.window));
      const scales = windows.map((x) => (c.perWindow ? windowScale(x) : 1));
      const inputs = lengths.map((L, i) =>
        [...windows[i]!, ...(c.seeBase ? baseSeen(baseAt(L), d.at[L]!.base.pure) : [])].map((v) => v / scales[i]!),
      );
      const pred = model.predict(inputs);
      out[d.name] = {};
      lengths.forEach((L, i) => {
        const k = (c.shrink ?? 1) * scales[i]!;
        out[d.name]![L] = baseAt(L).map((b, h) => Math.exp(b + pred[i]![h]! * k + d.at[L]!.shift));
      });
    }
    model.dispose();
    console.error(
      `${g.targets.map((d) => d.name).join(',')}: ${xs.length} windows, trained in ${((Date.now() - t1) / 1000).toFixed(1)} s`,
    );
  }
  console.error(`total ${((Date.now() - t0) / 1000).toFixed(1)} s, tensors left ${tf.memory().numTensors}`);
  writeFileSync(`${DIR}/net-${half}-${name}.json`, JSON.stringify(out));
}

/** Rules: each takes the candidates' inner backtest RMSEs and returns which forecasts to combine. */
type Rule = (pool: string[], scores: Record<string, number>) => string[];
const dropRule =
  (methods: string[]): Rule =>
  (_pool, scores) =>
    methods.filter((m) => scores[m]! < scores['seasonal-naive']!);

function score() {
  const configs = (flag('config', '') ?? '').split(',').filter(Boolean);
  const targets: Dumped[] = JSON.parse(readFileSync(`${DIR}/dump-${half}.json`, 'utf8'));
  const nets: Record<string, Record<string, Record<number, number[]>>> = {};
  for (const c of configs) nets[c] = JSON.parse(readFileSync(`${DIR}/net-${half}-${c}.json`, 'utf8'));
  const base = ['ets', 'theta', 'arima', 'drift'];
  const rules: Record<string, { rule: Rule }> = {
    default: { rule: dropRule(base) },
    'ets raw': { rule: () => ['ets'] },
    // The control: a correction that is nearly 0 makes a second ETS; this counts ETS twice.
    'default, ETS counted twice': { rule: (p, sc) => dropRule([...base, 'ets2'])(p, sc) },
    "log Holt-Winters raw (the nets' base)": { rule: () => ['loghw'] },
    'level + season raw': { rule: () => ['level+season'] },
  };
  for (const c of configs) {
    const g = `net:${c}`;
    rules[`default + ${c}`] = { rule: dropRule([...base, g]) };
    rules[`${c} alone`] = { rule: dropRule([g]) };
    rules[`${c} raw (never dropped)`] = { rule: () => [g] };
    rules[`median(ets, ${c})`] = { rule: dropRule(['ets', g]) };
    rules[`median(ets, arima, ${c})`] = { rule: dropRule(['ets', 'arima', g]) };
  }
  const rows: string[] = [];
  for (const [rname, { rule }] of Object.entries(rules)) {
    const cells: string[] = [];
    for (const p of PROTOCOLS) {
      const ratios: number[] = [];
      let in80 = 0,
        in95 = 0,
        points = 0;
      const per: string[] = [];
      for (const d of targets) {
        const fcAt = (L: number): Record<string, number[]> => {
          const f: Record<string, number[]> = { ...d.at[L]!.fc };
          for (const c of configs) f[`net:${c}`] = nets[c]![d.name]![L]!;
          f['ets2'] = f['ets']!;
          f['loghw'] = d.at[L]!.base.ets.map((b) => Math.exp(b + d.at[L]!.shift));
          f['level+season'] = d.at[L]!.base.pure.map((b) => Math.exp(b + d.at[L]!.shift));
          return f;
        };
        const r = replaySeries(
          d.values,
          d.season,
          p,
          fcAt,
          (scores) => {
            let chosen = rule(Object.keys(scores), scores);
            if (chosen.length === 0) chosen = ['seasonal-naive'];
            return (f) => (chosen.length === 1 ? f[chosen[0]!]! : medianForecast(chosen.map((m) => f[m]!)));
          },
          true,
        );
        in80 += r.in80;
        in95 += r.in95;
        points += r.points;
        ratios.push(r.ratio);
        per.push(`${d.name} ${r.ratio.toFixed(3)}`);
      }
      cells.push(
        `${geoMean(ratios).toFixed(Number(flag('digits', '3')))} (${((100 * in80) / points).toFixed(1)} % / ${((100 * in95) / points).toFixed(1)} %)`,
      );
      if (args.includes('--per') && p.name === '6x6') console.error(`${rname}: ${per.join(', ')}`);
    }
    rows.push(`| ${rname} | ${cells.join(' | ')} |`);
  }
  console.log(`| rule (${half}) | ${PROTOCOLS.map((p) => p.name).join(' | ')} |`);
  console.log(`| --- | ${PROTOCOLS.map(() => '---:').join(' | ')} |`);
  console.log(rows.join('\n'));
}

if (mode === 'dump') dump();
else if (mode === 'net') await net();
else if (mode === 'score') score();
else {
  console.error('usage: bench/global-net.ts dump|net|score --half dev|eval [--config NAME[,NAME]]');
  process.exit(2);
}
