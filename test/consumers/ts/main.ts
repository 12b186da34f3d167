// Compiles against the published page-side types (tsc --noEmit, skipLibCheck off), under
// moduleResolution "bundler" and "node16".
import { createPredictor, predictNext, evaluate, type Predictor, type PredictorOptions } from 'rnn-predict';
import type { RnnPredict, RnnAcceptEvent } from 'rnn-predict/element';

const options: PredictorOptions = { corpus: 'hola que tal', persist: false, hiddenSize: 16 };
const p: Predictor = createPredictor(options);
const words: string[] = p.predictNext('hola ', { k: 3 }).map((s) => s.word);
const later: Promise<string[]> = predictNext('hola ').then((s) => s.map((x) => x.word));
const element: RnnPredict | null = document.querySelector('rnn-predict');
const suggestions: readonly string[] | undefined = element?.currentSuggestions;
const score: number = evaluate({ suggest: () => [], inVocabulary: () => true }, ['hola que tal'], {
  skipKsr: true,
}).top3;

// The element's events are typed by the published declarations: on the element and on the document.
element?.addEventListener('rnn-accept', (e) => {
  const accepted: RnnAcceptEvent = e;
  const kind: 'word' | 'phrase' | 'reply' = e.detail.kind;
  void [accepted, kind];
});
document.addEventListener('rnn-remove', (e) => void e.detail.word.toUpperCase());
p.addEventListener('progress', (e) => void e.detail.loss.toFixed(2));

export { words, later, suggestions, score };
