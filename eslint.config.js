// ESLint (flat config): typescript-eslint's recommended rules everywhere, Lit's and the
// web-components rules on the element, and the project's one architectural rule: the page-side
// code never imports tfjs or the training folder (docs/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import { oneSourceConfig } from './scripts/lint/one-source.js';

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
  ...oneSourceConfig(),
);
