// The CLI's one option schema (src/cli/options.ts): the help shows the library's defaults
// (TRAIN_DEFAULTS), and a limit comes from SIZE_LIMITS, the value refused named.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SIZE_LIMITS, TRAIN_DEFAULTS } from '../../src/inference/model/model-config.js';
import { parseOptions } from '../../src/cli/options.js';
import { TRAIN_HELP, TRAIN_OPTIONS } from '../../src/cli/train.js';
import { PREDICT_OPTIONS } from '../../src/cli/predict.js';
import { PREDICT_LIMITS } from '../../src/inference/model/phrases.js';
import { WordPredictor } from '../../src/inference/model/word-predictor.js';
import { KneserNeyTrigram } from '../../src/inference/model/ngram.js';

describe('the option schema', () => {
  test("train's help shows the defaults of TRAIN_DEFAULTS", () => {
    const line = (flag: string) => TRAIN_HELP.split('\n').findIndex((l) => l.startsWith(`  --${flag} `));
    const text = (flag: string) => {
      const lines = TRAIN_HELP.split('\n');
      const i = line(flag);
      assert.ok(i >= 0, `--${flag} is in the help`);
      const rest = lines.slice(i + 1);
      const end = rest.findIndex((l) => !l.startsWith('    '));
      return [lines[i], ...rest.slice(0, end)].join(' ').replace(/\s+/g, ' ');
    };
    assert.match(text('epochs'), new RegExp(`\\(default ${TRAIN_DEFAULTS.epochs}\\)`));
    assert.match(text('minutes'), new RegExp(`\\(default ${TRAIN_DEFAULTS.minutes}:`));
    assert.match(text('vocab'), new RegExp(`\\(default ${TRAIN_DEFAULTS.vocabularySize}\\)`));
    assert.match(text('lr'), new RegExp(`\\(default ${TRAIN_DEFAULTS.learningRate}\\)`));
    assert.match(text('sampled'), new RegExp(`\\(default ${TRAIN_DEFAULTS.sampledSoftmax};`));
  });

  test('the values absent are the defaults of TRAIN_DEFAULTS', () => {
    const r = parseOptions([], TRAIN_OPTIONS);
    assert.ok(!r.help);
    assert.equal(r.values.epochs, TRAIN_DEFAULTS.epochs);
    assert.equal(r.values.minutes, TRAIN_DEFAULTS.minutes);
    assert.equal(r.values.vocab, TRAIN_DEFAULTS.vocabularySize);
  });

  test('--epochs above SIZE_LIMITS.epochs is refused, naming the value', () => {
    const [min, max] = SIZE_LIMITS.epochs;
    const r = parseOptions(['--epochs', String(max)], TRAIN_OPTIONS);
    assert.ok(!r.help && r.values.epochs === max);
    assert.throws(() => parseOptions(['--epochs', String(max + 1)], TRAIN_OPTIONS), {
      message: `--epochs must be an integer in ${min}…${max}, got "${max + 1}"`,
    });
  });

  test('predict --k and predictNext({ k }) refuse the same values, from PREDICT_LIMITS', () => {
    const [min, max] = PREDICT_LIMITS.k;
    const predictor = new WordPredictor({ ngram: KneserNeyTrigram.train([['hola', 'hoy']]) });
    const r = parseOptions([], PREDICT_OPTIONS);
    assert.ok(!r.help && r.values.k === PREDICT_LIMITS.kDefault);
    for (const k of [min - 1, max + 1]) {
      assert.throws(() => parseOptions(['--k', String(k), 'hola'], PREDICT_OPTIONS), {
        message: `--k must be an integer in ${min}…${max}, got "${k}"`,
      });
      assert.throws(() => predictor.predictNext('hola ', { k }), {
        message: `k must be an integer in ${min}…${max}, got the number ${k}`,
      });
    }
    assert.doesNotThrow(() => predictor.predictNext('hola ', { k: max }));
  });
});
