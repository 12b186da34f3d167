/**
 * Performance marks on a predictor's way to its first suggestion, named `rnn-predict:<step>`,
 * so that `npm run bench:page` (and a site's own tools: the Performance panel, a
 * PerformanceObserver) can tell which step moved. Only where the platform has `performance.mark`.
 */

/** The steps, in the order a first visit passes them. */
export const LOAD_STEPS = [
  /** The SDK's modules evaluated (the bundle imported). */
  'evaluated',
  /** The stored model's record read from IndexedDB (hit or miss). */
  'record-read',
  /** The model's files downloaded (a first visit, or a new version). */
  'downloaded',
  /** The model's bytes checked and its weights read (a model's n-gram tables are read after
   * `ready`; a trained network's come with it). */
  'decoded',
  /** The network's weights laid out for the page's kernels. */
  'network',
  /** The predictor answers (`ready`). */
  'ready',
  /** The whole model answers (`neuralReady`): a model's n-gram joins its network after
   * `ready`; a trained network's comes with 'network'. */
  'complete',
  /** The page's first suggestions rendered by `<rnn-predict>` (once a page; painted in the
   * frame that follows). Before or after 'complete', as the person types. */
  'first-suggestion',
] as const;

export type LoadStep = (typeof LOAD_STEPS)[number];

/** Marks a step (`rnn-predict:<step>`); nothing where performance.mark is missing. */
export function markStep(step: LoadStep): void {
  try {
    globalThis.performance?.mark?.(`rnn-predict:${step}`);
  } catch {
    // a platform whose performance.mark throws: marks are for measuring only
  }
}
