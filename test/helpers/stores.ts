import { onTestFinished } from 'vitest';
import { EmbeddedStore } from '../../src/storage/embedded/embedded-store.js';
import type { Store } from '../../src/storage/ports.js';
import { connectRedis } from '../../src/storage/redis/client.js';
import { RedisStore } from '../../src/storage/redis/redis-store.js';
import { redisUrl, tempDir, uniquePrefix } from './env.js';

export type StoreFactory = () => Promise<Store>;

/** Each call gets its own key prefix: tests never see each other's data. */
export function redisStoreFactory(url: () => string = redisUrl, cluster = false): StoreFactory {
  return async () => {
    const store = new RedisStore(connectRedis({ url: url(), cluster, keyPrefix: uniquePrefix() }));
    onTestFinished(() => store.close());
    return store;
  };
}

export function embeddedStoreFactory(): StoreFactory {
  return async () => {
    const store = EmbeddedStore.open(tempDir());
    onTestFinished(() => store.close());
    return store;
  };
}
