/**
 * Corpus text → lines, with errors that name the source and the problem.
 * Pure: the caller reads the bytes (fs, fetch) and passes them with a name.
 */
import { describe } from '../base/checks.js';

export class CorpusError extends Error {
  override name = 'CorpusError';
}

/**
 * Decodes and checks a corpus: UTF-8, not binary, not empty. Returns its non-blank lines,
 * trimmed, in order. `source` names the corpus in errors (a file path or URL).
 */
export function parseCorpus(data: string | Uint8Array | ArrayBuffer, source = 'corpus'): string[] {
  let text: string;
  if (typeof data === 'string') {
    text = data;
  } else if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    const probe = bytes.subarray(0, 8192);
    if (probe.includes(0)) {
      throw new CorpusError(`${source}: looks binary (NUL bytes), expected UTF-8 text with one message per line`);
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new CorpusError(`${source}: is not valid UTF-8 text; convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8)`);
    }
  } else {
    throw new TypeError(`corpus data must be a string, Uint8Array or ArrayBuffer, got ${describe(data)}`);
  }
  if (text.includes('\u0000')) {
    throw new CorpusError(`${source}: looks binary (NUL characters), expected UTF-8 text with one message per line`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) {
    throw new CorpusError(`${source}: is empty, expected UTF-8 text with one message per line`);
  }
  if (/^\s*<(!doctype|html)/i.test(text)) {
    throw new CorpusError(`${source}: is an HTML page, expected plain text with one message per line`);
  }
  return lines;
}

/** A short stable hash (FNV-1a, 32 bits, hex) of a corpus, to tell whether a model matches it. */
export function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
