import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../src/domain/errors.js';
import { connectRedis } from '../../src/storage/redis/client.js';
import { RedisStore } from '../../src/storage/redis/redis-store.js';
import { freePort } from '../helpers/redis-process.js';
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
