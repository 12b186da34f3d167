/**
 * The training worker (a dedicated module worker): tfjs lives here, never on the page. It
 * chooses a backend (hardware WebGL → wasm → cpu), trains, and returns artifacts whose weights
 * are transferred, not copied. Exposed with comlink; see protocol.ts for the API.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { chooseBackend } from '../training/tfjs-backend.js';
import { trainLanguageModel, lineTokens } from '../training/pipeline.js';
import { trainModel } from '../training/train.js';
import { abortError, isAbortError } from '../base/checks.js';
import { toArtifacts, fromArtifacts, type ModelArtifacts } from '../inference/format/artifacts.js';
import { TRAIN_DEFAULTS } from '../inference/model/model-config.js';
import { forecast } from '../timeseries/forecast.js';
import type { BackendInfo, TrainJob, WorkerApi } from './protocol.js';
import type { BackendName } from '../base/training-types.js';

// Next to this file unless the page says where a bundler emitted the binaries (see api.setWasmPaths).
setWasmPaths(new URL('./', import.meta.url).href);

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render|mesa offscreen/i;

/** The WebGL renderer string, or undefined when there is no WebGL context. */
function webglRenderer(): string | undefined {
  try {
    if (typeof OffscreenCanvas === 'undefined') return undefined;
    const canvas = new OffscreenCanvas(1, 1);
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return undefined;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return undefined;
  }
}

let backendInfo: Promise<BackendInfo> | undefined;
let forced: BackendName | undefined;
let controller: AbortController | undefined;

async function init(force?: BackendName): Promise<BackendInfo> {
  if (backendInfo && force === forced) return backendInfo;
  forced = force;
  backendInfo = (async () => {
    const order: BackendName[] = force ? [force] : ['webgl', 'wasm', 'cpu'];
    const skip: Partial<Record<BackendName, string>> = {};
    if (!force) {
      const renderer = webglRenderer();
      if (renderer === undefined) skip.webgl = 'no WebGL context in this worker';
      else if (SOFTWARE.test(renderer)) skip.webgl = `software renderer (${renderer}): wasm is 4–8× faster here`;
    }
    const choice = await chooseBackend(order, skip);
    return {
      backend: choice.backend as BackendName,
      reason: force ? `forced by the backend option; ${choice.reason}` : choice.reason,
    };
  })();
  return backendInfo;
}

/** Rejects when tfjs's WebGL context is lost (a lost context can leave reads pending forever). */
function webglLost(backend: BackendName): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (backend !== 'webgl') return;
    const canvas = (tf.backend() as unknown as { gpgpu?: { gl?: { canvas?: EventTarget } } }).gpgpu?.gl?.canvas;
    canvas?.addEventListener(
      'webglcontextlost',
      () => {
        const e = new Error('the WebGL context was lost');
        e.name = 'WebGLContextLost';
        reject(e);
      },
      { once: true },
    );
  });
}

function begin(): AbortSignal {
  controller?.abort();
  controller = new AbortController();
  return controller.signal;
}

async function runTraining(
  job: TrainJob,
  signal: AbortSignal,
  onProgress?: (p: never) => void,
): Promise<ModelArtifacts> {
  if (job.from) {
    const model = fromArtifacts(job.from);
    const ids = job.lines.map((l) => model.vocabulary.encode(lineTokens(l))).filter((l) => l.length > 0);
    const r = await trainModel(model.config, ids, {
      epochs: job.epochs ?? TRAIN_DEFAULTS.fineTuneEpochs,
      learningRate: TRAIN_DEFAULTS.fineTuneLearningRate,
      validationSplit: 0,
      initialWeights: model.weights,
      signal,
      onProgress: onProgress as never,
      seed: job.seed,
    });
    model.weights = r.weights;
    model.trainedAt = new Date().toISOString();
    return toArtifacts(model, { float16: true });
  }
  const model = await trainLanguageModel(job.lines, {
    model: {
      ...(job.cell ? { cell: job.cell } : {}),
      ...(job.shape ? { shape: job.shape } : {}),
      ...(job.embeddingSize ? { embeddingSize: job.embeddingSize } : {}),
      ...(job.hiddenSize ? { hiddenSize: job.hiddenSize } : {}),
      ...(job.layers ? { layers: job.layers } : {}),
    },
    vocabularySize: job.vocabularySize,
    epochs: job.epochs,
    seed: job.seed,
    signal,
    onProgress: onProgress as never,
  });
  if (job.corpusHash) model.corpusHash = job.corpusHash;
  model.settings = { ...model.settings, ...job.settings, backend: tf.getBackend() };
  return toArtifacts(model, { float16: true });
}

const api: WorkerApi = {
  setWasmPaths(paths) {
    setWasmPaths(paths);
  },
  init,
  async train(job, onProgress) {
    let signal = begin();
    const info = await init(forced);
    try {
      const artifacts = await Promise.race([runTraining(job, signal, onProgress as never), webglLost(info.backend)]);
      return Comlink.transfer(artifacts, [artifacts.weightData]);
    } catch (e) {
      if (isAbortError(e) || info.backend !== 'webgl') throw e;
      // WebGL failed mid-training (context lost, out of memory): carry on with wasm. The lost
      // run is told to stop, in case it ever wakes up.
      controller?.abort(e);
      signal = begin();
      backendInfo = chooseBackend(['wasm', 'cpu']).then((c) => ({
        backend: c.backend as BackendName,
        reason: `webgl failed during training (${(e as Error).message}); ${c.reason}`,
      }));
      await backendInfo;
      const artifacts = await runTraining(job, signal, onProgress as never);
      return Comlink.transfer(artifacts, [artifacts.weightData]);
    } finally {
      if (controller?.signal === signal) controller = undefined;
    }
  },
  cancel() {
    controller?.abort(abortError('training was cancelled'));
  },
  async forecast(series, options, onProgress) {
    const signal = begin();
    await init(forced);
    try {
      return await forecast(series, { ...options, signal, onProgress: onProgress ? (p) => onProgress(p) : undefined });
    } finally {
      if (controller?.signal === signal) controller = undefined;
    }
  },
  loseWebglContext() {
    if (tf.getBackend() !== 'webgl') return false;
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    const ext = gl?.getExtension('WEBGL_lose_context');
    ext?.loseContext();
    return !!ext;
  },
  tensorCount() {
    return tf.memory().numTensors;
  },
};

Comlink.expose(api);
