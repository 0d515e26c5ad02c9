import { describe, expect, it, onTestFinished } from 'vitest';
import { isParleyError, type ParleyError } from '../../src/domain/errors.js';
import { DailyCap, type CapReply } from '../../src/limits/daily-cap.js';
import { EmbeddedStore } from '../../src/storage/embedded/embedded-store.js';
import type { Store } from '../../src/storage/ports.js';
import { connectRedis } from '../../src/storage/redis/client.js';
import { RedisStore } from '../../src/storage/redis/redis-store.js';
import { redisUrl, tempDir, uniquePrefix } from '../helpers/env.js';

type Kind = 'redis' | 'embedded';

/** Two handles on one set of data: for Redis two connections (two relay nodes), for LMDB one process. */
function sharedStores(kind: Kind): [Store, Store] {
  if (kind === 'embedded') {
    const store = EmbeddedStore.open(tempDir());
    onTestFinished(() => store.close());
    return [store, store];
  }
  const prefix = uniquePrefix();
  const open = () => new RedisStore(connectRedis({ url: redisUrl(), cluster: false, keyPrefix: prefix }));
  const stores: [Store, Store] = [open(), open()];
  onTestFinished(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });
  return stores;
}

/** A lease of 15 minutes: what a 10-minute session timeout gives (600 + 300). */
const LEASE_SECONDS = 900;
const LEASE_MS = LEASE_SECONDS * 1000;

interface Setup {
  store: Store;
  cap: DailyCap;
  clock: { now: number };
  logged: { level: 'info' | 'warn'; msg: string; fields: Record<string, unknown> }[];
  order(id: string, placedAtIso: string, sellerId?: string): Promise<void>;
}

function setup(kind: Kind, options: { timeZone?: string; reply?: CapReply; at?: string } = {}): Setup {
  const [store] = sharedStores(kind);
  const clock = { now: Date.parse(options.at ?? '2026-11-23T10:00:00Z') };
  const logged: Setup['logged'] = [];
  const cap = new DailyCap({
    store,
    windowDays: 30,
    timeZone: options.timeZone ?? 'UTC',
    reply: options.reply ?? 'permanent',
    now: () => clock.now,
    leaseSeconds: LEASE_SECONDS,
    logger: {
      info: (fields: Record<string, unknown>, msg: string) => logged.push({ level: 'info', msg, fields }),
      warn: (fields: Record<string, unknown>, msg: string) => logged.push({ level: 'warn', msg, fields }),
    } as never,
  });
  const order = async (id: string, placedAtIso: string, sellerId = 's1') => {
    await store.orders.recordOrder({ orderId: id, buyerId: 'b1', sellerId, placedAt: Date.parse(placedAtIso) });
  };
  return { store, cap, clock, logged, order };
}

const refusal = (err: unknown): ParleyError => {
  if (isParleyError(err)) return err;
  throw new Error(`expected a ParleyError, got ${String(err)}`);
};

for (const kind of ['redis', 'embedded'] as const) {
  describe(`daily cap on ${kind}`, () => {
    it('when a seller has no orders, then the cap is 600 and it resets at the next UTC midnight', async () => {
      const { cap } = setup(kind);
      expect(await cap.limits('s1')).toEqual({ windowDays: 30, averageDailyOrders: 0, cap: 600, sentToday: 0, remaining: 600, resetsAt: '2026-11-24T00:00:00Z' });
    });

    it('when 30 orders fall in the 30 days before today, then the cap is 605; orders today or before the window are ignored', async () => {
      const { cap, order } = setup(kind);
      for (let d = 0; d < 30; d++) await order(`in-${d}`, new Date(Date.parse('2026-10-24T12:00:00Z') + d * 86_400_000).toISOString());
      await order('edge-in', '2026-10-24T00:00:00Z');
      await order('edge-out', '2026-10-23T23:59:59.999Z');
      await order('today-1', '2026-11-23T00:00:00Z');
      await order('today-2', '2026-11-23T09:00:00Z');
      expect(await cap.limits('s1')).toMatchObject({ averageDailyOrders: 31 / 30, cap: 605 });
    });

    it('when the seller is younger than the window, then orders are averaged over the days since the first one', async () => {
      const { cap, order } = setup(kind);
      for (let i = 0; i < 10; i++) await order(`young-${i}`, `2026-11-${18 + (i % 5)}T08:00:00Z`);
      expect(await cap.limits('s1')).toMatchObject({ averageDailyOrders: 2, cap: 610 });
    });

    it('when the cap zone is Asia/Seoul, then the day, the window and resetsAt follow Seoul midnight', async () => {
      const seoul = setup(kind, { timeZone: 'Asia/Seoul' });
      // 23:00 on 22 November in Seoul: yesterday there, so it counts.
      await seoul.order('late-yesterday', '2026-11-22T14:00:00Z');
      // 01:00 on 23 November in Seoul: already today there, so it does not.
      await seoul.order('early-today', '2026-11-22T16:00:00Z');
      expect(await seoul.cap.limits('s1')).toMatchObject({ averageDailyOrders: 1, cap: 605, resetsAt: '2026-11-23T15:00:00Z' });

      // The same orders in UTC both fall on 22 November, the day before today.
      const inUtc = setup(kind);
      await inUtc.order('late-yesterday', '2026-11-22T14:00:00Z');
      await inUtc.order('early-today', '2026-11-22T16:00:00Z');
      expect(await inUtc.cap.limits('s1')).toMatchObject({ averageDailyOrders: 2, cap: 610, resetsAt: '2026-11-24T00:00:00Z' });
    });

    it('when cap 600 meets 625 concurrent messages across two nodes, then exactly 600 pass and 25 get the 5.4.5 reply', async () => {
      const [a, b] = sharedStores(kind);
      const now = () => Date.parse('2026-11-23T10:00:00Z');
      const nodes = [a, b].map((store) => new DailyCap({ store, windowDays: 30, timeZone: 'UTC', reply: 'permanent', now, leaseSeconds: LEASE_SECONDS }));
      const results = await Promise.allSettled(Array.from({ length: 625 }, (_, i) => nodes[i % 2]!.consume('s1', `msg-${i}`)));
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => refusal(r.reason));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(600);
      expect(refused).toHaveLength(25);
      for (const err of refused) {
        expect(err.code).toBe('daily_cap_reached');
        expect(err.smtp).toEqual({ code: 550, enhanced: '5.4.5', text: 'Daily message limit reached' });
        expect(err.smtpText).toBe('Daily message limit reached (600 of 600); resets at 2026-11-24T00:00:00Z');
      }
      expect(await nodes[1]!.limits('s1')).toMatchObject({ cap: 600, sentToday: 600, remaining: 0 });
    });

    it('when the deployment wants retries, then the refusal is 452 4.5.3 with the same text', async () => {
      const { cap, store } = setup(kind, { reply: 'temporary' });
      // A stored cap is what is enforced; seeding a small one keeps the test short.
      await store.caps.getOrSetCap('s1', { day: '2026-11-23', cap: 1, averageDailyOrders: 0, windowDays: 30, computedAt: 0 }, 86_400);
      await cap.consume('s1', 'm1');
      const err = refusal(await cap.consume('s1', 'm2').catch((e: unknown) => e));
      expect(err.code).toBe('daily_cap_reached_temporary');
      expect(err.smtp).toMatchObject({ code: 452, enhanced: '4.5.3' });
      expect(err.smtpText).toBe('Daily message limit reached (1 of 1); resets at 2026-11-24T00:00:00Z');
    });

    it('when the same message is consumed twice, then it counts once', async () => {
      const { cap } = setup(kind);
      await cap.consume('s1', 'm1');
      await cap.consume('s1', 'm1');
      expect((await cap.limits('s1')).sentToday).toBe(1);
    });

    it('when a unit is released twice, or an unknown message is released, then only one unit comes back', async () => {
      const { cap } = setup(kind);
      await cap.consume('s1', 'm1');
      await cap.consume('s1', 'm2');
      await cap.release('s1', 'm1');
      await cap.release('s1', 'm1');
      await cap.release('s1', 'never-counted');
      await cap.release('s2', 'm2');
      expect(await cap.limits('s1')).toMatchObject({ sentToday: 1, remaining: 599 });
    });

    it('when the clock passes midnight, then the new day starts empty and a new cap includes yesterday\'s orders', async () => {
      const { cap, store, clock, order, logged } = setup(kind, { at: '2026-11-23T23:59:00Z' });
      await store.caps.getOrSetCap('s1', { day: '2026-11-23', cap: 1, averageDailyOrders: 0, windowDays: 30, computedAt: 0 }, 86_400);
      await cap.consume('s1', 'm1');
      await expect(cap.consume('s1', 'm2')).rejects.toThrow(/daily cap of 1/);
      // Orders back-filled during the day do not move that day's stored cap.
      for (let i = 0; i < 30; i++) await order(`late-${i}`, '2026-11-23T12:00:00Z');
      expect((await cap.limits('s1')).cap).toBe(1);

      clock.now = Date.parse('2026-11-24T00:00:01Z');
      await cap.consume('s1', 'm2');
      expect(await cap.limits('s1')).toEqual({ windowDays: 30, averageDailyOrders: 30, cap: 750, sentToday: 1, remaining: 749, resetsAt: '2026-11-25T00:00:00Z' });
      expect(logged.filter((l) => l.msg === 'daily cap fixed').map((l) => l.fields)).toEqual([
        expect.objectContaining({ sellerId: 's1', day: '2026-11-24', cap: 750, ordersInWindow: 30, averagingDays: 1 }),
      ]);
    });

    it('when a message counted before midnight is released after it, then yesterday gets its unit back and today is untouched', async () => {
      const { cap, store, clock } = setup(kind, { at: '2026-11-23T23:59:50Z' });
      await cap.consume('s1', 'straddler');
      clock.now = Date.parse('2026-11-24T00:00:10Z');
      await cap.consume('s1', 'fresh');
      await cap.release('s1', 'straddler');
      expect((await store.caps.usage('s1', '2026-11-23', clock.now)).used).toBe(0);
      expect((await store.caps.usage('s1', '2026-11-24', clock.now)).used).toBe(1);
    });

    it('when a message takes a unit and is never committed (its node died), then the unit counts until the lease ends and is then free', async () => {
      const { cap, store, clock } = setup(kind);
      await store.caps.getOrSetCap('s1', { day: '2026-11-23', cap: 2, averageDailyOrders: 0, windowDays: 30, computedAt: 0 }, 86_400);
      await cap.consume('s1', 'm1');
      await cap.consume('s1', 'm2');
      await expect(cap.consume('s1', 'm3')).rejects.toThrow(/daily cap of 2/);
      clock.now += LEASE_MS - 1;
      expect(await cap.limits('s1')).toMatchObject({ sentToday: 2, remaining: 0 });
      clock.now += 1;
      expect(await cap.limits('s1')).toMatchObject({ sentToday: 0, remaining: 2 });
      await cap.consume('s1', 'm3');
      await cap.consume('s1', 'm4');
      expect(await cap.limits('s1')).toMatchObject({ sentToday: 2, remaining: 0 });
    });

    it('when a message is committed, then it still counts after its lease would have ended, and committing twice counts it once', async () => {
      const { cap, clock, logged } = setup(kind);
      await cap.consume('s1', 'm1');
      await cap.commit('s1', 'm1');
      await cap.commit('s1', 'm1');
      clock.now += 10 * LEASE_MS;
      expect(await cap.limits('s1')).toMatchObject({ sentToday: 1, remaining: 599 });
      expect(logged.filter((l) => l.level === 'warn')).toEqual([]);
    });

    it('when limits are read, then sentToday counts committed messages plus leases still running, not released or ended ones', async () => {
      const { cap, clock } = setup(kind);
      await cap.consume('s1', 'committed');
      await cap.commit('s1', 'committed');
      await cap.consume('s1', 'released');
      await cap.release('s1', 'released');
      await cap.consume('s1', 'in-flight');
      clock.now += LEASE_MS / 2;
      await cap.consume('s1', 'later');
      expect(await cap.limits('s1')).toMatchObject({ cap: 600, sentToday: 3, remaining: 597 });
      clock.now += LEASE_MS / 2;
      expect(await cap.limits('s1')).toMatchObject({ sentToday: 2, remaining: 598 });
      clock.now += LEASE_MS / 2;
      expect(await cap.limits('s1')).toMatchObject({ sentToday: 1, remaining: 599 });
    });

    it('when a commit comes after the lease ended, then the message is counted anyway, past the cap if need be, and a warning names it', async () => {
      const { cap, store, clock, logged } = setup(kind);
      await store.caps.getOrSetCap('s1', { day: '2026-11-23', cap: 1, averageDailyOrders: 0, windowDays: 30, computedAt: 0 }, 86_400);
      await cap.consume('s1', 'slow');
      clock.now += LEASE_MS;
      // Its unit is free, so another message takes it (and drops the ended lease on the way).
      await cap.consume('s1', 'next');
      await cap.commit('s1', 'slow');
      await cap.commit('s1', 'next');
      expect(await cap.limits('s1')).toMatchObject({ cap: 1, sentToday: 2, remaining: 0 });
      expect(logged.filter((l) => l.level === 'warn')).toEqual([
        { level: 'warn', msg: 'daily cap lease ended before commit; message counted anyway', fields: { sellerId: 's1', msgId: 'slow', used: 2, leaseSeconds: LEASE_SECONDS } },
      ]);
    });

    it('when a message counted before midnight is committed after it, then yesterday keeps the unit for good and today is untouched', async () => {
      const { cap, store, clock } = setup(kind, { at: '2026-11-23T23:59:50Z' });
      await cap.consume('s1', 'straddler');
      clock.now = Date.parse('2026-11-24T00:00:10Z');
      await cap.consume('s1', 'fresh');
      await cap.commit('s1', 'straddler');
      clock.now += LEASE_MS;
      expect((await store.caps.usage('s1', '2026-11-23', clock.now)).used).toBe(1);
      expect((await store.caps.usage('s1', '2026-11-24', clock.now)).used).toBe(0);
      expect((await cap.limits('s1')).sentToday).toBe(0);
    });

    it('when many messages arrive before the day has a cap, then it is computed and logged once', async () => {
      const { cap, logged } = setup(kind);
      await Promise.all(Array.from({ length: 20 }, (_, i) => cap.consume('s1', `m${i}`)));
      expect(logged.filter((l) => l.msg === 'daily cap fixed')).toHaveLength(1);
      expect((await cap.limits('s1')).sentToday).toBe(20);
    });
  });
}

describe('daily cap settings', () => {
  const base = { store: {} as Store, windowDays: 30, timeZone: 'UTC', reply: 'permanent' as const, now: Date.now, leaseSeconds: LEASE_SECONDS };

  it('when the window is not a whole number of days, then construction fails', () => {
    expect(() => new DailyCap({ ...base, windowDays: 0 })).toThrow(/windowDays/);
    expect(() => new DailyCap({ ...base, windowDays: 1.5 })).toThrow(/windowDays/);
  });

  it('when the lease is not a whole positive number of seconds, then construction fails', () => {
    expect(() => new DailyCap({ ...base, leaseSeconds: 0 })).toThrow(/leaseSeconds/);
    expect(() => new DailyCap({ ...base, leaseSeconds: 2.5 })).toThrow(/leaseSeconds/);
  });

  it('when the lease is derived from the config, then it outlives the SMTP session by five minutes', () => {
    expect(DailyCap.leaseSecondsFor({ sessionTimeoutSeconds: 1800 })).toBe(2100);
  });
});
