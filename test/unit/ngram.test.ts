import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { KneserNeyTrigram, NGRAM_FORMAT, NGRAM_VERSION } from '../../src/inference/model/ngram.js';
import {
  decodeTrigrams,
  decodeTrigramsInJs,
  decodeTrigramsInWasm,
  encodeTrigrams,
} from '../../src/inference/format/ngram-codec.js';
import { simdAvailable } from '../../src/inference/model/recurrent-network.js';
import { WordPredictor } from '../../src/inference/model/word-predictor.js';
import { evaluate } from '../../src/inference/suggest/evaluate.js';
import { evalWords } from '../../src/text/tokenize.js';
import { mulberry32 } from '../../src/data/windows.js';

const corpus = [
  'Hola, ¿cómo se siente hoy?',
  'Hola, ¿cómo estás?',
  '¿Cómo se siente hoy su madre?',
  'Hoy me siento mejor.',
  'Se siente hoy mucho mejor.',
  'Hola, buenos días.',
  'Buenos días, ¿cómo está usted?',
  'Me siento muy bien hoy.',
];
const kn = KneserNeyTrigram.train(corpus.map(evalWords));

describe('Kneser-Ney trigram', () => {
  test('a table in any row order, with repeated rows, gives the model of its rows in (u, v, w) order', () => {
    const j = kn.toJSON();
    const rows: number[][] = [];
    for (let i = 0; i < j.trigrams.length; i += 4) rows.push([...j.trigrams.slice(i, i + 4)]);
    rows.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!);
    const inOrder = KneserNeyTrigram.fromJSON({ ...j, trigrams: Int32Array.from(rows.flat()) });
    // Shuffled, and one row split in two (2 + 1 for a count of 3: summed again).
    const random = mulberry32(5);
    const shuffled = rows.map((r) => r.slice());
    for (let i = shuffled.length - 1; i > 0; i--) {
      const k = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[k]] = [shuffled[k]!, shuffled[i]!];
    }
    const split = shuffled.findIndex((r) => r[3]! >= 2)!;
    shuffled.push([...shuffled[split]!.slice(0, 3), 1]);
    shuffled[split]![3]! -= 1;
    const mixed = KneserNeyTrigram.fromJSON({ ...j, trigrams: Int32Array.from(shuffled.flat()) });
    const words = [...new Set(corpus.flatMap(evalWords))];
    for (const model of [inOrder, mixed]) {
      for (const h of [[], ['hola'], ['cómo', 'se'], ['se', 'siente'], ['nunca', 'visto']]) {
        for (const prefix of ['', 's', 'h', 'me'])
          assert.deepEqual(model.predict(h, 4, prefix), kn.predict(h, 4, prefix), `${h} ${prefix}`);
        for (const w of words) assert.equal(model.probability(h, w), kn.probability(h, w));
      }
    }
  });

  test('new words learned before and after the first prefix lookup are found by their prefix', () => {
    for (const lookFirst of [false, true]) {
      const model = KneserNeyTrigram.fromJSON(kn.toJSON());
      if (lookFirst) model.predict([], 3, 's');
      model.add(['siempre', 'sonríe', 'hoy']);
      model.add(['sonríe', 'siempre']);
      const trained = KneserNeyTrigram.train([
        ...corpus.map(evalWords),
        ['siempre', 'sonríe', 'hoy'],
        ['sonríe', 'siempre'],
      ]);
      for (const prefix of ['s', 'so', 'si', 'a', 'z'])
        assert.deepEqual(model.predict([], 5, prefix), trained.predict([], 5, prefix), `${lookFirst} ${prefix}`);
      assert.deepEqual(model.predict(['siempre'], 3, 's'), trained.predict(['siempre'], 3, 's'));
    }
  });

  test('probabilities over the vocabulary sum to 1 in any context', () => {
    const words = [...new Set(corpus.flatMap(evalWords))];
    for (const history of [[], ['hola'], ['cómo', 'se'], ['nunca', 'visto']]) {
      const total = words.reduce((s, w) => s + kn.probability(history, w), 0) + kn.probability(history, '</s>');
      assert.ok(Math.abs(total - 1) < 1e-9, `sum ${total} for ${history.join(' ')}`);
    }
  });

  test('predicts what followed the context, sorted, with prefixes', () => {
    const top = kn.predict(['se', 'siente'], 3);
    assert.equal(top[0]!.word, 'hoy');
    for (let i = 1; i < top.length; i++) assert.ok(top[i - 1]!.probability >= top[i]!.probability);
    assert.deepEqual(
      kn.predict(['cómo', 'se'], 3, 'si').map((s) => s.word),
      ['siente', 'siento'],
    );
    assert.deepEqual(kn.predict([], 3, 'zzz'), []);
    assert.equal(kn.probability([], 'inexistente'), 0);
  });

  test('the top k without a prefix is exact: the same probabilities as scoring every word', () => {
    // A Zipf-like random corpus, so common words have thousands of followers and the
    // threshold search must stop early without missing one.
    const rand = mulberry32(7);
    const vocab = Array.from({ length: 400 }, (_, i) => `w${i}`);
    const pick = () => vocab[Math.floor(vocab.length * rand() ** 3)]!;
    const lines = Array.from({ length: 3000 }, () => Array.from({ length: 2 + Math.floor(rand() * 10) }, pick));
    const big = KneserNeyTrigram.train(lines);
    const histories = [
      [],
      ['w0'],
      ['w0', 'w0'],
      ['w1', 'w0'],
      ['w399'],
      ['nunca', 'w2'],
      ['w3', 'nunca'],
      ...lines.slice(0, 40).map((l) => l.slice(0, 2)),
    ];
    for (const history of histories) {
      for (const k of [1, 3, 8, 20]) {
        const got = big.predict(history, k);
        const all = [...vocab, '</s>']
          .filter((w) => big.has(w))
          .map((w) => big.probability(history, w))
          .sort((x, y) => y - x);
        assert.equal(got.length, Math.min(k, all.length));
        got.forEach((s, i) =>
          assert.ok(
            Math.abs(s.probability - all[i]!) < 1e-12,
            `${history.join(' ')} k=${k} #${i}: ${s.probability} vs ${all[i]}`,
          ),
        );
        for (const s of got) assert.ok(Math.abs(s.probability - big.probability(history, s.word)) < 1e-15);
      }
    }
  });

  test('trigram counts survive the varint coding, in any order; damaged bytes are named', () => {
    const rand = mulberry32(3);
    for (const n of [0, 1, 2, 50, 3000]) {
      const flat = new Int32Array(n * 4);
      const seen = new Set<string>();
      for (let i = 0; i < n;) {
        const t = [
          Math.floor(rand() * 300000),
          Math.floor(rand() * 5),
          Math.floor(rand() * 300000),
          1 + Math.floor(rand() ** 8 * (2 ** 31 - 2)),
        ];
        if (seen.has(t.slice(0, 3).join())) continue;
        seen.add(t.slice(0, 3).join());
        flat.set(t, i++ * 4);
      }
      const bytes = encodeTrigrams(flat);
      const back = decodeTrigrams(bytes, n, 300000);
      const key = (a: Int32Array) =>
        Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * 4, i * 4 + 4)).join()).sort();
      assert.deepEqual(key(back), key(flat));
      if (n > 0) {
        assert.throws(() => decodeTrigrams(bytes.subarray(0, bytes.length - 1), n, 300000), /end early|followers/);
        assert.throws(() => decodeTrigrams(bytes, n, 10), /out of range for 10 words/);
      }
    }
    assert.throws(() => decodeTrigrams(Uint8Array.of(0, 0, 1, 0, 0, 9), 1, 5), /1 bytes left over/);
    // A context written twice (Δu = Δv = 0) would break the strict (u, v, w) order of the rows.
    assert.throws(
      () => decodeTrigrams(Uint8Array.of(0, 2, 1, 0, 0, 0, 0, 1, 1, 0), 2, 5),
      /context \(0, 2\) comes twice/,
    );
    assert.equal(decodeTrigrams(Uint8Array.of(0, 2, 1, 0, 0, 0, 1, 1, 1, 0), 2, 5).join(), '0,2,0,1,0,3,1,1');
  });

  test('the kernels decode the varint counts as the JavaScript does, refuse what it refuses, and index them alike', () => {
    assert.ok(simdAvailable(), 'Node runs the WebAssembly kernels');
    const rand = mulberry32(11);
    const V = 40;
    const words = ['<s>', '</s>', ...Array.from({ length: V - 2 }, (_, i) => `w${(i * 7919) % 1000}`)];
    for (let round = 0; round < 40; round++) {
      const seen = new Map<string, number>();
      const n = 1 + Math.floor(rand() * 600);
      while (seen.size < n) {
        const key = [Math.floor(rand() * V), Math.floor(rand() * V), 2 + Math.floor(rand() * (V - 2))].join();
        seen.set(key, 1 + Math.floor(rand() ** 6 * 5000));
      }
      const flat = Int32Array.from([...seen].flatMap(([k, c]) => [...k.split(',').map(Number), c]));
      const bytes = encodeTrigrams(flat);
      const fromWasm = decodeTrigramsInWasm(bytes, n, V);
      assert.ok(fromWasm, 'intact bytes are decoded by the kernels');
      assert.deepEqual([...fromWasm], [...decodeTrigramsInJs(bytes, n, V)]);
      // The model indexed from the kernels' contexts and bigram lists equals one indexed from a
      // plain copy of the rows (contexts and bigram lists found by the JavaScript).
      const json = { format: NGRAM_FORMAT, version: NGRAM_VERSION, discount: 0.75, words };
      const a = KneserNeyTrigram.fromJSON({ ...json, trigrams: fromWasm });
      const b = KneserNeyTrigram.fromJSON({ ...json, trigrams: fromWasm.slice() });
      for (let u = 0; u < V; u += 3)
        for (let v = 0; v < V; v++)
          for (let w = 1; w < V; w++) {
            const h = [words[u]!, words[v]!];
            assert.equal(a.probability(h, words[w]!), b.probability(h, words[w]!), `${h} ${words[w]}`);
          }
      assert.deepEqual(a.predict([words[3]!], 10), b.predict([words[3]!], 10));
      // Damaged bytes: the kernels refuse exactly what the JavaScript refuses (which names it).
      for (let d = 0; d < 30; d++) {
        const bad = rand() < 0.3 ? bytes.slice(0, Math.floor(rand() * bytes.length)) : bytes.slice();
        if (bad.length > 0) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
        const count = rand() < 0.4 ? n + (rand() < 0.5 ? 1 : -1) : n;
        const words2 = rand() < 0.2 ? V - 5 : V;
        let js: Int32Array | Error;
        try {
          js = decodeTrigramsInJs(bad, count, words2);
        } catch (e) {
          js = e as Error;
        }
        const wasm = decodeTrigramsInWasm(bad, count, words2);
        if (js instanceof Error) {
          assert.equal(wasm, null, `refused in JavaScript (${js.message}), not by the kernels`);
          assert.throws(() => decodeTrigrams(bad, count, words2), { message: js.message });
        } else assert.deepEqual(wasm && [...wasm], [...js]);
      }
    }
    // Six-byte numbers are read; a seventh byte is refused (a number too long), as in JavaScript.
    const six = Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0, 1, 0, 0);
    assert.deepEqual(decodeTrigramsInWasm(six, 1, 5) && [...decodeTrigramsInWasm(six, 1, 5)!], [0, 0, 0, 1]);
    const seven = Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0, 1, 0, 0);
    assert.equal(decodeTrigramsInWasm(seven, 1, 5), null);
    assert.throws(() => decodeTrigrams(seven, 1, 5), /too long/);
  });

  test('JSON round trip gives identical predictions', () => {
    const back = KneserNeyTrigram.fromJSON(
      JSON.parse(JSON.stringify({ ...kn.toJSON(), trigrams: [...kn.toJSON().trigrams] })),
    );
    assert.deepEqual(back.predict(['hola'], 5), kn.predict(['hola'], 5));
    assert.throws(() => KneserNeyTrigram.fromJSON({ format: 'x' }), TypeError);
    assert.throws(() => KneserNeyTrigram.fromJSON({ ...kn.toJSON(), version: 7 }), RangeError);
  });

  test('bad input', () => {
    assert.throws(() => KneserNeyTrigram.train([]), /at least one word/);
    assert.throws(() => KneserNeyTrigram.train(['no es un array' as unknown as string[]]), TypeError);
    assert.throws(() => KneserNeyTrigram.train([['a']], { discount: 1.5 }), /discount/);
  });
});

describe('WordPredictor on the n-gram model', () => {
  const p = new WordPredictor({ ngram: kn });

  test('"Hola cómo se siente " → "hoy"; completes "sie" keeping case; capitalises at sentence start', () => {
    assert.equal(p.predictNext('Hola cómo se siente ')[0]!.word, 'hoy');
    assert.equal(p.predictNext('Hola cómo se Sie')[0]!.word, 'Siente');
    assert.equal(p.predictNext('Hola. ')[0]!.word[0], p.predictNext('Hola. ')[0]!.word[0]!.toUpperCase());
    assert.equal(p.source, 'ngram');
  });

  test('at most k distinct words, probabilities in [0, 1], sorted', () => {
    for (const text of ['', 'Hola', 'Hola ', '¿', '😀 ', 'xyz qq ']) {
      const s = p.predictNext(text, { k: 4 });
      assert.ok(s.length <= 4);
      assert.equal(new Set(s.map((x) => x.word)).size, s.length);
      for (let i = 0; i < s.length; i++) {
        assert.ok(s[i]!.probability >= 0 && s[i]!.probability <= 1);
        if (i > 0) assert.ok(s[i - 1]!.probability >= s[i]!.probability);
      }
    }
    assert.throws(() => p.predictNext('x', { k: 0 }), { name: 'RangeError', message: /k must be an integer in 1…100/ });
    assert.throws(() => p.predictNext(3 as unknown as string), TypeError);
  });

  test("recursive continuation shows every step's probability and the product", () => {
    const [c] = p.continue('Hola, ¿cómo ', { words: 3 });
    assert.equal(c!.words.length, 3);
    assert.equal(c!.probabilities.length, 3);
    const product = c!.probabilities.reduce((a, b) => a * b, 1);
    assert.ok(Math.abs(product - c!.probability) < 1e-12);
    assert.throws(() => p.continue('x', { method: 'direct' }), /seq2seq/);
  });
});

describe('evaluate', () => {
  test('top-k, KSR and perplexity by the protocol', () => {
    // A scorer that always knows the answer: every target top-1, KSR = 1 − 1/(len+1) per word.
    const line = 'ab cde';
    const perfect = {
      suggest: (before: string) => [before === '' ? 'ab' : 'cde'],
      probability: () => 0.5,
      inVocabulary: () => true,
    };
    const r = evaluate(perfect, [line]);
    assert.equal(r.top1, 1);
    assert.equal(r.top3, 1);
    assert.equal(r.words, 2);
    assert.ok(Math.abs(r.ksr - (1 - 2 / 7)) < 1e-12);
    assert.ok(Math.abs(r.perplexity - 2) < 1e-12);
    const never = { suggest: () => [], inVocabulary: (w: string) => w !== 'cde' };
    const n = evaluate(never, [line]);
    assert.equal(n.top3, 0);
    assert.equal(n.ksr, 0);
    assert.equal(n.oov, 0.5);
    assert.ok(Number.isNaN(n.perplexity));
  });

  test('the n-gram predictor scores on its own training text', () => {
    const r = evaluate(new WordPredictor({ ngram: kn }), corpus);
    assert.ok(r.top3 > 0.5 && r.ksr > 0.3, JSON.stringify(r));
    assert.throws(() => evaluate(new WordPredictor({ ngram: kn }), 'x' as unknown as string[]), TypeError);
  });
});
