import type { FastifyInstance } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildAdminServer } from '../../src/admin/server.js';
import { resolveSecrets } from '../../src/config/secrets.js';
import { createDirectory } from '../../src/directory/services.js';
import { DailyCap } from '../../src/limits/daily-cap.js';
import { openStore } from '../../src/storage/open-store.js';
import { connectRedis } from '../../src/storage/redis/client.js';
import { RedisStore } from '../../src/storage/redis/redis-store.js';
import { testConfig, testLogger, testSecrets } from '../helpers/env.js';
import { freePort } from '../helpers/redis-process.js';

const admin = { authorization: `Bearer ${testSecrets.adminToken}` };
const reviewer = { authorization: `Bearer ${testSecrets.reviewerToken}` };

async function api(kind: 'embedded' | 'redis'): Promise<FastifyInstance> {
  const config = testConfig({}, kind);
  const store = openStore(config);
  const app = await buildAdminServer({
    directory: createDirectory(config, resolveSecrets(config), store),
    store,
    dailyCap: DailyCap.fromConfig(config.limits, store),
    tokens: { admin: testSecrets.adminToken, reviewer: testSecrets.reviewerToken },
    logger: testLogger(),
  });
  onTestFinished(async () => {
    await app.close();
    await store.close();
  });
  return app;
}

async function seed(app: FastifyInstance): Promise<void> {
  for (const [id, body] of [
    ['seller-1', { role: 'seller', name: 'Blue Kettle', emails: ['owner@shop.example'] }],
    ['buyer-1', { role: 'buyer', name: 'Jiwoo', emails: ['jiwoo@mail.example'], businessBuyer: true }],
  ] as const) {
    const res = await app.inject({ method: 'PUT', url: `/v1/parties/${id}`, headers: admin, payload: body });
    expect(res.statusCode).toBe(201);
  }
}

for (const kind of ['embedded', 'redis'] as const) {
  describe(`admin API on ${kind}`, () => {
    it('when no token or a wrong one is sent, then 401; when a reviewer writes parties, then 403', async () => {
      const app = await api(kind);
      const body = { role: 'buyer', name: 'X', emails: ['x@y.example'] };
      expect((await app.inject({ method: 'PUT', url: '/v1/parties/p', payload: body })).statusCode).toBe(401);
      expect((await app.inject({ method: 'PUT', url: '/v1/parties/p', payload: body, headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
      const res = await app.inject({ method: 'PUT', url: '/v1/parties/p', payload: body, headers: reviewer });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ error: 'forbidden', message: 'this token may not do that' });
    });

    it('when a party is put twice, then 201 then 200, and the stored party reads back canonicalised', async () => {
      const app = await api(kind);
      const payload = { role: 'seller', name: 'Shop <shop@x.example>', emails: ['Owner@Shop.Example', 'owner@shop.example', 'team@shop.example'] };
      expect((await app.inject({ method: 'PUT', url: '/v1/parties/s1', headers: admin, payload })).statusCode).toBe(201);
      const again = await app.inject({ method: 'PUT', url: '/v1/parties/s1', headers: admin, payload });
      expect(again.statusCode).toBe(200);
      // The display name lands in From headers: no @ and no angle brackets survive.
      expect(again.json()).toEqual({ id: 's1', role: 'seller', name: 'Shop shop x.example', emails: ['owner@shop.example', 'team@shop.example'], businessBuyer: false });
      expect((await app.inject({ method: 'GET', url: '/v1/parties/s1', headers: admin })).json().emails).toHaveLength(2);
    });

    it('when a party changes role, then 409 role_conflict', async () => {
      const app = await api(kind);
      await seed(app);
      const res = await app.inject({ method: 'PUT', url: '/v1/parties/seller-1', headers: admin, payload: { role: 'buyer', name: 'X', emails: ['x@y.example'] } });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toBe('role_conflict');
    });

    it('when input is bad, then 400 names the field and the reason', async () => {
      const app = await api(kind);
      const cases: [string, string, unknown, string][] = [
        ['PUT', '/v1/parties/s1', { role: 'owner', name: 'X', emails: ['x@y.example'] }, 'role'],
        ['PUT', '/v1/parties/s1', { role: 'seller', name: 'X', emails: ['not-an-address'] }, 'emails/0'],
        ['PUT', '/v1/parties/s1', { role: 'seller', name: 'X' }, 'emails'],
        ['PUT', '/v1/parties/bad%20id', { role: 'seller', name: 'X', emails: ['x@y.example'] }, 'params/id'],
        ['POST', '/v1/orders', { orderId: 'o', buyerId: 'b', sellerId: 's', placedAt: 'yesterday' }, 'placedAt'],
        ['POST', '/v1/orders', { orderId: 'o', buyerId: 'b', sellerId: 's', placedAt: '2026-11-01T00:00:00Z', extra: 1 }, 'extra'],
      ];
      for (const [method, url, payload, field] of cases) {
        const res = await app.inject({ method: method as 'PUT', url, headers: admin, payload: payload as object });
        expect(res.statusCode, `${url} ${field}`).toBe(400);
        expect(res.json().field, url).toBe(field);
        expect(res.json().message).not.toMatch(/at .*\.ts/);
      }
    });

    it('when an order is posted, then the pair is created and a repeat answers the same aliases', async () => {
      const app = await api(kind);
      await seed(app);
      const payload = { orderId: 'ord-1', buyerId: 'buyer-1', sellerId: 'seller-1', placedAt: '2026-11-20T10:00:00Z', marketplace: 'kr' };
      const first = await app.inject({ method: 'POST', url: '/v1/orders', headers: admin, payload });
      expect(first.statusCode).toBe(201);
      const body = first.json();
      expect(body.buyerAlias).toMatch(/^[a-z2-7]{26}@relay\.test$/);
      expect(body.sellerAlias).toMatch(/^[a-z2-7]{26}@relay\.test$/);
      const repeat = await app.inject({ method: 'POST', url: '/v1/orders', headers: admin, payload });
      expect(repeat.statusCode).toBe(200);
      expect(repeat.json()).toEqual({ ...body, created: false });

      const pair = await app.inject({ method: 'GET', url: '/v1/pairs/buyer-1/seller-1', headers: admin });
      expect(pair.statusCode).toBe(200);
      expect(pair.json()).toMatchObject({ buyerAlias: body.buyerAlias, sellerAlias: body.sellerAlias, buyerId: 'buyer-1', sellerId: 'seller-1' });
    });

    it('when an order id is reused for other parties, then 409; when parties are unknown or swapped, then 404 or 400', async () => {
      const app = await api(kind);
      await seed(app);
      await app.inject({ method: 'PUT', url: '/v1/parties/buyer-2', headers: admin, payload: { role: 'buyer', name: 'B', emails: ['b2@mail.example'] } });
      const base = { orderId: 'ord-1', buyerId: 'buyer-1', sellerId: 'seller-1', placedAt: '2026-11-20T10:00:00Z' };
      await app.inject({ method: 'POST', url: '/v1/orders', headers: admin, payload: base });
      const conflict = await app.inject({ method: 'POST', url: '/v1/orders', headers: admin, payload: { ...base, buyerId: 'buyer-2' } });
      expect(conflict.statusCode).toBe(409);
      const unknown = await app.inject({ method: 'POST', url: '/v1/orders', headers: admin, payload: { ...base, orderId: 'o2', buyerId: 'ghost' } });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ error: 'party_not_found', field: 'buyerId' });
      const swapped = await app.inject({ method: 'POST', url: '/v1/orders', headers: admin, payload: { ...base, orderId: 'o3', buyerId: 'seller-1', sellerId: 'buyer-1' } });
      expect(swapped.statusCode).toBe(400);
      expect(swapped.json().field).toBe('buyerId');
    });

    it('when no order links two parties, then their pair is 404', async () => {
      const app = await api(kind);
      await seed(app);
      const res = await app.inject({ method: 'GET', url: '/v1/pairs/buyer-1/seller-1', headers: admin });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toBe('pair_not_found');
    });

    it('when health is asked, then healthz and readyz answer without a token', async () => {
      const app = await api(kind);
      expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
      expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready', store: kind });
    });
  });
}

describe('admin API documents itself', () => {
  it('when /openapi.json is fetched, then it lists every route with its schemas', async () => {
    const app = await api('embedded');
    const doc = (await app.inject('/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/parties/{id}', '/v1/orders', '/v1/pairs/{buyerId}/{sellerId}', '/v1/sellers/{id}/limits', '/healthz', '/readyz']));
    expect(doc.paths['/v1/orders'].post.requestBody.content['application/json'].schema.required).toContain('orderId');
  });
});

describe('readiness when the store is down', () => {
  it('when Redis is unreachable, then readyz answers 503 and writes answer 503 store_unavailable', async () => {
    const config = testConfig({}, 'embedded');
    const store = new RedisStore(connectRedis({ url: `redis://127.0.0.1:${await freePort()}`, cluster: false, keyPrefix: 'x:' }));
    const app = await buildAdminServer({
      directory: createDirectory(config, resolveSecrets(config), store),
      store,
      dailyCap: DailyCap.fromConfig(config.limits, store),
      tokens: { admin: testSecrets.adminToken, reviewer: testSecrets.reviewerToken },
      logger: testLogger(),
    });
    try {
      const ready = await app.inject('/readyz');
      expect(ready.statusCode).toBe(503);
      const put = await app.inject({ method: 'PUT', url: '/v1/parties/p', headers: admin, payload: { role: 'buyer', name: 'X', emails: ['x@y.example'] } });
      expect(put.statusCode).toBe(503);
      expect(put.json()).toEqual({ error: 'store_unavailable', message: expect.stringContaining('store') });
    } finally {
      await app.close();
      store.redis.disconnect();
    }
  });
});
