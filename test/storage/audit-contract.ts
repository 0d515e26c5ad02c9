import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../src/domain/errors.js';
import type { AuditLog } from '../../src/storage/ports.js';
import type { AuditRecord } from '../../src/quarantine/audit-entry.js';
import { qid } from '../helpers/quarantine-fixtures.js';
import type { StoreFactory } from '../helpers/stores.js';

const entry = (n: number, over: Partial<AuditRecord> = {}): AuditRecord => ({
  at: 1_000 + n,
  actor: { role: 'reviewer', name: `r${n}` },
  action: 'view',
  quarantineId: qid(n % 3),
  ...over,
});

async function everything(audit: AuditLog, limit: number, quarantineId?: string) {
  const pages: AuditRecord[][] = [];
  let cursor: string | undefined;
  do {
    const page = await audit.list({ cursor, limit, quarantineId });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

/** AuditLog semantics every adapter must have. */
export function auditContract(open: StoreFactory): void {
  describe('audit log', () => {
    it('when entries are appended, then they read back whole, newest first, each with its own id', async () => {
      const { audit } = await open();
      const full = entry(1, { action: 'release', reason: 'order talk only', detail: { mask: true, nested: { n: 1 } } });
      const system = entry(2, { actor: { role: 'system', name: 'retention' }, action: 'purge', quarantineId: undefined, detail: { count: 3 } });
      await audit.append(full);
      await audit.append(system);
      const page = await audit.list({ limit: 10 });
      expect(page.nextCursor).toBeNull();
      expect(page.items.map(({ id: _id, ...rest }) => rest)).toEqual([{ ...system, quarantineId: undefined }, full].map((e) => JSON.parse(JSON.stringify(e))));
      expect(new Set(page.items.map((e) => e.id)).size).toBe(2);
    });

    it('when the log is paged, then pages follow cursors newest first and the last page says it is the last', async () => {
      const { audit } = await open();
      for (let n = 1; n <= 5; n++) await audit.append(entry(n));
      const pages = await everything(audit, 2);
      expect(pages.map((p) => p.map((e) => e.at))).toEqual([[1005, 1004], [1003, 1002], [1001]]);
      // Exactly a page's worth: no empty page follows.
      expect((await everything(audit, 5)).map((p) => p.length)).toEqual([5]);
    });

    it('when one message is asked for, then only its entries come back, paged the same way', async () => {
      const { audit } = await open();
      for (let n = 1; n <= 9; n++) await audit.append(entry(n));
      const pages = await everything(audit, 2, qid(1));
      expect(pages.map((p) => p.map((e) => e.at))).toEqual([[1007, 1004], [1001]]);
      expect(pages.flat().every((e) => e.quarantineId === qid(1))).toBe(true);
      expect(await audit.list({ limit: 5, quarantineId: qid(404) })).toEqual({ items: [], nextCursor: null });
    });

    it('when 50 entries are appended at once, then all 50 are kept with distinct ids', async () => {
      const { audit } = await open();
      await Promise.all(Array.from({ length: 50 }, (_, n) => audit.append(entry(n))));
      const items = (await everything(audit, 20)).flat();
      expect(items).toHaveLength(50);
      expect(new Set(items.map((e) => (e as { id?: string }).id)).size).toBe(50);
      expect(new Set(items.map((e) => e.at)).size).toBe(50);
    });

    it('when a cursor was not handed out by the log, then listing fails as a bad request naming it', async () => {
      const { audit } = await open();
      const err = await audit.list({ cursor: 'not a cursor', limit: 5 }).catch((e: unknown) => e);
      expect(isParleyError(err, 'bad_request') && err.field).toBe('cursor');
    });

    it('when the log is inspected, then it offers append and list and nothing that could change an entry', async () => {
      const { audit } = await open();
      const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(audit)).filter((m) => m !== 'constructor');
      expect(methods.sort()).toEqual(['append', 'list']);
    });
  });
}
