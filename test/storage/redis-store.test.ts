import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../src/domain/errors.js';
import { connectRedis } from '../../src/storage/redis/client.js';
import { keys } from '../../src/storage/redis/keys.js';
import { RedisStore } from '../../src/storage/redis/redis-store.js';
import { tempDir } from '../helpers/env.js';
import { freePort, ownRedis } from '../helpers/redis-process.js';
import { redisStoreFactory } from '../helpers/stores.js';
import { storeContract } from './store-contract.js';

storeContract('redis', redisStoreFactory());

describe('redis store outage', () => {
  it('when Redis is unreachable, then operations fail fast with store_unavailable', async () => {
    const port = await freePort();
    const store = new RedisStore(connectRedis({ url: `redis://127.0.0.1:${port}`, cluster: false, keyPrefix: 'x:' }));
    try {
      const err = await store.parties.getParty('p').catch((e: unknown) => e);
      expect(isParleyError(err, 'store_unavailable')).toBe(true);
      await expect(store.ping()).rejects.toThrow(/store ping failed/);
    } finally {
      store.redis.disconnect();
    }
  });
});

describe('redis cap keys', () => {
  it('when a day is fixed and a unit consumed, then both keys expire by themselves within the given lifetime', async () => {
    const store = (await redisStoreFactory()()) as RedisStore;
    const record = { day: '2026-11-23', cap: 600, averageDailyOrders: 0, windowDays: 30, computedAt: 1 };
    await store.caps.getOrSetCap('s1', record, 3600);
    await store.caps.consume('s1', '2026-11-23', 'm1', 7200);
    const recordTtl = await store.redis.pttl(keys.capRecord('s1', '2026-11-23'));
    const holdersTtl = await store.redis.pttl(keys.capHolders('s1', '2026-11-23'));
    expect(recordTtl).toBeGreaterThan(0);
    expect(recordTtl).toBeLessThanOrEqual(3_600_000);
    expect(holdersTtl).toBeGreaterThan(3_600_000);
    expect(holdersTtl).toBeLessThanOrEqual(7_200_000);
  });
});

describe('redis scripts', () => {
  it('when Redis restarts and has forgotten its scripts, then script-backed operations still run them', async () => {
    // A server of the test's own: a restart (and its empty script cache) must not touch other runs' Redis.
    const redis = await ownRedis(tempDir());
    const store = new RedisStore(connectRedis({ url: redis.url, cluster: false, keyPrefix: 'scripts:' }));
    try {
      expect((await store.rates.hit('restarted', 60, 10)).count).toBe(1);
      await redis.stop();
      await redis.start();
      // EVALSHA answers NOSCRIPT now; the call runs the script with EVAL instead, which caches it again.
      expect((await store.rates.hit('restarted', 60, 10)).count).toBe(2);
      expect(await store.redis.script('EXISTS', createHash('sha1').update(readFileSync(new URL('../../src/storage/redis/lua/rate-hit.lua', import.meta.url), 'utf8')).digest('hex'))).toEqual([1]);
      expect((await store.rates.hit('restarted', 60, 10)).count).toBe(3);
    } finally {
      store.redis.disconnect();
      await redis.stop();
    }
  });
});
