/** Byte arrays one after another. */

/**
 * The byte arrays one after another, in one new array of `size` bytes (their total by default)
 * whose buffer holds exactly them, so `.buffer` can be handed on as the data.
 */
export function concatBytes(
  parts: readonly Uint8Array[],
  size = parts.reduce((n, p) => n + p.byteLength, 0),
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}
