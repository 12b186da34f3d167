/**
 * `<rnn-predict>` in JSX: its attributes, properties and events as React 19 sees a custom
 * element (it sets a prop as a property when the element has one, else as an attribute, and a
 * prop `on<name>` listens to the event `<name>`: `onrnn-accept`). The declaration augments
 * React's `JSX.IntrinsicElements` only where 'react' is installed; without React it is inert and
 * needs nothing (no @types/react). Importing 'rnn-predict/element' brings it in.
 *
 * ```tsx
 * <rnn-predict ghost learn onrnn-accept={(e) => console.log(e.detail.word)}>
 *   <textarea value={text} onChange={(e) => setText(e.target.value)} />
 * </rnn-predict>
 * ```
 */
import type { CellType, Register } from '../src/index.js';
import type { FieldAdapter } from './fields/adapter.js';
import type {
  RnnAcceptEvent,
  RnnErrorEvent,
  RnnModelEvent,
  RnnProgressEvent,
  RnnReadyEvent,
  RnnRemoveEvent,
} from './events.js';
import type { RnnPredict } from './rnn-predict.js';

/** The props of `<rnn-predict>` in JSX. */
export interface RnnPredictJSXProps {
  /** URL of a model directory (`rnn-predict train`). */
  model?: string;
  /** URL of a corpus, one message per line. */
  corpus?: string;
  /** The cell of the network trained in the background. */
  cell?: CellType;
  /** 'chat' (default) or 'formal': the kind of text the field takes. */
  register?: Register;
  /** How many chips (1–9, default 3). */
  suggestions?: number;
  /** The top suggestion (or a phrase) as ghost text after the caret. */
  ghost?: boolean;
  /** Learn what the person sends. */
  learn?: boolean;
  noTrain?: boolean;
  noPhrases?: boolean;
  noEmoji?: boolean;
  'no-train'?: boolean;
  'no-phrases'?: boolean;
  'no-emoji'?: boolean;
  /** A predictor to share between fields (the element never disposes it). */
  predictor?: RnnPredict['predictor'];
  /** An editor's field adapter (docs/element.md). */
  field?: FieldAdapter;
  'onrnn-ready'?: (e: RnnReadyEvent) => void;
  'onrnn-progress'?: (e: RnnProgressEvent) => void;
  'onrnn-model'?: (e: RnnModelEvent) => void;
  'onrnn-error'?: (e: RnnErrorEvent) => void;
  'onrnn-accept'?: (e: RnnAcceptEvent) => void;
  'onrnn-remove'?: (e: RnnRemoveEvent) => void;
  // The HTML attributes a wrapper element takes (React's own types are not needed for these).
  id?: string;
  className?: string;
  class?: string;
  lang?: string;
  dir?: string;
  hidden?: boolean;
  slot?: string;
  title?: string;
  style?: string | Record<string, string | number>;
  key?: string | number | null;
  ref?: { current: RnnPredict | null } | ((el: RnnPredict | null) => void) | null;
  children?: unknown;
}

// React may be absent: the augmentation then names a module that does not exist, which the
// compiled declaration tolerates and this source file must be told to.
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore -- without React there is nothing to augment
declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'rnn-predict': RnnPredictJSXProps;
    }
  }
}
