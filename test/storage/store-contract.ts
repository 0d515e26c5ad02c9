import { describe, expect, it } from 'vitest';
import type { Pair } from '../../src/domain/pair.js';
import type { DailyCapRecord, Order, Store, StoredParty } from '../../src/storage/ports.js';
import type { StoreFactory } from '../helpers/stores.js';
import { auditContract } from './audit-contract.js';
import { quarantineContract } from './quarantine-contract.js';

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

const capRecord = (cap: number, day = '2026-11-23', over: Partial<DailyCapRecord> = {}): DailyCapRecord => ({
  day,
  cap,
  averageDailyOrders: (cap - 600) / 5,
  windowDays: 30,
  computedAt: Date.UTC(2026, 10, 23, 0, 0, 1),
  ...over,
});

const DAY_TTL = 3 * 86_400;
const DAY = '2026-11-23';
/** Lease instants are the caller's clock, so a test moves time by passing a later `now`; no waiting. */
const T0 = Date.UTC(2026, 10, 23, 10);
const lease = (atMs: number, forMs: number) => ({ now: T0 + atMs, until: T0 + atMs + forMs });

async function consumeMany(store: Store, sellerId: string, day: string, ids: string[]) {
  return Promise.all(ids.map((id) => store.caps.consume(sellerId, day, id, DAY_TTL)));
}

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

    it('when orders are counted, then only the seller\'s orders with since <= placedAt < until count', async () => {
      const store = await open();
      const at = (d: number, h = 12) => Date.UTC(2026, 10, d, h);
      for (const [id, seller, placedAt] of [
        ['c1', 's1', at(1, 0)],
        ['c2', 's1', at(5)],
        ['c3', 's1', at(5)],
        ['c4', 's1', at(10, 0)],
        ['c5', 's10', at(5)],
        ['c6', 's', at(5)],
      ] as const) {
        await store.orders.recordOrder(order(id, { sellerId: seller, placedAt }));
      }
      // Half-open: an order exactly at `since` counts, one exactly at `until` belongs to the next window.
      expect(await store.orders.countSellerOrders('s1', at(1, 0), at(10, 0))).toBe(3);
      expect(await store.orders.countSellerOrders('s1', at(1, 1), at(10, 1))).toBe(3);
      expect(await store.orders.countSellerOrders('s1', at(11), at(20))).toBe(0);
      // Sellers whose ids share a prefix stay apart.
      expect(await store.orders.countSellerOrders('s10', 0, at(30))).toBe(1);
      expect(await store.orders.countSellerOrders('nobody', 0, at(30))).toBe(0);
    });

    it('when the first order of a seller is asked, then it is the earliest placedAt, or null without orders', async () => {
      const store = await open();
      expect(await store.orders.firstSellerOrderAt('s1')).toBeNull();
      await store.orders.recordOrder(order('f2', { placedAt: 2_000 }));
      await store.orders.recordOrder(order('f1', { placedAt: 1_000 }));
      await store.orders.recordOrder(order('f0', { sellerId: 's0', placedAt: 5 }));
      expect(await store.orders.firstSellerOrderAt('s1')).toBe(1_000);
      expect(await store.orders.firstSellerOrderAt('s10')).toBeNull();
    });

    it('when a day has no cap yet, then consume answers no_cap and takes nothing', async () => {
      const store = await open();
      expect(await store.caps.consume('s1', '2026-11-23', 'm1', DAY_TTL)).toEqual({ outcome: 'no_cap', used: 0, cap: 0 });
      expect(await store.caps.usage('s1', '2026-11-23')).toEqual({ record: null, used: 0 });
    });

    it('when 30 callers race to fix one day\'s cap, then the first record wins and every caller gets it back', async () => {
      const store = await open();
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => store.caps.getOrSetCap('s1', capRecord(600 + i), DAY_TTL)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.find((r) => r.created)!.record;
      for (const r of results) expect(r.record).toEqual(winner);
      expect((await store.caps.usage('s1', '2026-11-23')).record).toEqual(winner);
      // Another seller and another day are untouched.
      expect((await store.caps.usage('s2', '2026-11-23')).record).toBeNull();
      expect((await store.caps.usage('s1', '2026-11-24')).record).toBeNull();
    });

    it('when a cap record is stored, then every field reads back exactly, fractions included', async () => {
      const store = await open();
      const record = capRecord(601, '2026-11-23', { averageDailyOrders: 7 / 30, windowDays: 30 });
      expect(await store.caps.getOrSetCap('s1', record, DAY_TTL)).toEqual({ record, created: true });
      expect(await store.caps.usage('s1', record.day)).toEqual({ record, used: 0 });
    });

    it('when units are consumed up to the cap, then the next is full, and a repeated message takes nothing more', async () => {
      const store = await open();
      await store.caps.getOrSetCap('s1', capRecord(2), DAY_TTL);
      expect(await store.caps.consume('s1', '2026-11-23', 'm1', DAY_TTL)).toEqual({ outcome: 'consumed', used: 1, cap: 2 });
      expect(await store.caps.consume('s1', '2026-11-23', 'm1', DAY_TTL)).toEqual({ outcome: 'held', used: 1, cap: 2 });
      expect(await store.caps.consume('s1', '2026-11-23', 'm2', DAY_TTL)).toEqual({ outcome: 'consumed', used: 2, cap: 2 });
      expect(await store.caps.consume('s1', '2026-11-23', 'm3', DAY_TTL)).toEqual({ outcome: 'full', used: 2, cap: 2 });
      expect(await store.caps.consume('s1', '2026-11-23', 'm2', DAY_TTL)).toEqual({ outcome: 'held', used: 2, cap: 2 });
      expect((await store.caps.usage('s1', '2026-11-23')).used).toBe(2);
    });

    it('when cap N meets N + 25 concurrent consumes, then exactly N succeed and the count is N', async () => {
      const store = await open();
      const n = 40;
      await store.caps.getOrSetCap('s1', capRecord(n), DAY_TTL);
      const results = await consumeMany(store, 's1', '2026-11-23', Array.from({ length: n + 25 }, (_, i) => `msg-${i}`));
      expect(results.filter((r) => r.outcome === 'consumed')).toHaveLength(n);
      expect(results.filter((r) => r.outcome === 'full')).toHaveLength(25);
      expect(results.every((r) => r.used <= n && r.cap === n)).toBe(true);
      expect((await store.caps.usage('s1', '2026-11-23')).used).toBe(n);
    });

    it('when a unit is released twice, or an unknown message is released, then only one unit comes back', async () => {
      const store = await open();
      await store.caps.getOrSetCap('s1', capRecord(2), DAY_TTL);
      await consumeMany(store, 's1', '2026-11-23', ['m1', 'm2']);
      expect(await store.caps.release('s1', '2026-11-23', 'm1')).toEqual({ released: true, used: 1 });
      expect(await store.caps.release('s1', '2026-11-23', 'm1')).toEqual({ released: false, used: 1 });
      expect(await store.caps.release('s1', '2026-11-23', 'never-sent')).toEqual({ released: false, used: 1 });
      expect(await store.caps.release('s1', '2026-11-24', 'm2')).toEqual({ released: false, used: 0 });
      expect(await store.caps.release('s9', '2026-11-23', 'm2')).toEqual({ released: false, used: 0 });
      // The unit given back is usable again, and the freed message may consume anew.
      expect((await store.caps.consume('s1', '2026-11-23', 'm3', DAY_TTL)).outcome).toBe('consumed');
      expect((await store.caps.consume('s1', '2026-11-23', 'm1', DAY_TTL)).outcome).toBe('full');
    });

    it('when every unit is released, then the day keeps its cap and counts from zero again', async () => {
      const store = await open();
      await store.caps.getOrSetCap('s1', capRecord(1), DAY_TTL);
      await store.caps.consume('s1', '2026-11-23', 'm1', DAY_TTL);
      await store.caps.release('s1', '2026-11-23', 'm1');
      expect(await store.caps.usage('s1', '2026-11-23')).toEqual({ record: capRecord(1), used: 0 });
      expect(await store.caps.consume('s1', '2026-11-23', 'm2', DAY_TTL)).toEqual({ outcome: 'consumed', used: 1, cap: 1 });
    });

    it('when concurrent consumes and releases interleave, then the count equals the messages still holding a unit', async () => {
      const store = await open();
      await store.caps.getOrSetCap('s1', capRecord(30), DAY_TTL);
      const ids = Array.from({ length: 30 }, (_, i) => `m${i}`);
      await consumeMany(store, 's1', '2026-11-23', ids);
      const releases = ids.slice(0, 10).flatMap((id) => [store.caps.release('s1', '2026-11-23', id), store.caps.release('s1', '2026-11-23', id)]);
      const newcomers = Array.from({ length: 20 }, (_, i) => store.caps.consume('s1', '2026-11-23', `late${i}`, DAY_TTL));
      const [released, late] = await Promise.all([Promise.all(releases), Promise.all(newcomers)]);
      expect(released.filter((r) => r.released)).toHaveLength(10);
      const admitted = late.filter((r) => r.outcome === 'consumed').length;
      expect(admitted).toBeLessThanOrEqual(10);
      expect((await store.caps.usage('s1', '2026-11-23')).used).toBe(20 + admitted);
    });

    it('when one day is full, then the next day of the same seller starts empty with its own cap', async () => {
      const store = await open();
      await store.caps.getOrSetCap('s1', capRecord(1, '2026-11-23'), DAY_TTL);
      await store.caps.consume('s1', '2026-11-23', 'm1', DAY_TTL);
      expect((await store.caps.consume('s1', '2026-11-23', 'm2', DAY_TTL)).outcome).toBe('full');
      expect((await store.caps.consume('s1', '2026-11-24', 'm2', DAY_TTL)).outcome).toBe('no_cap');
      await store.caps.getOrSetCap('s1', capRecord(3, '2026-11-24'), DAY_TTL);
      expect(await store.caps.consume('s1', '2026-11-24', 'm2', DAY_TTL)).toEqual({ outcome: 'consumed', used: 1, cap: 3 });
      // The earlier day stays readable for audit until it expires.
      expect(await store.caps.usage('s1', '2026-11-23')).toEqual({ record: capRecord(1, '2026-11-23'), used: 1 });
    });

    it('when a unit is taken on a lease, then it counts until the lease ends and then frees itself', async () => {
      const store = await open();
      await store.caps.getOrSetCap('s1', capRecord(1), DAY_TTL);
      expect(await store.caps.consume('s1', DAY, 'm1', DAY_TTL, lease(0, 1_000))).toEqual({ outcome: 'consumed', used: 1, cap: 1 });
      expect((await store.caps.usage('s1', DAY, T0 + 999)).used).toBe(1);
      expect(await store.caps.consume('s1', DAY, 'm2', DAY_TTL, lease(999, 1_000))).toEqual({ outcome: 'full', used: 1, cap: 1 });
      // A lease ends at its instant: at `until` it no longer counts.
      expect(await store.caps.usage('s1', DAY, T0 + 1_000)).toEqual({ record: capRecord(1), used: 0 });
      expect(await store.caps.consume('s1', DAY, 'm2', DAY_TTL, lease(1_000, 1_000))).toEqual({ outcome: 'consumed', used: 1, cap: 1 });
      // The expired lease held nothing any more, so releasing it gives nothing back.
      expect(await store.caps.release('s1', DAY, 'm1', T0 + 1_000)).toEqual({ released: false, used: 1 });
    });

    it('when a held lease is taken again, then a later end extends it and an earlier one never shortens it', async () => {
      const store = await open();
      await store.caps.getOrSetCap('s1', capRecord(2), DAY_TTL);
      await store.caps.consume('s1', DAY, 'm1', DAY_TTL, lease(0, 1_000));
      expect(await store.caps.consume('s1', DAY, 'm1', DAY_TTL, lease(500, 5_000))).toEqual({ outcome: 'held', used: 1, cap: 2 });
      expect(await store.caps.consume('s1', DAY, 'm1', DAY_TTL, lease(600, 100))).toEqual({ outcome: 'held', used: 1, cap: 2 });
      expect((await store.caps.usage('s1', DAY, T0 + 5_499)).used).toBe(1);
      expect((await store.caps.usage('s1', DAY, T0 + 5_500)).used).toBe(0);
    });

    it('when a leased unit is committed, then it counts past the end of its lease, and taking it again never turns it back into a lease', async () => {
      const store = await open();
      await store.caps.getOrSetCap('s1', capRecord(2), DAY_TTL);
      await store.caps.consume('s1', DAY, 'm1', DAY_TTL, lease(0, 1_000));
      expect(await store.caps.commit('s1', DAY, 'm1', { now: T0 + 500 })).toEqual({ outcome: 'committed', used: 1 });
      expect(await store.caps.commit('s1', DAY, 'm1', { now: T0 + 600 })).toEqual({ outcome: 'committed', used: 1 });
      expect((await store.caps.usage('s1', DAY, T0 + 10_000)).used).toBe(1);
      expect(await store.caps.consume('s1', DAY, 'm1', DAY_TTL, lease(10_000, 1_000))).toEqual({ outcome: 'held', used: 1, cap: 2 });
      expect(await store.caps.consume('s1', DAY, 'm2', DAY_TTL, lease(10_000, 1_000))).toEqual({ outcome: 'consumed', used: 2, cap: 2 });
      expect((await store.caps.consume('s1', DAY, 'm3', DAY_TTL, lease(10_000, 1_000))).outcome).toBe('full');
      // m2's lease ends; m1 stays.
      expect((await store.caps.usage('s1', DAY, T0 + 1_000_000)).used).toBe(1);
      expect(await store.caps.consume('s1', DAY, 'm3', DAY_TTL, lease(1_000_000, 1_000))).toEqual({ outcome: 'consumed', used: 2, cap: 2 });
    });

    it('when a commit comes after the lease ended but before it was dropped, then the message is counted on its day', async () => {
      const store = await open();
      await store.caps.getOrSetCap('s1', capRecord(1), DAY_TTL);
      await store.caps.consume('s1', DAY, 'm1', DAY_TTL, lease(0, 1_000));
      expect((await store.caps.usage('s1', DAY, T0 + 2_000)).used).toBe(0);
      expect(await store.caps.commit('s1', DAY, 'm1', { now: T0 + 2_000 })).toEqual({ outcome: 'late', used: 1 });
      expect((await store.caps.usage('s1', DAY, T0 + 1_000_000)).used).toBe(1);
      expect((await store.caps.consume('s1', DAY, 'm2', DAY_TTL, lease(1_000_000, 1_000))).outcome).toBe('full');
    });

    it('when a commit comes after the lease was dropped, then it changes nothing unless asked to record, and then counts past the cap', async () => {
      const store = await open();
      await store.caps.getOrSetCap('s1', capRecord(1), DAY_TTL);
      await store.caps.consume('s1', DAY, 'm1', DAY_TTL, lease(0, 1_000));
      // m2 takes the unit m1's ended lease freed; m1's lease is dropped on the way.
      expect(await store.caps.consume('s1', DAY, 'm2', DAY_TTL, lease(1_500, 1_000))).toEqual({ outcome: 'consumed', used: 1, cap: 1 });
      expect(await store.caps.commit('s1', DAY, 'm1', { now: T0 + 1_600 })).toEqual({ outcome: 'missing', used: 1 });
      expect(await store.caps.commit('s1', DAY, 'm1', { now: T0 + 1_600, ifMissing: 'record' })).toEqual({ outcome: 'late', used: 2 });
      expect(await store.caps.commit('s1', DAY, 'm1', { now: T0 + 1_700, ifMissing: 'record' })).toEqual({ outcome: 'committed', used: 2 });
      expect(await store.caps.consume('s1', DAY, 'm3', DAY_TTL, lease(1_700, 1_000))).toEqual({ outcome: 'full', used: 2, cap: 1 });
      // After every lease has ended the recorded message still counts, on its own.
      expect((await store.caps.usage('s1', DAY, T0 + 1_000_000)).used).toBe(1);
    });

    it('when a day has no cap, then commit answers no_cap and records nothing', async () => {
      const store = await open();
      expect(await store.caps.commit('s1', DAY, 'm1', { now: T0, ifMissing: 'record' })).toEqual({ outcome: 'no_cap', used: 0 });
      await store.caps.getOrSetCap('s1', capRecord(1), DAY_TTL);
      expect(await store.caps.usage('s1', DAY, T0)).toEqual({ record: capRecord(1), used: 0 });
    });

    it('when a pending and a committed unit are released, then each comes back once and a released message cannot be committed', async () => {
      const store = await open();
      await store.caps.getOrSetCap('s1', capRecord(2), DAY_TTL);
      await store.caps.consume('s1', DAY, 'pending', DAY_TTL, lease(0, 60_000));
      await store.caps.consume('s1', DAY, 'sent', DAY_TTL, lease(0, 60_000));
      await store.caps.commit('s1', DAY, 'sent', { now: T0 });
      expect(await store.caps.release('s1', DAY, 'pending', T0 + 1)).toEqual({ released: true, used: 1 });
      expect(await store.caps.release('s1', DAY, 'pending', T0 + 1)).toEqual({ released: false, used: 1 });
      expect(await store.caps.release('s1', DAY, 'sent', T0 + 1)).toEqual({ released: true, used: 0 });
      expect(await store.caps.release('s1', DAY, 'sent', T0 + 1)).toEqual({ released: false, used: 0 });
      expect(await store.caps.commit('s1', DAY, 'pending', { now: T0 + 2 })).toEqual({ outcome: 'missing', used: 0 });
      expect(await store.caps.usage('s1', DAY, T0 + 2)).toEqual({ record: capRecord(2), used: 0 });
    });

    it('when cap N meets N + 25 concurrent leased consumes over ended leases, then exactly N succeed and the count is N', async () => {
      const store = await open();
      const n = 40;
      await store.caps.getOrSetCap('s1', capRecord(n), DAY_TTL);
      // Ended leases of a dead node fill half the day; they must neither block nor be counted.
      await Promise.all(Array.from({ length: n / 2 }, (_, i) => store.caps.consume('s1', DAY, `dead-${i}`, DAY_TTL, lease(0, 1_000))));
      const results = await Promise.all(Array.from({ length: n + 25 }, (_, i) => store.caps.consume('s1', DAY, `msg-${i}`, DAY_TTL, lease(2_000, 60_000))));
      expect(results.filter((r) => r.outcome === 'consumed')).toHaveLength(n);
      expect(results.filter((r) => r.outcome === 'full')).toHaveLength(25);
      expect(results.every((r) => r.used <= n && r.cap === n)).toBe(true);
      expect((await store.caps.usage('s1', DAY, T0 + 2_000)).used).toBe(n);
    });

    it('when commits race with consumes at the cap, then the count stays exact', async () => {
      const store = await open();
      const n = 30;
      await store.caps.getOrSetCap('s1', capRecord(n), DAY_TTL);
      const ids = Array.from({ length: n }, (_, i) => `m${i}`);
      await Promise.all(ids.map((id) => store.caps.consume('s1', DAY, id, DAY_TTL, lease(0, 60_000))));
      const commits = ids.map((id) => store.caps.commit('s1', DAY, id, { now: T0 + 1 }));
      const latecomers = Array.from({ length: 25 }, (_, i) => store.caps.consume('s1', DAY, `late${i}`, DAY_TTL, lease(1, 60_000)));
      const [committed, late] = await Promise.all([Promise.all(commits), Promise.all(latecomers)]);
      expect(committed.every((r) => r.outcome === 'committed')).toBe(true);
      expect(late.every((r) => r.outcome === 'full')).toBe(true);
      expect((await store.caps.usage('s1', DAY, T0 + 1_000_000)).used).toBe(n);
    });

    it('when a node takes the whole cap on leases and dies before committing, then the full cap is free once the leases end', async () => {
      const store = await open();
      const n = 30;
      await store.caps.getOrSetCap('s1', capRecord(n), DAY_TTL);
      const taken = await Promise.all(Array.from({ length: n }, (_, i) => store.caps.consume('s1', DAY, `crashed-${i}`, DAY_TTL, lease(0, 5_000))));
      expect(taken.every((r) => r.outcome === 'consumed')).toBe(true);
      expect((await store.caps.consume('s1', DAY, 'blocked', DAY_TTL, lease(4_999, 5_000))).outcome).toBe('full');
      // No commit, no release: the node is gone. Another node, once the leases have ended:
      expect((await store.caps.usage('s1', DAY, T0 + 5_000)).used).toBe(0);
      const after = await Promise.all(Array.from({ length: n + 1 }, (_, i) => store.caps.consume('s1', DAY, `fresh-${i}`, DAY_TTL, lease(5_000, 5_000))));
      expect(after.filter((r) => r.outcome === 'consumed')).toHaveLength(n);
      expect(after.filter((r) => r.outcome === 'full')).toHaveLength(1);
      expect((await store.caps.usage('s1', DAY, T0 + 5_000)).used).toBe(n);
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

    it('when a key is hit up to its limit, then each hit is allowed with its count, and the next is refused with a retry hint inside the window', async () => {
      const store = await open();
      for (let i = 1; i <= 3; i++) expect(await store.rates.hit('conn:192.0.2.1', 60, 3)).toMatchObject({ allowed: true, count: i });
      const refused = await store.rates.hit('conn:192.0.2.1', 60, 3);
      expect(refused).toMatchObject({ allowed: false, count: 4 });
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
      // Refused hits count too: hammering never resets the window.
      expect(await store.rates.hit('conn:192.0.2.1', 60, 3)).toMatchObject({ allowed: false, count: 5 });
    });

    it('when different keys are hit, then each has its own window', async () => {
      const store = await open();
      await store.rates.hit('msg:192.0.2.1', 60, 1);
      expect(await store.rates.hit('msg:192.0.2.1', 60, 1)).toMatchObject({ allowed: false, count: 2 });
      expect(await store.rates.hit('msg:192.0.2.10', 60, 1)).toMatchObject({ allowed: true, count: 1 });
      expect(await store.rates.hit('msg:2001:db8:0:1::/64', 60, 1)).toMatchObject({ allowed: true, count: 1 });
      expect(await store.rates.hit('party:seller-1', 60, 1)).toMatchObject({ allowed: true, count: 1 });
    });

    it('when 60 hits race on one key with limit 25, then exactly 25 are allowed and every count is taken once', async () => {
      const store = await open();
      const results = await Promise.all(Array.from({ length: 60 }, () => store.rates.hit('race', 60, 25)));
      expect(results.filter((r) => r.allowed)).toHaveLength(25);
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      for (const r of results) expect(r.allowed).toBe(r.count <= 25);
    });

    it('when a window has ended, then the key counts from 1 again', async () => {
      const store = await open();
      await store.rates.hit('short', 1, 1);
      expect((await store.rates.hit('short', 1, 1)).allowed).toBe(false);
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await store.rates.hit('short', 1, 1)).toMatchObject({ allowed: true, count: 1 });
    });

    quarantineContract(open);
    auditContract(open);
  });
}
