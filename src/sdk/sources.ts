/**
 * Where a predictor's model comes from: the Spanish model shipped with the package, a model
 * directory's URL (`model`), or a corpus (`corpus`, text or a URL) to train on; and the key a
 * stored copy must carry to be reused for it.
 */
import { parseCorpus } from '../data/corpus.js';
import type { ModelRelease } from '../inference/format/artifacts.js';
import { DEFAULT_MAX_CORPUS_BYTES, DEFAULT_STALL_SECONDS, download } from './download.js';

/**
 * The Spanish model shipped with the package (`npm run train:default`; models/es in the
 * repository, next to this module in the built package). A stored copy of an older version is
 * replaced by this one; learned messages are kept.
 */
export const SHIPPED_MODEL: Readonly<{ release: ModelRelease; json: URL; weights: URL }> = {
  release: { id: 'es-default', version: 5 },
  json: new URL('./models/es/model.json', import.meta.url),
  weights: new URL('./models/es/weights.bin', import.meta.url),
};

/**
 * The Spanish reply model shipped with the package (`rnn-predict train --shape qa` on
 * corpus/es-respuestas.train.tsv; models/es-replies in the repository, next to this module in
 * the built package): loaded the first time replies are asked for, not on the first visit.
 */
export const SHIPPED_REPLIES: Readonly<{ release: ModelRelease; json: URL; weights: URL }> = {
  release: { id: 'es-replies', version: 1 },
  json: new URL('./models/es-replies/model.json', import.meta.url),
  weights: new URL('./models/es-replies/weights.bin', import.meta.url),
};

/** The reply model at `replies`' URL, or the shipped one (its stored copy keyed like modelSource's). */
export function repliesSource(replies: string | URL | undefined): ModelSource {
  if (replies !== undefined) return modelSource(replies);
  const { release, json, weights } = SHIPPED_REPLIES;
  const key = JSON.stringify({ model: release.id, version: release.version });
  return { json, weights, key, sameModel: (k) => k === key };
}

/** Where the shipped corpus lies, next to this module in the built package. */
export const DEFAULT_CORPUS_URL = new URL('./corpus/es-conversaciones.txt', import.meta.url);

/** A model to load, and how its stored copy is recognised. */
export interface ModelSource {
  json: URL;
  /** The weight file, when it is not where model.json says (the shipped model, renamed by bundlers). */
  weights?: URL;
  /** The key its stored copy carries. */
  key: string;
  /** Whether a stored key is this model, any version (a fallback when the download fails). */
  sameModel: (key: string) => boolean;
}

/** The model at `model`'s URL, or the shipped one. */
export function modelSource(model: string | URL | undefined): ModelSource {
  if (model !== undefined) {
    const json = new URL(String(model), globalThis.location?.href ?? import.meta.url);
    const key = JSON.stringify({ model: String(json) });
    return { json, key, sameModel: (k) => k === key };
  }
  const { release, json, weights } = SHIPPED_MODEL;
  const key = JSON.stringify({ model: release.id, version: release.version });
  const sameModel = (k: string) => {
    try {
      return (JSON.parse(k) as { model?: unknown }).model === release.id;
    } catch {
      return false;
    }
  };
  return { json, weights, key, sameModel };
}

/** How a corpus URL is fetched. */
export interface CorpusFetch {
  fetch: typeof fetch;
  /** Bytes at most (default 64 MB). */
  maxBytes?: number;
  /** Seconds without a byte before giving up (default 30). */
  stallSeconds?: number;
}

/** A corpus given as text, or as the URL of a UTF-8 text file, as lines. */
export async function loadCorpus(corpus: string | URL, how: CorpusFetch): Promise<string[]> {
  const isUrl = corpus instanceof URL || /^(https?:|file:|\.{0,2}\/)\S*$/.test(corpus);
  if (!isUrl) return parseCorpus(corpus as string, 'corpus text');
  const url = new URL(String(corpus), globalThis.location?.href ?? import.meta.url);
  if (url.protocol !== 'file:') {
    // Not the download itself: an HTML page (a wrong path on a single-page app's server) says so.
    const probe = how.fetch;
    how = {
      ...how,
      fetch: async (input, init) => {
        const res = await probe(input, init);
        if (res.ok && (res.headers.get('content-type') ?? '').includes('text/html')) {
          void res.body?.cancel().catch(() => {});
          throw new Error('the server returned an HTML page, expected plain text with one message per line');
        }
        return res;
      },
    };
  }
  const bytes = await download(url, how.fetch, {
    maxBytes: how.maxBytes ?? DEFAULT_MAX_CORPUS_BYTES,
    stallSeconds: how.stallSeconds ?? DEFAULT_STALL_SECONDS,
    what: 'corpus',
  });
  return parseCorpus(bytes, String(url));
}
