/**
 * The element's looks: the shadow root's styles (the field's box, the ghost's mirror, the bar)
 * and the styles of the light-DOM chips (ARIA needs them beside the field, where the shadow
 * root's styles do not reach), added once per root with zero specificity so any page rule wins.
 */
import { css } from 'lit';

export const elementStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--rnn-gap, 0.375rem);
  }
  :host([hidden]) {
    display: none;
  }
  .field {
    position: relative;
    display: block;
  }
  .mirror {
    position: absolute;
    top: 0;
    left: 0;
    overflow: hidden;
    pointer-events: none;
    box-sizing: border-box;
    border-style: solid;
    border-color: transparent;
    background: transparent;
    margin: 0;
  }
  .mirror[hidden] {
    display: none;
  }
  .inner {
    position: relative;
  }
  .pre {
    color: transparent;
  }
  /* The ghost's colours (ghost.ts): the field's text colour faded as far as 4.5:1 contrast allows,
     one level per step of the phrase's probability (CSS only: no inline style, CSP-safe). */
  [part~='ghost'] {
    color: var(--rnn-ghost-fg, var(--_rnn-ghost-4, #4b5563));
  }
  [part~='ghost-word'][data-level='3'] {
    color: var(--rnn-ghost-fg, var(--_rnn-ghost-3, #4b5563));
  }
  [part~='ghost-word'][data-level='2'] {
    color: var(--rnn-ghost-fg, var(--_rnn-ghost-2, #545c69));
  }
  [part~='ghost-word'][data-level='1'] {
    color: var(--rnn-ghost-fg, var(--_rnn-ghost-1, #5e6573));
  }
  [part~='ghost-word'][data-level='0'] {
    color: var(--rnn-ghost-fg, var(--_rnn-ghost-0, #6b7280));
  }
  [part~='ghost-word'][hidden] {
    display: none;
  }
  [part~='bar'] {
    order: var(--rnn-bar-order, 1);
    min-height: var(--rnn-bar-min-height, 2.25rem);
    display: flex;
    align-items: center;
  }
  ::slotted([data-rnn-live]) {
    position: absolute !important;
    width: 1px !important;
    height: 1px !important;
    overflow: hidden !important;
    clip-path: inset(50%) !important;
    white-space: nowrap !important;
    margin: -1px !important;
    padding: 0 !important;
    border: 0 !important;
  }
`;

/** Styles for the light-DOM chips, for the element's tag name. The chip Tab inserts (the top one,
 * or the one chosen with ↑/↓) is marked: `aria-selected="true"`, a ring, `part~="chip-default"`
 * for the top one; the chosen one is filled (`part~="chip-active"`). On a phone (coarse pointer
 * or a narrow window) each chip is at least 44 × 44 px. */
export function lightStyles(tag: string): string {
  return `
:where(${tag} [data-rnn-listbox]){display:flex;flex-wrap:wrap;align-items:center;gap:var(--rnn-gap,.375rem);margin:0;padding:0}
:where(${tag} [data-rnn-listbox][hidden]){display:none}
:where(${tag} [data-rnn-chip]){display:inline-flex;align-items:center;justify-content:center;min-height:var(--rnn-chip-height,2rem);box-sizing:border-box;padding:var(--rnn-chip-padding,.25rem .85rem);border-radius:var(--rnn-chip-radius,999px);border:1px solid var(--rnn-chip-border,#00000024);background:var(--rnn-chip-bg,#eef1f6);color:var(--rnn-chip-fg,#1a2230);font:inherit;line-height:1.2;cursor:pointer;user-select:none;-webkit-user-select:none;touch-action:manipulation;white-space:pre}
:where(${tag} [data-rnn-chip]:hover){background:var(--rnn-chip-hover-bg,#dfe6f0)}
:where(${tag} [data-rnn-chip][aria-selected=true]){border-color:var(--rnn-chip-active-bg,#1f5fbf);box-shadow:inset 0 0 0 1px var(--rnn-chip-active-bg,#1f5fbf)}
:where(${tag} [data-rnn-chip][part~=chip-active]){background:var(--rnn-chip-active-bg,#1f5fbf);color:var(--rnn-chip-active-fg,#fff);border-color:transparent;box-shadow:none;outline:2px solid var(--rnn-chip-active-bg,#1f5fbf);outline-offset:2px}
@media (pointer:coarse),(max-width:40rem){
:where(${tag} [data-rnn-chip]){min-height:max(44px,var(--rnn-chip-height,2rem));min-width:44px}
}
@media (prefers-color-scheme:dark){
:where(${tag} [data-rnn-chip]){border-color:var(--rnn-chip-border,#ffffff2e);background:var(--rnn-chip-bg,#2a3240);color:var(--rnn-chip-fg,#e8edf5)}
:where(${tag} [data-rnn-chip]:hover){background:var(--rnn-chip-hover-bg,#364052)}
:where(${tag} [data-rnn-chip][aria-selected=true]){border-color:var(--rnn-chip-active-bg,#8ab4f8);box-shadow:inset 0 0 0 1px var(--rnn-chip-active-bg,#8ab4f8)}
:where(${tag} [data-rnn-chip][part~=chip-active]){background:var(--rnn-chip-active-bg,#8ab4f8);color:var(--rnn-chip-active-fg,#0b1a33);outline-color:var(--rnn-chip-active-bg,#8ab4f8);box-shadow:none}
}`;
}

const styledRoots = new WeakMap<Node, Set<string>>();

/** Adds the chips' styles to `root` once per tag name: a constructed sheet (CSP-safe), or a
 * `<style>` where constructed sheets are missing. */
export function addLightStyles(root: Node, tag: string): void {
  let tags = styledRoots.get(root);
  if (tags?.has(tag)) return;
  styledRoots.set(root, (tags ??= new Set()));
  tags.add(tag);
  const target = root as Document | ShadowRoot;
  if (
    'adoptedStyleSheets' in target &&
    typeof CSSStyleSheet === 'function' &&
    'replaceSync' in CSSStyleSheet.prototype
  ) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(lightStyles(tag));
    target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = lightStyles(tag);
    (root instanceof Document ? root.head : (root as ShadowRoot)).append(style);
  }
}
