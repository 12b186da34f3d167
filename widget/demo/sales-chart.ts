/**
 * The demo's time-series chart (chart.js): the monthly sales history as points, the forecast
 * beyond it as a line, and the held-back year's forecast as a dashed line over the last points
 * (what the RMSE measures). Loaded by the demo page on demand; no training here.
 */
import {
  Chart,
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  Legend,
  Tooltip,
} from 'chart.js';
import { MONTHLY_SALES } from '../../src/timeseries/monthly-sales.js';

export { MONTHLY_SALES };

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

/** The month after `month` ('YYYY-MM'), `n` times. */
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}

export interface SalesChart {
  /** Draws the forecast after the history and, optionally, the held-back tail's forecast. */
  setForecast(forecast: number[], tailForecast?: number[]): void;
  destroy(): void;
}

export function drawSales(
  canvas: HTMLCanvasElement,
  history = MONTHLY_SALES,
  labels = { history: 'Ventas', forecast: 'Pronóstico', tail: 'Pronóstico del último año retenido' },
): SalesChart {
  const style = getComputedStyle(canvas);
  const fg = style.color || '#333';
  const accent = style.getPropertyValue('--accent').trim() || '#1f5fbf';
  const second = style.getPropertyValue('--accent-2').trim() || '#c2410c';
  const months = history.map((h) => h.month);
  const nothing = (n: number) => Array<number | null>(n).fill(null);
  const chart = new Chart(canvas, {
    type: 'line',
    data: {
      labels: months,
      datasets: [
        {
          label: labels.history,
          data: history.map((h) => h.sales),
          showLine: false,
          pointRadius: 2.5,
          borderColor: fg,
          backgroundColor: fg,
        },
        {
          label: labels.forecast,
          data: nothing(history.length),
          borderColor: accent,
          backgroundColor: accent,
          pointRadius: 0,
          borderWidth: 2,
        },
        {
          label: labels.tail,
          data: nothing(history.length),
          borderColor: second,
          backgroundColor: second,
          pointRadius: 0,
          borderWidth: 2,
          borderDash: [6, 4],
        },
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
      plugins: { legend: { labels: { color: fg } } },
    },
  });
  return {
    setForecast(forecast, tailForecast) {
      const n = history.length;
      const future = forecast.map((_, i) => addMonths(months[n - 1]!, i + 1));
      chart.data.labels = [...months, ...future];
      const padded = (xs: (number | null)[]) => [...xs, ...nothing(n + future.length - xs.length)];
      chart.data.datasets[0]!.data = padded(history.map((h) => h.sales));
      // The line starts at the last real point, so it reads as continuing the series.
      chart.data.datasets[1]!.data = [...nothing(n - 1), history[n - 1]!.sales, ...forecast];
      chart.data.datasets[2]!.data = tailForecast
        ? padded([...nothing(n - tailForecast.length), ...tailForecast])
        : padded([]);
      chart.update();
    },
    destroy: () => chart.destroy(),
  };
}
