/** Minimal, strict address handling for registered real addresses and alias lookups. */

export interface SplitAddress {
  local: string;
  domain: string;
}

/**
 * Splits a plain addr-spec. Anything exotic (quoted local parts, source routes, `%`/`!` routing,
 * trailing dots, whitespace) is refused: a relay that guesses at odd addresses can be made to relay.
 */
export function splitAddress(address: string): SplitAddress | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (!/^[A-Za-z0-9!#$&'*+/=?^_`{|}~.-]{1,64}$/.test(local) || /[%!]/.test(local)) return null;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(domain)) return null;
  return { local, domain };
}

/** The canonical form used for lookups and hashes: mailbox providers treat local parts case-insensitively. */
export function canonicalAddress(address: string): string | null {
  const parts = splitAddress(address.trim());
  return parts ? `${parts.local.toLowerCase()}@${parts.domain}` : null;
}
