import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  tokenize,
  evalWords,
  recase,
  typingContext,
  normalizeToken,
  isWordToken,
  modelWords,
  prepareTokenizer,
} from '../../src/text/tokenize.js';
import { buildVocabulary, Vocabulary, SPECIALS, UNK_ID } from '../../src/text/vocabulary.js';
import { parseCorpus, CorpusError, hashText } from '../../src/data/corpus.js';

const texts = (s: string) => tokenize(s).map((t) => t.text);

describe('tokenize', () => {
  test('keeps accents, ñ, ü and apostrophes whole; ¿ ¡ ? ! . , apart', () => {
    assert.deepEqual(texts('¡Hola, señor Müller! ¿Cómo está? Bien.'), [
      '¡',
      'Hola',
      ',',
      'señor',
      'Müller',
      '!',
      '¿',
      'Cómo',
      'está',
      '?',
      'Bien',
      '.',
    ]);
    assert.deepEqual(texts("l'été d’Artagnan pingüino"), ["l'été", 'd’Artagnan', 'pingüino']);
  });

  test('numbers, URLs, e-mail addresses and emoji are single tokens', () => {
    const tokens = tokenize(
      'Son 1.000,50 € a las 3:30, ver https://ejemplo.es/a?b=1 o escribe a ana.p@correo.com 👍🏽 🇪🇸 👨‍👩‍👧',
    );
    const byKind = (k: string) => tokens.filter((t) => t.kind === k).map((t) => t.text);
    assert.deepEqual(byKind('number'), ['1.000,50', '3:30']);
    assert.deepEqual(byKind('url'), ['https://ejemplo.es/a?b=1']);
    assert.deepEqual(byKind('email'), ['ana.p@correo.com']);
    assert.deepEqual(byKind('emoji'), ['👍🏽', '🇪🇸', '👨‍👩‍👧']);
  });

  test('normalises to NFC and keeps the original form beside the lower-cased one', () => {
    const [t] = tokenize('E\u0301L');
    assert.equal(t!.text, 'ÉL');
    assert.equal(t!.norm, 'él');
    const s = 'Hoy  es\tlunes';
    for (const tok of tokenize(s)) assert.equal(s.normalize('NFC').slice(tok.start, tok.end), tok.text);
  });

  test('empty, whitespace, mixed scripts and very long lines', () => {
    assert.deepEqual(tokenize(''), []);
    assert.deepEqual(tokenize(' \n\t '), []);
    assert.deepEqual(texts('Привет мир שלום 你好 hola'), ['Привет', 'мир', 'שלום', '你好', 'hola']);
    const long = 'palabra '.repeat(50_000);
    assert.equal(tokenize(long).length, 50_000);
  });

  test('awkward strings give well-formed tokens, every character kept apart from combining marks without a base; non-strings are a TypeError naming the argument', () => {
    const cases: [string, [string, string][]][] = [
      ['\uD800', [['\uD800', 'other']]],
      [
        'a\u0000b',
        [
          ['a', 'word'],
          ['\u0000', 'other'],
          ['b', 'word'],
        ],
      ],
      [
        '\u202Eabc',
        [
          ['\u202E', 'other'],
          ['abc', 'word'],
        ],
      ],
      [
        'constructor __proto__ toString',
        [
          ['constructor', 'word'],
          ['_', 'other'],
          ['_', 'other'],
          ['proto', 'word'],
          ['_', 'other'],
          ['_', 'other'],
          ['toString', 'word'],
        ],
      ],
      ['\u0301\u0301', []],
      ['😀'.repeat(1000), Array.from({ length: 1000 }, () => ['😀', 'emoji'] as [string, string])],
    ];
    for (const [s, expected] of cases) {
      const tokens = tokenize(s);
      assert.deepEqual(
        tokens.map((t) => [t.text, t.kind]),
        expected,
        JSON.stringify(s),
      );
      let end = 0;
      for (const t of tokens) {
        assert.equal(s.normalize('NFC').slice(t.start, t.end), t.text, 'offsets point at the text');
        assert.ok(t.start >= end, 'tokens in order, not overlapping');
        assert.equal(t.norm, normalizeToken(t.text));
        end = t.end;
      }
    }
    assert.throws(() => tokenize(42 as unknown as string), {
      name: 'TypeError',
      message: /text must be a string, got the number 42/,
    });
    assert.throws(() => tokenize(undefined as unknown as string), TypeError);
  });

  test('evalWords follows docs/evaluation.md', () => {
    assert.deepEqual(evalWords("¿Qué TAL, l'été? 3 gatos"), ['qué', 'tal', "l'été", '3', 'gatos']);
    assert.deepEqual(evalWords(''), []);
  });
});

describe('typingContext and recase', () => {
  test('splits finished tokens from the partly typed word', () => {
    assert.deepEqual(typingContext('Hola cómo se sie'), {
      context: ['hola', 'cómo', 'se'],
      partial: 'sie',
      sentenceStart: false,
    });
    assert.deepEqual(typingContext('Hola cómo se siente '), {
      context: ['hola', 'cómo', 'se', 'siente'],
      partial: '',
      sentenceStart: false,
    });
    assert.equal(typingContext('').sentenceStart, true);
    assert.equal(typingContext('Bien. ').sentenceStart, true);
    assert.equal(typingContext('Bien. ¿').sentenceStart, true);
    assert.equal(typingContext('Bien, ').sentenceStart, false);
  });

  test('prepareTokenizer (the SDK runs it while the model is read) changes no result', () => {
    const texts = ['Hola cómo se sie', 'Bien. ¿', 'Bien, ', 'jaja 😂 vale ', 'www.ejemplo.es y a@b.cc, 1,5 %'];
    const before = texts.map((t) => [typingContext(t), modelWords(t), tokenize(t)]);
    prepareTokenizer();
    prepareTokenizer();
    assert.deepEqual(
      texts.map((t) => [typingContext(t), modelWords(t), tokenize(t)]),
      before,
    );
    assert.deepEqual(typingContext('Hola cómo se sie').context, ['hola', 'cómo', 'se']);
    assert.deepEqual(modelWords('Jaja 😂 vale'), ['jaja', '😂', 'vale']);
  });

  test('recases: typed letters keep their case, sentence starts are capitalised', () => {
    assert.equal(recase('siente', 'Sie', false), 'Siente');
    assert.equal(recase('hoy', '', true), 'Hoy');
    assert.equal(recase('hoy', '', false), 'hoy');
    assert.equal(recase('hoy', 'HO', false), 'HOY');
    assert.equal(recase('él', 'é', true), 'él');
  });

  test('isWordToken and normalizeToken', () => {
    assert.equal(isWordToken('hola'), true);
    assert.equal(isWordToken('?'), false);
    assert.equal(isWordToken('<s>'), false);
    assert.equal(isWordToken(''), false);
    assert.equal(normalizeToken('CAFE\u0301'), 'café');
  });
});

describe('vocabulary', () => {
  test('specials first, then by count, ties by string; deterministic', () => {
    const v = buildVocabulary(['b', 'a', 'c', 'a', 'b', 'd']);
    assert.deepEqual(v.tokens(), [...SPECIALS, 'a', 'b', 'c', 'd']);
    assert.deepEqual(buildVocabulary(['d', 'b', 'c', 'a', 'b', 'a']).tokens(), v.tokens());
  });

  test('maxSize and minCount', () => {
    const v = buildVocabulary(['a', 'a', 'a', 'b', 'b', 'c'], { maxSize: 6 });
    assert.deepEqual(v.tokens().slice(4), ['a', 'b']);
    assert.deepEqual(buildVocabulary(['a', 'a', 'b'], { minCount: 2 }).tokens().slice(4), ['a']);
  });

  test('lookups are safe for any string', () => {
    const v = buildVocabulary(['hola', 'constructor']);
    assert.equal(v.idOf('__proto__'), UNK_ID);
    assert.equal(v.idOf('toString'), UNK_ID);
    assert.equal(v.has('hasOwnProperty'), false);
    assert.equal(v.countOf('valueOf'), 0);
    assert.equal(v.tokenOf(v.idOf('constructor')), 'constructor');
    assert.throws(() => v.tokenOf(99), {
      name: 'RangeError',
      message: /id must be an integer in 0…5, got the number 99/,
    });
  });

  test('JSON round trip with a format version', () => {
    const v = buildVocabulary(['a', 'é', '😀', '__proto__', 'a']);
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    assert.deepEqual(back.tokens(), v.tokens());
    assert.equal(back.countOf('a'), 2);
    assert.throws(() => Vocabulary.fromJSON({ ...v.toJSON(), version: 99 }), {
      name: 'RangeError',
      message: /version 1 expected/,
    });
    assert.throws(() => Vocabulary.fromJSON({ format: 'other' }), TypeError);
    assert.throws(() => Vocabulary.fromJSON(null), TypeError);
    // A damaged record: a token twice, or one that is not a string, is named with its ids.
    const json = v.toJSON();
    const twice = { ...json, tokens: [...json.tokens.slice(0, 5), json.tokens[4]!, ...json.tokens.slice(6)] };
    assert.throws(() => Vocabulary.fromJSON(twice), {
      name: 'RangeError',
      message: `token 5 ${JSON.stringify(json.tokens[4])} appears twice (also at 4)`,
    });
    // Issue 30: an empty or over-long token is refused by its index, before anything uses it.
    const empty = { ...json, tokens: [...json.tokens.slice(0, 5), '', ...json.tokens.slice(6)] };
    assert.throws(() => Vocabulary.fromJSON(empty), { name: 'RangeError', message: 'token 5 is empty' });
    const long = { ...json, tokens: [...json.tokens.slice(0, 5), 'x'.repeat(41), ...json.tokens.slice(6)] };
    assert.throws(() => Vocabulary.fromJSON(long), {
      name: 'RangeError',
      message: /^token 5 is 41 characters long .*at most 40 expected$/,
    });
    // and a vocabulary built from text leaves such a token out.
    assert.equal(buildVocabulary(['a', 'y'.repeat(41), 'b']).has('y'.repeat(41)), false);
    const number = { ...json, tokens: [...json.tokens.slice(0, 5), 7, ...json.tokens.slice(6)] };
    assert.throws(() => Vocabulary.fromJSON(number), {
      name: 'TypeError',
      message: 'token 5 must be a string, got the number 7',
    });
  });

  test('bad arguments name what was expected', () => {
    assert.throws(() => buildVocabulary('abc' as unknown as string[]), {
      name: 'TypeError',
      message: /tokens must be an iterable of strings/,
    });
    assert.throws(() => buildVocabulary([], { maxSize: 2 }), {
      name: 'RangeError',
      message: /maxSize \(the specials included\) must be an integer ≥ 4/,
    });
    assert.throws(() => buildVocabulary([], { minCount: 0 }), { name: 'RangeError', message: /minCount/ });
    assert.throws(() => buildVocabulary([1 as unknown as string]), {
      name: 'TypeError',
      message: /tokens\[0\] must be a string/,
    });
  });
});

describe('corpus', () => {
  test('lines, trimmed, blank lines dropped, BOM removed', () => {
    assert.deepEqual(parseCorpus('\uFEFFhola\r\n\n  adiós  \n'), ['hola', 'adiós']);
    assert.deepEqual(parseCorpus(new TextEncoder().encode('uno\ndos')), ['uno', 'dos']);
  });

  test('empty, binary, not UTF-8 and HTML get errors that name the source', () => {
    assert.throws(() => parseCorpus('  \n ', 'a.txt'), { name: 'CorpusError', message: /a\.txt: is empty/ });
    assert.throws(() => parseCorpus(new Uint8Array([0x50, 0x4b, 0x00, 0x01]), 'b.zip'), {
      name: 'CorpusError',
      message: /b\.zip: looks binary/,
    });
    assert.throws(() => parseCorpus(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]), 'c.txt'), {
      name: 'CorpusError',
      message: /c\.txt: is not valid UTF-8/,
    });
    assert.throws(() => parseCorpus('<!DOCTYPE html><html></html>', 'd'), CorpusError);
    assert.throws(() => parseCorpus(5 as unknown as string), TypeError);
  });

  test('hashText is stable and sensitive', () => {
    assert.equal(hashText('hola'), hashText('hola'));
    assert.notEqual(hashText('hola'), hashText('hola.'));
    assert.match(hashText(''), /^[0-9a-f]{8}$/);
  });
});
