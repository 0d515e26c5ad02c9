/**
 * A similarity fingerprint of a body: MinHash over 2-word shingles, cut into LSH bands ("9f2e03ab.77c0e912.…").
 * Two bodies share a band with probability 1 − (1 − J^ROWS)^BANDS for shingle-set Jaccard similarity J: about
 * 0.98 at J = 0.8 (one blast with a different name and order number), about 10⁻⁴ at J = 0.2 (two replies on
 * the same topic). The DuplicateCounter counts messages sharing a band. SimHash was tried first: on bodies of
 * a few dozen words, changing a name flips 6–9 of 64 bits, too many for band matching to be reliable.
 */
export const BANDS = 6;
export const ROWS = 4;

/** Marketing blasts are short; the first 64 KB decide similarity and bound the work on huge bodies. */
const MAX_FINGERPRINT_INPUT = 64 * 1024;
const WORD = /[\p{L}\p{N}]{1,40}/gu;
const DIGITS = /[0-9]+/g;

/**
 * Returns null for bodies shorter than minWords: a two-line "thanks, shipped today" is legitimately the same
 * for every buyer and says nothing about bulk mail.
 */
export function fingerprint(normalizedBody: string, minWords: number): string | null {
  // Order numbers, amounts and dates differ per buyer in an otherwise identical blast.
  const text = normalizedBody.slice(0, MAX_FINGERPRINT_INPUT).replace(DIGITS, '0');
  const words = text.match(WORD) ?? [];
  if (words.length < minWords) return null;
  const mins = new Uint32Array(BANDS * ROWS).fill(0xffffffff);
  let prev = fnv1a(words[0]!);
  for (let i = 1; i < words.length; i++) {
    const word = fnv1a(words[i]!);
    // Two base hashes per shingle; the k-th function is h1 + k·h2 (Kirsch–Mitzenmacher), one multiply each.
    const h1 = fmix32(Math.imul(prev, 0x01000193) ^ word);
    const h2 = fmix32(h1 ^ 0x9e3779b9) | 1;
    prev = word;
    for (let k = 0; k < mins.length; k++) {
      const v = (h1 + Math.imul(k, h2)) >>> 0;
      if (v < mins[k]!) mins[k] = v;
    }
  }
  const bands: string[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5;
    for (let r = 0; r < ROWS; r++) h = fmix32(h ^ mins[b * ROWS + r]!);
    bands.push(h.toString(16).padStart(8, '0'));
  }
  return bands.join('.');
}

/** How many bands two fingerprints share, position by position (for tests and reviewers). */
export function sharedBands(a: string, b: string): number {
  const bb = b.split('.');
  return a.split('.').filter((band, i) => band === bb[i]).length;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: a cheap bijective mix. Constants are fixed: fingerprints must agree across processes. */
function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
