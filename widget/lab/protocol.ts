/** The lab page ↔ lab worker messages: plain data only. */
import type { CellType } from '../../src/index.js';

export interface LabSettings {
  /** Corpus lines to train on (a small slice keeps the lab quick). */
  lines: string[];
  cells: CellType[];
  hiddenSize: number;
  embeddingSize: number;
  /** Longest sequence trained on, and the probe window's length T. */
  window: number;
  /** Clip by global norm to this (the whole gradient scaled by one factor); 0: off. */
  clipNorm: number;
  /** Clip by value: every gradient component clamped to −clipValue…clipValue; 0: off. */
  clipValue: number;
  learningRate: number;
  /** Multiplies the recurrent matrix U after Glorot initialisation (>1 invites explosion). */
  recurrentGain: number;
  epochs: number;
  vocabularySize: number;
  /** Measure the per-step gradient every this many batches. */
  probeEvery: number;
  seed: number;
}

export type ToWorker = { type: 'start'; settings: LabSettings } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; backend: string; vocabularySize: number; batches: number; parameters: Record<string, number> }
  | {
      type: 'batch';
      cell: CellType;
      step: number;
      epoch: number;
      loss: number;
      accuracy: number;
      gradientNorm: number;
      clipped: boolean;
    }
  | {
      type: 'probe';
      cell: CellType;
      step: number;
      /** ‖∂L/∂x_t‖ for t = 1 … T, the gradient reaching each input (mean over the probe windows), the loss at the last step only. */
      norms: number[];
      /** The factor clipping applies to this gradient (1 when it is under the threshold or clipping is off). */
      clipScale: number;
    }
  | { type: 'done'; stopped: boolean }
  | { type: 'error'; message: string };
