import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open as openLmdb } from 'lmdb';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CapCalendar } from '../../src/limits/cap-calendar.js';
import { isParleyError } from '../../src/domain/errors.js';
import { EmbeddedDuplicateCounter } from '../../src/storage/embedded/embedded-duplicate-counter.js';
import { connectRedis, type RedisClient } from '../../src/storage/redis/client.js';
import { RedisDuplicateCounter } from '../../src/storage/redis/redis-duplicate-counter.js';
import { redisUrl, tempDir, uniquePrefix } from '../helpers/env.js';
import { freePort } from '../helpers/redis-process.js';
import { duplicateCounterContract } from './duplicate-counter-contract.js';

function redisClient(prefix = uniquePrefix()): RedisClient {
  const redis = connectRedis({ url: redisUrl(), cluster: false, keyPrefix: prefix });
  onTestFinished(async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  return redis;
}

function lmdbRoot(dir = tempDir()) {
  const path = join(dir, 'store');
  mkdirSync(path, { recursive: true });
  const root = openLmdb({ path, maxDbs: 32, compression: false });
  onTestFinished(() => root.close());
  return root;
}

duplicateCounterContract('redis', async () => new RedisDuplicateCounter(redisClient()));
duplicateCounterContract('embedded (lmdb)', async () => new EmbeddedDuplicateCounter(lmdbRoot()));

describe('redis duplicate counter', () => {
  it('when a message is counted, then its counters sit in one hash-tagged key that expires two days after the day began', async () => {
    const prefix = uniquePrefix();
    const redis = redisClient(prefix);
    // Today by the real clock: Redis drops a key whose expiry has passed.
    const { day, startMs: startOfDay } = new CapCalendar('UTC').dayAt(Date.now());
    await new RedisDuplicateCounter(redis).countSimilar('seller-9', day, 'aaaa.bbbb');
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toEqual([`${prefix}{s:seller-9}:dup:${day}`]);
    const expireAt = await redis.expiretime(`{s:seller-9}:dup:${day}`);
    expect(expireAt).toBe((startOfDay + 2 * 86_400_000) / 1000);
  });

  it('when Redis is unreachable, then counting fails with store_unavailable', async () => {
    const port = await freePort();
    const redis = connectRedis({ url: `redis://127.0.0.1:${port}`, cluster: false, keyPrefix: 'x:' });
    onTestFinished(() => redis.disconnect());
    const err = await new RedisDuplicateCounter(redis).countSimilar('s', '2026-11-23', 'abcd').catch((e: unknown) => e);
    expect(isParleyError(err, 'store_unavailable')).toBe(true);
  });
});

describe('embedded duplicate counter', () => {
  it('when the database is reopened, then the day’s counts survive', async () => {
    const dir = tempDir();
    const first = lmdbRoot(dir);
    await new EmbeddedDuplicateCounter(first).countSimilar('seller-1', '2026-11-23', 'abcd.ef01');
    await first.close();
    const second = lmdbRoot(dir);
    expect(await new EmbeddedDuplicateCounter(second).countSimilar('seller-1', '2026-11-23', 'abcd.ef01')).toBe(2);
  });

  it('when a new day is counted, then counters older than two days before it are forgotten', async () => {
    const root = lmdbRoot();
    const counter = new EmbeddedDuplicateCounter(root);
    await counter.countSimilar('seller-1', '2026-11-01', 'abcd');
    await counter.countSimilar('seller-1', '2026-11-20', 'abcd');
    await counter.countSimilar('seller-1', '2026-11-23', 'abcd');
    const days = [...root.openDB<number, [string, string, string]>({ name: 'duplicate-bands' }).getKeys()].map((k) => k[0]);
    expect(days).toEqual(['2026-11-23']);
    expect(await counter.countSimilar('seller-1', '2026-11-23', 'abcd')).toBe(2);
  });
});
