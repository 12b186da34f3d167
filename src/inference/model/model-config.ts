/**
 * Model settings: which cell, which shape, what sizes. Validated in one place.
 * Pure: no DOM, no I/O.
 */
import {
  checkBoolean,
  checkInteger,
  checkNumber,
  checkOneOf,
  describe,
  SHARE,
  type NumberRule,
} from '../../base/checks.js';

import { CELL_TYPES, type CellType } from '../../base/cells.js';

export { CELL_TYPES, type CellType };
/** The SimpleRNN's activations, the one list every check of an activation reads. tanh is the
 * default and the only one of LSTM and GRU (their gates keep the gradient; the lecture's ReLU
 * remedy is for the SimpleRNN). */
export const ACTIVATIONS = ['tanh', 'relu', 'leaky-relu', 'elu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
/** Normalisation inside the recurrent cells: none, or layer normalisation of each gate's
 * pre-activation (docs/lab.md says why not batch normalisation over time steps). */
export const NORMS = ['none', 'layer'] as const;
export type Norm = (typeof NORMS)[number];
/** The negative slope of 'leaky-relu' (x < 0 → LEAKY_SLOPE·x). */
export const LEAKY_SLOPE = 0.01;
/** The ε of layer normalisation: (z − mean) / sqrt(variance + ε). */
export const LAYER_NORM_EPSILON = 1e-5;

/**
 * The SimpleRNN's activation of one value, in plain JavaScript (the page's inference;
 * training/network.ts writes the same with tfjs ops): tanh, max(0, x), x ≥ 0 ? x : 0.01·x,
 * x ≥ 0 ? x : eˣ − 1.
 */
export function activate(activation: Activation, x: number): number {
  switch (activation) {
    case 'tanh':
      return Math.tanh(x);
    case 'relu':
      return x > 0 ? x : 0;
    case 'leaky-relu':
      return x > 0 ? x : LEAKY_SLOPE * x;
    case 'elu':
      return x > 0 ? x : Math.expm1(x);
  }
}

/** The model shapes, the one list every check of a shape reads. */
export const MODEL_SHAPES = ['seq2vec', 'seq2seq'] as const;
/** seq2vec: the next word (trained many-to-many, every prefix a many-to-one example);
 * seq2seq: an encoder–decoder that outputs the next `horizon` words at once. */
export type ModelShape = (typeof MODEL_SHAPES)[number];

export interface ModelConfig {
  cell: CellType;
  shape: ModelShape;
  /** Vocabulary size, specials included. */
  vocabSize: number;
  /** Embedding width. */
  embeddingSize: number;
  /** Recurrent state width. */
  hiddenSize: number;
  /** 1 or 2 recurrent layers. */
  layers: 1 | 2;
  /** Dropout on the embedding and between layers while training, in [0, 1). */
  dropout: number;
  /** Output layer tied to the embedding (logits = (h·P)·Eᵀ + b). */
  tied: boolean;
  /** Words the seq2seq decoder outputs (seq2seq only). */
  horizon: number;
  /** Longest window trained on. */
  maxLength: number;
  /** The SimpleRNN's activation (default 'tanh'); LSTM and GRU accept only 'tanh'. */
  activation: Activation;
  /** 'layer': each gate's pre-activation x·W + h·U is layer-normalised over its hiddenSize
   * units, scaled by a learned gain (`<layer>/gain`, starts at 1), then the bias is added
   * (Ba et al. 2016). Default 'none'. */
  norm: Norm;
}

/**
 * The gates of each cell, in the order their blocks sit in the fused pre-activation
 * x·W + h·U + b (Keras order; each block is hiddenSize wide). The one source of the gate layout
 * for the four copies of the cell equations: training/network.ts (tfjs's gradients and the
 * hand-written pass) and recurrent-network.ts (plain JS and WebAssembly).
 */
export const GATE_ORDER = {
  rnn: ['candidate'],
  lstm: ['input', 'forget', 'candidate', 'output'],
  gru: ['update', 'reset', 'candidate'],
} as const satisfies Record<CellType, readonly string[]>;

export type GateName<C extends CellType> = (typeof GATE_ORDER)[C][number];

/** Number of gate blocks per cell (the fused weights are G·hiddenSize wide). */
export const CELL_GATES: Record<CellType, number> = {
  rnn: GATE_ORDER.rnn.length,
  lstm: GATE_ORDER.lstm.length,
  gru: GATE_ORDER.gru.length,
};

/** Where each gate's block starts in the fused pre-activation of a cell with hidden size H. */
export function gateOffsets<C extends CellType>(cell: C, H: number): Record<GateName<C>, number> {
  return Object.fromEntries(GATE_ORDER[cell].map((g, i) => [g, i * H])) as Record<GateName<C>, number>;
}

/** Defaults of every model, trained by the CLI or in the worker; the training budget's own
 * defaults are TRAIN_DEFAULTS. */
export const DEFAULT_MODEL: Omit<ModelConfig, 'vocabSize'> = {
  /** GRU: on dev it beat the LSTM and the SimpleRNN trained the same way (docs/quality.md, "Engines compared at one budget"). */
  cell: 'gru',
  shape: 'seq2vec',
  embeddingSize: 128,
  hiddenSize: 256,
  layers: 1,
  dropout: 0.2,
  tied: true,
  horizon: 3,
  maxLength: 20,
  activation: 'tanh',
  norm: 'none',
};

/**
 * What `rnn-predict train` uses without tuning flags, and `npm run eval` / `npm run bench` with
 * it: the best settings found for a 30-minute run on a 2-core machine (bench/RESULTS.md).
 * `minutes` is the training budget (vocabulary, trigram, mix and metrics take about a minute
 * more); `sampledSoftmax` the words drawn per batch for the first 80 % of it (0: full softmax).
 */
export const TRAIN_DEFAULTS = {
  minutes: 28,
  epochs: 20,
  vocabularySize: 15_000,
  learningRate: 3e-3,
  sampledSoftmax: 2048,
  /** Target tokens per batch (per replica). */
  batchTokens: 1024,
  /** The seed of weights, batch order and sampling: one run, one result. */
  seed: 1,
  /** `trainModel()` called with no budget: a short run (a library call, a test, the lab). */
  callEpochs: 5,
  callLearningRate: 2e-3,
  /** The SDK's automatic training in the page's worker, from a corpus. */
  pageEpochs: 4,
  /** Fine-tuning on what the person sent: one gentle pass. */
  fineTuneEpochs: 1,
  fineTuneLearningRate: 5e-4,
} as const;

/** The range of each size resolveModelConfig accepts, [min, max] (the CLI's flags check the same). */
export const SIZE_LIMITS = {
  vocabSize: [5, 1_000_000],
  embeddingSize: [1, 4096],
  hiddenSize: [1, 4096],
  horizon: [1, 16],
  maxLength: [1, 512],
  epochs: [1, 1000],
} as const;

/** The learning rates training accepts (the option and the CLI's --lr). */
export const LEARNING_RATE: NumberRule = [(x) => x > 0 && x < 10, 'a number in (0, 10)'];

/** The network a page trains in the worker: the SDK's options and the worker's job share them. */
export interface NetworkChoices {
  /** Recurrent cell for training (default 'gru', `DEFAULT_MODEL.cell`: the best measured). */
  cell?: CellType;
  /** 'seq2vec' (next word) or 'seq2seq' (next N words at once); default 'seq2vec'. */
  shape?: ModelShape;
  /** Network sizes for training (defaults: `DEFAULT_MODEL`). */
  embeddingSize?: number;
  hiddenSize?: number;
  layers?: 1 | 2;
  /** Network vocabulary size, specials included. */
  vocabularySize?: number;
  /** Epochs of the training (the SDK's automatic training: `TRAIN_DEFAULTS.pageEpochs`). */
  epochs?: number;
}

/** Fills defaults and checks every field; throws a TypeError/RangeError naming the bad one. */
export function resolveModelConfig(partial: Partial<ModelConfig> & { vocabSize: number }): ModelConfig {
  if (typeof partial !== 'object' || partial === null) {
    throw new TypeError(`model config must be an object, got ${describe(partial)}`);
  }
  const c = { ...DEFAULT_MODEL, ...partial } as ModelConfig;
  checkOneOf(c.cell, 'cell', CELL_TYPES);
  checkOneOf(c.shape, 'shape', MODEL_SHAPES);
  checkInteger(c.vocabSize, 'vocabSize', ...SIZE_LIMITS.vocabSize);
  checkInteger(c.embeddingSize, 'embeddingSize', ...SIZE_LIMITS.embeddingSize);
  checkInteger(c.hiddenSize, 'hiddenSize', ...SIZE_LIMITS.hiddenSize);
  checkOneOf(c.layers, 'layers', [1, 2]);
  checkNumber(c.dropout, 'dropout', ...SHARE);
  checkBoolean(c.tied, 'tied');
  checkInteger(c.horizon, 'horizon', ...SIZE_LIMITS.horizon);
  checkInteger(c.maxLength, 'maxLength', ...SIZE_LIMITS.maxLength);
  checkOneOf(c.activation, 'activation', ACTIVATIONS);
  if (c.cell !== 'rnn' && c.activation !== 'tanh')
    throw new RangeError(
      `activation ${JSON.stringify(c.activation)} is for the SimpleRNN (cell "rnn"); cell ${JSON.stringify(c.cell)} takes only "tanh"`,
    );
  checkOneOf(c.norm, 'norm', NORMS);
  return c;
}

/** Names and shapes of every weight of a model, in a fixed order. */
export function weightShapes(c: ModelConfig): [string, number[]][] {
  const g = CELL_GATES[c.cell];
  const shapes: [string, number[]][] = [['embedding', [c.vocabSize, c.embeddingSize]]];
  const addCell = (prefix: string, input: number) => {
    shapes.push([`${prefix}/kernel`, [input, g * c.hiddenSize]]);
    shapes.push([`${prefix}/recurrent`, [c.hiddenSize, g * c.hiddenSize]]);
    shapes.push([`${prefix}/bias`, [g * c.hiddenSize]]);
    if (c.norm === 'layer') shapes.push([`${prefix}/gain`, [g * c.hiddenSize]]);
  };
  for (let l = 0; l < c.layers; l++) addCell(`rnn${l}`, l === 0 ? c.embeddingSize : c.hiddenSize);
  if (c.shape === 'seq2seq') {
    shapes.push(['decoder/steps', [c.horizon, c.embeddingSize]]);
    for (let l = 0; l < c.layers; l++) addCell(`dec${l}`, l === 0 ? c.embeddingSize : c.hiddenSize);
  }
  if (c.tied) shapes.push(['output/projection', [c.hiddenSize, c.embeddingSize]]);
  else shapes.push(['output/kernel', [c.hiddenSize, c.vocabSize]]);
  shapes.push(['output/bias', [c.vocabSize]]);
  return shapes;
}

/** Number of trainable parameters. */
export function parameterCount(c: ModelConfig): number {
  return weightShapes(c).reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
}
