/**
 * Prefix search over word ids kept in string order: a typed prefix's words are one contiguous
 * range, found by binary search; and the small top-k list every search keeps.
 * Pure: no DOM, no I/O.
 */

/** `ids` sorted by their strings in `words` (in place). */
export function sortByString(ids: Int32Array, words: readonly string[]): Int32Array {
  return ids.sort((a, b) => (words[a]! < words[b]! ? -1 : words[a]! > words[b]! ? 1 : 0));
}

/** The first position of `ids` (sorted by their strings in `words`) whose string is not below `s`. */
export function firstAtLeast(ids: Int32Array, words: readonly string[], s: string): number {
  let lo = 0,
    hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (words[ids[mid]!]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Positions [from, to) of `ids` (sorted by their strings in `words`) whose strings start with `prefix`. */
export function prefixRange(ids: Int32Array, words: readonly string[], prefix: string): [number, number] {
  if (prefix === '') return [0, ids.length];
  const from = firstAtLeast(ids, words, prefix);
  let to = from;
  while (to < ids.length && words[ids[to]!]!.startsWith(prefix)) to++;
  return [from, to];
}

/** Keeps `best` as the top-k items by `score`, best first (ties by insertion order). */
export function insertTop(best: number[], item: number, score: (x: number) => number, k: number): void {
  const s = score(item);
  if (best.length === k && s <= score(best[k - 1]!)) return;
  let i = best.length;
  while (i > 0 && score(best[i - 1]!) < s) i--;
  best.splice(i, 0, item);
  if (best.length > k) best.pop();
}
