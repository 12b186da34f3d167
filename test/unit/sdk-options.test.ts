// createPredictor's options are checked against SIZE_LIMITS, the ranges the CLI and
// resolveModelConfig use: the largest accepted, one more rejected with a message naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIZE_LIMITS } from '../../src/inference/model/model-config.js';
import { checkPredictorOptions, MAX_NAME_LENGTH } from '../../src/sdk/options.js';
import { createPredictor } from '../../src/sdk/create-predictor.js';

const sizes = [
  ['hiddenSize', SIZE_LIMITS.hiddenSize],
  ['embeddingSize', SIZE_LIMITS.embeddingSize],
  ['vocabularySize', SIZE_LIMITS.vocabSize],
  ['epochs', SIZE_LIMITS.epochs],
] as const;

for (const [option, [min, max]] of sizes) {
  test(`${option}: ${min} and ${max} (SIZE_LIMITS) accepted, ${max + 1} and ${min - 1} rejected naming the value`, () => {
    checkPredictorOptions({ [option]: min });
    checkPredictorOptions({ [option]: max });
    for (const bad of [max + 1, min - 1])
      assert.throws(
        () => checkPredictorOptions({ [option]: bad }),
        (e: Error) =>
          e instanceof RangeError &&
          e.message.includes(option) &&
          e.message.includes(`${min}…${max}`) &&
          e.message.includes(`the number ${bad}`),
      );
  });
}

test('createPredictor rejects ready with the same RangeError for hiddenSize past SIZE_LIMITS', async () => {
  const bad = SIZE_LIMITS.hiddenSize[1] + 1;
  const p = createPredictor({ hiddenSize: bad, persist: false, autoTrain: false });
  await assert.rejects(p.ready, (e: Error) => e instanceof RangeError && e.message.includes(`the number ${bad}`));
  p.dispose();
});

test(`name: at most ${MAX_NAME_LENGTH} characters`, () => {
  checkPredictorOptions({ name: 'x'.repeat(MAX_NAME_LENGTH) });
  assert.throws(() => checkPredictorOptions({ name: 'x'.repeat(MAX_NAME_LENGTH + 1) }), TypeError);
  assert.throws(() => checkPredictorOptions({ name: '' }), TypeError);
});

test('other options: wrong types and ranges name the option', () => {
  assert.throws(() => checkPredictorOptions({ workerTimeout: 0 }), /workerTimeout/);
  assert.throws(() => checkPredictorOptions({ layers: 3 as never }), /layers/);
  assert.throws(() => checkPredictorOptions({ corpus: 3 as never }), /corpus must be a string or URL/);
  assert.throws(() => checkPredictorOptions(null as never), /options must be an object/);
});
