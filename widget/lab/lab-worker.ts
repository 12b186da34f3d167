/**
 * The lab's worker: runs lab-train.ts on the page's 'start' and stops on 'stop'. tfjs lives
 * here, never on the page.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { train } from './lab-train.js';
import type { FromWorker, ToWorker } from './protocol.js';

setWasmPaths(new URL('../', import.meta.url).href);

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let running: { stop: boolean } | undefined;

self.addEventListener('message', (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'stop') {
    if (running) running.stop = true;
  } else if (m.type === 'start') {
    if (running) running.stop = true;
    const run = { stop: false };
    running = run;
    train(m.settings, run, post)
      .catch((err: Error) => post({ type: 'error', message: err.message ?? String(err) }))
      .finally(() => {
        if (running === run) running = undefined;
      });
  }
});
