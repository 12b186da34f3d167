/**
 * tfjs in Node: the wasm backend (SIMD, one thread) with the missing kernel registered,
 * falling back to cpu. `@tensorflow/tfjs-node` cannot be installed on machines that cannot
 * download libtensorflow, so it is not used.
 */
import '@tensorflow/tfjs-backend-wasm';
import { chooseBackend, type BackendChoice, type BackendName } from '../training/tfjs-backend.js';

let choice: Promise<BackendChoice> | undefined;

/** Initialises tfjs once for this process: wasm, else cpu (or the forced backend). */
export function initNodeBackend(force?: 'wasm' | 'cpu'): Promise<BackendChoice> {
  const env = process.env.RNN_PREDICT_BACKEND;
  const wanted = force ?? (env === 'cpu' || env === 'wasm' ? env : undefined);
  const order: BackendName[] = wanted ? [wanted] : ['wasm', 'cpu'];
  choice ??= chooseBackend(order);
  return choice;
}
