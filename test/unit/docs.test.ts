// Every docs/….md that the README or the code cites is in the repository (not only in ../shared).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true })
    .map(String)
    .filter((f) => /\.(ts|js|md)$/.test(f) && !f.includes('node_modules'))
    .map((f) => join(dir, f));
}

test('every docs/*.md cited in README.md, src, bench, test and widget exists', () => {
  const cited = new Map<string, string>();
  for (const file of ['README.md', ...['src', 'bench', 'test', 'widget'].flatMap(files)]) {
    for (const m of readFileSync(join(root, file), 'utf8').matchAll(/(?<![\w./-])docs\/[\w-]+\.md/g)) {
      cited.set(m[0], file);
    }
  }
  assert.ok(cited.has('docs/evaluation.md'), 'the evaluation protocol is cited');
  for (const [doc, by] of cited) assert.ok(existsSync(join(root, doc)), `${by} cites ${doc}, which is missing`);
});
