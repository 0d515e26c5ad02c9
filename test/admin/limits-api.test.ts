import type { FastifyInstance } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildAdminServer } from '../../src/admin/server.js';
import { resolveSecrets } from '../../src/config/secrets.js';
import { createDirectory } from '../../src/directory/services.js';
import { DailyCap } from '../../src/limits/daily-cap.js';
import { openStore } from '../../src/storage/open-store.js';
import { testConfig, testLogger, testSecrets } from '../helpers/env.js';

const admin = { authorization: `Bearer ${testSecrets.adminToken}` };
const reviewer = { authorization: `Bearer ${testSecrets.reviewerToken}` };
const NOW = Date.parse('2026-11-23T10:00:00Z');

async function api(kind: 'embedded' | 'redis', limits: Record<string, unknown> = {}): Promise<{ app: FastifyInstance; dailyCap: DailyCap }> {
  const config = testConfig({ limits }, kind);
  const store = openStore(config);
  const now = () => NOW;
  const dailyCap = DailyCap.fromConfig(config.limits, store, now);
  const app = await buildAdminServer({
    directory: createDirectory(config, resolveSecrets(config), store, now),
    store,
    dailyCap,
    tokens: { admin: testSecrets.adminToken, reviewer: testSecrets.reviewerToken },
    logger: testLogger(),
  });
  onTestFinished(async () => {
    await app.close();
    await store.close();
  });
  return { app, dailyCap };
}

async function seed(app: FastifyInstance, orders: number): Promise<void> {
  for (const [id, body] of [
    ['seller-1', { role: 'seller', name: 'Blue Kettle', emails: ['owner@shop.example'] }],
    ['buyer-1', { role: 'buyer', name: 'Jiwoo', emails: ['jiwoo@mail.example'] }],
  ] as const) {
    expect((await app.inject({ method: 'PUT', url: `/v1/parties/${id}`, headers: admin, payload: body })).statusCode).toBe(201);
  }
  for (let i = 0; i < orders; i++) {
    const placedAt = new Date(Date.parse('2026-10-24T12:00:00Z') + i * 86_400_000).toISOString();
    const res = await app.inject({ method: 'POST', url: '/v1/orders', headers: admin, payload: { orderId: `ord-${i}`, buyerId: 'buyer-1', sellerId: 'seller-1', placedAt } });
    expect(res.statusCode).toBe(201);
  }
}

for (const kind of ['embedded', 'redis'] as const) {
  describe(`seller limits API on ${kind}`, () => {
    it('when 30 orders were posted over the window and 3 messages counted, then the seller\'s limits show cap 605 with 3 sent', async () => {
      const { app, dailyCap } = await api(kind);
      await seed(app, 30);
      for (const id of ['m1', 'm2', 'm3']) await dailyCap.consume('seller-1', id);
      const res = await app.inject({ method: 'GET', url: '/v1/sellers/seller-1/limits', headers: admin });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ windowDays: 30, averageDailyOrders: 1, cap: 605, sentToday: 3, remaining: 602, resetsAt: '2026-11-24T00:00:00Z' });
    });

    it('when a reviewer asks, then 200; without a token, then 401', async () => {
      const { app } = await api(kind);
      await seed(app, 0);
      const res = await app.inject({ method: 'GET', url: '/v1/sellers/seller-1/limits', headers: reviewer });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ cap: 600, sentToday: 0, remaining: 600 });
      expect((await app.inject({ method: 'GET', url: '/v1/sellers/seller-1/limits' })).statusCode).toBe(401);
    });

    it('when the seller is unknown, then 404; when the id is a buyer, then 400; when the id is malformed, then 400 naming it', async () => {
      const { app } = await api(kind);
      await seed(app, 0);
      const unknown = await app.inject({ method: 'GET', url: '/v1/sellers/ghost/limits', headers: admin });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ error: 'party_not_found' });
      const buyer = await app.inject({ method: 'GET', url: '/v1/sellers/buyer-1/limits', headers: admin });
      expect(buyer.statusCode).toBe(400);
      expect(buyer.json()).toEqual({ error: 'bad_request', message: 'party buyer-1 is a buyer, not a seller', field: 'id' });
      const bad = await app.inject({ method: 'GET', url: '/v1/sellers/bad%20id/limits', headers: admin });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().field).toBe('params/id');
    });

    it('when the cap settings are changed, then the window and the reset follow them', async () => {
      const { app } = await api(kind, { capWindowDays: 10, capTimeZone: 'Asia/Seoul' });
      await seed(app, 30);
      // Seoul's 23 November began at 15:00 UTC on the 22nd; its 10-day window holds the orders of 13–22 November.
      const res = await app.inject({ method: 'GET', url: '/v1/sellers/seller-1/limits', headers: admin });
      expect(res.json()).toEqual({ windowDays: 10, averageDailyOrders: 1, cap: 605, sentToday: 0, remaining: 605, resetsAt: '2026-11-23T15:00:00Z' });
    });
  });
}
