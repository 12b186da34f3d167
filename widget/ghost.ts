/**
 * Where the ghost text goes and how it looks. Over an `<input>` or `<textarea>` a mirror copies
 * the field's box, font and scroll, with the text before the caret transparent, so the ghost
 * follows the caret (and wraps as the textarea does). Over any other field (contenteditable, an
 * editor's adapter) the ghost starts at the caret's rectangle and stays on its line. Either way
 * the ghost never leaves the field: the phrase's last words are hidden until it fits, and a word
 * that does not fit is not shown (the chips suffice). Its colours are the field's own text colour
 * mixed toward the field's background as far as 4.5:1 contrast allows, so each fading phrase
 * word stays readable, light or dark (`--rnn-ghost-fg` overrides them all).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { FieldAdapter } from './fields/adapter.js';
import { ghostText, phraseGhost } from './text-edit.js';

/** The ghost text in parts: one per phrase word (with the phrase's probability up to it), or the word's rest. */
export type GhostPart = { text: string; p: number };

/** What shows, as the ghost reads it. */
export interface GhostState {
  /** The `ghost` attribute, and suggestions show. */
  on: boolean;
  words: readonly string[];
  /** The suggestion chosen with ↑/↓ (-1: none). */
  active: number;
  /** The text before the caret and the word being typed in it. */
  typed: { before: string; partial: string };
  phrase: { words: string[]; probabilities: number[] } | null;
  /** The field's text after the caret (null: no field). */
  after: string | null;
}

/**
 * The ghost's parts: the phrase (while nothing is chosen with ↑/↓), else the chosen (or top)
 * suggestion's rest; none when it cannot show inline: only where nothing follows the caret on
 * its line (elsewhere the chips suffice).
 */
export function ghostParts(s: GhostState): { parts: GhostPart[]; phrase: boolean } {
  const none = { parts: [], phrase: false };
  const word = s.words[s.active >= 0 ? s.active : 0];
  if (!s.on || word === undefined || s.after === null || !/^[^\S\n]*(\n|$)/.test(s.after)) return none;
  const text = ghostText(s.typed.before, word, s.typed.partial);
  if (!text) return none;
  if (s.active < 0 && s.phrase) {
    const parts = phraseGhost(s.typed.before, s.phrase.words, s.phrase.probabilities, s.typed.partial);
    if (parts.length > 0) return { parts, phrase: true };
  }
  return { parts: [{ text, p: 1 }], phrase: false };
}

/** The mirror the ghost shows in (placeGhost lays it over the field); `pre`: the text before the
 * caret, over a native field. Each phrase word is a `ghost-word` part. */
export function ghostMirror(
  parts: readonly GhostPart[],
  phrase: boolean,
  pre: string,
): TemplateResult | typeof nothing {
  if (parts.length === 0) return nothing;
  const ghost = !phrase
    ? parts[0]!.text
    : parts.map(
        (g) =>
          html`<span part="ghost-word" data-p=${g.p.toFixed(3)} data-level=${Math.round(g.p * 4)}>${g.text}</span>`,
      );
  return html`<div class="mirror" aria-hidden="true"><div class="inner"><span class="pre">${pre}</span><span part="ghost">${ghost}</span></div></div>`;
}

/** The field's styles the mirror copies, so its text lines up with the field's. */
export const MIRRORED = [
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant',
  'font-stretch',
  'letter-spacing',
  'word-spacing',
  'text-transform',
  'text-indent',
  'tab-size',
  'direction',
  'text-align',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'border-top-width',
  'border-right-width',
  'border-bottom-width',
  'border-left-width',
  'line-height',
];

/** The lowest contrast the ghost's colours keep against the field's background (WCAG AA). */
export const GHOST_CONTRAST = 4.5;

/**
 * Lays the mirror (`.mirror` > `.inner` > `.pre` + `[part~=ghost]`) over the field and fits the
 * ghost in it. Returns how many phrase words at the end were hidden to fit; the whole ghost is
 * hidden (and `Infinity` returned) when not even its first part fits.
 */
export function placeGhost(mirror: HTMLElement, adapter: FieldAdapter): number {
  const f = adapter.element;
  const cs = getComputedStyle(f);
  const s = mirror.style;
  const box = f.getBoundingClientRect();
  const wrap = (mirror.parentElement as HTMLElement).getBoundingClientRect();
  const inner = mirror.firstElementChild as HTMLElement;
  const native = adapter.kind === 'input' || adapter.kind === 'textarea';
  mirror.hidden = false;
  setColours(mirror, f);
  for (const p of MIRRORED) s.setProperty(p, cs.getPropertyValue(p));
  s.left = `${box.left - wrap.left}px`;
  s.top = `${box.top - wrap.top}px`;
  s.width = `${box.width}px`;
  s.height = `${box.height}px`;
  const single = adapter.kind !== 'textarea';
  s.whiteSpace = single ? 'pre' : 'pre-wrap';
  s.overflowWrap = single ? 'normal' : 'break-word';
  if (native) {
    if (single) s.lineHeight = `${f.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom)}px`;
    inner.style.transform = `translate(${-f.scrollLeft}px, ${-f.scrollTop}px)`;
  } else {
    // From the caret: no text before it in the mirror, the ghost on the caret's line.
    const caret = adapter.caretRect();
    if (!caret) return hideAll(mirror);
    s.padding = '0';
    s.borderWidth = '0';
    s.lineHeight = `${caret.height}px`;
    inner.style.transform = `translate(${caret.left - box.left}px, ${caret.top - box.top}px)`;
  }
  return fit(mirror, f, cs, single);
}

/** Hides phrase words from the end until the ghost is inside the field's content box. */
function fit(mirror: HTMLElement, f: HTMLElement, cs: CSSStyleDeclaration, single: boolean): number {
  const ghost = mirror.querySelector<HTMLElement>('[part~=ghost]');
  if (!ghost) return 0;
  const words = [...ghost.querySelectorAll<HTMLElement>('[part~=ghost-word]')];
  for (const w of words) w.hidden = false;
  const box = f.getBoundingClientRect();
  const right = box.right - parseFloat(cs.borderRightWidth) - parseFloat(cs.paddingRight) + 0.5;
  const bottom = box.top + parseFloat(cs.borderTopWidth) + f.clientHeight + 0.5;
  const line = ghost.getClientRects()[0]?.top ?? 0;
  const fits = () => {
    const rects = [...ghost.getClientRects()];
    if (rects.length === 0) return true;
    if (single && rects.some((r) => Math.abs(r.top - line) > 1)) return false;
    return rects.every((r) => r.right <= right && r.bottom <= bottom);
  };
  let hidden = 0;
  while (!fits()) {
    const last = words[words.length - 1 - hidden];
    if (!last || hidden >= words.length - 1) return hideAll(mirror);
    last.hidden = true;
    hidden++;
  }
  return hidden;
}

function hideAll(mirror: HTMLElement): number {
  mirror.hidden = true;
  return Infinity;
}

type RGBA = [number, number, number, number];

function parseColour(c: string): RGBA | null {
  const m = /rgba?\(([^)]+)\)/.exec(c);
  if (!m) return null;
  const [r, g, b, a] = m[1]!
    .split(/[\s,/]+/)
    .filter(Boolean)
    .map(Number);
  return [r ?? 0, g ?? 0, b ?? 0, a ?? 1];
}

/** The colour behind `el`: its own background or the first ancestor's that is not transparent. */
function backgroundOf(el: Element): RGBA {
  for (let e: Element | null = el; e; e = e.parentElement ?? (e.getRootNode() as ShadowRoot).host ?? null) {
    const c = parseColour(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0.5) return c;
  }
  const dark =
    getComputedStyle(document.documentElement).colorScheme.includes('dark') &&
    matchMedia('(prefers-color-scheme: dark)').matches;
  return dark ? [18, 18, 18, 1] : [255, 255, 255, 1];
}

function luminance([r, g, b]: RGBA): number {
  const c = [r, g, b].map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
}

/** WCAG contrast ratio of two colours. */
export function contrast(a: RGBA, b: RGBA): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

const mix = (a: RGBA, b: RGBA, t: number): RGBA =>
  [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)).concat(1) as RGBA;

/**
 * The ghost's five colours (level 4: a likely word … level 0: the least likely phrase word):
 * `fg` mixed toward `bg`, the faintest as far as `GHOST_CONTRAST` allows.
 */
export function ghostLevels(fg: RGBA, bg: RGBA): string[] {
  if (contrast(fg, bg) < GHOST_CONTRAST) return Array(5).fill(`rgb(${fg.slice(0, 3).join(' ')})`);
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 20; i++) {
    const t = (lo + hi) / 2;
    if (contrast(mix(fg, bg, t), bg) >= GHOST_CONTRAST + 0.05) lo = t;
    else hi = t;
  }
  return [0, 1, 2, 3, 4].map((level) => {
    const c = mix(fg, bg, lo * (1 - level * 0.1));
    return `rgb(${c.slice(0, 3).join(' ')})`;
  });
}

function setColours(mirror: HTMLElement, f: HTMLElement): void {
  const fg = parseColour(getComputedStyle(f).color) ?? [0, 0, 0, 1];
  const levels = ghostLevels(fg, backgroundOf(f));
  levels.forEach((c, i) => mirror.style.setProperty(`--_rnn-ghost-${i}`, c));
}

/** The element's ghost text: its parts (set before each render), its mirror, and how much of it
 * fits once laid over the field. */
export class GhostText {
  parts: GhostPart[] = [];
  /** Whether the parts are the phrase (else the top or chosen word). */
  phrase = false;
  /** How many of the phrase's last words are hidden so that the ghost stays inside the field
   * (Infinity: all of it). */
  hidden = 0;

  update(s: GhostState): void {
    ({ parts: this.parts, phrase: this.phrase } = ghostParts(s));
  }

  template(pre: string): TemplateResult | typeof nothing {
    return ghostMirror(this.parts, this.phrase, pre);
  }

  /** Lays the ghost over the field; phrase words that would leave the field are hidden. */
  place(root: ParentNode, field: FieldAdapter | undefined): void {
    const mirror = root.querySelector<HTMLElement>('.mirror');
    this.hidden = field && mirror ? placeGhost(mirror, field) : 0;
  }
}
