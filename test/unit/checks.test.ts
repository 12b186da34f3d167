// src/base/checks.ts: the one module of argument checks and errors, and that it stays the one.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  abortError,
  checkBoolean,
  checkFunction,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkSignal,
  checkString,
  describe as describeValue,
  isAbortError,
} from '../../src/base/checks.js';

describe('argument checks', () => {
  test('describe names the kind and the value', () => {
    assert.equal(describeValue(null), 'null');
    assert.equal(describeValue(3), 'the number 3');
    assert.equal(describeValue('x'), 'the string "x"');
    assert.equal(describeValue('a'.repeat(50)), `the string "${'a'.repeat(40)}…"`);
    assert.equal(describeValue([1, 2]), 'an array of length 2');
    assert.equal(describeValue(new Map()), 'an object (Map)');
    assert.equal(describeValue(undefined), 'undefined undefined');
  });

  test('checkInteger: a TypeError for a non-number, a RangeError out of range, the range in words', () => {
    assert.equal(checkInteger(5, 'k', 1, 10), 5);
    assert.throws(() => checkInteger('5', 'k', 1, 10), {
      name: 'TypeError',
      message: 'k must be an integer in 1…10, got the string "5"',
    });
    assert.throws(() => checkInteger(2.5, 'k', 1, 10), { name: 'RangeError', message: /got the number 2.5$/ });
    assert.throws(() => checkInteger(NaN, 'k', 1), {
      name: 'RangeError',
      message: 'k must be an integer ≥ 1, got the number NaN',
    });
    assert.throws(() => checkInteger(11, 'k', 1, 10), RangeError);
    assert.throws(() => checkInteger(0, 'k', 1, 10), RangeError);
    assert.equal(checkInteger(10, 'k', 1, 10), 10);
  });

  test('checkNumber, checkOneOf, checkString, checkBoolean, checkFunction, checkSignal', () => {
    assert.equal(
      checkNumber(0.5, 'mix', (x) => x >= 0 && x <= 1, 'a number in [0, 1]'),
      0.5,
    );
    assert.throws(() => checkNumber(2, 'mix', (x) => x <= 1, 'a number in [0, 1]'), {
      name: 'RangeError',
      message: 'mix must be a number in [0, 1], got the number 2',
    });
    assert.throws(() => checkNumber('2', 'mix', () => true, 'a number'), TypeError);
    assert.equal(checkOneOf('gru', 'cell', ['rnn', 'gru']), 'gru');
    assert.throws(() => checkOneOf('tcn', 'cell', ['rnn', 'gru']), {
      name: 'RangeError',
      message: 'cell must be one of "rnn", "gru", got the string "tcn"',
    });
    assert.throws(() => checkString(1, 'text'), {
      name: 'TypeError',
      message: 'text must be a string, got the number 1',
    });
    assert.throws(() => checkBoolean('yes', 'typos'), TypeError);
    assert.equal(checkBoolean(false, 'typos'), false);
    assert.throws(() => checkFunction({}, 'onProgress'), TypeError);
    const controller = new AbortController();
    assert.equal(checkSignal(controller.signal), controller.signal);
    assert.throws(() => checkSignal({}), { name: 'TypeError', message: /^signal must be an AbortSignal/ });
  });

  test("abortError takes the reason's message; isAbortError knows ours and the platform's", () => {
    const e = abortError(undefined, 'training was cancelled');
    assert.equal(e.name, 'AbortError');
    assert.equal(e.message, 'training was cancelled');
    assert.equal(abortError(new Error('page closed')).message, 'page closed');
    assert.equal(abortError('stop').message, 'stop');
    assert.ok(isAbortError(e));
    assert.ok(isAbortError(new DOMException('x', 'AbortError')));
    assert.ok(!isAbortError(new Error('x')));
    assert.ok(!isAbortError(null));
  });
});

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('one source for each rule', () => {
  const files = [...sources('src'), ...sources('widget')].filter((f) => !f.endsWith(join('base', 'checks.ts')));
  const read = (f: string) => readFileSync(f, 'utf8');

  test('integer, boolean, function and signal messages and AbortErrors are made only in src/base/checks.ts', () => {
    const rule =
      /must be an integer|must be a boolean|must be a function|must be an AbortSignal|name\s*[:=]\s*'AbortError'/;
    const offenders = files.filter((f) => rule.test(read(f)));
    assert.deepEqual(offenders, []);
  });

  test('describe() has one definition, and cell names one list (CELL_TYPES)', () => {
    assert.deepEqual(
      files.filter((f) => /function describe\(/.test(read(f))),
      [],
    );
    const cellLists = files.filter((f) =>
      /\[\s*'(rnn|lstm|gru)',\s*'(rnn|lstm|gru)',\s*'(rnn|lstm|gru)'\s*\]/.test(read(f)),
    );
    assert.deepEqual(cellLists, [join('src', 'inference', 'model', 'model-config.ts')]);
  });

  test('the shared number rules (a share, a weight, a time above zero, a learning rate) are written once', () => {
    // SHARE, WEIGHT and POSITIVE in src/base/checks.ts, LEARNING_RATE beside the training defaults;
    // an option and its CLI flag both use them.
    const written = /'a number in \[0, 1[)\]]'|'a number > 0'|'a number in \(0, 10\)'/;
    assert.deepEqual(
      files.filter((f) => written.test(read(f))),
      [join('src', 'inference', 'model', 'model-config.ts')],
    );
  });

  test('the special tokens are spelled once (src/text/vocabulary.ts)', () => {
    const offenders = files.filter((f) => /=\s*'<\/?s>'/.test(read(f)));
    assert.deepEqual(offenders, [join('src', 'text', 'vocabulary.ts')]);
  });
});
