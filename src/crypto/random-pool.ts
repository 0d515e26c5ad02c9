import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * Cryptographically random bytes for ids and IVs, drawn from a pool refilled 4 KB at a time. Each message needs
 * half a dozen such values, and one call into the system's random source per value showed up as a few percent
 * of the relay's CPU. Every byte is handed out once; a pool is never rewritten, only replaced, so a returned
 * view stays valid.
 */
export function randomPooled(size: number): Buffer {
  if (size > POOL_BYTES / 4) return randomBytes(size);
  if (offset + size > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + size);
  offset += size;
  return bytes;
}
