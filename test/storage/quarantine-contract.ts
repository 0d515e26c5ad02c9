import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../src/domain/errors.js';
import type { Actor } from '../../src/quarantine/audit-entry.js';
import type { QuarantineFilter, QuarantineRecord } from '../../src/quarantine/quarantine-record.js';
import { QuarantineSealer } from '../../src/quarantine/quarantine-sealer.js';
import { QuarantineService } from '../../src/quarantine/quarantine-service.js';
import { MAX_SCAN } from '../../src/storage/quarantine-listing.js';
import type { QuarantineStore, Store } from '../../src/storage/ports.js';
import { testLogger, testSecrets } from '../helpers/env.js';
import { blobsOf, keepUntil, qid, quarantineInput, storedRecord, T0 } from '../helpers/quarantine-fixtures.js';
import { dumpStore } from '../helpers/store-dump.js';
import type { StoreFactory } from '../helpers/stores.js';

const reviewer: Actor = { role: 'reviewer', name: 'Mina' };
const decision = (status: 'released' | 'rejected' | 'held', at = T0 + 99_000) => ({ status, by: reviewer, at, reason: `to ${status}` });

async function putAll(store: QuarantineStore, records: QuarantineRecord[]): Promise<void> {
  await Promise.all(records.map((r) => store.put(r, blobsOf(r.id), keepUntil())));
}

/** Every page of a listing, following cursors to the end. */
async function allPages(store: QuarantineStore, filter: QuarantineFilter, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(filter, { cursor, limit });
    pages.push(page.items.map((r) => r.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

const ids = async (store: QuarantineStore, filter: QuarantineFilter) => (await allPages(store, filter, 100)).flat();

/** QuarantineStore semantics every adapter must have. */
export function quarantineContract(open: StoreFactory): void {
  describe('quarantine store', () => {
    it('when a record is put, then it and both blobs read back exactly; a second put of the id changes nothing', async () => {
      const { quarantine } = await open();
      const record = storedRecord(1);
      expect(await quarantine.put(record, blobsOf(record.id), keepUntil())).toEqual({ created: true });
      const again = await quarantine.put({ ...record, status: 'rejected', sellerId: 's9' }, { content: Buffer.from('x'), raw: Buffer.from('y') }, keepUntil());
      expect(again).toEqual({ created: false });
      expect(await quarantine.get(record.id)).toEqual(record);
      expect(await quarantine.getContent(record.id)).toEqual(blobsOf(record.id).content);
      expect(await quarantine.getRaw(record.id)).toEqual(blobsOf(record.id).raw);
      expect(await ids(quarantine, { sellerId: 's9' })).toEqual([]);
    });

    it('when an id is unknown, then get, blobs and decide answer nothing and missing', async () => {
      const { quarantine } = await open();
      expect(await quarantine.get(qid(404))).toBeNull();
      expect(await quarantine.getContent(qid(404))).toBeNull();
      expect(await quarantine.getRaw(qid(404))).toBeNull();
      expect(await quarantine.decide(qid(404), 'held', decision('released'))).toEqual({ outcome: 'missing' });
    });

    it('when a held record is decided, then it records who, when and why, moves index, and a second decision conflicts', async () => {
      const { quarantine } = await open();
      await putAll(quarantine, [storedRecord(1)]);
      const released = await quarantine.decide(qid(1), 'held', { ...decision('released'), mask: true });
      expect(released).toEqual({ outcome: 'decided', record: { ...storedRecord(1), status: 'released', decision: { ...decision('released'), mask: true } } });
      const late = await quarantine.decide(qid(1), 'held', decision('rejected'));
      expect(late).toEqual({ outcome: 'conflict', record: released.outcome === 'decided' ? released.record : null });
      expect(await ids(quarantine, { status: 'held' })).toEqual([]);
      expect(await ids(quarantine, { status: 'released' })).toEqual([qid(1)]);
      // A failed delivery sets a release back to held.
      expect((await quarantine.decide(qid(1), 'released', decision('held'))).outcome).toBe('decided');
      expect(await ids(quarantine, { status: 'held' })).toEqual([qid(1)]);
      expect(await ids(quarantine, { status: 'released' })).toEqual([]);
      expect((await quarantine.get(qid(1)))?.decision).toEqual(decision('held'));
    });

    it('when 20 decisions race for one held record, then exactly one wins and the rest see its outcome', async () => {
      const { quarantine } = await open();
      await putAll(quarantine, [storedRecord(1)]);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => quarantine.decide(qid(1), 'held', decision(i % 2 ? 'released' : 'rejected', T0 + i))),
      );
      const winners = results.filter((r) => r.outcome === 'decided');
      expect(winners).toHaveLength(1);
      const stored = await quarantine.get(qid(1));
      expect(winners[0]).toEqual({ outcome: 'decided', record: stored });
      for (const r of results.filter((x) => x.outcome === 'conflict')) expect(r).toEqual({ outcome: 'conflict', record: stored });
      expect(await ids(quarantine, { status: stored!.status })).toEqual([qid(1)]);
      expect(await ids(quarantine, { status: 'held' })).toEqual([]);
    });

    it('when records are listed, then newest come first, equal instants by id descending, and pages follow cursors', async () => {
      const { quarantine } = await open();
      await putAll(quarantine, [storedRecord(1), storedRecord(2), storedRecord(3, { createdAt: T0 + 2_000 }), storedRecord(4), storedRecord(5)]);
      expect(await allPages(quarantine, {}, 2)).toEqual([[qid(5), qid(4)], [qid(3), qid(2)], [qid(1)]]);
      const full = await quarantine.list({}, { limit: 10 });
      expect(full.items.map((r) => r.id)).toEqual([qid(5), qid(4), qid(3), qid(2), qid(1)]);
      expect(full.nextCursor).toBeNull();
    });

    it('when records arrive while a caller pages, then its pages neither repeat nor skip what was there', async () => {
      const { quarantine } = await open();
      await putAll(quarantine, [1, 2, 3, 4, 5, 6].map((n) => storedRecord(n)));
      const first = await quarantine.list({}, { limit: 2 });
      expect(first.items.map((r) => r.id)).toEqual([qid(6), qid(5)]);
      await putAll(quarantine, [storedRecord(7), storedRecord(8), storedRecord(9, { createdAt: T0 + 6_000 })]);
      const second = await quarantine.list({}, { cursor: first.nextCursor!, limit: 3 });
      expect(second.items.map((r) => r.id)).toEqual([qid(4), qid(3), qid(2)]);
      await quarantine.decide(qid(1), 'held', decision('rejected'));
      const third = await quarantine.list({}, { cursor: second.nextCursor!, limit: 3 });
      expect(third.items.map((r) => r.id)).toEqual([qid(1)]);
      expect(third.nextCursor).toBeNull();
    });

    it('when filters are given, then status, rule, seller and the half-open time range each narrow and combine', async () => {
      const { quarantine } = await open();
      await putAll(quarantine, [
        storedRecord(1, { sellerId: 's1', rules: ['a', 'b'] }),
        storedRecord(2, { sellerId: 's10', rules: ['b'] }),
        storedRecord(3, { sellerId: 's1', rules: ['c'], status: 'rejected' }),
        storedRecord(4, { sellerId: 's1', rules: ['a'] }),
        storedRecord(5, { sellerId: 's2', rules: ['a'] }),
      ]);
      await quarantine.decide(qid(4), 'held', decision('released'));
      expect(await ids(quarantine, { status: 'held' })).toEqual([qid(5), qid(2), qid(1)]);
      expect(await ids(quarantine, { rule: 'a' })).toEqual([qid(5), qid(4), qid(1)]);
      // Sellers whose ids share a prefix stay apart.
      expect(await ids(quarantine, { sellerId: 's1' })).toEqual([qid(4), qid(3), qid(1)]);
      expect(await ids(quarantine, { sellerId: 's1', status: 'held' })).toEqual([qid(1)]);
      expect(await ids(quarantine, { sellerId: 's1', rule: 'c', status: 'rejected' })).toEqual([qid(3)]);
      expect(await ids(quarantine, { since: T0 + 2_000, until: T0 + 4_000 })).toEqual([qid(3), qid(2)]);
      expect(await ids(quarantine, { since: T0 + 2_000, until: T0 + 4_000, rule: 'b' })).toEqual([qid(2)]);
      expect(await ids(quarantine, { status: 'rejected', since: T0 + 4_000 })).toEqual([]);
      expect(await allPages(quarantine, { rule: 'a', since: T0 + 1_000 }, 1)).toEqual([[qid(5)], [qid(4)], [qid(1)], []]);
    });

    it('when a filter matches nothing among more records than one call may scan, then pages stay bounded and reach the end', async () => {
      const { quarantine } = await open();
      const many = Array.from({ length: MAX_SCAN + 50 }, (_, i) => storedRecord(i + 1));
      for (let i = 0; i < many.length; i += 200) await putAll(quarantine, many.slice(i, i + 200));
      const first = await quarantine.list({ rule: 'rare' }, { limit: 10 });
      expect(first.items).toEqual([]);
      expect(first.nextCursor).not.toBeNull();
      const second = await quarantine.list({ rule: 'rare' }, { cursor: first.nextCursor!, limit: 10 });
      expect(second).toEqual({ items: [], nextCursor: null });
    });

    it('when a cursor was not handed out by the store, then listing fails as a bad request naming it', async () => {
      const { quarantine } = await open();
      const err = await quarantine.list({}, { cursor: 'bm9wZQ', limit: 5 }).catch((e: unknown) => e);
      expect(isParleyError(err, 'bad_request') && err.field).toBe('cursor');
    });

    it('when old records are purged, then only those before the cutoff go, in batches, with blobs and index entries', async () => {
      const { quarantine } = await open();
      await putAll(quarantine, [1, 2, 3, 4, 5].map((n) => storedRecord(n, { sellerId: n % 2 ? 's1' : 's2' })));
      await quarantine.decide(qid(2), 'held', decision('released'));
      expect(await quarantine.purge(T0 + 4_000, 2)).toBe(2);
      expect(await quarantine.purge(T0 + 4_000, 2)).toBe(1);
      expect(await quarantine.purge(T0 + 4_000, 2)).toBe(0);
      for (const n of [1, 2, 3]) {
        expect(await quarantine.get(qid(n))).toBeNull();
        expect(await quarantine.getContent(qid(n))).toBeNull();
        expect(await quarantine.getRaw(qid(n))).toBeNull();
      }
      expect(await ids(quarantine, {})).toEqual([qid(5), qid(4)]);
      expect(await ids(quarantine, { sellerId: 's1' })).toEqual([qid(5)]);
      expect(await ids(quarantine, { status: 'released' })).toEqual([]);
      expect(await ids(quarantine, { status: 'held' })).toEqual([qid(5), qid(4)]);
      expect(await quarantine.getRaw(qid(4))).toEqual(blobsOf(qid(4)).raw);
    });

    it('when a message is held, then a raw dump of the store shows no address, subject, text, file name or original', async () => {
      const store: Store = await open();
      const secrets = ['ceo.private@hidden-shop.example', 'Wombat subject line', 'kakao-wombat-7731', 'passport-zebra.pdf', 'RAW-BODY-aardvark'];
      const service = new QuarantineService({
        quarantine: store.quarantine,
        audit: store.audit,
        sealer: new QuarantineSealer(testSecrets.dataKey),
        deliver: async () => undefined,
        notifySender: async () => undefined,
        retentionDays: 90,
        logger: testLogger(),
      });
      await service.hold(
        quarantineInput({
          envelopeFrom: secrets[0]!,
          subject: secrets[1]!,
          renderedText: `call ${secrets[2]} now`,
          attachments: [{ filename: secrets[3]!, contentType: 'application/pdf', size: 10 }],
          findings: [{ ...quarantineInput().findings[0]!, match: secrets[0]!, context: { before: 'at ', match: secrets[0]!, after: '' } }],
          raw: Buffer.from(`From: <${secrets[0]}>\r\nSubject: ${secrets[1]}\r\n\r\n${secrets[4]}\r\n`),
        }),
      );
      expect((await service.view(qid(1), reviewer)).subject).toBe(secrets[1]);
      const dump = await dumpStore(store);
      // Ids and rule ids are clear by design: proof the dump reads values, not only key names.
      expect(dump).toContain(qid(1));
      expect(dump).toContain('seller-foreign-address');
      for (const secret of [...secrets, 'hidden-shop', 'ceo.private']) expect(dump.toLowerCase()).not.toContain(secret.toLowerCase());
    });
  });
}
