import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

export interface RedisConnectOptions {
  url: string;
  cluster: boolean;
  keyPrefix: string;
  /** Connection errors also surface as failed commands; this only reports them (throttled by the caller). */
  onError?: (err: Error) => void;
}

/**
 * Commands fail within a couple of seconds when Redis is away, instead of queueing forever:
 * an SMTP client waiting on us should get a 451 it can retry, not a hung connection.
 */
const common: RedisOptions = {
  // Commands issued in the same tick (many concurrent transactions) go out in one write and one round trip.
  enableAutoPipelining: true,
  maxRetriesPerRequest: 1,
  commandTimeout: 2_000,
  connectTimeout: 2_000,
  retryStrategy: (times) => Math.min(times * 100, 1_000),
};

export function connectRedis(options: RedisConnectOptions): RedisClient {
  const client = create(options);
  // Without a listener ioredis prints every reconnect failure to stderr as "unhandled".
  let last = 0;
  client.on('error', (err: Error) => {
    if (Date.now() - last < 5_000) return;
    last = Date.now();
    options.onError?.(err);
  });
  return client;
}

function create(options: RedisConnectOptions): RedisClient {
  if (options.cluster) {
    const nodes = options.url.split(',').map((part) => {
      const u = new URL(part.includes('://') ? part : `redis://${part}`);
      return { host: u.hostname, port: Number(u.port || 6379) };
    });
    return new Cluster(nodes, {
      keyPrefix: options.keyPrefix,
      enableAutoPipelining: true,
      redisOptions: common,
      clusterRetryStrategy: (times) => Math.min(times * 100, 1_000),
    });
  }
  return new Redis(options.url, { ...common, keyPrefix: options.keyPrefix });
}
