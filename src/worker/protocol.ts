/**
 * The one typed boundary between a page and the training worker (comlink: the page holds a
 * `Remote<WorkerApi>`). Only plain data crosses it; weights travel as a transferred ArrayBuffer.
 */
import type { ModelArtifacts } from '../inference/format/artifacts.js';
import type { BackendName, TrainProgress } from '../base/training-types.js';
import type { NetworkChoices } from '../inference/model/model-config.js';
import type { ForecastOptions, ForecastResult, ForecastProgress } from '../base/forecast-types.js';

export interface BackendInfo {
  backend: BackendName;
  /** What was tried and why this one was kept (e.g. "webgl skipped: software renderer SwiftShader"). */
  reason: string;
}

export interface TrainJob extends NetworkChoices {
  lines: string[];
  seed?: number;
  /** Fine-tune from these artifacts (same vocabulary) instead of starting fresh. */
  from?: ModelArtifacts;
  /** Extra settings recorded with the model. */
  settings?: Record<string, unknown>;
  corpusHash?: string;
}

export interface WorkerApi {
  /** Where tfjs-backend-wasm's binaries are (file name → URL); before the first init. Without
   * it, they are looked for next to the worker file. */
  setWasmPaths(paths: Record<string, string>): void;
  /** Initialises tfjs: WebGL (hardware only) → wasm → cpu, or the forced one. Idempotent. */
  init(force?: BackendName): Promise<BackendInfo>;
  /** Trains; progress through the proxied callback; resolves with the model's artifacts as
   * they are stored (float16 weights, varint trigram counts). */
  train(job: TrainJob, onProgress?: (p: TrainProgress) => void): Promise<ModelArtifacts>;
  /** Stops the running training (or forecast) within one batch; it rejects with AbortError. */
  cancel(): void;
  forecast(
    series: number[],
    options: Omit<ForecastOptions, 'signal' | 'onProgress'>,
    onProgress?: (p: ForecastProgress) => void,
  ): Promise<ForecastResult>;
  /** For tests: lose the WebGL context (WEBGL_lose_context) while training. */
  loseWebglContext(): boolean;
  /** tf.memory().numTensors, for leak checks. */
  tensorCount(): number;
}
