import { hkdfSync } from 'node:crypto';

/**
 * Each purpose gets its own subkey, so a key leaked or misused in one role (say, lookup hashes)
 * tells nothing about another (encryption).
 */
export function subkey(secret: string | Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'parley', purpose, 32));
}
