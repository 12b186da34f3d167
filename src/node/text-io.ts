/**
 * Text in and out on the command line, written once for the CLI (src/cli/) and the benches
 * (bench/): the lines of a corpus file and a share printed as a percentage.
 */
import { readFileSync } from 'node:fs';
import { parseCorpus } from '../data/corpus.js';

/**
 * The lines of a UTF-8 text file as the corpus reader gives them (trimmed, empty ones left out;
 * src/data/corpus.ts), the first `maxLines` when given. An unreadable file throws an Error
 * naming it and the reason (`FILE: cannot read (ENOENT)`); a binary or empty one, the corpus
 * reader's CorpusError.
 */
export function readLines(file: string, maxLines?: number): string[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      cause: e,
    });
  }
  const lines = parseCorpus(bytes, file);
  return maxLines ? lines.slice(0, maxLines) : lines;
}

/** A share (0–1) as a percentage with one decimal, `12.3 %`; '–' when missing or NaN. */
export const pct = (x: number | undefined): string =>
  x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(1)} %`;
