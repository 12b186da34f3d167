/**
 * Typing errors on a Spanish keyboard: which keys neighbour which, which letters lose their
 * accent, the prefixes a person may have meant when one letter went wrong (for the predictor),
 * and the errors a simulated typist makes (for the evaluation). One layout for both.
 * Pure: no DOM, no I/O.
 */

/** The Spanish (Spain) QWERTY letter rows and their horizontal offsets in key widths. */
const ROWS: readonly [string, number][] = [
  ['qwertyuiop', 0],
  ['asdfghjklñ', 0.25],
  ['zxcvbnm', 0.75],
];

/** Accented letters and the letter typed when the accent is forgotten. */
const ACCENTS: Readonly<Record<string, string>> = { á: 'a', é: 'e', í: 'i', ó: 'o', ú: 'u', ü: 'u', ñ: 'n' };

/** Every letter a Spanish word is written with (the candidates for a forgotten letter). */
export const SPANISH_LETTERS: readonly string[] = [...'abcdefghijklmnñopqrstuvwxyzáéíóúü'];

const NEIGHBOURS: ReadonlyMap<string, readonly string[]> = (() => {
  const keys: { key: string; row: number; x: number }[] = [];
  ROWS.forEach(([letters, offset], row) => [...letters].forEach((key, i) => keys.push({ key, row, x: i + offset })));
  const map = new Map<string, string[]>();
  for (const a of keys) {
    map.set(
      a.key,
      keys
        .filter(
          (b) =>
            b !== a &&
            ((b.row === a.row && Math.abs(b.x - a.x) === 1) ||
              (Math.abs(b.row - a.row) === 1 && Math.abs(b.x - a.x) < 1)),
        )
        .map((b) => b.key),
    );
  }
  return map;
})();

/** The keys next to a letter's key ('' letters off the layout have none). Accented letters
 * are typed on their base letter's key. */
export function neighbours(letter: string): readonly string[] {
  return NEIGHBOURS.get(ACCENTS[letter] === undefined || letter === 'ñ' ? letter : ACCENTS[letter]!) ?? [];
}

/** The letter typed when the accent of `letter` is forgotten, or undefined for a plain letter. */
export function withoutAccent(letter: string): string | undefined {
  return ACCENTS[letter];
}

/** Letters a person may have meant when they typed `typed`: the letters of its neighbouring
 * keys and its own accented forms (an accented letter is typed on its plain letter's key). */
function meantFor(typed: string): string[] {
  const out: string[] = [];
  for (const key of [typed, ...neighbours(typed)]) {
    if (key !== typed) out.push(key);
    for (const [accented, plain] of Object.entries(ACCENTS)) if (plain === key && accented !== 'ñ') out.push(accented);
  }
  if (typed === 'n' || neighbours('ñ').includes(typed)) out.push('ñ');
  return out;
}

/**
 * The prefixes a person may have meant when typing `typed` (lower case) with exactly one error:
 * a neighbouring key or a forgotten accent in place of one letter, one letter left out, or one
 * extra letter. `typed` itself is not among them; each prefix appears once.
 */
export function oneTypoPrefixes(typed: string): string[] {
  const t = [...typed];
  const out = new Set<string>();
  for (let i = 0; i < t.length; i++) {
    const before = t.slice(0, i).join(''),
      after = t.slice(i + 1).join('');
    for (const c of meantFor(t[i]!)) out.add(before + c + after); // a wrong key
    out.add(before + after); // an extra letter
    for (const c of SPANISH_LETTERS) out.add(before + c + t.slice(i).join('')); // a letter left out
  }
  out.delete(typed);
  out.delete('');
  return [...out];
}

/**
 * What a typist who mistypes a share `rate` of letters types for `word`: each letter, with
 * probability `rate`, is mistyped once: an accented letter loses its accent; any other letter
 * is, with equal chances, replaced by a neighbouring key, left out, or followed by an extra
 * neighbouring key. The typist does not notice. `random` gives numbers in [0, 1).
 */
export function typeWithTypos(word: string, rate: number, random: () => number): string {
  let out = '';
  for (const letter of word) {
    if (random() >= rate) {
      out += letter;
      continue;
    }
    const plain = withoutAccent(letter);
    const near = neighbours(letter);
    if (plain !== undefined) out += plain;
    else if (near.length === 0) out += letter;
    else {
      const kind = Math.floor(random() * 3);
      const other = near[Math.floor(random() * near.length)]!;
      if (kind === 0) out += other;
      else if (kind === 2) out += letter + other;
    }
  }
  return out;
}
