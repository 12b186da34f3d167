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
