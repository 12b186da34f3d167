/**
 * `rnn-predict lab`: the lab's experiment on the command line (src/training/lab.ts, the same
 * code the lab page's worker runs), and `rnn-predict lab next-word`: layer normalisation in the
 * next-word GRU against none, the same batches each, scored on a slice of a test file. Bad
 * input throws an Error with a one-line message; the caller prints it and exits 1.
 */
import { checkInteger } from '../base/checks.js';
import { checkedFlag } from '../node/cli-args.js';
import { initNodeBackend } from '../node/node-backend.js';
import { readLines } from '../node/text-io.js';
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
import {
  ACTIVATIONS,
  CELL_TYPES,
  DEFAULT_MODEL,
  NORMS,
  type Activation,
  SIZE_LIMITS,
  TRAIN_DEFAULTS,
  type Norm,
} from '../inference/model/model-config.js';
import { defineOptions, optionsHelp, parseOptions } from './options.js';

/** `rnn-predict lab`: the configurations are every combination of the lists. */
export const LAB_OPTIONS = defineOptions({
  cells: {
    type: 'string',
    value: 'LIST',
    shown: CELL_TYPES.join(','),
    help: `${CELL_TYPES.join(',')} (default {default})`,
  },
  activation: {
    type: 'string',
    value: 'LIST',
    shown: DEFAULT_MODEL.activation,
    help: `the SimpleRNN's: ${ACTIVATIONS.join(', ')} (default {default})`,
  },
  norm: {
    type: 'string',
    value: 'LIST',
    shown: DEFAULT_MODEL.norm,
    help: `${NORMS.join(', ')} (default {default}; layer: layer norm inside the cells)`,
  },
  init: {
    type: 'string',
    value: 'LIST',
    shown: LAB_INITS[0],
    help: `${LAB_INITS.join(', ')} (default {default}; normal: N(0, 1) matrices)`,
  },
  clip: {
    type: 'string',
    value: 'LIST',
    shown: LAB_CLIPS[0],
    help: `${LAB_CLIPS.join(', ')} (default {default}: global norm ${LAB_DEFAULTS.clipNorm}; value: ±${LAB_DEFAULTS.clipValue})`,
  },
  steps: {
    type: 'integer',
    limits: [1],
    default: LAB_DEFAULTS.steps,
    help: 'training batches per configuration and seed',
  },
  seeds: { type: 'string', value: 'LIST', shown: LAB_DEFAULTS.seeds.join(','), help: 'seeds' },
  json: { type: 'boolean', help: 'one JSON line per finished run, then a last line {configs: [...]}' },
});

/** `rnn-predict lab next-word`. */
export const NEXT_WORD_OPTIONS = defineOptions({
  corpus: { type: 'string', value: 'FILE', help: 'the training text (required)' },
  test: { type: 'string', value: 'FILE', help: 'the test lines (required)' },
  'max-lines': { type: 'integer', limits: [1], default: 20_000, help: 'training lines read from --corpus' },
  'test-lines': { type: 'integer', limits: [1], default: 1000, help: 'test lines read from --test' },
  epochs: { type: 'integer', limits: [1], default: 1, help: 'passes over the training lines' },
  hidden: { type: 'integer', limits: [1], default: 128, help: 'recurrent state size' },
  embedding: { type: 'integer', limits: [1], default: 64, help: 'embedding size' },
  vocab: { type: 'integer', limits: [SIZE_LIMITS.vocabSize[0]], default: 5000, help: 'network vocabulary size' },
  norm: { type: 'string', value: 'LIST', shown: NORMS.join(','), help: 'the norms compared' },
});

export const LAB_USAGE = `Usage: rnn-predict lab [--json] [options]
       rnn-predict lab next-word --corpus FILE --test FILE [options]

The lecture's remedies for vanishing gradients, measured. A sequence opens with one of
${LAB_DEFAULTS.keys} keys, then distractors, then a query; the target at the last step is the key
(lengths ${LAB_DEFAULTS.minLength}–${LAB_DEFAULTS.maxLength}). Each configuration is trained for the
same number of batches on the same data, once per seed, and reports the gradient of the loss at
the last step reaching the input at step 1 relative to the input at the last step
(‖∂ℓ/∂x₁‖ / ‖∂ℓ/∂x_T‖, T = ${LAB_DEFAULTS.maxLength}) before and after training, and the accuracy by length.

Options (lists are comma-separated; the configurations are every combination):
${optionsHelp(LAB_OPTIONS, { column: 22 })}

next-word: a GRU next-word model with --norm none and --norm layer, the same batches each
(--epochs over the first --max-lines lines of --corpus; full softmax), scored on the first
--test-lines lines of --test (network alone, no n-gram):
${optionsHelp(NEXT_WORD_OPTIONS, { column: 22 })}`;

/** parseOptions without positionals; a parse error pointing at the lab's help. */
function parse<T extends Parameters<typeof parseOptions>[1]>(argv: readonly string[], table: T) {
  try {
    return parseOptions(argv, table, { positionals: false });
  } catch (err) {
    if (!String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw err;
    throw new Error(`${(err as Error).message.split('\n')[0]} (see rnn-predict lab --help)`, { cause: err });
  }
}

const list = (value: string | undefined, name: string, allowed: readonly string[], fallback: string[]) => {
  if (value === undefined) return fallback;
  const items = value.split(',').map((s) => s.trim());
  for (const item of items)
    if (!allowed.includes(item))
      throw new Error(`--${name}: "${item}" is not one of ${allowed.join(', ')} (see rnn-predict lab --help)`);
  return items;
};

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
    activations: list(values.activation, 'activation', ACTIVATIONS, [DEFAULT_MODEL.activation]) as Activation[],
    norms: list(values.norm, 'norm', NORMS, [DEFAULT_MODEL.norm]) as Norm[],
    inits: list(values.init, 'init', LAB_INITS, [LAB_INITS[0]]) as LabConfig['init'][],
    clips: list(values.clip, 'clip', LAB_CLIPS, [LAB_CLIPS[0]]) as LabConfig['clip'][],
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
  const parsed = parse(argv, LAB_OPTIONS);
  if (parsed.help) return (out.log(LAB_USAGE), 0);
  const { values } = parsed;
  const configs = labConfigsOf(values);
  const steps = values.steps;
  const seeds =
    values.seeds === undefined
      ? [...LAB_DEFAULTS.seeds]
      : values.seeds.split(',').map((s) => checkedFlag(s.trim(), 'seeds', (v, n) => checkInteger(v, n, 0))!);
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

/** `rnn-predict lab next-word`: GRU with and without layer norm, the same batches. */
async function nextWord(argv: string[], out: { log: (s: string) => void }): Promise<number> {
  const parsed = parse(argv, NEXT_WORD_OPTIONS);
  if (parsed.help) return (out.log(LAB_USAGE), 0);
  const { values } = parsed;
  if (!values.corpus || !values.test) throw new Error('lab next-word needs --corpus FILE and --test FILE');
  const lines = readLines(values.corpus, values['max-lines']);
  const test = readLines(values.test, values['test-lines']);
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
        hiddenSize: values.hidden,
        embeddingSize: values.embedding,
      },
      epochs: values.epochs,
      vocabularySize: values.vocab,
      learningRate: TRAIN_DEFAULTS.learningRate,
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
