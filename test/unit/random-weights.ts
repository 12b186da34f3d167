// Test fixture: a network's weights drawn uniformly from [−0.5, 0.5) with a fixed seed, for
// tests that need a small model and not a trained one.
import { weightShapes, type ModelConfig } from '../../src/inference/model/model-config.js';
import { mulberry32 } from '../../src/data/windows.js';

export function randomWeights(config: ModelConfig, seed: number): Map<string, Float32Array> {
  const random = mulberry32(seed);
  return new Map(
    weightShapes(config).map(([name, shape]) => [
      name,
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() - 0.5),
    ]),
  );
}
