import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { EmbeddedStore } from '../../src/storage/embedded/embedded-store.js';
import type { Store } from '../../src/storage/ports.js';
import { RedisStore } from '../../src/storage/redis/redis-store.js';

/**
 * Everything a store holds, keys and values, as one latin1 string: what someone who copies the Redis memory or
 * the LMDB files would see. Used to prove that sealed data does not appear in clear.
 */
export async function dumpStore(store: Store): Promise<string> {
  if (store instanceof EmbeddedStore) return dumpLmdb(store);
  if (store instanceof RedisStore) return dumpRedis(store);
  throw new Error(`cannot dump a ${store.kind} store`);
}

function dumpLmdb(store: EmbeddedStore): string {
  // lmdb-js keeps the directory it opened on the root; its typings do not declare it.
  const dir = (store.root as unknown as { path: string }).path;
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('');
}

async function dumpRedis(store: RedisStore): Promise<string> {
  const client = store.redis;
  const prefix = client.options.keyPrefix ?? '';
  // Plain connections to every master: the store's own client would prefix the keys KEYS gives back.
  const nodes =
    client instanceof Cluster
      ? client.nodes('master').map((n) => new Redis({ host: n.options.host, port: n.options.port }))
      : [new Redis({ host: client.options.host, port: client.options.port, db: client.options.db })];
  let dump = '';
  try {
    for (const node of nodes) {
      for (const key of await node.keys(`${prefix}*`)) {
        dump += `\n${key} `;
        const type = await node.type(key);
        if (type === 'string') dump += ((await node.getBuffer(key)) ?? Buffer.alloc(0)).toString('latin1');
        else if (type === 'hash') dump += Object.values(await node.hgetallBuffer(key)).map((v) => v.toString('latin1')).join(' ');
        else if (type === 'zset') dump += (await node.zrange(key, '0', '-1')).join(' ');
        else if (type === 'set') dump += (await node.smembers(key)).join(' ');
        else if (type === 'stream') dump += JSON.stringify(await node.xrange(key, '-', '+'));
        else if (type === 'list') dump += (await node.lrange(key, 0, -1)).join(' ');
        else throw new Error(`dump does not know Redis type ${type} (${key})`);
      }
    }
  } finally {
    for (const node of nodes) node.disconnect();
  }
  return dump;
}
