import type { RateCounter } from '../../storage/ports.js';
import { rateRefusal } from './rate-refusal.js';

export interface PartyRateSettings {
  /** Messages one sending party may send per window. */
  messageRatePerParty: number;
  partyRateWindowSeconds: number;
}

/**
 * The per-party message rate: bounds a burst from one buyer or seller (a hijacked account), which the daily cap
 * only bounds per day. The sending party is known only once the pipeline has resolved the alias, so the pipeline
 * calls check() once per transaction, before the daily cap takes a unit (a refused message then holds none).
 */
export class PartyRateLimit {
  constructor(
    private readonly rates: RateCounter,
    private readonly settings: PartyRateSettings,
  ) {}

  /** Counts one message of the party; throws party_rate_limited (451 4.7.1, with a retry hint) beyond the rate. */
  async check(partyId: string): Promise<void> {
    const { messageRatePerParty, partyRateWindowSeconds } = this.settings;
    const hit = await this.rates.hit(`party:${partyId}`, partyRateWindowSeconds, messageRatePerParty);
    if (!hit.allowed) throw rateRefusal('party_rate_limited', hit, `party ${partyId} over ${messageRatePerParty} messages per ${partyRateWindowSeconds} s`);
  }
}
