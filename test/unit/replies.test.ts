// @tier full: trains the reply model; `npm run test:quick` leaves it out.
// Reply suggestions (issue 31): the reply list mined from pairs, the encoder–decoder trained by
// `train --shape qa` ranking it and decoding freely, what the model file keeps, learning a
// person's replies, the evaluation's figures, and the SDK's replies() in Node.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initNodeBackend } from '../../src/node/node-backend.js';
import { trainReplyModel } from '../../src/training/replies.js';
import {
  ReplyRanker,
  mineReplies,
  replyKey,
  evaluateReplies,
  distinctStarts,
  LEARNED_REPLY_BOOST,
} from '../../src/inference/suggest/replies.js';
import { toArtifacts, fromArtifacts, ModelFormatError, type RnnModel } from '../../src/inference/format/artifacts.js';
import { buildVocabulary } from '../../src/text/vocabulary.js';
import { saveModelDir } from '../../src/node/model-dir.js';
import { main } from '../../src/cli/main.js';
import { createPredictor } from '../../src/sdk/create-predictor.js';

/** Each message with the reply it gets (many wordings of each), as a chat corpus holds them. */
const TOPICS: [string[], string][] = [
  [['Muchas gracias', 'Gracias por todo', 'Mil gracias', 'Gracias, de verdad'], 'De nada'],
  [['Hola', 'Hola, buenas', 'Buenas tardes', 'Hola, ¿qué tal?'], 'Hola, ¿qué tal estás?'],
  [['¿Vienes mañana?', '¿Nos vemos mañana?', '¿Quedamos mañana?', '¿Mañana vienes?'], 'Sí, claro'],
  [['¿Puedes hoy?', '¿Hoy te va bien?', '¿Quedamos hoy?', '¿Vienes hoy?'], 'No puedo hoy'],
  [['Lo siento mucho', 'Perdona el retraso', 'Perdón por lo de ayer', 'Lo siento'], 'Tranquilo, no pasa nada'],
  [['¿Está bien así?', '¿Te gusta?', '¿Lo dejo así?', '¿Así vale?'], 'Sí, perfecto'],
];
const pairs: [string, string][] = [];
for (let i = 0; i < 12; i++) for (const [messages, reply] of TOPICS) for (const m of messages) pairs.push([m, reply]);

let model: RnnModel;
let dir: string;
before(async () => {
  await initNodeBackend();
  model = await trainReplyModel(pairs, {
    maxSeconds: 60,
    epochs: 25,
    embeddingSize: 16,
    hiddenSize: 32,
    batchSize: 16,
    learningRate: 1e-2,
    dropout: 0,
    mine: { minCount: 1 },
  });
  dir = mkdtempSync(join(tmpdir(), 'rnn-predict-replies-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the reply list', () => {
  test('mined by frequency, compared by their words, written as most often written', () => {
    const replies = ['Vale', 'vale.', 'Vale', '¡Sí, claro!', 'sí claro', 'Sí, claro', 'Sí, claro', 'zzz qqq'];
    const vocabulary = buildVocabulary(['vale', '.', 'sí', ',', 'claro', '!', '¡']);
    assert.deepEqual(mineReplies(replies, vocabulary, { minCount: 2 }), ['Sí, claro', 'Vale']);
    // Unknown words (zzz) never enter; minCount and max apply.
    assert.deepEqual(mineReplies(replies, vocabulary, { minCount: 1, max: 1 }), ['Sí, claro']);
    assert.deepEqual(mineReplies(replies, vocabulary, { minCount: 5 }), []);
    assert.equal(replyKey('¡Sí, claro!'), 'sí claro');
  });

  test('the model carries the replies of its pairs', () => {
    assert.deepEqual([...model.replies!].sort(), [...new Set(TOPICS.map(([, r]) => r))].sort());
  });
});

describe('ranking and decoding', () => {
  test('the reply a message gets ranks first; three offered start with different words', () => {
    const ranker = new ReplyRanker(model);
    // Without the rule, two of the best three start with "sí" for some message.
    assert.ok(
      TOPICS.some(
        ([m]) =>
          !distinctStarts(
            ranker
              .score(m[0]!)
              .slice(0, 3)
              .map((r) => r.text),
          ),
      ),
    );
    for (const [messages, reply] of TOPICS) {
      const offered = ranker.rank(messages[0]!, 3, 0);
      assert.equal(offered[0]?.text, reply, `${messages[0]} → ${offered.map((r) => r.text).join(' | ')}`);
      assert.equal(offered.length, 3);
      assert.ok(distinctStarts(offered.map((r) => r.text)));
      const sum = offered.reduce((s, r) => s + r.probability, 0);
      assert.ok(sum > 0 && sum <= 1 + 1e-9, String(sum));
    }
  });

  test('nothing for an empty message, or below the threshold', () => {
    const ranker = new ReplyRanker(model);
    assert.deepEqual(ranker.rank('  ¿? '), []);
    assert.deepEqual(ranker.rank('Muchas gracias', 3, 1.01), []);
    assert.ok(ranker.rank('Muchas gracias').length > 0);
    assert.throws(() => ranker.rank('Hola', 1.5), /k must be an integer/);
  });

  test('pruning scores fewer replies and keeps the best', () => {
    const ranker = new ReplyRanker(model);
    assert.equal(ranker.score('Muchas gracias', 2).length, 2);
    assert.equal(ranker.score('Muchas gracias', 100).length, model.replies!.length);
    assert.equal(ranker.score('Muchas gracias', 2)[0]!.text, ranker.score('Muchas gracias', 100)[0]!.text);
  });

  test('beam search decodes the reply word by word', () => {
    const ranker = new ReplyRanker(model);
    const out = ranker.beam('Mil gracias', 3);
    assert.ok(out.map(replyKey).includes('de nada'), out.join(' | '));
  });

  test('a reply the person sends ranks higher next time, one of the list or their own', () => {
    const ranker = new ReplyRanker(model);
    // A message between two topics: "No puedo hoy" first, "Sí, claro" a little behind.
    const message = '¿Mañana o hoy?';
    const sent = 'Sí, claro';
    assert.notEqual(ranker.rank(message, 3, 0)[0]!.text, sent);
    for (let i = 0; i < 20; i++) ranker.learnReply(sent);
    assert.equal(ranker.rank(message, 3, 0)[0]!.text, sent);
    // A reply of their own joins the list once, and is offered.
    const own = 'Sí, mañana';
    assert.ok(!ranker.replies.includes(own));
    const rankOf = () => ranker.score('¿Vienes mañana?', 100).findIndex((r) => r.text === own);
    ranker.learnReply(own);
    const first = rankOf();
    for (let i = 0; i < 19; i++) ranker.learnReply(own);
    assert.equal(ranker.replies.filter((r) => r === own).length, 1);
    assert.ok(rankOf() < first, `${first} → ${rankOf()}`);
    assert.ok(LEARNED_REPLY_BOOST > 0);
  });
});

describe('the model file', () => {
  test('int8 artifacts keep the replies and the ranking', () => {
    const back = fromArtifacts(toArtifacts(model, { int8: true }));
    assert.deepEqual(back.replies, model.replies);
    assert.equal(new ReplyRanker(back).rank('Hola', 1, 0)[0]!.text, new ReplyRanker(model).rank('Hola', 1, 0)[0]!.text);
  });

  test('a damaged reply list is named', () => {
    const a = toArtifacts(model);
    (a.modelTopology as { replies?: unknown }).replies = ['ok', 3];
    assert.throws(
      () => fromArtifacts(a),
      (e: Error) => e instanceof ModelFormatError && /replies must be/.test(e.message),
    );
    assert.throws(() => new ReplyRanker({ ...model, replies: [] }), /needs its list of replies/);
  });
});

describe('evaluation', () => {
  test('recall@3, MRR and distinctness of a method', () => {
    const held: [string, string][] = [
      ['a', 'Sí'],
      ['b', 'No'],
      ['c', 'Vale'],
      ['d', 'Vale'],
    ];
    const offers: Record<string, string[]> = {
      a: ['sí.', 'no', 'vale'], // first
      b: ['sí', 'no', 'vale'], // second
      c: ['sí', 'sí claro', 'no'], // absent; two start with "sí"
      d: [], // nothing offered
    };
    const r = evaluateReplies(held, (m) => offers[m]!);
    assert.equal(r.replyRecall3, 2 / 4);
    assert.equal(r.replyMrr, (1 + 1 / 2) / 4);
    assert.equal(r.replyDistinct, 2 / 3);
    assert.equal(r.replyOffered, 3 / 4);
  });

  test('eval --replies --json prints the three methods', async () => {
    const model_ = join(dir, 'model');
    await saveModelDir(model, model_, { int8: true });
    const tsv = join(dir, 'pairs.tsv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(tsv, pairs.map(([m, r]) => `${m}\t${r}`).join('\n'));
    const logs: string[] = [];
    const code = await main(
      [
        'eval',
        '--replies',
        tsv,
        '--model',
        model_,
        '--train',
        tsv,
        '--reply-method',
        'all',
        '--max-lines',
        '40',
        '--json',
      ],
      { log: (s: string) => logs.push(s) },
    );
    assert.equal(code, 0, logs.join('\n'));
    const r = JSON.parse(logs.join('\n'));
    assert.deepEqual(Object.keys(r.methods), ['rank', 'beam', 'tfidf']);
    assert.equal(r.replyRecall3, r.methods.rank.replyRecall3);
    assert.ok(r.replyRecall3 > 0.9, String(r.replyRecall3));
    assert.ok(r.methods.tfidf.replyRecall3 > 0.9, String(r.methods.tfidf.replyRecall3));
    // --adapt: the second half scored before and after learning the first half's replies.
    logs.length = 0;
    assert.equal(
      await main(['eval', '--replies', tsv, '--model', model_, '--max-lines', '40', '--adapt', '--json'], {
        log: (s: string) => logs.push(s),
      }),
      0,
    );
    const a = JSON.parse(logs.join('\n')).adapt;
    assert.equal(a.pairs, 20);
    assert.equal(a.learned, 20);
    for (const x of [a.replyRecall3Before, a.replyRecall3After]) assert.ok(x >= 0 && x <= 1, JSON.stringify(a));
  });
});

describe('the command line', () => {
  test('train --shape qa writes a reply model; its flags are checked', async () => {
    const { writeFileSync } = await import('node:fs');
    const tsv = join(dir, 'train.tsv');
    writeFileSync(tsv, pairs.map(([m, r]) => `${m}\t${r}`).join('\n'));
    const logs: string[] = [];
    const out = { log: (s: string) => logs.push(s) };
    const to = join(dir, 'cli-model');
    const code = await main(
      ['train', '--shape', 'qa', '--pairs', tsv, '--out', to, '--minutes', '0.02', '--hidden', '8', '--quiet'],
      out,
    );
    assert.equal(code, 0, logs.join('\n'));
    assert.match(logs.join('\n'), /replies\); validation loss/);
    const { loadModelDir } = await import('../../src/node/model-dir.js');
    const back = await loadModelDir(to);
    assert.equal(back.config.hiddenSize, 8);
    assert.ok(back.replies!.length > 0);
    // Errors: one line on stderr, exit 1.
    const errors: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => errors.push(String(s)) > 0) as typeof write;
    try {
      writeFileSync(join(dir, 'bad.tsv'), 'sin tabulador\n');
      assert.equal(await main(['train', '--shape', 'qa', '--pairs', join(dir, 'bad.tsv'), '--out', to], out), 1);
      assert.equal(await main(['train', '--pairs', tsv, '--corpus', tsv, '--out', to], out), 1);
    } finally {
      process.stderr.write = write;
    }
    assert.match(errors[0] ?? '', /line 1 must be message<TAB>reply/);
    assert.match(errors[1] ?? '', /--pairs is for --shape qa/);
  });
});

describe('the SDK', () => {
  test('replies() answers once repliesReady resolves; [] before, and with replies: false', async () => {
    const replies = join(dir, 'sdk-model');
    await saveModelDir(model, replies, { int8: true });
    const p = createPredictor({
      replies: pathToFileURL(join(replies, 'model.json')),
      persist: false,
      autoTrain: false,
    });
    p.ready.catch(() => {}); // the next-word model is not needed here
    assert.deepEqual(p.replies('Muchas gracias'), []);
    await p.repliesReady;
    const offered = p.replies('Muchas gracias', { k: 2 });
    assert.equal(offered.length, 2);
    assert.equal(offered[0]!.text, 'De nada');
    assert.ok(offered[0]!.probability > 0 && offered[0]!.probability <= 1);
    assert.throws(() => p.replies(3 as unknown as string), /message must be a string/);
    // learn(text, inReplyTo): the person's reply ranks first from then on.
    assert.notEqual(p.replies('¿Mañana o hoy?')[0]!.text, 'Sí, claro');
    const learning = p.learn('Sí, claro', '¿Quedamos mañana?').catch(() => {}); // (no next-word model here)
    for (let i = 0; i < 19; i++) void p.learn('Sí, claro', '¿Vienes mañana?').catch(() => {});
    await learning;
    assert.equal(p.replies('¿Mañana o hoy?')[0]!.text, 'Sí, claro');
    p.dispose();
    const off = createPredictor({ replies: false, persist: false, autoTrain: false });
    off.ready.catch(() => {});
    await off.repliesReady;
    assert.deepEqual(off.replies('Muchas gracias'), []);
    off.dispose();
  });
});
