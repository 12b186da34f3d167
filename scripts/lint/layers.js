// The layer order as an allow-list: every linted file belongs to a row of LAYERS (eslint.config.js),
// found by the longest folder or file path that holds it, and may import, by relative path, only
// from its own row and the rows that row names. An import from any other row, or from a path that
// no row holds, is an error; so is a file that no row holds: a new folder must be placed.
// docs/architecture.md draws the same table; test/unit/checks.test.ts shows the rule at work.
import { dirname, relative, resolve, sep } from 'node:path';

const EXTENSION = /\.(?:d\.)?[cm]?[jt]sx?$/;

/** The row of LAYERS holding `path` (relative to the repository root, `/`-separated), or undefined. */
export function rowOf(layers, path) {
  if (!path.includes('/')) return '.' in layers ? '.' : undefined;
  const bare = path.replace(EXTENSION, '');
  let best;
  for (const key of Object.keys(layers)) {
    if (key === '.') continue;
    const holds = path === key || bare === key.replace(EXTENSION, '') || path.startsWith(`${key}/`);
    if (holds && (best === undefined || key.length > best.length)) best = key;
  }
  return best;
}

/** The rule, with the table closed over (no options to validate). */
export function layersRule(layers) {
  return {
    meta: {
      type: 'problem',
      docs: { description: 'imports follow the layer order of LAYERS (docs/architecture.md)' },
      schema: [],
      messages: {
        unplaced:
          '{{file}} is in no row of LAYERS (eslint.config.js): a new folder must be placed in the layer order (docs/architecture.md)',
        upward:
          '{{row}} may not import {{target}} ({{spec}}); it may import {{allowed}} (LAYERS, docs/architecture.md)',
        nowhere: '{{spec}} is in no row of LAYERS: place its folder in the layer order before importing it',
      },
    },
    create(context) {
      const root = context.cwd;
      const toPosix = (p) => p.split(sep).join('/');
      const file = toPosix(relative(root, context.filename));
      if (file.startsWith('..')) return {};
      const row = rowOf(layers, file);
      const check = (node, source) => {
        const spec = source && typeof source.value === 'string' ? source.value : undefined;
        if (row === undefined || spec === undefined || !spec.startsWith('.')) return;
        const target = toPosix(relative(root, resolve(dirname(context.filename), spec)));
        if (target.startsWith('..')) return;
        const to = rowOf(layers, target);
        if (to === undefined) return context.report({ node: source, messageId: 'nowhere', data: { spec } });
        if (to === row || layers[row].includes(to)) return;
        const allowed = layers[row].length ? layers[row].join(', ') : 'nothing outside its own folder';
        context.report({ node: source, messageId: 'upward', data: { row, target: to, spec, allowed } });
      };
      return {
        Program(node) {
          if (row === undefined)
            context.report({ node, loc: { line: 1, column: 0 }, messageId: 'unplaced', data: { file } });
        },
        ImportDeclaration: (node) => check(node, node.source),
        ExportNamedDeclaration: (node) => check(node, node.source),
        ExportAllDeclaration: (node) => check(node, node.source),
        ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : undefined),
      };
    },
  };
}

/** ESLint flat-config entries: the rule on every linted source file. */
export function layersConfig(layers) {
  for (const [key, allowed] of Object.entries(layers)) {
    for (const to of allowed) if (!(to in layers)) throw new Error(`LAYERS: ${key} names ${to}, which has no row`);
  }
  return [
    {
      files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
      plugins: { layers: { rules: { order: layersRule(layers) } } },
      rules: { 'layers/order': 'error' },
    },
  ];
}
