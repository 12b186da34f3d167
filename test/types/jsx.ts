// Type-level test, compiled by `npm run typecheck` and never run: <rnn-predict> in React 19's
// JSX.IntrinsicElements (widget/jsx.ts, through the element's entry point) with typed props and
// `on<event>` listeners. React is not installed here: test/types/react-stub.d.ts stands in for
// its JSX namespace. The expected errors prove the props are typed, not `any`.
import type { JSX } from 'react';
import type {} from '../../widget/define.js';

type Props = JSX.IntrinsicElements['rnn-predict'];

export const props: Props = {
  ghost: true,
  learn: true,
  suggestions: 5,
  cell: 'lstm',
  'no-train': true,
  className: 'chat',
  'onrnn-accept': (e) => {
    const word: string = e.detail.word;
    const kind: 'word' | 'phrase' | 'reply' = e.detail.kind;
    void [word, kind];
  },
  'onrnn-error': (e) => void e.detail.message,
  children: null,
};

// @ts-expect-error suggestions is a number
export const wrongCount: Props = { suggestions: 'tres' };
// @ts-expect-error no such cell
export const wrongCell: Props = { cell: 'transformer' };
export const wrongDetail: Props = {
  // @ts-expect-error rnn-accept's detail has no such field
  'onrnn-accept': (e) => void e.detail.nope,
};
