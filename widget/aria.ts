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
