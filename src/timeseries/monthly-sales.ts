/**
 * A synthetic monthly car-sales series: 120 months, 2015-01 … 2024-12, with an upward trend,
 * the lecture's yearly season (peaks in spring and autumn, the spring one higher) and noise.
 * NOT real data; it exists to exercise the forecaster.
 *
 * Made by this formula, for t = 0 … 119 (month m = t mod 12, 0 = January), rounded to whole cars:
 *
 *   sales(t) = 14000 + 90·t                                    (trend: +1080 cars a year)
 *            + 1500·cos(4π(m − 3)/12) + 600·cos(2π(m − 3)/12)   (season: peaks in April and October)
 *            + 400·ε(t)                                         (noise)
 *
 * where ε(t) are standard normal draws by Box–Muller, ε = √(−2 ln(1 − u))·cos(2πv), from the
 * mulberry32 generator seeded with 2015, taking u then v for each month in turn. The same
 * values are in data/monthly-sales.csv (written by `npx tsx bench/forecast.ts --write-sales`).
 */
import { mulberry32 } from '../data/windows.js';

/** One month: `month` as 'YYYY-MM', `sales` in cars. */
export interface MonthlySales {
  month: string;
  sales: number;
}

/** The series of the module comment's formula: `months` months from 2015-01. */
export function syntheticSales(months = 120): MonthlySales[] {
  const random = mulberry32(2015);
  return Array.from({ length: months }, (_, t) => {
    const m = t % 12;
    const u = random();
    const v = random();
    const eps = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    const sales =
      14000 +
      90 * t +
      1500 * Math.cos((4 * Math.PI * (m - 3)) / 12) +
      600 * Math.cos((2 * Math.PI * (m - 3)) / 12) +
      400 * eps;
    return { month: `${2015 + Math.floor(t / 12)}-${String(m + 1).padStart(2, '0')}`, sales: Math.round(sales) };
  });
}

/** 120 months of synthetic car sales (see the module comment for the formula). */
export const MONTHLY_SALES: MonthlySales[] = syntheticSales();
