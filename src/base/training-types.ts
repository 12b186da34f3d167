/**
 * Names and types that the training side (tfjs, in a worker or in Node) and the page (no tfjs)
 * both use, written once here below both: the backends training may run on and the progress it
 * reports. No tfjs, no DOM.
 */

/** The tfjs backends training may run on, in the order they are tried. */
export const BACKEND_NAMES = ['webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What training reports after each batch and each epoch. */
export interface TrainProgress {
  phase: 'batch' | 'epoch';
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Mean loss (cross-entropy, nats) of this batch, or of the epoch on 'epoch'. */
  loss: number;
  /** Share of targets predicted first, same scope as loss. */
  accuracy: number;
  /** Global gradient norm before clipping (this batch, or the epoch's mean). */
  gradientNorm: number;
  targetsPerSecond: number;
  /** Estimated seconds left (epochs and time budget considered). */
  etaSeconds: number;
  validationLoss?: number;
  validationAccuracy?: number;
  /** Validation loss of the running mean of the weights (`average`), on 'epoch'. */
  averageValidationLoss?: number;
  /** Learning rate used for this batch. */
  learningRate?: number;
}
