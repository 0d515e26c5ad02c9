import { describe, expect, it } from 'vitest';
import { AddressCipher } from '../../src/crypto/address-cipher.js';
import { subkey } from '../../src/crypto/keys.js';
import { OrderService } from '../../src/directory/order-service.js';
import { PairService } from '../../src/directory/pair-service.js';
import { PARTY_CACHE_MS, PartyService } from '../../src/directory/party-service.js';
import type { Store } from '../../src/storage/ports.js';
import { testSecrets } from '../helpers/env.js';
import { redisStoreFactory } from '../helpers/stores.js';

/** Two nodes on one store, each with its own services (and caches), and a clock the test moves. */
function node(store: Store, clock: { t: number }) {
  const now = () => clock.t;
  const parties = new PartyService(store.parties, new AddressCipher(testSecrets.dataKey), now, PARTY_CACHE_MS);
  const pairs = new PairService(store.pairs, subkey(testSecrets.aliasKey, 'alias'), 'relay.test', now);
  return { parties, pairs, orders: new OrderService(store.orders, parties, pairs) };
}

describe('relay-side caches', () => {
  it('when a party changes on another node, then this node relays with it within the cache time, at once for its own changes, and the API always shows it', async () => {
    const store = await redisStoreFactory()();
    const clock = { t: Date.UTC(2026, 10, 23) };
    const a = node(store, clock);
    const b = node(store, clock);
    const relayView = async (n: ReturnType<typeof node>) => (await n.parties.require('seller-1', 'seller', 'sender')).emails;
    await a.parties.put({ id: 'seller-1', role: 'seller', name: 'Blue Kettle', emails: ['owner@shop.example'] });
    expect(await relayView(b)).toEqual(['owner@shop.example']);

    await a.parties.put({ id: 'seller-1', role: 'seller', name: 'Blue Kettle', emails: ['new@shop.example'] });
    expect(await relayView(a)).toEqual(['new@shop.example']);
    // b relays with its copy, at most PARTY_CACHE_MS old; what the API shows is always the stored party.
    expect(await relayView(b)).toEqual(['owner@shop.example']);
    expect((await b.parties.get('seller-1'))?.emails).toEqual(['new@shop.example']);
    clock.t += PARTY_CACHE_MS + 1;
    expect(await relayView(b)).toEqual(['new@shop.example']);
  });

  it('when an alias is unknown and its pair is made afterwards on another node, then this node resolves it', async () => {
    const store = await redisStoreFactory()();
    const clock = { t: Date.UTC(2026, 10, 23) };
    const a = node(store, clock);
    const b = node(store, clock);
    await a.parties.put({ id: 'seller-1', role: 'seller', name: 'Blue Kettle', emails: ['owner@shop.example'] });
    await a.parties.put({ id: 'buyer-1', role: 'buyer', name: 'Jiwoo', emails: ['jiwoo@mail.example'] });
    const alias = `${'a'.repeat(26)}@relay.test`;
    expect(await b.pairs.resolve(alias)).toBeNull();
    const { pair } = await a.orders.record({ orderId: 'o1', buyerId: 'buyer-1', sellerId: 'seller-1', placedAt: 1 });
    const address = b.pairs.address(pair.sellerAlias);
    // A miss is never remembered, so the new alias resolves on b at once; the hit is then served from b's copy.
    expect(await b.pairs.resolve(address)).toMatchObject({ owner: { id: 'seller-1' }, direction: 'buyer_to_seller' });
    await store.close();
    expect(await b.pairs.resolve(address)).toMatchObject({ owner: { id: 'seller-1' }, direction: 'buyer_to_seller' });
  });
});
