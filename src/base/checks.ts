/**
 * Argument checks and the errors every layer throws, written once. The bottom of the import
 * graph: no tfjs, no DOM, no other module of ours. A check names the bad value and what was
 * expected ("epochs must be an integer in 1…1000, got the string \"4\""); a wrong type is a
 * TypeError, a number out of range a RangeError, as in the platform's own APIs.
 */

/** A short description of a value for error messages: `the number 3`, `the string "x"`, `null`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return `${typeof value} ${String(value)}`;
}

/** The range an integer check expects, in words: `in 1…64`, or `≥ 1` without an upper end. */
function range(min: number, max: number): string {
  return max === Infinity || max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}…${max}`;
}

/**
 * `value` as an integer in [min, max]; otherwise a TypeError (not a number) or a RangeError
 * (a fraction, NaN or out of range) naming `name`, the range and the value.
 */
export function checkInteger(value: unknown, name: string, min: number, max = Infinity): number {
  if (typeof value !== 'number')
    throw new TypeError(`${name} must be an integer ${range(min, max)}, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name} must be an integer ${range(min, max)}, got ${describe(value)}`);
  return value;
}

/**
 * `value` as a number for which `ok` holds; otherwise a TypeError (not a number) or a
 * RangeError naming `name`, `expected` (in words: 'a number in (0, 10)') and the value.
 */
export function checkNumber(value: unknown, name: string, ok: (x: number) => boolean, expected: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be ${expected}, got ${describe(value)}`);
  if (!ok(value)) throw new RangeError(`${name} must be ${expected}, got ${describe(value)}`);
  return value;
}

/**
 * A rule a number must follow: the test and the words an error gives for it, checkNumber's
 * last two arguments (`checkNumber(x, 'dropout', ...SHARE)`). Each rule that several layers
 * check (an option and its CLI flag) is written once, here or beside its option.
 */
export type NumberRule = readonly [ok: (x: number) => boolean, expected: string];
/** A share that stops short of all: dropout rates, the validation split, where averaging starts. */
export const SHARE: NumberRule = [(x) => x >= 0 && x < 1, 'a number in [0, 1)'];
/** A weight from none to all: the network's weight in the mix. */
export const WEIGHT: NumberRule = [(x) => x >= 0 && x <= 1, 'a number in [0, 1]'];
/** A share strictly between none and all: a discount. */
export const OPEN_SHARE: NumberRule = [(x) => x > 0 && x < 1, 'a number in (0, 1)'];
/** A share above none, up to all: a forecaster's learning rate. */
export const UP_TO_ONE: NumberRule = [(x) => x > 0 && x <= 1, 'a number in (0, 1]'];
/** A length of time above zero. */
export const POSITIVE: NumberRule = [(x) => x > 0, 'a number > 0'];

/** `value` if it is one of `allowed`; otherwise a RangeError listing them. */
export function checkOneOf<T extends string | number>(value: unknown, name: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new RangeError(
      `${name} must be one of ${allowed.map((x) => JSON.stringify(x)).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as T;
}

/** `value` if it is a string; otherwise a TypeError. */
export function checkString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${describe(value)}`);
  return value;
}

/** `value` if it is a boolean; otherwise a TypeError. */
export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** `value` if it is an AbortSignal (anything with a boolean `aborted`); otherwise a TypeError. */
export function checkSignal(value: unknown, name = 'signal'): AbortSignal {
  if (typeof value !== 'object' || value === null || typeof (value as AbortSignal).aborted !== 'boolean')
    throw new TypeError(`${name} must be an AbortSignal, got ${describe(value)}`);
  return value as AbortSignal;
}

/** `value` if it is a function; otherwise a TypeError. */
export function checkFunction<F extends (...args: never[]) => unknown>(value: unknown, name: string): F {
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function, got ${describe(value)}`);
  return value as F;
}

/**
 * An Error named 'AbortError', as fetch and DOM APIs reject with when their signal aborts. The
 * message is the abort reason's when it has one.
 */
export function abortError(reason?: unknown, fallback = 'the operation was cancelled'): Error {
  const message = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : fallback;
  const e = new Error(message);
  e.name = 'AbortError';
  return e;
}

/**
 * Calls `fn` when `signal` aborts (at once when it has already); returns what stops listening.
 * No signal: nothing to listen to.
 */
export function whenAborted(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    fn();
    return () => {};
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

/** Whether `e` is what an aborted operation rejects with (ours, fetch's or a DOMException). */
export function isAbortError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}
