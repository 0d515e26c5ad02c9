import type { Detector, ScanContext, TextHit, TextView } from './detector.js';

/**
 * The real addresses of the two parties, exactly as written (case aside): quoted replies and signatures carry
 * them, which is not a violation, so they are replaced by the matching alias. Disguised forms are not matched
 * here: the foreign-address detector reports those as evasion.
 */
export function knownAddressDetector(): Detector {
  return {
    id: 'known-address',
    inspectText(view: TextView, ctx: ScanContext): TextHit[] {
      if (ctx.knownAddresses.size === 0 || !view.raw.includes('@')) return [];
      const hits: TextHit[] = [];
      const lower = asciiLower(view.raw);
      for (const [address, alias] of ctx.knownAddresses) {
        for (let i = lower.indexOf(address); i >= 0; i = lower.indexOf(address, i + address.length)) {
          const end = i + address.length;
          // "xjohn@gmail.com" or "john@gmail.com.evil.net" are other addresses that merely contain this one.
          if (isAddressChar(lower.charCodeAt(i - 1)) || continuesDomain(lower, end)) continue;
          hits.push({ kind: 'address', start: i, end, replacement: alias });
        }
      }
      return hits;
    },
  };
}

/**
 * Lower case with the original's offsets. toLowerCase only ever lengthens (İ → i̇); when the length is unchanged
 * every unit stayed in place, otherwise fall back to lower-casing ASCII alone.
 */
function asciiLower(s: string): string {
  const fast = s.toLowerCase();
  if (fast.length === s.length) return fast;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      out += s.slice(from, i) + String.fromCharCode(c | 0x20);
      from = i + 1;
    }
  }
  return out + s.slice(from);
}

function isAddressChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x5f || c === 0x25 || c === 0x2b || c === 0x2d;
}

function continuesDomain(s: string, end: number): boolean {
  const c = s.charCodeAt(end);
  if (c === 0x2e) return isAddressChar(s.charCodeAt(end + 1)) && s.charCodeAt(end + 1) !== 0x2e;
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
}
