/**
 * Text derived from an original (decoded HTML, normalised text) that remembers, for every UTF-16 unit, the span
 * of the original it came from. Findings are located in derived text and reported in the original.
 */
export interface MappedText {
  text: string;
  /** start[i]: offset in the original of the first unit that unit i came from. */
  start: Int32Array;
  /** end[i]: offset in the original one past the last unit that unit i came from. */
  end: Int32Array;
}

/** Maps a non-empty span of derived text back to its original. */
export function originalSpan(m: MappedText, start: number, end: number): [number, number] {
  return [m.start[start]!, m.end[end - 1]!];
}

const utf16 = new TextDecoder('utf-16le');

/** Appends units with their original spans; typed arrays keep multi-megabyte bodies cheap. */
export class MappedTextBuilder {
  units: Uint16Array;
  start: Int32Array;
  end: Int32Array;
  len = 0;

  constructor(hint: number) {
    const size = Math.max(16, hint + 16);
    this.units = new Uint16Array(size);
    this.start = new Int32Array(size);
    this.end = new Int32Array(size);
  }

  /** Appends one code point (two units if astral), both mapped to [from, to). */
  push(cp: number, from: number, to: number): void {
    if (cp > 0xffff) {
      const v = cp - 0x10000;
      this.pushUnit(0xd800 + (v >> 10), from, to);
      this.pushUnit(0xdc00 + (v & 0x3ff), from, to);
    } else this.pushUnit(cp, from, to);
  }

  /** Makes room for `extra` more units, so a caller filling the arrays directly needs no check per unit. */
  reserve(extra: number): void {
    while (this.len + extra > this.units.length) this.grow();
  }

  pushUnit(u: number, from: number, to: number): void {
    if (this.len === this.units.length) this.grow();
    this.units[this.len] = u;
    this.start[this.len] = from;
    this.end[this.len] = to;
    this.len++;
  }

  private grow(): void {
    const size = this.units.length * 2;
    const units = new Uint16Array(size);
    units.set(this.units);
    const start = new Int32Array(size);
    start.set(this.start);
    const end = new Int32Array(size);
    end.set(this.end);
    this.units = units;
    this.start = start;
    this.end = end;
  }

  finish(): MappedText {
    return { text: decodeUnits(this.units, this.len), start: this.start.subarray(0, this.len), end: this.end.subarray(0, this.len) };
  }
}

/** Lone surrogates decode to U+FFFD, one unit each, so offsets stay aligned. */
export function decodeUnits(units: Uint16Array, len: number): string {
  return utf16.decode(units.subarray(0, len));
}
