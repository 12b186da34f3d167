// What shipping a model needs: int8 weights, a cut vocabulary, pruned trigrams that keep their
// lower orders, learned counts added to a model's trigram, `rnn-predict pack`, and the model
// directory the package ships (models/es), tagged with the release the SDK expects.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantizeRows, dequantizeRows, dequantizeInWasm } from '../../src/inference/kernels/quantize.js';
import { KneserNeyTrigram } from '../../src/inference/model/ngram.js';
import { resolveModelConfig } from '../../src/inference/model/model-config.js';
import {
  toArtifacts,
  fromArtifacts,
  halvesToFloats,
  truncateVocabulary,
  predictorOf,
  mixFor,
  type RnnModel,
} from '../../src/inference/format/artifacts.js';
import { buildVocabulary } from '../../src/text/vocabulary.js';
import { evalWords, modelWords } from '../../src/text/tokenize.js';
import { mulberry32 } from '../../src/data/windows.js';
import { loadModelDir, saveModelDir } from '../../src/node/model-dir.js';
import { main } from '../../src/cli/main.js';
import { SHIPPED_MODEL } from '../../src/sdk/sources.js';
import { randomWeights } from './random-weights.js';

const corpus = [
  'Hola, ¿cómo se siente hoy?',
  'Hola, ¿cómo estás?',
  '¿Cómo se siente hoy su madre?',
  'Hoy me siento mejor.',
  'Se siente hoy mucho mejor.',
  'Hola, buenos días.',
  'Buenos días, ¿cómo está usted?',
  'Me siento muy bien hoy.',
  'Me siento bien.',
  'Hoy hace buen día.',
];
const lines = corpus.map(evalWords);

function smallModel(): RnnModel {
  const vocabulary = buildVocabulary(lines.flat(), { maxSize: 40 });
  const config = resolveModelConfig({ cell: 'gru', embeddingSize: 16, hiddenSize: 8, vocabSize: vocabulary.size });
  const weights = randomWeights(config, 7);
  return {
    config,
    vocabulary,
    weights,
    ngram: KneserNeyTrigram.train(lines),
    mix: 0.6,
    metrics: {},
    corpusHash: 'x',
    trainedAt: '2026-11-30T00:00:00.000Z',
    settings: {},
  };
}

function allProbabilities(kn: KneserNeyTrigram, history: string[], words: string[]): number[] {
  return words.map((w) => kn.probability(history, w));
}

describe('float16 weights', () => {
  test('every float16 value decodes to the float32 it stands for', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const out = halvesToFloats(all, new Float32Array(65536));
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1,
        exp = (h >> 10) & 0x1f,
        mant = h & 0x3ff;
      const expected =
        exp === 0
          ? sign * mant * 2 ** -24
          : exp === 31
            ? mant
              ? NaN
              : sign * Infinity
            : sign * (1 + mant / 1024) * 2 ** (exp - 15);
      assert.ok(Object.is(out[h], expected), `half 0x${h.toString(16)}: ${out[h]} for ${expected}`);
    }
  });
});

describe('int8 weights', () => {
  // 8 columns: the JavaScript loops; 32: the kernels' dequant and exact (cols % 16 = 0).
  for (const cols of [8, 32]) {
    test(`quantising a dequantised matrix again gives its rows back, and a changed one the rule (${cols} columns)`, () => {
      const random = mulberry32(3);
      const m = Float32Array.from({ length: 40 * cols }, () => random() - 0.5);
      const { q, scales } = quantizeRows(m, 40, cols);
      const back = dequantizeRows(q, scales, cols);
      for (let i = 0; i < back.length; i++) assert.equal(back[i], Math.fround(q[i]! * scales[Math.floor(i / cols)]!));
      assert.equal(dequantizeInWasm(q, scales, cols) !== null, cols % 16 === 0, 'the kernels dequantise 32 columns');
      const again = quantizeRows(back, 40, cols);
      assert.deepEqual([...again.q], [...q]);
      assert.deepEqual([...again.scales], [...scales]);
      // The same answer as the rule gives a copy that never came from dequantizeRows.
      const rule = quantizeRows(Float32Array.from(back), 40, cols);
      assert.deepEqual([...rule.q], [...q]);
      back[cols * 7 + 2] = 3; // row 7 changed in place: its scale and values follow the rule
      const changed = quantizeRows(back, 40, cols);
      const expected = quantizeRows(Float32Array.from(back), 40, cols);
      assert.deepEqual([...changed.q], [...expected.q]);
      assert.deepEqual([...changed.scales], [...expected.scales]);
      assert.equal(changed.q[cols * 7 + 2], 127);
    });
  }

  test('per-row quantisation is within half a step of each row, and round-trips through artifacts', () => {
    const random = mulberry32(1);
    const m = Float32Array.from({ length: 6 * 5 }, () => (random() - 0.5) * 4);
    m.fill(0, 10, 15); // an all-zero row
    const { q, scales } = quantizeRows(m, 6, 5);
    const back = dequantizeRows(q, scales, 5);
    for (let r = 0; r < 6; r++) {
      for (let j = 0; j < 5; j++) {
        assert.ok(Math.abs(back[r * 5 + j]! - m[r * 5 + j]!) <= scales[r]! / 2 + 1e-7, `row ${r} col ${j}`);
      }
    }
    assert.deepEqual([...back.subarray(10, 15)], [0, 0, 0, 0, 0]);
    const model = smallModel();
    const a = toArtifacts(model, { int8: true });
    const f32 = toArtifacts(model);
    assert.ok(a.weightData.byteLength < f32.weightData.byteLength / 2, 'int8 is much smaller');
    const loaded = fromArtifacts(a);
    for (const [name, w] of model.weights) {
      const got = loaded.weights.get(name)!;
      assert.equal(got.length, w.length, name);
      const tolerance = name.includes('bias') ? 1e-3 : Math.max(...w.map(Math.abs)) / 127;
      for (let i = 0; i < w.length; i++) assert.ok(Math.abs(got[i]! - w[i]!) <= tolerance, `${name}[${i}]`);
    }
    assert.deepEqual(
      predictorOf(loaded)
        .predictNext('Hola cómo se siente ', { k: 3 })
        .map((s) => s.word),
      predictorOf(fromArtifacts(a))
        .predictNext('Hola cómo se siente ', { k: 3 })
        .map((s) => s.word),
    );
  });

  test('a damaged int8 spec is named', () => {
    const a = toArtifacts(smallModel(), { int8: true });
    const bad = {
      ...a,
      weightSpecs: a.weightSpecs.map((s) =>
        s.name === 'embedding' ? { ...s, shape: [s.shape[0]! * s.shape[1]!] } : s,
      ),
    };
    assert.throws(() => fromArtifacts(bad), /int8 weights must be a matrix/);
  });

  test('a non-finite weight is refused: an int8 row scale, a float32 or a float16 value', () => {
    const model = smallModel();
    const specAt = (a: ReturnType<typeof toArtifacts>, name: string) => {
      let offset = 0;
      for (const s of a.weightSpecs) {
        if (s.name === name) return offset;
        const n = s.shape.reduce((x, y) => x * y, 1);
        offset +=
          s.encoding === 'varint'
            ? s.byteLength!
            : s.quantization?.dtype === 'int8'
              ? s.shape[0]! * 4 + n
              : s.quantization?.dtype === 'float16'
                ? n * 2
                : n * 4;
      }
      throw new Error(name);
    };
    const int8 = toArtifacts(model, { int8: true });
    new DataView(int8.weightData).setFloat32(specAt(int8, 'rnn0/kernel') + 4 * 3, Infinity, true);
    assert.throws(() => fromArtifacts(int8), /weight rnn0\/kernel has a non-finite scale in row 3/);
    const f32 = toArtifacts(model);
    new DataView(f32.weightData).setFloat32(specAt(f32, 'rnn0/kernel') + 4 * 5, NaN, true);
    assert.throws(() => fromArtifacts(f32), /weight rnn0\/kernel holds a non-finite value at 5/);
    const f16 = toArtifacts(model, { float16: true });
    new DataView(f16.weightData).setUint16(specAt(f16, 'output/bias') + 2 * 2, 0x7c00, true); // +Inf
    assert.throws(() => fromArtifacts(f16), /weight output\/bias holds a non-finite value at 2/);
  });
});

describe('a cut vocabulary', () => {
  test('keeps the most frequent words, their rows and the rest of the network', () => {
    const model = smallModel();
    const cut = truncateVocabulary(model, 12);
    assert.equal(cut.config.vocabSize, 12);
    assert.deepEqual(cut.vocabulary.toJSON().tokens, model.vocabulary.toJSON().tokens.slice(0, 12));
    assert.deepEqual([...cut.weights.get('embedding')!], [...model.weights.get('embedding')!.subarray(0, 12 * 16)]);
    assert.equal(cut.weights.get('rnn0/recurrent'), model.weights.get('rnn0/recurrent'));
    assert.throws(() => truncateVocabulary(model, 4), /vocabulary size must be an integer in 5…/);
    // Served: the network's words are still predicted; the n-gram model answers for the rest.
    const words = predictorOf(cut)
      .predictNext('Hola cómo se siente ', { k: 3 })
      .map((s) => s.word);
    assert.equal(words.length, 3);
    fromArtifacts(toArtifacts(cut, { int8: true }));
  });
});

describe('pruned trigrams', () => {
  test('drop rare trigram types, keep the lower orders of the full counts, and round-trip', () => {
    const kn = KneserNeyTrigram.train(lines);
    const pruned = kn.prune(2);
    const words = [...new Set(lines.flat()), '</s>'];
    // A context with no trigram left backs off to the same bigram distribution as before.
    const bigramOnly = (m: KneserNeyTrigram) => allProbabilities(m, ['zzz', 'siente'], words);
    assert.deepEqual(bigramOnly(pruned), bigramOnly(kn));
    const sum = allProbabilities(pruned, ['cómo', 'se'], words).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `sums to ${sum}`);
    assert.ok((pruned.toJSON().trigrams as Int32Array).length < (kn.toJSON().trigrams as Int32Array).length);
    const again = KneserNeyTrigram.fromJSON(pruned.toJSON());
    assert.deepEqual(allProbabilities(again, ['cómo', 'se'], words), allProbabilities(pruned, ['cómo', 'se'], words));
    const model = fromArtifacts(toArtifacts({ ...smallModel(), ngram: pruned }, { int8: true }));
    assert.deepEqual(
      allProbabilities(model.ngram!, ['hola', 'cómo'], words),
      allProbabilities(pruned, ['hola', 'cómo'], words),
    );
    assert.throws(() => kn.prune(0), /minCount must be an integer ≥ 1/);
    assert.throws(() => kn.prune(2, { maxContextCount: 0 }), /maxContextCount must be an integer ≥ 1/);
    // Learned lines after pruning: what toJSON writes reloads as the same model (its bigram
    // table includes the new bigram types).
    const learnedLine = evalWords('el zorro salta la valla');
    pruned.add(learnedLine);
    const reloaded = KneserNeyTrigram.fromJSON(pruned.toJSON());
    for (const h of [['el'], ['la'], ['hola', 'cómo'], ['el', 'zorro']]) {
      const all = [...words, ...learnedLine];
      assert.deepEqual(allProbabilities(reloaded, h, all), allProbabilities(pruned, h, all), h.join(' '));
    }
  });
});

/** A trigram model's counts as "u v w count" strings, sorted (the stored order may differ). */
function quads(m: KneserNeyTrigram): string[] {
  const t = m.toJSON();
  const w = t.words;
  const out: string[] = [];
  for (let i = 0; i < t.trigrams.length; i += 4)
    out.push(`${w[t.trigrams[i]!]} ${w[t.trigrams[i + 1]!]} ${w[t.trigrams[i + 2]!]} ${t.trigrams[i + 3]}`);
  return out.sort();
}

describe('trigrams pruned in rare contexts only', () => {
  test('drop the rare types of contexts seen at most C times and keep those of frequent contexts', () => {
    const kn = KneserNeyTrigram.train(lines);
    const all = quads(kn);
    const rare = quads(kn.prune(2, { maxContextCount: 1 }));
    // "siente hoy" is seen 3 times (</s>, su, mucho): its rare types stay; "muy bien" once: it goes.
    assert.ok(all.includes('siente hoy mucho 1') && rare.includes('siente hoy mucho 1'), 'a frequent context keeps it');
    assert.ok(all.includes('muy bien hoy 1') && !rare.includes('muy bien hoy 1'), 'a context seen once loses it');
    assert.ok(rare.length < all.length && rare.length > quads(kn.prune(2)).length, `${rare.length} types`);
    // Without a bound on the context it is the plain prune.
    assert.deepEqual(quads(kn.prune(2, {})), quads(kn.prune(2)));
    // keep: the types another model has stay whatever their count.
    const part = KneserNeyTrigram.train(lines.slice(7, 8)); // 'me siento muy bien hoy'
    const kept = quads(kn.prune(2, { keep: part }));
    assert.ok(kept.includes('muy bien hoy 1') && !kept.includes('me siento bien 1'), 'the kept model’s types stay');
    assert.deepEqual(kept.length, quads(kn.prune(2)).length + 4, 'the 4 rare types of that line, no other');
    // exactLowerOrders: false stores no bigram table: the lower orders are the kept types'.
    const approx = kn.prune(2, { exactLowerOrders: false });
    assert.equal(approx.toJSON().bigrams, undefined);
    assert.ok(kn.prune(2).toJSON().bigrams, 'exact lower orders: a bigram table');
    assert.deepEqual(quads(approx), quads(kn.prune(2)));
    assert.deepEqual(
      allProbabilities(approx, ['cómo', 'se'], [...new Set(lines.flat()), '</s>']),
      allProbabilities(KneserNeyTrigram.fromJSON(approx.toJSON()), ['cómo', 'se'], [...new Set(lines.flat()), '</s>']),
    );
    const words = [...new Set(lines.flat()), '</s>'];
    const sum = allProbabilities(kn.prune(2, { maxContextCount: 1 }), ['se', 'siente'], words).reduce(
      (a, b) => a + b,
      0,
    );
    assert.ok(Math.abs(sum - 1) < 1e-9, `sums to ${sum}`);
  });
});

describe('learned lines added to a trigram', () => {
  test('give the same model as training on everything at once', () => {
    const learned = [evalWords('Hola, ¿cómo te va?'), evalWords('Me siento genial hoy.')];
    const base = KneserNeyTrigram.train(lines);
    const added = base.withLines([...learned, ...learned]);
    const whole = KneserNeyTrigram.train([...lines, ...learned, ...learned]);
    const words = [...new Set([...lines.flat(), ...learned.flat()]), '</s>'];
    for (const h of [[], ['hola'], ['hola', 'cómo'], ['me', 'siento'], ['cómo', 'te']]) {
      const a = allProbabilities(added, h, words),
        b = allProbabilities(whole, h, words);
      a.forEach((p, i) => assert.ok(Math.abs(p - b[i]!) < 1e-12, `${h.join(' ')} → ${words[i]}: ${p} vs ${b[i]}`));
    }
    assert.ok(added.has('genial') && !base.has('genial'), 'the base model is left as it was');
  });
});

describe('rnn-predict pack', () => {
  test('writes a smaller model directory with int8 weights, a cut vocabulary, pruned counts and a release', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-predict-pack-'));
    try {
      await saveModelDir(smallModel(), join(dir, 'f32'));
      const log: string[] = [];
      const code = await main(
        [
          'pack',
          '--model',
          join(dir, 'f32'),
          '--out',
          join(dir, 'packed'),
          '--int8',
          '--vocab',
          '20',
          '--prune',
          '2',
          '--release',
          'es-test@3',
        ],
        { log: (l) => log.push(l) },
      );
      assert.equal(code, 0, log.join('\n'));
      const packed = await loadModelDir(join(dir, 'packed'));
      assert.equal(packed.config.vocabSize, 20);
      assert.deepEqual(packed.release, { id: 'es-test', version: 3 });
      assert.ok(packed.ngram!.toJSON().bigrams, 'pruned counts carry their bigram table');
      const json = JSON.parse(readFileSync(join(dir, 'packed', 'model.json'), 'utf8'));
      assert.ok(
        json.weightsManifest[0].weights.some(
          (w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'int8',
        ),
      );
      const bad = await main(['pack', '--model', join(dir, 'f32'), '--out', join(dir, 'x'), '--release', 'nope'], {
        log: () => {},
      });
      assert.equal(bad, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--fourgrams N --corpus FILE adds a 4-gram layer counted on the corpus; one without the other is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-predict-pack-'));
    try {
      await saveModelDir(smallModel(), join(dir, 'f32'));
      const text = join(dir, 'corpus.txt');
      writeFileSync(text, lines.map((l) => l.join(' ')).join('\n'));
      const log: string[] = [];
      const args = ['pack', '--model', join(dir, 'f32'), '--out', join(dir, 'packed')];
      assert.equal(await main([...args, '--fourgrams', '1', '--corpus', text], { log: (l) => log.push(l) }), 0);
      const packed = await loadModelDir(join(dir, 'packed'));
      const expected = smallModel().ngram!.withFourgrams(lines, 1);
      assert.deepEqual(packed.ngram!.toJSON().fourgrams, expected.toJSON().fourgrams);
      assert.ok((expected.toJSON().fourgrams?.length ?? 0) > 0);
      for (const bad of [
        ['--fourgrams', '2'],
        ['--corpus', text],
        ['--fourgrams', '0', '--corpus', text],
      ]) {
        assert.equal(await main([...args, ...bad], { log: () => {} }), 1, bad.join(' '));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rnn-predict pack: the n-grams counted anew and the mix per register', () => {
  test('--recount --corpus FILE counts the trigram on the corpus; the network, int8 too, is kept as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-predict-pack-'));
    try {
      await saveModelDir(smallModel(), join(dir, 'int8'), { int8: true });
      const text = join(dir, 'corpus.txt');
      const other = ['Nos vemos mañana en casa.', 'Vale, nos vemos mañana.', 'Me siento bien, nos vemos.'];
      writeFileSync(text, other.join('\n'));
      const args = ['pack', '--model', join(dir, 'int8'), '--out', join(dir, 'again'), '--int8'];
      const log: string[] = [];
      assert.equal(await main([...args, '--recount', '--corpus', text], { log: (l) => log.push(l) }), 0, log.join());
      const before = await loadModelDir(join(dir, 'int8'));
      const after = await loadModelDir(join(dir, 'again'));
      assert.deepEqual(quads(after.ngram!), quads(KneserNeyTrigram.train(other.map(modelWords))));
      assert.notDeepEqual(after.ngram!.toJSON().words, before.ngram!.toJSON().words);
      for (const [name, w] of before.weights) assert.deepEqual([...after.weights.get(name)!], [...w], name);
      assert.deepEqual(after.vocabulary.toJSON(), before.vocabulary.toJSON());
      // With a 4-gram layer and a prune, both on the recounted trigram.
      const more = ['--recount', '--corpus', text, '--fourgrams', '1', '--prune', '2', '--prune-contexts', '1'];
      assert.equal(await main([...args, ...more], { log: () => {} }), 0);
      const both = await loadModelDir(join(dir, 'again'));
      const expected = KneserNeyTrigram.train(other.map(modelWords))
        .prune(2, { maxContextCount: 1 })
        .withFourgrams(other.map(modelWords), 1);
      assert.deepEqual(quads(both.ngram!), quads(expected));
      const words = [...new Set(other.flatMap(modelWords)), '</s>'];
      for (const h of [['nos', 'vemos'], ['vale', ','], ['siento']])
        assert.deepEqual(allProbabilities(both.ngram!, h, words), allProbabilities(expected, h, words), h.join(' '));
      assert.deepEqual(both.ngram!.toJSON().fourgrams, expected.toJSON().fourgrams);
      // --prune-corpus: counted too, its rare types go, the --corpus types stay; no 4-grams from it.
      const extraFile = join(dir, 'extra.txt');
      const extraLines = ['Vale, nos vemos en la plaza.', 'Nos vemos mañana en la plaza.'];
      writeFileSync(extraFile, extraLines.join('\n'));
      const withExtra = [
        '--recount',
        '--corpus',
        text,
        '--prune-corpus',
        extraFile,
        '--prune',
        '2',
        '--fourgrams',
        '1',
      ];
      assert.equal(await main([...args, ...withExtra, '--prune-approx'], { log: () => {} }), 0);
      const mixed = await loadModelDir(join(dir, 'again'));
      const own = other.map(modelWords);
      const all = [...own, ...extraLines.map(modelWords)];
      const expectedMixed = KneserNeyTrigram.train(all)
        .prune(2, { keep: KneserNeyTrigram.train(own), exactLowerOrders: false })
        .withFourgrams(own, 1);
      assert.deepEqual(quads(mixed.ngram!), quads(expectedMixed));
      const got = quads(mixed.ngram!);
      assert.ok(got.includes('en la plaza 2') && !got.includes('vemos en la 1'), 'rare types of --prune-corpus go');
      assert.ok(got.includes('mañana en casa 1'), 'a rare type of --corpus stays');
      assert.equal(mixed.ngram!.toJSON().bigrams, undefined);
      assert.deepEqual(mixed.ngram!.toJSON().fourgrams, expectedMixed.toJSON().fourgrams);
      for (const bad of [
        ['--recount'],
        ['--prune-contexts', '1'],
        ['--prune-approx'],
        ['--prune', '2', '--prune-contexts', '0'],
        ['--prune-corpus', extraFile, '--prune', '2'],
        ['--recount', '--corpus', text, '--prune-corpus', extraFile],
      ])
        assert.equal(await main([...args, ...bad], { log: () => {} }), 1, bad.join(' '));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--mix-chat X --mix-formal Y store a mix per register; eval --register picks one; half or with --mix is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-predict-pack-'));
    try {
      await saveModelDir(smallModel(), join(dir, 'f32'));
      const args = ['pack', '--model', join(dir, 'f32'), '--out', join(dir, 'reg')];
      assert.equal(await main([...args, '--mix-chat', '0.3', '--mix-formal', '0.8'], { log: () => {} }), 0);
      const model = await loadModelDir(join(dir, 'reg'));
      assert.deepEqual(model.registerMix, { chat: 0.3, formal: 0.8 });
      assert.equal(model.mix, 0.3, 'the mix of a reader that knows no registers is the default register’s');
      const test = join(dir, 'test.txt');
      writeFileSync(test, corpus.join('\n'));
      const scored = async (register?: string) => {
        const log: string[] = [];
        const extra = register ? ['--register', register] : [];
        const code = await main(['eval', '--model', join(dir, 'reg'), '--test', test, '--no-ksr', '--json', ...extra], {
          log: (l) => log.push(l),
        });
        assert.equal(code, 0, log.join());
        return JSON.parse(log.at(-1)!) as { register: string; mix: number; perplexity: number };
      };
      const chat = await scored();
      const formal = await scored('formal');
      assert.deepEqual([chat.register, chat.mix, formal.register, formal.mix], ['chat', 0.3, 'formal', 0.8]);
      assert.notEqual(chat.perplexity, formal.perplexity);
      assert.equal(await scored('casual').catch(() => 'refused'), 'refused');
      for (const bad of [
        ['--mix-chat', '0.3'],
        ['--mix-chat', '0.3', '--mix-formal', '0.8', '--mix', '0.5'],
        ['--mix-chat', '0.3', '--mix-formal', '2'],
      ])
        assert.equal(await main([...args, ...bad], { log: () => {} }), 1, bad.join(' '));
      // --mix alone replaces the per-register weights.
      assert.equal(
        await main(['pack', '--model', join(dir, 'reg'), '--out', join(dir, 'one'), '--mix', '0.5'], { log: () => {} }),
        0,
      );
      const one = await loadModelDir(join(dir, 'one'));
      assert.deepEqual([one.mix, one.registerMix], [0.5, undefined]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the register', () => {
  test('picks the model’s mix for chat (the default) or formal text, and a bad value is refused naming it', () => {
    const model = { ...smallModel(), mix: 0.3, registerMix: { chat: 0.3, formal: 0.8 } };
    assert.equal(mixFor(model), 0.3);
    assert.equal(mixFor(model, 'chat'), 0.3);
    assert.equal(mixFor(model, 'formal'), 0.8);
    assert.equal(mixFor({ ...model, registerMix: undefined }, 'formal'), 0.3, 'a model without registers: its mix');
    assert.throws(
      () => mixFor(model, 'casual' as never),
      /register must be one of "chat", "formal", got the string "casual"/,
    );
    const p = (register?: 'chat' | 'formal') => predictorOf(model, { register }).predictNext('Hola, ¿cómo ', { k: 3 });
    assert.equal(predictorOf(model, { register: 'formal' }).mix, 0.8);
    assert.deepEqual(p(), p('chat'));
    assert.notDeepEqual(
      p('formal').map((s) => s.probability),
      p('chat').map((s) => s.probability),
    );
  });

  test('a model record keeps its register mix; a damaged one is named', () => {
    const model = { ...smallModel(), registerMix: { chat: 0.25, formal: 0.75 } };
    const a = toArtifacts(model, { int8: true });
    assert.deepEqual(fromArtifacts(a).registerMix, { chat: 0.25, formal: 0.75 });
    assert.equal(fromArtifacts(toArtifacts(smallModel())).registerMix, undefined);
    const damaged = (registerMix: unknown) => ({ ...a, modelTopology: { ...a.modelTopology, registerMix } }) as never;
    assert.throws(
      () => fromArtifacts(damaged({ chat: 0.25 })),
      /registerMix\.formal must be a number in \[0, 1\], got undefined/,
    );
    assert.throws(
      () => fromArtifacts(damaged({ chat: 1.5, formal: 0.5 })),
      /registerMix\.chat must be a number in \[0, 1\], got the number 1\.5/,
    );
    assert.throws(() => fromArtifacts(damaged('chat')), /registerMix must be an object, got the string "chat"/);
  });
});

describe('the shipped model (models/es)', () => {
  test('is a packed model with int8 weights, its trigram and 4-gram layer and the release the SDK expects', async () => {
    const dir = new URL('../../models/es/', import.meta.url).pathname;
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    assert.deepEqual(json.modelTopology.release, SHIPPED_MODEL.release);
    const model = await loadModelDir(dir);
    assert.ok(model.ngram, 'it carries its trigram: no corpus needs to be fetched');
    assert.ok((model.ngram.toJSON().fourgrams?.length ?? 0) > 0, 'and its 4-gram layer');
    assert.ok(model.mix > 0 && model.mix < 1, `the network is mixed with the trigram (mix ${model.mix})`);
    const words = predictorOf(model)
      .predictNext('Hola cómo se siente ', { k: 3 })
      .map((s) => s.word);
    assert.ok(words.includes('hoy'), words.join(', '));
  });
});
