import { describe, expect, it } from 'vitest';
import { BUYER, expectClosedAfter, expectServing, greetedFrom } from '../helpers/edge-clients.js';
import { startRelay } from '../helpers/parley.js';

const unknown = (i: number) => `${String(i).padStart(2, '0')}${'q'.repeat(24)}@relay.test`;
const NO_SUCH = { code: 550, text: '5.1.1 No such recipient here' };
const DISCONNECT = '4.7.0 Too many invalid recipients, closing connection';
// Delays of a few milliseconds: the schedule itself is checked in src/inbound/limits/rcpt-tarpit.test.ts.
const fastTarpit = { rcptFailuresBeforeDelay: 1, rcptFailureDelayMs: 5, rcptFailureMaxDelayMs: 20 };

describe('refused-recipient probing at the SMTP edge', () => {
  it('when one connection probes more unknown aliases than allowed, then it is answered 550 until the limit, then 421 4.7.0 and closed', async () => {
    const relay = await startRelay({ store: 'redis', overrides: { limits: { ...fastTarpit, maxRcptFailuresPerConnection: 3, maxRcptFailuresPerIp: 100 } } });
    const { sellerAlias } = await relay.seed();
    const prober = await greetedFrom(relay, '127.0.0.2');
    expect((await prober.command(`MAIL FROM:<${BUYER}>`)).code).toBe(250);
    for (let i = 0; i < 3; i++) expect(await prober.command(`RCPT TO:<${unknown(i)}>`)).toMatchObject(NO_SUCH);
    // A real alias in between neither counts nor forgives.
    expect((await prober.command(`RCPT TO:<${sellerAlias}>`)).code).toBe(250);
    await expectClosedAfter(prober, prober.command(`RCPT TO:<${unknown(3)}>`), 421, DISCONNECT);
    await expectServing(relay, sellerAlias);
  });

  it('when a client IP spreads its probes over several connections, then the count in Redis carries over and disconnects it, while another IP is served', async () => {
    const relay = await startRelay({ store: 'redis', overrides: { limits: { ...fastTarpit, maxRcptFailuresPerConnection: 100, maxRcptFailuresPerIp: 3 } } });
    const { sellerAlias } = await relay.seed();

    const first = await greetedFrom(relay, '127.0.0.2');
    await first.command(`MAIL FROM:<${BUYER}>`);
    for (let i = 0; i < 2; i++) expect(await first.command(`RCPT TO:<${unknown(i)}>`)).toMatchObject(NO_SUCH);
    first.close();

    const second = await greetedFrom(relay, '127.0.0.2');
    await second.command(`MAIL FROM:<${BUYER}>`);
    expect(await second.command(`RCPT TO:<${unknown(2)}>`)).toMatchObject(NO_SUCH);
    await expectClosedAfter(second, second.command(`RCPT TO:<${unknown(3)}>`), 421, DISCONNECT);

    // Another client IP has its own count: one refusal, then its message goes through.
    const other = await greetedFrom(relay, '127.0.0.3');
    await other.command(`MAIL FROM:<${BUYER}>`);
    expect(await other.command(`RCPT TO:<${unknown(9)}>`)).toMatchObject(NO_SUCH);
    await expectServing(relay, sellerAlias);
  });

  it('when recipients are refused for reasons that are not probing (another pair), then they never count', async () => {
    const relay = await startRelay({ store: 'redis', overrides: { limits: { ...fastTarpit, maxRcptFailuresPerConnection: 1 } } });
    const { sellerAlias } = await relay.seed();
    const d = relay.parley.directory;
    await d.parties.put({ id: 'seller-2', role: 'seller', name: 'Other Shop', emails: ['shop2@other.example'] });
    const { pair } = await d.orders.record({ orderId: 'o-2', buyerId: 'buyer-jiwoo', sellerId: 'seller-2', placedAt: 1 });
    const c = await greetedFrom(relay, '127.0.0.2');
    await c.command(`MAIL FROM:<${BUYER}>`);
    expect((await c.command(`RCPT TO:<${sellerAlias}>`)).code).toBe(250);
    for (let i = 0; i < 3; i++) expect((await c.command(`RCPT TO:<${d.pairs.address(pair.sellerAlias)}>`)).code).toBe(452);
    expect(await c.command(`RCPT TO:<${unknown(0)}>`)).toMatchObject(NO_SUCH);
    await expectClosedAfter(c, c.command(`RCPT TO:<${unknown(1)}>`), 421, DISCONNECT);
  });
});
