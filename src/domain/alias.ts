import { createHash, createHmac } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lowercase, unpadded: safe in every mailbox and case-insensitive by construction. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** 26 base32 characters carry 130 bits: aliases cannot be guessed or enumerated. */
export const ALIAS_LENGTH = 26;
export const aliasLocalRe = /^[a-z2-7]{26}$/;

/** The pair id is public inside the admin API; it is a plain digest of the two party ids. */
export function pairIdFor(buyerId: string, sellerId: string): string {
  return base32(createHash('sha256').update(`pair\0${buyerId}\0${sellerId}`).digest()).slice(0, ALIAS_LENGTH);
}

/**
 * Aliases derive from the pair with a secret key, so they are unguessable yet reproducible; they are then
 * stored, so rotating the key never changes an existing alias.
 */
export function deriveAliases(aliasKey: Buffer, pairId: string): { buyerAlias: string; sellerAlias: string } {
  const derive = (side: string): string =>
    base32(createHmac('sha256', aliasKey).update(`alias\0${side}\0${pairId}`).digest()).slice(0, ALIAS_LENGTH);
  return { buyerAlias: derive('buyer'), sellerAlias: derive('seller') };
}
