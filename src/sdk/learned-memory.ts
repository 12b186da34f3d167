/**
 * What a person taught a predictor, as this tab knows it: the learned messages (oldest first)
 * and the forgotten words, kept by storage/learned-log.ts (one record per message, shared by the
 * tabs of a site), or in memory only without IndexedDB or with `persist: false`. It owns the
 * rules of that state (a message holding a forgotten word is not learned, the cap, another tab's
 * changes); the predictor hears what changed through `MemoryHooks` and decides what to rebuild.
 */
import { modelWords } from '../text/tokenize.js';
import { takeLegacyLearned } from '../storage/idb.js';
import {
  LearnedLog,
  MAX_LEARNED_MESSAGES,
  type LearnedChange,
  type LearnedMessage,
  type LearnedState,
  trimCount,
} from '../storage/learned-log.js';

/** What the predictor does when the memory changes. */
export interface MemoryHooks {
  /** A message was added by another tab: its counts can be added in place. */
  added(text: string): void;
  /**
   * Messages were removed (trimmed past the cap, or holding a word forgotten here or in another
   * tab): their counts must go.
   */
  dropped(texts: string[]): void;
  /** Another tab forgot a word: the suggestions must block it. */
  forgotten(): void;
  /** Everything learned was deleted (`delete()` in another tab, or seen as stale here). */
  cleared(): Promise<void>;
  /** An error to report (the `error` event); learning goes on. */
  error(e: Error): void;
  /** Storage failed in a way that will not mend. */
  storageFailed(e: Error): void;
}

/** What `learn()` kept: the message, and the older messages trimmed to make room (their texts). */
export interface Learned {
  message: LearnedMessage;
  trimmed: string[];
}

export class LearnedMemory {
  /** What the person taught, oldest first, as every tab of the site knows it. */
  #messages: LearnedMessage[] = [];
  /** Words the person asked never to see again (`forget`). */
  #forgotten: string[] = [];
  /** Where the learned text is kept (undefined without storage, or after it failed). */
  #log: LearnedLog | undefined;
  /** Numbers the messages kept only in memory. */
  #memoryIds = 0;
  #closed = false;

  constructor(
    readonly name: string,
    readonly hooks: MemoryHooks,
  ) {}

  /**
   * The deletions of the learned messages this tab has seen (storage's generation; 0 without
   * storage): a network trained on learned messages carries it (training.ts).
   */
  get generation(): number {
    return this.#log?.generation ?? 0;
  }

  /** The learned messages, oldest first. */
  get messages(): readonly LearnedMessage[] {
    return this.#messages;
  }

  /** Their texts, oldest first. */
  get texts(): string[] {
    return this.#messages.map((m) => m.text);
  }

  get forgotten(): readonly string[] {
    return this.#forgotten;
  }

  /**
   * Reads the learned messages and forgotten words from storage (what an older version kept is
   * moved into the per-message records first), before the first suggestion; damaged records are
   * reported and kept aside, and learning goes on.
   */
  async read(): Promise<void> {
    try {
      this.#log = new LearnedLog(this.name, (c) => this.#apply(c));
      const legacy = await takeLegacyLearned(this.name);
      if (legacy) {
        await this.#log.importLegacy(legacy.messages, legacy.forgotten);
        for (const key of legacy.damaged)
          this.hooks.error(
            new Error(`the learned record ${key} of "${this.name}" is damaged: kept aside as damaged:${key}`),
          );
      }
      this.#adopt(await this.#log.load());
    } catch (e) {
      this.#log?.close();
      this.#log = undefined;
      this.hooks.storageFailed(e as Error);
    }
  }

  /** Takes storage's state as this tab's. */
  #adopt(state: LearnedState): void {
    this.#messages = state.messages;
    this.#forgotten = state.forgotten;
    for (const id of state.damaged)
      this.hooks.error(
        new Error(
          `a learned record of "${this.name}" is damaged (${id}): kept aside under the 'x' kind, learning goes on`,
        ),
      );
  }

  /** Another tab learned, forgot or deleted: the same here, so both tabs suggest the same. */
  #apply(c: LearnedChange): void {
    if (this.#closed || !this.#log) return;
    if (c.type === 'cleared') {
      void this.hooks.cleared();
      return;
    }
    if (c.generation !== this.#log.generation) return;
    if (c.type === 'learned') {
      if (this.#messages.some((m) => m.id === c.message.id)) return;
      this.#messages.push(c.message);
      if (c.trimmed.length > 0) this.#drop(new Set(c.trimmed));
      else this.hooks.added(c.message.text);
      return;
    }
    if (!this.#forgotten.includes(c.word)) this.#forgotten.push(c.word);
    const removed = new Set(c.removed);
    for (const m of this.#messages) if (modelWords(m.text).includes(c.word)) removed.add(m.id);
    if (removed.size > 0) this.#drop(removed);
    this.hooks.forgotten();
  }

  /** Removes messages from memory; the predictor hears their texts. */
  #drop(ids: ReadonlySet<string>): string[] {
    const gone = this.#messages.filter((m) => ids.has(m.id)).map((m) => m.text);
    if (gone.length === 0) return gone;
    this.#messages = this.#messages.filter((m) => !ids.has(m.id));
    this.hooks.dropped(gone);
    return gone;
  }

  /**
   * Keeps `line` (already capped and trimmed), stored for every tab; undefined when it is not
   * learned: no words, a forgotten word in it (it would teach that word again), or closed.
   */
  async learn(line: string, inReplyTo?: string): Promise<Learned | undefined> {
    const words = modelWords(line);
    if (words.length === 0 || words.some((w) => this.#forgotten.includes(w))) return undefined;
    let message: LearnedMessage = {
      id: `memory:${this.#memoryIds++}`,
      text: line,
      ...(inReplyTo !== undefined ? { inReplyTo } : {}),
    };
    let trimmed: string[] = [];
    if (this.#log) {
      try {
        let r = await this.#log.append(line, modelWords, inReplyTo);
        if (!r.stored && r.reason === 'stale') {
          // Another tab deleted everything since this tab loaded: this tab forgets it too,
          // then keeps this message (typed after the deletion).
          await this.hooks.cleared();
          r = await this.#log.append(line, modelWords, inReplyTo);
        }
        if (!r.stored) {
          if (r.reason === 'forgotten' && !this.#forgotten.includes(r.word)) {
            this.#forgotten.push(r.word);
            this.hooks.forgotten();
          }
          return undefined;
        }
        message = r.message;
        trimmed = r.trimmed;
      } catch (e) {
        this.hooks.error(e as Error);
      }
    } else if (this.#messages.length + 1 > MAX_LEARNED_MESSAGES) {
      const n = trimCount(this.#messages.length + 1, MAX_LEARNED_MESSAGES);
      trimmed = this.#messages.slice(0, n).map((m) => m.id);
    }
    if (this.#closed) return undefined;
    this.#messages.push(message);
    return { message, trimmed: trimmed.length > 0 ? this.#drop(new Set(trimmed)) : [] };
  }

  /**
   * Forgets `word` (normalised) here at once (the messages holding it go); the promise settles
   * once storage has it too.
   */
  forget(word: string): Promise<void> {
    if (!this.#forgotten.includes(word)) this.#forgotten.push(word);
    const holding = new Set(this.#messages.filter((m) => modelWords(m.text).includes(word)).map((m) => m.id));
    if (holding.size > 0) this.#drop(holding);
    return this.#stored(() => this.#log!.forget(word, modelWords));
  }

  /** Deletes every learned record in storage, for every tab (they hear it and clear). */
  clearStorage(): Promise<void> {
    return this.#stored(() => this.#log!.clear());
  }

  /** Forgets everything in memory (after a deletion here or in another tab). */
  reset(): void {
    this.#messages = [];
    this.#forgotten = [];
  }

  close(): void {
    this.#closed = true;
    this.#log?.close();
  }

  /** Runs a write when there is storage; its error is reported, not thrown. */
  async #stored(write: () => Promise<unknown>): Promise<void> {
    if (!this.#log) return;
    try {
      await write();
    } catch (e) {
      this.hooks.error(e as Error);
    }
  }
}
