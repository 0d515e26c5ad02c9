import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { SIGNED_HEADERS } from '../domain/headers.js';
import { headerFields, relaxedBodyHash, relaxedHeader, valueOf } from './dkim-canonical.js';

/**
 * DKIM signer for the alias domain: relaxed/relaxed (RFC 6376), rsa-sha256 or ed25519-sha256 (RFC 8463).
 * Written here rather than borrowed: dkim-signer is unmaintained, RSA-only and slow, and mailauth's signer
 * parses the PEM key again for every message, which cost as much CPU as the RSA signature itself. The key is
 * parsed once, and every delivered message is verified with mailauth in the tests.
 */
export class DkimSigner {
  private readonly key: KeyObject;
  private readonly algorithm: 'rsa-sha256' | 'ed25519-sha256';

  constructor(
    private readonly domain: string,
    private readonly selector: string,
    privateKeyPem: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createPrivateKey(privateKeyPem);
    this.algorithm = this.key.asymmetricKeyType === 'ed25519' ? 'ed25519-sha256' : 'rsa-sha256';
  }

  /** The DKIM-Signature header field (with its CRLF) to put in front of the message. */
  async signature(message: Buffer): Promise<string> {
    const split = message.indexOf('\r\n\r\n');
    const headerBlock = message.toString('latin1', 0, split === -1 ? message.length : split + 2);
    const body = split === -1 ? Buffer.alloc(0) : message.subarray(split + 4);

    // Sign each listed header present, from the bottom instance up (§5.4.2); a name listed once more than it
    // occurs would also sign its absence, which stops anyone adding one later.
    const fields = headerFields(headerBlock);
    const signed: string[] = [];
    let canonical = '';
    for (const name of SIGNED_HEADERS) {
      const lower = name.toLowerCase();
      const field = fields.findLast((f) => f.name.toLowerCase() === lower);
      if (!field) continue;
      signed.push(lower);
      canonical += relaxedHeader(field.name, valueOf(field));
    }

    const tags = [
      'v=1',
      `a=${this.algorithm}`,
      'c=relaxed/relaxed',
      `d=${this.domain}`,
      `s=${this.selector}`,
      `t=${Math.floor(this.now() / 1000)}`,
      `h=${signed.join(':')}`,
      `bh=${relaxedBodyHash(body)}`,
      'b=',
    ];
    const unsigned = tags.join('; ');
    const data = Buffer.from(canonical + relaxedHeader('DKIM-Signature', unsigned).slice(0, -2), 'latin1');
    const b =
      this.algorithm === 'rsa-sha256'
        ? await signInPool('sha256', data, this.key)
        : await signInPool(null, createHash('sha256').update(data).digest(), this.key);
    return `DKIM-Signature: ${tags.slice(0, -1).join(';\r\n ')};\r\n b=${fold(b.toString('base64'))}\r\n`;
  }
}

/**
 * With a callback, crypto.sign runs in the thread pool: the RSA-2048 private-key operation (0.3 to 0.7 ms
 * here, the largest single cost of a small message) then leaves the event loop free for other connections.
 */
const signInPool = promisify((algorithm: string | null, data: Buffer, key: KeyObject, done: (err: Error | null, signature: Buffer) => void) =>
  sign(algorithm, data, key, done),
);

/** b= is long; folding it is allowed (verifiers drop whitespace in b=) and keeps lines far under 998. */
function fold(base64: string): string {
  return base64.match(/.{1,72}/g)!.join('\r\n ');
}
