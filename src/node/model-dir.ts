/**
 * A model directory on disk: `model.json` (topology, vocabulary, settings, metrics and the
 * weights manifest, in tf.io's layout) and `weights.bin`. The browser loads the same two files
 * with `loadModelFromUrl`.
 */
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { concatBytes } from '../base/bytes.js';
import {
  fromArtifacts,
  toArtifacts,
  ModelFormatError,
  type ArtifactOptions,
  type RnnModel,
} from '../inference/format/artifacts.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Writes a model directory (files are written to temporary names, then renamed). */
export async function saveModelDir(model: RnnModel, dir: string, options: ArtifactOptions = {}): Promise<number> {
  const a = toArtifacts(model, options);
  await mkdir(dir, { recursive: true });
  const json = {
    format: a.format,
    generatedBy: a.generatedBy,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: a.weightSpecs }],
  };
  await writeFile(join(dir, WEIGHTS_BIN + '.tmp'), new Uint8Array(a.weightData));
  await writeFile(join(dir, MODEL_JSON + '.tmp'), JSON.stringify(json));
  await rename(join(dir, WEIGHTS_BIN + '.tmp'), join(dir, WEIGHTS_BIN));
  await rename(join(dir, MODEL_JSON + '.tmp'), join(dir, MODEL_JSON));
  return a.weightData.byteLength;
}

/** Reads a model directory; errors name the missing or damaged file. */
export async function loadModelDir(dir: string): Promise<RnnModel> {
  let jsonText: string;
  try {
    jsonText = await readFile(join(dir, MODEL_JSON), 'utf8');
  } catch {
    throw new ModelFormatError(
      `${join(dir, MODEL_JSON)} not found: expected a model directory written by "rnn-predict train"`,
    );
  }
  let json: { modelTopology?: unknown; weightsManifest?: { paths: string[]; weights: unknown[] }[] };
  try {
    json = JSON.parse(jsonText);
  } catch (e) {
    throw new ModelFormatError(`${join(dir, MODEL_JSON)} is not valid JSON (${(e as Error).message})`);
  }
  const manifest = json.weightsManifest?.[0];
  if (!manifest || !Array.isArray(manifest.paths) || !Array.isArray(manifest.weights)) {
    throw new ModelFormatError(`${join(dir, MODEL_JSON)} has no weightsManifest`);
  }
  const buffers: Uint8Array[] = [];
  for (const p of manifest.paths) {
    try {
      buffers.push(await readFile(join(dir, p)));
    } catch {
      throw new ModelFormatError(`${join(dir, p)} not found: the model directory is missing its weights`);
    }
  }
  const data = concatBytes(buffers);
  return fromArtifacts({ modelTopology: json.modelTopology, weightSpecs: manifest.weights, weightData: data.buffer });
}
