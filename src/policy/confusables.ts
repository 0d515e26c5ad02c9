/**
 * Characters that evade detection while looking (or reading) like what they hide. The tables are deliberately
 * small: each entry is a look-alike seen in address and phone obfuscation, not Unicode's whole confusables
 * list, whose cross-script mappings (e.g. Korean jamo) would garble ordinary text.
 */

/** Look-alikes of Latin letters and of the punctuation addresses are built from, after NFKC and lower-casing. */
export const CONFUSABLES: ReadonlyMap<number, number> = new Map(
  (
    [
      // Cyrillic
      ['а', 'a'], ['е', 'e'], ['ё', 'e'], ['о', 'o'], ['р', 'p'], ['с', 'c'], ['у', 'y'], ['х', 'x'], ['к', 'k'],
      ['м', 'm'], ['і', 'i'], ['ї', 'i'], ['ј', 'j'], ['ѕ', 's'], ['ԁ', 'd'], ['ԛ', 'q'], ['ԝ', 'w'], ['һ', 'h'],
      ['ӏ', 'l'], ['ɡ', 'g'], ['ɑ', 'a'], ['ı', 'i'], ['ȷ', 'j'],
      // Greek
      ['ο', 'o'], ['α', 'a'], ['ι', 'i'], ['κ', 'k'], ['ν', 'v'], ['ρ', 'p'], ['τ', 't'], ['υ', 'u'], ['χ', 'x'],
      ['ϲ', 'c'], ['ε', 'e'],
      // Armenian
      ['օ', 'o'], ['ս', 'u'], ['հ', 'h'], ['ո', 'n'],
      // Punctuation: curly quotes, dashes, ideographic and middle dots
      ['‘', "'"], ['’', "'"], ['‚', "'"], ['‛', "'"], ['′', "'"], ['“', '"'], ['”', '"'], ['„', '"'], ['″', '"'],
      ['‐', '-'], ['‑', '-'], ['‒', '-'], ['–', '-'], ['—', '-'], ['―', '-'], ['−', '-'], ['﹣', '-'],
      ['。', '.'], ['︒', '.'], ['·', '.'], ['・', '.'], ['٫', '.'],
    ] as const
  ).map(([from, to]) => [from.charCodeAt(0), to.charCodeAt(0)]),
);

/**
 * Characters that render as nothing (zero-width, bidi controls, fillers, variation selectors, tags): an evader
 * puts them inside "john@gmail.com" to break naive matching.
 */
export function isInvisible(cp: number): boolean {
  if (cp < 0x00ad) return cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d;
  return (
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x061c ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    (cp >= 0x180b && cp <= 0x180f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0x3164 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff ||
    cp === 0xffa0 ||
    (cp >= 0x1bca0 && cp <= 0x1bca3) ||
    (cp >= 0xe0000 && cp <= 0xe0fff)
  );
}
