/**
 * The lab's worker: runs the lab's experiment (src/training/lab.ts, the same code as
 * `rnn-predict lab`) on the page's 'start' and stops on 'stop'. tfjs lives here, never on the page.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { chooseBackend } from '../../src/training/tfjs-backend.js';
import { runLab } from '../../src/training/lab.js';
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
    const control = { stop: false };
    running = control;
    (async () => {
      const choice = await chooseBackend(['wasm', 'cpu']);
      post({ type: 'ready', backend: choice.backend });
      const results = await runLab({
        ...m.settings,
        control,
        onProgress: (progress) => post({ type: 'progress', progress }),
      });
      post({ type: 'done', stopped: control.stop, results });
    })()
      .catch((err: Error) => post({ type: 'error', message: err.message ?? String(err) }))
      .finally(() => {
        if (running === control) running = undefined;
      });
  }
});
