// src/base/checks.ts: the one module of argument checks and errors, and that it stays the one.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
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

describe('one source for each rule (scripts/lint/one-source.js, enforced by npm run lint)', () => {
  // The rules work on the syntax tree: a check's wording in a template literal, a cell list in
  // a union type or an array are caught alike; only the owning file may write them.
  const lint = async (code: string, filePath: string) => {
    const [result] = await new ESLint({ cwd: process.cwd() }).lintText(code, { filePath });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  };
  const elsewhere = join('src', 'inference', 'model', 'sample.ts');

  test('a check message is written only in src/base/checks.ts, in a template literal too', async () => {
    const code = 'const t = 2;\nexport const m = `threshold must be a number in [0, 1], got ${t}`;\n';
    assert.match((await lint(code, elsewhere)).join(), /written once, in src\/base\/checks\.ts/);
    assert.match((await lint("export const m = 'n must be an integer';\n", elsewhere)).join(), /checks\.ts/);
    assert.match((await lint("export const e = { name: 'AbortError' };\n", elsewhere)).join(), /checks\.ts/);
    assert.match((await lint('export function describe() {}\n', elsewhere)).join(), /checks\.ts/);
    assert.deepEqual(await lint(code, join('src', 'base', 'checks.ts')), []);
  });

  test('the cell names are listed only in src/base/cells.ts, in a union type too', async () => {
    const union = "export type C = 'rnn' | 'lstm' | 'gru';\n";
    const array = "export const c = ['gru', 'lstm', 'rnn'];\n";
    assert.match((await lint(union, elsewhere)).join(), /written once, in src\/base\/cells\.ts/);
    assert.match((await lint(array, join('widget', 'sample.ts'))).join(), /cells\.ts/);
    assert.deepEqual(await lint(array, join('src', 'base', 'cells.ts')), []);
    // One or two of the names are not the list.
    assert.deepEqual(await lint("export type C = 'lstm' | 'gru';\n", elsewhere), []);
  });

  test('the special tokens are spelled only in src/text/vocabulary.ts', async () => {
    assert.match((await lint("export const BOS = '<s>';\n", elsewhere)).join(), /vocabulary\.ts/);
    assert.deepEqual(await lint("export const BOS = '<s>';\n", join('src', 'text', 'vocabulary.ts')), []);
  });
});
