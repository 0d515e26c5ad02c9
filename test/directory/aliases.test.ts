import { describe, expect, it } from 'vitest';
import { AddressCipher } from '../../src/crypto/address-cipher.js';
import { OrderService } from '../../src/directory/order-service.js';
import { PairService } from '../../src/directory/pair-service.js';
import { PartyService } from '../../src/directory/party-service.js';
import { subkey } from '../../src/crypto/keys.js';
import { EmbeddedStore } from '../../src/storage/embedded/embedded-store.js';
import type { Store } from '../../src/storage/ports.js';
import { tempDir, testSecrets } from '../helpers/env.js';
import { embeddedStoreFactory, redisStoreFactory, type StoreFactory } from '../helpers/stores.js';

const DOMAIN = 'relay.test';

function services(store: Store, aliasSecret = testSecrets.aliasKey) {
  const now = () => Date.UTC(2026, 10, 23);
  const parties = new PartyService(store.parties, new AddressCipher(testSecrets.dataKey), now);
  const pairs = new PairService(store.pairs, subkey(aliasSecret, 'alias'), DOMAIN, now);
  return { parties, pairs, orders: new OrderService(store.orders, parties, pairs) };
}

async function seed(s: ReturnType<typeof services>) {
  await s.parties.put({ id: 'seller-1', role: 'seller', name: 'Blue Kettle', emails: ['Owner@Shop.example', 'team@shop.example'] });
  await s.parties.put({ id: 'buyer-1', role: 'buyer', name: 'Jiwoo', emails: ['jiwoo@mail.example'] });
}

for (const [name, open] of [
  ['embedded', embeddedStoreFactory()],
  ['redis', redisStoreFactory()],
] as [string, StoreFactory][]) {
  describe(`pair aliases on ${name}`, () => {
    it('when an address is resolved, then case and +tag do not matter and the direction is right', async () => {
      const s = services(await open());
      await seed(s);
      const { pair } = await s.orders.record({ orderId: 'o1', buyerId: 'buyer-1', sellerId: 'seller-1', placedAt: 1 });
      const toBuyer = await s.pairs.resolve(`${pair.buyerAlias.toUpperCase()}+order-77@RELAY.test`);
      expect(toBuyer).toMatchObject({ owner: { id: 'buyer-1', role: 'buyer' }, counterpart: { id: 'seller-1' }, direction: 'seller_to_buyer' });
      const toSeller = await s.pairs.resolve(s.pairs.address(pair.sellerAlias));
      expect(toSeller).toMatchObject({ owner: { id: 'seller-1' }, counterpart: { id: 'buyer-1' }, direction: 'buyer_to_seller' });
    });

    it('when an address is unknown, foreign or malformed, then it resolves to nothing', async () => {
      const s = services(await open());
      await seed(s);
      const { pair } = await s.orders.record({ orderId: 'o1', buyerId: 'buyer-1', sellerId: 'seller-1', placedAt: 1 });
      for (const address of [
        `${'a'.repeat(26)}@${DOMAIN}`,
        `${pair.buyerAlias}@other.test`,
        `${pair.buyerAlias}@${DOMAIN}.`,
        `"${pair.buyerAlias}"@${DOMAIN}`,
        `${pair.buyerAlias}%other.test@${DOMAIN}`,
        `${pair.buyerAlias}x@${DOMAIN}`,
        `postmaster@${DOMAIN}`,
      ]) {
        expect(await s.pairs.resolve(address), address).toBeNull();
      }
    });

    it('when 100 orders for one new pair arrive concurrently, then they all get the same two aliases', async () => {
      const s = services(await open());
      await seed(s);
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => s.orders.record({ orderId: `o${i}`, buyerId: 'buyer-1', sellerId: 'seller-1', placedAt: i })),
      );
      expect(new Set(results.map((r) => `${r.pair.buyerAlias}/${r.pair.sellerAlias}`)).size).toBe(1);
    });

    it('when the alias key is rotated, then existing pairs keep their aliases and new pairs use the new key', async () => {
      const store = await open();
      const before = services(store);
      await seed(before);
      await before.parties.put({ id: 'seller-2', role: 'seller', name: 'Other', emails: ['o@other.example'] });
      const { pair } = await before.orders.record({ orderId: 'o1', buyerId: 'buyer-1', sellerId: 'seller-1', placedAt: 1 });

      const after = services(store, 'a-completely-different-alias-key-after-rotation');
      const again = await after.orders.record({ orderId: 'o2', buyerId: 'buyer-1', sellerId: 'seller-1', placedAt: 2 });
      expect(again.pair).toEqual(pair);
      const fresh = await after.orders.record({ orderId: 'o3', buyerId: 'buyer-1', sellerId: 'seller-2', placedAt: 3 });
      expect(fresh.pair.buyerAlias).not.toBe(pair.buyerAlias);
      expect((await after.pairs.resolve(after.pairs.address(pair.buyerAlias)))?.pair.id).toBe(pair.id);
    });

    it('when a sender is checked, then registered addresses match case-insensitively and others do not', async () => {
      const s = services(await open());
      await seed(s);
      expect(await s.parties.isRegistered('seller-1', 'TEAM@shop.example')).toBe(true);
      expect(await s.parties.isRegistered('seller-1', 'owner@shop.example')).toBe(true);
      expect(await s.parties.isRegistered('seller-1', 'jiwoo@mail.example')).toBe(false);
      expect(await s.parties.isRegistered('nobody', 'team@shop.example')).toBe(false);
    });
  });
}

describe('aliases across a restart', () => {
  it('when the embedded store is reopened, then the pair resolves to the same aliases', async () => {
    const dir = tempDir();
    const first = EmbeddedStore.open(dir);
    const s1 = services(first);
    await seed(s1);
    const { pair } = await s1.orders.record({ orderId: 'o1', buyerId: 'buyer-1', sellerId: 'seller-1', placedAt: 1 });
    await first.close();
    const second = EmbeddedStore.open(dir);
    try {
      const s2 = services(second);
      expect(await s2.pairs.find('buyer-1', 'seller-1')).toEqual(pair);
      expect((await s2.pairs.resolve(s2.pairs.address(pair.sellerAlias)))?.owner.id).toBe('seller-1');
    } finally {
      await second.close();
    }
  });
});
