import { describe, expect, it } from 'vitest';
import type { Pair } from '../../src/domain/pair.js';
import type { Order, StoredParty } from '../../src/storage/ports.js';
import type { StoreFactory } from '../helpers/stores.js';

const party = (id: string, over: Partial<StoredParty> = {}): StoredParty => ({
  id,
  role: 'seller',
  name: 'Shop',
  businessBuyer: false,
  emailsSealed: 'v1.sealed',
  emailHashes: ['h1', 'h2'],
  updatedAt: 1,
  ...over,
});

const pair = (id: string, suffix = 'a'): Pair => ({
  id,
  buyerId: `b-${id}`,
  sellerId: `s-${id}`,
  buyerAlias: `${id}buyer${suffix}`.padEnd(26, 'b').slice(0, 26),
  sellerAlias: `${id}seller${suffix}`.padEnd(26, 's').slice(0, 26),
  createdAt: 1000,
});

const order = (orderId: string, over: Partial<Order> = {}): Order => ({
  orderId,
  buyerId: 'b1',
  sellerId: 's1',
  placedAt: Date.UTC(2026, 10, 1),
  ...over,
});

/** The semantics every Store adapter must have; run against Redis, Redis Cluster and the embedded store. */
export function storeContract(name: string, open: StoreFactory): void {
  describe(`store contract: ${name}`, () => {
    it('when the store is up, then ping resolves', async () => {
      const store = await open();
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('when a party is stored, then it reads back equal and can be replaced', async () => {
      const store = await open();
      expect(await store.parties.getParty('p1')).toBeNull();
      await store.parties.putParty(party('p1'));
      expect(await store.parties.getParty('p1')).toEqual(party('p1'));
      await store.parties.putParty(party('p1', { name: 'Renamed', emailHashes: ['h3'] }));
      expect(await store.parties.getParty('p1')).toEqual(party('p1', { name: 'Renamed', emailHashes: ['h3'] }));
    });

    it('when a pair is created, then both aliases resolve to it with their side', async () => {
      const store = await open();
      const p = pair('pairone');
      expect(await store.pairs.createPair(p)).toEqual(p);
      expect(await store.pairs.getPair(p.id)).toEqual(p);
      expect(await store.pairs.findAlias(p.buyerAlias)).toEqual({ pair: p, side: 'buyer' });
      expect(await store.pairs.findAlias(p.sellerAlias)).toEqual({ pair: p, side: 'seller' });
      expect(await store.pairs.findAlias('unknownaliasunknownaliasx')).toBeNull();
      expect(await store.pairs.getPair('nosuchpair')).toBeNull();
    });

    it('when a pair already exists, then creating it again returns the stored aliases, not the new ones', async () => {
      const store = await open();
      const first = pair('pairtwo', 'a');
      await store.pairs.createPair(first);
      const again = await store.pairs.createPair(pair('pairtwo', 'z'));
      expect(again).toEqual(first);
      expect(await store.pairs.findAlias(pair('pairtwo', 'z').buyerAlias)).toBeNull();
    });

    it('when 100 creations of one pair race with different candidates, then exactly one set of aliases wins', async () => {
      const store = await open();
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.pairs.createPair(pair('racer', String(i)))));
      const winners = new Set(results.map((r) => `${r.buyerAlias}/${r.sellerAlias}`));
      expect(winners.size).toBe(1);
      const stored = await store.pairs.getPair('racer');
      expect(results[0]).toEqual(stored);
      expect((await store.pairs.findAlias(stored!.buyerAlias))?.pair).toEqual(stored);
    });

    it('when an order is recorded twice, then the second call reports it was not created and keeps the first', async () => {
      const store = await open();
      expect(await store.orders.recordOrder(order('o1'))).toEqual({ order: order('o1'), created: true });
      const second = await store.orders.recordOrder(order('o1', { buyerId: 'other' }));
      expect(second).toEqual({ order: order('o1'), created: false });
    });

    it('when 50 recordings of one order race, then exactly one creates it', async () => {
      const store = await open();
      const results = await Promise.all(Array.from({ length: 50 }, () => store.orders.recordOrder(order('race-order'))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
    });

    it('when a thread entry is remembered, then it is found by relay id and by original hash, and unknown ids are null', async () => {
      const store = await open();
      const entry = { relayId: 'rel1', side: 'seller' as const, originalHash: 'h-orig', originalSealed: 'v1.x' };
      await store.threads.remember('pair-a', entry, 3600);
      await store.threads.remember('pair-a', { relayId: 'rel2', side: 'buyer' }, 3600);
      expect(await store.threads.findByRelayIds('pair-a', ['rel1', 'nope', 'rel2'])).toEqual([entry, null, { relayId: 'rel2', side: 'buyer' }]);
      expect(await store.threads.findByOriginalHashes('pair-a', ['h-orig', 'h-none'])).toEqual([entry, null]);
      // Entries are scoped to their pair: another pair cannot use them to thread.
      expect(await store.threads.findByRelayIds('pair-b', ['rel1'])).toEqual([null]);
      expect(await store.threads.findByRelayIds('pair-a', [])).toEqual([]);
    });

    it('when a bounce record is stored, then it reads back until it expires', async () => {
      const store = await open();
      await store.bounces.putBounceRecord('q1', { notifySealed: 'v1.abc' }, 3600);
      expect(await store.bounces.getBounceRecord('q1')).toEqual({ notifySealed: 'v1.abc' });
      expect(await store.bounces.getBounceRecord('q2')).toBeNull();
    });
  });
}
