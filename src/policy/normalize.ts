import { CONFUSABLES, isInvisible } from './confusables.js';
import { decodeUnits, MappedTextBuilder, type MappedText } from './mapped-text.js';

/**
 * Text as detectors read it: NFKC (full-width ＠． → @.), lower case, invisible characters removed, look-alike
 * letters mapped to Latin, diacritics stripped from Latin letters, and spaced-out runs ("j o h n") joined.
 * Every unit keeps the span of the original it came from, so a finding can point at exactly what the sender
 * wrote and masking can replace that, not the normalised form.
 */
export type NormalizedText = MappedText;

/**
 * Runs of at least this many single characters separated by spaces are joined. Three would join ordinary
 * English ("I a m", "a b c" in lists); four single-letter words in a row hardly occur outside obfuscation.
 */
const MIN_SPACED_RUN = 4;
/** Gaps up to three spaces still count as "spaced out"; wider gaps are layout (tables, alignment). */
const MAX_SPACED_GAP = 3;

export function normalize(raw: string): NormalizedText {
  const out = new MappedTextBuilder(raw.length);
  const n = raw.length;
  let i = 0;
  while (i < n) {
    const c = raw.charCodeAt(i);
    if (c < 0x80) {
      // Most mail is ASCII: take the whole run at once. Its last character joins the cluster path below
      // when a combining mark or an invisible follows it (e + U+0301 is é, to be stripped).
      let j = i + 1;
      while (j < n && raw.charCodeAt(j) < 0x80) j++;
      const stop = startsMark(raw, j) ? j - 1 : j;
      if (stop > i) {
        appendAscii(out, raw, i, stop);
        i = stop;
        continue;
      }
    }
    const from = i;
    const cp = raw.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    if (isInvisible(cp)) continue;
    if (isStableScript(cp) && !startsMark(raw, i)) {
      out.push(cp, from, i);
      continue;
    }
    let hasMark = false;
    while (i < n) {
      const m = raw.codePointAt(i)!;
      if (isInvisible(m)) {
        i += m > 0xffff ? 2 : 1;
        continue;
      }
      if (!isMark(m)) break;
      hasMark = true;
      i += m > 0xffff ? 2 : 1;
    }
    let mapped = stripInvisible(raw.slice(from, i)).normalize('NFKC').toLowerCase();
    // Diacritics on Latin letters disguise ("jóhn@gmáil.com"); on other scripts they carry meaning.
    if ((hasMark || cp >= 0xc0) && cp < 0x250) mapped = mapped.normalize('NFD').replace(MARKS, '').normalize('NFC');
    for (let k = 0; k < mapped.length; k++) {
      const u = mapped.charCodeAt(k);
      out.push(CONFUSABLES.get(u) ?? u, from, i);
    }
  }
  return joinSpacedRuns(out);
}

/** ASCII as detectors read it: lower case, control characters other than tab and line breaks dropped. */
function appendAscii(out: MappedTextBuilder, raw: string, from: number, to: number): void {
  out.reserve(to - from);
  const { units, start, end } = out;
  let len = out.len;
  for (let i = from; i < to; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) continue;
    units[len] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
    start[len] = i;
    end[len] = i + 1;
    len++;
  }
  out.len = len;
}

const MARKS = /\p{M}/gu;
const MARK_ONE = /^\p{M}$/u;
const WORD_ONE = /^[\p{L}\p{N}]$/u;

/** Memo of "is this BMP code point a combining mark / letter or digit", filled on first sight. */
const markMemo = new Uint8Array(0x10000);
const wordMemo = new Uint8Array(0x10000);

function isMark(cp: number): boolean {
  if (cp < 0x300) return false;
  if (cp > 0xffff) return MARK_ONE.test(String.fromCodePoint(cp));
  let v = markMemo[cp]!;
  if (v === 0) markMemo[cp] = v = MARK_ONE.test(String.fromCharCode(cp)) ? 1 : 2;
  return v === 1;
}

function startsMark(s: string, i: number): boolean {
  if (i >= s.length) return false;
  const c = s.charCodeAt(i);
  return c >= 0x300 && (isMark(s.codePointAt(i)!) || isInvisible(s.codePointAt(i)!));
}

/** Hangul syllables and CJK ideographs are NFKC-stable and caseless: skipping the per-cluster NFKC keeps Korean fast. */
function isStableScript(cp: number): boolean {
  return (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x4e00 && cp <= 0x9fff);
}

function stripInvisible(s: string): string {
  let out = '';
  for (const ch of s) if (!isInvisible(ch.codePointAt(0)!)) out += ch;
  return out;
}

function isWordUnit(u: number): boolean {
  if (u < 0x80) return (u >= 0x30 && u <= 0x39) || (u >= 0x61 && u <= 0x7a);
  if (u >= 0xd800 && u <= 0xdfff) return false;
  let v = wordMemo[u]!;
  if (v === 0) wordMemo[u] = v = WORD_ONE.test(String.fromCharCode(u)) ? 1 : 2;
  return v === 1;
}

/** Characters that may stand alone in a spaced-out address or number: letters, digits and @ . - _ + */
function isJoinable(u: number): boolean {
  return isWordUnit(u) || u === 0x40 || u === 0x2e || u === 0x2d || u === 0x5f || u === 0x2b;
}

function isGap(u: number): boolean {
  return u === 0x20 || u === 0x09;
}

function joinSpacedRuns(b: MappedTextBuilder): NormalizedText {
  const { units, len } = b;
  const drop = new Uint8Array(len);
  let dropped = 0;
  // A single: a joinable unit with a gap, line break or edge on both sides.
  const single = (p: number) =>
    p < len && (p === 0 || isBreak(units[p - 1]!)) && (p + 1 >= len || isBreak(units[p + 1]!)) && isJoinable(units[p]!);
  let p = 0;
  while (p < len) {
    if (!single(p)) {
      p++;
      continue;
    }
    let count = 1;
    let last = p;
    for (;;) {
      let q = last + 1;
      while (q < len && q - last - 1 < MAX_SPACED_GAP && isGap(units[q]!)) q++;
      if (q === last + 1 || !single(q)) break;
      count++;
      last = q;
    }
    if (count >= MIN_SPACED_RUN) {
      for (let k = p; k < last; k++) {
        if (isGap(units[k]!)) {
          drop[k] = 1;
          dropped++;
        }
      }
    }
    p = last + 1;
  }
  if (dropped === 0) return b.finish();
  const size = len - dropped;
  const outUnits = new Uint16Array(size);
  const start = new Int32Array(size);
  const end = new Int32Array(size);
  let w = 0;
  for (let k = 0; k < len; k++) {
    if (drop[k]) continue;
    outUnits[w] = units[k]!;
    start[w] = b.start[k]!;
    end[w] = b.end[k]!;
    w++;
  }
  return { text: decodeUnits(outUnits, size), start, end };
}

function isBreak(u: number): boolean {
  return isGap(u) || u === 0x0a || u === 0x0d;
}
