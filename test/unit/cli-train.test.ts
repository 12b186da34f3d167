// @tier full: trains through the CLI; `npm run test:quick` leaves it out.
// `rnn-predict train`'s engine options (src/cli/train.ts): worker threads, sampled softmax, the
// learning rate and dropout, and their errors. Runs the CLI in process on the TypeScript sources.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

const corpus = new URL('../../corpus/es-conversaciones.txt', import.meta.url).pathname;
let dir: string;
let small: string;
const quiet = { log: () => {} };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rnn-predict-engine-cli-'));
  small = join(dir, 'small.txt');
  writeFileSync(small, readFileSync(corpus, 'utf8').split('\n').slice(0, 800).join('\n'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('rnn-predict train: engine options', () => {
  test('two worker threads with a sampled softmax write a model that records its settings', async () => {
    const out = join(dir, 'm2');
    const logs: string[] = [];
    const code = await main(
      [
        'train',
        '--corpus',
        small,
        '--out',
        out,
        '--epochs',
        '2',
        '--vocab',
        '600',
        '--hidden',
        '16',
        '--embedding',
        '8',
        '--threads',
        '2',
        '--sampled',
        '64',
        '--lr',
        '0.01',
        '--dropout',
        '0.1',
        '--word-dropout',
        '0.1',
        '--average',
        '0.5',
        '--quiet',
      ],
      { log: (l) => logs.push(l) },
    );
    assert.equal(code, 0);
    assert.ok(existsSync(join(out, 'model.json')));
    assert.match(logs.join('\n'), /2 thread\(s\)/);
    const settings = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).modelTopology.settings;
    assert.equal(settings.parallel, 2);
    assert.deepEqual(settings.sampledSoftmax, { samples: 64 });
    assert.equal(settings.learningRate, 0.01);
    assert.equal(settings.wordDropout, 0.1);
    assert.equal(settings.average, 0.5);
    assert.equal(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).modelTopology.config.dropout, 0.1);
  });

  test('one thread trains on the main thread', async () => {
    const logs: string[] = [];
    const code = await main(
      [
        'train',
        '--corpus',
        small,
        '--out',
        join(dir, 'm1'),
        '--epochs',
        '1',
        '--vocab',
        '300',
        '--hidden',
        '8',
        '--embedding',
        '8',
        '--threads',
        '1',
        '--sampled',
        '0',
        '--quiet',
      ],
      { log: (l) => logs.push(l) },
    );
    assert.equal(code, 0);
    assert.match(logs.join('\n'), /1 thread\(s\)/);
  });

  test('bad values exit 1 before training', async () => {
    for (const bad of [
      ['--threads', '0'],
      ['--lr', '-1'],
      ['--dropout', '1'],
      ['--word-dropout', '1'],
      ['--average', '1'],
      ['--sampled', 'x'],
      ['--minutes', '0'],
    ]) {
      assert.equal(
        await main(['train', '--corpus', small, '--out', join(dir, 'bad'), ...bad, '--quiet'], quiet),
        1,
        bad.join(' '),
      );
    }
    assert.ok(!existsSync(join(dir, 'bad')));
  });
});

describe('rnn-predict train: the remedies of issue 32', () => {
  test('--activation and --norm reach the model written, and a bad value is named', async () => {
    const out = join(dir, 'remedies');
    const code = await main(
      [
        'train',
        '--corpus',
        small,
        '--out',
        out,
        '--epochs',
        '1',
        '--vocab',
        '200',
        '--hidden',
        '8',
        '--embedding',
        '4',
      ].concat(['--cell', 'rnn', '--activation', 'leaky-relu', '--norm', 'layer', '--max-lines', '100', '--quiet']),
      quiet,
    );
    assert.equal(code, 0);
    const config = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).modelTopology.config;
    assert.equal(config.activation, 'leaky-relu');
    assert.equal(config.norm, 'layer');
    const errors: string[] = [];
    const bad = await main(['train', '--corpus', small, '--out', join(dir, 'x'), '--norm', 'batch'], {
      log: () => {},
      error: (m: string) => errors.push(m),
    } as never);
    assert.equal(bad, 1);
  });
});
