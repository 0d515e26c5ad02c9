import { ParleyError } from '../domain/errors.js';
import { partyIdRe } from '../domain/party.js';

/**
 * The one piece of state the policy needs: how many near-identical bodies a seller sent today. Adapters live
 * in storage/ (Redis, LMDB) and pass one contract suite (test/policy/duplicate-counter-contract.ts).
 */
export interface DuplicateCounter {
  /**
   * Records one message from the seller on that day with this fingerprint and returns how many messages,
   * this one included, share a band with it — the largest count over its bands.
   *
   * @param sellerId a party id (PARTY_ID_PATTERN: no braces, so it is safe inside a Redis hash tag)
   * @param day the sender's calendar day, YYYY-MM-DD; counts from earlier days may be forgotten
   * @param fingerprint band tokens separated by "." (see policy/fingerprint.ts): messages sharing a token at
   *   the same position are similar
   */
  countSimilar(sellerId: string, day: string, fingerprint: string): Promise<number>;
}

/** A few short hex bands; a party id (PARTY_ID_PATTERN); a calendar day. */
const FINGERPRINT = /^[0-9a-f]{1,16}(?:\.[0-9a-f]{1,16}){0,15}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Every adapter checks its arguments first: a malformed one is the caller's bug, to fail loudly rather than
 * store (a brace in a seller id would break the Redis hash tag).
 */
export function checkDuplicateArguments(sellerId: string, day: string, fingerprint: string): void {
  if (!partyIdRe.test(sellerId)) throw new ParleyError('internal', 'duplicate counter: malformed seller id');
  if (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new ParleyError('internal', `duplicate counter: malformed day "${day}"`);
  if (!FINGERPRINT.test(fingerprint)) throw new ParleyError('internal', 'duplicate counter: malformed fingerprint');
}
