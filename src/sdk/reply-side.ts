/**
 * A predictor's reply suggestions (`replies()`): the reply model, opened when first asked for
 * (open-model.ts: stored copy or download), with the replies the person sent ranked higher:
 * those stored on earlier visits and those of this one.
 */
import { ReplyRanker, type Reply } from '../inference/suggest/replies.js';
import type { RnnModel } from '../inference/format/artifacts.js';

export class ReplySide {
  #ranker: ReplyRanker | undefined;
  #loading: Promise<void> | undefined;
  /** Replies the person sent on this visit, applied to the reply model once it loads. */
  #sent: string[] = [];
  /** Counts resets, so a load begun before one does not answer after it. */
  #resets = 0;

  /**
   * @param open opens the reply model; undefined when replies are off or the predictor is gone.
   * @param storedReplies the replies learned on earlier visits, once storage has been read.
   */
  constructor(
    readonly open: () => Promise<RnnModel | undefined>,
    readonly storedReplies: () => Promise<string[]>,
  ) {}

  /** Resolves once the reply model answers (opening it on first use). */
  get ready(): Promise<void> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  /** The `k` best replies to `message`; [] until the model is in (the first ask opens it). */
  rank(message: string, k: number): Reply[] {
    if (!this.#ranker) {
      // An error is reported by `ready` (repliesReady) and the predictor's error event.
      this.ready.catch(() => {});
      return [];
    }
    return this.#ranker.rank(message, k);
  }

  /** The person sent `reply` to a message: it ranks higher from now on. */
  sent(reply: string): void {
    this.#sent.push(reply);
    this.#ranker?.learnReply(reply);
  }

  /** Forgets the replies learned: the model is opened again, as shipped, when next asked for. */
  reset(): void {
    this.#sent = [];
    this.#ranker = undefined;
    this.#loading = undefined;
    this.#resets++;
  }

  async #load(): Promise<void> {
    const resets = this.#resets;
    const model = await this.open();
    if (!model || resets !== this.#resets) return;
    const ranker = new ReplyRanker(model);
    for (const text of await this.storedReplies().catch(() => []))
      if (!this.#sent.includes(text)) ranker.learnReply(text);
    for (const r of this.#sent) ranker.learnReply(r);
    if (resets === this.#resets) this.#ranker = ranker;
  }
}
