import type { Database, RootDatabase } from 'lmdb';
import { checkDuplicateArguments, type DuplicateCounter } from '../../policy/duplicate-counter.js';
import { guard } from '../guard.js';

/** Days kept besides the current one: a sender's day spans two UTC dates, and late mail arrives. */
const DAYS_KEPT = 2;
const DAY_MS = 86_400_000;

/**
 * Near-duplicate counting in LMDB: one counter per (day, seller, band), incremented and read in one write
 * transaction, which LMDB serialises across processes. Keys start with the day, so forgetting old days is
 * one range deletion, done once per new day seen.
 */
export class EmbeddedDuplicateCounter implements DuplicateCounter {
  private readonly db: Database<number, [string, string, string]>;
  private prunedFor = '';

  constructor(private readonly root: RootDatabase) {
    this.db = root.openDB<number, [string, string, string]>({ name: 'duplicate-bands' });
  }

  countSimilar(sellerId: string, day: string, fingerprint: string): Promise<number> {
    return guard('countSimilar', async () => {
      checkDuplicateArguments(sellerId, day, fingerprint);
      const fields = fingerprint.split('.').map((band, i) => `${i}:${band}`);
      return this.root.transaction(() => {
        if (this.prunedFor !== day) this.prune(day);
        let highest = 0;
        for (const field of fields) {
          const key: [string, string, string] = [day, sellerId, field];
          const n = (this.db.get(key) ?? 0) + 1;
          void this.db.put(key, n);
          highest = Math.max(highest, n);
        }
        return highest;
      });
    });
  }

  /** Inside the caller's transaction: removes counters of days before the kept window. */
  private prune(day: string): void {
    const cutoff = new Date(Date.parse(`${day}T00:00:00Z`) - DAYS_KEPT * DAY_MS).toISOString().slice(0, 10);
    for (const { key } of this.db.getRange({ end: [cutoff] })) void this.db.remove(key);
    this.prunedFor = day;
  }
}
