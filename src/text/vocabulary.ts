/**
 * The vocabulary: token strings ↔ integer ids, deterministic and safe for any string.
 * Pure: no DOM, no I/O.
 */
import { checkInteger, describe } from '../base/checks.js';
import { checkWordList, MAX_WORD_LENGTH } from './tokenize.js';

export const PAD = '<pad>';
export const UNK = '<unk>';
export const BOS = '<s>';
export const EOS = '</s>';
/** The special tokens, always ids 0–3 in this order. */
export const SPECIALS = [PAD, UNK, BOS, EOS] as const;
export const PAD_ID = 0;
export const UNK_ID = 1;
export const BOS_ID = 2;
export const EOS_ID = 3;

export const VOCABULARY_FORMAT = 'rnn-predict/vocabulary';
export const VOCABULARY_VERSION = 1;

export interface VocabularyJSON {
  format: typeof VOCABULARY_FORMAT;
  version: number;
  /** Every token by id, specials first. */
  tokens: string[];
  /** How often each token occurred in the text it was built from (specials: 0). */
  counts: number[];
}

export interface VocabularyOptions {
  /** Most tokens kept, specials included (default: no limit). */
  maxSize?: number;
  /** Fewest occurrences a token needs to be kept (default 1). */
  minCount?: number;
}

export class Vocabulary {
  readonly #tokens: readonly string[];
  readonly #counts: readonly number[];
  readonly #ids: ReadonlyMap<string, number>;

  /** Use `buildVocabulary` or `Vocabulary.fromJSON`. */
  constructor(tokens: readonly string[], counts: readonly number[]) {
    if (tokens.length !== counts.length) {
      throw new RangeError(`tokens and counts must have the same length, got ${tokens.length} and ${counts.length}`);
    }
    SPECIALS.forEach((s, i) => {
      if (tokens[i] !== s) throw new RangeError(`token ${i} must be the special ${s}, got ${describe(tokens[i])}`);
    });
    // One Map.set a token in a plain loop (a page builds this on its way to its first
    // suggestion), the checks of a model's word list in the same pass.
    const ids = checkWordList(tokens, 'token');
    this.#tokens = Object.freeze([...tokens]);
    this.#counts = Object.freeze([...counts]);
    this.#ids = ids;
  }

  /** How many tokens, specials included. */
  get size(): number {
    return this.#tokens.length;
  }

  /** The id of a token, or UNK_ID when it is not in the vocabulary. Safe for any string. */
  idOf(token: string): number {
    return this.#ids.get(token) ?? UNK_ID;
  }

  /** Whether the token is in the vocabulary (specials included). */
  has(token: string): boolean {
    return this.#ids.has(token);
  }

  /** The token of an id; throws a RangeError for an id outside 0…size-1. */
  tokenOf(id: number): string {
    checkInteger(id, 'id', 0, this.#tokens.length - 1);
    return this.#tokens[id]!;
  }

  /** How often a token occurred in the text the vocabulary was built from (0 if absent). */
  countOf(token: string): number {
    const id = this.#ids.get(token);
    return id === undefined ? 0 : this.#counts[id]!;
  }

  /** Every token by id. */
  tokens(): readonly string[] {
    return this.#tokens;
  }

  /** Ids of tokens; unknown ones become UNK_ID. */
  encode(tokens: Iterable<string>): number[] {
    const out: number[] = [];
    for (const t of tokens) out.push(this.idOf(t));
    return out;
  }

  toJSON(): VocabularyJSON {
    return {
      format: VOCABULARY_FORMAT,
      version: VOCABULARY_VERSION,
      tokens: [...this.#tokens],
      counts: [...this.#counts],
    };
  }

  /** Rebuilds a vocabulary from `toJSON()`'s output; rejects other formats and versions. */
  static fromJSON(json: unknown): Vocabulary {
    if (typeof json !== 'object' || json === null) {
      throw new TypeError(`vocabulary JSON must be an object, got ${describe(json)}`);
    }
    const j = json as Partial<VocabularyJSON>;
    if (j.format !== VOCABULARY_FORMAT) {
      throw new TypeError(`vocabulary JSON must have format "${VOCABULARY_FORMAT}", got ${describe(j.format)}`);
    }
    if (j.version !== VOCABULARY_VERSION) {
      throw new RangeError(`vocabulary format version ${VOCABULARY_VERSION} expected, got ${describe(j.version)}`);
    }
    if (!Array.isArray(j.tokens) || !Array.isArray(j.counts)) {
      throw new TypeError('vocabulary JSON must have arrays "tokens" and "counts"');
    }
    j.counts.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0)
        throw new TypeError(`count ${i} must be a non-negative integer, got ${describe(c)}`);
    });
    return new Vocabulary(j.tokens, j.counts);
  }
}

/**
 * Builds a vocabulary from tokens (use `Token.norm`). Ids: the specials 0–3, then tokens by
 * descending count, ties by code-unit order of the string, so the same input always gives the
 * same ids. Tokens spelled like a special are not counted.
 */
export function buildVocabulary(tokens: Iterable<string>, options: VocabularyOptions = {}): Vocabulary {
  if (
    tokens === null ||
    typeof (tokens as Iterable<string>)?.[Symbol.iterator] !== 'function' ||
    typeof tokens === 'string'
  ) {
    throw new TypeError(`tokens must be an iterable of strings (not a string), got ${describe(tokens)}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const { maxSize = Infinity, minCount = 1 } = options;
  if (maxSize !== Infinity) checkInteger(maxSize, 'maxSize (the specials included)', SPECIALS.length);
  checkInteger(minCount, 'minCount', 1);
  const counts = new Map<string, number>();
  const specials = new Set<string>(SPECIALS);
  let i = 0;
  for (const t of tokens) {
    if (typeof t !== 'string') throw new TypeError(`tokens[${i}] must be a string, got ${describe(t)}`);
    i++;
    if (t.length === 0 || t.length > MAX_WORD_LENGTH || specials.has(t)) continue;
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const kept = [...counts].filter(([, c]) => c >= minCount);
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const limit = Math.min(kept.length, maxSize - SPECIALS.length);
  const chosen = kept.slice(0, limit);
  return new Vocabulary([...SPECIALS, ...chosen.map(([t]) => t)], [0, 0, 0, 0, ...chosen.map(([, c]) => c)]);
}
