import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/max';
import { overlapping } from '../spans.js';
import { lineBefore } from './text-windows.js';

export interface PhoneMatch {
  start: number;
  end: number;
  kind: 'phone' | 'digits';
}

/**
 * How far before a number we look for what it is: a contact cue ("call me", "전화") within a short clause; an
 * order cue ("order no.", "주문번호") only right before it, so "상품 문의는 010-…" is still a phone.
 */
const PHONE_CUE_WINDOW = 32;
const ORDER_CUE_WINDOW = 16;
const PHONE_CUE = /phone|call|text|tel\b|mobile|cell|whats\s?app|sms|contact|reach|전화|통화|연락|문자|핸드폰|휴대폰|폰|카톡/;
/** Numbers that look like phones but are order talk: order, invoice and tracking numbers, accounts, SKUs, company ids. */
const ORDER_CUE =
  /order|invoice|tracking|track|waybill|awb|sku|ref|item|model|serial|part|no\.|#|business|registration|tax|주문|송장|운송장|배송|조회|상품|모델|품번|결제|승인|계좌|account|bank|은행|환불|refund|사업자|등록/;
/**
 * Where libphonenumber is allowed to look: stretches of 7–17 digits with short separators. It is slow on
 * adversarial input ("(1(1(1…" costs it seconds per megabyte), so it only ever sees these candidates, each a
 * few dozen characters; the bounded repeat keeps the search itself linear.
 */
const CANDIDATE = /(?<![0-9])[+(]?[0-9](?:[ .()/-]{0,3}[0-9]){6,16}(?![0-9])/g;
/**
 * libphonenumber costs ~30 µs per candidate; no real message holds more candidates than this. Past it (a digit
 * dump, an attack), every candidate of phone length is reported unverified: over-reporting a digit dump holds
 * or masks it, under-reporting would let the numbers at its end through.
 */
const MAX_VERIFIED_CANDIDATES = 2_000;
const MIN_DIALLED_DIGITS = 9;

/** Phones group digits in twos to fours: more than two lone digits ("1 1 1 1…") or paren pairs is not one. */
const MAX_LONE_DIGITS = 2;
const MAX_PARENS = 2;
/** Context handed to libphonenumber on each side of a candidate, so it can tell a number from part of one. */
const CANDIDATE_CONTEXT = 2;
/**
 * A run of 9–15 digits, short separators allowed: no phone plan uses fewer than 9 digits with its area code,
 * and E.164 caps numbers at 15. Digits glued to a URL or an identifier (…/products/005105058, id=…) are not
 * dialled: see the lookarounds.
 */
const DIGIT_RUN = /(?<![0-9a-z/=?&#_.-])[+(]?[0-9](?:[ .()-]{0,2}[0-9]){8,14}(?![0-9a-z/=?&#_-])/g;
/** Digits spelled as words, eight or more in a row ("zero one zero …", "공일공 …"); Korean runs start with 0, as phones do. */
const SPELLED_EN = /(?<![a-z])(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)(?:[\s,-]{1,2}|$)){8,15}/g;
const SPELLED_KO = /[공영][\s-]{0,2}(?:[공영일이삼사오육륙칠팔구][\s-]{0,2}){8,14}/g;
const SEPARATOR = /[\s.)-]/;
const LEADING_ZERO = /^[0(]/;
const ANY_DIGIT = /[0-9]|zero|공|영/;

/**
 * Phone numbers in normalised text. libphonenumber finds numbers valid for the marketplace's region (and any
 * international one); what it finds is then judged by its context, because order and tracking numbers
 * are digit strings too. Long digit runs it rejects still count after a contact cue ("call 8613812345678").
 */
export function findPhones(text: string, region: CountryCode): PhoneMatch[] {
  const out: PhoneMatch[] = [];
  if (!ANY_DIGIT.test(text)) return out;
  for (const [start, end, verified] of libphonenumberMatches(text, region)) {
    if (!verified) {
      out.push({ start, end, kind: 'digits' });
      continue;
    }
    if (isInsideToken(text, start, end)) continue;
    const raw = text.slice(start, end);
    const cued = PHONE_CUE.test(lineBefore(text, start, PHONE_CUE_WINDOW));
    const international = raw.startsWith('+') || raw.startsWith('00');
    if (!international && !cued && ORDER_CUE.test(lineBefore(text, start, ORDER_CUE_WINDOW))) continue;
    // Without a leading 0, +, or grouping, a bare digit string is more likely an id than a dialled number.
    if (!international && !cued && !LEADING_ZERO.test(raw) && !SEPARATOR.test(raw)) continue;
    out.push({ start, end, kind: 'phone' });
  }
  const phones = [...out];
  DIGIT_RUN.lastIndex = 0;
  for (let m = DIGIT_RUN.exec(text); m; m = DIGIT_RUN.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (overlapping(phones, start, end) >= 0) continue;
    const international = m[0].startsWith('+') || m[0].startsWith('00');
    if (ORDER_CUE.test(lineBefore(text, start, ORDER_CUE_WINDOW))) continue;
    if (international || PHONE_CUE.test(lineBefore(text, start, PHONE_CUE_WINDOW))) out.push({ start, end, kind: 'digits' });
  }
  for (const re of [SPELLED_EN, SPELLED_KO]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) out.push({ start: m.index, end: m.index + m[0].trimEnd().length, kind: 'digits' });
  }
  return out;
}

/** libphonenumber's matches (verified), or past the budget unverified candidates; sorted and disjoint. */
function libphonenumberMatches(text: string, region: CountryCode): [number, number, boolean][] {
  const out: [number, number, boolean][] = [];
  CANDIDATE.lastIndex = 0;
  let verified = 0;
  for (let m = CANDIDATE.exec(text); m; m = CANDIDATE.exec(text)) {
    if (!plausible(m[0])) continue;
    if (++verified > MAX_VERIFIED_CANDIDATES) {
      if (digitCount(m[0]) >= MIN_DIALLED_DIGITS) out.push([m.index, m.index + m[0].length, false]);
      continue;
    }
    const from = Math.max(0, m.index - CANDIDATE_CONTEXT);
    const slice = text.slice(from, m.index + m[0].length + CANDIDATE_CONTEXT);
    for (const [startsAt, endsAt] of verifiedNumbers(slice, region)) {
      const start = from + startsAt;
      const last = out[out.length - 1];
      if (!last || last[1] <= start) out.push([start, from + endsAt, true]);
    }
    // Two numbers side by side can share a candidate: resume right after what was found.
    const last = out[out.length - 1];
    if (last && last[1] > m.index && last[1] < CANDIDATE.lastIndex) CANDIDATE.lastIndex = last[1];
  }
  return out;
}

/**
 * libphonenumber's verdict on one candidate with its context, remembered: a message read as text, as HTML and
 * as rendered HTML shows the same numbers up to three times, and each verdict costs ~30 µs. The answer depends
 * only on the slice and the region. Bounded, oldest first out, so a digit dump cannot grow it.
 */
const verdicts = new Map<string, readonly (readonly [number, number])[]>();
const MAX_REMEMBERED = 2_048;

function verifiedNumbers(slice: string, region: CountryCode): readonly (readonly [number, number])[] {
  const key = `${region}\u0000${slice}`;
  let found = verdicts.get(key);
  if (!found) {
    found = findPhoneNumbersInText(slice, { defaultCountry: region }).map((n) => [n.startsAt, n.endsAt] as const);
    if (verdicts.size >= MAX_REMEMBERED) verdicts.delete(verdicts.keys().next().value!);
    verdicts.set(key, found);
  }
  return found;
}

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) n++;
  return n;
}

function plausible(candidate: string): boolean {
  let lone = 0;
  let parens = 0;
  let run = 0;
  for (let i = 0; i <= candidate.length; i++) {
    const c = candidate.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      run++;
      continue;
    }
    if (run === 1) lone++;
    run = 0;
    if (c === 0x28 || c === 0x29) parens++;
  }
  return lone <= MAX_LONE_DIGITS && parens <= MAX_PARENS;
}

/** "SKU-8841-1234-5678" or "A0101234567": digits glued to letters or hyphenated ids are not dialled. */
function isInsideToken(text: string, start: number, end: number): boolean {
  const glued = (c: number) => (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f || c === 0x2f || c === 0x23;
  return glued(text.charCodeAt(start - 1)) || glued(text.charCodeAt(end));
}
