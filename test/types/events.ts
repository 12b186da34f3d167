// Type-level test, compiled by `npm run typecheck` (tsconfig.json includes test/) and never run:
// the element's events are typed through HTMLElementEventMap (widget/events.ts) and the
// predictor's through PredictorEventMap (Predictor's addEventListener overloads), so listeners
// read `detail` without a cast. A line here that stops compiling is a regression; the expected
// errors (a field no detail has) prove that `detail` is typed, not `any`.
import type { Predictor, PredictorInfo, TrainProgress } from '../../src/index.js';
import type { AcceptDetail, RemoveDetail, RnnAcceptEvent, RnnPredict } from '../../widget/define.js';

export function elementEvents(el: RnnPredict): void {
  el.addEventListener('rnn-accept', (e) => {
    const event: RnnAcceptEvent = e;
    const detail: AcceptDetail = e.detail;
    const word: string = e.detail.word;
    const kind: 'word' | 'phrase' | 'reply' = e.detail.kind;
    // @ts-expect-error rnn-accept's detail has no such field
    void e.detail.nope;
    void [event, detail, word, kind];
  });
  el.addEventListener('rnn-remove', (e) => {
    const detail: RemoveDetail = e.detail;
    const index: number = e.detail.index;
    void [detail, index];
  });
  el.addEventListener('rnn-ready', (e) => {
    const info: PredictorInfo | undefined = e.detail;
    void info?.source;
  });
  el.addEventListener('rnn-progress', (e) => {
    const progress: TrainProgress = e.detail;
    const loss: number = e.detail.loss;
    void [progress, loss];
  });
  el.addEventListener('rnn-model', (e) => {
    const info: PredictorInfo = e.detail;
    void info.source;
  });
  el.addEventListener('rnn-error', (e) => {
    const message: string = e.detail.message;
    void message;
  });
  // The tag name gives the class (HTMLElementTagNameMap), and with it the typed events.
  document.querySelector('rnn-predict')?.addEventListener('rnn-accept', (e) => void e.detail.words.length);
  // They bubble out of the element: listeners on the document and the window are typed too.
  document.addEventListener('rnn-accept', (e) => {
    const kind: 'word' | 'phrase' | 'reply' = e.detail.kind;
    // @ts-expect-error rnn-accept's detail has no such field
    void e.detail.nope;
    void kind;
  });
  window.addEventListener('rnn-remove', (e) => void e.detail.word.length);
  // Other events keep their own types.
  el.addEventListener('keydown', (e) => void e.key);
}

export function predictorEvents(p: Predictor): void {
  const onModel = (e: CustomEvent<PredictorInfo>) => void e.detail.source;
  p.addEventListener('model', (e) => {
    const source: PredictorInfo['source'] = e.detail.source;
    // @ts-expect-error model's detail has no such field
    void e.detail.nope;
    void source;
  });
  p.addEventListener('model', onModel);
  p.removeEventListener('model', onModel);
  p.addEventListener('progress', (e) => void e.detail.epoch);
  p.addEventListener('error', (e) => void e.detail.message, { once: true });
  // Any other name goes through EventTarget's own signature.
  p.addEventListener('other', (e: Event) => void e.type);
  p.addEventListener('other', { handleEvent: (e: Event) => void e.type });
}
