/**
 * The training worker seen from the page: started on first use, failing fast when it cannot
 * start, and watched while it trains (silence for `timeoutSeconds` is taken for death: the
 * worker is ended, reported, and a fresh one starts on the next call).
 */
import * as Comlink from 'comlink';
import { abortError } from '../base/checks.js';
import type { ModelArtifacts } from '../inference/format/artifacts.js';
import type { BackendName, TrainProgress } from '../base/training-types.js';
import type { TrainJob, WorkerApi } from '../worker/protocol.js';
import { WASM_URLS } from './assets.js';

/** A started worker: its API, the Worker, and a promise that rejects when it fails. */
export interface WorkerHandle {
  api: Comlink.Remote<WorkerApi>;
  worker: Worker;
  failed: Promise<never>;
}

const workerError = (message: string) => {
  const err = new Error(message);
  err.name = 'WorkerError';
  return err;
};

/** Starts a module worker and fails fast (instead of hanging) when it cannot start. */
export function startWorker(url: string | URL): WorkerHandle {
  let worker: Worker;
  try {
    worker = new Worker(url, { type: 'module', name: 'rnn-predict' });
  } catch (e) {
    const failed = Promise.reject(
      workerError(
        `the training worker could not start (${(e as Error).message}); a strict Content-Security-Policy needs worker-src 'self'`,
      ),
    );
    failed.catch(() => {});
    return { api: undefined as never, worker: undefined as never, failed };
  }
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (ev) => {
      reject(
        workerError(
          `the training worker failed: ${(ev as ErrorEvent).message || `could not load ${url} (missing file, or blocked by a Content-Security-Policy)`}`,
        ),
      );
    });
  });
  failed.catch(() => {});
  const api = Comlink.wrap<WorkerApi>(worker);
  // Before anything else reaches the worker: where the wasm binaries were emitted.
  api.setWasmPaths({ ...WASM_URLS }).catch(() => {});
  return { api, worker, failed };
}

/** What one training in the worker returns. */
export interface WorkerTraining {
  artifacts: ModelArtifacts;
  backend: BackendName;
  backendReason: string;
}

/** One predictor's worker: started on first use, restarted after it dies. */
export class WorkerTrainer {
  readonly #url: string | URL;
  readonly #timeoutSeconds: number;
  readonly #onError: (e: Error) => void;
  #handle: WorkerHandle | undefined;
  #disposed = false;
  /** Rejects when dispose() runs: a call under way would otherwise never settle (the worker is gone). */
  readonly #gone: Promise<never>;
  #leave!: (e: Error) => void;

  constructor(url: string | URL, timeoutSeconds: number, onError: (e: Error) => void) {
    this.#url = url;
    this.#timeoutSeconds = timeoutSeconds;
    this.#onError = onError;
    this.#gone = new Promise<never>((_, reject) => (this.#leave = reject));
    this.#gone.catch(() => {});
  }

  /** The worker, started now if it is not running. */
  handle(): WorkerHandle {
    if (this.#disposed) throw new Error('this predictor was disposed');
    this.#handle ??= startWorker(this.#url);
    return this.#handle;
  }

  /** Calls the worker; rejects when it fails to start or dies meanwhile, or on dispose() (an AbortError). */
  call<T>(fn: (api: Comlink.Remote<WorkerApi>) => Promise<T>): Promise<T> {
    const w = this.handle();
    return Promise.race([w.failed, this.#gone, fn(w.api)]);
  }

  /** Trains `job` in the worker on `backend`, reporting progress; cancelled by `signal`. */
  async train(
    job: TrainJob,
    backend: BackendName | undefined,
    onProgress: (p: TrainProgress) => void,
    signal?: AbortSignal,
  ): Promise<WorkerTraining> {
    const onAbort = () => void this.call((api) => api.cancel()).catch(() => {});
    signal?.addEventListener('abort', onAbort);
    let watchdog: ReturnType<typeof setInterval> | undefined;
    try {
      if (signal?.aborted) throw abortError(signal.reason, 'training was cancelled');
      await this.call((api) => api.init(backend));
      // A cancel sent while the worker started found no training to stop.
      if (signal?.aborted) throw abortError(signal.reason, 'training was cancelled');
      // A worker that crashed or was killed says nothing: take silence for death, report it,
      // and start a fresh worker for the next call.
      let lastSign = Date.now();
      const dead = new Promise<never>((_, reject) => {
        const limit = this.#timeoutSeconds * 1000;
        watchdog = setInterval(
          () => {
            if (Date.now() - lastSign < limit) return;
            const err = workerError(
              `the training worker stopped responding for ${limit / 1000} s and was restarted; the previous model is kept`,
            );
            this.kill();
            this.#handle = undefined;
            this.#onError(err);
            reject(err);
          },
          Math.min(1000, limit / 2),
        );
      });
      dead.catch(() => {});
      const progress = Comlink.proxy((p: TrainProgress) => {
        lastSign = Date.now();
        onProgress(p);
      });
      const artifacts = await Promise.race([dead, this.call((api) => api.train(job, progress))]);
      clearInterval(watchdog);
      const after = await this.call((api) => api.init(backend));
      return { artifacts, backend: after.backend, backendReason: after.reason };
    } finally {
      clearInterval(watchdog);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Ends the worker without a word, as a crash would (tests), or as the watchdog does. */
  kill(): void {
    this.#handle?.worker?.terminate();
  }

  dispose(): void {
    this.#disposed = true;
    this.#leave(abortError(undefined, 'this predictor was disposed'));
    this.#handle?.api?.[Comlink.releaseProxy]?.();
    this.#handle?.worker?.terminate();
    this.#handle = undefined;
  }
}
