import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { windows, batches, sentenceBatches, mulberry32 } from '../../src/data/windows.js';

describe('windows', () => {
  const ids = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

  test('seq2vec: [w0..w3] → [w4]', () => {
    const w = [...windows(ids, { length: 4 })];
    assert.deepEqual(w[0], { input: [0, 1, 2, 3], target: [4] });
    assert.equal(w.length, 6);
  });

  test('shifted: [w0..w3] → [w1..w4]; seq2seq: [w0..w3] → [w4..w7]', () => {
    assert.deepEqual([...windows(ids, { length: 4, shape: 'shifted' })][0], {
      input: [0, 1, 2, 3],
      target: [1, 2, 3, 4],
    });
    const s = [...windows(ids, { length: 4, shape: 'seq2seq', horizon: 4 })];
    assert.deepEqual(s[0], { input: [0, 1, 2, 3], target: [4, 5, 6, 7] });
    assert.equal(s.length, 3);
  });

  test('stride', () => {
    const w = [...windows(ids, { length: 3, stride: 3 })];
    assert.deepEqual(
      w.map((x) => x.input[0]),
      [0, 3, 6],
    );
  });

  test('lazy: a long generated stream is never held whole', () => {
    let produced = 0;
    function* stream() {
      for (let i = 0; i < 10_000_000; i++) {
        produced++;
        yield i % 100;
      }
    }
    const it = windows(stream(), { length: 8 });
    for (let i = 0; i < 5; i++) it.next();
    assert.ok(produced < 100, `only a few ids are read for 5 windows, read ${produced}`);
    const b = batches(windows(stream(), { length: 4 }), 16).next().value!;
    assert.equal(b.size, 16);
    assert.equal(b.inputs.length, 64);
  });

  test('too short a stream gives no window; bad options are named', () => {
    assert.deepEqual([...windows([1, 2], { length: 4 })], []);
    assert.throws(() => [...windows(ids, { length: 0 })], {
      name: 'RangeError',
      message: /length must be an integer ≥ 1, got the number 0/,
    });
    assert.throws(() => [...windows(ids, { length: 2, stride: 1.5 })], /stride/);
    assert.throws(() => [...windows(ids, { length: 2, shape: 'x' as 'seq2vec' })], /shape/);
    assert.throws(() => [...windows([1, -1, 2], { length: 1 })], /ids\[1\]/);
    assert.throws(() => [...windows(null as unknown as number[], { length: 1 })], TypeError);
    assert.throws(() => [...batches([], 0)], /batchSize/);
  });
});

describe('sentenceBatches', () => {
  test('every line becomes <s> w… → w… </s>, padded with 0, all targets kept', () => {
    const lines = [[10, 11, 12], [20], [30, 31, 32, 33, 34, 35]];
    const all = [...sentenceBatches(lines, { maxLength: 4, batchTokens: 8, seed: 3 })];
    const targets = all
      .flatMap((b) => [...b.targets])
      .filter((t) => t !== 0)
      .sort((a, b) => a - b);
    assert.deepEqual(
      targets,
      [3, 3, 3, 10, 11, 12, 20, 30, 31, 32, 33, 34, 35].sort((a, b) => a - b),
    );
    for (const b of all) assert.ok(b.length <= 4);
    assert.deepEqual(
      [...sentenceBatches(lines, { maxLength: 4, batchTokens: 8, seed: 3 })],
      all,
      'seeded: same batches',
    );
  });

  test('mulberry32 is seeded', () => {
    const a = mulberry32(5),
      b = mulberry32(5);
    assert.deepEqual([a(), a(), a()], [b(), b(), b()]);
  });
});
