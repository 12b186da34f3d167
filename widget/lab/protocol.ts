/** The lab page ↔ lab worker messages: plain data only. */
import type { LabConfig, LabProgress, LabResult } from '../../src/inference/model/lab-config.js';

/** What the page asks the worker to run (src/training/lab.ts `runLab`). */
export interface LabSettings {
  configs: LabConfig[];
  seeds: number[];
  /** Training batches per configuration and seed: the same budget for every one. */
  steps: number;
}

export type ToWorker = { type: 'start'; settings: LabSettings } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; progress: LabProgress }
  | { type: 'done'; stopped: boolean; results: LabResult[] }
  | { type: 'error'; message: string };
