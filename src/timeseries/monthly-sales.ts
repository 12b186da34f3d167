/**
 * A synthetic monthly car-sales series: 120 months, 2015-01 … 2024-12, with an upward trend,
 * a yearly season and noise. NOT real data; it exists to exercise the forecaster.
 *
 * Made by this formula, for t = 0 … 119 (month m = t mod 12, 0 = January), rounded to whole cars:
 *
 *   sales(t) = 14000 + 90·t                                    (trend: +1080 cars a year)
 *            + 2000·sin(2π(m − 2)/12) + 800·cos(4π·m/12)        (season: peak in summer)
 *            + 400·ε(t)                                         (noise)
 *
 * where ε(t) are standard normal draws by Box–Muller, ε = √(−2 ln(1 − u))·cos(2πv), from the
 * mulberry32 generator seeded with 2015, taking u then v for each month in turn. The same
 * values are in data/monthly-sales.csv.
 */

/** One month: `month` as 'YYYY-MM', `sales` in cars. */
export interface MonthlySales {
  month: string;
  sales: number;
}

/** 120 months of synthetic car sales (see the module comment for the formula). */
export const MONTHLY_SALES: MonthlySales[] = [
  { month: '2015-01', sales: 12894 }, { month: '2015-02', sales: 13240 }, { month: '2015-03', sales: 14127 }, { month: '2015-04', sales: 13883 },
  { month: '2015-05', sales: 14980 }, { month: '2015-06', sales: 16915 }, { month: '2015-07', sales: 17222 }, { month: '2015-08', sales: 15623 },
  { month: '2015-09', sales: 14327 }, { month: '2015-10', sales: 13054 }, { month: '2015-11', sales: 12223 }, { month: '2015-12', sales: 13102 },
  { month: '2016-01', sales: 14675 }, { month: '2016-02', sales: 13403 }, { month: '2016-03', sales: 14887 }, { month: '2016-04', sales: 15213 },
  { month: '2016-05', sales: 16885 }, { month: '2016-06', sales: 18120 }, { month: '2016-07', sales: 18055 }, { month: '2016-08', sales: 17421 },
  { month: '2016-09', sales: 15255 }, { month: '2016-10', sales: 14023 }, { month: '2016-11', sales: 13438 }, { month: '2016-12', sales: 13914 },
  { month: '2017-01', sales: 15145 }, { month: '2017-02', sales: 15143 }, { month: '2017-03', sales: 16408 }, { month: '2017-04', sales: 16651 },
  { month: '2017-05', sales: 17715 }, { month: '2017-06', sales: 18625 }, { month: '2017-07', sales: 18771 }, { month: '2017-08', sales: 18530 },
  { month: '2017-09', sales: 15992 }, { month: '2017-10', sales: 14815 }, { month: '2017-11', sales: 14984 }, { month: '2017-12', sales: 15876 },
  { month: '2018-01', sales: 16520 }, { month: '2018-02', sales: 16245 }, { month: '2018-03', sales: 16421 }, { month: '2018-04', sales: 17598 },
  { month: '2018-05', sales: 18405 }, { month: '2018-06', sales: 20144 }, { month: '2018-07', sales: 21037 }, { month: '2018-08', sales: 18900 },
  { month: '2018-09', sales: 17467 }, { month: '2018-10', sales: 16147 }, { month: '2018-11', sales: 16465 }, { month: '2018-12', sales: 17160 },
  { month: '2019-01', sales: 17043 }, { month: '2019-02', sales: 18232 }, { month: '2019-03', sales: 17912 }, { month: '2019-04', sales: 18097 },
  { month: '2019-05', sales: 20193 }, { month: '2019-06', sales: 20286 }, { month: '2019-07', sales: 21001 }, { month: '2019-08', sales: 19889 },
  { month: '2019-09', sales: 19489 }, { month: '2019-10', sales: 17110 }, { month: '2019-11', sales: 16738 }, { month: '2019-12', sales: 17924 },
  { month: '2020-01', sales: 18110 }, { month: '2020-02', sales: 19531 }, { month: '2020-03', sales: 19466 }, { month: '2020-04', sales: 19767 },
  { month: '2020-05', sales: 21391 }, { month: '2020-06', sales: 21977 }, { month: '2020-07', sales: 22011 }, { month: '2020-08', sales: 21597 },
  { month: '2020-09', sales: 19802 }, { month: '2020-10', sales: 18962 }, { month: '2020-11', sales: 18057 }, { month: '2020-12', sales: 18238 },
  { month: '2021-01', sales: 19660 }, { month: '2021-02', sales: 19836 }, { month: '2021-03', sales: 20317 }, { month: '2021-04', sales: 20951 },
  { month: '2021-05', sales: 22378 }, { month: '2021-06', sales: 23279 }, { month: '2021-07', sales: 23928 }, { month: '2021-08', sales: 22442 },
  { month: '2021-09', sales: 21115 }, { month: '2021-10', sales: 19628 }, { month: '2021-11', sales: 19678 }, { month: '2021-12', sales: 19936 },
  { month: '2022-01', sales: 20247 }, { month: '2022-02', sales: 20770 }, { month: '2022-03', sales: 21226 }, { month: '2022-04', sales: 22175 },
  { month: '2022-05', sales: 23190 }, { month: '2022-06', sales: 24448 }, { month: '2022-07', sales: 24739 }, { month: '2022-08', sales: 23692 },
  { month: '2022-09', sales: 21557 }, { month: '2022-10', sales: 20320 }, { month: '2022-11', sales: 20235 }, { month: '2022-12', sales: 20906 },
  { month: '2023-01', sales: 21159 }, { month: '2023-02', sales: 22084 }, { month: '2023-03', sales: 23153 }, { month: '2023-04', sales: 22682 },
  { month: '2023-05', sales: 23986 }, { month: '2023-06', sales: 25948 }, { month: '2023-07', sales: 25348 }, { month: '2023-08', sales: 23593 },
  { month: '2023-09', sales: 22911 }, { month: '2023-10', sales: 22089 }, { month: '2023-11', sales: 21758 }, { month: '2023-12', sales: 22207 },
  { month: '2024-01', sales: 22411 }, { month: '2024-02', sales: 23085 }, { month: '2024-03', sales: 23537 }, { month: '2024-04', sales: 24998 },
  { month: '2024-05', sales: 25126 }, { month: '2024-06', sales: 27009 }, { month: '2024-07', sales: 27073 }, { month: '2024-08', sales: 25215 },
  { month: '2024-09', sales: 24558 }, { month: '2024-10', sales: 22803 }, { month: '2024-11', sales: 22077 }, { month: '2024-12', sales: 23122 },
];
