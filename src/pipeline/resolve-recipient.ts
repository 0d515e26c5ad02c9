import { ParleyError } from '../domain/errors.js';
import type { AliasResolution } from '../domain/pair.js';
import type { PairService } from '../directory/pair-service.js';

export type RecipientTarget =
  | { kind: 'alias'; alias: string; resolution: AliasResolution }
  | { kind: 'bounce'; queueId: string };

export interface ResolveDeps {
  pairs: PairService;
  /** Decodes a signed VERP address; null when it is not one of ours (forged, expired, malformed). */
  decodeBounce(address: string): { queueId: string } | null;
}

/**
 * RCPT TO: only our own aliases (and our signed bounce addresses) are accepted. The domain must be
 * exactly ours: routing tricks such as `%`, `!`, source routes, quoted local parts, trailing dots or
 * look-alike (IDN) domains are refused as relaying, so Parley can never be used as an open relay.
 */
export async function resolveRecipient(address: string, deps: ResolveDeps): Promise<RecipientTarget> {
  const at = address.lastIndexOf('@');
  const domain = at === -1 ? '' : address.slice(at + 1).toLowerCase();
  const local = at === -1 ? address : address.slice(0, at);
  if (domain !== deps.pairs.domain || /[%!@":,\s\\]/.test(local)) throw new ParleyError('relay_denied');

  if (/^bounce\+/i.test(local)) {
    const bounce = deps.decodeBounce(address);
    if (!bounce) throw new ParleyError('unknown_alias');
    return { kind: 'bounce', queueId: bounce.queueId };
  }
  const resolution = await deps.pairs.resolve(address);
  if (!resolution) throw new ParleyError('unknown_alias');
  const aliasLocal = resolution.owner.role === 'buyer' ? resolution.pair.buyerAlias : resolution.pair.sellerAlias;
  return { kind: 'alias', alias: deps.pairs.address(aliasLocal), resolution };
}
