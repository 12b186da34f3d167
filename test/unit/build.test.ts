// @tier full: runs the build; `npm run test:quick` leaves it out.
// npm run build (scripts/build.js) writes into dist.building/ and swaps it in for dist/ at the
// end, so a server reading dist/ (a running demo) keeps serving while a build runs (issue 37).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain JS module without types
import { swapIn, BUILDING } from '../../scripts/build.js';

test('npm run build is scripts/build.js, and every rollup output goes to the folder it swaps in', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.scripts.build, 'node scripts/build.js');
  process.env.RNN_PREDICT_DIST = BUILDING;
  try {
    const { default: config } = await import('../../rollup.config.js');
    const dirs = config.flatMap((c) => [c.output ?? []].flat().map((o) => String(o.dir)));
    assert.ok(dirs.length > 0);
    for (const dir of dirs) assert.match(dir, new RegExp(`^${BUILDING}(/|$)`), `${dir} is written in place`);
  } finally {
    delete process.env.RNN_PREDICT_DIST;
  }
});

test('swapIn: the new build replaces dist/ whole, nothing of the old one is left', () => {
  const root = mkdtempSync(join(tmpdir(), 'rnn-predict-build-'));
  try {
    const dist = join(root, 'dist');
    const building = join(root, BUILDING);
    mkdirSync(dist);
    writeFileSync(join(dist, 'index.js'), 'old');
    writeFileSync(join(dist, 'stale-chunk.js'), 'old');
    mkdirSync(building);
    writeFileSync(join(building, 'index.js'), 'new');
    swapIn(building, dist);
    assert.deepEqual(readdirSync(root), ['dist']);
    assert.deepEqual(readdirSync(dist), ['index.js']);
    assert.equal(readFileSync(join(dist, 'index.js'), 'utf8'), 'new');
    // A first build: no dist/ before.
    rmSync(dist, { recursive: true });
    mkdirSync(building);
    writeFileSync(join(building, 'index.js'), 'first');
    swapIn(building, dist);
    assert.equal(readFileSync(join(dist, 'index.js'), 'utf8'), 'first');
    assert.equal(existsSync(building), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
