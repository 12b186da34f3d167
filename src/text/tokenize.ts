/**
 * The tokenizer: text → tokens that keep their original form and position.
 *
 * Built on natural's `Tokenizer` base class, copied with its licence into natural-tokenizer.ts
 * (the package itself would install database clients and WordNet along with it).
 * Pure: no DOM, no I/O. Never throws on a string, whatever it holds.
 */
import NaturalTokenizer from './natural-tokenizer.js';
import { checkString, describe } from '../base/checks.js';

/** What a token is. Only `word` tokens are offered as suggestions. */
export type TokenKind = 'word' | 'number' | 'url' | 'email' | 'emoji' | 'punct' | 'other';

export interface Token {
  /** The token as written, after NFC normalisation ("Hoy"). */
  readonly text: string;
  /** The lower-cased form used by vocabularies and models ("hoy"). */
  readonly norm: string;
  readonly kind: TokenKind;
  /** Offsets in the NFC-normalised input: `nfc.slice(start, end) === text`. */
  readonly start: number;
  readonly end: number;
}

const URL_RE = String.raw`(?:https?:\/\/|www\.)[^\s<>"'«»]*[^\s<>"'«».,;:!?¡¿)\]}…]`;
const EMAIL_RE = String.raw`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}`;
const NUMBER_RE = String.raw`\p{N}+(?:[.,:/]\p{N}+)*%?`;
const WORD_RE = String.raw`\p{L}[\p{L}\p{M}\p{N}]*(?:['’]\p{L}[\p{L}\p{M}\p{N}]*)*`;
// A pictographic character with its variation selectors, skin tones, keycaps and ZWJ sequences,
// a flag (two regional indicators), or a keycap sequence such as 1️⃣.
const EMOJI_RE = String.raw`\p{RI}\p{RI}|[#*0-9]\uFE0F?\u20E3|\p{Extended_Pictographic}[\uFE0E\uFE0F\p{EMod}]*(?:\u200D\p{Extended_Pictographic}[\uFE0E\uFE0F\p{EMod}]*)*`;
const PUNCT_RE = String.raw`\.{3}|…|[¿¡?!.,;:"«»“”()\[\]{}\-–—/]`;

const TOKEN_RE = new RegExp(
  `(${URL_RE})|(${EMAIL_RE})|(${EMOJI_RE})|(${WORD_RE})|(${NUMBER_RE})|(${PUNCT_RE})|([\\p{M}]*[^\\s\\p{M}][\\p{M}]*)`,
  'gu',
);
const KINDS: readonly TokenKind[] = ['url', 'email', 'emoji', 'word', 'number', 'punct', 'other'];

/** Letters or digits, with an apostrophe between letters joining: the evaluation's word. */
export const EVAL_WORD_PATTERN = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)?/gu;

/** What the trigram counts: an emoji (with its modifiers and joins) or the evaluation's word. */
const MODEL_WORD_PATTERN = new RegExp(`${EMOJI_RE}|${EVAL_WORD_PATTERN.source}`, 'gu');
const EMOJI_ONLY = new RegExp(`^(?:${EMOJI_RE})$`, 'u');

/** Sentence-final punctuation: after it the next word starts a sentence. */
const SENTENCE_END = new Set(['.', '?', '!', '…', '...']);

class RnnTokenizer extends NaturalTokenizer {
  tokenize(text: string): Token[] {
    const nfc = text.normalize('NFC');
    const out: Token[] = [];
    TOKEN_RE.lastIndex = 0;
    for (const m of nfc.matchAll(TOKEN_RE)) {
      let kind: TokenKind = 'other';
      for (let g = 1; g <= KINDS.length; g++) {
        if (m[g] !== undefined) {
          kind = KINDS[g - 1]!;
          break;
        }
      }
      const tokenText = m[0];
      const start = m.index ?? 0;
      out.push({ text: tokenText, norm: normalizeToken(tokenText), kind, start, end: start + tokenText.length });
    }
    return out;
  }
}

const tokenizer = new RnnTokenizer();

/**
 * Splits text into tokens. Words keep accents, ñ, ü and inner apostrophes; ¿ ¡ ? ! . , are
 * tokens of their own; numbers, URLs, e-mail addresses and emoji are single tokens. Whitespace
 * is dropped. The input is normalised to NFC first.
 *
 * @example tokenize('¿Qué tal?').map(t => t.text) // ['¿', 'Qué', 'tal', '?']
 */
export function tokenize(text: string): Token[] {
  return tokenizer.tokenize(checkString(text, 'text'));
}

/** The lower-cased NFC form of one token, as vocabularies store it. */
export function normalizeToken(token: string): string {
  return checkString(token, 'token').normalize('NFC').toLowerCase();
}

/**
 * The words of `text` as docs/evaluation.md defines them: NFC, lower case, runs of
 * letters or digits, an apostrophe between letters joining. Punctuation is dropped.
 */
export function evalWords(text: string): string[] {
  const s = checkString(text, 'text').normalize('NFC').toLowerCase();
  return s.match(EVAL_WORD_PATTERN) ?? [];
}

/**
 * The words of `text` as the trigram counts them: `evalWords`' words and, in their place among
 * them, emoji (😂, 👍🏽, 🇪🇸, 👨‍👩‍👧 each one token), so that emoji the corpus or the person uses
 * can be predicted. On text without emoji it equals `evalWords(text)`.
 *
 * @example modelWords('Jaja 😂 vale') // ['jaja', '😂', 'vale']
 */
export function modelWords(text: string): string[] {
  const s = checkString(text, 'text').normalize('NFC').toLowerCase();
  const words = s.match(MODEL_WORD_PATTERN) ?? [];
  return words.some((w) => w.length > MAX_WORD_LENGTH) ? words.filter((w) => w.length <= MAX_WORD_LENGTH) : words;
}

/**
 * The longest word, in characters, that the models count, learn or suggest: longer "words" (a
 * pasted key, a URL without separators) are left out of `modelWords` and of a vocabulary, and a
 * model whose vocabulary holds one is refused.
 */
export const MAX_WORD_LENGTH = 40;

/**
 * Checks a model's word list (a vocabulary's tokens, an n-gram's words): strings, none empty,
 * none longer than MAX_WORD_LENGTH, none twice. The error names the index and the token.
 * Returns each word's index (what a vocabulary looks words up in).
 */
export function checkWordList(words: readonly unknown[], what: string): Map<string, number> {
  const seen = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    const t = words[i];
    if (typeof t !== 'string') throw new TypeError(`${what} ${i} must be a string, got ${describe(t)}`);
    if (t.length === 0) throw new RangeError(`${what} ${i} is empty`);
    if (t.length > MAX_WORD_LENGTH)
      throw new RangeError(
        `${what} ${i} is ${t.length} characters long (${JSON.stringify(t.slice(0, 20))}…), at most ${MAX_WORD_LENGTH} expected`,
      );
    const first = seen.get(t);
    if (first !== undefined) throw new RangeError(`${what} ${i} ${JSON.stringify(t)} appears twice (also at ${first})`);
    seen.set(t, i);
  }
  return seen;
}

/** True when `token` is one emoji (a pictograph with its modifiers and joins, a flag, a keycap). */
export function isEmojiToken(token: string): boolean {
  return typeof token === 'string' && EMOJI_ONLY.test(token);
}

/** True when `token` ends a sentence ('.', '?', '!', '…'). */
export function isSentenceEnd(token: string): boolean {
  return SENTENCE_END.has(token);
}

/** True when a token of this text may be offered as a suggestion (a word). */
export function isWordToken(norm: string): boolean {
  if (typeof norm !== 'string' || norm.length === 0) return false;
  WORD_ONLY.lastIndex = 0;
  return WORD_ONLY.test(norm);
}
const WORD_ONLY = new RegExp(`^(?:${WORD_RE})$`, 'u');

/**
 * Re-cases a suggested word for where it goes: the letters the person typed keep their case,
 * a word at the start of a sentence is capitalised, an all-capitals prefix stays all capitals.
 *
 * @param word the suggestion in its stored (lower-case) form
 * @param typed the letters of the word typed so far ('' after a space)
 * @param sentenceStart whether the word starts a sentence
 */
export function recase(word: string, typed: string, sentenceStart: boolean): string {
  checkString(word, 'word');
  checkString(typed, 'typed');
  const typedChars = Array.from(typed);
  if (typedChars.length >= 2 && typed === typed.toUpperCase() && typed !== typed.toLowerCase()) {
    return word.toUpperCase();
  }
  // Walk the typed letters over the word: a typed letter replaces the stored letters it
  // lower-cases to (İ → i̇ is two code units), or a letter whose upper case it is (Σ ↔ ς).
  let out = '';
  let rest = word;
  for (const tc of typedChars) {
    const lc = tc.toLowerCase();
    const next = Array.from(rest)[0];
    if (lc.length > 0 && rest.startsWith(lc)) {
      out += tc;
      rest = rest.slice(lc.length);
    } else if (next !== undefined && next.toUpperCase() === tc.toUpperCase()) {
      out += tc;
      rest = rest.slice(next.length);
    } else {
      break;
    }
  }
  out += rest;
  if (typedChars.length === 0 && sentenceStart && out.length > 0) {
    const first = Array.from(out)[0]!;
    out = first.toUpperCase() + out.slice(first.length);
  }
  return out;
}

/** Where the text before the caret stands: the words before it and the word being typed. */
export interface TypingContext {
  /** Lower-cased tokens before the word being typed, from the start of the text. */
  readonly context: string[];
  /** The letters of the word being typed ('' when the text ends in a space or punctuation). */
  readonly partial: string;
  /** Whether the word being typed (or the next word) starts a sentence. */
  readonly sentenceStart: boolean;
}

/**
 * Splits the text before the caret into finished tokens and the partly typed word.
 * "Hola cómo se sie" → context ['hola','cómo','se'], partial 'sie'.
 */
export function typingContext(text: string): TypingContext {
  const tokens = tokenize(text);
  const nfc = text.normalize('NFC');
  let partial = '';
  let finished = tokens;
  const last = tokens[tokens.length - 1];
  if (last && last.end === nfc.length && last.kind === 'word') {
    partial = last.text;
    finished = tokens.slice(0, -1);
  }
  return { context: finished.map((t) => t.norm), partial, sentenceStart: sentenceStartBefore(finished) };
}

/**
 * Compiles the tokenizer's patterns now. Their first use costs 10–20 ms (Unicode property
 * classes); the SDK calls this while IndexedDB or the network reads the model, so that the
 * first suggestion does not wait for it. Results are the same either way.
 */
export function prepareTokenizer(): void {
  typingContext('¿Hola, qué tal? 😀 1,5 ');
  modelWords('hola 😀');
  isWordToken('hola');
}

/** True at the start of the text or after sentence-final punctuation (opening ¿ ¡ skipped). */
function sentenceStartBefore(tokens: readonly Token[]): boolean {
  let i = tokens.length - 1;
  while (i >= 0 && (tokens[i]!.text === '¿' || tokens[i]!.text === '¡')) i--;
  return i < 0 || isSentenceEnd(tokens[i]!.text);
}
