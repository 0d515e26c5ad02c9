import { isParleyError } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { RateCounter, RateHit } from '../../storage/ports.js';
import { rateRefusal, type RateLimitCode } from './rate-refusal.js';

export interface ClientRateSettings {
  rateWindowSeconds: number;
  /** Connections one client key may open per window. */
  connectionRatePerIp: number;
  /** Messages (MAIL FROM) one client key may start per window. */
  messageRatePerIp: number;
}

/**
 * Connection and message rates per client key, counted in the shared store so a client spreading its
 * connections over every node still meets one limit.
 */
export class ClientRates {
  constructor(
    private readonly rates: RateCounter,
    private readonly settings: ClientRateSettings,
    private readonly log: Logger,
  ) {}

  /** Before the greeting; throws connection_rate_limited (451 4.7.1 with a retry hint). */
  onConnection(client: string): Promise<void> {
    return this.count('connection_rate_limited', `conn:${client}`, this.settings.connectionRatePerIp, client);
  }

  /** At MAIL FROM, so a refused message costs neither recipient lookups nor DATA; throws message_rate_limited. */
  onMessage(client: string): Promise<void> {
    return this.count('message_rate_limited', `msg:${client}`, this.settings.messageRatePerIp, client);
  }

  private async count(code: RateLimitCode, key: string, limit: number, client: string): Promise<void> {
    const hit = await this.hitOrNull(key, limit);
    if (hit && !hit.allowed) {
      this.log.info({ client, limit: code, count: hit.count, retryAfter: hit.retryAfterSeconds }, 'client over rate limit');
      throw rateRefusal(code, hit, `${client} over ${limit} per ${this.settings.rateWindowSeconds} s`);
    }
  }

  /**
   * Fails open: during a store outage the RCPT stage answers 451 4.3.0 anyway, and refusing connections as
   * well would only hide that reply (and the outage) behind a rate-limit message.
   */
  private async hitOrNull(key: string, limit: number): Promise<RateHit | null> {
    try {
      return await this.rates.hit(key, this.settings.rateWindowSeconds, limit);
    } catch (err) {
      if (!isParleyError(err, 'store_unavailable')) throw err;
      this.log.warn({ err: err.message }, 'rate counter unavailable; not limiting');
      return null;
    }
  }
}
