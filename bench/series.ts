/**
 * The real series of data/ the forecasting benches score (bench/forecast.ts, bench/global-net.ts),
 * split once into a development and an evaluation half (data/README.md). Benchmarks only.
 */

/** The real series of data/, their season and their half (data/README.md says why each is where). */
export const SERIES: readonly { name: string; season: number; half: 'dev' | 'eval' }[] = [
  { name: 'quebec-car-sales', season: 12, half: 'dev' },
  { name: 'air-passengers', season: 12, half: 'dev' },
  { name: 'uk-driver-deaths', season: 12, half: 'dev' },
  { name: 'nottingham-temperature', season: 12, half: 'dev' },
  { name: 'australian-wine-sales', season: 12, half: 'dev' },
  { name: 'mauna-loa-co2', season: 12, half: 'dev' },
  { name: 'uk-front-seat-casualties', season: 12, half: 'dev' },
  { name: 'uk-distance-driven', season: 12, half: 'dev' },
  { name: 'uk-gas-quarterly', season: 4, half: 'dev' },

  { name: 'australian-gas', season: 12, half: 'eval' },
  { name: 'uk-drivers-killed', season: 12, half: 'eval' },
  { name: 'uk-rear-seat-casualties', season: 12, half: 'eval' },
  { name: 'uk-van-drivers-killed', season: 12, half: 'eval' },
  { name: 'uk-petrol-price', season: 12, half: 'eval' },
  { name: 'johnson-johnson-quarterly', season: 4, half: 'eval' },
  { name: 'australian-residents-quarterly', season: 4, half: 'eval' },
  { name: 'australian-wool-quarterly', season: 4, half: 'eval' },
];

/**
 * Training-only series of data/extra/ (issue #33's fifth round): never scored, only added to the
 * training windows of bench/global-net.ts's network (data/README.md gives the rule they were
 * chosen by).
 */
export const EXTRA_SERIES: readonly { name: string; season: number }[] = [
  { name: 'us-accidental-deaths', season: 12 },
  { name: 'uk-lung-deaths-male', season: 12 },
  { name: 'uk-lung-deaths-female', season: 12 },
  { name: 'dutch-retail-sales', season: 12 },
  { name: 'us-ppi', season: 12 },
  { name: 'nino3-sst', season: 12 },
  { name: 'nino34-sst', season: 12 },
  { name: 'uk-nondurables-quarterly', season: 4 },
  { name: 'us-production-quarterly', season: 4 },
  { name: 'german-unemployment-quarterly', season: 4 },
  { name: 'japan-gdp-quarterly', season: 4 },
  { name: 'orange-county-employment-quarterly', season: 4 },
];
