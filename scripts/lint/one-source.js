// "One source for each rule", as lint rules on the syntax tree rather than regexes over text:
// each rule below names the one file that may write a thing (a check's wording, a list of
// names, a special token); anywhere else it is an error, in a string, a template literal, an
// array or a union type alike. test/unit/checks.test.ts shows each rule catching a sample.

/** Which file owns what, and the syntax that writes it. */
export const ONE_SOURCE = [
  {
    owner: 'src/base/checks.ts',
    what: 'a check message (integer, boolean, function, AbortSignal, number ranges) or an AbortError',
    selectors: [
      'Literal[value=/must be an? (integer|boolean|function|AbortSignal)|numbers? in [[(]|a number > 0/]',
      'TemplateElement[value.cooked=/must be an? (integer|boolean|function|AbortSignal)|numbers? in [[(]|a number > 0/]',
      "Literal[value='AbortError']",
      "FunctionDeclaration[id.name='describe']",
    ],
    // The learning rate's rule lives beside the training defaults; its wording too.
    alsoIn: ['src/inference/model/model-config.ts'],
  },
  {
    owner: 'src/base/cells.ts',
    what: 'the list of cell names (use CELL_TYPES / CellType)',
    selectors: [
      "ArrayExpression:has(Literal[value='rnn']):has(Literal[value='lstm']):has(Literal[value='gru'])",
      "TSUnionType:has(Literal[value='rnn']):has(Literal[value='lstm']):has(Literal[value='gru'])",
    ],
  },
  {
    owner: 'src/text/vocabulary.ts',
    what: "a special token '<s>' or '</s>' (use BOS / EOS)",
    selectors: ["Literal[value='<s>']", "Literal[value='</s>']"],
  },
];

/** ESLint flat-config entries: the rules everywhere in src/ and widget/ but each owner. */
export function oneSourceConfig() {
  const all = ONE_SOURCE.flatMap((r) =>
    r.selectors.map((selector) => ({ selector, message: `${r.what} is written once, in ${r.owner}` })),
  );
  const owners = ONE_SOURCE.flatMap((r) => [r.owner, ...(r.alsoIn ?? [])]);
  return [
    {
      files: ['src/**/*.ts', 'widget/**/*.ts'],
      ignores: owners,
      rules: { 'no-restricted-syntax': ['error', ...all] },
    },
    // An owner may write its own thing, not the others'.
    ...owners.map((owner) => ({
      files: [owner],
      rules: {
        'no-restricted-syntax': [
          'error',
          ...ONE_SOURCE.filter((r) => r.owner !== owner && !(r.alsoIn ?? []).includes(owner)).flatMap((r) =>
            r.selectors.map((selector) => ({ selector, message: `${r.what} is written once, in ${r.owner}` })),
          ),
        ],
      },
    })),
  ];
}
