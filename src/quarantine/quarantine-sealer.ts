import { subkey } from '../crypto/keys.js';
import { ParleyError } from '../domain/errors.js';
import { seal, unseal } from '../outbound/sealed-file.js';

export type SealedPart = 'content' | 'raw';

/**
 * Seals what a quarantined message says (AES-256-GCM, the spool's format) under a subkey of its own, so a dump
 * of Redis or LMDB shows no address or content. The associated data names the message and the part: a blob
 * copied onto another record, or content swapped with raw, fails to open instead of showing the wrong mail.
 */
export class QuarantineSealer {
  private readonly key: Buffer;

  constructor(dataKey: string | Buffer) {
    this.key = subkey(dataKey, 'quarantine');
  }

  seal(part: SealedPart, id: string, plain: Buffer): Buffer {
    return seal(this.key, `quarantine:${part}:${id}`, plain);
  }

  open(part: SealedPart, id: string, sealed: Buffer): Buffer {
    try {
      return unseal(this.key, `quarantine:${part}:${id}`, sealed);
    } catch (err) {
      // Wrong key or tampering: an operator's problem, never shown to the caller as anything but internal.
      throw new ParleyError('internal', `quarantined ${part} of ${id} cannot be opened`, { cause: err });
    }
  }
}
