import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../src/storage/embedded/embedded-store.js';
import { tempDir } from '../helpers/env.js';
import { embeddedStoreFactory } from '../helpers/stores.js';
import { storeContract } from './store-contract.js';

storeContract('embedded (lmdb)', embeddedStoreFactory());

describe('embedded store durability', () => {
  it('when the store is closed and reopened, then parties, pairs and orders survive', async () => {
    const dir = tempDir();
    const first = EmbeddedStore.open(dir);
    const pair = { id: 'durable', buyerId: 'b', sellerId: 's', buyerAlias: 'a'.repeat(26), sellerAlias: 'b'.repeat(26), createdAt: 5 };
    await first.pairs.createPair(pair);
    await first.orders.recordOrder({ orderId: 'o', buyerId: 'b', sellerId: 's', placedAt: 1 });
    await first.close();

    const second = EmbeddedStore.open(dir);
    try {
      expect(await second.pairs.findAlias('a'.repeat(26))).toEqual({ pair, side: 'buyer' });
      expect((await second.orders.recordOrder({ orderId: 'o', buyerId: 'b', sellerId: 's', placedAt: 1 })).created).toBe(false);
    } finally {
      await second.close();
    }
  });
});
