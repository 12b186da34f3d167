/**
 * The one option schema of the command line and the benches: each command (src/cli/*.ts) and
 * each bench (bench/*.ts) declares its options as a table — name, type, default, limits, help
 * text — and this module parses argv against the table (node:util's parseArgs, strict, through
 * src/node/cli-args.ts), checks every value with the library's own checks (src/base/checks.ts:
 * the flag and the option it sets refuse the same values, with the same words) and writes the
 * help from the same table, so a default or a limit is written once, where it is defined
 * (src/inference/model/model-config.ts, src/base/checks.ts), and read here.
 */
import { checkInteger, checkNumber, checkOneOf, type NumberRule } from '../base/checks.js';
import { checkedFlag, parseCommandLine } from '../node/cli-args.js';

interface Described {
  /** What the option does, for --help. `{default}` is replaced by the default (else the
   * default, when there is one, is appended as "(default X)"); `{choices}` by the choices,
   * `{limits}` by an integer's range (1–100). */
  help: string;
  /** The default as the help shows it, when the value is applied further down (the library's
   * own default: DEFAULT_MODEL's sizes) or is not one value (one thread per core). */
  shown?: string | number;
}

/** A switch: true when given. */
export interface BooleanOption extends Described {
  type: 'boolean';
}

/** Text: a file, a directory, a list the command reads itself. */
export interface StringOption extends Described {
  type: 'string';
  /** The value's name in the help: FILE, DIR, LIST. */
  value: string;
  /** Repeatable: every value, in the order given (an empty list when absent). */
  multiple?: boolean;
  default?: string;
}

/** A whole number in [limits[0], limits[1]] (no upper end without limits[1]). */
export interface IntegerOption extends Described {
  type: 'integer';
  value?: string;
  limits: readonly [min: number, max?: number];
  default?: number;
  /** A check of the command's own instead of checkInteger (its messages stay its own). */
  check?: (raw: string, flag: string) => number;
}

/** A number that follows a rule of src/base/checks.ts (SHARE, WEIGHT, POSITIVE, …). */
export interface NumberOption extends Described {
  type: 'number';
  value?: string;
  rule: NumberRule;
  default?: number;
}

/** One of a list of names (CELL_TYPES, NORMS, …). */
export interface ChoiceOption<T extends string = string> extends Described {
  type: 'choice';
  value?: string;
  choices: readonly T[];
  default?: T;
  check?: (raw: string, flag: string) => T;
}

export type OptionSpec = BooleanOption | StringOption | IntegerOption | NumberOption | ChoiceOption;
export type OptionTable = Record<string, OptionSpec>;

type ValueOf<O> = O extends BooleanOption
  ? boolean
  : O extends IntegerOption | NumberOption
    ? number
    : O extends { type: 'choice'; choices: readonly (infer T)[] }
      ? T
      : O extends { multiple: true }
        ? string[]
        : string;
type Always<O> = O extends BooleanOption
  ? true
  : O extends { multiple: true }
    ? true
    : O extends { default: string | number }
      ? true
      : false;

/** What parseOptions gives for a table: each option's checked value, its default when absent. */
export type OptionValues<T extends OptionTable> = {
  [K in keyof T]: Always<T[K]> extends true ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

/** A table, its literal types kept (choices, types) so that the values are typed. */
export const defineOptions = <T extends OptionTable>(table: T): T => table;

/** What a command line holds: --help, or the checked values. */
export type Parsed<T extends OptionTable> =
  | { help: true }
  | {
      help: false;
      values: OptionValues<T>;
      positionals: string[];
      /** The options given on the command line (the others hold their default). */
      given: ReadonlySet<keyof T & string>;
    };

/**
 * Parses `argv` against `table` (with --help added). Unknown options and missing values throw
 * parseArgs's TypeError (its `code` starts with ERR_PARSE_ARGS); a value its check refuses, a
 * one-line RangeError or TypeError naming the flag, the rule and what was typed
 * (`--k must be an integer in 1…100, got "-1"`). With --help nothing is checked.
 */
export function parseOptions<T extends OptionTable>(
  argv: readonly string[],
  table: T,
  { positionals = true }: { positionals?: boolean } = {},
): Parsed<T> {
  const config: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = { help: { type: 'boolean' } };
  for (const [name, o] of Object.entries(table))
    config[name] =
      o.type === 'boolean' ? { type: 'boolean' } : { type: 'string', ...(isMultiple(o) ? { multiple: true } : {}) };
  const parsed = parseCommandLine(argv, config, positionals);
  const raw = parsed.values as Record<string, string | string[] | boolean | undefined>;
  if (raw.help) return { help: true };
  const values: Record<string, unknown> = {};
  const given = new Set<keyof T & string>();
  for (const [name, o] of Object.entries(table)) {
    if (raw[name] !== undefined) given.add(name);
    values[name] = optionValue(o, name, raw[name]);
  }
  return { help: false, values: values as OptionValues<T>, positionals: parsed.positionals, given };
}

const isMultiple = (o: OptionSpec) => o.type === 'string' && !!o.multiple;

/** One option's value: `raw` checked, or the default. */
export function optionValue(o: OptionSpec, name: string, raw: string | string[] | boolean | undefined): unknown {
  switch (o.type) {
    case 'boolean':
      return !!raw;
    case 'string':
      return raw ?? (o.multiple ? [] : o.default);
    case 'integer':
      return (
        checkedFlag(raw, name, (v, n) =>
          o.check && typeof raw === 'string' ? o.check(raw, n) : checkInteger(v, n, o.limits[0], o.limits[1]),
        ) ?? o.default
      );
    case 'number':
      return checkedFlag(raw, name, (v, n) => checkNumber(v, n, ...o.rule)) ?? o.default;
    case 'choice':
      return (
        checkedFlag(
          raw,
          name,
          (v, n) => (o.check && typeof raw === 'string' ? o.check(raw, n) : checkOneOf(v, n, o.choices)),
          String,
        ) ?? o.default
      );
  }
}

/** The value's name in the help: FILE, N, X, a | b. */
function valueName(o: OptionSpec): string {
  switch (o.type) {
    case 'boolean':
      return '';
    case 'integer':
      return o.value ?? 'N';
    case 'number':
      return o.value ?? 'X';
    case 'choice':
      return o.value ?? 'C';
    default:
      return o.value;
  }
}

/** The option's help text with its default and choices filled in. */
export function optionHelp(o: OptionSpec): string {
  const fallback = o.shown ?? ('default' in o ? o.default : undefined);
  let text = o.help.replaceAll('{choices}', 'choices' in o ? o.choices.join(' | ') : '');
  if (o.type === 'integer') text = text.replaceAll('{limits}', `${o.limits[0]}–${o.limits[1] ?? '∞'}`);
  if (text.includes('{default}')) text = text.replaceAll('{default}', String(fallback));
  else if (fallback !== undefined) text += ` (default ${fallback})`;
  return text;
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The options' part of a help text: `  --name VALUE   help`, the help wrapped at `width` and
 * indented to `column` (on the next line when the name is wider than the column).
 */
export function optionsHelp(table: OptionTable, { column = 22, width = 96 } = {}): string {
  const out: string[] = [];
  for (const [name, o] of Object.entries(table)) {
    const head = `  --${name}${valueName(o) ? ` ${valueName(o)}` : ''}`;
    const body = wrap(optionHelp(o), width - column);
    const indent = ' '.repeat(column);
    if (head.length + 1 > column) out.push(head, ...body.map((l) => indent + l));
    else out.push(head.padEnd(column) + (body[0] ?? ''), ...body.slice(1).map((l) => indent + l));
  }
  return out.join('\n');
}

/** A command's help: the usage line(s), the options' part, and what follows them. */
export function usage(
  head: string,
  table: OptionTable,
  tail = '',
  layout?: { column?: number; width?: number },
): string {
  return `${head}\n\n${optionsHelp(table, layout)}${tail ? `\n\n${tail}` : ''}`;
}
