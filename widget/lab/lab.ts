/**
 * The lab page: runs the lab's experiment (src/training/lab.ts, the same as `rnn-predict lab`)
 * in a worker (lab-worker.ts) with the remedies the student picks, and plots per configuration
 * the gradient reaching each step of the longest sequences (log axis), the accuracy by length
 * and the loss while training; one shared legend names the configurations. No tfjs here.
 */
import {
  Chart,
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import {
  CELL_TYPES,
  ACTIVATIONS,
  NORMS,
  type CellType,
  type Activation,
  type Norm,
} from '../../src/inference/model/model-config.js';
import {
  LAB_CLIPS,
  LAB_DEFAULTS,
  LAB_INITS,
  labConfigName,
  labConfigs,
  type LabClip,
  type LabConfig,
  type LabInit,
  type LabProgress,
} from '../../src/inference/model/lab-config.js';
import type { FromWorker, LabSettings, ToWorker } from './protocol.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

type Point = { x: number; y: number };
type Dataset = ChartDataset<'line', Point[]>;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const css = getComputedStyle(document.documentElement);
const fg = css.color || '#333';
/** One colour per configuration, in order (distinct on light and dark backgrounds). */
const PALETTE = [
  '#c2410c',
  '#1f5fbf',
  '#15803d',
  '#9333ea',
  '#b45309',
  '#0e7490',
  '#be185d',
  '#4d7c0f',
  '#6b7280',
  '#7c2d12',
  '#1e3a8a',
  '#a21caf',
];
const colour = (i: number) => PALETTE[i % PALETTE.length]!;
/** Values at or below this (a gradient that underflowed to 0) are drawn here on log axes. */
const FLOOR = 1e-30;

function chart(id: string, o: { x: string; y: string; log?: boolean; yMax?: number }): Chart<'line', Point[]> {
  return new Chart<'line', Point[]>($<HTMLCanvasElement>(id), {
    type: 'line',
    data: { datasets: [] },
    options: {
      locale: document.documentElement.lang || 'es',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      elements: { point: { radius: 0 }, line: { borderWidth: 2 } },
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
          // Powers of ten only on log axes, and at most a few of them.
          ticks: {
            color: fg,
            ...(o.log
              ? {
                  maxTicksLimit: 8,
                  callback: (v: string | number) =>
                    Number.isInteger(Math.log10(Number(v))) ? Number(v).toExponential(0) : '',
                }
              : {}),
          },
          ...(o.yMax !== undefined ? { min: 0, max: o.yMax } : {}),
        },
      },
      // One legend for the three charts, in the page (#legend): none inside each chart.
      plugins: { legend: { display: false } },
    },
  });
}

const steps = chart('steps', {
  x: 'paso t (la pérdida está en el último, T = 50)',
  y: '‖∂ℓ/∂xₜ‖ / ‖∂ℓ/∂x_T‖',
  log: true,
});
const accuracy = chart('accuracy', {
  x: 'longitud de la secuencia (la clave está en el paso 1)',
  y: 'acierto',
  yMax: 1,
});
const loss = chart('loss', { x: 'lote', y: 'pérdida (entropía cruzada, nats)' });
const charts = [steps, accuracy, loss];
(window as unknown as { __labCharts: unknown }).__labCharts = { steps, accuracy, loss };

let dirty = false;
function redraw(): void {
  if (dirty) return;
  dirty = true;
  requestAnimationFrame(() => {
    dirty = false;
    for (const c of charts) c.update('none');
  });
}

/** What the page keeps per configuration while the experiment runs. */
interface Run {
  config: LabConfig;
  name: string;
  before: number[][];
  after: number[][];
  accuracy: number[][];
  /** Per step: the sum of the losses of the seeds so far, and how many. */
  lossSum: number[];
  lossCount: number[];
  /** The datasets: after training, before (dashed), accuracy, loss. */
  sets: { after: Dataset; before: Dataset; accuracy: Dataset; loss: Dataset };
}

let worker: Worker | undefined;
let settings: LabSettings | undefined;
let runs: Run[] = [];
let done = 0;

/** ‖∂ℓ/∂x_t‖ / ‖∂ℓ/∂x_T‖ per t, the geometric mean over the seeds so far. */
const relative = (rows: number[][]): Point[] =>
  rows.length === 0
    ? []
    : rows[0]!.map((_, t) => ({
        x: t + 1,
        y: Math.max(
          FLOOR,
          Math.exp(
            rows.reduce(
              (s, r) => s + Math.log(Math.max(r[t]!, FLOOR)) - Math.log(Math.max(r[r.length - 1]!, FLOOR)),
              0,
            ) / rows.length,
          ),
        ),
      }));

function setState(state: string, text: string): void {
  document.body.dataset.state = state;
  $('status').textContent = text;
  $<HTMLButtonElement>('start').disabled = state === 'running';
  $<HTMLButtonElement>('stop').disabled = state !== 'running';
}

/** The legend: a swatch and a name per configuration, shared by the three charts. */
function drawLegend(): void {
  const ul = $('legend');
  ul.replaceChildren(
    ...runs.map((r, i) => {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colour(i);
      li.append(swatch, r.name);
      return li;
    }),
  );
}

const sci = (x: number) => (x === 0 ? '0' : x.toExponential(1));

/** The results table: one row per configuration, the ratio per seed, the accuracy at 10 and 50. */
function drawTable(): void {
  const body = $('results');
  body.replaceChildren(
    ...runs.map((r, i) => {
      const tr = document.createElement('tr');
      tr.dataset.cell = r.config.cell;
      tr.dataset.config = String(i);
      const ratios = r.after.map((n) => n[0]! / n[n.length - 1]!);
      const before = r.before.map((n) => n[0]! / n[n.length - 1]!);
      tr.dataset.ratio = JSON.stringify(ratios);
      const mean = (k: number) =>
        r.accuracy.length === 0
          ? '—'
          : `${Math.round((r.accuracy.reduce((s, a) => s + a[k]!, 0) / r.accuracy.length) * 100)} %`;
      const last = LAB_DEFAULTS.testLengths.length - 1;
      const cells = [
        r.name,
        ratios.length ? ratios.map(sci).join(' · ') : '—',
        before.length ? before.map(sci).join(' · ') : '—',
        mean(0),
        mean(last),
      ];
      cells.forEach((text, k) => {
        const td = document.createElement(k === 0 ? 'th' : 'td');
        if (k === 0) {
          td.setAttribute('scope', 'row');
          const swatch = document.createElement('span');
          swatch.className = 'swatch';
          swatch.style.background = colour(i);
          td.append(swatch);
        }
        td.append(text);
        tr.append(td);
      });
      return tr;
    }),
  );
}

function onProgress(p: LabProgress): void {
  const r = runs[p.config]!;
  const total = settings!.configs.length * settings!.seeds.length;
  switch (p.type) {
    case 'start':
      r.before.push(p.norms);
      r.sets.before.data = relative(r.before);
      setState('running', `${r.name}: semilla ${p.seed} (${done + 1} de ${total})`);
      break;
    case 'batch': {
      const k = p.step - 1;
      r.lossSum[k] = (r.lossSum[k] ?? 0) + p.loss;
      r.lossCount[k] = (r.lossCount[k] ?? 0) + 1;
      const pts = r.sets.loss.data;
      const point = { x: p.step, y: r.lossSum[k]! / r.lossCount[k]! };
      if (k < pts.length) pts[k] = point;
      else pts.push(point);
      $<HTMLProgressElement>('progress').value = (done + p.step / settings!.steps) / total;
      break;
    }
    case 'end':
      done++;
      r.after.push(p.norms);
      r.accuracy.push(p.accuracy);
      r.sets.after.data = relative(r.after);
      r.sets.accuracy.data = LAB_DEFAULTS.testLengths.map((length, k) => ({
        x: length,
        y: r.accuracy.reduce((s, a) => s + a[k]!, 0) / r.accuracy.length,
      }));
      drawTable();
      break;
  }
  redraw();
}

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case 'ready':
      $('setup').textContent =
        `backend ${m.backend} · ${settings!.configs.length} configuraciones × ${settings!.seeds.length} semillas · ` +
        `${settings!.steps} lotes de ${LAB_DEFAULTS.batchSize} secuencias cada una · estado oculto ${LAB_DEFAULTS.hiddenSize}`;
      break;
    case 'progress':
      onProgress(m.progress);
      break;
    case 'done':
      setState(m.stopped ? 'stopped' : 'done', m.stopped ? 'Detenido.' : 'Terminado.');
      break;
    case 'error':
      setState('error', `Error: ${m.message}`);
      break;
  }
}

const checked = <T extends string>(name: string, allowed: readonly T[]): T[] =>
  [...document.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)]
    .map((i) => i.value as T)
    .filter((v) => allowed.includes(v));

function start(): void {
  const form = new FormData($<HTMLFormElement>('settings'));
  const configs = labConfigs({
    cells: checked<CellType>('cell', CELL_TYPES),
    activations: checked<Activation>('activation', ACTIVATIONS),
    norms: checked<Norm>('norm', NORMS),
    inits: [form.get('init') as LabInit].filter((v) => LAB_INITS.includes(v)),
    clips: [form.get('clip') as LabClip].filter((v) => LAB_CLIPS.includes(v)),
  });
  if (configs.length === 0) {
    setState('idle', 'Marca al menos una celda, una activación y una normalización.');
    return;
  }
  settings = {
    configs,
    seeds: LAB_DEFAULTS.seeds.slice(0, Number(form.get('seeds'))),
    steps: Number(form.get('steps')),
  };
  done = 0;
  runs = configs.map((config, i) => {
    const c = colour(i);
    const line = (extra: Partial<Dataset> = {}): Dataset => ({
      label: labConfigName(config),
      data: [],
      borderColor: c,
      backgroundColor: c,
      ...extra,
    });
    return {
      config,
      name: labConfigName(config),
      before: [],
      after: [],
      accuracy: [],
      lossSum: [],
      lossCount: [],
      sets: {
        after: line(),
        before: line({ borderDash: [4, 4], borderWidth: 1.25, label: `${labConfigName(config)} (al empezar)` }),
        accuracy: line({ pointRadius: 3 }),
        loss: line({ borderWidth: 1.25 }),
      },
    };
  });
  steps.data.datasets = runs.flatMap((r) => [r.sets.after, r.sets.before]);
  accuracy.data.datasets = [
    ...runs.map((r) => r.sets.accuracy),
    {
      label: 'azar (1 de 4 claves)',
      data: [
        { x: LAB_DEFAULTS.minLength, y: 1 / LAB_DEFAULTS.keys },
        { x: LAB_DEFAULTS.maxLength, y: 1 / LAB_DEFAULTS.keys },
      ],
      borderColor: fg,
      backgroundColor: fg,
      borderDash: [2, 3],
      borderWidth: 1,
    },
  ];
  loss.data.datasets = runs.map((r) => r.sets.loss);
  drawLegend();
  drawTable();
  redraw();
  $<HTMLProgressElement>('progress').value = 0;
  worker ??= new Worker(new URL('./lab-worker.js', import.meta.url), { type: 'module', name: 'rnn-predict-lab' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => setState('error', `El worker falló: ${e.message || 'no se pudo cargar'}`);
  setState('running', 'Preparando el worker (tfjs)…');
  worker.postMessage({ type: 'start', settings } satisfies ToWorker);
}

$('settings').addEventListener('submit', (e) => {
  e.preventDefault();
  start();
});
$('stop').addEventListener('click', () => worker?.postMessage({ type: 'stop' } satisfies ToWorker));
setState('idle', 'Elige los remedios y pulsa «Entrenar».');
