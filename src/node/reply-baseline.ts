/**
 * The retrieval baseline of `eval --replies`: the replies of the training messages nearest to
 * the message received by TF-IDF, no network. Terms are weighted by natural's TfIdf idf
 * (imported by its module path, never natural's index), asked only for the terms of the
 * messages received (natural counts a term's documents by scanning them all); a training
 * message scores Σ over shared terms of its term count × idf², divided by the square root of
 * its length so that long messages do not win by length alone. The candidates come from an
 * inverted index (natural's own `tfidfs` scans every document for every query).
 */
import TfIdf from 'natural/lib/natural/tfidf/tfidf.js';
import { evalWords } from '../text/tokenize.js';
import { firstDistinct } from '../inference/suggest/replies.js';

/** A TF-IDF nearest-message replier over training pairs. */
export function tfidfReplier(pairs: readonly (readonly [string, string])[]): (message: string, k?: number) => string[] {
  const tfidf = new TfIdf();
  const docs = pairs.map(([m]) => evalWords(m));
  const index = new Map<string, [number, number][]>(); // term → [doc, count]
  docs.forEach((d, i) => {
    tfidf.addDocument(d.length ? d : ['∅']);
    const tf = new Map<string, number>();
    for (const t of d) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) {
      let list = index.get(t);
      if (!list) index.set(t, (list = []));
      list.push([i, n]);
    }
  });
  const idf = new Map<string, number>();
  const idfOf = (t: string) => {
    let x = idf.get(t);
    if (x === undefined) idf.set(t, (x = tfidf.idf(t)));
    return x;
  };
  return (message, k = 3) => {
    const scores = new Map<number, number>();
    for (const t of new Set(evalWords(message))) {
      const list = index.get(t);
      if (!list) continue;
      const w = idfOf(t) ** 2;
      for (const [d, n] of list) scores.set(d, (scores.get(d) ?? 0) + n * w);
    }
    const best = [...scores]
      .map(([d, s]) => [d, s / Math.sqrt(docs[d]!.length)] as const)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return firstDistinct(
      best.map(([d]) => pairs[d]![1]),
      k,
    );
  };
}
