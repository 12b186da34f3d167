/**
 * How much of the text before the caret a keystroke reads: the last `MAX_CONTEXT` tokens, so
 * a long text costs no more than a short one. Pure: no DOM, no I/O.
 */
import { typingContext } from '../../text/tokenize.js';

/** Tokens of context the predictor reads (the network's window; the n-gram reads fewer). */
export const MAX_CONTEXT = 48;

/** Characters of the text before the caret read per keystroke at first, and at most: the
 * context is the last `MAX_CONTEXT` tokens, so a long text costs no more than a short one. */
const TAIL_CHARS = 1024;
const MAX_TAIL_CHARS = 65_536;

/**
 * The end of `text` that holds its last `MAX_CONTEXT` tokens (so the n-gram model's last words too), cut
 * after a space so that no word is split: what a keystroke reads, however long the text. The
 * window doubles while it holds too few tokens, up to `MAX_TAIL_CHARS`.
 */
export function boundedTail(text: string): string {
  for (let size = TAIL_CHARS; size < text.length; size *= 2) {
    const window = text.slice(text.length - size);
    const cut = window.search(/\s/u);
    if (cut < 0 && size < MAX_TAIL_CHARS) continue;
    const tail = cut < 0 ? window : window.slice(cut);
    if (size >= MAX_TAIL_CHARS || typingContext(tail).context.length > MAX_CONTEXT) return tail;
  }
  return text;
}
