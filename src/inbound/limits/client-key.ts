import { isIPv4, isIPv6 } from 'node:net';

/**
 * The unit every per-client limit counts: an IPv4 address, or the /64 an IPv6 address belongs to. One host (or
 * one customer of a provider) is handed a whole /64 and could otherwise take a fresh address per connection.
 * An IPv4-mapped IPv6 address (dual-stack listener) counts as its IPv4 address.
 */
export function clientKey(address: string): string {
  const bare = address.trim().toLowerCase().split('%')[0]!;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (isIPv4(bare)) return bare;
  if (isIPv6(bare)) return `${firstFourGroups(bare).join(':')}::/64`;
  // Not an IP (a Unix socket, say): nothing to aggregate, the address is its own key.
  return bare;
}

/** The network half of a valid IPv6 address, each group without leading zeros. */
function firstFourGroups(address: string): string[] {
  const [head, tail] = address.includes('::') ? (address.split('::') as [string, string]) : [address, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  // A trailing dotted IPv4 part stands for two groups, and always lies in the host half.
  const tailWidth = tailGroups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailWidth).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].slice(0, 4).map((g) => parseInt(g, 16).toString(16));
}
