import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { randomPooled } from './random-pool.js';
import { subkey } from './keys.js';

/**
 * Seals real addresses for storage (AES-256-GCM) and gives the keyed hash used to look them up,
 * so a dump of the store reveals no address.
 */
export class AddressCipher {
  private readonly encKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(dataKey: string) {
    this.encKey = subkey(dataKey, 'address-encryption');
    this.indexKey = subkey(dataKey, 'address-index');
  }

  seal(plain: string): string {
    const iv = randomPooled(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || !iv || body === undefined || !tag) throw new Error('unrecognised sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Hash of a canonical address (see canonicalAddress); keyed so it cannot be reversed by a dictionary. */
  hash(canonical: string): string {
    return createHmac('sha256', this.indexKey).update(canonical).digest('base64url');
  }
}
