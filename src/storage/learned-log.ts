/**
 * What a person taught a predictor, kept in IndexedDB one record per message (never by
 * rewriting a list), so that two tabs of one site never overwrite each other's messages:
 *
 * - a learned message is `[name, 'm', time, tab, seq] → { text, inReplyTo? }` (inReplyTo: the
 *   message it answered, when it was sent as a reply); a forgotten word is
 *   `[name, 'f', word] → { word }`; `[name, 'g'] → { generation }` counts the deletions;
 *   `[name, 'n'] → { count }` holds the number of messages, so that a write does not count them
 *   (IndexedDB's count() walks every key): written by load() and append(), removed by whatever
 *   else changes the messages (then counted again at the next write);
 * - every write runs in one transaction that first reads the generation: a tab that has not
 *   seen the last `clear()` (another tab's `delete()`) cannot write under it, and learns so;
 * - a message holding a forgotten word is never written, whichever tab forgot it;
 * - past `limit` messages, the oldest are removed in the same transaction as the new one;
 * - a record that is not what this module writes is moved aside to `[name, 'x', …key]`;
 * - each change is announced to the other tabs on a BroadcastChannel (`rnn-predict:<name>`).
 *
 * Database 'rnn-predict-learned', object store 'records' (a database of its own: idb-keyval's
 * stores cannot share one). The store is a trailing default parameter, as in idb-keyval.
 */
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { explain } from './idb.js';

/** How many learned messages a predictor keeps, in memory and in storage alike. */
export const MAX_LEARNED_MESSAGES = 2000;
/** The longest learned message kept, in characters (a longer one is cut at a word boundary). */
export const MAX_MESSAGE_LENGTH = 2000;

/**
 * How many of the oldest messages go when `count` are held against a cap of `limit`: none up
 * to the cap; past it, down to 5 % under the cap, so that trimming (and the rebuild of the
 * counts it causes) happens once per many messages rather than at each one.
 */
export function trimCount(count: number, limit: number): number {
  return count > limit ? count - limit + Math.floor(limit / 20) : 0;
}

type Key = [string, string, ...(string | number)[]];

/** A learned message and the key that names it in every tab. */
export interface LearnedMessage {
  /** Stable across tabs and reloads: what `trimmed` and `forgot` announcements name. */
  id: string;
  text: string;
  /** The message received that this one answered (learn's inReplyTo), when there was one. */
  inReplyTo?: string;
}

/** What one name holds. */
export interface LearnedState {
  generation: number;
  /** Oldest first. */
  messages: LearnedMessage[];
  forgotten: string[];
  /** Keys of records that were damaged and moved aside (as ids), for an `error` event. */
  damaged: string[];
}

/** What another tab did, as the BroadcastChannel carries it. */
export type LearnedChange =
  | { type: 'learned'; generation: number; message: LearnedMessage; trimmed: string[] }
  | { type: 'forgot'; generation: number; word: string; removed: string[] }
  | { type: 'cleared'; generation: number };

/** The result of `append`. */
export type AppendResult =
  | { stored: true; message: LearnedMessage; trimmed: string[] }
  /** Another tab cleared this name since this tab last loaded: nothing was written. */
  | { stored: false; reason: 'stale'; generation: number }
  /** The message holds a word forgotten (maybe in another tab): nothing was written. */
  | { stored: false; reason: 'forgotten'; word: string };

let defaultStore: UseStore | undefined;
/** The learned-text store (database 'rnn-predict-learned', object store 'records'), opened lazily. */
export function defaultLearnedStore(): UseStore {
  defaultStore ??= createStore('rnn-predict-learned', 'records');
  return defaultStore;
}

const idOf = (key: IDBValidKey): string => JSON.stringify(key);
const keyOf = (id: string): Key => JSON.parse(id) as Key;
/** The key of the message count of a name. */
const COUNT = (name: string): Key => [name, 'n'];
const range = (name: string, kind: string) => IDBKeyRange.bound([name, kind], [name, kind, []]);
/** One tab's id, so that two tabs writing in the same millisecond make different keys. */
const TAB = Math.random().toString(36).slice(2, 10);
let seq = 0;

function isMessage(v: unknown): v is { text: string; inReplyTo?: string } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { text?: unknown }).text === 'string' &&
    (v as { text: string }).text.length <= MAX_MESSAGE_LENGTH
  );
}

/** The stored message count, or undefined when it is missing or not a count. */
function countOf(v: unknown): number | undefined {
  const n = (v as { count?: unknown } | undefined)?.count;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function generationOf(v: unknown): number {
  const g = (v as { generation?: unknown } | undefined)?.generation;
  return typeof g === 'number' && Number.isInteger(g) && g >= 0 ? g : 0;
}

/**
 * One predictor name's learned messages and forgotten words in storage, with the other tabs'
 * changes delivered to `onChange`. Create one per predictor; `close()` when done.
 */
export class LearnedLog {
  readonly name: string;
  readonly limit: number;
  #store: UseStore;
  #channel: BroadcastChannel | undefined;
  #generation = 0;

  constructor(
    name: string,
    onChange?: (change: LearnedChange) => void,
    limit = MAX_LEARNED_MESSAGES,
    store: UseStore = defaultLearnedStore(),
  ) {
    this.name = name;
    this.limit = limit;
    this.#store = store;
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(`rnn-predict:${name}`);
      // In Node an open channel would keep the process alive: it only listens while others run.
      (this.#channel as { unref?: () => void }).unref?.();
      this.#channel.onmessage = (ev: MessageEvent<LearnedChange>) => {
        const c = ev.data;
        if (c?.type === 'cleared') this.#generation = Math.max(this.#generation, c.generation);
        onChange?.(c);
      };
    }
  }

  /** The generation this tab writes under (the number of deletions it has seen). */
  get generation(): number {
    return this.#generation;
  }

  /** Runs `fn` in one readwrite transaction and resolves with its result once committed. */
  #tx<T>(fn: (s: IDBObjectStore) => T | Promise<T>): Promise<T> {
    return this.#store('readwrite', async (s) => {
      const done = promisifyRequest(s.transaction);
      try {
        const out = await fn(s);
        await done;
        return out;
      } catch (e) {
        done.catch(() => {});
        try {
          s.transaction.abort();
        } catch {
          // already finished
        }
        throw e;
      }
    });
  }

  #tell(change: LearnedChange): void {
    try {
      this.#channel?.postMessage(change);
    } catch {
      // a closed channel: the other tabs read the records on their next load
    }
  }

  /**
   * Everything stored for this name. Damaged records are moved aside (`damaged` lists them) and
   * the rest is returned; the generation read becomes this tab's.
   */
  async load(): Promise<LearnedState> {
    const name = this.name;
    let state: LearnedState;
    try {
      state = await this.#tx(async (s) => {
        const [meta, keys, values, fkeys, fvalues] = await Promise.all([
          promisifyRequest(s.get([name, 'g'])),
          promisifyRequest(s.getAllKeys(range(name, 'm'))),
          promisifyRequest(s.getAll(range(name, 'm'))),
          promisifyRequest(s.getAllKeys(range(name, 'f'))),
          promisifyRequest(s.getAll(range(name, 'f'))),
        ]);
        const out: LearnedState = { generation: generationOf(meta), messages: [], forgotten: [], damaged: [] };
        const aside = (key: IDBValidKey, value: unknown) => {
          s.put(value, [name, 'x', ...(key as (string | number)[]).slice(1)]);
          s.delete(key);
          out.damaged.push(idOf(key));
        };
        keys.forEach((key, i) => {
          const v = values[i];
          if (isMessage(v))
            out.messages.push({
              id: idOf(key),
              text: v.text,
              ...(typeof v.inReplyTo === 'string' ? { inReplyTo: v.inReplyTo.slice(0, MAX_MESSAGE_LENGTH) } : {}),
            });
          else aside(key, v);
        });
        fkeys.forEach((key, i) => {
          const w = (fvalues[i] as { word?: unknown } | undefined)?.word;
          if (typeof w === 'string' && w === (key as unknown[])[2]) out.forgotten.push(w);
          else aside(key, fvalues[i]);
        });
        s.put({ count: out.messages.length }, COUNT(name));
        return out;
      });
    } catch (e) {
      throw explain(e, `reading what "${name}" learned`);
    }
    this.#generation = state.generation;
    return state;
  }

  /**
   * Stores one message, in one transaction: nothing when this tab is stale (another tab cleared
   * the name) or when a word of it was forgotten (`wordsOf` splits the text as the models do);
   * the oldest messages past `limit` are removed with it.
   */
  async append(text: string, wordsOf: (text: string) => string[], inReplyTo?: string): Promise<AppendResult> {
    const name = this.name;
    const generation = this.#generation;
    const key: Key = [name, 'm', Date.now(), TAB, seq++];
    let result: AppendResult;
    try {
      result = await this.#tx(async (s): Promise<AppendResult> => {
        const [meta, forgotten, counted] = await Promise.all([
          promisifyRequest(s.get([name, 'g'])),
          promisifyRequest(s.getAllKeys(range(name, 'f'))),
          promisifyRequest(s.get(COUNT(name))),
        ]);
        const stored = generationOf(meta);
        if (stored !== generation) return { stored: false, reason: 'stale', generation: stored };
        const words = new Set(wordsOf(text));
        const hit = forgotten.map((k) => (k as unknown[])[2] as string).find((w) => words.has(w));
        if (hit !== undefined) return { stored: false, reason: 'forgotten', word: hit };
        let count = countOf(counted);
        // Counted when the record is missing, and before trimming (once per many messages), so
        // that a wrong count never removes a message it should keep.
        if (count === undefined || trimCount(count + 1, this.limit) > 0)
          count = await promisifyRequest(s.count(range(name, 'm')));
        const replyTo = inReplyTo === undefined ? {} : { inReplyTo: inReplyTo.slice(0, MAX_MESSAGE_LENGTH) };
        s.put({ text, ...replyTo }, key);
        const over = trimCount(count + 1, this.limit);
        const trimmed = over > 0 ? (await promisifyRequest(s.getAllKeys(range(name, 'm'), over))).map(idOf) : [];
        for (const id of trimmed) s.delete(keyOf(id));
        s.put({ count: count + 1 - trimmed.length }, COUNT(name));
        return { stored: true, message: { id: idOf(key), text, ...replyTo }, trimmed };
      });
    } catch (e) {
      throw explain(e, `saving a learned message of "${name}"`);
    }
    if (result.stored) this.#tell({ type: 'learned', generation, message: result.message, trimmed: result.trimmed });
    else if (result.reason === 'stale') this.#generation = result.generation;
    return result;
  }

  /** Records a forgotten word and removes every stored message holding it; returns their ids. */
  async forget(word: string, wordsOf: (text: string) => string[]): Promise<string[]> {
    const name = this.name;
    let removed: string[];
    let generation = this.#generation;
    try {
      removed = await this.#tx(async (s) => {
        const [meta, keys, values] = await Promise.all([
          promisifyRequest(s.get([name, 'g'])),
          promisifyRequest(s.getAllKeys(range(name, 'm'))),
          promisifyRequest(s.getAll(range(name, 'm'))),
        ]);
        generation = generationOf(meta);
        s.put({ word }, [name, 'f', word]);
        s.delete(COUNT(name));
        const gone: string[] = [];
        keys.forEach((key, i) => {
          const v = values[i];
          if (isMessage(v) && wordsOf(v.text).includes(word)) {
            s.delete(key);
            gone.push(idOf(key));
          }
        });
        return gone;
      });
    } catch (e) {
      throw explain(e, `saving a forgotten word of "${name}"`);
    }
    this.#generation = generation;
    this.#tell({ type: 'forgot', generation, word, removed });
    return removed;
  }

  /** Removes every message, forgotten word and damaged record of this name, and starts a new
   * generation that tabs which have not seen it cannot write under. */
  async clear(): Promise<void> {
    const name = this.name;
    let generation = 0;
    try {
      await this.#tx(async (s) => {
        generation = generationOf(await promisifyRequest(s.get([name, 'g']))) + 1;
        s.delete(IDBKeyRange.bound([name, ''], [name, []]));
        s.put({ generation }, [name, 'g']);
      });
    } catch (e) {
      throw explain(e, `deleting what "${name}" learned`);
    }
    this.#generation = generation;
    this.#tell({ type: 'cleared', generation });
  }

  /**
   * Moves messages written by an older version (one list under one key) into this log, once:
   * each gets a fixed key, so two tabs doing it at once write the same records.
   */
  async importLegacy(messages: readonly string[], forgotten: readonly string[]): Promise<void> {
    const name = this.name;
    try {
      await this.#tx((s) => {
        messages.slice(-this.limit).forEach((text, i) => {
          if (text.length <= MAX_MESSAGE_LENGTH) s.put({ text }, [name, 'm', 0, 'legacy', i]);
        });
        for (const word of forgotten) s.put({ word }, [name, 'f', word]);
        s.delete(COUNT(name));
      });
    } catch (e) {
      throw explain(e, `moving the learned text of "${name}" to its new records`);
    }
  }

  close(): void {
    this.#channel?.close();
    this.#channel = undefined;
  }
}
