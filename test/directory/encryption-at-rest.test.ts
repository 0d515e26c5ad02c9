import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createDirectory } from '../../src/directory/services.js';
import { resolveSecrets } from '../../src/config/secrets.js';
import { openStore } from '../../src/storage/open-store.js';
import { testConfig } from '../helpers/env.js';

const secretAddresses = ['ceo.private@hidden-shop.example', 'jiwoo.kim@personal.example'];

async function populate(kind: 'embedded' | 'redis') {
  const config = testConfig({}, kind);
  const store = openStore(config);
  const d = createDirectory(config, resolveSecrets(config), store);
  await d.parties.put({ id: 'seller', role: 'seller', name: 'Shop', emails: [secretAddresses[0]!] });
  await d.parties.put({ id: 'buyer', role: 'buyer', name: 'Jiwoo', emails: [secretAddresses[1]!] });
  await d.orders.record({ orderId: 'o', buyerId: 'buyer', sellerId: 'seller', placedAt: 1 });
  expect((await d.parties.get('seller'))?.emails).toEqual([secretAddresses[0]]);
  return { config, store };
}

function assertNoAddress(dump: string): void {
  for (const address of secretAddresses) {
    for (const piece of [address, address.split('@')[0]!, address.split('@')[1]!]) {
      expect(dump.toLowerCase()).not.toContain(piece);
    }
  }
}

describe('real addresses at rest', () => {
  it('when the embedded store files are read raw, then no real address, local part or domain appears', async () => {
    const { config, store } = await populate('embedded');
    await store.close();
    const dir = join(config.dataDir, 'store');
    const dump = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    expect(dump).toContain('Shop');
    assertNoAddress(dump);
  });

  it('when every Redis key and value is dumped, then no real address, local part or domain appears', async () => {
    const { config, store } = await populate('redis');
    const prefix = config.redis.keyPrefix;
    const raw = new Redis(config.redis.url!);
    try {
      const keys = await raw.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThan(3);
      let dump = keys.join('\n');
      for (const key of keys) {
        const type = await raw.type(key);
        dump += type === 'string' ? await raw.get(key) : JSON.stringify(await raw.call('ZRANGE', key, '0', '-1'));
      }
      assertNoAddress(dump);
    } finally {
      raw.disconnect();
      await store.close();
    }
  });
});
