import { isRealDomain } from '../domains.js';

/**
 * Finding email addresses, written plainly or disguised. Parsing starts at anchors ("@", "at", "골뱅이"…) found
 * with indexOf or a regex of fixed alternatives, then walks outward over bounded stretches: linear on any
 * input, with no regex that can backtrack over the message.
 */
export interface AddressCandidate {
  start: number;
  end: number;
  /** Canonical form: lower-case local@domain. */
  address: string;
  /** The @ was a word or a bracketed token, not the character. */
  wordAnchor: boolean;
}

/** RFC 5321 limits: 64 for a local part, 63 per label; more labels than 8 is not an address anyone types. */
const LOCAL_MAX = 64;
const LABEL_MAX = 63;
const LABELS_MAX = 8;
/** Spaces tolerated around a spelled-out separator ("john  at  gmail"); wider gaps are separate words. */
const GAP_MAX = 3;

/** Addresses written with a real "@" and dots, in text as decoded (no normalisation). */
export function findPlainAddresses(text: string): AddressCandidate[] {
  const out: AddressCandidate[] = [];
  let at = text.indexOf('@');
  while (at >= 0) {
    let k = at;
    while (k > 0 && at - k < LOCAL_MAX && isLocalChar(text.charCodeAt(k - 1))) k--;
    while (k < at && text.charCodeAt(k) === 0x2e) k++;
    if (k < at) {
      // The longest run of labels that is a real domain: "gmail.com.Thanks" ends at "com".
      for (const end of plainDomainEnds(text, at + 1).reverse()) {
        const domain = text.slice(at + 1, end).toLowerCase();
        if (!domain.includes('.') || !isRealDomain(domain)) continue;
        out.push({ start: k, end, address: `${text.slice(k, at).toLowerCase()}@${domain}`, wordAnchor: false });
        break;
      }
    }
    at = text.indexOf('@', at + 1);
  }
  return out;
}

/** End offsets of each successive label after the "@" (trailing hyphens trimmed). */
function plainDomainEnds(s: string, p: number): number[] {
  const ends: number[] = [];
  let j = p;
  for (let labels = 0; labels < LABELS_MAX; labels++) {
    const from = j;
    while (j < s.length && j - from < LABEL_MAX && isLabelChar(s.charCodeAt(j))) j++;
    if (j === from) break;
    let end = j;
    while (end > from && s.charCodeAt(end - 1) === 0x2d) end--;
    ends.push(end);
    if (s.charCodeAt(j) !== 0x2e || !isLabelChar(s.charCodeAt(j + 1))) break;
    j++;
  }
  return ends;
}

/** An "@" in any disguise; "at" only as a whole word. Runs on normalised (lower-case) text. */
const ANCHOR = /[([{<]\s{0,2}(?:at|@|골뱅이|앳)\s{0,2}[)\]}>]|@|(?<![a-z0-9])at(?![a-z0-9])|골뱅이|앳/g;
const DOT = /[([{<]\s{0,2}(?:dot|점|닷|쩜|돗|\.)\s{0,2}[)\]}>]|\.|dot(?![a-z0-9])|점|닷|쩜|돗/y;
/** A dot and a top-level domain in one word ("닷컴" = ".com"). */
const DOT_TLD = /(?:[([{<]\s{0,2})?(닷컴|쩜컴|점컴|닷넷|쩜넷|점넷|dotcom|dotnet)(?:\s{0,2}[)\]}>])?(?![a-z0-9])/y;
const LATIN_LABEL = /[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?/y;
/** Korean spellings of mail providers and top-level domains ("지메일 점 컴" = gmail.com). */
const KOREAN_LABEL = /지메일|네이버|다음|한메일|핫메일|야후|네이트|아웃룩|카카오|아이클라우드|오알지|케이알|씨오|컴|콤|넷/y;
const KOREAN_VALUES: Readonly<Record<string, string>> = {
  지메일: 'gmail', 네이버: 'naver', 다음: 'daum', 한메일: 'hanmail', 핫메일: 'hotmail', 야후: 'yahoo', 네이트: 'nate',
  아웃룩: 'outlook', 카카오: 'kakao', 아이클라우드: 'icloud', 오알지: 'org', 케이알: 'kr', 씨오: 'co', 컴: 'com', 콤: 'com', 넷: 'net',
  닷컴: 'com', 쩜컴: 'com', 점컴: 'com', 닷넷: 'net', 쩜넷: 'net', 점넷: 'net', dotcom: 'com', dotnet: 'net',
};

/**
 * Words that, before a spelled-out "at", are English rather than a mailbox: "find us at shop.com",
 * "price @ amazon.com". A real local part that happens to be one of them is rare next to that prose.
 */
const NOT_A_MAILBOX = new Set(
  ('me us you him her them it we i they mail email e-mail contact reach write available order orders buy bought sold ' +
    'shop store look find visit found here there is are was be arrive arrived delivered ship shipped price prices ' +
    'listed sale now online stock item items page site website link or and anytime directly purchased purchase sell ' +
    'selling open cheaper cheap located based work works working login log sign signed registered account check ' +
    'checked out posted listing pick up left arrives expected received sent off cost costs starting start ends end ' +
    'only just great good best 1 2 3 4 5 6 7 8 9 10 11 12').split(' '),
);

/** Addresses written in disguise, in normalised text (coordinates of the normalised string). */
export function findDisguisedAddresses(norm: string): AddressCandidate[] {
  const out: AddressCandidate[] = [];
  ANCHOR.lastIndex = 0;
  for (let m = ANCHOR.exec(norm); m; m = ANCHOR.exec(norm)) {
    const a0 = m.index;
    const a1 = a0 + m[0].length;
    const token = m[0];
    const bareWord = token === 'at';
    const wordAnchor = token !== '@';
    let k = a0;
    while (k > 0 && a0 - k < GAP_MAX && isGap(norm.charCodeAt(k - 1))) k--;
    const gapLeft = a0 - k;
    const localEnd = k;
    while (k > 0 && localEnd - k < LOCAL_MAX && isLocalChar(norm.charCodeAt(k - 1))) k--;
    while (k < localEnd && (norm.charCodeAt(k) === 0x2e || norm.charCodeAt(k) === 0x2d)) k++;
    if (k === localEnd) continue;
    let p = a1;
    while (p < norm.length && p - a1 < GAP_MAX && isGap(norm.charCodeAt(p))) p++;
    const gapRight = p - a1;
    // "john.at.gmail" or "flat" are not "john at gmail": a bare "at" needs spaces on both sides.
    if (bareWord && (gapLeft === 0 || gapRight === 0)) continue;
    // "it's @woodnote.kr" is a social handle: an "@" glued to what follows but not to what precedes.
    if (token === '@' && gapLeft > 0 && gapRight === 0) continue;
    const domain = parseDomain(norm, p);
    if (!domain) continue;
    const local = norm.slice(k, localEnd);
    const disguisedAt = wordAnchor || gapLeft > 0 || gapRight > 0;
    if (disguisedAt && (NOT_A_MAILBOX.has(local) || domain.name.startsWith('www.'))) continue;
    out.push({ start: k, end: domain.end, address: `${local}@${domain.name}`, wordAnchor });
  }
  return out;
}

/**
 * Reads labels and spelled-out dots, then keeps the longest prefix that is a real domain: in "proton.me.
 * Jake" the sentence's full stop and the next word are not part of the address.
 */
function parseDomain(s: string, p: number): { name: string; end: number } | null {
  const first = readLabel(s, p);
  if (!first) return null;
  const labels = [first];
  while (labels.length < LABELS_MAX) {
    const end = labels[labels.length - 1]!.end;
    let q = end;
    while (q < s.length && q - end < GAP_MAX && isGap(s.charCodeAt(q))) q++;
    DOT_TLD.lastIndex = q;
    const combined = DOT_TLD.exec(s);
    if (combined) {
      labels.push({ value: KOREAN_VALUES[combined[1]!]!, end: DOT_TLD.lastIndex });
      break;
    }
    DOT.lastIndex = q;
    const dot = DOT.exec(s);
    if (!dot) break;
    let r = DOT.lastIndex;
    while (r < s.length && r - DOT.lastIndex < GAP_MAX && isGap(s.charCodeAt(r))) r++;
    // "checkout. My" is a full stop and the next sentence; "gmail . com" is spaced on both sides.
    if (dot[0] === '.' && r > DOT.lastIndex && q === end) break;
    const label = readLabel(s, r);
    if (!label) break;
    labels.push(label);
  }
  for (let n = labels.length; n >= 2; n--) {
    const name = labels
      .slice(0, n)
      .map((l) => l.value)
      .join('.');
    if (isRealDomain(name)) return { name, end: labels[n - 1]!.end };
  }
  return null;
}

function readLabel(s: string, p: number): { value: string; end: number } | null {
  LATIN_LABEL.lastIndex = p;
  const latin = LATIN_LABEL.exec(s);
  if (latin) return { value: latin[0], end: LATIN_LABEL.lastIndex };
  KOREAN_LABEL.lastIndex = p;
  const korean = KOREAN_LABEL.exec(s);
  return korean ? { value: KOREAN_VALUES[korean[0]]!, end: KOREAN_LABEL.lastIndex } : null;
}

/** Letters, digits and . _ % + - : what people put before the @ (quoted local parts are not worth the risk). */
function isLocalChar(c: number): boolean {
  const l = c | 0x20;
  return (l >= 0x61 && l <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x5f || c === 0x25 || c === 0x2b || c === 0x2d;
}

function isLabelChar(c: number): boolean {
  const l = c | 0x20;
  return (l >= 0x61 && l <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
}

/** Spaces inside a disguised address, including the line break of a wrapped line (GAP_MAX bounds them). */
function isGap(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0 || c === 0x0a || c === 0x0d;
}
