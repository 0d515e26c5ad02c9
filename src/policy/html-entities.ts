/**
 * Character references, decoded without a full HTML parser so that each decoded character keeps its source
 * span. The named table covers the punctuation addresses and phone numbers are spelled with (&commat; &period;)
 * and what mail templates commonly use; an unknown name is left as written, which is what browsers show.
 */
const NAMED: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', commat: '@', period: '.', colon: ':', sol: '/',
  bsol: '\\', lpar: '(', rpar: ')', lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']', lcub: '{', rcub: '}', lbrace: '{',
  rbrace: '}', hyphen: '-', dash: '\u2010', ndash: '\u2013', mdash: '\u2014', lowbar: '_', plus: '+', equals: '=',
  excl: '!', quest: '?', num: '#', dollar: '$', percnt: '%', ast: '*', comma: ',', semi: ';', copy: '\u00a9',
  reg: '\u00ae', trade: '\u2122', middot: '\u00b7', bull: '\u2022', hellip: '\u2026', rsquo: '\u2019', lsquo: '\u2018',
  ldquo: '\u201c', rdquo: '\u201d', laquo: '\u00ab', raquo: '\u00bb', zwj: '\u200d', zwnj: '\u200c', shy: '\u00ad',
  lrm: '\u200e', rlm: '\u200f', ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009', times: '\u00d7', euro: '\u20ac',
  pound: '\u00a3', yen: '\u00a5', cent: '\u00a2', deg: '\u00b0', verbar: '|', vert: '|', grave: '`', tilde: '~',
};

/** Names browsers also accept without the trailing semicolon. */
const LEGACY = new Set(['amp', 'lt', 'gt', 'quot', 'nbsp', 'copy', 'reg']);

/** Longest entity name we try: the longest in NAMED is 6; 32 bounds the scan on "&aaaa…" input. */
const MAX_NAME = 32;
/** A numeric reference longer than this is not a code point; bounds the scan on "&#0000…". */
const MAX_DIGITS = 8;

export interface DecodedEntity {
  codePoint: number;
  /** Units of source consumed, starting at the '&'. */
  length: number;
}

/** Decodes the reference starting at s[i] === '&', or returns null when it is not one. */
export function decodeEntityAt(s: string, i: number): DecodedEntity | null {
  let j = i + 1;
  if (s.charCodeAt(j) === 0x23 /* # */) {
    j++;
    const hex = (s.charCodeAt(j) | 0x20) === 0x78; /* x */
    if (hex) j++;
    const from = j;
    while (j < s.length && j - from < MAX_DIGITS && isDigit(s.charCodeAt(j), hex)) j++;
    if (j === from) return null;
    let cp = parseInt(s.slice(from, j), hex ? 16 : 10);
    if (s.charCodeAt(j) === 0x3b /* ; */) j++;
    if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
    return { codePoint: cp, length: j - i };
  }
  const from = j;
  while (j < s.length && j - from < MAX_NAME && isAlnum(s.charCodeAt(j))) j++;
  if (j === from) return null;
  const name = s.slice(from, j);
  const value = NAMED[name] ?? NAMED[name.toLowerCase()];
  if (value === undefined) return null;
  if (s.charCodeAt(j) === 0x3b) return { codePoint: value.codePointAt(0)!, length: j + 1 - i };
  return LEGACY.has(name) ? { codePoint: value.codePointAt(0)!, length: j - i } : null;
}

function isDigit(c: number, hex: boolean): boolean {
  return (c >= 0x30 && c <= 0x39) || (hex && ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66));
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
}

const SPECIAL = /[&<>"']/g;

/** Escapes text for a text node or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(SPECIAL, (c) => `&#${c.charCodeAt(0)};`);
}
