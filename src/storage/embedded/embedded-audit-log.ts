import type { Database, RootDatabase } from 'lmdb';
import { ParleyError } from '../../domain/errors.js';
import type { AuditEntry, AuditPage, AuditRecord } from '../../quarantine/audit-entry.js';
import { guard } from '../guard.js';
import type { AuditLog } from '../ports.js';

/** Entry ids are a sequence; the cursor is the last id handed out. */
const SEQUENCE = /^\d{1,15}$/;

/**
 * The audit log on LMDB: entries keyed by a sequence number taken inside the append transaction (so two
 * processes never share one), plus a [quarantineId, seq] index for one message's history.
 */
export class EmbeddedAuditLog implements AuditLog {
  private readonly entries: Database<AuditRecord, number>;
  private readonly byQuarantine: Database<number, [string, number]>;

  constructor(private readonly root: RootDatabase) {
    this.entries = root.openDB({ name: 'audit', encoding: 'json' });
    this.byQuarantine = root.openDB({ name: 'audit-by-quarantine' });
  }

  append(record: AuditRecord): Promise<void> {
    return guard('appendAudit', () =>
      this.root.transaction(() => {
        let last = 0;
        for (const key of this.entries.getKeys({ reverse: true, limit: 1 })) last = key;
        const seq = last + 1;
        void this.entries.put(seq, record);
        if (record.quarantineId !== undefined) void this.byQuarantine.put([record.quarantineId, seq], 1);
      }),
    );
  }

  list(page: { cursor?: string | undefined; limit: number; quarantineId?: string | undefined }): Promise<AuditPage> {
    return guard('listAudit', async () => {
      if (page.cursor !== undefined && !SEQUENCE.test(page.cursor)) {
        throw new ParleyError('bad_request', 'cursor is not one this API handed out', { field: 'cursor' });
      }
      const below = page.cursor === undefined ? Infinity : Number(page.cursor);
      // One more than asked tells whether anything older remains, so the last page says so.
      const want = page.limit + 1;
      const seqs: number[] = [];
      if (page.quarantineId === undefined) {
        for (const seq of this.entries.getKeys({ start: below, end: 0, reverse: true, limit: want + 1 })) {
          if (seq < below) seqs.push(seq);
          if (seqs.length === want) break;
        }
      } else {
        const q = page.quarantineId;
        for (const [, seq] of this.byQuarantine.getKeys({ start: [q, below], end: [q], reverse: true, limit: want + 1 })) {
          if (seq < below) seqs.push(seq);
          if (seqs.length === want) break;
        }
      }
      const items = seqs.slice(0, page.limit).flatMap((seq): AuditEntry[] => {
        const record = this.entries.get(seq);
        return record ? [{ ...record, id: String(seq) }] : [];
      });
      return { items, nextCursor: seqs.length > page.limit ? items.at(-1)!.id : null };
    });
  }
}
