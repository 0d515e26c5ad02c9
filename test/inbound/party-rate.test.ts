import { describe, expect, it, onTestFinished } from 'vitest';
import { simpleMessage, startRelay } from '../helpers/parley.js';
import { isParleyError } from '../../src/domain/errors.js';
import { PartyRateLimit } from '../../src/inbound/limits/party-rate.js';
import { toSmtpError } from '../../src/inbound/smtp-reply.js';
import { connectRedis } from '../../src/storage/redis/client.js';
import { RedisStore } from '../../src/storage/redis/redis-store.js';
import { redisUrl, testLogger, uniquePrefix } from '../helpers/env.js';
import { embeddedStoreFactory } from '../helpers/stores.js';

/** Two relay nodes' view of one Redis: separate connections, one key prefix. */
function twoNodes(): [RedisStore, RedisStore] {
  const keyPrefix = uniquePrefix();
  const open = () => {
    const store = new RedisStore(connectRedis({ url: redisUrl(), cluster: false, keyPrefix }));
    onTestFinished(() => store.close());
    return store;
  };
  return [open(), open()];
}

const settings = { messageRatePerParty: 3, partyRateWindowSeconds: 3600 };

async function refusal(promise: Promise<void>): Promise<unknown> {
  return promise.then(
    () => null,
    (err: unknown) => err,
  );
}

describe('PartyRateLimit (the per-party message rate the pipeline calls)', () => {
  it('when a party sends more messages per window than allowed, then the next gets 451 4.7.1 with a retry hint, and other parties are unaffected', async () => {
    const [store] = twoNodes();
    const limit = new PartyRateLimit(store.rates, settings);
    for (let i = 0; i < 3; i++) await expect(limit.check('seller-blue')).resolves.toBeUndefined();
    const err = await refusal(limit.check('seller-blue'));
    expect(isParleyError(err, 'party_rate_limited')).toBe(true);
    const reply = toSmtpError(err, testLogger());
    expect(reply.responseCode).toBe(451);
    const hint = /^4\.7\.1 Too many messages from this sender; try again in (\d+) seconds$/.exec(reply.message);
    expect(hint, reply.message).not.toBeNull();
    expect(Number(hint![1])).toBeGreaterThan(3500);
    expect(Number(hint![1])).toBeLessThanOrEqual(3600);
    await expect(limit.check('buyer-jiwoo')).resolves.toBeUndefined();
  });

  it('when two nodes check one party concurrently, then exactly the allowed number pass across both', async () => {
    const [a, b] = twoNodes();
    const limits = [new PartyRateLimit(a.rates, settings), new PartyRateLimit(b.rates, settings)];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => refusal(limits[i % 2]!.check('seller-burst'))));
    expect(results.filter((r) => r === null)).toHaveLength(3);
    expect(results.filter((r) => isParleyError(r, 'party_rate_limited'))).toHaveLength(17);
  });

  it('when the store is embedded, then the same limit holds', async () => {
    const store = await embeddedStoreFactory()();
    const limit = new PartyRateLimit(store.rates, { messageRatePerParty: 1, partyRateWindowSeconds: 60 });
    await limit.check('seller-blue');
    expect(isParleyError(await refusal(limit.check('seller-blue')), 'party_rate_limited')).toBe(true);
  });
});

describe('per-party message rate over SMTP', () => {
  it('when a seller sends more messages per window than allowed, then the next RCPT gets 451 4.7.1 and holds no cap unit, while the buyer still gets through', async () => {
    const relay = await startRelay({ overrides: { limits: { messageRatePerParty: 2 } } });
    const { buyerAlias, sellerAlias } = await relay.seed();
    const seller = 'owner@bluekettle.example';
    const c = await relay.client();
    for (let i = 0; i < 2; i++) expect((await c.transaction(seller, [buyerAlias], simpleMessage({ from: seller, to: buyerAlias }))).end?.code).toBe(250);
    await c.command(`MAIL FROM:<${seller}>`);
    const refused = await c.command(`RCPT TO:<${buyerAlias}>`);
    expect(refused.code).toBe(451);
    expect(refused.text).toMatch(/^4\.7\.1 Too many messages from this sender; try again in \d+ seconds$/);
    await c.command('RSET');
    const limits = await relay.parley.api.inject({ url: '/v1/sellers/seller-blue/limits', headers: { authorization: 'Bearer admin-token-0123456789' } });
    expect(limits.json().sentToday).toBe(2);
    const buyer = 'jiwoo.kim@gmail.example';
    expect((await c.transaction(buyer, [sellerAlias], simpleMessage({ from: buyer, to: sellerAlias }))).end?.code).toBe(250);
  });
});
