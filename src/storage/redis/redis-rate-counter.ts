import { guard } from '../guard.js';
import type { RateCounter, RateHit } from '../ports.js';
import type { RedisClient } from './client.js';
import { redisScript, type ScriptCall } from './redis-script.js';
import { keys } from './keys.js';

/** Fixed-window counters in Redis: one key per counted thing, counted and judged by rate-hit.lua. */
export class RedisRateCounter implements RateCounter {
  private readonly hitScript: ScriptCall;

  constructor(redis: RedisClient) {
    this.hitScript = redisScript(redis, 'rate-hit.lua', 1);
  }

  hit(key: string, windowSeconds: number, limit: number): Promise<RateHit> {
    return guard('rateHit', async () => {
      const [allowed, count, ttl] = (await this.hitScript(keys.rate(key), windowSeconds * 1000, limit)) as [number, number, number];
      return { allowed: allowed === 1, count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
    });
  }
}
