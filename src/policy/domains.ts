import { parse } from 'tldts';

/**
 * A host a mail or web client could reach: it ends in a public ICANN suffix and has a registrable name under it.
 * Keeps "order at 3 pm dot" or "readme.txt" from counting as addresses or links.
 */
export function isRealDomain(host: string): boolean {
  const info = parse(host, { allowPrivateDomains: false });
  return info.isIcann === true && info.domain !== null && !info.isIp;
}

/** Whether host is one of the domains or a subdomain of one (list entries lower-case, no leading dot). */
export function hostIn(host: string, domains: readonly string[]): boolean {
  const lower = host.toLowerCase();
  const h = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  return domains.some((d) => h === d || (h.length > d.length && h.endsWith(d) && h.charCodeAt(h.length - d.length - 1) === 0x2e));
}
