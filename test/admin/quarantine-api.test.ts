import { request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildAdminServer } from '../../src/admin/server.js';
import { resolveSecrets } from '../../src/config/secrets.js';
import { createDirectory } from '../../src/directory/services.js';
import { ParleyError } from '../../src/domain/errors.js';
import { DailyCap } from '../../src/limits/daily-cap.js';
import { testConfig, testLogger, testSecrets } from '../helpers/env.js';
import { qid, quarantineInput } from '../helpers/quarantine-fixtures.js';
import { quarantineHarness, type QuarantineHarness } from '../helpers/quarantine-harness.js';

const admin = { authorization: `Bearer ${testSecrets.adminToken}` };
const reviewer = { authorization: `Bearer ${testSecrets.reviewerToken}`, 'x-reviewer': 'Mina Park' };

async function api(kind: 'embedded' | 'redis'): Promise<{ app: FastifyInstance; h: QuarantineHarness }> {
  const h = await quarantineHarness(kind);
  const config = testConfig({}, kind);
  const app = await buildAdminServer({
    directory: createDirectory(config, resolveSecrets(config), h.store),
    store: h.store,
    dailyCap: DailyCap.fromConfig(config.limits, h.store),
    tokens: { admin: testSecrets.adminToken, reviewer: testSecrets.reviewerToken },
    logger: testLogger(),
    quarantine: h.service,
  });
  onTestFinished(() => app.close());
  return { app, h };
}

/** Five held messages from two sellers, one minute apart, newest last; 3 and 4 matched a second rule. */
async function seed(h: QuarantineHarness): Promise<void> {
  for (let n = 1; n <= 5; n++) {
    await h.service.hold(
      quarantineInput({ id: qid(n), sellerId: n % 2 ? 'seller-1' : 'seller-2', rules: n === 3 || n === 4 ? ['r-main', 'r-extra'] : ['r-main'], createdAt: Date.UTC(2026, 5, 1, 12, n) }),
    );
  }
}

const listIds = async (app: FastifyInstance, query: string) => {
  const res = await app.inject({ url: `/v1/quarantine?${query}`, headers: reviewer });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { id: string }[]).map((i) => i.id);
};

for (const kind of ['embedded', 'redis'] as const) {
  describe(`quarantine API on ${kind}`, () => {
    it('when a reviewer lists, views and decides, then 200; raw is 403 for them and 200 message/rfc822 for admin', async () => {
      const { app, h } = await api(kind);
      await seed(h);
      expect((await app.inject({ url: '/v1/quarantine', headers: reviewer })).statusCode).toBe(200);
      const view = await app.inject({ url: `/v1/quarantine/${qid(1)}`, headers: reviewer });
      expect(view.statusCode).toBe(200);
      expect(view.headers['cache-control']).toBe('no-store');
      expect(view.json()).toMatchObject({ id: qid(1), status: 'held', subject: 'Your order', findings: [{ context: { match: 'john@gmail.example' } }] });
      expect(view.json()).not.toHaveProperty('envelopeFrom');
      expect((await app.inject({ url: `/v1/quarantine/${qid(1)}/raw`, headers: reviewer })).statusCode).toBe(403);
      const raw = await app.inject({ url: `/v1/quarantine/${qid(1)}/raw`, headers: admin });
      expect(raw.statusCode).toBe(200);
      expect(raw.headers['content-type']).toBe('message/rfc822');
      expect(raw.rawPayload).toEqual(quarantineInput().raw);
      expect((await app.inject({ method: 'POST', url: `/v1/quarantine/${qid(1)}/release`, headers: reviewer })).statusCode).toBe(200);
      const reject = await app.inject({ method: 'POST', url: `/v1/quarantine/${qid(2)}/reject`, headers: reviewer, payload: { reason: 'Contact details.' } });
      expect(reject.statusCode).toBe(200);
      expect(reject.json()).toMatchObject({ status: 'rejected', decision: { status: 'rejected', by: { role: 'reviewer', name: 'Mina Park' }, reason: 'Contact details.' } });
      expect(reject.json().decision.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it('when no token is sent, then every quarantine and audit route answers 401', async () => {
      const { app, h } = await api(kind);
      await seed(h);
      for (const [method, url] of [
        ['GET', '/v1/quarantine'],
        ['GET', `/v1/quarantine/${qid(1)}`],
        ['GET', `/v1/quarantine/${qid(1)}/raw`],
        ['POST', `/v1/quarantine/${qid(1)}/release`],
        ['POST', `/v1/quarantine/${qid(1)}/reject`],
        ['GET', '/v1/audit'],
      ] as const) {
        expect((await app.inject({ method, url })).statusCode, url).toBe(401);
      }
      expect(h.deliveries).toEqual([]);
    });

    it('when an id is unknown, then 404 quarantine_not_found; when it is malformed, then 400 naming it', async () => {
      const { app } = await api(kind);
      const missing = await app.inject({ url: `/v1/quarantine/${qid(9)}`, headers: reviewer });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error).toBe('quarantine_not_found');
      expect((await app.inject({ method: 'POST', url: `/v1/quarantine/${qid(9)}/release`, headers: reviewer })).statusCode).toBe(404);
      const bad = await app.inject({ url: '/v1/quarantine/NOT-AN-ID', headers: reviewer });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().field).toBe('params/id');
    });

    it('when a message is decided twice, then the second decision answers 409 already_decided', async () => {
      const { app, h } = await api(kind);
      await seed(h);
      const release = () => app.inject({ method: 'POST', url: `/v1/quarantine/${qid(1)}/release`, headers: reviewer, payload: {} });
      expect((await release()).statusCode).toBe(200);
      const again = await release();
      expect(again.statusCode).toBe(409);
      expect(again.json().error).toBe('already_decided');
      const reject = await app.inject({ method: 'POST', url: `/v1/quarantine/${qid(1)}/reject`, headers: admin, payload: { reason: 'x' } });
      expect(reject.statusCode).toBe(409);
      expect(h.deliveries).toHaveLength(1);
    });

    it('when a release asks for masking, then deliver gets mask true; without a body, mask false', async () => {
      const { app, h } = await api(kind);
      await seed(h);
      await app.inject({ method: 'POST', url: `/v1/quarantine/${qid(1)}/release`, headers: reviewer, payload: { mask: true } });
      await app.inject({ method: 'POST', url: `/v1/quarantine/${qid(2)}/release`, headers: reviewer });
      expect(h.deliveries.map((d) => [d.message.id, d.opts.mask])).toEqual([
        [qid(1), true],
        [qid(2), false],
      ]);
      expect(h.deliveries[0]!.raw).toEqual(quarantineInput().raw);
    });

    it('when delivery fails, then the release answers 503 and the message is held again', async () => {
      const { app, h } = await api(kind);
      await seed(h);
      h.fail.deliver = new ParleyError('spool_unavailable');
      const res = await app.inject({ method: 'POST', url: `/v1/quarantine/${qid(1)}/release`, headers: reviewer });
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toBe('spool_unavailable');
      const view = await app.inject({ url: `/v1/quarantine/${qid(1)}`, headers: reviewer });
      expect(view.json()).toMatchObject({ status: 'held', decision: { status: 'held', reason: 'release failed: spool_unavailable' } });
    });

    it('when a reject has no reason, or bad fields, then 400 names the field', async () => {
      const { app, h } = await api(kind);
      await seed(h);
      const cases: [string, unknown, string][] = [
        [`/v1/quarantine/${qid(1)}/reject`, {}, 'reason'],
        [`/v1/quarantine/${qid(1)}/reject`, { reason: '' }, 'reason'],
        [`/v1/quarantine/${qid(1)}/release`, { mask: 'yes' }, 'mask'],
        [`/v1/quarantine/${qid(1)}/release`, { mask: true, extra: 1 }, 'extra'],
      ];
      for (const [url, payload, field] of cases) {
        const res = await app.inject({ method: 'POST', url, headers: reviewer, payload: payload as object });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().field).toBe(field);
      }
      expect((await h.store.quarantine.get(qid(1)))?.status).toBe('held');
    });

    it('when the list is paged, then cursors walk newest first to the end, untouched by newer arrivals', async () => {
      const { app, h } = await api(kind);
      await seed(h);
      const first = (await app.inject({ url: '/v1/quarantine?limit=2', headers: reviewer })).json();
      expect(first.items.map((i: { id: string }) => i.id)).toEqual([qid(5), qid(4)]);
      expect(first.items[0].createdAt).toBe('2026-06-01T12:05:00.000Z');
      await h.service.hold(quarantineInput({ id: qid(6), createdAt: Date.UTC(2026, 5, 1, 13) }));
      const second = (await app.inject({ url: `/v1/quarantine?limit=2&cursor=${first.nextCursor}`, headers: reviewer })).json();
      expect(second.items.map((i: { id: string }) => i.id)).toEqual([qid(3), qid(2)]);
      const third = (await app.inject({ url: `/v1/quarantine?limit=2&cursor=${second.nextCursor}`, headers: reviewer })).json();
      expect(third).toMatchObject({ items: [{ id: qid(1) }], nextCursor: null });
    });

    it('when filters are given, then status, rule, seller and time range narrow the list', async () => {
      const { app, h } = await api(kind);
      await seed(h);
      await app.inject({ method: 'POST', url: `/v1/quarantine/${qid(3)}/reject`, headers: reviewer, payload: { reason: 'no' } });
      expect(await listIds(app, 'status=rejected')).toEqual([qid(3)]);
      expect(await listIds(app, 'rule=r-extra')).toEqual([qid(4), qid(3)]);
      expect(await listIds(app, 'sellerId=seller-1&status=held')).toEqual([qid(5), qid(1)]);
      expect(await listIds(app, 'since=2026-06-01T12:02:00Z&until=2026-06-01T12:04:00Z')).toEqual([qid(3), qid(2)]);
      for (const [query, field] of [
        ['status=pending', 'querystring/status'],
        ['limit=0', 'querystring/limit'],
        ['limit=201', 'querystring/limit'],
        ['since=yesterday', 'querystring/since'],
        ['cursor=bm9wZQ', 'cursor'],
      ]) {
        const res = await app.inject({ url: `/v1/quarantine?${query}`, headers: reviewer });
        expect(res.statusCode, query).toBe(400);
        expect(res.json().field, query).toBe(field);
      }
    });

    it('when messages are viewed and decided, then the audit log names who, what and why, newest first', async () => {
      const { app, h } = await api(kind);
      await seed(h);
      const named = { ...reviewer, 'x-reviewer': ` Mina\u0000\u202e Park ${'x'.repeat(200)}` };
      await app.inject({ url: `/v1/quarantine/${qid(1)}`, headers: named });
      await app.inject({ url: `/v1/quarantine/${qid(1)}/raw`, headers: admin });
      await app.inject({ method: 'POST', url: `/v1/quarantine/${qid(1)}/reject`, headers: reviewer, payload: { reason: 'Asked for a phone number.' } });
      const res = await app.inject({ url: `/v1/audit?quarantineId=${qid(1)}`, headers: reviewer });
      expect(res.statusCode).toBe(200);
      const items = res.json().items as { action: string; actor: { role: string; name?: string }; reason?: string; at: string }[];
      expect(items.map((i) => i.action)).toEqual(['reject', 'view_raw', 'view', 'hold']);
      expect(items[0]).toMatchObject({ actor: { role: 'reviewer', name: 'Mina Park' }, reason: 'Asked for a phone number.' });
      expect(items[1]!.actor).toEqual({ role: 'admin' });
      expect(items[2]!.actor.name).toBe(`Mina Park ${'x'.repeat(90)}`);
      expect(items[3]!.actor).toEqual({ role: 'system', name: 'policy' });
      expect(items[0]!.at).toMatch(/Z$/);
      const paged = (await app.inject({ url: '/v1/audit?limit=2', headers: admin })).json();
      expect(paged.items).toHaveLength(2);
      expect(paged.nextCursor).toEqual(expect.any(String));
      const rest = (await app.inject({ url: `/v1/audit?limit=50&cursor=${paged.nextCursor}`, headers: admin })).json();
      expect(rest.nextCursor).toBeNull();
      expect(paged.items.length + rest.items.length).toBe(8);
    });
  });
}

describe('reviewer names over a real socket', () => {
  it('when X-Reviewer carries a UTF-8 name, then the audit log records it as written', async () => {
    const { app, h } = await api('embedded');
    await seed(h);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    // Node sends and reads header bytes as latin1: this puts the name's UTF-8 bytes on the wire unchanged.
    const name = Buffer.from('김민아 (QA)', 'utf8').toString('latin1');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: `/v1/quarantine/${qid(1)}`, headers: { ...reviewer, 'x-reviewer': name } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const [latest] = (await h.store.audit.list({ limit: 1 })).items;
    expect(latest).toMatchObject({ action: 'view', actor: { role: 'reviewer', name: '김민아 (QA)' } });
  });
});

describe('quarantine API documents itself', () => {
  it('when /openapi.json is fetched, then the quarantine and audit paths are listed with their schemas', async () => {
    const { app } = await api('embedded');
    const doc = (await app.inject('/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/quarantine', '/v1/quarantine/{id}', '/v1/quarantine/{id}/raw', '/v1/quarantine/{id}/release', '/v1/quarantine/{id}/reject', '/v1/audit']),
    );
    expect(doc.paths['/v1/quarantine/{id}/reject'].post.requestBody.content['application/json'].schema.required).toEqual(['reason']);
    expect(doc.paths['/v1/quarantine/{id}/raw'].get.responses['200'].content).toHaveProperty('message/rfc822');
  });
});
