/**
 * The worker-thread side of data-parallel training: a replica (src/training/train.ts
 * `localReplica`) on its own tfjs-wasm instance, reading the shared weights and writing its
 * gradients into its shared buffer, one batch per message. Started by src/node/parallel.ts
 * with this module's own URL, so the built package and the TypeScript sources both find it.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ModelConfig } from '../inference/model/model-config.js';
import type { Batch } from '../data/windows.js';
import type { RunOptions } from '../training/replica.js';

/** This module's URL, for `new Worker`. */
export const WORKER_URL: string = import.meta.url;

export interface WorkerData {
  rnnPredictTrainer: true;
  config: ModelConfig;
  weights: Float32Array;
  grads: Float32Array;
  backend?: 'wasm' | 'cpu';
}

export interface Job {
  id: number;
  batch: Batch;
  o: RunOptions;
}

async function serve(data: WorkerData): Promise<void> {
  const port = parentPort!;
  try {
    const { initNodeBackend } = await import('./node-backend.js');
    const { localReplica } = await import('../training/replica.js');
    await initNodeBackend(data.backend);
    const replica = await localReplica(data.config, data.weights, data.grads);
    port.on('message', (job: Job | 'close') => {
      if (job === 'close') {
        void Promise.resolve(replica.dispose()).then(() => port.close());
        return;
      }
      replica.run(job.batch, job.o).then(
        (stats) => port.postMessage({ id: job.id, stats }),
        (e: unknown) => port.postMessage({ id: job.id, error: (e as Error)?.message ?? String(e) }),
      );
    });
    port.postMessage({ ready: true });
  } catch (e) {
    port.postMessage({ ready: false, error: (e as Error)?.message ?? String(e) });
  }
}

if (!isMainThread && (workerData as WorkerData | undefined)?.rnnPredictTrainer) void serve(workerData as WorkerData);
