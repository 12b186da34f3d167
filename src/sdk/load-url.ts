/**
 * Loads a model directory (as written by `rnn-predict train`) over HTTP: model.json, then its
 * weight file (alongside it when the weights' URL is given), each download bounded
 * (download.ts): model.json at MAX_MODEL_JSON_BYTES, the weights at the size model.json
 * declares plus a small margin, both with a stall timeout; the weights on model.json's origin. Lives in the SDK layer: it uses fetch and the page's location.
 */
import {
  declaredWeightBytes,
  fromArtifacts,
  ModelFormatError,
  type ModelArtifacts,
  type RnnModel,
} from '../inference/format/artifacts.js';
import { whenAborted } from '../base/checks.js';
import { concatBytes } from '../base/bytes.js';
import {
  checkWeightsUrl,
  DEFAULT_STALL_SECONDS,
  download,
  DownloadError,
  MAX_MODEL_JSON_BYTES,
  MAX_WEIGHTS_BYTES,
  WEIGHTS_MARGIN_BYTES,
  type DownloadLimits,
} from './download.js';

export { readFileUrl } from './download.js';

/** How a model directory is fetched. */
export interface ModelFetchOptions {
  /** fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Where the weight file is, when it is not beside model.json under the name the manifest
   * gives (a bundler renames the files it emits). Trusted: not checked against model.json. */
  weights?: URL;
  /** Seconds without a byte before a download is abandoned (default 30). */
  stallSeconds?: number;
  /** Allow weights on another origin than model.json's (default false). */
  crossOriginWeights?: boolean;
  /** Ends the downloads: the promise rejects with a DownloadError whose cause is the reason. */
  signal?: AbortSignal;
}

/** Loads and decodes a model directory; errors name the file that is wrong. */
export async function loadModelFromUrl(
  url: string | URL,
  fetchOrOptions: typeof fetch | ModelFetchOptions = {},
  weights?: URL,
): Promise<RnnModel> {
  const options = typeof fetchOrOptions === 'function' ? { fetch: fetchOrOptions, weights } : fetchOrOptions;
  const artifacts = await fetchModelArtifacts(url, options);
  try {
    return fromArtifacts(artifacts);
  } catch (e) {
    throw new ModelFormatError(`${modelJsonUrl(url)}: ${(e as Error).message}`, { cause: e });
  }
}

/** model.json's URL for a model directory or model.json URL. */
export function modelJsonUrl(url: string | URL): URL {
  return new URL(
    String(url).endsWith('.json') ? String(url) : String(url).replace(/\/?$/, '/model.json'),
    globalThis.location?.href,
  );
}

/**
 * Fetches a model directory's files as they are (not decoded): what {@link loadModelFromUrl}
 * decodes, and what the SDK stores unchanged so that a reload decodes the very same bytes.
 */
export async function fetchModelArtifacts(url: string | URL, options: ModelFetchOptions = {}): Promise<ModelArtifacts> {
  const fetchImpl = options.fetch ?? fetch;
  const stallSeconds = options.stallSeconds ?? DEFAULT_STALL_SECONDS;
  const base = modelJsonUrl(url);
  // A weight file whose URL is known (the shipped model's) downloads alongside model.json,
  // capped at MAX_WEIGHTS_BYTES until model.json declares its size; ended when model.json fails.
  const stop = new AbortController();
  const unlisten = whenAborted(options.signal, () => stop.abort(options.signal!.reason));
  const earlyLimits: DownloadLimits | undefined = options.weights
    ? { maxBytes: MAX_WEIGHTS_BYTES, stallSeconds, what: 'weights', signal: stop.signal }
    : undefined;
  const earlyBytes = earlyLimits ? download(options.weights!, fetchImpl, earlyLimits) : undefined;
  earlyBytes?.catch(() => {}); // awaited once model.json is read; ended when it could not be
  try {
    return await readModel(base, fetchImpl, stallSeconds, options, stop.signal, earlyLimits, earlyBytes);
  } finally {
    unlisten();
    // Nothing when the weights are in; else they are not needed (model.json could not be used).
    stop.abort(new DownloadError(options.weights ?? base, 'not needed: model.json could not be used'));
  }
}

/** fetchModelArtifacts after the downloads have started. */
async function readModel(
  base: URL,
  fetchImpl: typeof fetch,
  stallSeconds: number,
  options: ModelFetchOptions,
  signal: AbortSignal,
  earlyLimits: DownloadLimits | undefined,
  earlyBytes: Promise<Uint8Array> | undefined,
): Promise<ModelArtifacts> {
  const text = new TextDecoder().decode(
    await download(base, fetchImpl, { maxBytes: MAX_MODEL_JSON_BYTES, stallSeconds, what: 'model.json', signal }),
  );
  let json: { modelTopology?: unknown; weightsManifest?: { paths: string[]; weights: unknown[] }[] };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    throw new ModelFormatError(`${base}: is not JSON, expected a model.json written by "rnn-predict train"`);
  }
  const manifest = json?.weightsManifest?.[0];
  if (!manifest || !Array.isArray(manifest.paths))
    throw new ModelFormatError(`${base}: has no weightsManifest with paths`);
  if (options.weights && manifest.paths.length !== 1)
    throw new ModelFormatError(`${base}: expected one weight file, the manifest lists ${manifest.paths.length}`);
  let declared: number;
  try {
    declared = declaredWeightBytes(manifest.weights);
  } catch (e) {
    throw new ModelFormatError(`${base}: ${(e as Error).message}`, { cause: e });
  }
  // One after another, each within what is left of the declared size (the early download is
  // held to it from its next chunk on).
  const parts: Uint8Array[] = [];
  let left = declared + WEIGHTS_MARGIN_BYTES;
  if (earlyLimits && earlyBytes) {
    earlyLimits.maxBytes = left;
    const part = await earlyBytes;
    if (part.byteLength > left) throw new DownloadError(options.weights!, `the weights grew past ${left} bytes`);
    parts.push(part);
  } else {
    const urls = manifest.paths.map((p) => {
      let at: URL;
      try {
        at = new URL(String(p), base);
      } catch {
        throw new ModelFormatError(`${base}: the weight path ${JSON.stringify(p)} is not a URL`);
      }
      checkWeightsUrl(at, base, options.crossOriginWeights);
      return at;
    });
    for (const at of urls) {
      const part = await download(at, fetchImpl, { maxBytes: left, stallSeconds, what: 'weights', signal });
      left -= part.byteLength;
      parts.push(part);
    }
  }
  // One download that fills its buffer is handed on as it is (no copy).
  const one = parts.length === 1 ? parts[0]! : undefined;
  return {
    modelTopology: json.modelTopology,
    weightSpecs: manifest.weights,
    weightData:
      one && one.byteOffset === 0 && one.byteLength === one.buffer.byteLength ? one.buffer : concatBytes(parts).buffer,
  } as ModelArtifacts;
}
