// @tier full: reads the built package (dist/); `npm run test:quick` leaves it out.
// A light install (issue 37): a site that serves the shipped model installs no tfjs and none of
// natural's dependencies. tfjs is an optional peer dependency: only training imports it, and the
// worker and the one-file bundle carry what they need. npm test builds first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const TFJS = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'];

test('tfjs and natural are optional peer dependencies, never installed with the package', () => {
  // natural: only eval --replies' TF-IDF baseline (a benchmark) imports it.
  for (const name of [...TFJS, 'natural']) {
    assert.equal(pkg.dependencies[name], undefined, `${name} in dependencies`);
    assert.ok(pkg.peerDependencies[name], `${name} not in peerDependencies`);
    assert.deepEqual(pkg.peerDependenciesMeta[name], { optional: true });
    assert.equal(pkg.devDependencies[name], pkg.peerDependencies[name], `${name}: the version built with`);
  }
});

/** The bare imports (packages) of a built module and of the chunks it imports, transitively. */
function bareImports(file: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(file)) return out;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) for (const b of bareImports(join(dirname(file), spec), seen)) out.add(b);
    else out.add(spec);
  }
  return out;
}

test('the page-side entries never import tfjs; the worker and the bundle import no package', () => {
  assert.ok(existsSync(join(root, 'dist/index.js')), 'dist/ is missing: run "npm run build" (npm test does)');
  for (const entry of ['dist/index.js', 'dist/element.js']) {
    const imports = [...bareImports(join(root, entry))];
    assert.ok(imports.includes('lit') || imports.includes('comlink'), `${entry}: ${imports.join(', ')}`);
    assert.deepEqual(
      imports.filter((i) => i.startsWith('@tensorflow/')),
      [],
      entry,
    );
  }
  // The training entry keeps tfjs as an import (a peer), not a copy.
  assert.ok([...bareImports(join(root, 'dist/core.js'))].includes('@tensorflow/tfjs'));
  // (The bundle's Node-only read of a file: corpus imports node:fs/promises when it runs in Node.)
  for (const file of ['dist/worker.js', 'dist/rnn-predict.bundle.js']) {
    const packages = [...bareImports(join(root, file))].filter((i) => !i.startsWith('node:'));
    assert.deepEqual(packages, [], file);
  }
});
