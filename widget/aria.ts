/**
 * The element's words and its ARIA parts: the listbox of chips and the polite live region
 * (light-DOM children, beside the field, so the ids resolve), and what the live region says.
 */

interface Messages {
  /** The listbox's name. */
  label: string;
  /** The top suggestion, said once per change: "hoy, 1 de 3". */
  top: (word: string, n: number) => string;
  phrase: (p: string) => string;
  /** Reply chips, said once when they show: "respuestas: Sí, claro, 1 de 3". */
  replies: (top: string, n: number) => string;
}

const MESSAGES: Record<string, Messages> = {
  es: {
    label: 'Sugerencias',
    top: (w, n) => `${w}, 1 de ${n}`,
    phrase: (p) => `frase: ${p}`,
    replies: (r, n) => `respuestas: ${r}, 1 de ${n}`,
  },
  en: {
    label: 'Suggestions',
    top: (w, n) => `${w}, 1 of ${n}`,
    phrase: (p) => `phrase: ${p}`,
    replies: (r, n) => `replies: ${r}, 1 of ${n}`,
  },
};

/** The element's words in the language of `el` (its `lang` or an ancestor's; default Spanish). */
export function messages(el: Element): Messages {
  const lang = (el.closest('[lang]')?.getAttribute('lang') ?? 'es').toLowerCase().slice(0, 2);
  return MESSAGES[lang] ?? MESSAGES.es!;
}

export function listbox(id: string): HTMLElement {
  const el = document.createElement('div');
  el.id = id;
  el.setAttribute('role', 'listbox');
  el.dataset.rnnListbox = '';
  el.slot = 'listbox';
  el.hidden = true;
  return el;
}

export function liveRegion(): HTMLElement {
  const el = document.createElement('div');
  el.setAttribute('role', 'status');
  el.setAttribute('aria-live', 'polite');
  el.setAttribute('aria-atomic', 'true');
  el.dataset.rnnLive = '';
  el.slot = 'live';
  return el;
}

/** What the live region says, each thing once: the top suggestion per change ("hoy, 1 de 3"),
 * a phrase when it first shows, reply chips once (not again when they come back). */
export class Announcer {
  #announced = '';
  #announcedPhrase = '';
  #announcedReplies = '';

  constructor(
    readonly el: Element,
    readonly live: HTMLElement,
  ) {}

  /** Says what shows now: `words` (best first), the phrase (its words joined, '' none), or replies. */
  say(words: readonly string[], phrase: string, replying: boolean): void {
    const m = messages(this.el);
    const n = words.length;
    if (replying) {
      // Replies to a message are said once; the same replies showing again say nothing.
      const replies = words.join('\n');
      if (replies === this.#announcedReplies) return;
      this.#announcedReplies = replies;
      this.#announced = this.live.textContent = m.replies(words[0]!, n);
      return;
    }
    let text = n > 0 ? m.top(words[0]!, n) : '';
    // Letters that only filter the phrase say nothing new.
    const shown = n > 0 ? phrase : '';
    if (shown !== '' && shown.toLowerCase() !== this.#announcedPhrase.toLowerCase()) text += `; ${m.phrase(shown)}`;
    this.#announcedPhrase = shown;
    if (text === this.#announced) return;
    this.#announced = text;
    this.live.textContent = text;
  }
}
