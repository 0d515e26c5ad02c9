import { createPrivateKey } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { SIGNED_HEADERS } from '../domain/headers.js';

/**
 * DKIM signer for the alias domain. mailauth's signer (rsa and ed25519, streaming, maintained) is used
 * instead of dkim-signer (unmaintained, RSA only, no streaming, ~10x slower). The key is parsed once.
 */
export class DkimSigner {
  private readonly pem: string;
  private readonly algorithm: string;

  constructor(
    private readonly domain: string,
    private readonly selector: string,
    privateKeyPem: string,
  ) {
    // Parsing here makes a bad key fail at start-up, not on the first message.
    const key = createPrivateKey(privateKeyPem);
    this.algorithm = key.asymmetricKeyType === 'ed25519' ? 'ed25519-sha256' : 'rsa-sha256';
    this.pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  /** Returns the DKIM-Signature header (with trailing CRLF) for the message. */
  async signature(message: Buffer): Promise<string> {
    // mailauth's typings describe a flat options object; at run time it reads signatureData[].
    const result = await dkimSign(message, {
      canonicalization: 'relaxed/relaxed',
      algorithm: this.algorithm,
      headerList: SIGNED_HEADERS,
      signatureData: [{ signingDomain: this.domain, selector: this.selector, privateKey: this.pem }],
    } as never);
    if (result.errors.length > 0) throw new Error(`DKIM signing failed: ${result.errors.map((e) => e.message).join('; ')}`);
    if (!result.signatures) throw new Error('DKIM signing produced no signature');
    return result.signatures;
  }
}
