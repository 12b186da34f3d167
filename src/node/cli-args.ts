/**
 * Command-line arguments as node:util's parseArgs reads them, with one fix: a negative number
 * given as an option's value in its own word (`--k -1`) is read as that value. parseArgs calls
 * such a value "ambiguous" and stops; here it is joined to its option (`--k=-1`), so the range
 * check of the option answers with the option's name and range instead.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** `args` with each value that starts with one '-' after a string option joined to it by '='. */
export function attachDashValues(args: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-(?!-)./.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs gives for `options` (strict). */
export type ParsedCommandLine<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: boolean }>
>;

/** parseArgs (strict, with positionals when asked) on `args` after attachDashValues. */
export function parseCommandLine<O extends Options>(
  args: readonly string[],
  options: O,
  allowPositionals = true,
): ParsedCommandLine<O> {
  return parseArgs({ args: attachDashValues(args, options), options, strict: true, allowPositionals });
}

/**
 * A flag's value through one of the library's checks (src/base/checks.ts), so a flag and the
 * option it sets reject the same values: `check` gets the number (or `parse`'s value) and the
 * flag's name; its error comes back as one line naming the flag and the range, quoting what
 * was typed (for --k -1: the rule's words, then got "-1"). Undefined when the flag is absent.
 */
export function checkedFlag<T>(
  raw: unknown,
  name: string,
  check: (value: unknown, name: string) => T,
  parse: (s: string) => unknown = Number,
): T | undefined {
  if (raw === undefined) return undefined;
  try {
    return check(typeof raw === 'string' && raw.trim() !== '' ? parse(raw) : raw, `--${name}`);
  } catch (e) {
    throw new RangeError(`${(e as Error).message.replace(/, got [^]*$/, '')}, got "${String(raw)}"`, { cause: e });
  }
}
