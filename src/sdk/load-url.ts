/**
 * Loads a model directory (as written by `rnn-predict train`) over HTTP: model.json, then its
 * weight files. Lives in the SDK layer: it uses fetch and the page's location.
 */
import { fromArtifacts, ModelFormatError, type ModelArtifacts, type RnnModel } from '../inference/artifacts.js';

/**
 * Reads a file: URL (Node only). The import is kept out of sight of bundlers, which would
 * otherwise pull Node's fs into a page build (Vite warns, webpack fails).
 */
export async function readFileUrl(url: URL): Promise<Uint8Array> {
  const nodeFs = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ nodeFs)) as typeof import('node:fs/promises');
  return fs.readFile(url);
}

/** fetch, or the file system for file: URLs (Node, where fetch cannot read files). */
async function get(url: URL, fetchImpl: typeof fetch): Promise<Response> {
  if (url.protocol !== 'file:') return fetchImpl(url);
  try {
    return new Response(new Uint8Array(await readFileUrl(url)));
  } catch {
    return new Response(null, { status: 404 });
  }
}

/**
 * Loads and decodes a model directory. `weights`: where the weight file is, when it is not
 * beside model.json under the name the manifest gives (a bundler renames the files it emits).
 */
export async function loadModelFromUrl(
  url: string | URL,
  fetchImpl: typeof fetch = fetch,
  weights?: URL,
): Promise<RnnModel> {
  return fromArtifacts(await fetchModelArtifacts(url, fetchImpl, weights));
}

/**
 * Fetches a model directory's files as they are (not decoded): what {@link loadModelFromUrl}
 * decodes, and what the SDK stores unchanged so that a reload decodes the very same bytes.
 */
export async function fetchModelArtifacts(
  url: string | URL,
  fetchImpl: typeof fetch = fetch,
  weights?: URL,
): Promise<ModelArtifacts> {
  const base = new URL(
    String(url).endsWith('.json') ? String(url) : String(url).replace(/\/?$/, '/model.json'),
    globalThis.location?.href,
  );
  let res: Response;
  try {
    res = await get(base, fetchImpl);
  } catch (e) {
    throw new Error(`${base}: could not be fetched (${(e as Error).message})`, { cause: e });
  }
  if (!res.ok)
    throw new ModelFormatError(`${base}: HTTP ${res.status}, expected a model.json written by "rnn-predict train"`);
  let json: { modelTopology?: unknown; weightsManifest?: { paths: string[]; weights: unknown[] }[] };
  try {
    json = await res.json();
  } catch {
    throw new ModelFormatError(`${base}: is not JSON, expected a model.json written by "rnn-predict train"`);
  }
  const manifest = json.weightsManifest?.[0];
  if (!manifest) throw new ModelFormatError(`${base}: has no weightsManifest`);
  if (weights && manifest.paths.length !== 1)
    throw new ModelFormatError(`${base}: expected one weight file, the manifest lists ${manifest.paths.length}`);
  const parts = await Promise.all(
    manifest.paths.map(async (p) => {
      const at = weights ?? new URL(p, base);
      let r: Response;
      try {
        r = await get(at, fetchImpl);
      } catch (e) {
        throw new Error(`${at}: could not be fetched (${(e as Error).message})`, { cause: e });
      }
      if (!r.ok) throw new ModelFormatError(`${at}: HTTP ${r.status}, the model's weights are missing`);
      return new Uint8Array(await r.arrayBuffer());
    }),
  );
  const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs: manifest.weights,
    weightData: data.buffer,
  } as ModelArtifacts;
}
