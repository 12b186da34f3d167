/**
 * The adapter for a contenteditable element (`<div contenteditable role="textbox">`): its text
 * read as the person sees it (`<br>` and each new paragraph are '\n', inline formatting is plain
 * text, non-breaking spaces are spaces), edits through `execCommand('insertText')` (undo knows
 * them; the page sees beforeinput/input), and the caret's rectangle from the selection.
 */
import type { CaretEdit, FieldAdapter, FieldChange } from './adapter.js';
import { domChanges, hasFocus } from './adapter.js';

/** An editable element that is not a text field: contenteditable, any value but "false". */
export const CONTENTEDITABLE = '[contenteditable]:not([contenteditable="false" i])';

/** Elements that start a line of their own. */
const BLOCK =
  /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|DD|DIV|DL|DT|FIELDSET|FIGCAPTION|FIGURE|FOOTER|FORM|H[1-6]|HEADER|HR|LI|MAIN|NAV|OL|P|PRE|SECTION|TABLE|TR|UL)$/;

/** A piece of the text: a Text node's data, or the '\n' of a `<br>` or of a block's start. */
interface Piece {
  node: Node;
  start: number;
  text: string;
  /** The '\n' a block starts with: the caret at the block's start is after it. */
  block?: boolean;
}

/** The element's text and the nodes it comes from (lengths kept: one character for one). */
export function readText(root: HTMLElement): { text: string; pieces: Piece[] } {
  const pre = /^(pre|pre-wrap|break-spaces)$/.test(getComputedStyle(root).whiteSpace);
  const pieces: Piece[] = [];
  let text = '';
  const push = (node: Node, t: string, block = false) => {
    pieces.push({ node, start: text.length, text: t, block });
    text += t;
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === Node.TEXT_NODE) {
      const data = (n as Text).data.replace(/\u00a0/g, ' ');
      push(n, pre ? data : data.replace(/[\t\n\r]/g, ' '));
    } else if (n.nodeName === 'BR') {
      // A <br> that ends its block (or the field) only holds the line open: no line of its own.
      const last = n.nextSibling === null && (n.parentNode === root || BLOCK.test(n.parentNode?.nodeName ?? ''));
      if (!last) push(n, '\n');
    } else if (BLOCK.test(n.nodeName) && text !== '' && !text.endsWith('\n')) {
      push(n, '\n', true);
    }
  }
  return { text, pieces };
}

function selectionIn(root: HTMLElement): Selection | null {
  const host = root.getRootNode() as Document & { getSelection?: () => Selection | null };
  const sel = typeof host.getSelection === 'function' ? host.getSelection() : document.getSelection();
  if (!sel || sel.rangeCount === 0 || !sel.focusNode || !root.contains(sel.focusNode)) return null;
  return sel;
}

/** The caret's offset in the text of `readText`. */
function caretIndex(sel: Selection, pieces: Piece[], length: number): number {
  const node = sel.focusNode!;
  const offset = sel.focusOffset;
  if (node.nodeType === Node.TEXT_NODE) {
    const p = pieces.find((q) => q.node === node);
    if (p) return p.start + Math.min(offset, p.text.length);
  }
  const at = document.createRange();
  at.setStart(node, offset);
  for (const p of pieces) {
    const c = at.comparePoint(p.node, 0);
    if (p.block ? c > 0 : c >= 0) return p.start;
  }
  return length;
}

/** The DOM point of text offset `i` (in a Text node), or null. At a boundary between two Text
 * nodes, the start of the next one (`after`) or the end of the previous one: an edit's range
 * then stays inside the word's own node and never touches its neighbours (Firefox drops a
 * space node that an edit's range starts at the end of). */
function pointAt(pieces: Piece[], i: number, after: boolean): [Node, number] | null {
  let found: [Node, number] | null = null;
  for (const p of pieces) {
    if (p.node.nodeType !== Node.TEXT_NODE || i < p.start || i > p.start + p.text.length) continue;
    found = [p.node, i - p.start];
    if (!after || i < p.start + p.text.length) return found;
  }
  return found;
}

export function contentEditableField(el: HTMLElement): FieldAdapter {
  const state = () => {
    const sel = selectionIn(el);
    if (!sel) return null;
    const { text, pieces } = readText(el);
    return { sel, text, pieces, caret: caretIndex(sel, pieces, text.length) };
  };
  const adapter: FieldAdapter = {
    element: el,
    kind: 'contenteditable',
    textBeforeCaret() {
      const s = state();
      return s && s.sel.isCollapsed ? s.text.slice(0, s.caret) : null;
    },
    textAfterCaret() {
      const s = state();
      if (!s) return '';
      const rest = s.text.slice(s.caret);
      const nl = rest.indexOf('\n');
      return nl < 0 ? rest : rest.slice(0, nl + 1);
    },
    insertAtCaret(edit: CaretEdit) {
      const s = state();
      if (!s || !hasFocus(adapter)) return false;
      // An edit that would replace a text node from its start keeps the letters the word shares
      // with those it replaces, and starts after them, inside that node: Firefox drops a space
      // node between inline elements when an edit replaces the next node's text from its start.
      // (Elsewhere the whole word is replaced, which also ends an IME composition cleanly.)
      const replaced = s.text.slice(s.caret - edit.deleteBefore, s.caret);
      if (pointAt(s.pieces, s.caret - edit.deleteBefore, true)?.[1] === 0) {
        let same = 0;
        while (same < replaced.length && replaced[same] === edit.text[same]) same++;
        edit = { ...edit, deleteBefore: edit.deleteBefore - same, text: edit.text.slice(same) };
      }
      const from = pointAt(s.pieces, s.caret - edit.deleteBefore, true);
      const to = pointAt(s.pieces, s.caret + edit.deleteAfter, false);
      if (edit.deleteBefore + edit.deleteAfter > 0) {
        if (!from || !to) return false;
        s.sel.setBaseAndExtent(from[0], from[1], to[0], to[1]);
      }
      let done: boolean;
      try {
        done = document.execCommand(edit.text === '' ? 'delete' : 'insertText', false, edit.text);
      } catch {
        done = false;
      }
      if (!done) return false;
      if (edit.caretAfter > 0) {
        const after = state();
        const point = after && pointAt(after.pieces, after.caret + edit.caretAfter, false);
        if (after && point) after.sel.collapse(point[0], point[1]);
      }
      return true;
    },
    caretRect() {
      const sel = selectionIn(el);
      if (!sel) return null;
      const range = sel.getRangeAt(0).cloneRange();
      range.collapse(false);
      const r = range.getClientRects()[0] ?? range.getBoundingClientRect();
      if (r.height > 0) return new DOMRect(r.left, r.top, 0, r.height);
      // At the start of an empty line a collapsed range has no box: the line's element has.
      const node = sel.focusNode;
      const box = (node instanceof Element ? node : (node?.parentElement ?? el)).getBoundingClientRect();
      const cs = getComputedStyle(node instanceof Element ? node : el);
      const line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.2;
      return new DOMRect(
        box.left + parseFloat(cs.paddingLeft || '0'),
        box.top + parseFloat(cs.paddingTop || '0'),
        0,
        line,
      );
    },
    text: () => readText(el).text,
    editable: () =>
      el.isContentEditable &&
      el.getAttribute('aria-disabled') !== 'true' &&
      el.getAttribute('aria-readonly') !== 'true',
    subscribe: (listener: (change: FieldChange) => void) => domChanges(adapter, listener),
  };
  return adapter;
}
