/**
 * Issue 36: the register a site chooses (`createPredictor({ register })`) picks the model's mix
 * of network and n-gram model for that kind of text; 'chat' by default; a bad value is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KneserNeyTrigram } from '../../src/inference/model/ngram.js';
import { resolveModelConfig } from '../../src/inference/model/model-config.js';
import { predictorOf, toArtifacts, type RnnModel } from '../../src/inference/format/artifacts.js';
import { buildVocabulary } from '../../src/text/vocabulary.js';
import { modelWords } from '../../src/text/tokenize.js';
import { createPredictor } from '../../src/sdk/create-predictor.js';
import { randomWeights } from './random-weights.js';

const corpus = [
  'hola, ¿cómo estás?',
  'hola, ¿cómo se siente hoy?',
  'ya voy, jajaja',
  'le escribo para confirmar la reunión',
  'quedo atento a su respuesta',
  'me siento bien hoy',
];

function model(): RnnModel {
  const lines = corpus.map(modelWords);
  const vocabulary = buildVocabulary(lines.flat(), { maxSize: 40 });
  const config = resolveModelConfig({ cell: 'gru', embeddingSize: 8, hiddenSize: 8, vocabSize: vocabulary.size });
  const weights = randomWeights(config, 3);
  return {
    config,
    vocabulary,
    weights,
    ngram: KneserNeyTrigram.train(lines),
    mix: 0.2,
    registerMix: { chat: 0.2, formal: 0.9 },
    metrics: {},
    corpusHash: 'r',
    trainedAt: '2026-12-06T00:00:00.000Z',
    settings: {},
  };
}

/** A fetch that serves the model directory at https://models.test/m/. */
function serving(m: RnnModel): typeof fetch {
  const a = toArtifacts(m);
  const json = JSON.stringify({
    format: a.format,
    generatedBy: a.generatedBy,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  });
  return (async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith('/model.json')) return new Response(json);
    if (url.endsWith('/weights.bin')) return new Response(new Uint8Array(a.weightData));
    return new Response('', { status: 404 });
  }) as typeof fetch;
}

test('register picks the model’s mix: chat by default, formal on request; a bad value is refused naming it', async () => {
  const m = model();
  const text = 'hola, ¿cómo ';
  const answer = async (o: object) => {
    const p = createPredictor({ model: 'https://models.test/m/', fetch: serving(m), persist: false, block: [], ...o });
    await p.neuralReady; // the mix weighs the model's n-gram, which joins after ready
    const out = p.predictNext(text, { k: 3 });
    p.dispose();
    return out;
  };
  const chat = await answer({});
  assert.deepEqual(await answer({ register: 'chat' }), chat);
  assert.deepEqual(chat, predictorOf(m, { register: 'chat' }).predictNext(text, { k: 3 }));
  const formal = await answer({ register: 'formal' });
  assert.deepEqual(formal, predictorOf(m, { register: 'formal' }).predictNext(text, { k: 3 }));
  assert.notDeepEqual(
    formal.map((s) => s.probability),
    chat.map((s) => s.probability),
    'the network weighs more in the formal mix',
  );
  const bad = createPredictor({
    model: 'https://models.test/m/',
    fetch: serving(m),
    persist: false,
    register: 'casual' as never,
  });
  await assert.rejects(bad.ready, /register must be one of "chat", "formal", got the string "casual"/);
  bad.dispose();
});
