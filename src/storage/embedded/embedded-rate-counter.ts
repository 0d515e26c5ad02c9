import type { Database, RootDatabase } from 'lmdb';
import { guard } from '../guard.js';
import type { RateCounter, RateHit } from '../ports.js';

/** One key's current window. */
interface RateWindow {
  count: number;
  resetAt: number;
}

type ExpiryKey = [resetAt: number, name: string];

/**
 * Expired windows removed per hit. Every hit creates at most one window and removes up to this many, so the
 * store stays bounded by the keys active within one window, with no sweeper and no unbounded transaction.
 */
const PURGE_BATCH = 64;

/**
 * Fixed-window counters on LMDB, with the semantics of rate-hit.lua: each hit is one write transaction,
 * serialised across threads and processes. LMDB has no TTL, so windows are also indexed by their end
 * ([resetAt, name], which sorts by time) and each hit first removes a batch of ended ones.
 */
export class EmbeddedRateCounter implements RateCounter {
  private readonly windows: Database<RateWindow, string>;
  private readonly expiries: Database<number, ExpiryKey>;

  constructor(
    private readonly root: RootDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = root.openDB({ name: 'rate-windows', encoding: 'json' });
    this.expiries = root.openDB({ name: 'rate-expiries' });
  }

  hit(key: string, windowSeconds: number, limit: number): Promise<RateHit> {
    return guard('rateHit', () =>
      this.root.transaction((): RateHit => {
        const now = this.now();
        this.purgeEnded(now);
        const current = this.windows.get(key);
        let window: RateWindow;
        if (current && current.resetAt > now) {
          window = { count: current.count + 1, resetAt: current.resetAt };
        } else {
          if (current) void this.expiries.remove([current.resetAt, key]);
          window = { count: 1, resetAt: now + windowSeconds * 1000 };
          void this.expiries.put([window.resetAt, key], 1);
        }
        void this.windows.put(key, window);
        return { allowed: window.count <= limit, count: window.count, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
      }),
    );
  }

  /** Inside the caller's transaction. Keys are collected first: LMDB cursors should not walk keys being deleted. */
  private purgeEnded(now: number): void {
    const ended: ExpiryKey[] = [];
    for (const key of this.expiries.getKeys({ end: [now, '\uffff'], limit: PURGE_BATCH })) ended.push(key);
    for (const [resetAt, name] of ended) {
      void this.expiries.remove([resetAt, name]);
      // A newer window of the same key has its own expiry entry and must stay.
      if (this.windows.get(name)?.resetAt === resetAt) void this.windows.remove(name);
    }
  }
}
