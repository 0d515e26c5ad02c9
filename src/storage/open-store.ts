import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { EmbeddedStore } from './embedded/embedded-store.js';
import type { Store } from './ports.js';
import { connectRedis } from './redis/client.js';
import { RedisStore } from './redis/redis-store.js';

/** Redis when a URL is configured (shared by many nodes), otherwise the embedded single-node store. */
export function openStore(config: Config, logger?: Logger): Store {
  if (config.redis.url) {
    return new RedisStore(
      connectRedis({
        url: config.redis.url,
        cluster: config.redis.cluster,
        keyPrefix: config.redis.keyPrefix,
        onError: (err) => logger?.warn({ err: err.message }, 'redis connection problem'),
      }),
    );
  }
  return EmbeddedStore.open(config.dataDir);
}
