/**
 * The lab's configurations and results: names, defaults and checks that the experiment
 * (src/training/lab.ts, tfjs) and the lab page (widget/lab, no tfjs) both use, written once.
 * No tfjs, no DOM.
 */
import { ACTIVATIONS, CELL_TYPES, NORMS, type Activation, type CellType, type Norm } from './model-config.js';
import { checkOneOf, describe } from '../../base/checks.js';

/** Initialisations: Glorot-uniform (the engine's), or a naive N(0, 1) for every matrix. */
export const LAB_INITS = ['glorot', 'normal'] as const;
export type LabInit = (typeof LAB_INITS)[number];
/** Gradient clipping: by global norm (LAB_DEFAULTS.clipNorm), by value (±LAB_DEFAULTS.clipValue), or none. */
export const LAB_CLIPS = ['norm', 'value', 'none'] as const;
export type LabClip = (typeof LAB_CLIPS)[number];

/** One configuration of the experiment. */
export interface LabConfig {
  cell: CellType;
  /** The SimpleRNN's activation; LSTM and GRU: 'tanh'. */
  activation: Activation;
  norm: Norm;
  init: LabInit;
  clip: LabClip;
}

/** The experiment's defaults: what `rnn-predict lab` and the lab page run without options. */
export const LAB_DEFAULTS = {
  seeds: [1, 2, 3],
  /** Training batches per configuration and seed (the budget, the same for every one). */
  steps: 400,
  batchSize: 32,
  minLength: 10,
  maxLength: 50,
  /** How many keys the first token is drawn from (chance: 1/keys). */
  keys: 4,
  /** How many distractor tokens fill the middle. */
  distractors: 8,
  hiddenSize: 32,
  embeddingSize: 16,
  learningRate: 0.01,
  clipNorm: 1,
  clipValue: 0.1,
  /** Sequences per probe and per length tested. */
  probeSize: 64,
  testSize: 128,
  /** The lengths accuracy is reported at. */
  testLengths: [10, 20, 30, 40, 50],
} as const;

export type LabProgress =
  | { type: 'start'; config: number; seed: number; norms: number[] }
  | { type: 'batch'; config: number; seed: number; step: number; loss: number; gradientNorm: number }
  | { type: 'end'; config: number; seed: number; norms: number[]; accuracy: number[] };

/** The result of one configuration over every seed. */
export interface LabResult extends LabConfig {
  /** norms[1] / norms[T] after training, one per seed. */
  ratio: number[];
  /** The same at initialisation, one per seed. */
  ratioBefore: number[];
  /** Accuracy at the last step per test length, one per seed; distance = length − 1. */
  accuracyByDistance: { length: number; distance: number; accuracy: number[] }[];
  /** ‖∂ℓ/∂x_t‖, t = 1 … T, per seed, after training and before. */
  norms: number[][];
  normsBefore: number[][];
  /** Mean loss over the last tenth of the batches, per seed. */
  finalLoss: number[];
}

/** The default configurations: SimpleRNN-tanh, LSTM and GRU, Glorot, clipping by norm. */
export function defaultLabConfigs(): LabConfig[] {
  return CELL_TYPES.map((cell) => ({ cell, activation: 'tanh', norm: 'none', init: 'glorot', clip: 'norm' }));
}

/** The choices a student (or `rnn-predict lab`) makes: a list per remedy. */
export interface LabChoices {
  cells: readonly CellType[];
  activations: readonly Activation[];
  norms: readonly Norm[];
  inits: readonly LabInit[];
  clips: readonly LabClip[];
}

/** The configurations of the choices: every combination, the activations for the SimpleRNN only
 * (LSTM and GRU keep tanh), in the order cell, activation, norm, init, clip. */
export function labConfigs(c: LabChoices): LabConfig[] {
  const out: LabConfig[] = [];
  for (const cell of c.cells)
    for (const activation of cell === 'rnn' ? c.activations : (['tanh'] as const))
      for (const norm of c.norms)
        for (const init of c.inits) for (const clip of c.clips) out.push({ cell, activation, norm, init, clip });
  return out;
}

/** Checks one configuration; throws naming the bad field. */
export function checkLabConfig(c: LabConfig): LabConfig {
  if (typeof c !== 'object' || c === null) throw new TypeError(`lab config must be an object, got ${describe(c)}`);
  checkOneOf(c.cell, 'cell', CELL_TYPES);
  checkOneOf(c.activation, 'activation', ACTIVATIONS);
  if (c.cell !== 'rnn' && c.activation !== 'tanh')
    throw new RangeError(`activation ${JSON.stringify(c.activation)} is for the SimpleRNN, not ${c.cell}`);
  checkOneOf(c.norm, 'norm', NORMS);
  checkOneOf(c.init, 'init', LAB_INITS);
  checkOneOf(c.clip, 'clip', LAB_CLIPS);
  return c;
}

/** A short name of a configuration, e.g. "SimpleRNN relu + LN, N(0,1), sin recorte". */
export function labConfigName(c: LabConfig): string {
  const cell = { rnn: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' }[c.cell];
  return [
    c.cell === 'rnn' ? `${cell} ${c.activation}` : cell,
    c.norm === 'layer' ? '+ LN' : '',
    c.init === 'normal' ? '· N(0,1)' : '',
    c.clip === 'value' ? '· recorte por valor' : c.clip === 'none' ? '· sin recorte' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
