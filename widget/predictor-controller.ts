/**
 * The predictor's lifecycle for `<rnn-predict>`, as a Lit ReactiveController: makes one from the
 * element's `model`, `corpus`, `cell`, `no-train` and `no-emoji` (after an update, so that attributes and
 * properties set together make one predictor), makes a new one when they change, forwards its
 * events as the element's own (rnn-ready, rnn-progress, rnn-model, rnn-error), and disposes it
 * once the element has left the page. A predictor set from outside (`el.predictor = p`) is used
 * as it is and never disposed: it is its owner's.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  createPredictor,
  type CellType,
  type Predictor,
  type PredictorEventMap,
  type PredictorInfo,
  type Register,
  isAbortError,
} from '../src/index.js';
import { RnnErrorEvent, RnnModelEvent, RnnProgressEvent, RnnReadyEvent } from './events.js';

/** What the controller reads from the element. */
export interface PredictorHost extends ReactiveControllerHost, EventTarget {
  readonly isConnected: boolean;
  readonly model?: string;
  readonly corpus?: string;
  readonly cell?: CellType;
  readonly noTrain: boolean;
  readonly noEmoji: boolean;
  readonly register?: Register;
}

export class PredictorController implements ReactiveController {
  readonly #host: PredictorHost;
  /** Called when the predictor that answers changes: ready (or a new model) with it, undefined when it went. */
  readonly #onAnswer: (p: Predictor | undefined) => void;
  #predictor: Predictor | undefined;
  /** The predictor whose `ready` resolved (suggestions come from it only then). */
  #readyFor: Predictor | undefined;
  #external = false;
  /** The options the current predictor was made with. */
  #options = '';
  #ready = deferred();
  #disposeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: PredictorHost, onAnswer: (p: Predictor | undefined) => void) {
    this.#host = host;
    this.#onAnswer = onAnswer;
    host.addController(this);
  }

  /** The predictor in use (set from outside, or made from the element's properties). */
  get predictor(): Predictor | undefined {
    return this.#predictor;
  }

  /** Uses `p`, never disposing it; undefined: the element makes its own again. */
  set predictor(p: Predictor | undefined) {
    if (p === this.#predictor) return;
    this.#drop();
    this.#external = p !== undefined;
    if (p) this.#use(p);
    else this.#host.requestUpdate(); // makes its own again (hostUpdated)
  }

  /** The predictor once it is ready, while it is the one in use; else undefined. */
  get answering(): Predictor | undefined {
    return this.#readyFor === this.#predictor ? this.#readyFor : undefined;
  }

  /** Resolves when the predictor in use is ready (rejects when it cannot load); while there is
   * none (the element was removed), when the next one is. */
  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  hostConnected(): void {
    clearTimeout(this.#disposeTimer);
    if (!this.#predictor) this.#host.requestUpdate(); // back after a removal: a new predictor
  }

  hostDisconnected(): void {
    // A move (disconnect then connect in the same task) keeps the predictor and its training.
    this.#disposeTimer = setTimeout(() => {
      if (this.#host.isConnected) return;
      if (!this.#external) this.#drop(); // a predictor set from outside is its owner's to dispose
    });
  }

  hostUpdated(): void {
    const h = this.#host;
    const options = JSON.stringify([h.model, h.corpus, h.cell, h.noTrain, h.noEmoji, h.register]);
    if (!this.#external && h.isConnected && (!this.#predictor || options !== this.#options)) {
      this.#drop();
      this.#options = options;
      this.#use(this.#create());
    }
  }

  #create(): Predictor {
    const h = this.#host;
    const base = document.baseURI;
    return createPredictor({
      ...(h.corpus ? { corpus: new URL(h.corpus, base) } : {}),
      ...(h.model ? { model: new URL(h.model, base) } : {}),
      ...(h.cell ? { cell: h.cell } : {}),
      ...(h.noTrain ? { autoTrain: false } : {}),
      ...(h.noEmoji ? { emoji: false } : {}),
      ...(h.register ? { register: h.register } : {}),
    });
  }

  #use(p: Predictor): void {
    this.#predictor = p;
    if (this.#ready.settled) this.#ready = deferred();
    const ready = this.#ready;
    // A predictor from outside may be a plain object, not an EventTarget.
    if (typeof p.addEventListener === 'function') {
      p.addEventListener('progress', this.#onProgress);
      p.addEventListener('model', this.#onModel);
      p.addEventListener('error', this.#onError);
    }
    let loadFailed = false;
    p.ready.then(
      () => {
        if (this.#predictor !== p) return;
        this.#readyFor = p;
        ready.resolve();
        // Suggestions for what is typed already come before the page's own ready work.
        this.#onAnswer(p);
        this.#host.dispatchEvent(new RnnReadyEvent(info(p)));
      },
      (e: unknown) => {
        loadFailed = true;
        if (this.#predictor !== p) return;
        ready.reject(e);
        this.#host.dispatchEvent(new RnnErrorEvent(e));
      },
    );
    // A failed background training leaves the trigram answering; say so (with no-train the
    // network is not expected, and its absence is no error). A predictor that could not load
    // at all was reported once above.
    p.neuralReady?.catch((e: unknown) => {
      if (this.#predictor === p && !loadFailed && !this.#host.noTrain && !isAbortError(e))
        this.#host.dispatchEvent(new RnnErrorEvent(e));
    });
  }

  /** Lets go of the current predictor, disposing it when the element made it. */
  #drop(): void {
    const p = this.#predictor;
    if (!p) return;
    if (typeof p.removeEventListener === 'function') {
      p.removeEventListener('progress', this.#onProgress);
      p.removeEventListener('model', this.#onModel);
      p.removeEventListener('error', this.#onError);
    }
    if (!this.#external) p.dispose();
    this.#predictor = this.#readyFor = undefined;
    if (this.#ready.settled) this.#ready = deferred(); // `ready` waits for the next predictor
    this.#onAnswer(undefined);
  }

  #onProgress = (e: PredictorEventMap['progress']) => this.#host.dispatchEvent(new RnnProgressEvent(e.detail));
  #onModel = (e: PredictorEventMap['model']) => {
    this.#host.dispatchEvent(new RnnModelEvent(e.detail));
    if (this.answering) this.#onAnswer(this.answering);
  };
  #onError = (e: PredictorEventMap['error']) => this.#host.dispatchEvent(new RnnErrorEvent(e.detail));
}

function info(p: Predictor): PredictorInfo | undefined {
  try {
    return p.info();
  } catch {
    return undefined;
  }
}

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const d = {
    promise: new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    }),
    resolve: () => {
      d.settled = true;
      resolve();
    },
    reject: (e: unknown) => {
      d.settled = true;
      reject(e);
    },
    settled: false,
  };
  d.promise.catch(() => {}); // an unread failure is reported by rnn-error, not as unhandled
  return d;
}
