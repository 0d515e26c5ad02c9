import { ParleyError } from '../domain/errors.js';
import type { AliasResolution } from '../domain/pair.js';
import type { PartyService } from '../directory/party-service.js';

/**
 * Only the pair's counterpart may write to an alias: the seller to the buyer alias, the buyer to the
 * seller alias, from one of their registered addresses. Decided inside the transaction (550 5.7.1),
 * never by a bounce afterwards, so refusals cannot become backscatter.
 */
export async function authorizeSender(address: string, resolution: AliasResolution, parties: PartyService): Promise<void> {
  if (!(await parties.isRegistered(resolution.counterpart.id, address))) throw new ParleyError('sender_not_allowed');
}
