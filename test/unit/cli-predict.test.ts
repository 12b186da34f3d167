// @tier full: runs the CLI on the shipped model; `npm run test:quick` leaves it out.
// The CLI's first use (issue 37): predict with the shipped model, best first, completing or
// the next word; negative and non-numeric numbers named with their range; train's warning on a
// corpus too small for the network. Runs the CLI in process on the TypeScript sources.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { attachDashValues } from '../../src/node/cli-args.js';
import { corpusSizeWarning, TOKENS_PER_PARAMETER } from '../../src/training/corpus-size.js';

const corpus = new URL('../../corpus/es-conversaciones.txt', import.meta.url).pathname;
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rnn-predict-first-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI; what it printed on stdout and stderr, and its exit code. */
async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  let err = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(args, { log: (l) => out.push(l) });
    return { code, out, err };
  } finally {
    process.stderr.write = write;
  }
}

const rows = (out: string[]) =>
  out.slice(1).map((l) => {
    const [word, p] = l.split('\t');
    return { word: word!, probability: Number(p) };
  });

describe('rnn-predict predict', () => {
  test('without --model it reads the shipped model and completes the last word, most probable first', async () => {
    const r = await cli('predict', 'Hola cómo se siente');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out[0], "completing 'siente' (most probable first):");
    const words = rows(r.out);
    assert.equal(words.length, 3);
    assert.equal(words[0]!.word, 'siente');
    for (let i = 1; i < words.length; i++)
      assert.ok(words[i - 1]!.probability >= words[i]!.probability, r.out.join('\n'));
  });

  test('after a space, and with --next, it predicts the next word', async () => {
    for (const args of [['Hola cómo se siente '], ['--next', 'Hola cómo se siente']]) {
      const r = await cli('predict', ...args);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out[0], 'next word (most probable first):');
      assert.equal(rows(r.out)[0]!.word, 'hoy', r.out.join('\n'));
    }
  });

  test('--completion-order savings shows the order <rnn-predict> offers, and says so', async () => {
    const r = await cli('predict', '--completion-order', 'savings', 'Hola cómo se siente');
    assert.equal(r.out[0], "completing 'siente' (by typing saved):");
    assert.notEqual(rows(r.out)[0]!.word, 'siente');
  });
});

describe('numbers out of range', () => {
  for (const [args, message] of [
    [['predict', '--k', '-1', 'hola'], '--k must be an integer in 1…100, got "-1"'],
    [['predict', '--k', 'abc', 'hola'], '--k must be an integer in 1…100, got "abc"'],
    [['predict', '--words', '-2', 'hola'], '--words must be an integer in 1…20, got "-2"'],
    [
      ['train', '--corpus', 'missing.txt', '--out', 'x', '--epochs', '-3'],
      '--epochs must be an integer in 1…1000, got "-3"',
    ],
    [
      ['train', '--corpus', 'missing.txt', '--out', 'x', '--dropout', '-0.5'],
      '--dropout must be a number in [0, 1), got "-0.5"',
    ],
    [['lab', '--steps', '-1'], '--steps must be an integer ≥ 1, got "-1"'],
    [['lab', '--steps', 'many'], '--steps must be an integer ≥ 1, got "many"'],
  ] as const) {
    test(`${args.join(' ')}: one line naming the option and its range`, async () => {
      const r = await cli(...args);
      assert.equal(r.code, 1);
      assert.equal(r.err, `rnn-predict ${args[0]}: ${message}\n`);
    });
  }

  test('a value starting with "-" is joined to its string option only', () => {
    const options = { k: { type: 'string' }, json: { type: 'boolean' } } as const;
    assert.deepEqual(attachDashValues(['--k', '-1', 'x'], options), ['--k=-1', 'x']);
    assert.deepEqual(attachDashValues(['--json', '-1'], options), ['--json', '-1']);
    assert.deepEqual(attachDashValues(['--k', '--json'], options), ['--k', '--json']);
    assert.deepEqual(attachDashValues(['--k=2', '-1'], options), ['--k=2', '-1']);
  });
});

describe('rnn-predict train: a corpus too small for the network', () => {
  test('the rule: one training token per 10 weights at least', () => {
    assert.equal(TOKENS_PER_PARAMETER, 0.1);
    assert.equal(corpusSizeWarning(1000, 10_000), undefined);
    assert.match(corpusSizeWarning(999, 10_000) ?? '', /999 training tokens for 10,000 weights \(at least 1,000/);
  });

  test('20 lines for the default network train with a warning on stderr; 800 lines for a tiny one without', async () => {
    const lines = readFileSync(corpus, 'utf8').split('\n');
    const brief = ['--epochs', '1', '--minutes', '0.2', '--quiet'];
    const few = join(dir, 'few.txt');
    writeFileSync(few, lines.slice(0, 20).join('\n'));
    const small = await cli('train', '--corpus', few, '--out', join(dir, 'few'), ...brief);
    assert.equal(small.code, 0, small.err);
    assert.match(small.err, /^warning: the corpus is small for this network: \d+ training tokens for [\d,]+ weights/m);
    const enough = join(dir, 'enough.txt');
    writeFileSync(enough, lines.slice(0, 800).join('\n'));
    const big = await cli(
      'train',
      '--corpus',
      enough,
      '--out',
      join(dir, 'enough'),
      ...brief,
      '--hidden',
      '8',
      '--embedding',
      '4',
      '--vocab',
      '300',
    );
    assert.equal(big.code, 0, big.err);
    assert.doesNotMatch(big.err, /warning/);
  });
});
