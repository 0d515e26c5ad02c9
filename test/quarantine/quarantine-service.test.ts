import { describe, expect, it } from 'vitest';
import { isParleyError, ParleyError } from '../../src/domain/errors.js';
import type { Actor, AuditEntry } from '../../src/quarantine/audit-entry.js';
import { qid, quarantineInput } from '../helpers/quarantine-fixtures.js';
import { quarantineHarness, type QuarantineHarness } from '../helpers/quarantine-harness.js';

const reviewer: Actor = { role: 'reviewer', name: 'Mina' };
const admin: Actor = { role: 'admin', name: 'Ops' };
const DAY = 86_400_000;

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (isParleyError(e) ? e.code : String(e)));

async function auditOf(h: QuarantineHarness, id?: string): Promise<AuditEntry[]> {
  return (await h.store.audit.list({ limit: 100, quarantineId: id })).items;
}

for (const kind of ['embedded', 'redis'] as const) {
  describe(`quarantine service on ${kind}`, () => {
    it('when policy holds a message, then it is stored held, audited once as the system, and a repeat stores nothing more', async () => {
      const h = await quarantineHarness(kind);
      const record = await h.service.hold(quarantineInput({ rules: ['r1', 'r1', 'r2'] }));
      expect(record).toMatchObject({ id: qid(1), status: 'held', rules: ['r1', 'r2'], findingCount: 1, attachmentCount: 1 });
      expect(record.rawSize).toBe(quarantineInput().raw.length);
      await h.service.hold(quarantineInput({ rules: ['other'] }));
      expect(await h.store.quarantine.get(qid(1))).toEqual(record);
      const audit = await auditOf(h, qid(1));
      expect(audit).toEqual([expect.objectContaining({ action: 'hold', actor: { role: 'system', name: 'policy' }, detail: { rules: ['r1', 'r2'] } })]);
    });

    it('when policy rejects at SMTP time, then the copy is kept as rejected, audited, and cannot be released', async () => {
      const h = await quarantineHarness(kind);
      await h.service.hold(quarantineInput({ status: 'rejected' }));
      expect((await auditOf(h, qid(1)))[0]?.action).toBe('policy_reject');
      expect(await codeOf(h.service.release(qid(1), reviewer))).toBe('already_decided');
      expect(h.deliveries).toEqual([]);
    });

    it('when the pipeline hands over a malformed id, then nothing is stored', async () => {
      const h = await quarantineHarness(kind);
      expect(await codeOf(h.service.hold(quarantineInput({ id: 'Bad{id}' })))).toBe('internal');
      expect((await h.store.quarantine.list({}, { limit: 5 })).items).toEqual([]);
    });

    it('when a reviewer views a message, then findings in context, text and attachments come back, the envelope does not, and the view is audited', async () => {
      const h = await quarantineHarness(kind);
      const input = quarantineInput();
      await h.service.hold(input);
      const view = await h.service.view(qid(1), reviewer);
      expect(view).toMatchObject({ id: qid(1), status: 'held', subject: input.subject, renderedText: input.renderedText, attachments: input.attachments });
      expect(view.findings).toEqual(input.findings);
      expect(view).not.toHaveProperty('envelopeFrom');
      expect((await auditOf(h, qid(1)))[0]).toMatchObject({ action: 'view', actor: reviewer, at: h.clock.now });
    });

    it('when raw is read, then an admin gets the exact original bytes (audited) and a reviewer is refused', async () => {
      const h = await quarantineHarness(kind);
      await h.service.hold(quarantineInput());
      expect(await h.service.raw(qid(1), admin)).toEqual(quarantineInput().raw);
      expect(await codeOf(h.service.raw(qid(1), reviewer))).toBe('forbidden');
      expect((await auditOf(h, qid(1))).map((e) => e.action)).toEqual(['view_raw', 'hold']);
    });

    it('when a held message is released, then it is delivered once with its original and mask, recorded, audited, and a second release is 409', async () => {
      const h = await quarantineHarness(kind);
      await h.service.hold(quarantineInput());
      const released = await h.service.release(qid(1), reviewer, { mask: true });
      expect(released).toMatchObject({ status: 'released', decision: { status: 'released', by: reviewer, at: h.clock.now, mask: true } });
      expect(h.deliveries).toHaveLength(1);
      const [delivery] = h.deliveries;
      expect(delivery!.raw).toEqual(quarantineInput().raw);
      expect(delivery!.opts).toEqual({ mask: true });
      expect(delivery!.message).toMatchObject({ id: qid(1), status: 'released', envelopeFrom: 'owner@shop.example', findings: quarantineInput().findings });
      expect((await auditOf(h, qid(1)))[0]).toMatchObject({ action: 'release', actor: reviewer, detail: { mask: true } });
      expect(await codeOf(h.service.release(qid(1), reviewer))).toBe('already_decided');
      expect(await codeOf(h.service.reject(qid(1), reviewer, 'late'))).toBe('already_decided');
      expect(h.deliveries).toHaveLength(1);
    });

    it('when delivery of a release fails, then the error reaches the caller, the message is held again, and a retry delivers', async () => {
      const h = await quarantineHarness(kind);
      await h.service.hold(quarantineInput());
      const fault = new ParleyError('spool_unavailable');
      h.fail.deliver = fault;
      await expect(h.service.release(qid(1), reviewer)).rejects.toBe(fault);
      const back = await h.store.quarantine.get(qid(1));
      expect(back).toMatchObject({ status: 'held', decision: { status: 'held', by: reviewer, reason: 'release failed: spool_unavailable' } });
      expect((await auditOf(h, qid(1))).map((e) => e.action)).toEqual(['hold', 'release', 'hold']);
      expect((await h.store.quarantine.list({ status: 'held' }, { limit: 5 })).items.map((r) => r.id)).toEqual([qid(1)]);
      h.fail.deliver = undefined;
      expect((await h.service.release(qid(1), reviewer)).status).toBe('released');
      expect(h.deliveries).toHaveLength(2);
    });

    it('when a held message is rejected, then the sender is notified with the trimmed reason, and blank reasons are refused', async () => {
      const h = await quarantineHarness(kind);
      await h.service.hold(quarantineInput());
      expect(await codeOf(h.service.reject(qid(1), reviewer, '   '))).toBe('bad_request');
      const rejected = await h.service.reject(qid(1), reviewer, '  Personal contact details are not allowed.  ');
      expect(rejected).toMatchObject({ status: 'rejected', decision: { status: 'rejected', by: reviewer, reason: 'Personal contact details are not allowed.' } });
      expect(h.notices.map((n) => [n.message.id, n.message.envelopeFrom, n.reason])).toEqual([[qid(1), 'owner@shop.example', 'Personal contact details are not allowed.']]);
      expect((await auditOf(h, qid(1)))[0]).toMatchObject({ action: 'reject', actor: reviewer, reason: 'Personal contact details are not allowed.' });
      expect(await codeOf(h.service.release(qid(1), reviewer))).toBe('already_decided');
    });

    it('when the reject notice cannot be sent, then the message is held again and the error reaches the caller', async () => {
      const h = await quarantineHarness(kind);
      await h.service.hold(quarantineInput());
      h.fail.notify = new ParleyError('spool_unavailable');
      expect(await codeOf(h.service.reject(qid(1), reviewer, 'no'))).toBe('spool_unavailable');
      expect((await h.store.quarantine.get(qid(1)))?.status).toBe('held');
    });

    it('when an id is unknown, then view, raw, release and reject answer quarantine_not_found', async () => {
      const h = await quarantineHarness(kind);
      for (const call of [h.service.view(qid(9), reviewer), h.service.raw(qid(9), admin), h.service.release(qid(9), reviewer), h.service.reject(qid(9), reviewer, 'x')]) {
        expect(await codeOf(call)).toBe('quarantine_not_found');
      }
    });

    it('when a release and a reject race for one message, then exactly one takes effect', async () => {
      const h = await quarantineHarness(kind);
      await h.service.hold(quarantineInput());
      const outcomes = await Promise.all([
        codeOf(h.service.release(qid(1), reviewer)),
        codeOf(h.service.reject(qid(1), admin, 'no')),
        codeOf(h.service.release(qid(1), admin)),
      ]);
      expect(outcomes.filter((o) => o === 'resolved')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'already_decided')).toHaveLength(2);
      expect(h.deliveries.length + h.notices.length).toBe(1);
    });

    it('when the purge runs, then messages past retention go whatever their status, it is audited once, and an idle run audits nothing', async () => {
      const h = await quarantineHarness(kind, 90);
      const now = h.clock.now;
      await h.service.hold(quarantineInput({ id: qid(1), createdAt: now - 91 * DAY }));
      await h.service.hold(quarantineInput({ id: qid(2), createdAt: now - 95 * DAY, status: 'rejected' }));
      await h.service.hold(quarantineInput({ id: qid(3), createdAt: now - 89 * DAY }));
      await h.service.release(qid(1), reviewer);
      expect(await h.service.purgeExpired(now)).toBe(2);
      expect((await h.store.quarantine.list({}, { limit: 10 })).items.map((r) => r.id)).toEqual([qid(3)]);
      expect(await codeOf(h.service.view(qid(1), admin))).toBe('quarantine_not_found');
      const purges = (await auditOf(h)).filter((e) => e.action === 'purge');
      expect(purges).toEqual([expect.objectContaining({ actor: { role: 'system', name: 'retention' }, detail: { count: 2, before: new Date(now - 90 * DAY).toISOString(), retentionDays: 90 } })]);
      expect(await h.service.purgeExpired(now)).toBe(0);
      expect((await auditOf(h)).filter((e) => e.action === 'purge')).toHaveLength(1);
    });

    it('when more messages are due than one purge batch holds, then one run purges them all', async () => {
      const h = await quarantineHarness(kind, 1);
      const old = h.clock.now - 2 * DAY;
      for (let i = 0; i < 510; i += 30) {
        await Promise.all(Array.from({ length: Math.min(30, 510 - i) }, (_, j) => h.service.hold(quarantineInput({ id: qid(i + j + 1), createdAt: old }))));
      }
      expect(await h.service.purgeExpired()).toBe(510);
      expect(await h.store.quarantine.list({}, { limit: 5 })).toEqual({ items: [], nextCursor: null });
    });

    it('when a page size is out of range, then listing is refused naming limit', async () => {
      const h = await quarantineHarness(kind);
      for (const limit of [0, 201, 1.5]) {
        const err = await h.service.list({}, undefined, limit).catch((e: unknown) => e);
        expect(isParleyError(err, 'bad_request') && err.field).toBe('limit');
      }
    });
  });
}
