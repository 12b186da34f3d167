/**
 * The demo's time-series chart (chart.js): a monthly series as points, the forecast beyond it as
 * a line, and its 80 % and 95 % intervals as shaded bands that widen with the horizon. The
 * forecast's legend entry names what answered: the methods a combination took the median of, or
 * the one method. The
 * series are the CSVs in data/ (fetched from /data/, read with parseSeriesCsv). Loaded by the
 * demo page on demand; no training here.
 */
import {
  Chart,
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  Filler,
  Legend,
  Tooltip,
} from 'chart.js';
import { MONTHLY_SALES } from '../../src/timeseries/monthly-sales.js';
import { parseSeriesCsv } from '../../src/timeseries/series-csv.js';

export { MONTHLY_SALES };

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler, Legend, Tooltip);

/** One point of a monthly series: `month` as 'YYYY-MM'. */
export interface MonthlyPoint {
  month: string;
  value: number;
}

/** The series the demo offers: file name in data/ (without .csv) and a Spanish label. */
export const SERIES: readonly { name: string; label: string }[] = [
  { name: 'monthly-sales', label: 'Ventas de coches (sintéticas), 2015–2024' },
  { name: 'quebec-car-sales', label: 'Ventas de coches en Quebec, 1960–1968 (el ejemplo de la clase)' },
  { name: 'air-passengers', label: 'Pasajeros aéreos internacionales, 1949–1960' },
  { name: 'uk-driver-deaths', label: 'Conductores muertos o heridos graves, Reino Unido, 1969–1984' },
  { name: 'nottingham-temperature', label: 'Temperatura media en Nottingham (°F), 1920–1939' },
  { name: 'australian-wine-sales', label: 'Ventas de vino en Australia, 1980–1994' },
];

/** Fetches data/NAME.csv from the page's origin and reads its month column and its numeric column. */
export async function loadSeries(name: string, base: string | URL = '/data/'): Promise<MonthlyPoint[]> {
  const response = await fetch(new URL(`${name}.csv`, new URL(base, location.href)));
  if (!response.ok) throw new Error(`cannot load the series "${name}": HTTP ${response.status}`);
  const text = await response.text();
  const { values } = parseSeriesCsv(text);
  const months = text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(',')[0]!.trim());
  return values.map((value, i) => ({ month: months[i]!, value }));
}

/** The month after `month` ('YYYY-MM'), `n` times. */
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}

/** The bands of a forecast, as `forecast()` returns them, and (optionally) what answered. */
export interface Bands {
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
  /** `forecast()`'s `method`: one method's name, or 'combination'. */
  method?: string;
  /** `forecast()`'s `combined`: the methods whose median answered. */
  combined?: readonly string[];
}

/** The methods' names in the legend (Spanish, as the demo). */
const METHOD_NAMES: Record<string, string> = {
  ets: 'Holt-Winters (ETS)',
  'ets-mle': 'Holt-Winters (ETS, máxima verosimilitud)',
  theta: 'Theta',
  arima: 'AR estacional',
  drift: 'ingenuo estacional con deriva',
  'seasonal-naive': 'ingenuo estacional',
  network: 'red recurrente',
  blend: 'red + ETS',
};

/** The forecast's legend entry: what answered, when the result says. */
export function forecastLabel(base: string, bands?: Pick<Bands, 'method' | 'combined'>): string {
  const name = (m: string) => METHOD_NAMES[m] ?? m;
  if (!bands?.method) return base;
  if (bands.method === 'combination' && bands.combined?.length)
    return `${base}: mediana de ${bands.combined.map(name).join(', ')}`;
  return `${base}: ${name(bands.method)}`;
}

export interface SalesChart {
  /** Draws the forecast after the history and, optionally, its 80 % and 95 % bands. */
  setForecast(forecast: number[], bands?: Bands): void;
  /** Replaces the history (another series) and clears the forecast. */
  setHistory(history: MonthlyPoint[]): void;
  /** The plotted values per dataset: history, forecast, lower95, upper95, lower80, upper80. */
  plotted(): (number | null)[][];
  /** The legend entries per dataset, in the same order (the forecast's names what answered). */
  legend(): string[];
  destroy(): void;
}

export function drawSales(
  canvas: HTMLCanvasElement,
  initial: MonthlyPoint[] = MONTHLY_SALES.map((m) => ({ month: m.month, value: m.sales })),
  labels = { history: 'Serie', forecast: 'Pronóstico', band80: 'Intervalo 80 %', band95: 'Intervalo 95 %' },
): SalesChart {
  const style = getComputedStyle(canvas);
  const fg = style.color || '#333';
  const accent = style.getPropertyValue('--accent').trim() || '#1f5fbf';
  const nothing = (n: number) => Array<number | null>(n).fill(null);
  let history = initial;
  const band = (label: string, fill: string | false, alpha: string) => ({
    label,
    data: [] as (number | null)[],
    borderColor: 'transparent',
    backgroundColor: `${accent}${alpha}`,
    pointRadius: 0,
    fill,
  });
  const chart = new Chart<'line', (number | null)[], string>(canvas, {
    type: 'line',
    data: {
      labels: [],
      datasets: [
        { label: labels.history, data: [], showLine: false, pointRadius: 2, borderColor: fg, backgroundColor: fg },
        {
          label: labels.forecast,
          data: [],
          borderColor: accent,
          backgroundColor: accent,
          pointRadius: 0,
          borderWidth: 2,
        },
        band(labels.band95, false, '00'),
        band(labels.band95, '-1', '26'),
        band(labels.band80, false, '00'),
        band(labels.band80, '-1', '40'),
      ],
    },
    options: {
      locale: document.documentElement.lang || 'es',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      color: fg,
      scales: {
        x: { ticks: { color: fg, maxTicksLimit: 12 }, grid: { color: '#8883' } },
        y: { ticks: { color: fg }, grid: { color: '#8883' } },
      },
      plugins: {
        // One legend entry per band: the lower edges are hidden.
        legend: { labels: { color: fg, filter: (item) => item.datasetIndex !== 2 && item.datasetIndex !== 4 } },
      },
    },
  });
  const draw = (forecast: number[], bands?: Bands) => {
    const n = history.length;
    const months = history.map((h) => h.month);
    const future = forecast.map((_, i) => addMonths(months[n - 1]!, i + 1));
    chart.data.labels = [...months, ...future];
    const padded = (xs: (number | null)[]) => [...xs, ...nothing(n + future.length - xs.length)];
    const after = (xs: number[]) => (xs.length ? [...nothing(n - 1), history[n - 1]!.value, ...xs] : []);
    const sets = chart.data.datasets;
    sets[0]!.data = padded(history.map((h) => h.value));
    // The lines start at the last real point, so they read as continuing the series.
    sets[1]!.data = after(forecast);
    sets[2]!.data = after(bands?.lower95 ?? []);
    sets[3]!.data = after(bands?.upper95 ?? []);
    sets[4]!.data = after(bands?.lower80 ?? []);
    sets[5]!.data = after(bands?.upper80 ?? []);
    sets[1]!.label = forecastLabel(labels.forecast, bands);
    chart.update();
  };
  draw([]);
  return {
    setForecast: draw,
    setHistory(next) {
      history = next;
      draw([]);
    },
    plotted: () => chart.data.datasets.map((d) => d.data.slice()),
    legend: () => chart.data.datasets.map((d) => d.label ?? ''),
    destroy: () => chart.destroy(),
  };
}
