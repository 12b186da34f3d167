/**
 * The lab page: trains SimpleRNN, LSTM and GRU side by side in a worker (lab-worker.ts) and plots
 * their loss and accuracy live, the global gradient norm per batch against the clipping
 * threshold, and ‖∂L/∂x_t‖ across the window, the gradient that reaches each input (vanishing
 * gradients). No tfjs on this thread.
 */
import {
  Chart,
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Legend,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import { CELL_TYPES, type CellType } from '../../src/inference/model-config.js';
import type { FromWorker, LabSettings, ToWorker } from './protocol.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip);

const CELLS: readonly CellType[] = CELL_TYPES;
const NAMES: Record<CellType, string> = { rnn: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' };
type Point = { x: number; y: number };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const css = getComputedStyle(document.documentElement);
const colour = (cell: CellType) =>
  css.getPropertyValue(`--${cell}`).trim() || { rnn: '#c2410c', lstm: '#1f5fbf', gru: '#15803d' }[cell];
const fg = css.color || '#333';

function chart(
  id: string,
  o: { x: string; y: string; log?: boolean; yMax?: number },
  datasets: ChartDataset<'line', Point[]>[],
): Chart<'line', Point[]> {
  return new Chart<'line', Point[]>($<HTMLCanvasElement>(id), {
    type: 'line',
    data: { datasets },
    options: {
      locale: document.documentElement.lang || 'es',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
      interaction: { mode: 'nearest', intersect: false },
      color: fg,
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: o.x, color: fg },
          ticks: { color: fg },
          grid: { color: '#8883' },
        },
        y: {
          type: o.log ? 'logarithmic' : 'linear',
          title: { display: true, text: o.y, color: fg },
          grid: { color: '#8883' },
          // Powers of ten only on log axes: 1e-4 … 1e0.
          ticks: {
            color: fg,
            ...(o.log
              ? {
                  callback: (v: string | number) =>
                    Number.isInteger(Math.log10(Number(v))) ? Number(v).toExponential(0) : '',
                }
              : {}),
          },
          ...(o.yMax !== undefined ? { min: 0, max: o.yMax } : {}),
        },
      },
      plugins: { legend: { labels: { color: fg, boxHeight: 2 } } },
    },
  });
}

const perCell = (extra: Partial<ChartDataset<'line', Point[]>> = {}, label = (c: CellType) => NAMES[c]) =>
  CELLS.map((c) => ({
    label: label(c),
    data: [] as Point[],
    borderColor: colour(c),
    backgroundColor: colour(c),
    ...extra,
  }));

const loss = chart('loss', { x: 'lote', y: 'pérdida (entropía cruzada, nats)' }, perCell());
const accuracy = chart('accuracy', { x: 'lote', y: 'acierto (top-1)', yMax: 1 }, perCell());
const norm = chart('norm', { x: 'lote', y: 'norma global del gradiente', log: true }, [
  ...perCell(),
  { label: 'umbral de recorte', data: [], borderColor: fg, backgroundColor: fg, borderDash: [2, 3], borderWidth: 1 },
]);
const steps = chart('steps', { x: 'paso t de la ventana (la pérdida está en el último)', y: '‖∂L/∂xₜ‖', log: true }, [
  ...perCell({}, (c) => `${NAMES[c]} ahora`),
  ...perCell({ borderDash: [6, 4] }, (c) => `${NAMES[c]} tras el recorte por norma`),
  ...perCell({ borderWidth: 1, borderDash: [1, 3] }, (c) => `${NAMES[c]} al empezar`),
]);
const charts = [loss, accuracy, norm, steps];
(window as unknown as { __labCharts: unknown }).__labCharts = { loss, accuracy, norm, steps };

let dirty = false;
function redraw(): void {
  if (dirty) return;
  dirty = true;
  requestAnimationFrame(() => {
    dirty = false;
    for (const c of charts) c.update('none');
  });
}

let worker: Worker | undefined;
let settings: LabSettings | undefined;
let total = 0;
const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

function setState(state: string, text: string): void {
  document.body.dataset.state = state;
  $('status').textContent = text;
  $<HTMLButtonElement>('start').disabled = state === 'running';
  $<HTMLButtonElement>('stop').disabled = state !== 'running';
}

function onMessage(m: FromWorker): void {
  const i = m.type === 'batch' || m.type === 'probe' ? CELLS.indexOf(m.cell) : -1;
  switch (m.type) {
    case 'ready':
      total = m.batches;
      $('setup').textContent =
        `backend ${m.backend} · vocabulario ${m.vocabularySize} · ${m.batches} lotes · parámetros: ${CELLS.filter(
          (c) => m.parameters[c],
        )
          .map((c) => `${NAMES[c]} ${m.parameters[c]!.toLocaleString('es')}`)
          .join(', ')}`;
      break;
    case 'batch': {
      loss.data.datasets[i]!.data.push({ x: m.step, y: m.loss });
      accuracy.data.datasets[i]!.data.push({ x: m.step, y: m.accuracy });
      norm.data.datasets[i]!.data.push({ x: m.step, y: Math.max(m.gradientNorm, 1e-12) });
      if (settings!.clipNorm > 0 && i === 0) norm.data.datasets[3]!.data.push({ x: m.step, y: settings!.clipNorm });
      $(`sum-${m.cell}-loss`).textContent = fmt(m.loss);
      $(`sum-${m.cell}-acc`).textContent = `${(m.accuracy * 100).toFixed(1)} %`;
      $(`sum-${m.cell}-norm`).textContent = `${fmt(m.gradientNorm, 2)}${m.clipped ? ' (recortada)' : ''}`;
      if (i === CELLS.length - 1) {
        $<HTMLProgressElement>('progress').value = m.step / Math.max(1, total);
        setState('running', `Época ${m.epoch} · lote ${m.step} de ${total}`);
      }
      redraw();
      break;
    }
    case 'probe': {
      const points = m.norms.map((y, t) => ({ x: t + 1, y: Math.max(y, 1e-12) }));
      steps.data.datasets[i]!.data = points;
      steps.data.datasets[3 + i]!.data = m.clipScale < 1 ? points.map((p) => ({ x: p.x, y: p.y * m.clipScale })) : [];
      if (steps.data.datasets[6 + i]!.data.length === 0) steps.data.datasets[6 + i]!.data = points;
      const ratio = m.norms[0]! / m.norms[m.norms.length - 1]!;
      $(`sum-${m.cell}-ratio`).textContent = ratio.toExponential(1);
      $(`sum-${m.cell}-ratio`).dataset.value = String(ratio);
      redraw();
      break;
    }
    case 'done':
      setState(m.stopped ? 'stopped' : 'done', m.stopped ? 'Detenido.' : 'Terminado.');
      break;
    case 'error':
      setState('error', `Error: ${m.message}`);
      break;
  }
}

async function start(): Promise<void> {
  const form = $<HTMLFormElement>('settings');
  const data = new FormData(form);
  const num = (k: string) => Number(data.get(k));
  setState('running', 'Cargando el corpus…');
  const res = await fetch(new URL('/dist/corpus/es-conversaciones.txt', location.href));
  const lines = (await res.text())
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .slice(0, num('lines'));
  settings = {
    lines,
    cells: [...CELLS],
    hiddenSize: num('hidden'),
    embeddingSize: num('hidden'),
    window: num('window'),
    clipNorm: data.get('clip') === 'norm' ? 5 : 0,
    clipValue: data.get('clip') === 'value' ? 1 : 0,
    learningRate: num('lr'),
    recurrentGain: num('gain'),
    epochs: num('epochs'),
    vocabularySize: 800,
    probeEvery: 5,
    seed: 1,
  };
  for (const c of charts) for (const d of c.data.datasets) d.data = [];
  redraw();
  worker ??= new Worker(new URL('./lab-worker.js', import.meta.url), { type: 'module', name: 'rnn-predict-lab' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => setState('error', `El worker falló: ${e.message || 'no se pudo cargar'}`);
  setState('running', 'Preparando el worker (tfjs)…');
  worker.postMessage({ type: 'start', settings } satisfies ToWorker);
}

$('settings').addEventListener('submit', (e) => {
  e.preventDefault();
  start().catch((err: Error) => setState('error', `Error: ${err.message}`));
});
$('stop').addEventListener('click', () => worker?.postMessage({ type: 'stop' } satisfies ToWorker));
setState('idle', 'Elige los ajustes y pulsa «Entrenar».');
