/**
 * Reading a numeric series from CSV text (no tfjs, so a page may import it).
 */
import { describe } from '../base/checks.js';

/**
 * Reads one numeric column of a CSV with a header row. `column` names it; by default the last
 * column whose first data cell is a number. Fields may be double-quoted; blank lines at the end
 * are ignored.
 *
 * @throws Error naming the row (1-based, the header being row 1) and the column for an empty,
 *   non-numeric, NaN or infinite cell, or saying the column is missing or has no data rows
 */
export function parseSeriesCsv(text: string, column?: string): { values: number[]; column: string } {
  if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`);
  if (column !== undefined && typeof column !== 'string')
    throw new TypeError(`column must be a string, got ${describe(column)}`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new RangeError('the CSV is empty: expected a header row');
  const header = splitCsvLine(lines[0]!);
  const rows = lines.slice(1).map(splitCsvLine);
  let index: number;
  if (column !== undefined) {
    index = header.indexOf(column.trim());
    if (index < 0)
      throw new RangeError(`column "${column}" is missing: the header has ${header.map((h) => `"${h}"`).join(', ')}`);
  } else {
    const first = rows[0] ?? [];
    index = -1;
    for (let i = header.length - 1; i >= 0; i--) {
      if (NUMBER.test((first[i] ?? '').trim())) {
        index = i;
        break;
      }
    }
    if (rows.length > 0 && index < 0)
      throw new RangeError('no numeric column: row 2 has no number (name the column to read)');
    if (index < 0) index = header.length - 1;
  }
  const name = header[index]!;
  if (rows.length === 0) throw new RangeError(`column "${name}" is empty: the CSV has no data rows`);
  const values = rows.map((cells, r) => {
    const cell = (cells[index] ?? '').trim();
    const where = `row ${r + 2}, column "${name}"`;
    if (cell === '') throw new RangeError(`${where}: the cell is empty, expected a number`);
    if (NON_FINITE.test(cell)) throw new RangeError(`${where}: expected a finite number, got ${cell}`);
    if (!NUMBER.test(cell)) throw new TypeError(`${where}: expected a number, got ${describe(cell)}`);
    const v = Number(cell);
    if (!Number.isFinite(v)) throw new RangeError(`${where}: expected a finite number, got ${cell}`);
    return v;
  });
  return { values, column: name };
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** Splits one CSV line on commas, honouring double quotes ("" inside quotes is a quote). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}
