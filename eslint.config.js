// ESLint (flat config): typescript-eslint's recommended rules everywhere, Lit's and the
// web-components rules on the element, and the project's architectural rules: the layer order as
// an allow-list (LAYERS), the page-side code never importing tfjs or the training folder, and one
// source for each rule (docs/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import { oneSourceConfig } from './scripts/lint/one-source.js';
import { layersConfig } from './scripts/lint/layers.js';

// The layer order as an allow-list (scripts/lint/layers.js; docs/architecture.md draws it): each
// folder (or entry file) and the rows it may import from by relative path; its own row always.
// A file in no row is an error: a new folder must be placed here. Longest path wins.
const INFERENCE = ['src/inference/kernels', 'src/inference/model', 'src/inference/format', 'src/inference/suggest'];
const BELOW_INFERENCE = ['src/base', 'src/text', 'src/data'];
const PAGE = [...BELOW_INFERENCE, ...INFERENCE, 'src/storage', 'src/sdk'];
const TRAINING = [...BELOW_INFERENCE, ...INFERENCE, 'src/storage', 'src/training', 'src/timeseries', 'src/worker'];
export const LAYERS = {
  // Page side: no tfjs (the deny-list below), nothing upward.
  'src/base': [],
  'src/text': ['src/base'],
  'src/data': ['src/base', 'src/text'],
  'src/inference/kernels': ['src/base'],
  'src/inference/model': [...BELOW_INFERENCE, 'src/inference/kernels'],
  'src/inference/format': [...BELOW_INFERENCE, 'src/inference/kernels', 'src/inference/model'],
  'src/inference/suggest': [...BELOW_INFERENCE, ...INFERENCE.slice(0, 3)],
  'src/storage': [...BELOW_INFERENCE, ...INFERENCE],
  'src/sdk': [...BELOW_INFERENCE, ...INFERENCE, 'src/storage', 'src/worker'], // the worker's protocol (types)
  'src/index.ts': PAGE,
  'src/engine.ts': PAGE,
  // The element goes through the entries, never past them (issue 35).
  widget: ['src/index.ts', 'src/engine.ts'],
  'widget/demo': ['widget', 'src/index.ts', 'src/engine.ts', ...PAGE, 'src/timeseries'],
  'widget/lab': ['widget', 'src/index.ts', 'src/engine.ts', ...PAGE, 'src/training'],
  // Training side: tfjs and Node.
  'src/training': [...BELOW_INFERENCE, ...INFERENCE],
  'src/timeseries': [...BELOW_INFERENCE, ...INFERENCE, 'src/training'],
  'src/worker': [...BELOW_INFERENCE, ...INFERENCE, 'src/storage', 'src/training', 'src/timeseries'],
  'src/node': [...TRAINING],
  'src/cli': [...TRAINING, 'src/node'],
  'src/core.ts': [...PAGE, 'src/index.ts', 'src/engine.ts', 'src/training', 'src/timeseries', 'src/worker', 'src/node'],
  'src/types': [],
  // Beside the code: they measure, build and check it, and may import anything.
  bench: [],
  scripts: [],
  test: [],
  '.': [],
};
for (const beside of ['bench', 'scripts', 'test', '.'])
  LAYERS[beside] = Object.keys(LAYERS).filter((k) => k !== beside);

const noTfjs = {
  patterns: [
    {
      group: ['@tensorflow/*'],
      message: 'Page-side code never imports tfjs: training runs in the worker (src/worker) or in Node.',
    },
    {
      group: ['**/training/*', '**/worker/worker*', '**/timeseries/forecast*', '**/node/*'],
      allowTypeImports: true,
      message: 'Page-side code never imports the training side (types only); use src/inference or the worker protocol.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist.building/**',
      'dist.old-*/**',
      'node_modules/**',
      'test-results/**',
      'models/**',
      'scratch/**',
      'test/consumers/**/dist/**',
      'test/consumers/**/node_modules/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Browser tests reach page globals through page.evaluate.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['scripts/**/*.js', 'test/**/*.js', 'widget/**/*.mjs', '*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        document: 'readonly',
        window: 'readonly',
      },
    },
  },
  {
    files: [
      'src/base/**',
      'src/text/**',
      'src/data/**',
      'src/inference/**',
      'src/storage/**',
      'src/sdk/**',
      'widget/**',
    ],
    ignores: ['widget/lab/lab-worker.ts', 'widget/lab/lab-train.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', noTfjs] },
  },
  {
    files: ['widget/**/*.ts'],
    plugins: { lit, wc },
    rules: { ...lit.configs.recommended.rules, ...wc.configs.recommended.rules },
  },
  ...layersConfig(LAYERS),
  ...oneSourceConfig(),
);
