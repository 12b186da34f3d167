// A React 19 app as a user writes it: <rnn-predict> (typed in JSX by the package) around a
// controlled textarea. The state is rendered in <pre id="state">, the words accepted (heard
// through React's `onrnn-accept` prop) in <output id="accepted">: the test compares them with
// the field.
import 'rnn-predict/element';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';

function Composer() {
  const [text, setText] = useState('');
  const [accepted, setAccepted] = useState<string[]>([]);
  return (
    <>
      <label htmlFor="f">Mensaje</label>
      <rnn-predict no-train onrnn-accept={(e) => setAccepted((words) => [...words, e.detail.word])}>
        <textarea id="f" value={text} onChange={(e) => setText(e.target.value)} />
      </rnn-predict>
      <pre id="state">{text}</pre>
      <output id="accepted">{accepted.join(' ')}</output>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Composer />
  </StrictMode>,
);
