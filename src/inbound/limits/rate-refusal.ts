import { errorCatalog, ParleyError } from '../../domain/errors.js';
import type { RateHit } from '../../storage/ports.js';

export type RateLimitCode = 'connection_rate_limited' | 'message_rate_limited' | 'party_rate_limited';

/**
 * The 451 for a refused rate hit, with the window's end as the retry hint ("…; try again in 37 seconds"):
 * a sender's queue that honours it retries once, when it will be let in, instead of hammering on.
 */
export function rateRefusal(code: RateLimitCode, hit: RateHit, detail: string): ParleyError {
  const seconds = hit.retryAfterSeconds;
  const text = errorCatalog[code].smtp.text.replace(/try again later$/, `try again in ${seconds} second${seconds === 1 ? '' : 's'}`);
  return new ParleyError(code, `${detail} (${hit.count} in the window)`, { smtpText: text });
}
