// The layer order as an allow-list (LAYERS in eslint.config.js, scripts/lint/layers.js, drawn in
// docs/architecture.md): samples linted through the ESLint API, as npm run lint lints the tree.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

describe('the layer order (scripts/lint/layers.js, enforced by npm run lint)', () => {
  const lint = async (code: string, filePath: string) => {
    const [result] = await new ESLint({ cwd: process.cwd() }).lintText(code, { filePath });
    return result!.messages.filter((m) => m.ruleId === 'layers/order').map((m) => m.message);
  };
  const model = join('src', 'inference', 'model', 'sample.ts');

  test('an import from a layer below passes', async () => {
    assert.deepEqual(
      await lint("import { tokenize } from '../../text/tokenize.js';\nexport const t = tokenize;\n", model),
      [],
    );
    assert.deepEqual(await lint("export { checkInteger } from '../base/checks.js';\n", join('src', 'sdk', 'x.ts')), []);
  });

  test('an upward import is reported, naming what the layer may import', async () => {
    const upward =
      "import { createPredictor } from '../../sdk/create-predictor.js';\nexport const c = createPredictor;\n";
    const [message, ...rest] = await lint(upward, model);
    assert.equal(rest.length, 0);
    assert.match(message!, /^src\/inference\/model may not import src\/sdk \(\.\.\/\.\.\/sdk\/create-predictor\.js\)/);
    assert.match(message!, /it may import src\/base, src\/text, src\/data, src\/inference\/kernels/);
    // Re-exports and dynamic imports count too: the page side never reaches the training side.
    assert.equal((await lint("export * from '../training/train.js';\n", join('src', 'text', 'x.ts'))).length, 1);
    assert.equal(
      (await lint("export const t = () => import('../training/train.js');\n", join('src', 'sdk', 'x.ts'))).length,
      1,
    );
  });

  test('a file in a folder with no row is reported: a new folder must be placed', async () => {
    const messages = await lint('export const x = 1;\n', join('src', 'newfolder', 'x.ts'));
    assert.deepEqual(messages.length, 1);
    assert.match(messages[0]!, /no row of LAYERS .*a new folder must be placed/);
    assert.match(
      (await lint("export { x } from '../newfolder/x.js';\n", join('src', 'sdk', 'x.ts'))).join(),
      /in no row/,
    );
  });
});
