/**
 * The SDK's predictor: a corpus (text or URL; default: the Spanish corpus shipped with the
 * package) and optionally a trained model directory (URL) → suggestions. The Kneser-Ney
 * trigram on the corpus answers within a moment of loading; a loaded neural model (with its
 * own n-gram mix) takes over when ready. No tfjs on this path: inference is plain JavaScript.
 */
import { parseCorpus, hashText } from '../data/corpus.js';
import { describe, evalWords } from '../text/tokenize.js';
import { KneserNeyTrigram } from '../model/ngram.js';
import { WordPredictor, type Suggestion, type Continuation, type ContinueOptions, type Source } from '../model/predictor.js';
import { predictorOf, type ModelMetrics } from '../model/model.js';
import { loadModelFromUrl } from '../model/load-url.js';

export interface PredictorOptions {
  /** Corpus text, or the URL of a UTF-8 text file with one message per line. Default: the
   * Spanish corpus shipped with the package. */
  corpus?: string | URL;
  /** URL of a model directory written by `rnn-predict train` (model.json + weights.bin). */
  model?: string | URL;
  /** fetch to use (tests, service workers). */
  fetch?: typeof fetch;
}

export interface PredictorInfo {
  /** Which model answers now: 'ngram' (KN trigram on the corpus), 'neural' or 'mix'. */
  source: Source;
  vocabularySize: number;
  corpusHash: string;
  corpusLines: number;
  metrics?: ModelMetrics;
  trainedAt?: string;
  cell?: string;
}

export interface Predictor {
  /** Resolves when suggestions are available; rejects with a clear error (bad corpus, …). */
  readonly ready: Promise<void>;
  predictNext(text: string, options?: { k?: number }): Suggestion[];
  continue(text: string, options?: ContinueOptions): Continuation[];
  info(): PredictorInfo;
  dispose(): void;
}

/** Where the shipped corpus lies, next to this module in the built package. */
export const DEFAULT_CORPUS_URL = new URL('./corpus/es-conversaciones.txt', import.meta.url);

async function loadCorpus(corpus: string | URL, fetchImpl: typeof fetch): Promise<{ lines: string[]; hash: string }> {
  const isUrl = corpus instanceof URL || /^(https?:|file:|\.{0,2}\/)\S*$/.test(corpus);
  if (!isUrl) {
    const lines = parseCorpus(corpus as string, 'corpus text');
    return { lines, hash: hashText(lines.join('\n')) };
  }
  const url = new URL(String(corpus), globalThis.location?.href ?? import.meta.url);
  let bytes: ArrayBuffer;
  if (url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    bytes = (await fs.readFile(url)).buffer as ArrayBuffer;
  } else {
    const res = await fetchImpl(url);
    if (!res.ok) throw new Error(`corpus ${url}: HTTP ${res.status}, expected a UTF-8 text file`);
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('text/html')) throw new Error(`corpus ${url}: the server returned an HTML page, expected plain text`);
    bytes = await res.arrayBuffer();
  }
  const lines = parseCorpus(new Uint8Array(bytes), String(url));
  return { lines, hash: hashText(lines.join('\n')) };
}

/** Creates a predictor. Suggestions are available once `ready` resolves. */
export function createPredictor(options: PredictorOptions = {}): Predictor {
  if (typeof options !== 'object' || options === null) throw new TypeError(`options must be an object, got ${describe(options)}`);
  const { corpus = DEFAULT_CORPUS_URL, model, fetch: fetchImpl = globalThis.fetch?.bind(globalThis) } = options;
  if (typeof corpus !== 'string' && !(corpus instanceof URL)) throw new TypeError(`corpus must be text or a URL, got ${describe(corpus)}`);
  if (model !== undefined && typeof model !== 'string' && !(model instanceof URL)) throw new TypeError(`model must be a URL, got ${describe(model)}`);
  let current: WordPredictor | undefined;
  let info: PredictorInfo | undefined;
  let disposed = false;
  const ready = (async () => {
    const { lines, hash } = await loadCorpus(corpus, fetchImpl);
    const ngram = KneserNeyTrigram.train(lines.map(evalWords));
    current = new WordPredictor({ ngram });
    info = { source: 'ngram', vocabularySize: ngram.vocabularySize, corpusHash: hash, corpusLines: lines.length };
    if (model !== undefined) {
      const m = await loadModelFromUrl(model, fetchImpl);
      if (disposed) return;
      current = predictorOf(m);
      info = { ...info, source: current.source, vocabularySize: m.vocabulary.size, metrics: m.metrics, trainedAt: m.trainedAt, cell: m.config.cell };
    }
  })();
  const need = () => {
    if (disposed) throw new Error('this predictor was disposed');
    if (!current) throw new Error('the predictor is not ready yet: await predictor.ready first');
    return current;
  };
  return {
    ready,
    predictNext: (text, o) => need().predictNext(text, o),
    continue: (text, o) => need().continue(text, o),
    info: () => {
      if (!info) throw new Error('the predictor is not ready yet: await predictor.ready first');
      return { ...info };
    },
    dispose: () => {
      disposed = true;
      current = undefined;
    },
  };
}

let defaultPredictor: Predictor | undefined;

/**
 * The next words for `text` from the default predictor (the shipped Spanish corpus), created
 * on first use. Resolves once it is ready.
 *
 * @example await predictNext('Hola cómo se siente ') // [{word: 'hoy', probability: …}, …]
 */
export async function predictNext(text: string, options: { k?: number } = {}): Promise<Suggestion[]> {
  defaultPredictor ??= createPredictor();
  await defaultPredictor.ready;
  return defaultPredictor.predictNext(text, options);
}
