import { describe, expect, it } from 'vitest';
import { EmbeddedCapStore } from '../../src/storage/embedded/embedded-cap-store.js';
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

describe('embedded cap expiry', () => {
  const record = (day: string, cap = 600) => ({ day, cap, averageDailyOrders: 0, windowDays: 30, computedAt: 1 });

  it('when a day outlives its lifetime, then it reads as absent, and fixing a later day purges it with its holders', async () => {
    const store = EmbeddedStore.open(tempDir());
    try {
      let clock = Date.UTC(2026, 10, 23, 12);
      const caps = new EmbeddedCapStore(store.root, () => clock);
      const holders = store.root.openDB<number, [string, string, string]>({ name: 'cap-holders' });
      await caps.getOrSetCap('s1', record('2026-11-23'), 60);
      await caps.getOrSetCap('s10', record('2026-11-23'), 60);
      await caps.consume('s1', '2026-11-23', 'm1', 60);
      await caps.consume('s10', '2026-11-23', 'm1', 60);

      clock += 61_000;
      expect(await caps.usage('s1', '2026-11-23')).toEqual({ record: null, used: 0 });
      expect((await caps.consume('s1', '2026-11-23', 'm2', 60)).outcome).toBe('no_cap');
      expect(await caps.release('s1', '2026-11-23', 'm1')).toEqual({ released: false, used: 0 });

      await caps.getOrSetCap('s1', record('2026-11-24'), 60);
      expect([...holders.getKeys()]).toEqual([['s10', '2026-11-23', 'm1']]);
    } finally {
      await store.close();
    }
  });

  it('when the clock goes back and an expired day is fixed again, then its old holders no longer count', async () => {
    const store = EmbeddedStore.open(tempDir());
    try {
      let clock = Date.UTC(2026, 10, 23, 12);
      const caps = new EmbeddedCapStore(store.root, () => clock);
      await caps.getOrSetCap('s1', record('2026-11-23', 1), 60);
      await caps.consume('s1', '2026-11-23', 'm1', 60);
      clock += 61_000;
      expect((await caps.getOrSetCap('s1', record('2026-11-23', 1), 60)).created).toBe(true);
      expect(await caps.consume('s1', '2026-11-23', 'm1', 60)).toEqual({ outcome: 'consumed', used: 1, cap: 1 });
    } finally {
      await store.close();
    }
  });

  it('when the store is reopened, then the day\'s cap and units survive', async () => {
    const dir = tempDir();
    const first = EmbeddedStore.open(dir);
    await first.caps.getOrSetCap('s1', record('2026-11-23', 1), 3600);
    await first.caps.consume('s1', '2026-11-23', 'm1', 3600);
    await first.close();
    const second = EmbeddedStore.open(dir);
    try {
      expect(await second.caps.usage('s1', '2026-11-23')).toEqual({ record: record('2026-11-23', 1), used: 1 });
      expect((await second.caps.consume('s1', '2026-11-23', 'm2', 3600)).outcome).toBe('full');
    } finally {
      await second.close();
    }
  });
});
