/**
 * Issue #33's sixth round (docs/forecasting.md): which rule combines forecast()'s classical
 * candidates, chosen on a development half three times as large as before.
 *
 *   node --import tsx bench/rules.ts dump --half dev     # every candidate's forecast at every length needed
 *   node --import tsx bench/rules.ts score --half dev    # every rule, ranked (--per: each series; --round5: the 9 older series)
 *   node --import tsx bench/rules.ts score --half dev --comb   # the seventh round: `comb` as a fifth method
 *   node --import tsx bench/rules.ts score --half dev --ets-mle  # the ninth: ETS estimated as R's (etsMle)
 *   node --import tsx bench/rules.ts score --half dev --ets-mle --bands  # the tenth: ways to draw the bands
 *   node --import tsx bench/rules.ts score --half dev --ets-mle --spreads  # the eleventh: σₕ, across series
 *
 * `dump` computes, for every training length a bench origin (6 origins 6 apart; on the
 * development half also 12 origins 3 apart) or one of forecast()'s own backtest origins inside
 * it needs, the forecasts of forecast()'s candidates (ets, theta, arima, drift, seasonal naive) as
 * forecast() computes them. `score` replays forecast()'s choice at each bench origin with every
 * rule: a candidate whose backtest RMSE is not below seasonal naive's is dropped (issue #33's item
 * 4); the rule combines those left (seasonal naive answers when none is); the bands come from the
 * answer's backtest errors, widened as forecast() widens them. The rules: for every non-empty
 * subset of the four methods, their median, their mean and weights ∝ 1/backtest MSE; the median
 * with ETS counted twice; the single best by backtest. Files go to $RULES_DIR (default /tmp/rules).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fitHoltWinters, holtWintersPath, seasonalNaive, seasonalNaiveDrift } from '../src/timeseries/baselines.js';
import { etsMle, seasonalAr, theta } from '../src/timeseries/classical.js';
import { BAND_RULES, normalBands, SPREADS, spreadBands, type BandRule } from './bands.js';
import { comb } from './comb.js';

import { medianForecast } from '../src/timeseries/select.js';
import { parseSeriesCsv } from '../src/timeseries/series-csv.js';
import { benchOrigins, geoMean, HORIZON, innerOrigins, replaySeries, SERIES, seriesText } from './series.js';

const DIR = process.env.RULES_DIR ?? '/tmp/rules';
const args = process.argv.slice(2);
const mode = args[0];
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const half = flag('half', 'dev') as 'dev' | 'eval';
const PROTOCOLS = [
  { name: '6x6', origins: 6, step: 6 },
  ...(half === 'dev' ? [{ name: '12x3', origins: 12, step: 3 }] : []),
];
/**
 * forecast()'s methods until the ninth round, `comb` with --comb (the seventh round), `ets-mle`
 * with --ets-mle (the ninth, since then one of forecast()'s).
 */
const METHODS = [
  'ets',
  'theta',
  'arima',
  'drift',
  ...(args.includes('--comb') ? ['comb'] : []),
  ...(args.includes('--ets-mle') ? ['ets-mle'] : []),
] as const;
type Fc = Record<string, number[]>;
interface Dumped {
  name: string;
  season: number;
  round?: number;
  values: number[];
  at: Record<number, Fc>;
}

function candidates(train: number[], season: number): Fc {
  const fit = fitHoltWinters(train, season);
  const path = holtWintersPath(fit, HORIZON);
  return {
    ets: fit.log ? path.map(Math.exp) : path,
    theta: theta(train, season, HORIZON),
    arima: seasonalAr(train, season, HORIZON),
    drift: seasonalNaiveDrift(train, season, HORIZON),
    'seasonal-naive': seasonalNaive(train, season, HORIZON),
    comb: comb(train, season, HORIZON),
    'ets-mle': etsMle(train, season, HORIZON),
  };
}

function dump() {
  mkdirSync(DIR, { recursive: true });
  const out: Dumped[] = [];
  const t0 = Date.now();
  for (const s of SERIES.filter((x) => x.half === half)) {
    const values = parseSeriesCsv(seriesText(s)).values;
    const lengths = new Set<number>();
    for (const p of PROTOCOLS)
      for (const T of benchOrigins(values.length, p)) {
        lengths.add(T);
        for (const o of innerOrigins(T, s.season)) lengths.add(o);
      }
    const at: Dumped['at'] = {};
    for (const L of [...lengths].sort((a, b) => a - b)) at[L] = candidates(values.slice(0, L), s.season);
    out.push({ name: s.name, season: s.season, round: s.round, values, at });
    console.error(`${s.name}: ${lengths.size} lengths, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  writeFileSync(`${DIR}/dump-${half}.json`, JSON.stringify(out));
}

/** A rule: from the backtest RMSEs of the methods kept, the forecast that answers. */
interface Rule {
  name: string;
  /** The methods it may combine (before item 4's drop). */
  pool: readonly string[];
  combine: (kept: string[], scores: Record<string, number>, fc: Fc) => number[];
}
const mean = (fs: number[][]) => fs[0]!.map((_, h) => fs.reduce((s, f) => s + f[h]!, 0) / fs.length);
const weighted = (fs: number[][], ws: number[]) => {
  const total = ws.reduce((a, b) => a + b, 0);
  return fs[0]!.map((_, h) => fs.reduce((s, f, i) => s + ws[i]! * f[h]!, 0) / total);
};
function rules(): Rule[] {
  const out: Rule[] = [];
  for (let mask = 1; mask < 1 << METHODS.length; mask++) {
    const pool = METHODS.filter((_, i) => mask & (1 << i));
    const list = pool.join(',');
    out.push({ name: `median(${list})`, pool, combine: (k, _s, f) => medianForecast(k.map((m) => f[m]!)) });
    if (pool.length === 1) continue;
    out.push({ name: `mean(${list})`, pool, combine: (k, _s, f) => mean(k.map((m) => f[m]!)) });
    out.push({
      name: `1/MSE(${list})`,
      pool,
      combine: (k, s, f) =>
        weighted(
          k.map((m) => f[m]!),
          k.map((m) => 1 / s[m]! ** 2),
        ),
    });
  }
  for (const r of out.filter((x) => x.name.startsWith('median(') && x.pool.includes('ets') && x.pool.length > 1))
    out.push({
      name: `median(${r.pool.join(',')}, ETS twice)`,
      pool: r.pool,
      combine: (k, _s, f) => medianForecast([...k, ...(k.includes('ets') ? ['ets'] : [])].map((m) => f[m]!)),
    });
  out.push({
    name: 'best by backtest',
    pool: METHODS,
    combine: (k, s, f) => f[k.reduce((b, m) => (s[m]! < s[b]! ? m : b))]!,
  });
  return out;
}

/** What forecast() with `rule` would have answered on one dumped series under protocol `p`. */
function replayRule(rule: Rule, d: Dumped, p: { origins: number; step: number }, bands?: BandRule) {
  return replaySeries(
    d.values,
    d.season,
    p,
    (L) => d.at[L]!,
    (scores) => {
      const kept = rule.pool.filter((m) => scores[m]! < scores['seasonal-naive']!);
      return (f) => (kept.length === 0 ? f['seasonal-naive']! : rule.combine(kept, scores, f));
    },
    d.values.every((v) => v > 0),
    bands,
  );
}

/** A rule's geometric-mean RMSE relative to seasonal naive and its pooled band coverage under one protocol. */
function scoreRule(rule: Rule, targets: Dumped[], p: { origins: number; step: number }, bands?: BandRule) {
  const ratios: Record<string, number> = {};
  let in80 = 0;
  let in95 = 0;
  let points = 0;
  for (const d of targets) {
    const r = replayRule(rule, d, p, bands);
    in80 += r.in80;
    in95 += r.in95;
    points += r.points;
    ratios[d.name] = r.ratio;
  }
  return { geo: geoMean(Object.values(ratios)), ratios, p80: in80 / points, p95: in95 / points };
}

function score() {
  let targets: Dumped[] = JSON.parse(readFileSync(`${DIR}/dump-${half}.json`, 'utf8'));
  if (args.includes('--round5')) targets = targets.filter((d) => d.round === undefined);
  const only = flag('rules', '');
  const all = rules().filter((r) => !only || only.split(';').includes(r.name));
  const digits = Number(flag('digits', '3'));
  const rows = all.map((r) => {
    const byProtocol = PROTOCOLS.map((p) => scoreRule(r, targets, p));
    return { r, byProtocol, key: geoMean(byProtocol.map((x) => x.geo)) };
  });
  rows.sort((a, b) => a.key - b.key);
  const pc = (v: number) => `${(100 * v).toFixed(1)} %`;
  console.log(`${targets.length} series (${half}${args.includes('--round5') ? ', the 9 of rounds 1–5' : ''})\n`);
  console.log(`| rank | rule | ${PROTOCOLS.map((p) => p.name).join(' | ')} | bands 80 % / 95 % (6x6) |`);
  console.log(`| ---: | --- | ${PROTOCOLS.map(() => '---:').join(' | ')} | ---: |`);
  rows.forEach((row, i) => {
    const mark =
      row.r.name === 'median(ets,theta,arima,drift,ets-mle)'
        ? ' (the default)'
        : row.r.name === 'median(ets,theta,arima,drift)'
          ? ' (the default until the ninth round)'
          : '';
    const first = row.byProtocol[0]!;
    console.log(
      `| ${i + 1} | ${row.r.name}${mark} | ${row.byProtocol.map((x) => x.geo.toFixed(digits)).join(' | ')} | ${pc(first.p80)} / ${pc(first.p95)} |`,
    );
  });
  if (args.includes('--per'))
    for (const row of rows.slice(0, Number(flag('top', '5'))))
      console.error(
        `${row.r.name}: ${Object.entries(row.byProtocol[0]!.ratios)
          .map(([n, v]) => `${n} ${v.toFixed(3)}`)
          .join(', ')}`,
      );
}

/**
 * The tenth round: forecast()'s default rule with each way of drawing the bands, its coverage
 * under both protocols, and the round's miss and gap (docs/forecasting.md); the winner by its rule.
 */
function scoreBands() {
  const targets: Dumped[] = JSON.parse(readFileSync(`${DIR}/dump-${half}.json`, 'utf8'));
  const rule = rules().find((r) => r.name === `median(${METHODS.join(',')})`);
  if (!rule) throw new Error(`no rule median(${METHODS.join(',')})`);
  const variants: Record<string, BandRule> = { ...BAND_RULES };
  if (half === 'dev') {
    // normal-refit: per band, the smallest factor on the grid that brings 6×6 coverage to nominal.
    const grid = Array.from({ length: 25 }, (_, i) => Math.round((0.8 + 0.05 * i) * 100) / 100);
    const cover = (k: number) => scoreRule(rule, targets, PROTOCOLS[0]!, normalBands({ p80: k, p95: k }));
    const fits = grid.map((k) => ({ k, c: cover(k) }));
    const p80 = fits.find((x) => x.c.p80 >= 0.8)?.k ?? 2;
    const p95 = fits.find((x) => x.c.p95 >= 0.95)?.k ?? 2;
    console.log(`normal-refit: factors ${p80} (80 %) and ${p95} (95 %)\n`);
    variants['normal-refit'] = normalBands({ p80, p95 });
  }
  const goal = (c: number, lo: number, hi: number) => (c < lo ? lo - c : c > hi ? c - hi : 0);
  const round1 = (v: number) => Math.round(1000 * v) / 10;
  const rows = Object.entries(variants).map(([name, bands]) => {
    const cov = PROTOCOLS.map((p) => scoreRule(rule, targets, p, bands)).map((x) => ({
      p80: round1(x.p80),
      p95: round1(x.p95),
      geo: x.geo,
    }));
    const miss = cov.reduce((s, c) => s + goal(c.p80, 75, 85) + goal(c.p95, 92, 98), 0);
    const gap = cov.reduce((s, c) => s + Math.abs(c.p80 - 80) + Math.abs(c.p95 - 95), 0);
    return { name, cov, miss, gap };
  });
  console.log(`${targets.length} series (${half}), rule ${rule.name}\n`);
  console.log(
    `| bands | ${PROTOCOLS.map((p) => `${p.name} 80 % / 95 %`).join(' | ')} | miss | gap | RMSE ${PROTOCOLS.map((p) => p.name).join(' / ')} |`,
  );
  console.log(`| --- | ${PROTOCOLS.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`);
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.cov.map((c) => `${c.p80.toFixed(1)} % / ${c.p95.toFixed(1)} %`).join(' | ')} | ${r.miss.toFixed(1)} | ${r.gap.toFixed(1)} | ${r.cov.map((c) => c.geo.toFixed(4)).join(' / ')} |`,
    );
  const best = [...rows].sort((a, b) => a.miss - b.miss || a.gap - b.gap)[0]!;
  const now = rows.find((r) => r.name === 'normal')!;
  const replaces =
    best.name !== 'normal' && (best.miss < now.miss || (best.miss === now.miss && best.gap <= now.gap - 1));
  console.log(
    `\nleast miss: ${best.name}; ${replaces ? 'it replaces normal by the rule' : 'normal stays by the rule'}`,
  );
}

/**
 * The eleventh round (docs/forecasting.md): for each estimate of σₕ in SPREADS, under normal
 * bands, leave-series-out cross-validation on the development half. The series, in SERIES' order,
 * fall in 7 folds (position mod 7); for each fold, factors fitted on the other series as the tenth
 * round fitted them (per band, the smallest on the grid that brings the 6×6 protocol's pooled
 * coverage to nominal) draw the fold's bands. cv-miss: the sum over folds and bands of the fold's
 * coverage outside the goal ranges; the least wins, and replaces `rms` only if at least 1 point
 * lower and the factors fitted on all the series keep both protocols inside the ranges.
 */
function scoreSpreads() {
  const targets: Dumped[] = JSON.parse(readFileSync(`${DIR}/dump-${half}.json`, 'utf8'));
  if (half !== 'dev') throw new Error('--spreads runs on the development half only');
  const rule = rules().find((r) => r.name === `median(${METHODS.join(',')})`);
  if (!rule) throw new Error(`no rule median(${METHODS.join(',')})`);
  const FOLDS = 7;
  const grid = Array.from({ length: 45 }, (_, i) => Math.round((0.8 + 0.05 * i) * 100) / 100);
  const round1 = (v: number) => Math.round(1000 * v) / 10;
  const goal = (c: number, lo: number, hi: number) => (c < lo ? lo - c : c > hi ? c - hi : 0);
  const miss = (p80: number, p95: number) => goal(p80, 75, 85) + goal(p95, 92, 98);
  /** Pooled coverage of `series` (indices) from per-series counts. */
  const pool = (counts: { in80: number; in95: number; points: number }[], series: number[]) => {
    const sum = (k: 'in80' | 'in95' | 'points') => series.reduce((a, i) => a + counts[i]![k], 0);
    return { p80: sum('in80') / sum('points'), p95: sum('in95') / sum('points') };
  };
  const fit = (byK: { in80: number; in95: number; points: number }[][], series: number[]) => {
    const covs = grid.map((_, g) => pool(byK[g]!, series));
    const at = (band: 'p80' | 'p95', nominal: number) => {
      const g = covs.findIndex((c) => c[band] >= nominal);
      return g < 0 ? grid.length - 1 : g;
    };
    return { g80: at('p80', 0.8), g95: at('p95', 0.95) };
  };
  const replay = (d: Dumped, p: { origins: number; step: number }, bands: BandRule) => replayRule(rule, d, p, bands);
  console.log(`${targets.length} series (${half}), rule ${rule.name}, ${FOLDS} folds\n`);
  console.log(
    '| σₕ | factors (all) | 6x6 80 % / 95 % | 12x3 80 % / 95 % | cv 80 % / 95 % | cv-miss | folds (80 % / 95 %) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  const rows = Object.entries(SPREADS).map(([name, spread]) => {
    // Per factor on the grid, per series: the 6×6 counts with that factor on both bands.
    const byK = grid.map((k) => targets.map((d) => replay(d, PROTOCOLS[0]!, spreadBands(spread, { p80: k, p95: k }))));
    const all = targets.map((_, i) => i);
    let cvMiss = 0;
    const held: { in80: number; in95: number; points: number }[] = [];
    const folds: string[] = [];
    for (let f = 0; f < FOLDS; f++) {
      const test = all.filter((i) => i % FOLDS === f);
      const { g80, g95 } = fit(
        byK,
        all.filter((i) => i % FOLDS !== f),
      );
      const c80 = pool(byK[g80]!, test).p80;
      const c95 = pool(byK[g95]!, test).p95;
      cvMiss += miss(round1(c80), round1(c95));
      folds.push(`${round1(c80).toFixed(1)}/${round1(c95).toFixed(1)}`);
      const points = test.reduce((a, i) => a + byK[g80]![i]!.points, 0);
      held.push({ in80: c80 * points, in95: c95 * points, points });
    }
    const cv = pool(held, [...held.keys()]);
    const { g80, g95 } = fit(byK, all);
    const widen = { p80: grid[g80]!, p95: grid[g95]! };
    const cov = PROTOCOLS.map((p) => {
      let in80 = 0;
      let in95 = 0;
      let points = 0;
      for (const d of targets) {
        const r = replay(d, p, spreadBands(spread, widen));
        in80 += r.in80;
        in95 += r.in95;
        points += r.points;
      }
      return { p80: round1(in80 / points), p95: round1(in95 / points) };
    });
    const inside = cov.every((c) => miss(c.p80, c.p95) === 0);
    console.log(
      `| ${name} | ${widen.p80} / ${widen.p95} | ${cov.map((c) => `${c.p80.toFixed(1)} % / ${c.p95.toFixed(1)} %`).join(' | ')} | ${round1(cv.p80).toFixed(1)} % / ${round1(cv.p95).toFixed(1)} % | ${cvMiss.toFixed(1)} | ${folds.join(', ')} |`,
    );
    return { name, cvMiss, inside, widen };
  });
  const best = [...rows].sort((a, b) => a.cvMiss - b.cvMiss)[0]!;
  const now = rows.find((r) => r.name === 'rms')!;
  const replaces = best.name !== 'rms' && best.cvMiss <= now.cvMiss - 1 && best.inside;
  console.log(
    `\nleast cv-miss: ${best.name} (${best.cvMiss.toFixed(1)}, rms ${now.cvMiss.toFixed(1)}); ${replaces ? `it replaces rms by the rule, factors ${best.widen.p80} / ${best.widen.p95}` : 'rms stays by the rule'}`,
  );
}

if (mode === 'dump') dump();
else if (mode === 'score' && args.includes('--spreads')) scoreSpreads();
else if (mode === 'score' && args.includes('--bands')) scoreBands();
else if (mode === 'score') score();
else {
  console.error(
    'usage: bench/rules.ts dump|score --half dev|eval [--comb] [--ets-mle] [--bands] [--spreads] [--per] [--round5] [--rules "A;B"] [--digits N]',
  );
  process.exit(2);
}
