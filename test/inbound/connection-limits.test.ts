import { describe, expect, it } from 'vitest';
import { BUYER, connectFrom, expectClosedAfter, expectServing, greetedFrom } from '../helpers/edge-clients.js';
import { metricValue } from '../helpers/metrics.js';
import { simpleMessage, startRelay } from '../helpers/parley.js';

/** Greeting attempts from one address until one is let in: a closed connection is counted out just after it closes. */
async function greetedEventually(relay: Awaited<ReturnType<typeof startRelay>>, localAddress: string) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const c = await connectFrom(relay, localAddress);
    const greeting = await c.read();
    if (greeting.code === 220) return c;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no greeting for ${localAddress}`);
}

describe('connection limits at the SMTP edge', () => {
  it('when one client IP has as many connections open as allowed, then its next gets 421 4.7.0 and is closed, while another IP is served', async () => {
    const relay = await startRelay({ overrides: { limits: { maxConnectionsPerIp: 2, maxConnections: 10 } } });
    const { sellerAlias } = await relay.seed();
    const first = await greetedFrom(relay, '127.0.0.2');
    await greetedFrom(relay, '127.0.0.2');

    const third = await connectFrom(relay, '127.0.0.2');
    await expectClosedAfter(third, third.read(), 421, '4.7.0 Too many connections from your network, please try again later');
    await expectServing(relay, sellerAlias);

    // Closing one frees its slot for the same address.
    first.close();
    expect((await (await greetedEventually(relay, '127.0.0.2')).command('EHLO again.example')).code).toBe(250);
  });

  it('when the node has as many connections open as allowed in total, then the next gets 421 4.7.0 and is closed, while open ones go on', async () => {
    const relay = await startRelay({ overrides: { limits: { maxConnections: 2, maxConnectionsPerIp: 10 } } });
    const { sellerAlias } = await relay.seed();
    const open = await greetedFrom(relay, '127.0.0.2');
    await greetedFrom(relay, '127.0.0.3');

    const extra = await connectFrom(relay, '127.0.0.4');
    await expectClosedAfter(extra, extra.read(), 421, '4.7.0 Too many connections, please try again later');
    const res = await open.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias }));
    expect(res.end?.code, res.end?.text).toBe(250);
    await relay.sink.waitFor(1);
  });

  it('when a client IP opens more connections per window than allowed, then 451 4.7.1 with a retry hint, counted in Redis, while another IP is served', async () => {
    const relay = await startRelay({ store: 'redis', overrides: { limits: { connectionRatePerIp: 2, rateWindowSeconds: 60 } } });
    const { sellerAlias } = await relay.seed();
    (await greetedFrom(relay, '127.0.0.2')).close();
    (await greetedFrom(relay, '127.0.0.2')).close();

    const third = await connectFrom(relay, '127.0.0.2');
    await expectClosedAfter(third, third.read(), 451, /^4\.7\.1 Too many connections from your network; try again in ([1-9]|[1-5]\d|60) seconds?$/);
    await expectServing(relay, sellerAlias);
  });

  it('when a client IP starts more messages per window than allowed, then MAIL FROM gets 451 4.7.1 with a retry hint and the session stays open', async () => {
    const relay = await startRelay({ store: 'redis', overrides: { limits: { messageRatePerIp: 2, rateWindowSeconds: 60 } } });
    const { sellerAlias } = await relay.seed();
    const c = await greetedFrom(relay, '127.0.0.2');
    for (let i = 0; i < 2; i++) {
      const res = await c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias }));
      expect(res.end?.code, res.end?.text).toBe(250);
    }
    const refused = await c.command(`MAIL FROM:<${BUYER}>`);
    expect(refused.code).toBe(451);
    expect(refused.text).toMatch(/^4\.7\.1 Too many messages from your network; try again in ([1-9]|[1-5]\d|60) seconds?$/);
    // Not a 421: the connection stays usable, and RCPT without an accepted MAIL is a sequence error.
    expect((await c.command('NOOP')).code).toBe(250);
    expect((await c.command(`RCPT TO:<${sellerAlias}>`)).code).toBe(503);

    await expectServing(relay, sellerAlias);
    await relay.sink.waitFor(3);
  });

  it('when a client talks before the greeting, then it gets 421 and is dropped without a greeting, while others are served', async () => {
    const relay = await startRelay();
    const { sellerAlias } = await relay.seed();
    const early = await connectFrom(relay, '127.0.0.2');
    early.write('EHLO too.early.example\r\n');
    await expectClosedAfter(early, early.read(), 421, 'relay.test You talk too soon');
    await expectServing(relay, sellerAlias);
  });

  it('when a client waited for the greeting and started a transaction, then its next connection is greeted without the pause, and one greeting only; a client that only said EHLO still waits', async () => {
    const relay = await startRelay();
    const { sellerAlias } = await relay.seed();
    const greetings = async () => {
      const text = (await relay.parley.api.inject('/metrics')).body;
      const count = (pause: string) => metricValue(text, `parley_greetings_total{pause="${pause}"}`, 0);
      return { waited: count('waited'), skipped: count('skipped') };
    };
    const message = simpleMessage({ from: BUYER, to: sellerAlias });

    const first = await greetedFrom(relay, '127.0.0.2');
    expect((await first.transaction(BUYER, [sellerAlias], message)).end?.code).toBe(250);
    first.close();
    const browsing = await greetedFrom(relay, '127.0.0.3');
    browsing.close();
    expect(await greetings()).toEqual({ waited: 2, skipped: 0 });

    const again = await greetedFrom(relay, '127.0.0.2');
    const stranger = await greetedFrom(relay, '127.0.0.3');
    expect(await greetings()).toEqual({ waited: 3, skipped: 1 });
    // smtp-server's own 100 ms timer still fires for the connection greeted at once: it must not greet twice.
    await new Promise((r) => setTimeout(r, 300));
    const res = await again.transaction(BUYER, [sellerAlias], message);
    expect([res.mail.code, res.rcpt[0]?.code, res.data?.code, res.end?.code]).toEqual([250, 250, 354, 250]);
    expect((await stranger.command('NOOP')).code).toBe(250);
    await relay.sink.waitFor(2);
  });

  it('when PARLEY_GREET_PASS_TTL is 0, then every connection waits for its greeting', async () => {
    const relay = await startRelay({ overrides: { limits: { greetPassTtlSeconds: 0 } } });
    const { sellerAlias } = await relay.seed();
    for (let i = 0; i < 2; i++) {
      const c = await greetedFrom(relay, '127.0.0.2');
      expect((await c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias }))).end?.code).toBe(250);
      c.close();
    }
    const text = (await relay.parley.api.inject('/metrics')).body;
    expect(text).toMatch(/^parley_greetings_total\{pause="waited"\} 2$/m);
    expect(text).not.toMatch(/^parley_greetings_total\{pause="skipped"\}/m);
  });
});
