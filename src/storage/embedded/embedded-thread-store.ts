import type { Database, RootDatabase } from 'lmdb';
import { guard } from '../guard.js';
import type { BounceRecord, BounceRecordStore, ThreadEntry, ThreadStore } from '../ports.js';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** LMDB has no TTL: entries carry their expiry, reads ignore expired ones, and the purge job removes them. */
function live<T>(entry: Expiring<T> | undefined, now: number): T | null {
  return entry && entry.expiresAt > now ? entry.value : null;
}

export class EmbeddedThreadStore implements ThreadStore {
  private readonly db: Database<Expiring<ThreadEntry>, string>;

  constructor(
    private readonly root: RootDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.db = root.openDB({ name: 'threads', encoding: 'json' });
  }

  remember(pairId: string, entry: ThreadEntry, ttlSeconds: number): Promise<void> {
    return guard('remember', async () => {
      const value = { value: entry, expiresAt: this.now() + ttlSeconds * 1000 };
      await this.root.transaction(() => {
        void this.db.put(`${pairId}\0r\0${entry.relayId}`, value);
        if (entry.originalHash) void this.db.put(`${pairId}\0o\0${entry.originalHash}`, value);
      });
    });
  }

  findByRelayIds(pairId: string, relayIds: string[]): Promise<(ThreadEntry | null)[]> {
    return guard('findByRelayIds', async () => relayIds.map((id) => live(this.db.get(`${pairId}\0r\0${id}`), this.now())));
  }

  findByOriginalHashes(pairId: string, hashes: string[]): Promise<(ThreadEntry | null)[]> {
    return guard('findByOriginalHashes', async () => hashes.map((h) => live(this.db.get(`${pairId}\0o\0${h}`), this.now())));
  }
}

export class EmbeddedBounceRecordStore implements BounceRecordStore {
  private readonly db: Database<Expiring<BounceRecord>, string>;

  constructor(
    root: RootDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.db = root.openDB({ name: 'bounces', encoding: 'json' });
  }

  putBounceRecord(queueId: string, record: BounceRecord, ttlSeconds: number): Promise<void> {
    return guard('putBounceRecord', async () => {
      await this.db.put(queueId, { value: record, expiresAt: this.now() + ttlSeconds * 1000 });
    });
  }

  getBounceRecord(queueId: string): Promise<BounceRecord | null> {
    return guard('getBounceRecord', async () => live(this.db.get(queueId), this.now()));
  }
}
