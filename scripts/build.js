#!/usr/bin/env node
// npm run build: the kernels, rollup, the type declarations and custom-elements.json, built
// into dist.building/ and swapped in for dist/ by a rename at the end. A server reading dist/
// (npm start, or a demo left running while npm test builds) keeps serving the old build until
// the new one is complete; a failed build leaves dist/ as it was.
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const BUILDING = 'dist.building';
const env = {
  ...process.env,
  RNN_PREDICT_DIST: BUILDING,
  PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
};

function run(command, ...args) {
  const r = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(
      `build: ${command} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}); dist/ unchanged`,
    );
    process.exit(1);
  }
}

/**
 * Renames `building` to `dist`, the old `dist` out of the way first and removed after: `dist`
 * is missing only between the two renames (microseconds), never for a whole build.
 */
export function swapIn(building, dist) {
  const old = `${dist}.old-${process.pid}`;
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(building, dist);
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  rmSync(join(root, BUILDING), { recursive: true, force: true });
  run(process.execPath, 'scripts/assemble-kernels.js');
  run('rollup', '-c', 'rollup.config.ts', '--configPlugin', 'typescript');
  run('tsc', '-p', 'tsconfig.build.json', '--declarationDir', `${BUILDING}/types`);
  run('cem', 'analyze', '--config', 'widget/custom-elements-manifest.config.mjs', '--quiet');
  swapIn(join(root, BUILDING), join(root, 'dist'));
}
