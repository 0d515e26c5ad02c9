import { createHmac, timingSafeEqual } from 'node:crypto';
import { base32 } from '../domain/alias.js';

/**
 * VERP envelope senders: `bounce+<queueId>.<expiry>.<mac>@<alias domain>`. Bounces come back to an address that
 * names the queued message, and the MAC means only addresses we issued are honoured: a forged bounce (backscatter
 * bait, or an attempt to make us send a DSN that reveals something) is refused.
 *
 * Everything is lowercase base32 so that MTAs which change case on the way back (some do) break nothing.
 */
const PREFIX = 'bounce+';
/** 7 base32 digits of seconds since epoch reach the year 3058. */
const EXPIRY_DIGITS = 7;
/** 100 bits of MAC: an online forger would need ~2^99 tries per message. */
const MAC_CHARS = 20;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const localRe = new RegExp(`^bounce\\+([a-z2-7]{16,26})\\.([a-z2-7]{${EXPIRY_DIGITS}})\\.([a-z2-7]{${MAC_CHARS}})$`);

/** `expiresAt` in ms since epoch, kept at second resolution (rounded up so it never expires early). */
export function encodeVerp(key: Buffer, domain: string, queueId: string, expiresAt: number): string {
  checkKey(key);
  if (!/^[a-z2-7]{16,26}$/.test(queueId)) throw new TypeError('VERP: queue id must be 16 to 26 lowercase base32 characters');
  const expiry = encodeExpiry(Math.ceil(expiresAt / 1000));
  const local = `${PREFIX}${queueId}.${expiry}.${mac(key, domain, queueId, expiry)}`;
  // RFC 5321 caps a local part at 64 octets; longer ones are refused by some MTAs and the bounce would be lost.
  if (local.length > 64) throw new TypeError('VERP: local part longer than 64 characters');
  return `${local}@${domain.toLowerCase()}`;
}

/** The queue id named by a VERP address we issued, or null (bad MAC, expired, wrong domain, malformed). */
export function decodeVerp(key: Buffer, domain: string, address: string, now: number): { queueId: string } | null {
  checkKey(key);
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0 || lower.slice(at + 1) !== domain.toLowerCase()) return null;
  const match = localRe.exec(lower.slice(0, at));
  if (!match) return null;
  const [, queueId, expiry, given] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(mac(key, domain, queueId, expiry));
  if (!timingSafeEqual(expected, Buffer.from(given))) return null;
  if (now > decodeExpiry(expiry) * 1000) return null;
  return { queueId };
}

/** A short or empty key would make the MAC forgeable; the configured secret is a 32-byte subkey. */
function checkKey(key: Buffer): void {
  if (key.length < 16) throw new TypeError('VERP: key must be at least 16 bytes');
}

function mac(key: Buffer, domain: string, queueId: string, expiry: string): string {
  const digest = createHmac('sha256', key).update(`verp\0v1\0${domain.toLowerCase()}\0${queueId}\0${expiry}`).digest();
  return base32(digest).slice(0, MAC_CHARS);
}

function encodeExpiry(seconds: number): string {
  let out = '';
  let n = Math.max(0, seconds);
  for (let i = 0; i < EXPIRY_DIGITS; i++) {
    out = ALPHABET[n % 32]! + out;
    n = Math.floor(n / 32);
  }
  return out;
}

function decodeExpiry(digits: string): number {
  let n = 0;
  for (const c of digits) n = n * 32 + ALPHABET.indexOf(c);
  return n;
}
