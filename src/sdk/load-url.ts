/**
 * Loads a model directory (as written by `rnn-predict train`) over HTTP: model.json, then its
 * weight files. Lives in the SDK layer: it uses fetch and the page's location.
 */
import { fromArtifacts, ModelFormatError, type RnnModel } from '../inference/artifacts.js';

export async function loadModelFromUrl(url: string | URL, fetchImpl: typeof fetch = fetch): Promise<RnnModel> {
  const base = new URL(
    String(url).endsWith('.json') ? String(url) : String(url).replace(/\/?$/, '/model.json'),
    globalThis.location?.href,
  );
  const res = await fetchImpl(base);
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
  const parts = await Promise.all(
    manifest.paths.map(async (p) => {
      const r = await fetchImpl(new URL(p, base));
      if (!r.ok) throw new ModelFormatError(`${new URL(p, base)}: HTTP ${r.status}, the model's weights are missing`);
      return new Uint8Array(await r.arrayBuffer());
    }),
  );
  const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.byteLength;
  }
  return fromArtifacts({ modelTopology: json.modelTopology, weightSpecs: manifest.weights, weightData: data.buffer });
}
