import { canonicalAddress } from '../domain/address.js';
import { ParleyError } from '../domain/errors.js';
import type { Conversation } from './forward-message.js';

/**
 * Only the pair's counterpart may write to an alias: the seller to the buyer alias, the buyer to the
 * seller alias, from one of their registered addresses. Decided inside the transaction (550 5.7.1),
 * never by a bounce afterwards, so refusals cannot become backscatter.
 */
export function authorizeSender(address: string, conversation: Conversation): void {
  const canonical = canonicalAddress(address);
  if (!canonical || !conversation.sender.emails.includes(canonical)) throw new ParleyError('sender_not_allowed');
}
