import { checkDuplicateArguments, type DuplicateCounter } from '../../policy/duplicate-counter.js';
import { guard } from '../guard.js';
import type { RedisClient } from './client.js';
import { redisScript, type ScriptCall } from './redis-script.js';

/** Counters outlive the sender's day in every time zone (UTC−12 to +14) with slack for late mail: two days from its UTC start. */
const KEEP_SECONDS = 2 * 86_400;

/**
 * Near-duplicate counting in Redis: one hash per seller and day (hash tag {s:<sellerId>}), incremented and
 * read in one script so concurrent messages from one seller never miss each other.
 */
export class RedisDuplicateCounter implements DuplicateCounter {
  private readonly countScript: ScriptCall;

  constructor(redis: RedisClient) {
    this.countScript = redisScript(redis, 'count-similar.lua', 1);
  }

  countSimilar(sellerId: string, day: string, fingerprint: string): Promise<number> {
    return guard('countSimilar', async () => {
      checkDuplicateArguments(sellerId, day, fingerprint);
      const fields = fingerprint.split('.').map((band, i) => `${i}:${band}`);
      const expireAt = Date.parse(`${day}T00:00:00Z`) / 1000 + KEEP_SECONDS;
      return Number(await this.countScript(`{s:${sellerId}}:dup:${day}`, expireAt, ...fields));
    });
  }
}
