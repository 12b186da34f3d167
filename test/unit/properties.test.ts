// @tier full: many generated cases (9 s); `npm run test:quick` leaves it out.
/**
 * Property tests (fast-check) for the pure core: tokenizer, vocabulary, windows, the Kneser-Ney
 * trigram, the word predictor (n-gram, random recurrent network, their mix) and the stored model.
 *
 * Inputs are arbitrary Unicode: whole code points (`unit: 'binary'`), printable graphemes,
 * single UTF-16 code units (so lone surrogates), and hand-made hostile pieces (U+202E, NUL,
 * combining marks without a base, emoji sequences, right-to-left scripts, `__proto__`…).
 * A failing property prints its seed and shrunk counterexample; replay it with
 * `fc.assert(..., { seed, path })`.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  tokenize,
  evalWords,
  typingContext,
  recase,
  normalizeToken,
  isWordToken,
  EVAL_WORD_PATTERN,
} from '../../src/text/tokenize.js';
import { buildVocabulary, Vocabulary, SPECIALS, UNK_ID, BOS_ID, EOS_ID, PAD_ID } from '../../src/text/vocabulary.js';
import {
  windows,
  batches,
  sentenceBatches,
  mulberry32,
  type Window,
  type WindowShape,
} from '../../src/data/windows.js';
import { KneserNeyTrigram } from '../../src/inference/model/ngram.js';
import { oneTypoPrefixes } from '../../src/text/typos.js';
import { WordPredictor, type Suggestion } from '../../src/inference/model/word-predictor.js';
import { RecurrentNetwork } from '../../src/inference/model/recurrent-network.js';
import {
  resolveModelConfig,
  weightShapes,
  type CellType,
  type ModelConfig,
  type ModelShape,
} from '../../src/inference/model/model-config.js';
import {
  toArtifacts,
  fromArtifacts,
  predictorOf,
  type RnnModel,
  type ModelArtifacts,
} from '../../src/inference/format/artifacts.js';

// ---- arbitraries ---------------------------------------------------------------------------

/** Hand-made pieces that break naive text code. */
const HOSTILE = [
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  'a\uD800b',
  '\uDC00\uD800',
  '\u202E',
  '\u202D',
  '\u200F',
  '\u200E',
  '\u2066',
  '\u0000',
  '\u0007',
  '\u001B',
  '\u007F',
  '\u0085',
  '\u0301',
  '\u0308\u0301',
  'e\u0301',
  'n\u0303',
  '\u200D',
  '\uFE0F',
  '\uFEFF',
  '\u00A0',
  '\u2028',
  '\u3000',
  '😀',
  '👩‍👩‍👧',
  '🇪🇸',
  '1️⃣',
  '👍🏽',
  'ß',
  'İ',
  'ı',
  'ς',
  'Σ',
  'ǅ',
  'K',
  'ﬁ',
  'שלום',
  'مرحبا',
  'עִבְרִית',
  '漢字',
  'नमस्ते',
  '\t',
  '\n',
  '\r\n',
  ' ',
  '.',
  '¿',
  '¡',
  '?',
  '!',
  '...',
  '…',
  "'",
  '’',
  '-',
  ',',
  '"',
  '«',
  'http://x.es/a?b=1',
  'www.ejemplo.com.',
  'ana@correo.es',
  '3,14',
  '50%',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '<s>',
  '</s>',
  '<unk>',
  '<pad>',
  'Hola',
  'cómo',
  'se',
  'siente',
  'hoy',
  'HOLA',
  'Él',
  'pingüino',
  'niño',
  "l'amour",
] as const;

const hostile = fc.constantFrom(...HOSTILE);
/** One UTF-16 code unit: lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const separator = fc.constantFrom(
  ' ',
  ' ',
  ' ',
  '  ',
  '\n',
  ', ',
  '. ',
  '? ',
  '¿',
  '¡',
  '! ',
  '\t',
  '… ',
  '\u202E',
  '\u0000',
  '',
);

/** Any string a caller might pass. */
const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.string({
    unit: fc.oneof(hostile, codeUnit, separator, fc.string({ unit: 'grapheme-composite', maxLength: 3 })),
    maxLength: 16,
  }),
);

/** Words for corpora: Spanish, hostile, random letters, random code points. */
const COMMON = [
  'hola',
  'cómo',
  'se',
  'siente',
  'sie',
  'siento',
  'hoy',
  'él',
  'el',
  'niño',
  'pingüino',
  'qué',
  'a',
  'ab',
  'abc',
  'constructor',
  '__proto__',
  'tostring',
  'toString',
  'valueOf',
];
const corpusWord: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...COMMON) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 5 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: codeUnit, minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: hostile },
);

/** Corpus lines (text), always with at least one real word so that every model can train. */
const corpusLines: fc.Arbitrary<string[]> = fc
  .array(fc.array(fc.tuple(corpusWord, separator), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 8 })
  .map((lines) => ['hola cómo se siente hoy', ...lines.map((l) => l.map(([w, s]) => w + (s || ' ')).join(''))]);

/** Text before the caret: words of the corpus pool re-cased, cut short, mixed with separators, or anything. */
const typedWord = fc
  .tuple(corpusWord, fc.constantFrom('lower', 'upper', 'capital', 'as is'), fc.nat({ max: 6 }))
  .map(([w, casing, cut]) => {
    const chars = Array.from(w);
    const part = cut > 0 && cut < chars.length ? chars.slice(0, cut).join('') : w;
    if (casing === 'lower') return part.toLowerCase();
    if (casing === 'upper') return part.toUpperCase();
    if (casing === 'capital') return part.charAt(0).toUpperCase() + part.slice(1);
    return part;
  });
const queryText: fc.Arbitrary<string> = fc.oneof(
  anyText,
  fc.array(fc.oneof(typedWord, separator, hostile), { maxLength: 10 }).map((p) => p.join('')),
  fc
    .array(fc.tuple(typedWord, separator), { maxLength: 6 })
    .chain((p) => typedWord.map((last) => p.map(([w, s]) => w + s).join('') + last)),
);

/** Fixed strings every predictor must survive. */
const NASTY_QUERIES = [
  '',
  ' ',
  '\uD800',
  '\uDFFF',
  'hola \uD800',
  'hola\uD800',
  '\uD800hola',
  'ho\uDC00la ',
  '\u202Ehola cómo',
  'hola \u202E',
  '\u0000',
  'hola\u0000se',
  '\u0301',
  ' \u0301',
  'e\u0301',
  'sie\u0301',
  'שלום עולם ',
  'مرحبا بك',
  '😀',
  'hola 😀 ',
  '👩‍👩‍👧 se',
  '¿',
  '¿Có',
  'Hola. ',
  'HO',
  'HOLA CÓMO SE SIE',
  'constructor',
  'constructor ',
  '__proto__ ',
  'toString ',
  '__proto__',
  'hasOwnProperty',
  'İs',
  'ß',
  'Σ',
  'K',
  '\r\n\r\n',
  '...',
  'http://x.es ',
  'a'.repeat(10_000),
  'a '.repeat(5_000),
];

// ---- helpers -------------------------------------------------------------------------------

/** Case folding good enough to compare a re-cased suggestion with its stored form ('SS' ~ 'ß', 'K' ~ 'k'). */
const fold = (s: string) => s.toUpperCase().toLowerCase();

function isSortedDescending(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) if (!(xs[i - 1]! >= xs[i]!)) return false;
  return true;
}

/** Checks the contract of predictNext: never throws, ≤ k distinct words from the vocabulary, probabilities in [0, 1], sorted. */
function checkPredictNext(p: WordPredictor, text: string, k: number, vocabulary: ReadonlySet<string>): Suggestion[] {
  let out: Suggestion[];
  try {
    out = p.predictNext(text, { k });
  } catch (e) {
    assert.fail(
      `predictNext(${JSON.stringify(text.length > 80 ? text.slice(0, 80) + '…' : text)}, {k: ${k}}) threw ${(e as Error)?.stack ?? e}`,
    );
  }
  assert.ok(Array.isArray(out));
  assert.ok(out.length <= k, `more than k=${k} suggestions: ${JSON.stringify(out)}`);
  const words = out.map((s) => s.word);
  assert.equal(
    new Set(words).size,
    words.length,
    `suggestions are not distinct for ${JSON.stringify(text)}: ${JSON.stringify(words)}`,
  );
  const folded = new Set([...vocabulary].map(fold));
  for (const s of out) {
    assert.equal(typeof s.word, 'string');
    assert.ok(s.word.length > 0, 'an empty suggestion');
    assert.ok(
      vocabulary.has(s.word.toLowerCase()) || folded.has(fold(s.word)),
      `${JSON.stringify(s.word)} is not in the vocabulary`,
    );
    assert.ok(
      typeof s.probability === 'number' && s.probability >= 0 && s.probability <= 1,
      `probability ${s.probability} of ${JSON.stringify(s.word)} is outside [0, 1]`,
    );
  }
  // Completions of the typed letters first, then completions of what one typing error may have
  // meant (typos.ts), each group sorted.
  const { partial } = typingContext(text);
  const completes = (w: string, typed: string) =>
    w.toLowerCase().startsWith(typed.toLowerCase()) || fold(w).startsWith(fold(typed));
  let exact = 0;
  while (exact < out.length && completes(out[exact]!.word, partial)) exact++;
  // Completions of a typed word in the savings order (savings-order.ts) are not by probability.
  if (partial === '' || p.completionOrder === 'probability')
    assert.ok(isSortedDescending(out.slice(0, exact).map((s) => s.probability)), `not sorted: ${JSON.stringify(out)}`);
  assert.ok(isSortedDescending(out.slice(exact).map((s) => s.probability)), `not sorted: ${JSON.stringify(out)}`);
  // Only when some suggestion is a typo completion (the product searches typos only in words of
  // at most 24 letters; the edits of a long hostile word would take minutes to list).
  const meant = partial === '' || exact === out.length ? [] : oneTypoPrefixes(partial.toLowerCase());
  for (const s of out.slice(exact)) {
    assert.ok(
      meant.some((m) => completes(s.word, m)),
      `${JSON.stringify(s.word)} does not complete the typed ${JSON.stringify(partial)}, nor what one typo may have meant`,
    );
  }
  return out;
}

/** Deterministic pseudo-random weights for a config, scaled. */
function randomWeights(config: ModelConfig, seed: number, scale: number): Map<string, Float32Array> {
  const random = mulberry32(seed);
  return new Map(
    weightShapes(config).map(([name, shape]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return [name, Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale)];
    }),
  );
}

const netSettings = fc.record({
  cell: fc.constantFrom<CellType>('rnn', 'lstm', 'gru'),
  shape: fc.constantFrom<ModelShape>('seq2vec', 'seq2seq'),
  layers: fc.constantFrom<1 | 2>(1, 2),
  tied: fc.boolean(),
  embeddingSize: fc.integer({ min: 1, max: 6 }),
  hiddenSize: fc.integer({ min: 1, max: 6 }),
  horizon: fc.integer({ min: 1, max: 3 }),
});

interface Setup {
  lines: string[];
  vocabulary: Vocabulary;
  ngram: KneserNeyTrigram;
  config: ModelConfig;
  network: RecurrentNetwork;
  /** The words each model may suggest (stored, lower-case forms). */
  vocabularyWords: Set<string>;
  ngramWords: Set<string>;
}

function setup(
  lines: string[],
  settings: Omit<ModelConfig, 'vocabSize' | 'dropout' | 'maxLength' | 'activation' | 'norm'>,
  weights: (c: ModelConfig) => Map<string, Float32Array>,
): Setup {
  const vocabulary = buildVocabulary(lines.flatMap((l) => tokenize(l).map((t) => t.norm)));
  const ngram = KneserNeyTrigram.train(lines.map(evalWords));
  const config = resolveModelConfig({ ...settings, vocabSize: vocabulary.size });
  const network = new RecurrentNetwork(config, weights(config));
  const vocabularyWords = new Set(vocabulary.tokens().slice(SPECIALS.length));
  const ngramWords = new Set(ngram.toJSON().words.slice(2));
  return { lines, vocabulary, ngram, config, network, vocabularyWords, ngramWords };
}

const setupArb: fc.Arbitrary<Setup> = fc
  .tuple(corpusLines, netSettings, fc.integer(), fc.constantFrom(0.1, 1, 4, 30))
  .map(([lines, settings, seed, scale]) => setup(lines, settings, (c) => randomWeights(c, seed, scale)));

/** The three predictors of a setup (trigram alone, network alone, their mix), each with the words it may suggest. */
function predictorsOf(s: Setup, mix: number): [string, WordPredictor, Set<string>][] {
  return (['savings', 'probability'] as const).flatMap((completionOrder): [string, WordPredictor, Set<string>][] => [
    ['ngram', new WordPredictor({ ngram: s.ngram, completionOrder }), s.ngramWords],
    ['neural', new WordPredictor({ network: s.network, vocabulary: s.vocabulary, completionOrder }), s.vocabularyWords],
    [
      'mix',
      new WordPredictor({ network: s.network, vocabulary: s.vocabulary, ngram: s.ngram, mix, completionOrder }),
      new Set([...s.vocabularyWords, ...s.ngramWords]),
    ],
  ]);
}

// ---- tokenizer -----------------------------------------------------------------------------

describe('properties: tokenizer', () => {
  test('tokenize never throws; tokens are non-empty, in order, at their offsets, without whitespace', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const nfc = text.normalize('NFC');
        const tokens = tokenize(text);
        let end = 0;
        for (const t of tokens) {
          assert.ok(t.text.length > 0);
          assert.equal(nfc.slice(t.start, t.end), t.text);
          assert.ok(t.start >= end, 'tokens overlap or go backwards');
          // Between tokens: only whitespace (and combining marks with no base, which no token can start with).
          assert.match(nfc.slice(end, t.start), /^[\s\p{M}]*$/u);
          assert.ok(!/\s/u.test(t.text), `token ${JSON.stringify(t.text)} holds whitespace`);
          assert.equal(t.norm, normalizeToken(t.text));
          assert.ok(['word', 'number', 'url', 'email', 'emoji', 'punct', 'other'].includes(t.kind));
          if (t.kind === 'word')
            assert.ok(
              isWordToken(t.norm),
              `word token ${JSON.stringify(t.text)} has a non-word norm ${JSON.stringify(t.norm)}`,
            );
          end = t.end;
        }
        assert.match(nfc.slice(end), /^[\s\p{M}]*$/u);
      }),
      { numRuns: 1000, examples: HOSTILE.map((h) => [h] as [string]) },
    );
  });

  test('tokenize is the same on NFC and NFD input', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        assert.deepEqual(tokenize(text.normalize('NFD')), tokenize(text));
      }),
      { numRuns: 500 },
    );
  });

  test('evalWords never throws; every word is lower case letters/digits, and re-reading them gives them back', () => {
    const whole = new RegExp(`^(?:${EVAL_WORD_PATTERN.source})$`, 'u');
    fc.assert(
      fc.property(anyText, (text) => {
        const words = evalWords(text);
        for (const w of words) {
          assert.match(w, whole);
          assert.equal(w, w.toLowerCase());
        }
        assert.deepEqual(evalWords(words.join(' ')), words);
      }),
      { numRuns: 800, examples: HOSTILE.map((h) => [h] as [string]) },
    );
  });

  test('typingContext: partial is the last word when the text ends in one; a trailing space finishes it', () => {
    fc.assert(
      fc.property(queryText, (text) => {
        const c = typingContext(text);
        const nfc = text.normalize('NFC');
        const tokens = tokenize(text);
        assert.ok(typeof c.sentenceStart === 'boolean');
        if (c.partial !== '') {
          assert.ok(nfc.endsWith(c.partial));
          assert.ok(isWordToken(normalizeToken(c.partial)));
          assert.deepEqual(
            c.context,
            tokens.slice(0, -1).map((t) => t.norm),
          );
        } else {
          assert.deepEqual(
            c.context,
            tokens.map((t) => t.norm),
          );
        }
        const after = typingContext(text + ' ');
        assert.equal(after.partial, '');
        assert.deepEqual(after.context, c.partial === '' ? c.context : [...c.context, normalizeToken(c.partial)]);
        if (/\s$/u.test(nfc) || nfc === '') assert.equal(c.partial, '');
        if (c.partial === '' && c.context.length === 0) assert.equal(c.sentenceStart, true);
      }),
      { numRuns: 800, examples: NASTY_QUERIES.map((q) => [q] as [string]) },
    );
  });

  test('recase never throws and only changes case', () => {
    fc.assert(
      fc.property(anyText, anyText, fc.boolean(), (word, typed, start) => {
        const r = recase(word, typed, start);
        assert.equal(typeof r, 'string');
        assert.equal(fold(r), fold(word));
        if (typed === '' && !start) assert.equal(r, word);
      }),
      { numRuns: 800 },
    );
  });

  test('recase keeps the letters typed so far (or capitals when they were typed in capitals)', () => {
    const letters = fc.string({
      unit: fc.oneof(
        fc.constantFrom('a', 'b', 'ñ', 'é', 'ü', 'i', 'A', 'Ñ', 'É', 'Ü', 'İ', 'I', 'ß', 'σ', 'Σ', 'ж', 'Ж'),
        fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 1 }),
      ),
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(
        letters,
        fc.string({ unit: 'grapheme-composite', maxLength: 4 }),
        fc.boolean(),
        (typed, rest, start) => {
          const word = normalizeToken(typed + rest);
          fc.pre(word.startsWith(typed.toLowerCase()) && isWordToken(normalizeToken(typed)));
          const r = recase(word, typed, start);
          const allCaps =
            Array.from(typed).length >= 2 && typed === typed.toUpperCase() && typed !== typed.toLowerCase();
          if (allCaps) assert.equal(r, word.toUpperCase());
          else
            assert.ok(
              r.startsWith(typed),
              `recase(${JSON.stringify(word)}, ${JSON.stringify(typed)}) = ${JSON.stringify(r)} drops the typed case`,
            );
        },
      ),
      {
        numRuns: 800,
        examples: [
          ['Ho', 'la', true],
          ['İs', 'tanbul', false],
          ['aΣ', '', false],
        ],
      },
    );
  });
});

// ---- vocabulary ----------------------------------------------------------------------------

describe('properties: vocabulary', () => {
  const tokenList = fc.array(fc.oneof(corpusWord, fc.constantFrom('', ...SPECIALS)), { maxLength: 60 });
  const sizes = fc.record({
    maxSize: fc.option(fc.integer({ min: 4, max: 20 }), { nil: undefined }),
    minCount: fc.integer({ min: 1, max: 3 }),
  });

  test('buildVocabulary: specials first, then by count and code-unit order, within maxSize and minCount', () => {
    fc.assert(
      fc.property(tokenList, sizes, (tokens, options) => {
        const v = buildVocabulary(tokens, options);
        const counts = new Map<string, number>();
        for (const t of tokens)
          if (t !== '' && !(SPECIALS as readonly string[]).includes(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
        const expected = [...counts]
          .filter(([, c]) => c >= options.minCount)
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
          .slice(0, (options.maxSize ?? Infinity) - SPECIALS.length);
        assert.deepEqual(v.tokens(), [...SPECIALS, ...expected.map(([t]) => t)]);
        for (const [t, c] of expected) assert.equal(v.countOf(t), c);
        assert.ok(v.size <= (options.maxSize ?? Infinity));
        assert.deepEqual(buildVocabulary(tokens, options).toJSON(), v.toJSON(), 'not deterministic');
      }),
      { numRuns: 800 },
    );
  });

  test('fromJSON(toJSON()) round-trips exactly, through JSON text too', () => {
    fc.assert(
      fc.property(tokenList, anyText, (tokens, probe) => {
        const v = buildVocabulary(tokens);
        for (const back of [Vocabulary.fromJSON(v.toJSON()), Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)))]) {
          assert.deepEqual(back.toJSON(), v.toJSON());
          assert.deepEqual(back.tokens(), v.tokens());
          for (const t of [...v.tokens(), probe]) {
            assert.equal(back.idOf(t), v.idOf(t));
            assert.equal(back.countOf(t), v.countOf(t));
            assert.equal(back.has(t), v.has(t));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  test('lookups are safe for any string, prototype names included', () => {
    const probes = fc.oneof(
      anyText,
      fc.constantFrom(
        'constructor',
        '__proto__',
        'toString',
        'hasOwnProperty',
        'valueOf',
        '__defineGetter__',
        'prototype',
        'length',
        '0',
        '-1',
        '1e3',
        'NaN',
      ),
    );
    fc.assert(
      fc.property(tokenList, fc.array(probes, { maxLength: 8 }), (tokens, asked) => {
        const v = buildVocabulary(tokens);
        const list = v.tokens();
        for (const s of [...asked, ...tokens]) {
          const id = v.idOf(s);
          assert.ok(Number.isInteger(id) && id >= 0 && id < v.size);
          const i = list.indexOf(s);
          assert.equal(v.has(s), i >= 0);
          assert.equal(id, i >= 0 ? i : UNK_ID);
          const c = v.countOf(s);
          assert.ok(Number.isInteger(c) && c >= 0);
          if (i >= 0) assert.equal(v.tokenOf(id), s);
        }
        assert.deepEqual(
          v.encode(asked),
          asked.map((s) => v.idOf(s)),
        );
      }),
      {
        numRuns: 500,
        examples: [
          [
            ['constructor', '__proto__', 'toString'],
            ['constructor', '__proto__', 'toString', 'valueOf'],
          ],
          [[], ['__proto__', 'constructor']],
        ],
      },
    );
  });
});

// ---- windows and batches -------------------------------------------------------------------

describe('properties: windows and batches', () => {
  const windowOptions = fc.record({
    length: fc.integer({ min: 1, max: 6 }),
    stride: fc.integer({ min: 1, max: 4 }),
    shape: fc.constantFrom<WindowShape>('seq2vec', 'shifted', 'seq2seq'),
    horizon: fc.integer({ min: 1, max: 4 }),
  });
  const idList = fc.array(fc.nat({ max: 1000 }), { maxLength: 60 });

  /** The windows by definition. */
  function expectedWindows(
    ids: number[],
    o: { length: number; stride: number; shape: WindowShape; horizon: number },
  ): Window[] {
    const ahead = o.shape === 'seq2seq' ? o.horizon : 1;
    const out: Window[] = [];
    for (let s = 0; s + o.length + ahead <= ids.length; s += o.stride) {
      const input = ids.slice(s, s + o.length);
      const target =
        o.shape === 'seq2vec'
          ? [ids[s + o.length]!]
          : o.shape === 'shifted'
            ? ids.slice(s + 1, s + o.length + 1)
            : ids.slice(s + o.length, s + o.length + o.horizon);
      out.push({ input, target });
    }
    return out;
  }

  test('windows: count, shapes and contents follow the definition; with stride 1 every target appears', () => {
    fc.assert(
      fc.property(idList, windowOptions, (ids, o) => {
        const got = [...windows(ids, o)];
        const ahead = o.shape === 'seq2seq' ? o.horizon : 1;
        const span = o.length + ahead;
        assert.equal(got.length, ids.length >= span ? Math.floor((ids.length - span) / o.stride) + 1 : 0);
        const targetLength = o.shape === 'seq2vec' ? 1 : o.shape === 'shifted' ? o.length : o.horizon;
        for (const w of got) {
          assert.equal(w.input.length, o.length);
          assert.equal(w.target.length, targetLength);
        }
        assert.deepEqual(got, expectedWindows(ids, o));
        if (o.stride === 1 && ids.length >= span) {
          // Every id after the first window's input is some window's target.
          const covered = new Set<number>();
          got.forEach((w, s) =>
            w.target.forEach((_, j) => covered.add(o.shape === 'shifted' ? s + 1 + j : s + o.length + j)),
          );
          for (let p = o.length; p < ids.length; p++) assert.ok(covered.has(p), `position ${p} is no window's target`);
        }
      }),
      { numRuns: 800 },
    );
  });

  test('windows and batches are lazy: an endless stream gives its first windows and batches', () => {
    fc.assert(
      fc.property(
        windowOptions,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        (o, take, batchSize) => {
          let pulled = 0;
          function* endless() {
            for (let i = 0; ; i++) {
              pulled++;
              yield i % 97;
            }
          }
          const span = o.length + (o.shape === 'seq2seq' ? o.horizon : 1);
          const it = windows(endless(), o);
          for (let i = 0; i < take; i++) assert.equal(it.next().done, false);
          assert.ok(pulled <= (take - 1) * o.stride + span, `pulled ${pulled} ids for ${take} windows`);
          pulled = 0;
          const b = batches(windows(endless(), o), batchSize).next();
          assert.equal(b.done, false);
          assert.equal(b.value!.size, batchSize);
          assert.ok(pulled <= (batchSize - 1) * o.stride + span);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('batches: ceil(windows / size) batches, full but the last, rows in order', () => {
    fc.assert(
      fc.property(idList, windowOptions, fc.integer({ min: 1, max: 7 }), (ids, o, size) => {
        const ws = [...windows(ids, o)];
        const bs = [...batches(windows(ids, o), size)];
        assert.equal(bs.length, Math.ceil(ws.length / size));
        bs.forEach((b, i) => {
          assert.equal(b.size, i < bs.length - 1 ? size : ws.length - size * (bs.length - 1));
          assert.equal(b.length, o.length);
          assert.equal(b.targetLength, ws[0]!.target.length);
          assert.equal(b.inputs.length, b.size * b.length);
          assert.equal(b.targets.length, b.size * b.targetLength);
        });
        assert.deepEqual(
          bs.flatMap((b) => [...b.inputs]),
          ws.flatMap((w) => w.input),
        );
        assert.deepEqual(
          bs.flatMap((b) => [...b.targets]),
          ws.flatMap((w) => w.target),
        );
      }),
      { numRuns: 500 },
    );
  });

  test('sentenceBatches: every line becomes <s> w… → w… </s>, cut at maxLength; padding only at row ends; seeded', () => {
    const lines = fc.array(fc.array(fc.integer({ min: 4, max: 40 }), { maxLength: 12 }), { maxLength: 12 });
    const options = fc.record({
      maxLength: fc.integer({ min: 1, max: 8 }),
      batchTokens: fc.integer({ min: 1, max: 40 }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(lines, options, (ls, o) => {
        const bs = [...sentenceBatches(ls, o)];
        const rows = bs.reduce((n, b) => n + b.size, 0);
        assert.equal(
          rows,
          ls.reduce((n, l) => n + Math.ceil((l.length + 1) / o.maxLength), 0),
        );
        const inputs: number[] = [],
          targets: number[] = [];
        for (const b of bs) {
          assert.ok(b.size >= 1);
          assert.equal(b.length, b.targetLength);
          assert.ok(b.length >= 1 && b.length <= o.maxLength);
          assert.equal(b.inputs.length, b.size * b.length);
          assert.equal(b.targets.length, b.size * b.length);
          let shortest = Infinity;
          for (let r = 0; r < b.size; r++) {
            const input = [...b.inputs.subarray(r * b.length, (r + 1) * b.length)];
            const target = [...b.targets.subarray(r * b.length, (r + 1) * b.length)];
            const n = input.indexOf(PAD_ID) < 0 ? b.length : input.indexOf(PAD_ID);
            assert.ok(n >= 1, 'an empty row');
            shortest = Math.min(shortest, n);
            assert.ok(
              input.slice(n).every((x) => x === PAD_ID) && target.slice(n).every((x) => x === PAD_ID),
              'padding inside a row',
            );
            assert.ok(
              target.slice(0, n).every((x) => x !== PAD_ID),
              'target shorter than input',
            );
            for (let t = 0; t + 1 < n; t++)
              assert.equal(input[t + 1], target[t], 'target is not the input shifted by one');
            inputs.push(...input.slice(0, n));
            targets.push(...target.slice(0, n));
          }
          assert.ok(
            b.size <= Math.max(1, Math.floor(o.batchTokens / shortest)),
            `batch of ${b.size} rows for ${o.batchTokens} tokens`,
          );
        }
        const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
        assert.deepEqual(sorted(inputs), sorted(ls.flatMap((l) => [BOS_ID, ...l])));
        assert.deepEqual(sorted(targets), sorted(ls.flatMap((l) => [...l, EOS_ID])));
        const again = [...sentenceBatches(ls, o)];
        assert.deepEqual(again, bs, 'same seed, different batches');
      }),
      { numRuns: 500 },
    );
  });
});

// ---- Kneser-Ney trigram --------------------------------------------------------------------

describe('properties: Kneser-Ney trigram', () => {
  /** Arbitrary word lists: any strings, including '' and the sentence markers themselves. */
  const anyWord = fc.oneof(corpusWord, fc.string({ unit: 'binary', maxLength: 3 }));
  const wordLines = fc
    .array(fc.array(anyWord, { maxLength: 8 }), { minLength: 1, maxLength: 8 })
    // At least one word the model counts (<s> and </s> as words are the markers: a corpus of
    // only those is refused by train, rightly).
    .filter((ls) => ls.some((l) => l.some((w) => w !== '<s>' && w !== '</s>' && w !== '')));
  const history = (words: string[]) => fc.array(fc.oneof(fc.constantFrom(...words), anyWord), { maxLength: 4 });

  test('probabilities over the vocabulary (and </s>) sum to 1 for any history', () => {
    fc.assert(
      fc.property(
        wordLines.chain((ls) => fc.tuple(fc.constant(ls), history(ls.flat()))),
        fc.constantFrom(0.1, 0.5, 0.75, 0.9),
        ([lines, h], discount) => {
          const kn = KneserNeyTrigram.train(lines, { discount });
          const vocabulary = new Set([...lines.flat(), '</s>']);
          let total = 0;
          for (const w of vocabulary) {
            const p = kn.probability(h, w);
            assert.ok(p >= 0 && p <= 1, `P(${JSON.stringify(w)}) = ${p}`);
            total += p;
          }
          assert.ok(Math.abs(total - 1) < 1e-9, `sum ${total} after ${JSON.stringify(h)} on ${JSON.stringify(lines)}`);
        },
      ),
      {
        numRuns: 500,
        examples: [
          [[[['a', 'b']], []], 0.75],
          [[[['<s>', 'a']], ['a']], 0.75],
        ],
      },
    );
  });

  test('predict: ≤ k distinct training words with the prefix, sorted, exact top-k, probabilities as probability()', () => {
    fc.assert(
      fc.property(
        wordLines.chain((ls) => {
          const words = ls.flat();
          const prefix = fc.oneof(
            fc.constant(''),
            fc.constantFrom(...words).chain((w) => fc.nat({ max: w.length }).map((n) => w.slice(0, n))),
            anyWord,
          );
          return fc.tuple(fc.constant(ls), history(words), prefix);
        }),
        fc.integer({ min: 1, max: 10 }),
        ([lines, h, prefix], k) => {
          const kn = KneserNeyTrigram.train(lines);
          const out = kn.predict(h, k, prefix);
          assert.ok(out.length <= k);
          assert.equal(new Set(out.map((s) => s.word)).size, out.length);
          for (const s of out) {
            assert.ok(kn.has(s.word), `${JSON.stringify(s.word)} was not trained on`);
            assert.ok(
              s.word.startsWith(prefix),
              `${JSON.stringify(s.word)} does not start with ${JSON.stringify(prefix)}`,
            );
            assert.ok(s.probability > 0 && s.probability <= 1);
            assert.ok(Math.abs(s.probability - kn.probability(h, s.word)) < 1e-12);
          }
          assert.ok(isSortedDescending(out.map((s) => s.probability)));
          const returned = new Set(out.map((s) => s.word));
          const others = [...new Set(lines.flat())].filter(
            (w) => kn.has(w) && w.startsWith(prefix) && !returned.has(w),
          );
          if (out.length < k)
            assert.deepEqual(others, [], `fewer than k returned but ${JSON.stringify(others)} also match`);
          else
            for (const w of others)
              assert.ok(
                kn.probability(h, w) <= out[k - 1]!.probability + 1e-12,
                `${JSON.stringify(w)} beats the returned words`,
              );
        },
      ),
      { numRuns: 500 },
    );
  });

  test('fromJSON(toJSON()) gives identical probabilities and predictions', () => {
    fc.assert(
      fc.property(
        wordLines.chain((ls) =>
          fc.tuple(fc.constant(ls), fc.array(history(ls.flat()), { minLength: 1, maxLength: 4 })),
        ),
        ([lines, histories]) => {
          const kn = KneserNeyTrigram.train(lines);
          const j = kn.toJSON();
          const copies = [
            KneserNeyTrigram.fromJSON(j),
            KneserNeyTrigram.fromJSON(JSON.parse(JSON.stringify({ ...j, trigrams: [...j.trigrams] }))),
          ];
          for (const back of copies) {
            assert.deepEqual(back.toJSON().words, j.words);
            assert.deepEqual([...back.toJSON().trigrams], [...j.trigrams]);
            for (const h of histories) {
              for (const prefix of ['', ...h.map((w) => w.slice(0, 1))])
                assert.deepEqual(back.predict(h, 5, prefix), kn.predict(h, 5, prefix));
              for (const w of new Set(lines.flat())) assert.equal(back.probability(h, w), kn.probability(h, w));
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

// ---- the word predictor --------------------------------------------------------------------

describe('properties: WordPredictor.predictNext', () => {
  test('on the trigram, the network and their mix: never throws, ≤ k distinct vocabulary words, probabilities in [0, 1], sorted', () => {
    fc.assert(
      fc.property(
        setupArb,
        fc.array(queryText, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (s, texts, k, mix) => {
          for (const [, p, words] of predictorsOf(s, mix)) {
            for (const text of texts) checkPredictNext(p, text, k, words);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('hand-made hostile strings on every cell and shape', () => {
    const lines = [
      'Hola, ¿cómo se siente hoy?',
      'Hola cómo estás',
      'constructor __proto__ toString',
      'שלום עולם',
      'Él niño y el pingüino 😀',
    ];
    for (const cell of ['rnn', 'lstm', 'gru'] as CellType[]) {
      for (const shape of ['seq2vec', 'seq2seq'] as ModelShape[]) {
        const s = setup(
          lines,
          { cell, shape, layers: 2, tied: shape === 'seq2vec', embeddingSize: 4, hiddenSize: 5, horizon: 2 },
          (c) => randomWeights(c, 7, 1),
        );
        for (const [, p, words] of predictorsOf(s, 0.3)) {
          for (const text of NASTY_QUERIES) for (const k of [1, 3, 100]) checkPredictNext(p, text, k, words);
        }
      }
    }
  });

  test('one megabyte of mixed-script text with lone surrogates and controls', () => {
    const random = mulberry32(42);
    const pieces = [...HOSTILE, ' ', ' ', ' ', 'hola ', 'cómo ', 'se ', 'siente '];
    const parts: string[] = [];
    let length = 0;
    while (length < 1 << 20) {
      const piece = pieces[Math.floor(random() * pieces.length)]!;
      parts.push(piece);
      length += piece.length;
    }
    const text = parts.join('') + ' sie';
    assert.ok(text.length >= 1 << 20);
    const s = setup(
      ['Hola, ¿cómo se siente hoy?', 'se siente bien', 'siempre'],
      { cell: 'lstm', shape: 'seq2vec', layers: 1, tied: true, embeddingSize: 4, hiddenSize: 4, horizon: 1 },
      (c) => randomWeights(c, 3, 1),
    );
    for (const [name, p, words] of predictorsOf(s, 0.5)) {
      const out = checkPredictNext(p, text, 5, words);
      assert.ok(out.length > 0, `${name}: nothing completes "sie"`);
      // Completions of "sie" first; after them may come what one typo may have meant ("se").
      assert.ok(out[0]!.word.startsWith('sie'), `${name}: ${out.map((x) => x.word).join(', ')}`);
    }
  });

  test('suggestions stay distinct after re-casing (ß/ss, σ/ς)', () => {
    // Distinct lower-case vocabulary entries; upper-casing the completions of an all-capitals
    // prefix ('MA' → 'MASSE' for both 'maße' and 'masse'), or capitalising the first letter at
    // a sentence start ('σα', 'ςα' → 'Σα'), must not give the same suggestion twice.
    const lines = [
      ['maße', 'masse', 'straße', 'strasse'],
      ['σα', 'ςα'],
    ];
    const words = new Set(lines.flat());
    const ngram = KneserNeyTrigram.train(lines);
    const vocabulary = buildVocabulary(lines.flat());
    const config = resolveModelConfig({ vocabSize: vocabulary.size, embeddingSize: 3, hiddenSize: 3, cell: 'gru' });
    const network = new RecurrentNetwork(config, randomWeights(config, 5, 1));
    for (const p of [
      new WordPredictor({ ngram }),
      new WordPredictor({ network, vocabulary }),
      new WordPredictor({ network, vocabulary, ngram }),
    ]) {
      for (const text of ['MA', 'STRA', 'Hola. MA', '', 'hola. ']) checkPredictNext(p, text, 10, words);
    }
  });
});

// ---- the stored model ----------------------------------------------------------------------

describe('properties: stored model', () => {
  /** A model with arbitrary finite float32 weights (−0, subnormals and ±3.4e38 included). */
  const modelArb = (values: fc.Arbitrary<number>) =>
    fc
      .tuple(corpusLines, netSettings, fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }))
      .chain(([lines, settings, withNgram, mix]) => {
        const vocabulary = buildVocabulary(lines.flatMap((l) => tokenize(l).map((t) => t.norm)));
        const config = resolveModelConfig({ ...settings, vocabSize: vocabulary.size });
        const shapes = weightShapes(config);
        return fc
          .tuple(
            ...shapes.map(([, shape]) => {
              const n = shape.reduce((a, b) => a * b, 1);
              return fc.array(values, { minLength: n, maxLength: n }).map((xs) => Float32Array.from(xs));
            }),
          )
          .map((arrays): RnnModel => ({
            config,
            vocabulary,
            weights: new Map(shapes.map(([name], i) => [name, arrays[i]!])),
            ngram: withNgram ? KneserNeyTrigram.train(lines.map(evalWords)) : undefined,
            mix,
            metrics: { top1: 0.25, perplexity: 123.5 },
            corpusHash: 'abcd1234',
            trainedAt: '2024-01-01T00:00:00.000Z',
            settings: { epochs: 1, lines: lines.length },
          }));
      });

  /** What a model directory holds: JSON text for the topology and specs, bytes for the weights. */
  function throughDisk(a: ModelArtifacts): ModelArtifacts {
    return {
      ...a,
      modelTopology: JSON.parse(JSON.stringify(a.modelTopology)),
      weightSpecs: JSON.parse(JSON.stringify(a.weightSpecs)),
      weightData: a.weightData.slice(0),
    };
  }

  const bytes = (w: Float32Array) => new Uint8Array(w.buffer, w.byteOffset, w.byteLength);

  test('float32: fromArtifacts(toArtifacts(model)) gives identical weights, vocabulary, n-gram and predictions', () => {
    const finite = fc.oneof(
      { weight: 4, arbitrary: fc.float({ min: -2, max: 2, noNaN: true }) },
      { weight: 1, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          -0,
          0,
          2 ** -149, // the smallest float32 denormal
          -1.1754943508222875e-38,
          3.4028234663852886e38,
          -3.4028234663852886e38,
        ),
      },
    );
    fc.assert(
      fc.property(modelArb(finite), fc.array(queryText, { minLength: 1, maxLength: 4 }), (model, texts) => {
        const back = fromArtifacts(throughDisk(toArtifacts(model)));
        assert.deepEqual(back.config, model.config);
        assert.deepEqual(back.vocabulary.toJSON(), model.vocabulary.toJSON());
        assert.deepEqual([...back.weights.keys()].sort(), [...model.weights.keys()].sort());
        for (const [name, w] of model.weights)
          assert.deepEqual(bytes(back.weights.get(name)!), bytes(w), `weight ${name} changed`);
        assert.equal(back.mix, model.mix);
        assert.deepEqual(back.metrics, model.metrics);
        assert.equal(back.corpusHash, model.corpusHash);
        assert.equal(back.trainedAt, model.trainedAt);
        assert.deepEqual(back.settings, model.settings);
        assert.equal(back.ngram === undefined, model.ngram === undefined);
        if (model.ngram) {
          const a = model.ngram.toJSON(),
            b = back.ngram!.toJSON();
          assert.deepEqual(b.words, a.words);
          // The same trigram types and counts (stored sorted by context, so compare as sets).
          const types = (t: ArrayLike<number>) =>
            Array.from({ length: t.length / 4 }, (_, i) =>
              Array.from({ length: 4 }, (_, j) => t[i * 4 + j]).join(),
            ).sort();
          assert.deepEqual(types(b.trigrams), types(a.trigrams));
          assert.equal(b.discount, a.discount);
        }
        const p = predictorOf(model),
          q = predictorOf(back);
        const words = new Set([
          ...model.vocabulary.tokens().slice(SPECIALS.length),
          ...(model.ngram?.toJSON().words.slice(2) ?? []),
        ]);
        for (const text of texts) {
          const expected = checkPredictNext(p, text, 5, words);
          assert.deepEqual(q.predictNext(text, { k: 5 }), expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('float16: weights come back within half precision, and a second pass changes nothing', () => {
    const half = fc.oneof(
      { weight: 4, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) },
      { weight: 1, arbitrary: fc.float({ min: -65504, max: 65504, noNaN: true }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          -0,
          0,
          65504,
          -65504,
          6.103515625e-5,
          5.960464477539063e-8,
          2 ** -25, // half the smallest float16 denormal
          1e-10,
          2 ** -149, // the smallest float32 denormal
        ),
      },
    );
    fc.assert(
      fc.property(modelArb(half), queryText, (model, text) => {
        const back = fromArtifacts(throughDisk(toArtifacts(model, { float16: true })));
        assert.deepEqual(back.config, model.config);
        assert.deepEqual(back.vocabulary.toJSON(), model.vocabulary.toJSON());
        for (const [name, w] of model.weights) {
          const b = back.weights.get(name)!;
          assert.equal(b.length, w.length);
          for (let i = 0; i < w.length; i++) {
            const x = w[i]!,
              y = b[i]!;
            // Half precision: 11 significant bits (relative error ≤ 2⁻¹¹), subnormal step 2⁻²⁴.
            const tolerance = Math.max(Math.abs(x) * 2 ** -11, 2 ** -25);
            assert.ok(Number.isFinite(y) && Math.abs(y - x) <= tolerance, `${name}[${i}]: ${x} came back as ${y}`);
            if (y !== 0) assert.equal(Math.sign(y), Math.sign(x));
          }
        }
        const again = fromArtifacts(throughDisk(toArtifacts(back, { float16: true })));
        for (const [name, w] of back.weights)
          assert.deepEqual(bytes(again.weights.get(name)!), bytes(w), `${name} is not stable under float16`);
        const words = new Set([
          ...model.vocabulary.tokens().slice(SPECIALS.length),
          ...(model.ngram?.toJSON().words.slice(2) ?? []),
        ]);
        checkPredictNext(predictorOf(back), text, 5, words);
      }),
      { numRuns: 200 },
    );
  });
});
