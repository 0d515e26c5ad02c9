import { describe, expect, it } from 'vitest';
import { EmbeddedRateCounter } from '../../src/storage/embedded/embedded-rate-counter.js';
import { EmbeddedStore } from '../../src/storage/embedded/embedded-store.js';
import { keys } from '../../src/storage/redis/keys.js';
import type { RedisStore } from '../../src/storage/redis/redis-store.js';
import { tempDir } from '../helpers/env.js';
import { redisStoreFactory } from '../helpers/stores.js';

describe('rate counter expiry', () => {
  it('when a Redis window is opened, then its key expires by itself with the window', async () => {
    const store = (await redisStoreFactory()()) as unknown as RedisStore;
    await store.rates.hit('conn:192.0.2.1', 90, 5);
    await store.rates.hit('conn:192.0.2.1', 90, 5);
    const ttl = await store.redis.pttl(keys.rate('conn:192.0.2.1'));
    expect(ttl).toBeGreaterThan(80_000);
    expect(ttl).toBeLessThanOrEqual(90_000);
    expect(await store.redis.get(keys.rate('conn:192.0.2.1'))).toBe('2');
  });

  it('when LMDB windows have ended, then later hits remove them, a batch at a time, and keep live ones', async () => {
    const store = EmbeddedStore.open(tempDir());
    try {
      let clock = Date.UTC(2026, 10, 23, 12);
      const rates = new EmbeddedRateCounter(store.root, () => clock);
      const windows = store.root.openDB<{ count: number; resetAt: number }, string>({ name: 'rate-windows', encoding: 'json' });
      const expiries = store.root.openDB<number, [number, string]>({ name: 'rate-expiries' });
      for (let i = 0; i < 100; i++) await rates.hit(`old:${i}`, 60, 10);
      await rates.hit('live', 3600, 10);
      expect(windows.getKeysCount()).toBe(101);

      clock += 61_000;
      await rates.hit('new', 60, 10);
      // 64 ended windows go per hit; the rest go with the next hits.
      expect(windows.getKeysCount()).toBe(101 - 64 + 1);
      await rates.hit('new', 60, 10);
      expect([...windows.getKeys()].sort()).toEqual(['live', 'new']);
      expect(expiries.getKeysCount()).toBe(2);
      expect(await rates.hit('old:1', 60, 10)).toMatchObject({ allowed: true, count: 1, retryAfterSeconds: 60 });
    } finally {
      await store.close();
    }
  });
});
