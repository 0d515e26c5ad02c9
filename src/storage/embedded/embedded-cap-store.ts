import type { Database, RootDatabase } from 'lmdb';
import { guard } from '../guard.js';
import type { CapConsumeResult, CapStore, DailyCapRecord } from '../ports.js';

/** One seller-day: the stored cap, the units held (kept as a count so a check is one read) and its expiry. */
interface CapDay {
  record: DailyCapRecord;
  used: number;
  expiresAt: number;
}

type DayKey = [sellerId: string, day: string];
type HolderKey = [sellerId: string, day: string, messageId: string];

/**
 * The daily cap on LMDB. Each operation is one write transaction, serialised across threads and
 * processes, which gives the same guarantees as the Redis scripts. LMDB has no TTL: a day carries its
 * expiry, reads ignore it once past, and a seller's expired days are purged when a new day is fixed.
 */
export class EmbeddedCapStore implements CapStore {
  private readonly days: Database<CapDay, DayKey>;
  /** Message ids holding a unit; the key alone matters. */
  private readonly holders: Database<number, HolderKey>;

  constructor(
    private readonly root: RootDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.days = root.openDB({ name: 'cap-days', encoding: 'json' });
    this.holders = root.openDB({ name: 'cap-holders' });
  }

  getOrSetCap(sellerId: string, record: DailyCapRecord, ttlSeconds: number): Promise<{ record: DailyCapRecord; created: boolean }> {
    return guard('getOrSetCap', () =>
      this.root.transaction(() => {
        const now = this.now();
        const existing = this.liveDay(sellerId, record.day, now);
        if (existing) return { record: existing.record, created: false };
        this.purgeExpired(sellerId, record.day, now);
        void this.days.put([sellerId, record.day], { record, used: 0, expiresAt: now + ttlSeconds * 1000 });
        return { record, created: true };
      }),
    );
  }

  consume(sellerId: string, day: string, messageId: string, ttlSeconds: number): Promise<CapConsumeResult> {
    return guard('consumeCap', () =>
      this.root.transaction((): CapConsumeResult => {
        const now = this.now();
        const entry = this.liveDay(sellerId, day, now);
        if (!entry) return { outcome: 'no_cap', used: 0, cap: 0 };
        const { cap } = entry.record;
        if (this.holders.get([sellerId, day, messageId]) !== undefined) return { outcome: 'held', used: entry.used, cap };
        if (entry.used >= cap) return { outcome: 'full', used: entry.used, cap };
        void this.holders.put([sellerId, day, messageId], 1);
        const used = entry.used + 1;
        void this.days.put([sellerId, day], { ...entry, used, expiresAt: Math.max(entry.expiresAt, now + ttlSeconds * 1000) });
        return { outcome: 'consumed', used, cap };
      }),
    );
  }

  release(sellerId: string, day: string, messageId: string): Promise<{ released: boolean; used: number }> {
    return guard('releaseCap', () =>
      this.root.transaction(() => {
        const entry = this.liveDay(sellerId, day, this.now());
        if (!entry) return { released: false, used: 0 };
        if (this.holders.get([sellerId, day, messageId]) === undefined) return { released: false, used: entry.used };
        void this.holders.remove([sellerId, day, messageId]);
        const used = entry.used - 1;
        void this.days.put([sellerId, day], { ...entry, used });
        return { released: true, used };
      }),
    );
  }

  usage(sellerId: string, day: string): Promise<{ record: DailyCapRecord | null; used: number }> {
    return guard('capUsage', async () => {
      const entry = this.liveDay(sellerId, day, this.now());
      return { record: entry?.record ?? null, used: entry?.used ?? 0 };
    });
  }

  private liveDay(sellerId: string, day: string, now: number): CapDay | null {
    const entry = this.days.get([sellerId, day]);
    return entry && entry.expiresAt > now ? entry : null;
  }

  /**
   * Removes the seller's expired days up to `day` and their holders. Done once per seller-day, inside
   * the transaction that fixes the new day, so the store stays bounded without a sweeper. Keys sort by
   * seller, then day (fixed-width YYYY-MM-DD), so [seller] .. [seller, day) is the seller's earlier days.
   */
  private purgeExpired(sellerId: string, day: string, now: number): void {
    const expired: string[] = [];
    for (const { key, value } of this.days.getRange({ start: [sellerId], end: [sellerId, day] })) {
      if (value.expiresAt <= now) expired.push(key[1]);
    }
    // The day itself may have an expired entry only if the clock went back; its holders must not count.
    if (this.days.get([sellerId, day])) expired.push(day);
    for (const old of expired) {
      for (const key of this.holdersOf(sellerId, old)) void this.holders.remove(key);
      void this.days.remove([sellerId, old]);
    }
  }

  /** Collected before removal: LMDB cursors should not walk keys the same transaction is deleting. */
  private holdersOf(sellerId: string, day: string): HolderKey[] {
    const found: HolderKey[] = [];
    for (const key of this.holders.getKeys({ start: [sellerId, day] })) {
      if (key[0] !== sellerId || key[1] !== day) break;
      found.push(key);
    }
    return found;
  }
}
