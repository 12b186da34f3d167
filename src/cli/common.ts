/**
 * What the commands of the CLI share: the usage error, the output, parsing a command's options
 * (src/cli/options.ts) with its errors pointing at the command's --help, the package's own
 * files (package.json, the shipped model) and the readers of corpus and pair files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { modelWords } from '../text/tokenize.js';
import { MODEL_JSON } from '../node/model-dir.js';
import { readLines } from '../node/text-io.js';
import { parseOptions, type OptionTable, type Parsed } from './options.js';

/** A command line the CLI refuses; main prints its one-line message and exits 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Where a command prints its results (stdout; the tests collect the lines). */
export interface Output {
  log: (line: string) => void;
}

/** `rnn-predict <command>`'s options parsed against its table; a parse error (an unknown option,
 * a missing value) a UsageError pointing at the command's --help. */
export function parse<T extends OptionTable>(argv: readonly string[], table: T, command: string): Parsed<T> {
  try {
    return parseOptions(argv, table);
  } catch (e) {
    if (!String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw e;
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see "rnn-predict ${command} --help")`, {
      cause: e,
    });
  }
}

/** A file of the package: in the repository (src/cli/ is two folders down) or beside the built
 * CLI (dist/cli.js and its chunks are one down). */
export function packageFile(relative: string): string | undefined {
  for (const up of ['../', '../../']) {
    const path = fileURLToPath(new URL(up + relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** The package's package.json. */
export function packageJson(): { version: string; peerDependencies: Record<string, string> } {
  return JSON.parse(readFileSync(packageFile('package.json')!, 'utf8')) as ReturnType<typeof packageJson>;
}

/** The model shipped with the package: dist/models/es beside the built CLI, models/es in the repository. */
export function shippedModelDir(): string {
  for (const relative of ['./models/es', '../models/es', '../../models/es']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${dir}/${MODEL_JSON}`)) return dir;
  }
  throw new UsageError('the shipped model is missing from this installation: give --model DIR');
}

/** Reads a file of message<TAB>reply pairs; a UsageError names a line that is not one. */
export function readPairs(file: string): [string, string][] {
  const pairs: [string, string][] = [];
  readLines(file).forEach((line, i) => {
    const parts = line.split('\t');
    if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim())
      throw new UsageError(
        `${file}: line ${i + 1} must be message<TAB>reply, got ${JSON.stringify(line.slice(0, 80))}`,
      );
    pairs.push([parts[0]!, parts[1]!]);
  });
  return pairs;
}

/** The lines of the files as the n-gram model counts them (`modelWords`), empty ones left out. */
export function corpusWords(files: readonly string[]): string[][] {
  const lines: string[][] = [];
  for (const file of files)
    for (const line of readLines(file)) {
      const words = modelWords(line);
      if (words.length > 0) lines.push(words);
    }
  return lines;
}
