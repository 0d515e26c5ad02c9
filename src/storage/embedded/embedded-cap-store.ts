import type { Database, RootDatabase } from 'lmdb';
import { guard } from '../guard.js';
import type { CapCommitResult, CapConsumeResult, CapLease, CapStore, DailyCapRecord } from '../ports.js';

/**
 * One seller-day: the stored cap, the units stored (committed plus leases not yet dropped, kept as a count
 * so a check is one read and a short scan of expired leases) and the day's expiry.
 */
interface CapDay {
  record: DailyCapRecord;
  used: number;
  expiresAt: number;
}

type DayKey = [sellerId: string, day: string];
type HolderKey = [sellerId: string, day: string, messageId: string];
type LeaseKey = [sellerId: string, day: string, until: number, messageId: string];

/** A committed unit's lease end: it never expires as a lease, only with its day. */
const COMMITTED = Number.POSITIVE_INFINITY;

/**
 * The daily cap on LMDB. Each operation is one write transaction, serialised across threads and
 * processes, which gives the same guarantees as the Redis scripts. LMDB has no TTL: a day carries its
 * expiry, reads ignore it once past, and a seller's expired days are purged when a new day is fixed.
 * The day's lifetime is kept by this store's clock; leases are judged by the caller's `now`, as on Redis.
 */
export class EmbeddedCapStore implements CapStore {
  private readonly days: Database<CapDay, DayKey>;
  /** Message id -> the instant (ms) its lease ends, or COMMITTED. */
  private readonly holders: Database<number, HolderKey>;
  /**
   * Pending leases ordered by their end (the key alone matters), so a day's expired leases are the first keys
   * of its range: dropping them is a scan of exactly those, like ZREMRANGEBYSCORE on Redis.
   */
  private readonly leases: Database<number, LeaseKey>;

  constructor(
    private readonly root: RootDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.days = root.openDB({ name: 'cap-days', encoding: 'json' });
    this.holders = root.openDB({ name: 'cap-holders' });
    this.leases = root.openDB({ name: 'cap-leases' });
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

  consume(sellerId: string, day: string, messageId: string, ttlSeconds: number, lease?: CapLease): Promise<CapConsumeResult> {
    return guard('consumeCap', () =>
      this.root.transaction((): CapConsumeResult => {
        const clock = this.now();
        const entry = this.liveDay(sellerId, day, clock);
        if (!entry) return { outcome: 'no_cap', used: 0, cap: 0 };
        const { cap } = entry.record;
        let used = entry.used - this.dropExpired(sellerId, day, lease?.now ?? clock);
        const key: HolderKey = [sellerId, day, messageId];
        const held = this.holders.get(key);
        let outcome: CapConsumeResult['outcome'];
        if (held !== undefined) {
          // A retry may extend its lease; never shorten one, nor turn a committed unit back into a lease.
          if (lease && lease.until > held) this.setHolder(key, held, lease.until);
          outcome = 'held';
        } else if (used >= cap) {
          outcome = 'full';
        } else {
          this.setHolder(key, undefined, lease?.until ?? COMMITTED);
          used += 1;
          outcome = 'consumed';
        }
        const expiresAt = outcome === 'consumed' ? Math.max(entry.expiresAt, clock + ttlSeconds * 1000) : entry.expiresAt;
        this.saveDay(sellerId, day, entry, used, expiresAt);
        return { outcome, used, cap };
      }),
    );
  }

  commit(sellerId: string, day: string, messageId: string, options: { now?: number; ifMissing?: 'skip' | 'record' } = {}): Promise<CapCommitResult> {
    return guard('commitCap', () =>
      this.root.transaction((): CapCommitResult => {
        const clock = this.now();
        const entry = this.liveDay(sellerId, day, clock);
        if (!entry) return { outcome: 'no_cap', used: 0 };
        const now = options.now ?? clock;
        const key: HolderKey = [sellerId, day, messageId];
        // Looked up before dropping expired leases, so a late commit is still found on the day it was taken.
        const before = this.holders.get(key);
        let used = entry.used - this.dropExpired(sellerId, day, now);
        let outcome: CapCommitResult['outcome'];
        if (before !== undefined && before > now) outcome = 'committed';
        else if (before !== undefined || options.ifMissing === 'record') outcome = 'late';
        else outcome = 'missing';
        if (outcome !== 'missing') {
          const stored = this.holders.get(key);
          if (stored === undefined) used += 1;
          if (stored !== COMMITTED) this.setHolder(key, stored, COMMITTED);
        }
        this.saveDay(sellerId, day, entry, used, entry.expiresAt);
        return { outcome, used };
      }),
    );
  }

  release(sellerId: string, day: string, messageId: string, now?: number): Promise<{ released: boolean; used: number }> {
    return guard('releaseCap', () =>
      this.root.transaction(() => {
        const clock = this.now();
        const entry = this.liveDay(sellerId, day, clock);
        if (!entry) return { released: false, used: 0 };
        let used = entry.used - this.dropExpired(sellerId, day, now ?? clock);
        const key: HolderKey = [sellerId, day, messageId];
        const held = this.holders.get(key);
        if (held !== undefined) {
          this.setHolder(key, held, undefined);
          used -= 1;
        }
        this.saveDay(sellerId, day, entry, used, entry.expiresAt);
        return { released: held !== undefined, used };
      }),
    );
  }

  /** Read-only: expired leases are left out of the count here and dropped by the next write. */
  usage(sellerId: string, day: string, now?: number): Promise<{ record: DailyCapRecord | null; used: number }> {
    return guard('capUsage', async () => {
      const clock = this.now();
      const entry = this.liveDay(sellerId, day, clock);
      if (!entry) return { record: null, used: 0 };
      return { record: entry.record, used: entry.used - this.expiredLeases(sellerId, day, now ?? clock).length };
    });
  }

  private liveDay(sellerId: string, day: string, now: number): CapDay | null {
    const entry = this.days.get([sellerId, day]);
    return entry && entry.expiresAt > now ? entry : null;
  }

  private saveDay(sellerId: string, day: string, entry: CapDay, used: number, expiresAt: number): void {
    if (used !== entry.used || expiresAt !== entry.expiresAt) void this.days.put([sellerId, day], { ...entry, used, expiresAt });
  }

  /** Moves a holder from one lease end to another, keeping the lease index in step; `to` undefined removes it. */
  private setHolder(key: HolderKey, from: number | undefined, to: number | undefined): void {
    const [sellerId, day, messageId] = key;
    if (from !== undefined && from !== COMMITTED) void this.leases.remove([sellerId, day, from, messageId]);
    if (to === undefined) {
      void this.holders.remove(key);
      return;
    }
    void this.holders.put(key, to);
    if (to !== COMMITTED) void this.leases.put([sellerId, day, to, messageId], 1);
  }

  /** Removes the day's leases that ended at or before `now`; returns how many units that freed. */
  private dropExpired(sellerId: string, day: string, now: number): number {
    let freed = 0;
    for (const lease of this.expiredLeases(sellerId, day, now)) {
      const [, , until, messageId] = lease;
      void this.leases.remove(lease);
      // The index and the holders change together; a holder with another end is not this lease's.
      if (this.holders.get([sellerId, day, messageId]) !== until) continue;
      void this.holders.remove([sellerId, day, messageId]);
      freed += 1;
    }
    return freed;
  }

  /** Collected before any removal: LMDB cursors should not walk keys the same transaction is deleting. */
  private expiredLeases(sellerId: string, day: string, now: number): LeaseKey[] {
    const found: LeaseKey[] = [];
    for (const key of this.leases.getKeys({ start: [sellerId, day] })) {
      if (key[0] !== sellerId || key[1] !== day || key[2] > now) break;
      found.push(key);
    }
    return found;
  }

  /**
   * Removes the seller's expired days up to `day` with their holders and leases. Done once per seller-day, inside
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
      for (const key of keysOfDay(this.holders, sellerId, old)) void this.holders.remove(key);
      for (const key of keysOfDay(this.leases, sellerId, old)) void this.leases.remove(key);
      void this.days.remove([sellerId, old]);
    }
  }
}

/** A seller-day's keys of a database keyed [sellerId, day, ...], collected before removal (see expiredLeases). */
function keysOfDay<K extends [string, string, ...(string | number)[]]>(db: Database<number, K>, sellerId: string, day: string): K[] {
  const found: K[] = [];
  for (const key of db.getKeys({ start: [sellerId, day] as unknown as K })) {
    if (key[0] !== sellerId || key[1] !== day) break;
    found.push(key);
  }
  return found;
}
