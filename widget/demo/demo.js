// The demo page until the <rnn-predict> element lands: the SDK's predictor on the shipped
// corpus, suggestions as buttons, Tab accepts the first. Text only, never HTML.
import { createPredictor } from '/dist/rnn-predict.bundle.js';

const box = document.getElementById('message');
const list = document.getElementById('suggestions');
const status = document.getElementById('status');
const predictor = createPredictor({ corpus: new URL('/dist/corpus/es-conversaciones.txt', location.href) });
const started = performance.now();
let current = [];

function accept(word) {
  const caret = box.selectionStart;
  const before = box.value.slice(0, caret);
  const partial = /[\p{L}\p{M}\p{N}'’]+$/u.exec(before)?.[0] ?? '';
  const head = before.slice(0, before.length - partial.length);
  const insert = word + ' ';
  box.value = head + insert + box.value.slice(caret);
  box.selectionStart = box.selectionEnd = head.length + insert.length;
  box.focus();
  update();
}

function update() {
  const text = box.value.slice(0, box.selectionStart);
  current = predictor.predictNext(text, { k: 3 });
  list.replaceChildren(...current.map((s) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = s.word;
    b.title = `${(s.probability * 100).toFixed(1)} %`;
    b.addEventListener('mousedown', (e) => e.preventDefault());
    b.addEventListener('click', () => accept(s.word));
    li.append(b);
    return li;
  }));
}

predictor.ready.then(() => {
  const info = predictor.info();
  status.textContent = `Listo en ${Math.round(performance.now() - started)} ms · modelo: ${info.source} · vocabulario: ${info.vocabularySize} palabras · ${info.corpusLines} líneas`;
  document.body.dataset.ready = 'true';
  box.addEventListener('input', update);
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Tab' && current.length > 0 && !e.shiftKey) {
      e.preventDefault();
      accept(current[0].word);
    }
  });
  update();
}, (e) => {
  status.textContent = `Error: ${e.message}`;
});
