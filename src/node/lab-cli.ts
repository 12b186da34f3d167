/**
 * `rnn-predict lab`: the lab's experiment on the command line (src/training/lab.ts, the same
 * code the lab page's worker runs), and `rnn-predict lab next-word`: layer normalisation in the
 * next-word GRU against none, the same batches each, scored on a slice of a test file. Bad
 * input throws an Error with a one-line message; the caller prints it and exits 1.
 */
import { checkInteger } from '../base/checks.js';
import { readFileSync } from 'node:fs';
import { checkedFlag, parseCommandLine } from './cli-args.js';
import { initNodeBackend } from './node-backend.js';
import { runLab } from '../training/lab.js';
import {
  LAB_CLIPS,
  LAB_DEFAULTS,
  LAB_INITS,
  labConfigName,
  labConfigs,
  type LabConfig,
  type LabResult,
} from '../inference/model/lab-config.js';
import { ACTIVATIONS, CELL_TYPES, NORMS, type Activation, type Norm } from '../inference/model/model-config.js';

export const LAB_USAGE = `Usage: rnn-predict lab [--json] [options]
       rnn-predict lab next-word --corpus FILE --test FILE [options]

The lecture's remedies for vanishing gradients, measured. A sequence opens with one of
${LAB_DEFAULTS.keys} keys, then distractors, then a query; the target at the last step is the key
(lengths ${LAB_DEFAULTS.minLength}–${LAB_DEFAULTS.maxLength}). Each configuration is trained for the
same number of batches on the same data, once per seed, and reports the gradient of the loss at
the last step reaching the input at step 1 relative to the input at the last step
(‖∂ℓ/∂x₁‖ / ‖∂ℓ/∂x_T‖, T = ${LAB_DEFAULTS.maxLength}) before and after training, and the accuracy by length.

Options (lists are comma-separated; the configurations are every combination):
  --cells LIST        rnn,lstm,gru (default all three)
  --activation LIST   the SimpleRNN's: ${ACTIVATIONS.join(', ')} (default tanh)
  --norm LIST         ${NORMS.join(', ')} (default none; layer: layer norm inside the cells)
  --init LIST         ${LAB_INITS.join(', ')} (default glorot; normal: N(0, 1) matrices)
  --clip LIST         ${LAB_CLIPS.join(', ')} (default norm: global norm ${LAB_DEFAULTS.clipNorm}; value: ±${LAB_DEFAULTS.clipValue})
  --steps N           training batches per configuration and seed (default ${LAB_DEFAULTS.steps})
  --seeds LIST        seeds (default ${LAB_DEFAULTS.seeds.join(',')})
  --json              one JSON line per finished run, then a last line {configs: [...]}
  --help              show this help

next-word: a GRU next-word model with --norm none and --norm layer, the same batches each
(--epochs over the first --max-lines lines of --corpus; full softmax), scored on the first
--test-lines lines of --test (network alone, no n-gram):
  --corpus FILE --test FILE --max-lines N (default 20000) --test-lines N (default 1000)
  --epochs N (default 1) --hidden N (default 128) --embedding N (default 64) --vocab N (default 5000)`;

const list = (value: string | undefined, name: string, allowed: readonly string[], fallback: string[]) => {
  if (value === undefined) return fallback;
  const items = value.split(',').map((s) => s.trim());
  for (const item of items)
    if (!allowed.includes(item))
      throw new Error(`--${name}: "${item}" is not one of ${allowed.join(', ')} (see rnn-predict lab --help)`);
  return items;
};

const int = (value: string | undefined, name: string, min: number, fallback: number) =>
  checkedFlag(value, name, (v, n) => checkInteger(v, n, min)) ?? fallback;

/** The configurations of the flags (lab-config.ts `labConfigs`: every combination). */
export function labConfigsOf(values: {
  cells?: string;
  activation?: string;
  norm?: string;
  init?: string;
  clip?: string;
}): LabConfig[] {
  return labConfigs({
    cells: list(values.cells, 'cells', CELL_TYPES, [...CELL_TYPES]) as LabConfig['cell'][],
    activations: list(values.activation, 'activation', ACTIVATIONS, ['tanh']) as Activation[],
    norms: list(values.norm, 'norm', NORMS, ['none']) as Norm[],
    inits: list(values.init, 'init', LAB_INITS, ['glorot']) as LabConfig['init'][],
    clips: list(values.clip, 'clip', LAB_CLIPS, ['norm']) as LabConfig['clip'][],
  });
}

const e = (x: number) => x.toExponential(1);

/**
 * Runs `rnn-predict lab`. `argv` holds the arguments after the command name. Returns the exit
 * code: 0 on success.
 *
 * @throws Error with a one-line message on bad arguments
 */
export async function labCommand(argv: string[], out: { log: (s: string) => void }): Promise<number> {
  if (argv[0] === 'next-word') return nextWord(argv.slice(1), out);
  let values;
  try {
    ({ values } = parseCommandLine(
      argv,
      {
        cells: { type: 'string' },
        activation: { type: 'string' },
        norm: { type: 'string' },
        init: { type: 'string' },
        clip: { type: 'string' },
        steps: { type: 'string' },
        seeds: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      false,
    ));
  } catch (err) {
    throw new Error(`${(err as Error).message.split('\n')[0]} (see rnn-predict lab --help)`, { cause: err });
  }
  if (values.help) return (out.log(LAB_USAGE), 0);
  const configs = labConfigsOf(values);
  const steps = int(values.steps, 'steps', 1, LAB_DEFAULTS.steps);
  const seeds =
    values.seeds === undefined
      ? [...LAB_DEFAULTS.seeds]
      : values.seeds.split(',').map((s) => int(s.trim(), 'seeds', 0, 0));
  await initNodeBackend();
  const json = !!values.json;
  const results = await runLab({
    configs,
    seeds,
    steps,
    onProgress: (p) => {
      if (p.type !== 'end') return;
      const c = configs[p.config]!;
      const ratio = p.norms[0]! / p.norms[p.norms.length - 1]!;
      if (json) out.log(JSON.stringify({ run: { ...c, seed: p.seed, ratio, accuracy: p.accuracy } }));
      else
        process.stderr.write(
          `${labConfigName(c)}, seed ${p.seed}: ratio ${e(ratio)}, accuracy ${p.accuracy.map((a) => `${Math.round(a * 100)} %`).join(' ')}\n`,
        );
    },
  });
  const summary = {
    task: {
      keys: LAB_DEFAULTS.keys,
      lengths: [LAB_DEFAULTS.minLength, LAB_DEFAULTS.maxLength],
      steps,
      batchSize: LAB_DEFAULTS.batchSize,
      hiddenSize: LAB_DEFAULTS.hiddenSize,
      learningRate: LAB_DEFAULTS.learningRate,
      seeds,
      measured:
        '‖∂ℓ/∂x₁‖ / ‖∂ℓ/∂x_T‖, ℓ the cross-entropy at the last step, x_t the input at step t, T the longest length',
    },
    configs: results.map(pick),
  };
  if (json) out.log(JSON.stringify(summary));
  else printTable(results, out);
  return 0;
}

/** What the last JSON line holds per configuration. */
function pick(r: LabResult) {
  return {
    cell: r.cell,
    activation: r.activation,
    norm: r.norm,
    init: r.init,
    clip: r.clip,
    ratio: r.ratio,
    ratioBefore: r.ratioBefore,
    accuracyByDistance: r.accuracyByDistance,
    finalLoss: r.finalLoss,
  };
}

function printTable(results: LabResult[], out: { log: (s: string) => void }) {
  const lengths = results[0]?.accuracyByDistance.map((a) => a.length) ?? [];
  out.log(['configuration', 'ratio after (per seed)', 'ratio before', ...lengths.map((l) => `acc T=${l}`)].join(' | '));
  for (const r of results) {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    out.log(
      [
        labConfigName(r),
        r.ratio.map(e).join(' '),
        r.ratioBefore.map(e).join(' '),
        ...r.accuracyByDistance.map((a) => `${Math.round(mean(a.accuracy) * 100)} %`),
      ].join(' | '),
    );
  }
}

const readLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

/** `rnn-predict lab next-word`: GRU with and without layer norm, the same batches. */
async function nextWord(argv: string[], out: { log: (s: string) => void }): Promise<number> {
  const { values } = parseCommandLine(
    argv,
    {
      corpus: { type: 'string' },
      test: { type: 'string' },
      'max-lines': { type: 'string' },
      'test-lines': { type: 'string' },
      epochs: { type: 'string' },
      hidden: { type: 'string' },
      embedding: { type: 'string' },
      vocab: { type: 'string' },
      norm: { type: 'string' },
      help: { type: 'boolean' },
    },
    false,
  );
  if (values.help) return (out.log(LAB_USAGE), 0);
  if (!values.corpus || !values.test) throw new Error('lab next-word needs --corpus FILE and --test FILE');
  const lines = readLines(values.corpus).slice(0, int(values['max-lines'], 'max-lines', 1, 20_000));
  const test = readLines(values.test).slice(0, int(values['test-lines'], 'test-lines', 1, 1000));
  const norms = list(values.norm, 'norm', NORMS, [...NORMS]) as Norm[];
  await initNodeBackend();
  const { trainLanguageModel } = await import('../training/pipeline.js');
  const { predictorOf } = await import('../inference/format/artifacts.js');
  const { evaluate } = await import('../inference/suggest/evaluate.js');
  for (const norm of norms) {
    const started = Date.now();
    const model = await trainLanguageModel(lines, {
      model: {
        cell: 'gru',
        norm,
        hiddenSize: int(values.hidden, 'hidden', 1, 128),
        embeddingSize: int(values.embedding, 'embedding', 1, 64),
      },
      epochs: int(values.epochs, 'epochs', 1, 1),
      vocabularySize: int(values.vocab, 'vocab', 5, 5000),
      learningRate: 3e-3,
      ngram: false,
      seed: 1,
    });
    const seconds = (Date.now() - started) / 1000;
    const r = evaluate(predictorOf(model), test, { skipKsr: true });
    out.log(
      JSON.stringify({
        cell: 'gru',
        norm,
        lines: lines.length,
        targets: model.result.targets,
        trainSeconds: Math.round(seconds),
        validationPerplexity: model.metrics.perplexity,
        test: { lines: test.length, top1: r.top1, top3: r.top3, perplexity: r.perplexity, oov: r.oov },
      }),
    );
  }
  return 0;
}
