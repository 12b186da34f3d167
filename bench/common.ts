/**
 * Shared pieces of the benches (bench/*.ts): their options (options(), by the CLI's schema),
 * corpus paths (the training split in the repository's corpus/, the dev split in
 * ../shared/corpus/, the workplace's data beside the repository), tables, timing helpers. Benchmarks only; never in
 * npm test.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pct, readLines as readCorpusLines } from '../src/node/text-io.js';
import { parseOptions, usage, type OptionTable, type OptionValues } from '../src/cli/options.js';

export const SHARED = resolve(process.cwd(), '../shared/corpus');
export const DEFAULT_TRAIN = resolve(process.cwd(), 'corpus/tatoeba-es.train.txt');
export const DEFAULT_TEST = `${SHARED}/tatoeba-es.dev.txt`;

export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** Lines of a corpus file (src/node/text-io.ts); a clear error when it is missing. */
export function readLines(file: string, what: string, maxLines?: number): string[] {
  if (!existsSync(file)) {
    fail(
      `${what} not found: ${file}\nPass --${what} FILE, or put the dev split at ${SHARED}/tatoeba-es.dev.txt (docs/quality.md, "Data: the dev split and ../shared").`,
    );
  }
  return readCorpusLines(file, maxLines);
}

/** A plain-text table with aligned columns. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export { pct };

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function stats(times: number[]): { median: number; p95: number; mean: number; n: number } {
  const s = [...times].sort((a, b) => a - b);
  return {
    median: quantile(s, 0.5),
    p95: quantile(s, 0.95),
    mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length),
    n: s.length,
  };
}

/** The command line that produced this run, for the record. */
export function commandLine(script: string): string {
  return `npm run ${script} --${
    process.argv.length > 2
      ? ' ' +
        process.argv
          .slice(2)
          .map((a) => (/^[\w./=,:-]+$/.test(a) ? a : JSON.stringify(a)))
          .join(' ')
      : ''
  }`;
}

/** Progress on stderr (stdout stays clean for --json). */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * A bench's options by the CLI's one schema (src/cli/options.ts): checked values with their
 * defaults, the help written from the same table; --help prints it, a bad value fails.
 * `positionals`: words other than options are allowed (a model directory), else refused.
 */
export function options<T extends OptionTable>(
  head: string,
  table: T,
  { positionals = false }: { positionals?: boolean } = {},
): { values: OptionValues<T>; positionals: string[]; help: string } {
  const help = usage(head, table, '', { column: 19 });
  try {
    const r = parseOptions(process.argv.slice(2), table, { positionals });
    if (r.help) {
      process.stdout.write(help + '\n');
      process.exit(0);
    }
    return { values: r.values, positionals: r.positionals, help };
  } catch (e) {
    fail(`${(e as Error).message.split('\n')[0]}\n\n${help}`);
  }
}
