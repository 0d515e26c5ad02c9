import { describe, expect, it } from 'vitest';
import { CapCalendar } from '../../src/limits/cap-calendar.js';
import { DailyCap } from '../../src/limits/daily-cap.js';
import { redisUrl, tempDir, testSecrets, uniquePrefix } from '../helpers/env.js';
import { simpleMessage, startRelay } from '../helpers/parley.js';
import { processEnv, spawnParley } from '../helpers/parley-process.js';
import { RawSmtpClient } from '../helpers/smtp-client.js';
import { SmtpSink } from '../helpers/smtp-sink.js';

const SELLER = 'owner@bluekettle.example';
const CAP = 600; // a seller with no orders before today: 600 + 5 × 0
const EXTRA = 25;
const ADMIN = { authorization: `Bearer ${testSecrets.adminToken}` };
/** Every message comes from one loopback client and one seller, far past the edge's per-client and per-party defaults. */
const FLOOD_ENV = {
  PARLEY_MAX_CONNECTIONS_PER_IP: '100',
  PARLEY_CONNECTION_RATE_PER_IP: '10000',
  PARLEY_MESSAGE_RATE_PER_IP: '10000',
  PARLEY_MESSAGE_RATE_PER_PARTY: '10000',
};
const FLOOD_LIMITS = { limits: { maxConnectionsPerIp: 100, connectionRatePerIp: 10_000, messageRatePerIp: 10_000, messageRatePerParty: 10_000 } };

/** One message per session, as most senders do; returns the reply that decided it (RCPT or end of DATA). */
async function sendOne(port: number, to: string, i: number): Promise<{ code: number; text: string }> {
  const c = await RawSmtpClient.connect(port);
  try {
    await c.read();
    await c.command('EHLO seller-pc.example');
    const res = await c.transaction(SELLER, [to], simpleMessage({ from: SELLER, to, subject: `Update ${i}` }));
    const decisive = res.end ?? res.rcpt[0]!;
    return { code: decisive.code, text: decisive.text };
  } finally {
    c.close();
  }
}

async function sendAll(ports: number[], to: string, count: number, parallel = 40) {
  const results: { code: number; text: string }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        results.push(await sendOne(ports[i % ports.length]!, to, i));
      }
    }),
  );
  return results;
}

function tally(results: { code: number; text: string }[], cap = CAP) {
  const accepted = results.filter((r) => r.code === 250).length;
  const refused = results.filter((r) => r.code === 550 && r.text.startsWith(`5.4.5 Daily message limit reached (${cap} of ${cap}); resets at `));
  return { accepted, refused: refused.length, other: results.filter((r) => r.code !== 250 && !refused.includes(r)) };
}

describe('daily cap across nodes', () => {
  it('when two Parley processes share one Redis and N + 25 messages race, then exactly N are accepted and 25 refused with 5.4.5', async () => {
    const sink = new SmtpSink();
    await sink.start();
    try {
      const shared = { PARLEY_REDIS_URL: redisUrl(), PARLEY_REDIS_PREFIX: uniquePrefix(), PARLEY_OUTBOUND: `smtp://127.0.0.1:${sink.port}`, ...FLOOD_ENV };
      const [a, b] = await Promise.all([spawnParley(processEnv(tempDir(), shared)), spawnParley(processEnv(tempDir(), shared))]);
      await a.api('PUT', '/v1/parties/seller-blue', { role: 'seller', name: 'Blue Kettle Store', emails: [SELLER] });
      await a.api('PUT', '/v1/parties/buyer-jiwoo', { role: 'buyer', name: 'Jiwoo', emails: ['jiwoo.kim@gmail.example'] });
      const order = (await b.api('POST', '/v1/orders', { orderId: 'o1', buyerId: 'buyer-jiwoo', sellerId: 'seller-blue', placedAt: new Date().toISOString() })).json as { buyerAlias: string };

      const result = tally(await sendAll([a.smtpPort, b.smtpPort], order.buyerAlias, CAP + EXTRA));
      expect(result.other).toEqual([]);
      expect(result).toMatchObject({ accepted: CAP, refused: EXTRA });
      const limits = (await b.api('GET', '/v1/sellers/seller-blue/limits')).json as { cap: number; sentToday: number; remaining: number };
      expect(limits).toMatchObject({ cap: CAP, sentToday: CAP, remaining: 0 });
      await sink.waitFor(CAP, 60_000);
    } finally {
      await sink.stop();
    }
  }, 120_000);

  it('when a relay process dies between RCPT and 250, then its units count until their leases end and the full cap is then back', async () => {
    const prefix = uniquePrefix();
    const sessionTimeoutSeconds = 60;
    const crashing = await spawnParley(
      processEnv(tempDir(), { PARLEY_REDIS_URL: redisUrl(), PARLEY_REDIS_PREFIX: prefix, PARLEY_SMTP_SESSION_TIMEOUT: String(sessionTimeoutSeconds) }),
    );
    await crashing.api('PUT', '/v1/parties/seller-blue', { role: 'seller', name: 'Blue Kettle Store', emails: [SELLER] });
    await crashing.api('PUT', '/v1/parties/buyer-jiwoo', { role: 'buyer', name: 'Jiwoo', emails: ['jiwoo.kim@gmail.example'] });
    // An order older than the window: the cap is 600 on whichever day the moved clock lands.
    const placedAt = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const order = (await crashing.api('POST', '/v1/orders', { orderId: 'o1', buyerId: 'buyer-jiwoo', sellerId: 'seller-blue', placedAt })).json as { buyerAlias: string };
    const clients = await Promise.all(Array.from({ length: 3 }, () => RawSmtpClient.connect(crashing.smtpPort)));
    for (const c of clients) {
      await c.read();
      await c.command('EHLO seller-pc.example');
      expect((await c.command(`MAIL FROM:<${SELLER}>`)).code).toBe(250);
      expect((await c.command(`RCPT TO:<${order.buyerAlias}>`)).code).toBe(250);
    }
    // Killed mid-transaction: no 250, no release, no commit.
    await crashing.kill('SIGKILL');
    for (const c of clients) c.close();

    // Another node on the same Redis, whose clock the test moves instead of waiting out the lease.
    let clock = Date.now();
    const survivor = await startRelay({ store: 'redis', overrides: { redis: { keyPrefix: prefix } }, start: { now: () => clock } });
    const limits = async () => (await survivor.parley.api.inject({ url: '/v1/sellers/seller-blue/limits', headers: ADMIN })).json() as { cap: number; sentToday: number; remaining: number };
    expect(await limits()).toMatchObject({ cap: CAP, sentToday: 3, remaining: CAP - 3 });
    clock += DailyCap.leaseSecondsFor({ sessionTimeoutSeconds }) * 1000;
    expect(await limits()).toMatchObject({ cap: CAP, sentToday: 0, remaining: CAP });
  }, 60_000);

  it('when a seller message is accepted, then its unit is committed and still counts after the lease would have ended', async () => {
    let clock = Date.now();
    const relay = await startRelay({ start: { now: () => clock } });
    // Mid-morning of the cap's current day: moved on past the lease, the clock must still be on the same day
    // (run within the lease's length of midnight, "today" would otherwise be the next day, with nothing sent).
    const calendar = new CapCalendar(relay.config.limits.capTimeZone);
    clock = calendar.startOf(calendar.dateAt(clock)) + 9 * 3_600_000;
    const { buyerAlias } = await relay.seed();
    const c = await relay.client();
    expect((await c.transaction(SELLER, [buyerAlias], simpleMessage({ from: SELLER, to: buyerAlias }))).end?.code).toBe(250);
    clock += DailyCap.leaseSecondsFor(relay.config.limits) * 1000 + 60_000;
    const limits = (await relay.parley.api.inject({ url: '/v1/sellers/seller-blue/limits', headers: ADMIN })).json() as { sentToday: number };
    expect(limits.sentToday).toBe(1);
  });

  it('when one embedded-store relay gets N + 25 concurrent messages, then exactly N are accepted', async () => {
    const relay = await startRelay({ overrides: FLOOD_LIMITS });
    const { buyerAlias } = await relay.seed();
    // seed()'s order three days ago makes a young seller: 600 + floor(5 × 1/3) = 601.
    const { cap } = (await relay.parley.api.inject({ url: '/v1/sellers/seller-blue/limits', headers: ADMIN })).json() as { cap: number };
    expect(cap).toBe(601);
    const result = tally(await sendAll([relay.parley.smtpPort], buyerAlias, cap + EXTRA), cap);
    expect(result.other).toEqual([]);
    expect(result).toMatchObject({ accepted: cap, refused: EXTRA });
  }, 120_000);

  it('when a seller message is refused after RCPT, then its cap unit is given back', async () => {
    const relay = await startRelay();
    const { buyerAlias } = await relay.seed();
    const c = await relay.client();
    const bad = await c.transaction(SELLER, [buyerAlias], `From: ${SELLER}\r\nSubject: x\r\n\r\nbare\nLF\r\n`);
    expect(bad.end?.code).toBe(550);
    // A transaction abandoned after RCPT ends when the client hangs up (or starts another MAIL FROM).
    await c.command(`MAIL FROM:<${SELLER}>`);
    expect((await c.command(`RCPT TO:<${buyerAlias}>`)).code).toBe(250);
    c.close();
    const sentToday = async () => ((await relay.parley.api.inject({ url: '/v1/sellers/seller-blue/limits', headers: ADMIN })).json() as { sentToday: number }).sentToday;
    const deadline = Date.now() + 5_000;
    while ((await sentToday()) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await sentToday()).toBe(0);
    const c2 = await relay.client();
    const good = await c2.transaction(SELLER, [buyerAlias], simpleMessage({ from: SELLER, to: buyerAlias }));
    expect(good.end?.code).toBe(250);
    const after = await relay.parley.api.inject({ url: '/v1/sellers/seller-blue/limits', headers: ADMIN });
    expect(after.json()).toMatchObject({ sentToday: 1 });
  });
});
