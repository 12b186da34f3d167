/**
 * Builds, from one table of outputs:
 *  - dist/index.js, dist/core.js, dist/cli.js — the SDK, the training core and the CLI as ESM
 *    for bundlers and Node (dependencies left as imports);
 *  - dist/rnn-predict.bundle.js — one file for a page: `<script type="module" src=…>`, no
 *    bundler needed, everything inside and minified;
 *  - dist/corpus/ — the default Spanish corpus, fetched by the SDK next to itself.
 * Type declarations come from `tsc -p tsconfig.build.json` (dist/types). `npm run build`
 * (scripts/build.js) writes all of it into RNN_PREDICT_DIST (dist.building/) and renames that
 * to dist/ when the build is complete.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { LoggingFunction, Plugin, RollupLog, RollupOptions } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';

/** Where the build goes: dist/, or the folder scripts/build.js swaps in for it. */
const DIST = process.env.RNN_PREDICT_DIST ?? 'dist';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
/** Left as imports in the ESM outputs: the dependencies, and tfjs (an optional peer dependency:
 * only training imports it, and the worker and the one-file bundle carry what they need). */
const deps = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];
const external = (id: string) => id.startsWith('node:') || deps.some((d) => id === d || id.startsWith(`${d}/`));

/** Prints each output file's gzip size, so growth shows at once. */
function sizes(): Plugin {
  return {
    name: 'sizes',
    writeBundle(options, bundle) {
      for (const [file, chunk] of Object.entries(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
        process.stderr.write(
          `  ${options.dir ?? ''}/${file}: ${kb(chunk.code.length)}, ${kb(gzipSync(chunk.code).length)} gzip\n`,
        );
      }
    },
  };
}

function copyCorpus(): Plugin {
  return {
    name: 'copy-corpus',
    writeBundle() {
      mkdirSync(`${DIST}/corpus`, { recursive: true });
      copyFileSync('corpus/es-conversaciones.txt', `${DIST}/corpus/es-conversaciones.txt`);
      // The shipped model (npm run train:default), found by the SDK next to itself.
      mkdirSync(`${DIST}/models/es`, { recursive: true });
      for (const f of ['model.json', 'weights.bin', 'README.md'])
        copyFileSync(`models/es/${f}`, `${DIST}/models/es/${f}`);
      // The shipped reply model (train --shape qa), loaded the first time replies are asked for.
      mkdirSync(`${DIST}/models/es-replies`, { recursive: true });
      for (const f of ['model.json', 'weights.bin', 'README.md'])
        copyFileSync(`models/es-replies/${f}`, `${DIST}/models/es-replies/${f}`);
    },
  };
}

/** Makes dist/cli.js executable, so that `npx rnn-predict` runs in this repository too (npm sets
 * the bit only when it installs the package). */
function executableCli(): Plugin {
  return {
    name: 'executable-cli',
    writeBundle(options, bundle) {
      if ('cli.js' in bundle) chmodSync(`${options.dir ?? DIST}/cli.js`, 0o755);
    },
  };
}

/** The wasm backend's binaries, next to the worker that loads them. */
function copyWasm(): Plugin {
  return {
    name: 'copy-wasm',
    writeBundle() {
      for (const f of [
        'tfjs-backend-wasm.wasm',
        'tfjs-backend-wasm-simd.wasm',
        'tfjs-backend-wasm-threaded-simd.wasm',
      ]) {
        copyFileSync(`node_modules/@tensorflow/tfjs-backend-wasm/dist/${f}`, `${DIST}/${f}`);
      }
    },
  };
}

const ts = () =>
  typescript({
    tsconfig: './tsconfig.json',
    compilerOptions: { outDir: DIST, declaration: false, noEmit: false },
    include: ['src/**/*.ts', 'widget/**/*.ts'],
  });

const config: RollupOptions[] = [
  {
    input: { index: 'src/index.ts', core: 'src/core.ts', cli: 'src/cli/main.ts', element: 'widget/define.ts' },
    external,
    output: {
      dir: DIST,
      format: 'es',
      sourcemap: true,
      chunkFileNames: '[name]-[hash].js',
      banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
    },
    plugins: [ts(), sizes(), copyCorpus(), executableCli()],
  },
  {
    input: { 'rnn-predict.bundle': 'widget/bundle.ts' },
    external: (id) => id.startsWith('node:'),
    output: { dir: DIST, format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: [resolve({ browser: true }), commonjs(), ts(), terser({ format: { comments: false } }), sizes()],
  },
];

// The training worker: tfjs and the core bundled into one module worker file.
config.push({
  input: { worker: 'src/worker/worker.ts' },
  output: { dir: DIST, format: 'es', sourcemap: true, inlineDynamicImports: true },
  onwarn: quietTfjs,
  plugins: [resolve({ browser: true }), commonjs(), ts(), terser({ format: { comments: false } }), sizes(), copyWasm()],
});

/**
 * Rollup's warnings, less one that tfjs's own code always gives: its TypeScript helpers read
 * `this` at the top of an ES module (`this && this.__rest`), which is undefined there, as the
 * helpers expect. Only that warning and only from node_modules/@tensorflow is dropped.
 */
function quietTfjs(warning: RollupLog, warn: LoggingFunction): void {
  if (warning.code === 'THIS_IS_UNDEFINED' && /node_modules[\\/]@tensorflow[\\/]/.test(warning.id ?? '')) return;
  warn(warning);
}

const pageTs = () =>
  typescript({
    tsconfig: './tsconfig.json',
    compilerOptions: { outDir: `${DIST}/widget`, declaration: false, noEmit: false },
    include: ['src/**/*.ts', 'widget/**/*.ts'],
  });

// The demo's and the lab's page scripts (chart.js inside, shared), and the lab's own training
// worker (tfjs inside, minified like the SDK's worker): dist/widget/.
config.push(
  {
    input: { lab: 'widget/lab/lab.ts', 'sales-chart': 'widget/demo/sales-chart.ts' },
    output: { dir: `${DIST}/widget`, format: 'es', sourcemap: true, chunkFileNames: '[name]-[hash].js' },
    plugins: [resolve({ browser: true }), commonjs(), pageTs(), terser({ format: { comments: false } }), sizes()],
  },
  {
    input: { 'lab-worker': 'widget/lab/lab-worker.ts' },
    output: { dir: `${DIST}/widget`, format: 'es', sourcemap: false, inlineDynamicImports: true },
    onwarn: quietTfjs,
    plugins: [resolve({ browser: true }), commonjs(), pageTs(), terser({ format: { comments: false } }), sizes()],
  },
);

export default config;
