/**
 * The element's key map: which key does what, as a pure function of the key and of what shows.
 * The element performs the action (rnn-predict.ts); a key that maps to nothing is left to the
 * field and the page.
 */

/** What shows when the key arrives. */
export interface KeyState {
  /** Suggestions show (and no dead key waits). */
  open: boolean;
  /** How many suggestions show. */
  count: number;
  /** The suggestion chosen with ↑/↓ (-1: none: Tab takes the top one). */
  active: number;
  /** A phrase shows as ghost text (→ accepts it). */
  phrase: boolean;
  /** A Latin-script IME composition is open (only Tab and the chips accept then). */
  composing: boolean;
}

export type KeyAction =
  | { kind: 'accept'; index: number }
  | { kind: 'phrase'; words: number }
  | { kind: 'choose'; index: number }
  | { kind: 'dismiss' }
  | { kind: 'remove'; index: number }
  | { kind: 'reopen' }
  | { kind: 'send' };

export function keyAction(e: KeyboardEvent, s: KeyState): KeyAction | null {
  const plain = !e.altKey && !e.ctrlKey && !e.metaKey;
  const { open, count: n, active } = s;
  if (s.composing)
    return open && e.key === 'Tab' && plain && !e.shiftKey ? { kind: 'accept', index: Math.max(active, 0) } : null;
  // The phrase shows only where nothing follows the caret on its line, so → (which would not
  // move the caret there) accepts it all and Ctrl+→ its next word, as shells do.
  if (e.key === 'ArrowRight' && !e.shiftKey && !e.altKey && !e.metaKey && s.phrase)
    return { kind: 'phrase', words: e.ctrlKey ? 1 : Infinity };
  if (open && e.key === 'Tab' && plain && !e.shiftKey) return { kind: 'accept', index: Math.max(active, 0) };
  if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp') && plain && !e.shiftKey) {
    const step = e.key === 'ArrowDown' ? 1 : -1;
    return { kind: 'choose', index: active < 0 ? (step > 0 ? 0 : n - 1) : (active + step + n) % n };
  }
  if (open && e.key === 'Enter' && active >= 0 && plain && !e.shiftKey) return { kind: 'accept', index: active };
  if (open && e.key === 'Escape') return { kind: 'dismiss' };
  // Shift+Delete removes the chosen suggestion, as browsers remove an autofill entry.
  if (open && e.key === 'Delete' && e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey)
    return active >= 0 ? { kind: 'remove', index: active } : null;
  if (open && e.altKey && !e.ctrlKey && !e.metaKey && /^(Digit|Numpad)[1-9]$/.test(e.code)) {
    const index = Number(e.code.slice(-1)) - 1;
    return index < n ? { kind: 'accept', index } : null;
  }
  if (!open && e.altKey && e.key === 'ArrowDown') return { kind: 'reopen' };
  // Enter that sends (a newline, Shift+Enter, is not a send).
  if (e.key === 'Enter' && plain && !e.shiftKey) return { kind: 'send' };
  return null;
}

/** Whether the key must be answered from a fresh prediction (a stale list is never accepted). */
export function needsFresh(e: KeyboardEvent, open: boolean, phrase: boolean): boolean {
  return (
    (open && ['Tab', 'Enter', 'ArrowDown', 'ArrowUp'].includes(e.key)) || e.altKey || (e.key === 'ArrowRight' && phrase)
  );
}

/**
 * Whether an IME composition of `text` is Latin script (letters, accents, apostrophes), which
 * the element completes as a word being typed (Android keyboards compose every word). Any other
 * composition (CJK, Cyrillic …) is the IME's own: the element stays out of its way.
 */
export function latinComposition(text: string): boolean {
  return /^[\p{Script=Latin}\p{M}'’]+$/u.test(text);
}
