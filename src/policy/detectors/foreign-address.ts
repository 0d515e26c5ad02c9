import { hostIn } from '../domains.js';
import { originalSpan } from '../mapped-text.js';
import { keepDisjoint, overlapping, type Span } from '../spans.js';
import { findDisguisedAddresses, findPlainAddresses } from './address-syntax.js';
import type { Detector, ScanContext, TextHit, TextView } from './detector.js';

export interface ForeignAddressOptions {
  /** Domains whose addresses are not a leak (the marketplace's own support desk). */
  allowDomains: readonly string[];
}

/**
 * "My gmail is kim.jisoo88", "네이버 아이디 johnkim88": a provider plus a mailbox name is an address in all but
 * form. The name must look like one (a digit, dot or underscore) unless an explicit "id" word precedes it,
 * so "my gmail is down" stays prose. "다음" (also "next") is left out: too common a word.
 */
const PROVIDER_HANDLE =
  /(?<![a-z0-9])(?:gmail|naver|hanmail|daum|hotmail|outlook|yahoo|icloud|nate|지메일|네이버|한메일|핫메일|아웃룩|야후|네이트)\s{0,2}((?:mail|메일|id|아이디|account|계정|address|주소)\s{0,2}){0,2}(?:is|:|=|은|는)?\s{0,2}([a-z0-9][a-z0-9._-]{2,39})(?![a-z0-9@._-])/g;
const MAILBOX_LIKE = /[0-9._]/;

/**
 * Any address outside the relay: plain ones are found in the decoded text as written; disguised ones in the
 * normalised text, beside (not instead of) the plain pass, because normalising alone would garble "reach me at
 * john@x.com". An address of either party written plainly is the known-address detector's; written in disguise
 * it is evasion and reported here.
 */
export function foreignAddressDetector(options: ForeignAddressOptions): Detector {
  const ignored = (address: string, ctx: ScanContext) => {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    return hostIn(domain, [ctx.aliasDomain]) || hostIn(domain, options.allowDomains);
  };
  return {
    id: 'foreign-address',
    inspectText(view: TextView, ctx: ScanContext): TextHit[] {
      // Every candidate takes part in overlap resolution, reported or not: a plain known address must still
      // shadow a disguised reading of the same characters.
      const candidates: (TextHit & { report: boolean; rank: number })[] = [];
      const plain = keepDisjoint(findPlainAddresses(view.raw), () => 0);
      for (const c of plain) {
        // "j&#111;hn&#64;x.com" reads plainly once decoded, but only someone hiding it writes it so.
        const encoded = encodedInSource(view, c.start, c.end);
        const report = !ignored(c.address, ctx) && (encoded || !ctx.knownAddresses.has(c.address));
        const hit: TextHit = { kind: 'address', start: c.start, end: c.end, obfuscated: encoded };
        candidates.push({ ...hit, ...(encoded ? { detail: `reads as ${c.address}` } : {}), report, rank: 1 });
      }
      for (const c of findDisguisedAddresses(view.norm.text)) {
        const [start, end] = originalSpan(view.norm, c.start, c.end);
        // Equal to what was written means the plain pass saw it; only a difference is a disguise.
        const disguised = view.raw.slice(start, end).toLowerCase() !== c.address;
        const report = disguised && !ignored(c.address, ctx);
        // "jo\u200bhn@gmail.com" reads plainly as "hn@gmail.com": the longer, disguised reading is the truth.
        const rank = disguised && extendsPlain(plain, start, end) ? 0 : 2;
        candidates.push({ kind: 'address', start, end, obfuscated: true, detail: `reads as ${c.address}`, report, rank });
      }
      PROVIDER_HANDLE.lastIndex = 0;
      for (let m = PROVIDER_HANDLE.exec(view.norm.text); m; m = PROVIDER_HANDLE.exec(view.norm.text)) {
        const handle = m[2]!;
        if (!m[1] && !MAILBOX_LIKE.test(handle)) continue;
        const [start, end] = originalSpan(view.norm, m.index, m.index + m[0].length);
        const detail = `mailbox name "${handle}" with its provider`;
        candidates.push({ kind: 'provider-handle', start, end, obfuscated: true, detail, report: true, rank: 3 });
      }
      return keepDisjoint(candidates, (c) => c.rank)
        .filter((c) => c.report)
        .map(({ report: _r, rank: _k, ...hit }) => hit);
    },
  };
}

/** Whether [start, end) strictly contains a plain candidate it overlaps. */
function extendsPlain(plain: readonly Span[], start: number, end: number): boolean {
  const i = overlapping(plain, start, end);
  if (i < 0) return false;
  const p = plain[i]!;
  return start <= p.start && p.end <= end && end - start > p.end - p.start;
}

/** Whether the part's own text spells this stretch with character references (HTML parts only). */
function encodedInSource(view: TextView, start: number, end: number): boolean {
  const map = view.segment.map;
  if (!map) return false;
  return view.segment.source.slice(map.start[start]!, map.end[end - 1]!).includes('&#');
}
