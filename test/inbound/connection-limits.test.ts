import { describe, expect, it } from 'vitest';
import { BUYER, connectFrom, expectClosedAfter, expectServing, greetedFrom } from '../helpers/edge-clients.js';
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
});
