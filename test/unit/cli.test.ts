// @tier full: runs the built CLI (dist/); `npm run test:quick` leaves it out.
// The built package: the CLI (dist/cli.js) and self-import by package name. npm test builds first.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCorpus } from '../../src/data/corpus.js';
import { evalWords } from '../../src/text/tokenize.js';
import { evaluate } from '../../src/inference/suggest/evaluate.js';
import { predictorOf } from '../../src/inference/format/artifacts.js';
import { KneserNeyTrigram } from '../../src/inference/model/ngram.js';
import { WordPredictor } from '../../src/inference/model/word-predictor.js';
import { loadModelDir } from '../../src/node/model-dir.js';

const cli = new URL('../../dist/cli.js', import.meta.url).pathname;
/** The package by its own name, resolved at run time only: the build's TypeScript programs
 * (and npm run typecheck) run before dist/types exists and would not find it. */
const PACKAGE: string = 'rnn-predict';
const corpus = new URL('../../corpus/es-conversaciones.txt', import.meta.url).pathname;
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run "npm run build" (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'rnn-predict-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the package', () => {
  test('imports by its own name after a build: the page entry and rnn-predict/core', async () => {
    const pkg = await import(PACKAGE);
    assert.equal(typeof pkg.createPredictor, 'function');
    assert.equal(pkg.tokenize, undefined, "the engine's parts are not in the page entry");
    const core = await import(`${PACKAGE}/core`);
    assert.deepEqual(
      core.tokenize('¿Qué tal?').map((t: { text: string }) => t.text),
      ['¿', 'Qué', 'tal', '?'],
    );
    assert.equal(typeof core.createPredictor, 'function');
  });

  test('the SDK predicts "hoy" for "Hola cómo se siente " from the shipped corpus', async () => {
    const { predictNext } = await import(PACKAGE);
    const words = (await predictNext('Hola cómo se siente ', { k: 3 })).map((s: { word: string }) => s.word);
    assert.ok(words.includes('hoy'), words.join(', '));
  });
});

describe('rnn-predict CLI', () => {
  test('the build leaves dist/cli.js executable: npx rnn-predict --help and --version run', () => {
    assert.ok(statSync(cli).mode & 0o100, 'dist/cli.js has no run bit');
    const root = new URL('../..', import.meta.url).pathname;
    const npx = (...args: string[]) =>
      spawnSync('npx', ['--no-install', 'rnn-predict', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    const help = npx('--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: rnn-predict/);
    const version = npx('--version');
    assert.equal(version.status, 0, version.stderr);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.equal(version.stdout.trim(), pkg.version);
  });

  test('--help on each command', () => {
    for (const c of [[], ['train'], ['predict'], ['eval'], ['forecast']]) {
      const r = run(...c, '--help');
      assert.equal(r.code, 0, `${c.join(' ')} --help: ${r.err}`);
      assert.match(r.out, /Usage: rnn-predict/);
    }
  });

  test('train writes a model directory; predict --json and eval --json read it', async () => {
    const small = join(dir, 'small.txt');
    writeFileSync(small, readFileSync(corpus, 'utf8').split('\n').slice(0, 1500).join('\n'));
    const out = join(dir, 'model');
    const t = run(
      'train',
      '--corpus',
      small,
      '--out',
      out,
      '--epochs',
      '1',
      '--vocab',
      '800',
      '--hidden',
      '32',
      '--embedding',
      '16',
      '--quiet',
    );
    assert.equal(t.code, 0, t.err);
    assert.ok(existsSync(join(out, 'model.json')) && existsSync(join(out, 'weights.bin')));
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    assert.equal(json.modelTopology.format, 'rnn-predict/model');
    assert.ok(json.modelTopology.vocabulary.tokens.length <= 800);
    const p = run('predict', '--model', out, '--k', '4', '--json', 'Hola cómo se');
    assert.equal(p.code, 0, p.err);
    const suggestions = JSON.parse(p.out);
    assert.ok(Array.isArray(suggestions) && suggestions.length === 4);
    for (const s of suggestions) assert.ok(typeof s.word === 'string' && s.probability >= 0 && s.probability <= 1);
    const test = join(dir, 'test.txt');
    writeFileSync(test, 'Hola, ¿cómo se siente hoy?\nBuenos días, ¿qué tal?\n');
    const e = run('eval', '--model', out, '--test', test, '--json');
    assert.equal(e.code, 0, e.err);
    // The CLI reports what the evaluation harness computes on the same model and lines.
    const testLines = parseCorpus(readFileSync(test), test);
    const r = JSON.parse(e.out);
    const expected = evaluate(predictorOf(await loadModelDir(out)), testLines);
    for (const k of ['top1', 'top3', 'ksr', 'oov', 'perplexity', 'words'] as const) assert.equal(r[k], expected[k], k);
    assert.equal(r.words, 9);
    assert.equal(r.completionOrder, 'savings');
    // --completion-order probability scores the most probable completions first.
    const e2 = run('eval', '--model', out, '--test', test, '--json', '--completion-order', 'probability');
    assert.equal(e2.code, 0, e2.err);
    const r2 = JSON.parse(e2.out);
    const byProbability = evaluate(predictorOf(await loadModelDir(out), { completionOrder: 'probability' }), testLines);
    assert.equal(r2.completionOrder, 'probability');
    for (const k of ['top1', 'top3', 'ksr'] as const) assert.equal(r2[k], byProbability[k], k);
    const b = run('eval', '--baseline', 'kn3', '--train', small, '--test', test, '--json');
    assert.equal(b.code, 0, b.err);
    const kn = new WordPredictor({
      ngram: KneserNeyTrigram.train(parseCorpus(readFileSync(small), small).map(evalWords)),
    });
    const knExpected = evaluate(kn, testLines);
    const rb = JSON.parse(b.out);
    for (const k of ['top1', 'top3', 'ksr', 'oov', 'perplexity'] as const) assert.equal(rb[k], knExpected[k], k);
    assert.equal(rb.source, 'ngram');
  });

  test('bad input: one line on stderr, exit 1, no stack trace', () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '\n\n');
    const binary = join(dir, 'bin.dat');
    writeFileSync(binary, Buffer.from([0, 1, 2, 3, 0, 255]));
    const broken = join(dir, 'broken');
    writeFileSync(join(dir, 'x'), '');
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['train', '--corpus', empty, '--out', join(dir, 'o')], /empty\.txt: is empty/],
      [['train', '--corpus', binary, '--out', join(dir, 'o')], /bin\.dat: looks binary/],
      [['train', '--corpus', join(dir, 'nope.txt'), '--out', join(dir, 'o')], /nope\.txt: cannot read/],
      [
        ['train', '--corpus', corpus, '--out', join(dir, 'o'), '--cell', 'tcn'],
        /--cell must be one of "rnn", "lstm", "gru", got "tcn"/,
      ],
      [['train', '--corpus', corpus, '--out', join(dir, 'o'), '--epochs', 'two'], /--epochs must be an integer/],
      [['train', '--corpus', corpus, '--out', join(dir, 'o'), '--bogus'], /Unknown option '--bogus'/],
      [['predict', '--model', broken, 'hola'], /model\.json not found/],
      [['eval', '--test', corpus], /exactly one of --model DIR or --baseline kn3/],
      [
        ['eval', '--baseline', 'kn3', '--train', corpus, '--test', corpus, '--completion-order', 'abc'],
        /--completion-order must be one of "savings", "probability", got "abc"/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      assert.equal(r.code, 1, `${args.join(' ')} should fail`);
      assert.match(r.err, message);
      assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
    }
  });

  test('a model directory from another format version is refused by name', () => {
    const out = join(dir, 'model');
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    json.modelTopology.version = 99;
    const other = join(dir, 'other');
    spawnSync('cp', ['-r', out, other]);
    writeFileSync(join(other, 'model.json'), JSON.stringify(json));
    const r = run('predict', '--model', other, 'hola');
    assert.equal(r.code, 1);
    assert.match(r.err, /model format version 3 expected, got the number 99/);
  });
});
