import type { RequiredLiterals } from './required-literals.js';

/**
 * Which short strings a text may contain, answered without scanning it again: every 1- to 4-unit substring
 * of the text is hashed into a bit table once, and a literal may occur only if all its substrings of length
 * min(4, its length) are in the table. The answer errs only one way: "may contain" for a literal that is
 * absent (two substrings sharing a bit), never "absent" for one that occurs. So a pattern skipped because a
 * required literal is absent could not have matched.
 */
export class GramIndex {
  private constructor(
    private readonly bits: Uint32Array,
    private readonly mask: number,
  ) {}

  static of(text: string): GramIndex {
    const size = tableBits(text.length);
    const bits = new Uint32Array(size >>> 5);
    const mask = size - 1;
    // Rolling keys of the grams ending at the current unit; one multiply extends each by a unit.
    let k1 = 0;
    let k2 = 0;
    let k3 = 0;
    for (let i = 0; i < text.length; i++) {
      const u = text.charCodeAt(i);
      const k4 = (Math.imul(k3, PRIME) + u) | 0;
      k3 = (Math.imul(k2, PRIME) + u) | 0;
      k2 = (Math.imul(k1, PRIME) + u) | 0;
      k1 = u;
      let h = finish(k1, 1) & mask;
      bits[h >>> 5]! |= 1 << (h & 31);
      // At the start of the text only the shorter grams exist.
      if (i >= 1) {
        h = finish(k2, 2) & mask;
        bits[h >>> 5]! |= 1 << (h & 31);
      }
      if (i >= 2) {
        h = finish(k3, 3) & mask;
        bits[h >>> 5]! |= 1 << (h & 31);
      }
      if (i >= 3) {
        h = finish(k4, 4) & mask;
        bits[h >>> 5]! |= 1 << (h & 31);
      }
    }
    return new GramIndex(bits, mask);
  }

  /** False only when the literal certainly does not occur in the text. */
  mayContain(probe: LiteralProbe): boolean {
    for (let k = 0; k < probe.length; k++) {
      const bit = probe[k]! & this.mask;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** Whether every clause has a literal that may occur: false means no match is possible. */
  maySatisfy(clauses: readonly (readonly LiteralProbe[])[]): boolean {
    // Plain loops: this runs for every pattern on every segment.
    for (let c = 0; c < clauses.length; c++) {
      const clause = clauses[c]!;
      let any = false;
      for (let k = 0; k < clause.length && !any; k++) any = this.mayContain(clause[k]!);
      if (!any) return false;
    }
    return true;
  }
}

/** A literal as the index looks it up: the hashes of its grams (table-size independent). */
export type LiteralProbe = Int32Array;

export function probeOf(literal: string): LiteralProbe {
  if (literal.length === 0) throw new Error('empty literal');
  const n = Math.min(literal.length, 4);
  const out = new Int32Array(literal.length - n + 1);
  for (let k = 0; k < out.length; k++) out[k] = finish(gramKey(literal, k, n), n);
  return out;
}

/** The key GramIndex.of rolls up for the n units of s from `at`. */
function gramKey(s: string, at: number, n: number): number {
  let key = 0;
  for (let j = at; j < at + n; j++) key = (Math.imul(key, PRIME) + s.charCodeAt(j)) | 0;
  return key;
}

export function probesOf(required: RequiredLiterals): LiteralProbe[][] {
  return required.map((clause) => clause.map(probeOf));
}

/** About 32 bits per unit of text keeps the table sparse (few false "may contain"); bounded for huge bodies. */
function tableBits(length: number): number {
  let size = MIN_TABLE_BITS;
  while (size < length * 32 && size < MAX_TABLE_BITS) size *= 2;
  return size;
}

const MIN_TABLE_BITS = 1 << 16;
const MAX_TABLE_BITS = 1 << 23;

const PRIME = 0x01000193;

/** Mixes a gram key with its length, so that grams of different lengths rarely share a bit. */
function finish(key: number, length: number): number {
  const h = Math.imul(key ^ Math.imul(length, 0x9e3779b1), 0x85ebca6b);
  return h ^ (h >>> 15);
}
