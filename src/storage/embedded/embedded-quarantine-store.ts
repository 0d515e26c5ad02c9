import type { Database, RootDatabase } from 'lmdb';
import type { QuarantineDecision, QuarantineFilter, QuarantinePage, QuarantineRecord, QuarantineStatus } from '../../quarantine/quarantine-record.js';
import { guard } from '../guard.js';
import type { QuarantineBlobs, QuarantineDecideResult, QuarantineStore } from '../ports.js';
import { chooseIndex, collectPage, type IndexEntry, type ListPosition } from '../quarantine-listing.js';

/** Index keys: [scope, createdAt, id]; scope is 'all', 'status:<status>' or 'seller:<sellerId>'. */
type IndexKey = [scope: string, createdAt: number, id: string];

const statusScope = (status: QuarantineStatus) => `status:${status}`;
const sellerScope = (sellerId: string) => `seller:${sellerId}`;

function scopeOf(filter: QuarantineFilter): string {
  const index = chooseIndex(filter);
  if (index.kind === 'seller') return sellerScope(index.sellerId);
  if (index.kind === 'status') return statusScope(index.status);
  return 'all';
}

/**
 * Quarantine on LMDB. Every write (put, decide, each purge batch) is one write transaction, serialised across
 * processes, so record and index entries always change together, as the Redis scripts do. One transaction
 * also means no orphaned blobs, so keepUntil needs no expiry here.
 */
export class EmbeddedQuarantineStore implements QuarantineStore {
  private readonly records: Database<QuarantineRecord, string>;
  private readonly contents: Database<Buffer, string>;
  private readonly raws: Database<Buffer, string>;
  private readonly index: Database<number, IndexKey>;

  constructor(private readonly root: RootDatabase) {
    this.records = root.openDB({ name: 'quarantine', encoding: 'json' });
    this.contents = root.openDB({ name: 'quarantine-content', encoding: 'binary' });
    this.raws = root.openDB({ name: 'quarantine-raw', encoding: 'binary' });
    this.index = root.openDB({ name: 'quarantine-index' });
  }

  put(record: QuarantineRecord, blobs: QuarantineBlobs, _keepUntil: number): Promise<{ created: boolean }> {
    return guard('putQuarantine', () =>
      this.root.transaction(() => {
        if (this.records.get(record.id)) return { created: false };
        void this.records.put(record.id, record);
        void this.contents.put(record.id, blobs.content);
        void this.raws.put(record.id, blobs.raw);
        for (const scope of ['all', statusScope(record.status), sellerScope(record.sellerId)]) {
          void this.index.put([scope, record.createdAt, record.id], 1);
        }
        return { created: true };
      }),
    );
  }

  get(id: string): Promise<QuarantineRecord | null> {
    return guard('getQuarantine', async () => this.records.get(id) ?? null);
  }

  // Copied out: LMDB may hand back memory that a later transaction reuses.
  getContent(id: string): Promise<Buffer | null> {
    return guard('getQuarantineContent', async () => {
      const value = this.contents.get(id);
      return value ? Buffer.from(value) : null;
    });
  }

  getRaw(id: string): Promise<Buffer | null> {
    return guard('getQuarantineRaw', async () => {
      const value = this.raws.get(id);
      return value ? Buffer.from(value) : null;
    });
  }

  list(filter: QuarantineFilter, page: { cursor?: string | undefined; limit: number }): Promise<QuarantinePage> {
    return guard('listQuarantine', () => {
      const scope = scopeOf(filter);
      return collectPage(async (after, count) => this.readIndex(scope, filter, after, count), filter, page.cursor, page.limit);
    });
  }

  decide(id: string, from: QuarantineStatus, decision: QuarantineDecision): Promise<QuarantineDecideResult> {
    return guard('decideQuarantine', () =>
      this.root.transaction((): QuarantineDecideResult => {
        const record = this.records.get(id);
        if (!record) return { outcome: 'missing' };
        if (record.status !== from) return { outcome: 'conflict', record };
        const decided: QuarantineRecord = { ...record, status: decision.status, decision };
        void this.records.put(id, decided);
        void this.index.remove([statusScope(from), record.createdAt, id]);
        void this.index.put([statusScope(decision.status), record.createdAt, id], 1);
        return { outcome: 'decided', record: decided };
      }),
    );
  }

  /** One transaction per batch: a long purge must not hold LMDB's single writer lock against incoming mail. */
  purge(before: number, limit: number): Promise<number> {
    return guard('purgeQuarantine', () =>
      this.root.transaction(() => {
        // Collected before removal: LMDB cursors should not walk keys the same transaction is deleting.
        const old = [...this.index.getKeys({ start: ['all'], end: ['all', before], limit })];
        let removed = 0;
        for (const key of old) {
          const [, createdAt, id] = key;
          const record = this.records.get(id);
          void this.index.remove(key);
          if (!record) continue;
          void this.index.remove([statusScope(record.status), createdAt, id]);
          void this.index.remove([sellerScope(record.sellerId), createdAt, id]);
          void this.records.remove(id);
          void this.contents.remove(id);
          void this.raws.remove(id);
          removed++;
        }
        return removed;
      }),
    );
  }

  /** Newest first below the cursor (or `until`), down to `since`; the range start is inclusive, so the cursor's own key is skipped. */
  private readIndex(scope: string, filter: QuarantineFilter, after: ListPosition | undefined, count: number): IndexEntry[] {
    const useAfter = after !== undefined && (filter.until === undefined || after.createdAt < filter.until);
    const start: unknown[] = useAfter ? [scope, after.createdAt, after.id] : [scope, filter.until ?? Infinity];
    const end: unknown[] = filter.since === undefined ? [scope] : [scope, filter.since];
    const entries: IndexEntry[] = [];
    for (const key of this.index.getKeys({ start: start as IndexKey, end: end as IndexKey, reverse: true })) {
      if (useAfter && key[1] === after.createdAt && key[2] === after.id) continue;
      entries.push({ position: { createdAt: key[1], id: key[2] }, record: this.records.get(key[2]) ?? null });
      if (entries.length === count) break;
    }
    return entries;
  }
}
