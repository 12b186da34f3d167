/**
 * The events `<rnn-predict>` dispatches, one class each. They bubble and cross shadow roots
 * (`composed`), and keep their payload in `detail` (they are CustomEvents), so a listener can
 * test `e instanceof RnnAcceptEvent` or read `e.detail` alike. Each class names its event:
 * `RnnAcceptEvent.type === 'rnn-accept'`. With this module's `HTMLElementEventMap` entries,
 * `el.addEventListener('rnn-accept', (e) => e.detail.word)` type-checks without a cast.
 */
import type { PredictorInfo, TrainProgress } from '../src/index.js';

/** `detail` of `rnn-accept`. */
export interface AcceptDetail {
  /** What was inserted: the word, or the phrase's words joined by spaces. */
  word: string;
  /** Position of the word in the bar, 0 = the top suggestion; -1 for a phrase, or a phrase's
   * next word that is not in the bar. */
  index: number;
  /** 'word': one word (a chip, or a phrase's next word); 'phrase': the whole phrase; 'reply':
   * a reply chip (offered for `reply-to` while the field was empty), which fills the field. */
  kind: 'word' | 'phrase' | 'reply';
  /** The words inserted (one for a word). */
  words: string[];
}

/** `detail` of `rnn-remove`. */
export interface RemoveDetail {
  /** The word removed (the predictor forgets it). */
  word: string;
  /** Its position in the bar, 0 = the top suggestion. */
  index: number;
}

/** Suggestions are available; `detail` is the predictor's info() (undefined if info() threw). */
export class RnnReadyEvent extends CustomEvent<PredictorInfo | undefined> {
  static readonly type = 'rnn-ready';
  constructor(info: PredictorInfo | undefined) {
    super(RnnReadyEvent.type, { detail: info, bubbles: true, composed: true });
  }
}

/** Training progress; `detail` is the predictor's TrainProgress (epoch, batch, loss, accuracy, …). */
export class RnnProgressEvent extends CustomEvent<TrainProgress> {
  static readonly type = 'rnn-progress';
  constructor(progress: TrainProgress) {
    super(RnnProgressEvent.type, { detail: progress, bubbles: true, composed: true });
  }
}

/** A new model answers (the network took over); `detail` is the predictor's info(). */
export class RnnModelEvent extends CustomEvent<PredictorInfo> {
  static readonly type = 'rnn-model';
  constructor(info: PredictorInfo) {
    super(RnnModelEvent.type, { detail: info, bubbles: true, composed: true });
  }
}

/** The predictor failed or reported a problem; `detail` is the Error (anything else thrown is
 * wrapped in one, as its `cause`). */
export class RnnErrorEvent extends CustomEvent<Error> {
  static readonly type = 'rnn-error';
  constructor(error: unknown) {
    const detail = error instanceof Error ? error : new Error(String(error), { cause: error });
    super(RnnErrorEvent.type, { detail, bubbles: true, composed: true });
  }
}

/** The person accepted a suggestion or a phrase (never fired for changes made by code). */
export class RnnAcceptEvent extends CustomEvent<AcceptDetail> {
  static readonly type = 'rnn-accept';
  constructor(detail: AcceptDetail) {
    super(RnnAcceptEvent.type, { detail, bubbles: true, composed: true });
  }
}

/** The person removed a suggestion (Shift+Delete, long press): the predictor forgets the word. */
export class RnnRemoveEvent extends CustomEvent<RemoveDetail> {
  static readonly type = 'rnn-remove';
  constructor(detail: RemoveDetail) {
    super(RnnRemoveEvent.type, { detail, bubbles: true, composed: true });
  }
}

/** The element's events by name: they bubble and are composed, so the element, its ancestors,
 * the document and the window all hear them. */
export interface RnnPredictEventMap {
  'rnn-ready': RnnReadyEvent;
  'rnn-progress': RnnProgressEvent;
  'rnn-model': RnnModelEvent;
  'rnn-error': RnnErrorEvent;
  'rnn-accept': RnnAcceptEvent;
  'rnn-remove': RnnRemoveEvent;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends RnnPredictEventMap {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DocumentEventMap extends RnnPredictEventMap {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface WindowEventMap extends RnnPredictEventMap {}
}
