/**
 * Data-parallel training in Node: tfjs-wasm runs on one thread per instance (no wasm threads
 * in Node), so each worker thread gets its own instance and computes one batch's gradients per
 * step from the shared weights; train.ts sums them, clips and applies Adam. Two workers on two
 * cores nearly double the targets per second.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { ParallelOptions, Replica, BatchStats } from '../training/replica.js';
import type { Job, WorkerData } from './train-worker.js';
import { checkInteger } from '../base/checks.js';

/**
 * Starts the worker module. From the TypeScript sources (tsx in development and tests) the
 * worker thread does not inherit tsx's loader, so it registers it first.
 */
function startWorker(url: string, workerData: WorkerData): Worker {
  if (!url.endsWith('.ts')) return new Worker(new URL(url), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/** The worker threads a run may use, [min, max] (the option and `rnn-predict train --threads`). */
export const THREAD_LIMITS = [1, 64] as const;

/** Worker threads to use by default: one per core, at most 2 (a bigger global batch per step
 * is not free: fewer steps per epoch). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** `trainModel`'s `parallel` option for `threads` worker threads. */
export function workerThreads(threads = defaultThreads(), backend?: 'wasm' | 'cpu'): ParallelOptions {
  checkInteger(threads, 'threads', ...THREAD_LIMITS);
  return {
    threads,
    async create(config, weights, grads): Promise<Replica> {
      const { WORKER_URL } = await import('./train-worker.js');
      const data: WorkerData = { rnnPredictTrainer: true, config, weights, grads, backend };
      const worker = startWorker(WORKER_URL, data);
      const pending = new Map<number, { resolve: (s: BatchStats) => void; reject: (e: Error) => void }>();
      let failure: Error | undefined;
      const fail = (e: Error) => {
        failure ??= e;
        for (const p of pending.values()) p.reject(e);
        pending.clear();
      };
      await new Promise<void>((resolve, reject) => {
        worker.once('message', (m: { ready: boolean; error?: string }) =>
          m.ready ? resolve() : reject(new Error(`training worker failed to start: ${m.error}`)),
        );
        worker.once('error', reject);
      });
      worker.on('message', (m: { id: number; stats?: BatchStats; error?: string }) => {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.stats) p.resolve(m.stats);
        else p.reject(new Error(`training worker: ${m.error}`));
      });
      worker.on('error', (e) => fail(e));
      worker.on('exit', (code) => fail(new Error(`training worker exited (code ${code})`)));
      let next = 0;
      return {
        run(batch, o) {
          if (failure) return Promise.reject(failure);
          const id = next++;
          return new Promise<BatchStats>((resolve, reject) => {
            pending.set(id, { resolve, reject });
            worker.postMessage({ id, batch, o } satisfies Job);
          });
        },
        async dispose() {
          if (failure) return void (await worker.terminate());
          const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
          worker.postMessage('close');
          const timer = setTimeout(() => void worker.terminate(), 5000);
          await exited;
          clearTimeout(timer);
        },
      };
    },
  };
}
